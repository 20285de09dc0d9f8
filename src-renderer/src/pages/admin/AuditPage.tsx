import { Fragment, useEffect, useMemo, useState } from 'react'
import { ActionIcon, Alert, Anchor, Badge, Box, Button, Center, Code, Group, Loader, Paper, Select, SimpleGrid, Stack, Table, Text } from '@mantine/core'
import { DatePickerInput } from '@mantine/dates'
import {
  IconAlertTriangle,
  IconArrowRight,
  IconChevronDown,
  IconChevronRight,
  IconDownload,
  IconFileSearch,
  IconShieldCheck,
  IconX
} from '@tabler/icons-react'
import dayjs from 'dayjs'
import { useTranslation } from 'react-i18next'
import type { FormDto, MethodInput, MethodOutput } from '@shared/api/contracts'
import { api, errorMessage } from '../../api/client'
import { PageHeader } from '../../components/PageHeader'
import { UserAvatar } from '../../components/UserAvatar'
import { UserSelect } from '../../components/UserPicker'
import { formatInstant } from '../../fields/datetime'
import { i18n } from '../../i18n'
import { downloadText } from '../../lib/download'
import { notifyError, notifySuccess } from '../../lib/notify'
import { useUsers } from '../../lib/cache'

type Entry = MethodOutput<'audit.list'>['entries'][number]
type Verify = MethodOutput<'audit.verify'>
type Filters = Omit<MethodInput<'audit.list'>, 'limit' | 'before'>

const PAGE = 100

/**
 * The operations one can filter by, grouped as an owner thinks of them. Entries carry their own
 * translated label (the server names every action); an op met only in the list shows under 其他.
 */
const OP_GROUPS: { group: string; ops: string[] }[] = [
  { group: 'records', ops: ['create', 'update', 'delete', 'restore', 'records.transfer', 'records.collaborators', 'crm.pool.claim', 'crm.pool.release', 'crm.merge', 'export', 'import', 'import.undo'] },
  { group: 'auth', ops: ['auth.setup', 'auth.login', 'auth.loginFailed', 'auth.logout', 'auth.logoutEverywhere', 'auth.sessionRevoked', 'auth.passwordChanged', 'token.create', 'token.revoke'] },
  { group: 'org', ops: ['user.create', 'user.update', 'user.resetPassword', 'department.create', 'department.update', 'department.delete', 'role.create', 'role.update', 'role.delete', 'permission.change'] },
  { group: 'system', ops: ['apps.install', 'backup.create', 'backup.restore', 'audit.keyed'] }
]

function opColor(op: string): string {
  if (op === 'create' || op === 'restore') return 'teal'
  if (op === 'update') return 'indigo'
  if (op === 'delete' || op.endsWith('.delete') || op === 'auth.loginFailed') return 'red'
  if (op.startsWith('auth.') || op.startsWith('token.')) return 'cyan'
  if (op.includes('export') || op.startsWith('backup.')) return 'yellow'
  if (op === 'records.transfer' || op === 'records.collaborators') return 'grape'
  return 'violet'
}

function opLabel(op: string): string {
  const key = `audit.op.${op}`
  return i18n.exists(key) ? i18n.t(key) : i18n.t('audit.op.other', { op })
}

