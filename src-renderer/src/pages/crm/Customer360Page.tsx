import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react'
import { Anchor, Badge, Button, Card, Grid, Group, Paper, Progress, SimpleGrid, Stack, Text, ThemeIcon, Timeline, Title } from '@mantine/core'
import { IconArrowLeft, IconPlus, IconBuilding, IconCash, IconEdit, IconMessageCircle, IconPhone, IconReceipt, IconTarget, IconUser } from '@tabler/icons-react'
import dayjs from 'dayjs'
import { useTranslation } from 'react-i18next'
import type { FormDto, RecordDto } from '@shared/api/contracts'
import { formatAmount } from '@shared/values/format'
import { api } from '../../api/client'
import { LoadState } from '../../components/LoadState'
import { RecordDrawer } from '../../components/records/RecordDrawer'
import { RelatedLists } from '../../components/record/RelatedLists'
import { rendererOf } from '../../fields/registry'
import { onRecordsChanged, requestNewRecord } from '../../lib/record-events'
import { permitsOf, useFormAccess } from '../../lib/form-access'
import { routeHash } from '../../lib/route'
import { notifyError } from '../../lib/notify'

// A customer on one page (客户 360°): the profile, what the firm has earned and is still owed
// from them, the follow-up timeline, receivables per contract (planned vs received), and every
// record that links to the customer — contacts, opportunities, quotes, contracts, payments,
// tickets — through the record page's generic related lists (reverse relations), so everything
// stays editable and a field or form the user adds shows up here too.

const PROFILE_KEYS = ['code', 'level', 'industry', 'scale', 'source', 'phone', 'province', 'city', 'address', 'tags', 'lastFollowUpAt']
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0)
const str = (v: unknown) => (typeof v === 'string' ? v : '')

/** Follow-ups shown at first and added by each 加载更多. */
const TIMELINE_PAGE = 8

interface Data {
  customer: RecordDto
  followUps: RecordDto[]
  /** Where the next page of follow-ups starts; null: all shown. */
  followUpCursor: string | null
  followUpTotal: number
  contracts: RecordDto[]
  opportunities: RecordDto[]
}

