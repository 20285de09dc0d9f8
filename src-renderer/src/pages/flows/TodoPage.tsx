import { useEffect, useState } from 'react'
import { Anchor, Badge, Button, Checkbox, Group, Pagination, Paper, Stack, Table, Tabs, Text, TextInput } from '@mantine/core'
import { IconArrowLeft, IconChecks, IconSearch } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import type { FormDto } from '@shared/api/contracts'
import type { InstanceSummaryDto, TaskDto } from '@shared/api/flows'
import { api, queuedOffline } from '../../api/client'
import { PageHeader } from '../../components/PageHeader'
import { LoadState } from '../../components/LoadState'
import { InstanceView, STATUS_COLOR, fmt } from '../../components/flows/InstanceView'
import { emitFlowsChanged, onFlowsChanged } from '../../components/flows/events'
import { notifyError, notifySuccess } from '../../lib/notify'
import { navigate } from '../../lib/route'
import { usePhone } from '../../lib/phone'
import { TodoCards } from '../../components/mobile/TodoCards'

// The to-do center: 待办 / 已办 / 我发起的 / 抄送我 with counts, batch approve, and one approval
// opened in place (#/todo/instances/<id>).

type Tab = 'todo' | 'done' | 'mine' | 'cc'
const TABS: Tab[] = ['todo', 'done', 'mine', 'cc']
const PAGE = 20

export function TodoPage({ instanceId, forms }: { instanceId: number | null; forms: FormDto[] }) {
  const { t } = useTranslation()
  if (instanceId !== null) {
    return (
      <Stack gap="sm" p="xs">
        <Anchor href="#/todo" size="sm" w="fit-content">
          <Group gap={4}><IconArrowLeft size={14} />{t('flows.todo.back')}</Group>
        </Anchor>
        <InstanceView key={instanceId} instanceId={instanceId} forms={forms} />
      </Stack>
    )
  }
  return <TodoLists />
}