/** 审计日志: who did what and when, filterable, exportable, and checked for tampering. */
export function AuditPage({ forms }: { forms: FormDto[] }) {
  const { t } = useTranslation()
  const users = useUsers()
  const [actorId, setActorId] = useState<number | null>(null)
  const [formId, setFormId] = useState<string | null>(null)
  const [op, setOp] = useState<string | null>(null)
  const [range, setRange] = useState<[string | null, string | null]>([null, null])
  const [entries, setEntries] = useState<Entry[] | null>(null)
  const [nextBefore, setNextBefore] = useState<number | null>(null)
  const [failure, setFailure] = useState<string | null>(null)
  const [loading, setLoading] = useState(false)
  const [loadingMore, setLoadingMore] = useState(false)
  const [expanded, setExpanded] = useState<Set<number>>(new Set())
  const [verify, setVerify] = useState<Verify | null>(null)
  const [verifying, setVerifying] = useState(false)
  const [exporting, setExporting] = useState(false)

  const filters = useMemo<Filters>(() => {
    const f: Filters = {}
    if (actorId !== null) f.actorId = actorId
    if (formId !== null) f.formId = Number(formId)
    if (op) f.op = op
    // Whole days in the user's timezone, sent as instants.
    if (range[0]) f.from = dayjs(range[0]).startOf('day').toISOString()
    if (range[1]) f.to = dayjs(range[1]).endOf('day').toISOString()
    return f
  }, [actorId, formId, op, range])
  const filtered = Object.keys(filters).length > 0

  useEffect(() => {
    let live = true
    setLoading(true)
    api.audit
      .list({ ...filters, limit: PAGE })
      .then(
        (page) => {
          if (!live) return
          setEntries(page.entries)
          setNextBefore(page.nextBefore)
          setFailure(null)
          setExpanded(new Set())
        },
        (error: unknown) => live && setFailure(errorMessage(error))
      )
      .finally(() => live && setLoading(false))
    return () => {
      live = false
    }
  }, [filters])

  const loadMore = async () => {
    if (nextBefore === null) return
    setLoadingMore(true)
    try {
      const page = await api.audit.list({ ...filters, limit: PAGE, before: nextBefore })
      setEntries((prev) => [...(prev ?? []), ...page.entries])
      setNextBefore(page.nextBefore)
    } catch (error) {
      notifyError(error)
    } finally {
      setLoadingMore(false)
    }
  }

  const runVerify = async () => {
    setVerifying(true)
    try {
      setVerify(await api.audit.verify())
    } catch (error) {
      notifyError(error)
    } finally {
      setVerifying(false)
    }
  }

  const runExport = async () => {
    setExporting(true)
    try {
      const { filename, csv } = await api.audit.export(filters)
      // Excel needs the byte-order mark to read UTF-8 Chinese; the server sends it, but never twice.
      downloadText(filename, csv.startsWith('\uFEFF') ? csv : `\uFEFF${csv}`, 'text/csv;charset=utf-8')
      notifySuccess(t('audit.exported', { filename }))
    } catch (error) {
      notifyError(error)
    } finally {
      setExporting(false)
    }
  }

  const clear = () => {
    setActorId(null)
    setFormId(null)
    setOp(null)
    setRange([null, null])
  }

  const known = new Set(OP_GROUPS.flatMap((g) => g.ops))
  const extra = new Map((entries ?? []).filter((e) => !known.has(e.op)).map((e) => [e.op, e.opLabel]))
  const opData = [
    ...OP_GROUPS.map((g) => ({ group: t(`audit.group.${g.group}`), items: g.ops.map((o) => ({ value: o, label: opLabel(o) })) })),
    ...(extra.size ? [{ group: t('audit.group.other'), items: [...extra].map(([value, label]) => ({ value, label })) }] : [])
  ]

  return (
    <Stack gap="md">
      <PageHeader title={t('audit.title')} description={t('audit.subtitle')}>
        <Button variant="default" leftSection={<IconShieldCheck size={16} />} loading={verifying} onClick={() => void runVerify()} data-testid="audit-verify">
          {t('audit.verify')}
        </Button>
        <Button variant="default" leftSection={<IconDownload size={16} />} loading={exporting} onClick={() => void runExport()}>
          {t('audit.export')}
        </Button>
      </PageHeader>

      {verify && (
        <Alert
          color={verify.ok ? 'teal' : 'red'}
          variant="light"
          icon={verify.ok ? <IconShieldCheck size={18} /> : <IconAlertTriangle size={18} />}
          title={verify.ok ? t('audit.verifyOkTitle') : t('audit.verifyBrokenTitle')}
          withCloseButton
          closeButtonLabel={t('common.close')}
          onClose={() => setVerify(null)}
          data-testid="audit-verify-result"
        >
          {verify.ok ? (
            verify.message
          ) : (
            <Text size="sm" c="red.8" fw={600}>
              {verify.message}
            </Text>
          )}
        </Alert>
      )}

      <Paper withBorder radius="md" p="sm">
        <Group gap="sm" align="flex-end" wrap="wrap">
          <UserSelect
            label={t('audit.actor')}
            placeholder={t('audit.anyone')}
            clearable
            size="sm"
            w={180}
            users={users.map((u) => ({ ...u, active: true }))}
            value={actorId}
            onChange={setActorId}
          />
          <Select
            label={t('audit.form')}
            placeholder={t('audit.anyForm')}
            clearable
            searchable
            w={180}
            data={forms.map((f) => ({ value: String(f.id), label: f.label }))}
            value={formId}
            onChange={setFormId}
            comboboxProps={{ withinPortal: true }}
          />
          <Select label={t('audit.op')} placeholder={t('audit.anyOp')} clearable searchable w={200} data={opData} value={op} onChange={setOp} comboboxProps={{ withinPortal: true }} />
          <DatePickerInput
            type="range"
            label={t('audit.dates')}
            placeholder={t('audit.anyDate')}
            clearable
            w={260}
            valueFormat="YYYY-MM-DD"
            value={range}
            onChange={(v) => setRange(v as [string | null, string | null])}
            maxDate={dayjs().format('YYYY-MM-DD')}
          />
          {filtered && (
            <Button variant="subtle" color="gray" leftSection={<IconX size={14} />} onClick={clear}>
              {t('filter.clear')}
            </Button>
          )}
        </Group>
      </Paper>

      {failure ? (
        <Paper withBorder radius="md" p="lg">
          <Text c="red" fw={600}>
            {t('audit.loadFailed')}
          </Text>
          <Text size="sm" c="dimmed">
            {failure}
          </Text>
        </Paper>
      ) : entries === null ? (
        <Center py="xl">
          <Loader />
        </Center>
      ) : entries.length === 0 ? (
        <Paper withBorder radius="md" py={56}>
          <Center>
            <Stack align="center" gap={6}>
              <IconFileSearch size={32} color="var(--mantine-color-gray-5)" />
              <Text c="dimmed" size="sm">
                {filtered ? t('audit.noMatch') : t('audit.empty')}
              </Text>
            </Stack>
          </Center>
        </Paper>
      ) : (
        <Paper withBorder radius="md" style={{ overflow: 'hidden', opacity: loading ? 0.6 : 1 }}>
          <Table.ScrollContainer minWidth={980} type="native">
            <Table verticalSpacing="sm" horizontalSpacing="md" highlightOnHover data-testid="audit-table">
              <Table.Thead bg="var(--jimu-surface-muted)">
                <Table.Tr>
                  <Table.Th w={36} />
                  <Table.Th w={170}>{t('audit.at')}</Table.Th>
                  <Table.Th w={130}>{t('audit.actor')}</Table.Th>
                  <Table.Th w={130}>{t('audit.op')}</Table.Th>
                  <Table.Th w={170}>{t('audit.target')}</Table.Th>
                  <Table.Th>{t('audit.summary')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {entries.map((entry) => {
                  const open = expanded.has(entry.id)
                  const toggle = () =>
                    setExpanded((prev) => {
                      const next = new Set(prev)
                      if (next.has(entry.id)) next.delete(entry.id)
                      else next.add(entry.id)
                      return next
                    })
                  return (
                    <Fragment key={entry.id}>
                      <Table.Tr data-testid={`audit-row-${entry.id}`} data-op={entry.op} style={{ cursor: 'pointer' }} onClick={toggle}>
                        <Table.Td>
                          <ActionIcon variant="subtle" color="gray" size="sm" aria-label={t('audit.toggleDetail')} aria-expanded={open}>
                            {open ? <IconChevronDown size={14} /> : <IconChevronRight size={14} />}
                          </ActionIcon>
                        </Table.Td>
                        <Table.Td>
                          <Text size="sm" style={{ fontVariantNumeric: 'tabular-nums' }}>
                            {formatInstant(entry.at)}
                          </Text>
                        </Table.Td>
                        <Table.Td>
                          {entry.actor ? (
                            <Group gap={6} wrap="nowrap">
                              <UserAvatar size={22} fz={9} name={entry.actor.name} />
                              <Text size="sm">{entry.actor.name}</Text>
                            </Group>
                          ) : (
                            <Text size="sm" c="dimmed">
                              {t('history.system')}
                            </Text>
                          )}
                        </Table.Td>
                        <Table.Td>
                          <Badge color={opColor(entry.op)} variant="light" radius="sm" fw={500} tt="none">
                            {entry.opLabel}
                          </Badge>
                        </Table.Td>
                        <Table.Td>
                          <Target entry={entry} />
                        </Table.Td>
                        <Table.Td style={{ whiteSpace: 'normal' }}>
                          <Summary entry={entry} limit={2} />
                        </Table.Td>
                      </Table.Tr>
                      {open && (
                        <Table.Tr>
                          <Table.Td />
                          <Table.Td colSpan={5} bg="var(--jimu-surface-muted)">
                            <Detail entry={entry} />
                          </Table.Td>
                        </Table.Tr>
                      )}
                    </Fragment>
                  )
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <Group justify="space-between" px="md" py="xs" style={{ borderTop: '1px solid var(--jimu-border)' }} bg="var(--jimu-surface-muted)">
            <Text size="sm" c="dimmed">
              {t('audit.shown', { count: entries.length })}
            </Text>
            {nextBefore !== null ? (
              <Button variant="default" size="xs" loading={loadingMore} onClick={() => void loadMore()}>
                {t('audit.loadMore')}
              </Button>
            ) : (
              <Text size="xs" c="dimmed">
                {t('audit.end')}
              </Text>
            )}
          </Group>
        </Paper>
      )}
    </Stack>
  )
}

function Target({ entry }: { entry: Entry }) {
  if (entry.target === null) return <Text c="dimmed">—</Text>
  if (entry.formId === null || entry.recordId === null) return <Text size="sm">{entry.target}</Text>
  return (
    <Anchor size="sm" href={`#/forms/${entry.formId}/records/${entry.recordId}`} onClick={(e) => e.stopPropagation()}>
      {entry.target}
    </Anchor>
  )
}

type Line = Entry['lines'][number]

function LineView({ line }: { line: Line }) {
  const { t } = useTranslation()
  return (
    <Group gap={6} wrap="nowrap" align="baseline">
      <Text size="sm" c="dimmed" style={{ flexShrink: 0 }}>
        {t('history.fieldLabel', { field: line.label })}
      </Text>
      {line.old !== null && (
        <>
          <Text size="sm" td="line-through" c="dimmed" lineClamp={1}>
            {line.old}
          </Text>
          <IconArrowRight size={12} style={{ flexShrink: 0 }} />
        </>
      )}
      <Text size="sm" lineClamp={1}>
        {line.new}
      </Text>
    </Group>
  )
}

function Summary({ entry, limit }: { entry: Entry; limit: number }) {
  const { t } = useTranslation()
  const all = entry.lines
  if (all.length === 0) return <Text c="dimmed">—</Text>
  return (
    <Stack gap={0}>
      {all.slice(0, limit).map((line) => (
        <LineView key={line.key} line={line} />
      ))}
      {all.length > limit && (
        <Text size="xs" c="indigo">
          {t('audit.more', { count: all.length - limit })}
        </Text>
      )}
    </Stack>
  )
}

function Detail({ entry }: { entry: Entry }) {
  const { t } = useTranslation()
  const all = entry.lines
  return (
    <Stack gap={6} py={4} data-testid={`audit-detail-${entry.id}`}>
      {all.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('audit.noDetail')}
        </Text>
      ) : (
        <SimpleGrid cols={{ base: 1, lg: 2 }} spacing={4} verticalSpacing={4}>
          {all.map((line) => (
            <Box key={line.key}>
              <LineView line={line} />
            </Box>
          ))}
        </SimpleGrid>
      )}
      <Text size="xs" c="dimmed">
        {t('audit.entryId')} <Code>{entry.id}</Code> · {dayjs(entry.at).format('YYYY-MM-DD HH:mm:ss')}
      </Text>
    </Stack>
  )
}
