import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react'
import 'react-grid-layout/css/styles.css'
import 'react-resizable/css/styles.css'
import ReactGridLayout, { useContainerWidth, type Layout } from 'react-grid-layout'
import {
  ActionIcon,
  Badge,
  Box,
  Button,
  Center,
  EmptyState,
  Group,
  Loader,
  Menu,
  Modal,
  MultiSelect,
  Select,
  Stack,
  Switch,
  Text,
  TextInput,
  Title,
  Tooltip
} from '@mantine/core'
import { DatePickerInput } from '@mantine/dates'
import {
  IconArrowsMaximize,
  IconCheck,
  IconChevronDown,
  IconLayoutDashboard,
  IconMinimize,
  IconPencil,
  IconPlus,
  IconRefresh,
  IconShare,
  IconTrash,
  IconX
} from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import type { FormDto } from '@shared/api/contracts'
import type { DashboardDto, DashboardFilters, DashboardSummary, WidgetDto, WidgetInput } from '@shared/api/reports'
import { api } from '../../api/client'
import type { User } from '../../app/App'
import { ConfirmDialog } from '../../components/ConfirmDialog'
import { UserMultiSelect } from '../../components/UserPicker'
import { WidgetCard } from '../../components/reports/WidgetCard'
import { WidgetEditor } from '../../components/reports/WidgetEditor'
import { firstFreeSpot } from '../../components/reports/placement'
import type { PointKey } from '../../components/reports/charts/types'
import { loadUsers } from '../../lib/cache'
import { notifyError } from '../../lib/notify'
import { navigate } from '../../lib/route'
import { usePhone } from '../../lib/phone'
import { WidgetStack } from '../../components/mobile/WidgetStack'

// Dashboards: the grid of widgets (drag and resize while editing), dashboard-wide filters (date
// range, owners, departments), click-through to the records (or cross-filtering the other
// widgets), auto refresh and a full-screen TV mode.

type Users = Awaited<ReturnType<typeof loadUsers>>
type Department = Awaited<ReturnType<typeof api.departments.list>>[number]
type Role = Awaited<ReturnType<typeof api.roles.list>>[number]

const REFRESH = [0, 30, 60, 300, 900]

