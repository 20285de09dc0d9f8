import { Alert, Badge, Button, Group, Modal, ScrollArea, Stack, Table, Text } from '@mantine/core'
import { IconAlertTriangle, IconArrowRight, IconCircleCheck, IconTrash } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import { i18n } from '../../i18n'
import type { DryRunReport, SavePlan } from './save'

// Before a save that deletes fields or changes a field's type, the designer says exactly what
// happens to the data already there: deleted fields keep their data and can be restored; a type
// change lists how many values convert and every value that does not (record, value, reason).

interface Props {
  plan: SavePlan | null
  reports: Map<string, DryRunReport>
  busy: boolean
  onCancel(): void
  onConfirm(): void
}

const shown = (value: unknown) => (value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value))

/** A failure's reason may come as a message key (value.notANumber); it is translated with the field and value. */
function reason(message: string, field: string, value: unknown): string {
  return i18n.exists(message) ? i18n.t(message, { field, value: shown(value) }) : message
}

export function SaveReview({ plan, reports, busy, onCancel, onConfirm }: Props) {
  const { t } = useTranslation()
  const typeChanges = plan?.updates.filter((u) => u.typeChange) ?? []
  const failures = [...reports.values()].reduce((n, r) => n + r.failures.length, 0)
  return (
    <Modal opened={plan !== null} onClose={onCancel} title={<Text fw={600}>{t('designer.review.title')}</Text>} size="lg" centered>
      {plan && (
        <Stack gap="md" data-testid="save-review">
          <Text size="sm" c="dimmed">
            {t('designer.review.intro')}
          </Text>
          {plan.deletes.map((d) => (
            <Alert key={d.key} color="gray" icon={<IconTrash size={18} />} title={t('designer.review.deleteTitle', { field: d.label })}>
              <Text size="sm">{t('designer.review.deleteBody')}</Text>
            </Alert>
          ))}
          {typeChanges.map((u) => {
            const report = reports.get(u.key)
            if (!u.typeChange || !report) return null
            return (
              <Alert
                key={u.key}
                color={report.failures.length ? 'orange' : 'teal'}
                icon={report.failures.length ? <IconAlertTriangle size={18} /> : <IconCircleCheck size={18} />}
                title={
                  <Group gap={6}>
                    <span>{u.label}</span>
                    <Badge variant="light" color="gray" tt="none">
                      {t(`designer.type.${u.typeChange.from}`)}
                    </Badge>
                    <IconArrowRight size={14} />
                    <Badge variant="light" color="indigo" tt="none">
                      {t(`designer.type.${u.typeChange.to}`)}
                    </Badge>
                  </Group>
                }
                data-testid="type-change-report"
              >
                <Stack gap="xs">
                  <Text size="sm">
                    {report.failures.length
                      ? t('designer.review.convertSome', { converted: report.converted, failed: report.failures.length })
                      : t('designer.review.convertAll', { converted: report.converted })}
                  </Text>
                  {report.failures.length > 0 && (
                    <>
                      <ScrollArea.Autosize mah={220}>
                        <Table withTableBorder striped fz="sm" data-testid="conversion-failures">
                          <Table.Thead>
                            <Table.Tr>
                              <Table.Th w={90}>{t('designer.review.record')}</Table.Th>
                              <Table.Th>{t('designer.review.value')}</Table.Th>
                              <Table.Th>{t('designer.review.reason')}</Table.Th>
                            </Table.Tr>
                          </Table.Thead>
                          <Table.Tbody>
                            {report.failures.map((f) => (
                              <Table.Tr key={f.recordId}>
                                <Table.Td>#{f.recordId}</Table.Td>
                                <Table.Td>{shown(f.value)}</Table.Td>
                                <Table.Td>{reason(f.message, u.label, f.value)}</Table.Td>
                              </Table.Tr>
                            ))}
                          </Table.Tbody>
                        </Table>
                      </ScrollArea.Autosize>
                      <Text size="xs" c="dimmed">
                        {t('designer.review.lossKept')}
                      </Text>
                    </>
                  )}
                </Stack>
              </Alert>
            )
          })}
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={onCancel}>
              {t('designer.review.back')}
            </Button>
            <Button color={failures ? 'orange' : undefined} onClick={onConfirm} loading={busy} data-testid="save-review-confirm">
              {failures ? t('designer.review.saveAnyway') : t('designer.review.save')}
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  )
}
