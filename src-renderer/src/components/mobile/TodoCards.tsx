import { Badge, Group, Paper, Stack, Text, UnstyledButton } from '@mantine/core'
import { useTranslation } from 'react-i18next'
import type { InstanceSummaryDto, TaskDto } from '@shared/api/flows'
import { fmt, STATUS_COLOR } from '../flows/InstanceView'

// The to-do center at phone width: one card per to-do (the record's title and form first, then
// the flow, the step, who submitted it and when); tapping opens the approval, whose 同意 / 拒绝
// sit in a bar at the bottom of the screen (InstanceView).

type Tab = 'todo' | 'done' | 'mine' | 'cc'

interface Props {
  tab: Tab
  tasks: TaskDto[]
  instances: InstanceSummaryDto[]
  loadedAt: number
  onOpen(instanceId: number, taskId?: number): void
}

export function TodoCards({ tab, tasks, instances, loadedAt, onOpen }: Props) {
  const { t } = useTranslation()
  if (tab === 'mine') {
    return (
      <Stack gap="xs" data-testid="todo-cards">
        {instances.map((i) => (
          <Card key={i.id} testId={`todo-row-${i.id}`} onOpen={() => onOpen(i.id)} title={i.title} form={i.formLabel} badge={<Badge variant="light" color={STATUS_COLOR[i.status]} radius="sm" tt="none">{t(`flows.istatus.${i.status}`)}</Badge>}>
            <Line label={t('flows.todo.col.flow')} value={i.flowName} />
            {i.status === 'running' && <Line label={t('flows.todo.col.current')} value={i.currentNodes.join(t('common.listSeparator'))} />}
            <Text size="xs" c="dimmed">{fmt(i.startedAt)}</Text>
          </Card>
        ))}
      </Stack>
    )
  }
  return (
    <Stack gap="xs" data-testid="todo-cards">
      {tasks.map((task) => {
        const color = tab === 'todo' ? STATUS_COLOR[task.instanceStatus] : task.status === 'approved' ? 'teal' : task.status === 'rejected' ? 'red' : 'gray'
        const status = tab === 'todo' || tab === 'cc' ? t(`flows.istatus.${task.instanceStatus}`) : t(`flows.tstatus.${task.status}`)
        const overdue = task.dueAt !== null && tab === 'todo' && new Date(task.dueAt).getTime() < loadedAt
        return (
          <Card
            key={task.id}
            testId={`todo-row-${task.instanceId}`}
            onOpen={() => onOpen(task.instanceId, task.id)}
            title={task.title}
            bold={tab === 'cc' && task.status === 'unread'}
            form={task.formLabel}
            badge={<Badge variant="light" color={color} radius="sm" tt="none">{status}</Badge>}
          >
            {(task.urgedAt && tab === 'todo') || task.kind === 'resubmit' ? (
              <Group gap={6}>
                {task.urgedAt && tab === 'todo' && <Badge size="xs" color="red" variant="light">{t('flows.todo.urged')}</Badge>}
                {task.kind === 'resubmit' && <Badge size="xs" color="yellow" variant="light">{t('flows.todo.returned')}</Badge>}
              </Group>
            ) : null}
            <Line label={t('flows.todo.col.node')} value={`${task.flowName} · ${task.nodeLabel}`} />
            <Line label={t('flows.todo.col.submitter')} value={task.submitter.name} />
            <Group gap="xs" justify="space-between">
              <Text size="xs" c="dimmed">{fmt(task.actedAt ?? task.createdAt)}</Text>
              {task.dueAt && tab === 'todo' && <Text size="xs" c={overdue ? 'red' : 'dimmed'}>{t('flows.history.due', { at: fmt(task.dueAt) })}</Text>}
            </Group>
          </Card>
        )
      })}
    </Stack>
  )
}

function Card({ testId, onOpen, title, bold, form, badge, children }: { testId: string; onOpen(): void; title: string; bold?: boolean; form: string; badge: React.ReactNode; children: React.ReactNode }) {
  return (
    <Paper withBorder radius="md" p="sm" data-testid={testId}>
      <UnstyledButton onClick={onOpen} w="100%" style={{ textAlign: 'left' }}>
        <Group justify="space-between" align="flex-start" wrap="nowrap" gap="xs">
          <Stack gap={0} style={{ minWidth: 0 }}>
            <Text fw={bold ? 700 : 600} lineClamp={2}>{title}</Text>
            <Text size="xs" c="dimmed">{form}</Text>
          </Stack>
          {badge}
        </Group>
        <Stack gap={4} mt={6}>{children}</Stack>
      </UnstyledButton>
    </Paper>
  )
}

function Line({ label, value }: { label: string; value: string }) {
  return (
    <Group gap={8} wrap="nowrap">
      <Text size="xs" c="dimmed" w={64} style={{ flexShrink: 0 }}>{label}</Text>
      <Text size="sm" truncate>{value}</Text>
    </Group>
  )
}