export function DashboardsPage({ dashboardId, forms, user }: { dashboardId: number | null; forms: FormDto[]; user: User }) {
  const { t } = useTranslation()
  const [list, setList] = useState<DashboardSummary[] | null>(null)
  const [dashboard, setDashboard] = useState<DashboardDto | null>(null)
  const [failure, setFailure] = useState<string | null>(null)
  const [users, setUsers] = useState<Users>([])
  const [departments, setDepartments] = useState<Department[]>([])
  const [roles, setRoles] = useState<Role[]>([])
  const [filters, setFilters] = useState<DashboardFilters>({})
  const [cross, setCross] = useState<{ widget: string; keys: PointKey[]; label: string; filters: DashboardFilters['cross'] } | null>(null)
  const [crossMode, setCrossMode] = useState(false)
  const [editing, setEditing] = useState(false)
  // At phone width the widgets stack in one column and the designer stays on the computer.
  const phone = usePhone()
  const [tv, setTv] = useState(false)
  const [tick, setTick] = useState(0)
  const [editorWidget, setEditorWidget] = useState<WidgetDto | null>(null)
  const [creating, setCreating] = useState(false)
  const [sharing, setSharing] = useState(false)
  const [removing, setRemoving] = useState<WidgetDto | null>(null)
  const [deleting, setDeleting] = useState(false)

  const loadList = useCallback(async () => {
    try {
      setList(await api.reports.dashboards())
    } catch (error) {
      setFailure(error instanceof Error ? error.message : String(error))
      setList([])
    }
  }, [])
  useEffect(() => {
    void loadList()
    loadUsers().then(setUsers, notifyError)
    api.departments.list().then(setDepartments, notifyError)
    api.roles.list().then(setRoles, () => setRoles([]))
  }, [loadList])

  // Without a dashboard in the URL, open the first one.
  useEffect(() => {
    if (list && list.length && (dashboardId === null || !list.some((d) => d.id === dashboardId))) navigate({ formId: null, recordId: null, section: 'dashboards', dashboardId: list[0]!.id })
  }, [list, dashboardId])

  useEffect(() => {
    if (dashboardId === null) return
    let live = true
    setDashboard(null)
    setCross(null)
    setEditing(false)
    api.reports.dashboard({ id: dashboardId }).then(
      (d) => live && setDashboard(d),
      (error: unknown) => live && notifyError(error)
    )
    return () => {
      live = false
    }
  }, [dashboardId])

  // Auto refresh: widgets run again (unchanged data comes from the engine's cache).
  useEffect(() => {
    if (!dashboard?.refreshSeconds) return
    const timer = setInterval(() => setTick((n) => n + 1), dashboard.refreshSeconds * 1000)
    return () => clearInterval(timer)
  }, [dashboard?.refreshSeconds])

  useEffect(() => {
    if (!tv) return
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && setTv(false)
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [tv])

  // Saves go out in order and only the answer to the latest one is shown: an earlier answer
  // arriving late must not put back a layout the user has moved on from.
  const saveSeq = useRef(0)
  const save = async (patch: Partial<Omit<DashboardDto, 'widgets'>> & { widgets?: WidgetInput[] }) => {
    if (!dashboard) return
    const seq = ++saveSeq.current
    try {
      const next = await api.reports.updateDashboard({ id: dashboard.id, ...patch, description: patch.description ?? undefined })
      if (seq === saveSeq.current) setDashboard(next)
      if (patch.name || patch.refreshSeconds !== undefined) void loadList()
    } catch (error) {
      notifyError(error)
    }
  }

  const effectiveFilters = useMemo<DashboardFilters>(() => ({ ...filters, cross: cross?.filters ?? null }), [filters, cross])

  const onPoint = async (widget: WidgetDto, keys: PointKey[], label: string) => {
    if (editing) return
    try {
      const drill = await api.reports.drill({ type: widget.type, query: widget.query, filters: effectiveFilters, keys })
      if (crossMode && keys.length) {
        if (cross?.widget === widget.key && JSON.stringify(cross.keys) === JSON.stringify(keys)) return setCross(null)
        setCross({ widget: widget.key, keys, label: `${widget.title}：${label}`, filters: { form: drill.formId, filter: drill.filter } })
        return
      }
      setTv(false)
      navigate({ formId: drill.formId, recordId: null, drill: JSON.stringify(drill.filter) })
    } catch (error) {
      notifyError(error)
    }
  }

  const layout: Layout = (dashboard?.widgets ?? []).map((w) => ({ i: w.key, ...w.layout, minW: 2, minH: 2 }))
  const onLayoutChange = (next: Layout) => {
    if (!dashboard || !editing) return
    const widgets = dashboard.widgets.map((w) => {
      const item = next.find((l) => l.i === w.key)
      return item ? { ...w, layout: { x: item.x, y: item.y, w: item.w, h: item.h } } : w
    })
    if (JSON.stringify(widgets.map((w) => w.layout)) === JSON.stringify(dashboard.widgets.map((w) => w.layout))) return
    // Shown at once (the grid keeps what the user did), saved in the background.
    setDashboard({ ...dashboard, widgets: widgets as WidgetDto[] })
    void save({ widgets })
  }

  const newWidget = (): WidgetDto => {
    const form = forms.find((f) => f.apiKey === 'opportunity') ?? forms[0]!
    const stage = form.fields.find((f) => f.type === 'select' && f.deletedAt === null)
    let n = (dashboard?.widgets.length ?? 0) + 1
    while (dashboard?.widgets.some((w) => w.key === `w${n}`)) n++
    return { key: `w${n}`, title: t('reports.editor.defaultTitle'), type: 'column', query: { form: form.id, dimensions: stage ? [{ field: stage.apiKey }] : [{ field: 'owner' }], measures: [{ agg: 'count' }] }, layout: firstFreeSpot((dashboard?.widgets ?? []).map((w) => w.layout), { w: 6, h: 5 }), options: {} }
  }
  const saveWidget = (w: WidgetInput) => {
    if (!dashboard) return
    const exists = dashboard.widgets.some((x) => x.key === w.key)
    void save({ widgets: exists ? dashboard.widgets.map((x) => (x.key === w.key ? w : x)) : [...dashboard.widgets, w] }).then(() => setEditorWidget(null))
  }

  if (!list) {
    return (
      <Center h="60vh">
        <Loader />
      </Center>
    )
  }
  if (list.length === 0) {
    return (
      <Center h="70vh">
        <EmptyState
          icon={<IconLayoutDashboard size={36} />}
          variant="light"
          size="lg"
          title={t('reports.empty.title')}
          description={<Box maw={420}>{failure ?? t('reports.empty.body')}</Box>}
        >
          <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)} data-testid="dashboard-create">
            {t('reports.newDashboard')}
          </Button>
        </EmptyState>
        <NewDashboardModal opened={creating} onClose={() => setCreating(false)} onCreated={(d) => void loadList().then(() => { setCreating(false); navigate({ formId: null, recordId: null, section: 'dashboards', dashboardId: d.id }) })} />
      </Center>
    )
  }

  const canEdit = dashboard?.canEdit ?? false
  const filterBar = (
    <Group gap="xs" wrap="wrap" data-testid="dashboard-filters">
      <DatePickerInput
        type="range"
        clearable
        valueFormat="YYYY-MM-DD"
        placeholder={t('reports.filters.dateRange')}
        aria-label={t('reports.filters.dateRange')}
        value={[filters.dateFrom ?? null, filters.dateTo ?? null]}
        onChange={([from, to]) => {
          if ((from && to) || (!from && !to)) setFilters((f) => ({ ...f, dateFrom: from ? String(from).slice(0, 10) : null, dateTo: to ? String(to).slice(0, 10) : null }))
        }}
        w={250}
        data-testid="filter-date"
        presets={presets(t)}
      />
      <UserMultiSelect users={users} value={filters.ownerIds ?? []} onChange={(ownerIds: number[]) => setFilters((f) => ({ ...f, ownerIds }))} placeholder={filters.ownerIds?.length ? undefined : t('reports.filters.owners')} w={300} clearable data-testid="filter-owners" />
      <MultiSelect
        data={departments.map((d) => ({ value: String(d.id), label: d.name }))}
        value={(filters.departmentIds ?? []).map(String)}
        onChange={(v) => setFilters((f) => ({ ...f, departmentIds: v.map(Number) }))}
        placeholder={filters.departmentIds?.length ? undefined : t('reports.filters.departments')}
        w={200}
        clearable
        data-testid="filter-departments"
      />
      <Tooltip label={t('reports.crossFilterHint')} withArrow>
        <Switch label={t('reports.crossFilter')} checked={crossMode} onChange={(e) => { setCrossMode(e.currentTarget.checked); if (!e.currentTarget.checked) setCross(null) }} data-testid="cross-mode" />
      </Tooltip>
      {cross && (
        <Badge size="lg" variant="light" color="indigo" rightSection={<IconX size={12} style={{ cursor: 'pointer' }} onClick={() => setCross(null)} />} data-testid="cross-badge">
          {cross.label}
        </Badge>
      )}
    </Group>
  )

  const grid = dashboard ? (
    <Box>
      {(
        dashboard.widgets.length === 0 ? (
          <Center h={320}>
            <EmptyState icon={<IconLayoutDashboard size={30} />} variant="light" title={t('reports.noWidgets.title')} description={canEdit ? t('reports.noWidgets.body') : t('reports.noWidgets.bodyViewer')}>
              {canEdit && forms.length > 0 && (
                <Button leftSection={<IconPlus size={16} />} onClick={() => { setEditing(true); setEditorWidget(newWidget()) }}>
                  {t('reports.addWidget')}
                </Button>
              )}
            </EmptyState>
          </Center>
        ) : (
          <Grid
            layout={layout}
            rowHeight={tv ? tvRowHeight(dashboard.widgets) : 56}
            editing={editing}
            onLayoutChange={onLayoutChange}
            natural={new Set(dashboard.widgets.filter((w) => NATURAL_HEIGHT.has(w.type)).map((w) => w.key))}
          >
            {dashboard.widgets.map((w) => (
              <div key={w.key}>
                <WidgetCard
                  widget={w}
                  filters={cross?.widget === w.key ? filters : effectiveFilters}
                  refreshTick={tick}
                  editing={editing}
                  canEdit={canEdit}
                  selected={cross?.widget === w.key ? cross.keys : null}
                  onPoint={(widget, keys, label) => void onPoint(widget, keys, label)}
                  onRecord={(formId, id) => navigate({ formId, recordId: id })}
                  onEdit={() => setEditorWidget(w)}
                  onRemove={() => setRemoving(w)}
                />
              </div>
            ))}
          </Grid>
        )
      )}
    </Box>
  ) : (
    <Center h="50vh">
      <Loader />
    </Center>
  )

  const header = (
    <Group justify="space-between" align="center" wrap="wrap" gap="sm">
      <Group gap="xs" wrap="nowrap">
        <Menu position="bottom-start" shadow="md" withinPortal>
          <Menu.Target>
            <Button variant="subtle" color="dark" px={6} rightSection={<IconChevronDown size={16} />} data-testid="dashboard-switch">
              <Title order={3}>{dashboard?.name ?? list.find((d) => d.id === dashboardId)?.name ?? ''}</Title>
            </Button>
          </Menu.Target>
          <Menu.Dropdown>
            {list.map((d) => (
              <Menu.Item key={d.id} onClick={() => navigate({ formId: null, recordId: null, section: 'dashboards', dashboardId: d.id })} leftSection={<IconLayoutDashboard size={14} />} rightSection={d.id === dashboardId ? <IconCheck size={14} /> : null}>
                {d.name}
              </Menu.Item>
            ))}
            <Menu.Divider />
            <Menu.Item leftSection={<IconPlus size={14} />} onClick={() => setCreating(true)} data-testid="dashboard-create">
              {t('reports.newDashboard')}
            </Menu.Item>
          </Menu.Dropdown>
        </Menu>
        {dashboard?.appKey && <Badge variant="light" color="gray">{t('reports.shipped')}</Badge>}
      </Group>
      <Group gap="xs">
        {editing ? (
          <>
            <Button variant="light" leftSection={<IconPlus size={16} />} onClick={() => setEditorWidget(newWidget())} disabled={forms.length === 0} data-testid="widget-add">
              {t('reports.addWidget')}
            </Button>
            <Button variant="default" leftSection={<IconShare size={16} />} onClick={() => setSharing(true)} data-testid="dashboard-share">
              {t('reports.share')}
            </Button>
            <ActionIcon variant="default" size="lg" color="red" onClick={() => setDeleting(true)} aria-label={t('reports.deleteDashboard')}>
              <IconTrash size={16} />
            </ActionIcon>
            <Button leftSection={<IconCheck size={16} />} onClick={() => setEditing(false)} data-testid="dashboard-done">
              {t('reports.done')}
            </Button>
          </>
        ) : (
          <>
            <Select
              w={160}
              leftSection={<IconRefresh size={14} />}
              data={REFRESH.map((s) => ({ value: String(s), label: t(`reports.refresh.${s}`) }))}
              value={String(dashboard?.refreshSeconds ?? 0)}
              onChange={(v) => canEdit ? void save({ refreshSeconds: Number(v ?? 0) }) : undefined}
              disabled={!canEdit}
              aria-label={t('reports.autoRefresh')}
              allowDeselect={false}
            />
            <Tooltip label={t('reports.refreshNow')}>
              <ActionIcon variant="default" size="lg" onClick={() => setTick((n) => n + 1)} aria-label={t('reports.refreshNow')}>
                <IconRefresh size={16} />
              </ActionIcon>
            </Tooltip>
            {!phone && (
              <Button variant="default" leftSection={<IconArrowsMaximize size={16} />} onClick={() => setTv(true)} data-testid="dashboard-tv">
                {t('reports.tvMode')}
              </Button>
            )}
            {canEdit && !phone && (
              <Button variant="light" leftSection={<IconPencil size={16} />} onClick={() => setEditing(true)} data-testid="dashboard-edit">
                {t('reports.edit')}
              </Button>
            )}
          </>
        )}
      </Group>
    </Group>
  )

  const modals = (
    <>
      <WidgetEditor opened={editorWidget !== null} isNew={!dashboard?.widgets.some((w) => w.key === editorWidget?.key)} widget={editorWidget} forms={forms} onClose={() => setEditorWidget(null)} onSave={saveWidget} />
      <NewDashboardModal opened={creating} onClose={() => setCreating(false)} onCreated={(d) => void loadList().then(() => { setCreating(false); navigate({ formId: null, recordId: null, section: 'dashboards', dashboardId: d.id }) })} />
      {dashboard && (
        <ShareModal opened={sharing} dashboard={dashboard} roles={roles} canShare={user.isAdmin} onClose={() => setSharing(false)} onSave={(name, roleIds) => void save({ name, roleIds }).then(() => setSharing(false))} />
      )}
      <ConfirmDialog
        opened={removing !== null}
        title={t('reports.removeWidget.title')}
        message={t('reports.removeWidget.body', { title: removing?.title ?? '' })}
        confirmLabel={t('reports.widget.remove')}
        danger
        onConfirm={async () => {
          if (dashboard && removing) await save({ widgets: dashboard.widgets.filter((w) => w.key !== removing.key) })
          setRemoving(null)
        }}
        onCancel={() => setRemoving(null)}
      />
      <ConfirmDialog
        opened={deleting}
        title={t('reports.deleteDashboard')}
        message={t('reports.deleteDashboardBody', { name: dashboard?.name ?? '' })}
        confirmLabel={t('reports.delete')}
        danger
        onConfirm={async () => {
          if (!dashboard) return
          await api.reports.deleteDashboard({ id: dashboard.id })
          setDeleting(false)
          setEditing(false)
          await loadList()
          navigate({ formId: null, recordId: null, section: 'dashboards' })
        }}
        onCancel={() => setDeleting(false)}
      />
    </>
  )

  if (tv) {
    return (
      <Box pos="fixed" inset={0} p="lg" bg="var(--mantine-color-body)" style={{ zIndex: 300, overflow: 'auto' }} data-testid="tv-mode">
        <Group justify="space-between" mb="sm">
          <Title order={2}>{dashboard?.name}</Title>
          <Group gap="sm">
            <Clock />
            <Button variant="default" leftSection={<IconMinimize size={16} />} onClick={() => setTv(false)}>
              {t('reports.exitTv')}
            </Button>
          </Group>
        </Group>
        {grid}
      </Box>
    )
  }

  return (
    <Stack gap="sm" data-testid="dashboard-page">
      {header}
      {filterBar}
      {user.isAdmin === false && !canEdit && dashboard && (
        <Text size="xs" c="dimmed">
          {t('reports.scopeNote')}
        </Text>
      )}
      {grid}
      {modals}
    </Stack>
  )
}

