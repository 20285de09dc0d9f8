import { useEffect, useMemo, useState } from 'react'
import { ActionIcon, Badge, Button, Card, Center, Container, EmptyState, Group, Menu, Stack, Switch, Table, Tabs, Text, Tooltip } from '@mantine/core'
import { IconClockPlay, IconDots, IconPlus, IconRobot, IconTrash } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import dayjs from 'dayjs'
import type { FormDto } from '@shared/api/contracts'
import type { RuleDto } from '@shared/api/rules'
import { api } from '../../api/client'
import { PageHeader } from '../../components/PageHeader'
import { LoadState } from '../../components/LoadState'
import { ConfirmDialog } from '../../components/ConfirmDialog'
import { RuleEditor } from '../../components/rules/RuleEditor'
import { JobsPanel } from '../../components/rules/JobsPanel'
import { NotifySettingsPanel } from '../../components/rules/NotifySettingsPanel'
import type { Org } from '../../components/rules/ActionEditor'
import { actionPhrase, triggerPhrase } from '../../components/rules/model'
import { notifyError } from '../../lib/notify'
import { useLoaded } from '../../lib/use-loaded'

/** 规则 (administrators): the rule list, the editor, background jobs and the email/webhook settings. */
export function RulesPage({ forms }: { forms: FormDto[] }) {
  const { t } = useTranslation()
  const rules = useLoaded(() => api.rules.list({}))
  const org = useLoaded<Org>(async () => {
    const [users, roles, departments, flows] = await Promise.all([
      api.users.list({}),
      api.roles.list({}),
      api.departments.list({}),
      api.flows.list({}).catch(() => [])
    ])
    return { users: users.filter((u) => u.active), roles, departments, flows: flows.map((f) => ({ id: f.id, name: f.name, formId: f.formId })) }
  })
  const [editing, setEditing] = useState<RuleDto | 'new' | null>(null)
  const [deleting, setDeleting] = useState<RuleDto | null>(null)
  const [tab, setTab] = useState<string | null>('rules')

  if (!rules.data || !org.data) return <LoadState failure={rules.failure ?? org.failure} />

  if (editing) {
    return (
      <Container size="xl" py="xs">
        <RuleEditor
          key={editing === 'new' ? 'new' : editing.id}
          rule={editing === 'new' ? null : editing}
          forms={forms}
          org={org.data}
          onClose={() => {
            setEditing(null)
            void rules.reload()
          }}
          onSaved={() => void rules.reload()}
        />
      </Container>
    )
  }

  const toggle = async (rule: RuleDto, enabled: boolean) => {
    try {
      await api.rules.setEnabled({ id: rule.id, enabled })
      await rules.reload()
    } catch (e) {
      notifyError(e)
    }
  }

  return (
    <Container size="xl" py="xs">
      <Stack gap="md">
        <PageHeader title={t('rules.page.title')} description={t('rules.page.description')}>
          <Group gap="sm">
            <DemoClock />
            <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing('new')} disabled={forms.length === 0} data-testid="new-rule">
              {t('rules.page.new')}
            </Button>
          </Group>
        </PageHeader>
        <Tabs value={tab} onChange={setTab} keepMounted={false}>
          <Tabs.List>
            <Tabs.Tab value="rules">{t('rules.page.tabRules')}</Tabs.Tab>
            <Tabs.Tab value="jobs" data-testid="tab-jobs">
              {t('rules.page.tabJobs')}
            </Tabs.Tab>
            <Tabs.Tab value="settings" data-testid="tab-notify-settings">
              {t('rules.page.tabSettings')}
            </Tabs.Tab>
          </Tabs.List>
          <Tabs.Panel value="rules" pt="md">
            {rules.data.length === 0 ? (
              <Center py={80}>
                <EmptyState icon={<IconRobot size={36} />} variant="light" title={t('rules.page.emptyTitle')} description={t('rules.page.emptyBody')} />
              </Center>
            ) : (
              <Card withBorder radius="md" p={0}>
                <Table verticalSpacing="sm" highlightOnHover data-testid="rule-list">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th w={70}>{t('rules.page.enabled')}</Table.Th>
                      <Table.Th>{t('rules.page.rule')}</Table.Th>
                      <Table.Th>{t('rules.page.sentence')}</Table.Th>
                      <Table.Th w={140}>{t('rules.page.lastRun')}</Table.Th>
                      <Table.Th w={50} />
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {rules.data.map((rule) => (
                      <RuleRow key={rule.id} rule={rule} forms={forms} onOpen={() => setEditing(rule)} onToggle={(on) => void toggle(rule, on)} onDelete={() => setDeleting(rule)} />
                    ))}
                  </Table.Tbody>
                </Table>
              </Card>
            )}
          </Tabs.Panel>
          <Tabs.Panel value="jobs" pt="md">
            <JobsPanel />
          </Tabs.Panel>
          <Tabs.Panel value="settings" pt="md">
            <NotifySettingsPanel />
          </Tabs.Panel>
        </Tabs>
      </Stack>
      <ConfirmDialog
        opened={deleting !== null}
        title={t('rules.page.deleteTitle')}
        message={t('rules.page.deleteBody', { name: deleting?.name ?? '' })}
        confirmLabel={t('common.delete')}
        danger
        onCancel={() => setDeleting(null)}
        onConfirm={async () => {
          await api.rules.delete({ id: deleting!.id })
          setDeleting(null)
          await rules.reload()
        }}
      />
    </Container>
  )
}