function TodoLists() {
  const { t } = useTranslation()
  const [tab, setTab] = useState<Tab>('todo')
  const [page, setPage] = useState(1)
  const [search, setSearch] = useState('')
  const [counts, setCounts] = useState<Record<Tab, number> | null>(null)
  const [data, setData] = useState<{ tasks: TaskDto[]; instances: InstanceSummaryDto[]; total: number } | null>(null)
  const [failure, setFailure] = useState<string | null>(null)
  const [picked, setPicked] = useState<number[]>([])
  const [busy, setBusy] = useState(false)
  const [version, setVersion] = useState(0)
  /** When the list was loaded: overdue tasks are marked against it. */
  const [loadedAt, setLoadedAt] = useState(0)
  const phone = usePhone()

  useEffect(() => onFlowsChanged(() => setVersion((v) => v + 1)), [])
  useEffect(() => {
    let alive = true
    Promise.all([api.flows.todo({ tab, limit: PAGE, offset: (page - 1) * PAGE, search: search || undefined }), api.flows.counts({})])
      .then(([list, c]) => {
        if (!alive) return
        setData(list)
        setLoadedAt(Date.now())
        setCounts(c)
        setFailure(null)
      })
      .catch((e: unknown) => alive && setFailure(e instanceof Error ? e.message : String(e)))
    return () => {
      alive = false
    }
  }, [tab, page, search, version])

  const batch = async () => {
    setBusy(true)
    try {
      const answer = await api.flows.batchApprove({ taskIds: picked })
      const { results } = answer
      const failed = results.filter((r) => !r.ok)
      if (failed.length) notifyError(new Error(failed.map((r) => r.message).join('；')), t('flows.todo.batchPartial', { ok: results.length - failed.length, failed: failed.length }))
      else notifySuccess(queuedOffline(answer) ? t('sync.batchApprovedOffline', { count: results.length }) : t('flows.todo.batchDone', { count: results.length }))
      setPicked([])
      emitFlowsChanged()
    } catch (e) {
      notifyError(e)
    } finally {
      setBusy(false)
    }
  }

  const open = (instanceId: number, taskId?: number) => {
    if (taskId && tab === 'cc') void api.flows.markRead({ taskId }).then(emitFlowsChanged)
    navigate({ formId: null, recordId: null, section: 'todo', instanceId })
  }

  return (
    <Stack gap="md" p="xs">
      <PageHeader title={t('flows.nav.todo')} description={t('flows.todo.description')}>
        <TextInput leftSection={<IconSearch size={16} />} placeholder={t('flows.todo.search')} value={search} onChange={(e) => { setSearch(e.currentTarget.value); setPage(1) }} w={phone ? '100%' : 240} />
      </PageHeader>
      <Tabs value={tab} onChange={(v) => { setTab((v as Tab) ?? 'todo'); setPage(1); setPicked([]) }}>
        <Tabs.List>
          {TABS.map((k) => (
            <Tabs.Tab key={k} value={k} data-testid={`todo-tab-${k}`} rightSection={counts && counts[k] > 0 && (k === 'todo' || k === 'cc') ? <Badge size="xs" color={k === 'todo' ? 'red' : 'blue'} circle={counts[k] < 10}>{counts[k]}</Badge> : undefined}>
              {t(`flows.todo.tab.${k}`)}
            </Tabs.Tab>
          ))}
        </Tabs.List>
      </Tabs>
      {tab === 'todo' && picked.length > 0 && (
        <Group>
          <Button leftSection={<IconChecks size={16} />} color="teal" onClick={() => void batch()} loading={busy} data-testid="batch-approve">
            {t('flows.todo.batchApprove', { count: picked.length })}
          </Button>
        </Group>
      )}
      {!data ? (
        <LoadState failure={failure} />
      ) : data.total === 0 ? (
        <Paper withBorder radius="md" p="xl"><Text ta="center" c="dimmed" data-testid="todo-empty">{t(`flows.todo.empty.${tab}`)}</Text></Paper>
      ) : phone ? (
        <TodoCards tab={tab} tasks={data.tasks} instances={data.instances} loadedAt={loadedAt} onOpen={open} />
      ) : (
        <Paper withBorder radius="md">
          <Table highlightOnHover verticalSpacing="sm" data-testid="todo-table">
            <Table.Thead>
              <Table.Tr>
                {tab === 'todo' && <Table.Th w={40}><Checkbox aria-label={t('flows.todo.pickAll')} checked={picked.length > 0 && picked.length === data.tasks.filter((x) => x.kind === 'approval').length} onChange={(e) => setPicked(e.currentTarget.checked ? data.tasks.filter((x) => x.kind === 'approval').map((x) => x.id) : [])} /></Table.Th>}
                <Table.Th>{t('flows.todo.col.title')}</Table.Th>
                <Table.Th>{t('flows.todo.col.flow')}</Table.Th>
                <Table.Th>{tab === 'mine' ? t('flows.todo.col.current') : t('flows.todo.col.node')}</Table.Th>
                <Table.Th>{t('flows.todo.col.submitter')}</Table.Th>
                <Table.Th>{t('flows.todo.col.status')}</Table.Th>
                <Table.Th>{t('flows.todo.col.time')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {tab === 'mine'
                ? data.instances.map((i) => (
                  <Table.Tr key={i.id} style={{ cursor: 'pointer' }} onClick={() => open(i.id)} data-testid={`todo-row-${i.id}`}>
                    <Table.Td><Text size="sm" fw={500}>{i.title}</Text><Text size="xs" c="dimmed">{i.formLabel}</Text></Table.Td>
                    <Table.Td>{i.flowName}</Table.Td>
                    <Table.Td>{i.status === 'running' ? i.currentNodes.join(t('common.listSeparator')) : '—'}</Table.Td>
                    <Table.Td>{i.submitter.name}</Table.Td>
                    <Table.Td><Badge variant="light" color={STATUS_COLOR[i.status]}>{t(`flows.istatus.${i.status}`)}</Badge></Table.Td>
                    <Table.Td><Text size="sm">{fmt(i.startedAt)}</Text></Table.Td>
                  </Table.Tr>
                ))
                : data.tasks.map((task) => (
                  <Table.Tr key={task.id} style={{ cursor: 'pointer' }} onClick={() => open(task.instanceId, task.id)} data-testid={`todo-row-${task.instanceId}`}>
                    {tab === 'todo' && (
                      <Table.Td onClick={(e) => e.stopPropagation()}>
                        <Checkbox aria-label={task.title} disabled={task.kind !== 'approval'} checked={picked.includes(task.id)} onChange={(e) => setPicked(e.currentTarget.checked ? [...picked, task.id] : picked.filter((x) => x !== task.id))} />
                      </Table.Td>
                    )}
                    <Table.Td>
                      <Group gap={6} wrap="nowrap">
                        <Text size="sm" fw={tab === 'cc' && task.status === 'unread' ? 700 : 500}>{task.title}</Text>
                        {task.urgedAt && tab === 'todo' && <Badge size="xs" color="red" variant="light">{t('flows.todo.urged')}</Badge>}
                        {task.kind === 'resubmit' && <Badge size="xs" color="yellow" variant="light">{t('flows.todo.returned')}</Badge>}
                      </Group>
                      <Text size="xs" c="dimmed">{task.formLabel}</Text>
                    </Table.Td>
                    <Table.Td>{task.flowName}</Table.Td>
                    <Table.Td>{task.nodeLabel}</Table.Td>
                    <Table.Td>{task.submitter.name}</Table.Td>
                    <Table.Td>
                      <Badge variant="light" color={tab === 'todo' ? STATUS_COLOR[task.instanceStatus] : task.status === 'approved' ? 'teal' : task.status === 'rejected' ? 'red' : 'gray'}>
                        {tab === 'todo' || tab === 'cc' ? t(`flows.istatus.${task.instanceStatus}`) : t(`flows.tstatus.${task.status}`)}
                      </Badge>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{fmt(task.actedAt ?? task.createdAt)}</Text>
                      {task.dueAt && tab === 'todo' && <Text size="xs" c={new Date(task.dueAt).getTime() < loadedAt ? 'red' : 'dimmed'}>{t('flows.history.due', { at: fmt(task.dueAt) })}</Text>}
                    </Table.Td>
                  </Table.Tr>
                ))}
            </Table.Tbody>
          </Table>
        </Paper>
      )}
      {data && data.total > PAGE && <Pagination value={page} onChange={setPage} total={Math.ceil(data.total / PAGE)} />}
    </Stack>
  )
}