/**
 * The widget grid: 12 columns as wide as the page. Its own component, so the width is measured
 * on the element it is drawn in (mounted together with it).
 */
/** Widget types drawn at their content's height in a phone's one column (the others keep their grid height). */
const NATURAL_HEIGHT: ReadonlySet<string> = new Set(['funnel', 'ranking'])

function Grid({ layout, rowHeight, editing, onLayoutChange, natural, children }: { layout: Layout; rowHeight: number; editing: boolean; onLayoutChange(next: Layout): void; natural: ReadonlySet<string>; children: ReactNode }) {
  const { width, containerRef, mounted } = useContainerWidth({ measureBeforeMount: true })
  const phone = usePhone()
  if (phone && !editing) return <WidgetStack layout={layout} rowHeight={rowHeight} margin={12} natural={natural}>{children}</WidgetStack>
  return (
    <div ref={containerRef}>
      {mounted && width > 0 && (
        <ReactGridLayout
          width={width}
          layout={layout}
          gridConfig={{ cols: 12, rowHeight, margin: [12, 12], containerPadding: [0, 0] }}
          dragConfig={{ enabled: editing, handle: '.widget-drag', cancel: '.widget-no-drag' }}
          resizeConfig={{ enabled: editing, handles: ['se'] }}
          onLayoutChange={onLayoutChange}
        >
          {children}
        </ReactGridLayout>
      )}
    </div>
  )
}

