import { useState } from 'react'
import { Alert, Anchor, Badge, Button, Group, NumberInput, Stack, Table, Text } from '@mantine/core'
import { IconFlask } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import dayjs from 'dayjs'
import type { FormDto } from '@shared/api/contracts'
import type { DryRunDto, RuleInput } from '@shared/api/rules'
import { api, errorMessage } from '../../api/client'

/** 试运行: which records the rule (as edited, not yet saved) would touch now, and over the last N days. */
export function DryRunPanel({ build, forms }: { build(): RuleInput & { form: number }; forms: FormDto[] }) {
  const { t } = useTranslation()
  const [days, setDays] = useState(30)
  const [result, setResult] = useState<DryRunDto | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [formId, setFormId] = useState<number | null>(null)

  const run = async () => {
    setBusy(true)
    setError(null)
    try {
      const rule = build()
      setFormId(rule.form)
      setResult(await api.rules.dryRun({ rule: { ...rule, name: rule.name || t('rules.untitled') }, days }))
    } catch (e) {
      setError(errorMessage(e))
      setResult(null)
    } finally {
      setBusy(false)
    }
  }
  const link = (id: number, title: string) => (
    <Anchor href={`#/forms/${formId ?? forms[0]?.id}/records/${id}`} size="sm">
      {title}
    </Anchor>
  )

  return (
    <Stack gap="sm" data-testid="dry-run">
      <Text size="sm" c="dimmed">
        {t('rules.dry.hint')}
      </Text>
      <Group gap="xs" align="flex-end">
        <NumberInput label={t('rules.dry.days')} w={120} min={1} max={365} value={days} onChange={(n) => setDays(Number(n) || 30)} />
        <Button leftSection={<IconFlask size={16} />} variant="light" loading={busy} onClick={() => void run()} data-testid="dry-run-button">
          {t('rules.dry.run')}
        </Button>
      </Group>
      {error && (
        <Alert color="red" variant="light">
          {error}
        </Alert>
      )}
      {result && (
        <Stack gap="sm">
          <Group gap="xs">
            <Text fw={600} size="sm">
              {t('rules.dry.now')}
            </Text>
            <Badge variant="light" data-testid="dry-run-now-count">
              {t('rules.dry.records', { count: result.nowTotal })}
            </Badge>
          </Group>
          {result.now.length === 0 ? (
            <Text size="sm" c="dimmed">
              {t('rules.dry.none')}
            </Text>
          ) : (
            <Stack gap={4}>
              {result.now.slice(0, 10).map((r) => (
                <Group key={r.id} gap={6}>
                  <Text size="xs" c="dimmed" w={40}>
                    #{r.id}
                  </Text>
                  {link(r.id, r.title)}
                </Group>
              ))}
              {result.nowTotal > 10 && (
                <Text size="xs" c="dimmed">
                  {t('rules.dry.more', { count: result.nowTotal - 10 })}
                </Text>
              )}
            </Stack>
          )}
          <Group gap="xs" mt="xs">
            <Text fw={600} size="sm">
              {t('rules.dry.history', { days })}
            </Text>
            <Badge variant="light" color="grape" data-testid="dry-run-history-count">
              {t('rules.dry.times', { count: result.historyTotal })}
            </Badge>
          </Group>
          {result.history.length > 0 && (
            <Table fz="xs" verticalSpacing={4}>
              <Table.Tbody>
                {result.history.slice(0, 10).map((h, i) => (
                  <Table.Tr key={i}>
                    <Table.Td c="dimmed" w={120}>
                      {dayjs(h.at).format('MM-DD HH:mm')}
                    </Table.Td>
                    <Table.Td>{link(h.id, h.title)}</Table.Td>
                    <Table.Td c="dimmed">{t(`rules.dry.event.${h.event}`, { defaultValue: h.event })}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
          <Text size="xs" c="dimmed">
            {t('rules.dry.actions', { actions: result.actions.map((a) => t(`rules.action.${a}`)).join(t('common.listSeparator')) })}
          </Text>
        </Stack>
      )}
    </Stack>
  )
}
