import type { ReactNode } from 'react'
import { Anchor, Badge, Button, Card, Center, Group, Loader, Progress, SimpleGrid, Stack, Text, ThemeIcon } from '@mantine/core'
import { IconBell, IconCalendarDue, IconChecklist, IconCircleCheck, IconCircleDashed, IconClockHour4, IconCoin, IconHistory, IconPhoneCall, IconRefresh } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import type { WorkbenchDayDto } from '@shared/api/workbench'
import { api } from '../../api/client'
import { LoadState } from '../../components/LoadState'
import { PageHeader } from '../../components/PageHeader'
import { notifyError, notifySuccess } from '../../lib/notify'
import { routeHash } from '../../lib/route'
import { useLoaded } from '../../lib/use-loaded'
import type { User } from '../../app/App'

// 我的工作台: where each person lands after signing in. One call (workbench.day) brings the
// caller's own day; every item links to the record or page where it is done.

const recordHref = (formId: number, id: number) => routeHash({ formId, recordId: id })

type ChecklistKey = NonNullable<WorkbenchDayDto['checklist']>['items'][number]['key']

export function WorkbenchPage({ user }: { user: User }) {
  const { t, i18n } = useTranslation()
  const { data, failure, reload } = useLoaded(() => api.workbench.day({}))
  const money = (n: number) => new Intl.NumberFormat(i18n.language === 'en' ? 'en-US' : 'zh-CN', { style: 'currency', currency: 'CNY', maximumFractionDigits: 0 }).format(n)

  if (!data) {
    return failure ? (
      <LoadState failure={failure} />
    ) : (
      <Center h="60vh">
        <Loader />
      </Center>
    )
  }

  const dismiss = async () => {
    try {
      await api.workbench.dismissChecklist({})
      notifySuccess(t('workbench.checklist.dismissed'))
      await reload()
    } catch (error) {
      notifyError(error)
    }
  }

  const when = (dueDate: string, overdue: boolean) =>
    overdue ? (
      <Badge color="red" variant="light" size="sm">
        {t('workbench.overdue')} · {dueDate}
      </Badge>
    ) : dueDate === data.today ? (
      <Badge color="orange" variant="light" size="sm">
        {t('workbench.dueToday')}
      </Badge>
    ) : (
      <Text size="xs" c="dimmed">
        {t('workbench.tasks.due', { date: dueDate })}
      </Text>
    )

  return (
    <Stack gap="md" maw={1200} data-testid="workbench">
      <PageHeader title={t('workbench.title')} description={t('workbench.greeting', { name: user.name, date: data.today })}>
        <Button variant="default" size="xs" leftSection={<IconRefresh size={14} />} onClick={() => void reload()}>
          {t('workbench.refresh')}
        </Button>
      </PageHeader>

      {data.checklist && <Checklist checklist={data.checklist} onDismiss={() => void dismiss()} />}

      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
        <Section testId="workbench-approvals" icon={<IconChecklist size={18} />} title={t('workbench.approvals.title')} count={data.approvals.total} empty={t('workbench.approvals.empty')}>
          {data.approvals.items.map((a) => (
            <Row key={a.taskId} href={routeHash({ formId: null, recordId: null, section: 'todo', instanceId: a.instanceId })} title={a.title} sub={`${a.flowName} · ${a.formLabel}`} side={a.dueAt ? <Text size="xs" c="dimmed">{t('workbench.approvals.due', { date: a.dueAt.slice(0, 10) })}</Text> : null} />
          ))}
          {data.approvals.total > data.approvals.items.length && (
            <Anchor size="sm" href={routeHash({ formId: null, recordId: null, section: 'todo' })}>
              {t('workbench.approvals.all', { count: data.approvals.total })}
            </Anchor>
          )}
        </Section>

        <Section testId="workbench-followups" icon={<IconPhoneCall size={18} />} title={t('workbench.followUps.title')} count={data.followUps?.total ?? null} empty={data.followUps ? t('workbench.followUps.empty') : t('workbench.unavailable')}>
          {data.followUps?.items.map((f) => <Row key={f.id} href={recordHref(f.formId, f.id)} title={f.about ?? f.title} sub={f.about ? f.title : null} side={when(f.nextDate, f.overdue)} />)}
          {data.followUps && data.followUps.total > data.followUps.items.length && (
            <Text size="xs" c="dimmed">
              {t('workbench.followUps.more', { count: data.followUps.total - data.followUps.items.length })}
            </Text>
          )}
        </Section>

        <Section testId="workbench-deals" icon={<IconCoin size={18} />} title={t('workbench.deals.title')} count={data.deals?.total ?? null} empty={data.deals ? t('workbench.deals.empty') : t('workbench.unavailable')}>
          {data.deals && data.deals.total > 0 && (
            <Text size="sm" fw={500} data-testid="workbench-deals-total">
              {data.deals.amountShown && data.deals.amountTotal !== null ? t('workbench.deals.total', { count: data.deals.total, amount: money(data.deals.amountTotal) }) : t('workbench.deals.count', { count: data.deals.total })}
              {!data.deals.amountShown && (
                <Text span size="xs" c="dimmed" ml="xs">
                  {t('workbench.deals.amountHidden')}
                </Text>
              )}
            </Text>
          )}
          {data.deals?.items.map((d) => (
            <Row
              key={d.id}
              href={recordHref(d.formId, d.id)}
              title={d.title}
              sub={[d.stage, d.closeDate].filter(Boolean).join(' · ') || null}
              side={d.amount !== null ? <Text size="sm" fw={600}>{money(d.amount)}</Text> : null}
            />
          ))}
        </Section>

        <Section testId="workbench-tasks" icon={<IconCalendarDue size={18} />} title={t('workbench.tasks.title')} count={data.tasks?.total ?? null} empty={data.tasks ? t('workbench.tasks.empty') : t('workbench.unavailable')}>
          {data.tasks?.items.map((k) => (
            <Row key={k.id} href={recordHref(k.formId, k.id)} title={k.title} side={k.dueDate ? when(k.dueDate, k.overdue) : <Text size="xs" c="dimmed">{t('workbench.tasks.noDue')}</Text>} />
          ))}
        </Section>

        <Section testId="workbench-reminders" icon={<IconBell size={18} />} title={t('workbench.reminders.title')} count={data.reminders.unread} empty={t('workbench.reminders.empty')}>
          {data.reminders.items.map((n) => (
            <Row key={n.id} href={n.formId !== null && n.recordId !== null ? recordHref(n.formId, n.recordId) : null} title={n.title} sub={n.body || null} side={<Text size="xs" c="dimmed">{new Date(n.createdAt).toLocaleDateString(i18n.language)}</Text>} />
          ))}
        </Section>

        <Section testId="workbench-recent" icon={<IconHistory size={18} />} title={t('workbench.recent.title')} count={null} empty={t('workbench.recent.empty')}>
          {data.recent.map((r) => (
            <Row key={`${r.formId}:${r.id}`} href={recordHref(r.formId, r.id)} title={r.title} sub={r.formLabel} side={<IconClockHour4 size={14} color="var(--mantine-color-dimmed)" />} />
          ))}
        </Section>
      </SimpleGrid>
    </Stack>
  )
}