/** In TV mode the whole dashboard fits the screen: the row height that makes every row visible. */
function tvRowHeight(widgets: WidgetDto[]): number {
  const rows = Math.max(1, ...widgets.map((w) => w.layout.y + w.layout.h))
  return Math.max(36, Math.floor((window.innerHeight - 96 - 12 * (rows - 1)) / rows))
}

function presets(t: (key: string) => string) {
  const d = new Date()
  const iso = (x: Date) => `${x.getFullYear()}-${String(x.getMonth() + 1).padStart(2, '0')}-${String(x.getDate()).padStart(2, '0')}`
  const monthStart = new Date(d.getFullYear(), d.getMonth(), 1)
  const lastMonthStart = new Date(d.getFullYear(), d.getMonth() - 1, 1)
  const lastMonthEnd = new Date(d.getFullYear(), d.getMonth(), 0)
  const quarterStart = new Date(d.getFullYear(), d.getMonth() - (d.getMonth() % 3), 1)
  const yearStart = new Date(d.getFullYear(), 0, 1)
  return [
    { value: [iso(monthStart), iso(d)] as [string, string], label: t('reports.period.thisMonth') },
    { value: [iso(lastMonthStart), iso(lastMonthEnd)] as [string, string], label: t('reports.period.lastMonth') },
    { value: [iso(quarterStart), iso(d)] as [string, string], label: t('reports.period.thisQuarter') },
    { value: [iso(yearStart), iso(d)] as [string, string], label: t('reports.period.thisYear') }
  ]
}

