import { Badge, Button, Center, Group, Stack, Table, Text, Tooltip } from '@mantine/core'
import { IconRefresh } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import dayjs from 'dayjs'
import { api } from '../../api/client'
import { useLoaded } from '../../lib/use-loaded'

/** A rule's run log: when, what triggered it, records matched, actions done, errors, duration. */
export function RunLog({ ruleId }: { ruleId: number }) {
  const { t } = useTranslation()
  const { data, failure, reload } = useLoaded(() => api.rules.runs({ id: ruleId, limit: 100 }))
  return (
    <Stack gap="xs" data-testid="run-log">
      <Group justify="flex-end">
        <Button size="compact-sm" variant="subtle" leftSection={<IconRefresh size={14} />} onClick={() => void reload()}>
          {t('rules.refresh')}
        </Button>
      </Group>
      {failure && <Text c="red">{failure}</Text>}
      {data && data.length === 0 && (
        <Center py="lg">
          <Text size="sm" c="dimmed">
            {t('rules.log.empty')}
          </Text>
        </Center>
      )}
      {data && data.length > 0 && (
        <Table fz="xs" verticalSpacing={6} striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('rules.log.at')}</Table.Th>
              <Table.Th>{t('rules.log.trigger')}</Table.Th>
              <Table.Th ta="right">{t('rules.log.matched')}</Table.Th>
              <Table.Th ta="right">{t('rules.log.actions')}</Table.Th>
              <Table.Th ta="right">{t('rules.log.duration')}</Table.Th>
              <Table.Th>{t('rules.log.result')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {data.map((r) => (
              <Table.Tr key={r.id}>
                <Table.Td>{dayjs(r.startedAt).format('MM-DD HH:mm:ss')}</Table.Td>
                <Table.Td>{t(`rules.log.kind.${r.trigger.replace(/[.:]/g, '_')}`, { defaultValue: r.trigger })}</Table.Td>
                <Table.Td ta="right">{r.matched}</Table.Td>
                <Table.Td ta="right">{r.actions}</Table.Td>
                <Table.Td ta="right">{r.durationMs < 1 ? '<1' : Math.round(r.durationMs)} ms</Table.Td>
                <Table.Td>
                  {r.errors.length ? (
                    <Tooltip label={r.errors.join('\n')} multiline w={320} withinPortal>
                      <Badge color="red" variant="light" size="sm">
                        {t('rules.log.errors', { count: r.errors.length })}
                      </Badge>
                    </Tooltip>
                  ) : (
                    <Badge color="green" variant="light" size="sm">
                      {t('rules.log.ok')}
                    </Badge>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  )
}