function RuleRow({ rule, forms, onOpen, onToggle, onDelete }: { rule: RuleDto; forms: FormDto[]; onOpen(): void; onToggle(on: boolean): void; onDelete(): void }) {
  const { t } = useTranslation()
  const form = forms.find((f) => f.id === rule.formId)
  const sentence = useMemo(() => {
    const when = t('rules.sentence.line', { form: rule.formLabel, trigger: triggerPhrase(rule.trigger, form, t, forms) })
    const then = rule.actions.map((a) => actionPhrase(a, t, form)).join(t('rules.sentence.comma'))
    return { when, then, conditional: !!(rule.condition.filter || rule.condition.formula) }
  }, [rule, form, forms, t])
  return (
    <Table.Tr style={{ cursor: 'pointer' }} onClick={onOpen} data-testid={`rule-row-${rule.id}`}>
      <Table.Td onClick={(e) => e.stopPropagation()}>
        <Switch checked={rule.enabled} onChange={(e) => onToggle(e.currentTarget.checked)} aria-label={t('rules.page.enabled')} />
      </Table.Td>
      <Table.Td>
        <Text fw={600} size="sm">
          {rule.name}
        </Text>
        {rule.description && (
          <Text size="xs" c="dimmed" lineClamp={1}>
            {rule.description}
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        <Text size="sm">
          <Text span c="blue.7" fw={600}>
            {t('rules.sentence.when')}
          </Text>{' '}
          {sentence.when}
          {sentence.conditional && (
            <>
              {t('rules.sentence.comma')}
              <Text span c="orange.7" fw={600}>
                {t('rules.sentence.if')}
              </Text>{' '}
              {t('rules.sentence.matches')}
            </>
          )}
          {t('rules.sentence.comma')}
          <Text span c="green.7" fw={600}>
            {t('rules.sentence.then')}
          </Text>{' '}
          {sentence.then}
        </Text>
      </Table.Td>
      <Table.Td>
        <Text size="xs" c="dimmed">
          {rule.lastRunAt ? dayjs(rule.lastRunAt).format('MM-DD HH:mm') : t('rules.page.never')}
        </Text>
      </Table.Td>
      <Table.Td onClick={(e) => e.stopPropagation()}>
        <Menu position="bottom-end" withinPortal>
          <Menu.Target>
            <ActionIcon variant="subtle" color="gray" aria-label={t('rules.page.more')}>
              <IconDots size={16} />
            </ActionIcon>
          </Menu.Target>
          <Menu.Dropdown>
            <Menu.Item color="red" leftSection={<IconTrash size={14} />} onClick={onDelete}>
              {t('common.delete')}
            </Menu.Item>
          </Menu.Dropdown>
        </Menu>
      </Table.Td>
    </Table.Tr>
  )
}

/** In a demo server started with --now: the simulated time and buttons to move it forward. */
function DemoClock() {
  const { t } = useTranslation()
  const [clock, setClock] = useState<{ now: number; adjustable: boolean } | null>(null)
  const [busy, setBusy] = useState(false)
  useEffect(() => {
    api.clock.get({}).then(setClock, () => setClock(null))
  }, [])
  if (!clock?.adjustable) return null
  const advance = async (days: number) => {
    setBusy(true)
    try {
      const { now } = await api.clock.advance({ ms: days * 24 * 3600_000 })
      setClock({ now, adjustable: true })
      window.dispatchEvent(new Event('jimu:notifications'))
    } catch (e) {
      notifyError(e)
    } finally {
      setBusy(false)
    }
  }
  return (
    <Group gap={6} data-testid="demo-clock">
      <Tooltip label={t('rules.clock.hint')}>
        <Badge size="lg" variant="light" color="grape" leftSection={<IconClockPlay size={14} />} data-testid="demo-clock-now">
          {dayjs(clock.now).format('YYYY-MM-DD HH:mm')}
        </Badge>
      </Tooltip>
      {[1, 7].map((d) => (
        <Button key={d} size="compact-sm" variant="light" color="grape" loading={busy} onClick={() => void advance(d)} data-testid={`advance-${d}`}>
          {t('rules.clock.advance', { days: d })}
        </Button>
      ))}
    </Group>
  )
}