function Clock() {
  const [now, setNow] = useState(() => new Date())
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), 1000)
    return () => clearInterval(timer)
  }, [])
  return (
    <Text fw={600} fz="lg" style={{ fontVariantNumeric: 'tabular-nums' }}>
      {now.toLocaleString('zh-CN', { hour12: false })}
    </Text>
  )
}

function NewDashboardModal({ opened, onClose, onCreated }: { opened: boolean; onClose(): void; onCreated(d: DashboardDto): void }) {
  const { t } = useTranslation()
  const [name, setName] = useState('')
  const [busy, setBusy] = useState(false)
  const create = async () => {
    setBusy(true)
    try {
      const d = await api.reports.createDashboard({ name: name.trim(), widgets: [] })
      setName('')
      onCreated(d)
    } catch (error) {
      notifyError(error)
    } finally {
      setBusy(false)
    }
  }
  return (
    <Modal opened={opened} onClose={onClose} title={t('reports.newDashboard')} centered>
      <Stack>
        <TextInput label={t('reports.dashboardName')} value={name} onChange={(e) => setName(e.currentTarget.value)} data-autofocus data-testid="dashboard-name" onKeyDown={(e) => e.key === 'Enter' && name.trim() && void create()} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>{t('reports.cancel')}</Button>
          <Button onClick={() => void create()} loading={busy} disabled={!name.trim()} data-testid="dashboard-name-save">{t('reports.create')}</Button>
        </Group>
      </Stack>
    </Modal>
  )
}