function Section({ icon, title, count, empty, testId, children }: { icon: ReactNode; title: string; count: number | null; empty: string; testId: string; children: ReactNode }) {
  const items = (Array.isArray(children) ? children : [children]).flat().filter((c) => c !== null && c !== undefined && c !== false)
  return (
    <Card withBorder radius="md" padding="md" data-testid={testId}>
      <Group gap="xs" mb="sm" wrap="nowrap">
        <ThemeIcon variant="light" size="md">
          {icon}
        </ThemeIcon>
        <Text fw={600}>{title}</Text>
        {count !== null && count > 0 && (
          <Badge variant="light" size="sm" data-testid={`${testId}-count`}>
            {count}
          </Badge>
        )}
      </Group>
      {items.length === 0 ? (
        <Text size="sm" c="dimmed" data-testid={`${testId}-empty`}>
          {empty}
        </Text>
      ) : (
        <Stack gap={6}>{items}</Stack>
      )}
    </Card>
  )
}

function Row({ href, title, sub, side }: { href: string | null; title: string; sub?: string | null; side?: ReactNode }) {
  return (
    <Group justify="space-between" wrap="nowrap" gap="sm" py={4} style={{ borderBottom: '1px solid var(--jimu-border)' }}>
      <Stack gap={0} style={{ minWidth: 0 }}>
        {href ? (
          <Anchor href={href} size="sm" fw={500} truncate="end">
            {title}
          </Anchor>
        ) : (
          <Text size="sm" fw={500} truncate="end">
            {title}
          </Text>
        )}
        {sub && (
          <Text size="xs" c="dimmed" truncate="end">
            {sub}
          </Text>
        )}
      </Stack>
      {side && <div style={{ flexShrink: 0 }}>{side}</div>}
    </Group>
  )
}