export function Customer360Page({ forms, customerId }: { forms: FormDto[]; customerId: number }) {
  const { t } = useTranslation()
  const byKey = useMemo(() => new Map(forms.map((f) => [f.apiKey, f])), [forms])
  const customerForm = byKey.get('customer')
  const [data, setData] = useState<Data | null>(null)
  const [failure, setFailure] = useState<string | null>(null)
  const [editing, setEditing] = useState(false)
  const [tick, setTick] = useState(0)
  // 写跟进 only for someone who may create follow-ups.
  const followUpAccess = useFormAccess(byKey.get('followUp')?.id ?? customerForm?.id ?? 0)
  const canWriteFollowUp = byKey.has('followUp') && permitsOf(followUpAccess).create

  const load = useCallback(async () => {
    try {
      const link = { field: 'customer', op: 'eq' as const, value: customerId }
      const [customer, followUps, contracts, opportunities] = await Promise.all([
        api.records.get({ form: 'customer', id: customerId }),
        byKey.has('followUp') ? api.records.list({ form: 'followUp', filter: link, sort: [{ field: 'time', dir: 'desc' }], limit: TIMELINE_PAGE }) : null,
        byKey.has('contract') ? api.records.list({ form: 'contract', filter: link, sort: [{ field: 'signedOn', dir: 'desc' }], limit: 100 }) : null,
        byKey.has('opportunity') ? api.records.list({ form: 'opportunity', filter: link, limit: 200 }) : null
      ])
      const followUpTotal = byKey.has('followUp') ? (await api.records.count({ form: 'followUp', filter: link })).total : 0
      setData({ customer, followUps: followUps?.records ?? [], followUpCursor: followUps?.nextCursor ?? null, followUpTotal, contracts: contracts?.records ?? [], opportunities: opportunities?.records ?? [] })
      setFailure(null)
    } catch (e) {
      setFailure(e instanceof Error ? e.message : String(e))
    }
  }, [customerId, byKey])

  useEffect(() => {
    void load()
  }, [load, tick])
  useEffect(() => onRecordsChanged(() => setTick((n) => n + 1)), [])
  const [loadingMore, setLoadingMore] = useState(false)
  const moreFollowUps = async () => {
    if (!data?.followUpCursor) return
    setLoadingMore(true)
    try {
      const page = await api.records.list({ form: 'followUp', filter: { field: 'customer', op: 'eq', value: customerId }, sort: [{ field: 'time', dir: 'desc' }], limit: TIMELINE_PAGE, cursor: data.followUpCursor })
      setData((d) => (d ? { ...d, followUps: [...d.followUps, ...page.records.filter((r) => !d.followUps.some((x) => x.id === r.id))], followUpCursor: page.nextCursor } : d))
    } catch (e) {
      notifyError(e)
    } finally {
      setLoadingMore(false)
    }
  }

  if (!customerForm) return <LoadState failure={t('crm.customer360.noForm')} />
  if (!data) return <LoadState failure={failure} />
  const { customer } = data
  const c = customer.fields
  const allFields = customerForm.fields.filter((f) => f.deletedAt === null)
  const fields = allFields.filter((f) => f.parentFieldId === null).sort((a, b) => a.position - b.position)
  const profile = PROFILE_KEYS.map((k) => fields.find((f) => f.apiKey === k)).filter((f): f is NonNullable<typeof f> => !!f)
  // Sums over the contracts this user sees, of the contract fields forms.get gave them: a field
  // they cannot read (已回款金额 adds up payments they may not all see) shows as —, never as 0.
  const contractKeys = new Set(byKey.get('contract')?.fields.map((f) => f.apiKey) ?? [])
  const sumOf = (key: string) => (contractKeys.has(key) ? data.contracts.reduce((s, r) => s + num(r.fields[key]), 0) : null)
  const contractTotal = sumOf('amount')
  const received = sumOf('received')
  const planned = sumOf('plannedTotal')
  const money = (v: number | null) => (v === null ? '—' : formatAmount(v))
  const followUpForm = byKey.get('followUp')
  const stageField = byKey.get('opportunity')?.fields.find((f) => f.apiKey === 'stage')
  const stageLabel = (id: string) => (stageField?.config as { options?: Array<{ id: string; label: string }> } | undefined)?.options?.find((o) => o.id === id)?.label
  const closed = new Set([stageLabel('won'), stageLabel('lost')])
  const open = data.opportunities.filter((o) => !closed.has(str(o.fields.stage)))
  const won = data.opportunities.filter((o) => str(o.fields.stage) === stageLabel('won'))
  const Cell = (key: string) => {
    const f = fields.find((x) => x.apiKey === key)
    if (!f) return null
    const R = rendererOf(f.type).Cell
    return <R field={f} value={c[key]} />
  }

  return (
    <Stack gap="md" data-testid="customer-360">
      <Group justify="space-between" align="flex-start" wrap="nowrap">
        <Stack gap={6} style={{ minWidth: 0 }}>
          <Anchor href={routeHash({ formId: customerForm.id, recordId: null })} size="sm" c="dimmed">
            <Group gap={4}>
              <IconArrowLeft size={14} />
              {customerForm.label}
            </Group>
          </Anchor>
          <Group gap="sm" wrap="nowrap">
            <ThemeIcon size={42} radius="md" variant="light">
              <IconBuilding size={24} />
            </ThemeIcon>
            <Stack gap={2} style={{ minWidth: 0 }}>
              <Title order={2} lineClamp={1} data-testid="customer-360-name">
                {str(c.name)}
              </Title>
              <Group gap="xs">
                {c.level ? Cell('level') : null}
                {Cell('tags')}
                <Text size="sm" c="dimmed">
                  {customer.owner ? t('crm.customer360.owner', { name: customer.owner.name }) : t('crm.pool.inPool')}
                </Text>
              </Group>
            </Stack>
          </Group>
        </Stack>
        <Button variant="default" leftSection={<IconEdit size={16} />} onClick={() => setEditing(true)} data-testid="customer-360-edit">
          {t('crm.customer360.edit')}
        </Button>
      </Group>

      <SimpleGrid cols={{ base: 2, md: 4 }} spacing="md">
        <Stat icon={<IconReceipt size={18} />} color="blue" label={t('crm.customer360.contractTotal')} value={money(contractTotal)} hint={t('crm.customer360.contracts', { count: data.contracts.length })} />
        <Stat icon={<IconCash size={18} />} color="green" label={t('crm.customer360.received')} value={money(received)} testId="stat-received" />
        <Stat icon={<IconCash size={18} />} color="orange" label={t('crm.customer360.outstanding')} value={money(contractTotal !== null && received !== null ? contractTotal - received : null)} testId="stat-outstanding" />
        <Stat icon={<IconTarget size={18} />} color="grape" label={t('crm.customer360.openDeals')} value={formatAmount(open.reduce((s, o) => s + num(o.fields.amount), 0))} hint={t('crm.customer360.dealsHint', { open: open.length, won: won.length })} />
      </SimpleGrid>

      <Grid gap="md" align="flex-start">
        <Grid.Col span={{ base: 12, md: 4 }}>
          <Stack gap="md">
            <Card withBorder radius="md" padding="md">
              <Text fw={600} mb="sm">
                {t('crm.customer360.profile')}
              </Text>
              <Stack gap={8}>
                {profile.map((f) => {
                  const R = rendererOf(f.type).Cell
                  return (
                    <Group key={f.id} gap="sm" wrap="nowrap" align="flex-start">
                      <Text size="sm" c="dimmed" w={96} style={{ flexShrink: 0 }}>
                        {f.label}
                      </Text>
                      <div style={{ minWidth: 0, fontSize: 'var(--mantine-font-size-sm)' }}>{c[f.apiKey] === null || c[f.apiKey] === '' ? <Text size="sm" c="dimmed">—</Text> : <R field={f} value={c[f.apiKey]} />}</div>
                    </Group>
                  )
                })}
              </Stack>
            </Card>
            <Card withBorder radius="md" padding="md" data-testid="customer-360-receivables">
              <Text fw={600} mb={4}>
                {t('crm.customer360.receivables')}
              </Text>
              <Text size="xs" c="dimmed" mb="sm">
                {t('crm.customer360.receivablesHint', { planned: money(planned), received: money(received) })}
              </Text>
              {data.contracts.length === 0 ? (
                <Text size="sm" c="dimmed">
                  {t('crm.customer360.noContracts')}
                </Text>
              ) : (
                <Stack gap="sm">
                  {data.contracts.map((k) => {
                    const amount = num(k.fields.amount)
                    const got = received === null ? null : num(k.fields.received)
                    const plan = num(k.fields.plannedTotal)
                    return (
                      <Stack key={k.id} gap={4}>
                        <Group justify="space-between" wrap="nowrap" gap="xs">
                          <Text size="sm" fw={500} lineClamp={1}>
                            {str(k.fields.name) || str(k.fields.code)}
                          </Text>
                          <Text size="xs" c="dimmed" style={{ flexShrink: 0 }}>
                            {money(got)} / {money(contractTotal === null ? null : amount)}
                          </Text>
                        </Group>
                        <Progress.Root size="md">
                          <Progress.Section value={amount && got !== null ? Math.min(100, (got / amount) * 100) : 0} color="green" />
                          <Progress.Section value={amount ? Math.max(0, Math.min(100, ((plan - (got ?? 0)) / amount) * 100)) : 0} color="blue.2" />
                        </Progress.Root>
                        <Text size="xs" c="dimmed">
                          {t('crm.customer360.contractLine', { planned: money(planned === null ? null : plan), outstanding: money(got === null || contractTotal === null ? null : amount - got) })}
                        </Text>
                      </Stack>
                    )
                  })}
                </Stack>
              )}
            </Card>
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 8 }}>
          <Stack gap="md">
            <Card withBorder radius="md" padding="md" data-testid="customer-360-timeline">
              <Group justify="space-between" mb="sm">
                <Group gap="xs">
                  <Text fw={600}>{t('crm.customer360.timeline')}</Text>
                  <Badge variant="light" color="gray" data-testid="customer-360-timeline-count">
                    {data.followUpTotal}
                  </Badge>
                </Group>
                {followUpForm && canWriteFollowUp && (
                  <Button
                    size="xs"
                    variant="light"
                    leftSection={<IconPlus size={14} />}
                    onClick={() => requestNewRecord({ formId: followUpForm.id, preset: { customer: { id: customer.id, title: str(c.name) } } })}
                    data-testid="customer-360-write-follow-up"
                  >
                    {t('crm.customer360.writeFollowUp')}
                  </Button>
                )}
              </Group>
              {data.followUps.length === 0 ? (
                <Text size="sm" c="dimmed">
                  {t('crm.customer360.noFollowUps')}
                </Text>
              ) : (
                <Timeline bulletSize={24} lineWidth={2}>
                  {data.followUps.map((f) => (
                    <Timeline.Item key={f.id} bullet={str(f.fields.method).includes('电话') || str(f.fields.method) === 'Phone call' ? <IconPhone size={12} /> : <IconMessageCircle size={12} />} title={<Text size="sm" fw={500}>{str(f.fields.subject)}</Text>}>
                      <Text size="xs" c="dimmed">
                        {[f.fields.time ? dayjs(str(f.fields.time)).format('YYYY-MM-DD HH:mm') : '', str(f.fields.method), f.owner?.name].filter(Boolean).join(' · ')}
                      </Text>
                      {str(f.fields.content) && (
                        <Text size="sm" mt={2} lineClamp={2}>
                          {str(f.fields.content)}
                        </Text>
                      )}
                    </Timeline.Item>
                  ))}
                </Timeline>
              )}
              {data.followUpCursor && (
                <Group justify="center" mt="sm">
                  <Button size="xs" variant="subtle" color="gray" loading={loadingMore} onClick={() => void moreFollowUps()} data-testid="customer-360-timeline-more">
                    {t('crm.customer360.loadMore', { shown: data.followUps.length, total: data.followUpTotal })}
                  </Button>
                </Group>
              )}
            </Card>
            <Paper withBorder radius="md" p="md">
              <Group gap="xs" mb="sm">
                <IconUser size={16} />
                <Text fw={600}>{t('crm.customer360.related')}</Text>
              </Group>
              <RelatedLists key={tick} form={customerForm} record={customer} title={str(c.name)} />
            </Paper>
          </Stack>
        </Grid.Col>
      </Grid>

      <RecordDrawer
        form={customerForm}
        fields={fields}
        allFields={allFields}
        recordId={customerId}
        opened={editing}
        onClose={() => setEditing(false)}
        onSaved={() => {
          setEditing(false)
          setTick((n) => n + 1)
        }}
        onDelete={async (record) => {
          await api.records.delete({ form: customerForm.id, ids: [record.id] }).catch(notifyError)
          setEditing(false)
          window.location.hash = routeHash({ formId: customerForm.id, recordId: null })
        }}
        onChanged={() => setTick((n) => n + 1)}
      />
    </Stack>
  )
}

function Stat({ icon, color, label, value, hint, testId }: { icon: ReactNode; color: string; label: string; value: string; hint?: string; testId?: string }) {
  return (
    <Paper withBorder radius="md" p="md" data-testid={testId}>
      <Group gap="sm" wrap="nowrap">
        <ThemeIcon variant="light" color={color} size={36} radius="md">
          {icon}
        </ThemeIcon>
        <Stack gap={0} style={{ minWidth: 0 }}>
          <Text size="xs" c="dimmed">
            {label}
          </Text>
          <Text fw={700} size="lg" lineClamp={1}>
            {value}
          </Text>
          {hint && (
            <Text size="xs" c="dimmed">
              {hint}
            </Text>
          )}
        </Stack>
      </Group>
    </Paper>
  )
}
