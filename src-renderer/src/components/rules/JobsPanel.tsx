import { useState } from 'react'
import { Badge, Button, Center, Code, Group, SegmentedControl, Stack, Table, Text, Tooltip } from '@mantine/core'
import { IconRefresh, IconRotateClockwise } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import dayjs from 'dayjs'
import { api } from '../../api/client'
import { notifyError, notifySuccess } from '../../lib/notify'
import { useLoaded } from '../../lib/use-loaded'

type Status = 'failed' | 'pending' | 'done'

const COLORS: Record<string, string> = { failed: 'red', pending: 'orange', running: 'blue', done: 'green' }

/** Background jobs (emails, webhooks…): the failed ones with their error and a retry, the queue, the done. */
export function JobsPanel() {
  const { t } = useTranslation()
  const [status, setStatus] = useState<Status>('failed')
  const { data, failure, reload } = useLoaded(() => api.jobs.list({ status, limit: 200 }))
  const [busy, setBusy] = useState<number | null>(null)

  const retry = async (id: number) => {
    setBusy(id)
    try {
      const job = await api.jobs.retry({ id })
      if (job.status === 'done') notifySuccess(t('rules.jobs.retried'))
      else notifyError(new Error(job.lastError ?? t('rules.jobs.stillFailing')))
      await reload()
    } catch (e) {
      notifyError(e)
    } finally {
      setBusy(null)
    }
  }

  return (
    <Stack gap="sm" data-testid="jobs-panel">
      <Group justify="space-between">
        <SegmentedControl
          data={(['failed', 'pending', 'done'] as const).map((s) => ({ value: s, label: t(`rules.jobs.status.${s}`) }))}
          value={status}
          onChange={(s) => {
            setStatus(s as Status)
          }}
        />
        <Button size="compact-sm" variant="subtle" leftSection={<IconRefresh size={14} />} onClick={() => void reload()}>
          {t('rules.refresh')}
        </Button>
      </Group>
      {failure && <Text c="red">{failure}</Text>}
      {data && data.length === 0 && (
        <Center py="xl">
          <Text c="dimmed" size="sm">
            {t(`rules.jobs.empty.${status}`)}
          </Text>
        </Center>
      )}
      {data && data.length > 0 && (
        <Table verticalSpacing="xs" fz="sm" striped highlightOnHover>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('rules.jobs.kind')}</Table.Th>
              <Table.Th>{t('rules.jobs.runAt')}</Table.Th>
              <Table.Th ta="right">{t('rules.jobs.attempts')}</Table.Th>
              <Table.Th>{t('rules.jobs.error')}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {data.map((j) => {
              const action = (j.payload as { action?: { type?: string } } | null)?.action?.type
              return (
                <Table.Tr key={j.id}>
                  <Table.Td>
                    <Group gap={6}>
                      <Badge size="sm" variant="light" color={COLORS[j.status]}>
                        {t(`rules.jobs.status.${j.status}`)}
                      </Badge>
                      <Text size="sm">{action ? t(`rules.action.${action}`) : j.kind}</Text>
                    </Group>
                  </Table.Td>
                  <Table.Td>{dayjs(j.status === 'pending' ? j.runAt : j.updatedAt).format('YYYY-MM-DD HH:mm')}</Table.Td>
                  <Table.Td ta="right">
                    {j.attempts}/{j.maxAttempts}
                  </Table.Td>
                  <Table.Td maw={360}>
                    {j.lastError ? (
                      <Tooltip label={j.lastError} multiline w={360} withinPortal>
                        <Code c="red" style={{ display: 'block', whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis' }}>
                          {j.lastError}
                        </Code>
                      </Tooltip>
                    ) : (
                      '—'
                    )}
                  </Table.Td>
                  <Table.Td ta="right">
                    {j.status === 'failed' && (
                      <Button size="compact-sm" variant="light" leftSection={<IconRotateClockwise size={14} />} loading={busy === j.id} onClick={() => void retry(j.id)}>
                        {t('rules.jobs.retry')}
                      </Button>
                    )}
                  </Table.Td>
                </Table.Tr>
              )
            })}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  )
}