const CHECKLIST_HREF: Record<ChecklistKey, (formId: number | null) => string> = {
  colleagues: () => routeHash({ formId: null, recordId: null, section: 'organization' }),
  import: (formId) => (formId !== null ? routeHash({ formId, recordId: null }) : routeHash({ formId: null, recordId: null, section: 'apps' })),
  company: () => routeHash({ formId: null, recordId: null, section: 'system' }),
  lan: () => routeHash({ formId: null, recordId: null, section: 'system' }),
  backup: () => routeHash({ formId: null, recordId: null, section: 'backups' })
}

function Checklist({ checklist, onDismiss }: { checklist: NonNullable<WorkbenchDayDto['checklist']>; onDismiss(): void }) {
  const { t } = useTranslation()
  const done = checklist.items.filter((i) => i.done).length
  return (
    <Card withBorder radius="md" padding="md" data-testid="workbench-checklist">
      <Group justify="space-between" align="flex-start" wrap="wrap" gap="xs" mb="xs">
        <Stack gap={2}>
          <Text fw={600}>{t('workbench.checklist.title')}</Text>
          <Text size="sm" c="dimmed">
            {t('workbench.checklist.description')}
          </Text>
        </Stack>
        <Button variant="subtle" color="gray" size="xs" onClick={onDismiss} data-testid="workbench-checklist-dismiss">
          {t('workbench.checklist.dismiss')}
        </Button>
      </Group>
      <Group gap="xs" mb="sm" wrap="nowrap">
        <Progress value={(done / checklist.items.length) * 100} style={{ flex: 1 }} />
        <Text size="xs" c="dimmed">
          {t('workbench.checklist.progress', { done, total: checklist.items.length })}
        </Text>
      </Group>
      <Stack gap={4}>
        {checklist.items.map((item) => (
          <Group key={item.key} justify="space-between" wrap="nowrap" gap="sm" py={4} data-testid={`workbench-checklist-${item.key}`} data-done={item.done}>
            <Group gap="sm" wrap="nowrap" style={{ minWidth: 0 }}>
              {item.done ? <IconCircleCheck size={20} color="var(--mantine-color-teal-6)" style={{ flexShrink: 0 }} /> : <IconCircleDashed size={20} color="var(--mantine-color-gray-5)" style={{ flexShrink: 0 }} />}
              <Stack gap={0} style={{ minWidth: 0 }}>
                <Text size="sm" fw={500} td={item.done ? 'line-through' : undefined} c={item.done ? 'dimmed' : undefined}>
                  {t(`workbench.checklist.${item.key}`)}
                </Text>
                <Text size="xs" c="dimmed">
                  {t(`workbench.checklist.${item.key}Hint`)}
                </Text>
              </Stack>
            </Group>
            {!item.done && (
              <Button component="a" href={CHECKLIST_HREF[item.key](checklist.formId)} variant="light" size="xs" style={{ flexShrink: 0 }}>
                {t('workbench.checklist.go')}
              </Button>
            )}
          </Group>
        ))}
      </Stack>
    </Card>
  )
}