/** Only administrators share with roles (the core refuses anyone else); others may only take a share back. */
function ShareModal({ opened, dashboard, roles, canShare, onClose, onSave }: { opened: boolean; dashboard: DashboardDto; roles: Role[]; canShare: boolean; onClose(): void; onSave(name: string, roleIds: number[]): void }) {
  const { t } = useTranslation()
  const [name, setName] = useState(dashboard.name)
  const [roleIds, setRoleIds] = useState(dashboard.roleIds.map(String))
  useEffect(() => {
    setName(dashboard.name)
    setRoleIds(dashboard.roleIds.map(String))
  }, [dashboard, opened])
  return (
    <Modal opened={opened} onClose={onClose} title={t('reports.share')} centered>
      <Stack>
        <TextInput label={t('reports.dashboardName')} value={name} onChange={(e) => setName(e.currentTarget.value)} />
        <MultiSelect
          label={t('reports.shareRoles')}
          description={canShare ? t('reports.shareHint') : t('reports.shareAdminOnly')}
          data={roles.filter((r) => !r.isAdmin && (canShare || dashboard.roleIds.includes(r.id))).map((r) => ({ value: String(r.id), label: r.name }))}
          value={roleIds}
          onChange={setRoleIds}
          disabled={!canShare && roleIds.length === 0}
          data-testid="share-roles"
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>{t('reports.cancel')}</Button>
          <Button onClick={() => onSave(name.trim() || dashboard.name, roleIds.map(Number))} data-testid="share-save">{t('reports.save')}</Button>
        </Group>
      </Stack>
    </Modal>
  )
}

