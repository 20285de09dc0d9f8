import { Suspense, useCallback, useEffect, useMemo, useState } from 'react'
import { Badge, Button, Collapse, Group, Stack, Text, TextInput, Title } from '@mantine/core'
import { useDebouncedValue } from '@mantine/hooks'
import { IconArrowLeft, IconFilter, IconPlus, IconSearch, IconTable, IconTrash, IconX } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import type { FilterNode, FormDto, RecordDto, ViewConfig } from '@shared/api/contracts'
import { api } from '../api/client'
import { DesignButton } from '../components/designer/DesignButton'
import { filterCount, KeepingFilterPanel } from '../components/designer/KeepingFilterPanel'
import { TrashTable } from '../components/records/TrashTable'
import { notifyDeletedWithUndo } from '../components/records/undo'
import { CalendarSettings, CalendarView, KanbanSettings, KanbanView, RecordDrawer, TableView } from '../components/views/lazy-views'
import { PageLoading } from '../app/lazy-pages'
import { useViews } from '../components/views/useViews'
import { readableConfig, readableKeys } from '../components/views/config'
import { ViewBar } from '../components/views/ViewBar'
import { ViewEmpty } from '../components/views/ViewEmpty'
import { TransferMenu } from '../components/transfer/TransferMenu'
import { FieldsControl, GroupControl, RowHeightControl, SortControl } from '../components/views/ViewToolbar'
import { systemFields } from '../fields/system'
import { notifyError } from '../lib/notify'
import { onNewRecordRequest, onRecordsChanged } from '../lib/record-events'
import { navigate } from '../lib/route'
import { permitsOf, useFormAccess } from '../lib/form-access'
import { usePhone } from '../lib/phone'
import { RecordCards } from '../components/mobile/RecordCards'

/** JSON with object keys sorted: the same filter, whoever wrote it (the server answers in its own key order). */
const stableJson = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v))

/** The form page: its saved views (table, kanban, calendar), the recycle bin, and the record drawer. */
export function RecordsPage({ form, recordId, drill = null }: { form: FormDto; recordId: number | null; drill?: string | null }) {
  const { t } = useTranslation()
  const allFields = useMemo(() => form.fields.filter((f) => f.deletedAt === null), [form.fields])
  const fields = useMemo(() => allFields.filter((f) => f.parentFieldId === null).sort((a, b) => a.position - b.position), [allFields])
  const sysFields = useMemo(() => systemFields(form.id, t), [form.id, t])
  const filterFields = useMemo(() => [...fields, ...sysFields.filter((f) => f.apiKey !== 'id')], [fields, sysFields])
  const sortFields = useMemo(() => [...fields, ...sysFields], [fields, sysFields])

  const views = useViews(form)
  // At phone width the list is cards (components/mobile) and the desktop-only tools step aside.
  const phone = usePhone()
  const { current } = views
  // Only what forms.get gave this user is asked for: a shared view naming a field they cannot read
  // (hidden, or computed from what they cannot see) opens without that column, sort, group, total or condition.
  const readable = useMemo(() => readableKeys(fields), [fields])
  const config = useMemo(() => readableConfig(views.config, readable), [views.config, readable])
  const change = views.change

  const [searchText, setSearchText] = useState('')
  const [search] = useDebouncedValue(searchText.trim(), 300)
  const [filterOpen, setFilterOpen] = useState(false)
  // The condition builder is drawn when first opened (not on the first screen), then kept: conditions being filled in stay.
  const [filterMounted, setFilterMounted] = useState(false)
  if (filterOpen && !filterMounted) setFilterMounted(true)
  // The builder keeps conditions that are still being filled in; the view stores the complete ones.
  // Parts of a view's filter the builder cannot show (a field it does not offer, a group nested
  // deeper…) are listed read-only and saved back as they were (KeepingFilterPanel). A filter
  // changed from outside the builder (another view, a discarded change, a drill-down) restarts it.
  const filterJson = stableJson(config.filter ?? null)
  const [shown, setShown] = useState({ json: filterJson, generation: 0 })
  if (shown.json !== filterJson) setShown({ json: filterJson, generation: shown.generation + 1 })
  const filterNode = config.filter ?? undefined
  const onFilter = (next: FilterNode | undefined) => {
    const node = next ?? null
    const json = stableJson(node)
    if (json === filterJson) return
    setShown({ json, generation: shown.generation })
    change({ filter: node })
  }

  // A drill-down from a dashboard opens the built-in 全部记录 view with the clicked point's filter
  // as an unsaved change (nothing is saved to a view).
  const drillFilter = useMemo(() => {
    try {
      return drill ? (JSON.parse(drill) as NonNullable<ViewConfig['filter']>) : null
    } catch {
      return null
    }
  }, [drill])
  const [drillApplied, setDrillApplied] = useState(false)
  useEffect(() => {
    if (!drillFilter || drillApplied || !views.ready) return
    if (current.id !== 0) {
      views.select(0)
      return
    }
    setDrillApplied(true)
    setFilterOpen(true)
    change({ filter: drillFilter })
  }, [drillFilter, drillApplied, views, current.id, change])

  const [trash, setTrash] = useState(false)
  const [creating, setCreating] = useState(false)
  const [preset, setPreset] = useState<Record<string, unknown> | undefined>(undefined)
  const [reloadTick, setReloadTick] = useState(0)
  const [total, setTotal] = useState<number | null>(null)
  const reload = useCallback(() => setReloadTick((n) => n + 1), [])

  useEffect(() => onRecordsChanged((id) => id === form.id && reload()), [form.id, reload])
  useEffect(
    () =>
      onNewRecordRequest((request) => {
        if (request.formId !== form.id) return false
        setPreset(request.preset)
        setCreating(true)
        return true
      }),
    [form.id]
  )
  useEffect(() => setTotal(null), [current.id])

  const openRecord = useCallback((record: RecordDto) => navigate({ formId: form.id, recordId: record.id }), [form.id])
  const closeDrawer = () => {
    setCreating(false)
    setPreset(undefined)
    if (recordId !== null) navigate({ formId: form.id, recordId: null })
  }
  // 新建 only for someone who may create records of the form.
  const canCreate = permitsOf(useFormAccess(form.id)).create
  const newRecord = () => {
    setPreset(undefined)
    setCreating(true)
  }

  const deleteRecord = async (record: RecordDto) => {
    try {
      const { deleted } = await api.records.delete({ form: form.id, ids: [record.id] })
      reload()
      if (deleted > 0) notifyDeletedWithUndo(form.id, [record.id], reload)
    } catch (error) {
      notifyError(error)
      throw error
    }
  }

  const activeConditions = filterCount(config.filter, filterFields)
  const querying = Boolean(search) || activeConditions > 0
  const onConfig = (patch: Partial<ViewConfig>) => change(patch)

  const header = (
    <Group justify="space-between" align="flex-end" wrap="wrap" gap="sm">
      <Stack gap={2}>
        <Group gap="sm" align="center" wrap="nowrap">
          <Title order={3}>{form.label}</Title>
          {!trash && total !== null && (
            <Badge variant="light" color="gray" radius="sm" tt="none" fw={500} style={{ flexShrink: 0, whiteSpace: 'nowrap', overflow: 'visible' }} data-testid="records-total">
              {t('records.total', { count: total })}
            </Badge>
          )}
        </Group>
        {form.description && (
          <Text size="sm" c="dimmed">
            {form.description}
          </Text>
        )}
      </Stack>
      <Group gap="sm">
        {!phone && <DesignButton formId={form.id} />}
        {!phone && <Button
          variant={trash ? 'light' : 'default'}
          color={trash ? 'indigo' : 'gray'}
          leftSection={trash ? <IconArrowLeft size={16} /> : <IconTrash size={16} />}
          onClick={() => setTrash((v) => !v)}
          data-testid="trash-toggle"
        >
          {trash ? t('records.backToList') : t('records.trash')}
        </Button>}
        {!trash && !phone && fields.length > 0 && (
          <TransferMenu form={form} fields={fields} viewId={current.id} config={config} filter={filterNode} search={search} onChanged={reload} />
        )}
        {!trash && canCreate && (
          <Button leftSection={<IconPlus size={16} />} onClick={newRecord} disabled={fields.length === 0}>
            {t('records.new')}
          </Button>
        )}
      </Group>
    </Group>
  )

  // The drawer (its own chunk) is drawn once a record or a new one is first opened, then kept for its closing animation.
  const drawerOpened = creating || recordId !== null
  const [drawerMounted, setDrawerMounted] = useState(drawerOpened)
  if (drawerOpened && !drawerMounted) setDrawerMounted(true)
  const drawer = drawerMounted && (
    <Suspense fallback={null}>
    <RecordDrawer
      form={form}
      fields={fields}
      allFields={allFields}
      recordId={creating ? null : recordId}
      opened={creating || recordId !== null}
      onClose={closeDrawer}
      onSaved={() => {
        closeDrawer()
        reload()
      }}
      onDelete={async (record) => {
        await deleteRecord(record)
        closeDrawer()
      }}
      onChanged={reload}
      preset={creating ? preset : undefined}
    />
    </Suspense>
  )

  if (fields.length === 0) {
    return (
      <Stack gap="md">
        {header}
        <ViewEmpty icon={<IconTable size={32} />} title={t('records.noFields')} body={t('views.empty.noFieldsBody')} />
      </Stack>
    )
  }

  if (trash) {
    return (
      <Stack gap="md">
        {header}
        <Text fw={600} c="dimmed" size="sm">
          {t('records.trashTitle')}
        </Text>
        <TrashTable form={form} fields={fields} onRestored={reload} />
        {drawer}
      </Stack>
    )
  }

  const empty = querying ? (
    <ViewEmpty icon={<IconSearch size={30} />} color="gray" title={t('records.noMatchTitle')} body={t('records.noMatchBody')} />
  ) : (
    <ViewEmpty
      icon={<IconTable size={30} />}
      title={t('records.emptyTitle')}
      body={t('views.empty.tableBody')}
      action={
        canCreate ? (
          <Button leftSection={<IconPlus size={16} />} onClick={newRecord}>
            {t('records.new')}
          </Button>
        ) : undefined
      }
    />
  )

  return (
    <Stack gap="sm" h={phone ? undefined : 'calc(100dvh - var(--app-shell-header-height, 60px) - 2 * var(--mantine-spacing-md))'} style={{ minHeight: 420 }}>
      {header}
      <ViewBar state={views} />

      <Group gap="xs" wrap="wrap">
        <TextInput
          placeholder={t('records.search')}
          aria-label={t('records.search')}
          data-testid="records-search"
          leftSection={<IconSearch size={16} />}
          rightSection={searchText ? <IconX size={14} style={{ cursor: 'pointer' }} onClick={() => setSearchText('')} aria-label={t('filter.clear')} /> : null}
          value={searchText}
          onChange={(e) => setSearchText(e.currentTarget.value)}
          w={phone ? undefined : 240}
          style={phone ? { flex: 1 } : undefined}
        />
        <Button
          variant={filterOpen || activeConditions ? 'light' : 'default'}
          color={activeConditions ? 'indigo' : 'gray'}
          leftSection={<IconFilter size={16} />}
          onClick={() => setFilterOpen((v) => !v)}
          data-testid="filter-toggle"
        >
          {activeConditions ? t('filter.count', { count: activeConditions }) : t('filter.button')}
        </Button>
        {!phone && <SortControl sortFields={sortFields} config={config} onConfig={onConfig} />}
        {!phone && current.type === 'table' && (
          <>
            <GroupControl fields={fields} config={config} onConfig={onConfig} />
            <FieldsControl fields={fields} config={config} onConfig={onConfig} />
            <RowHeightControl config={config} onConfig={onConfig} />
          </>
        )}
        <Suspense fallback={null}>
          {!phone && current.type === 'kanban' && <KanbanSettings fields={fields} config={config} onConfig={onConfig} />}
          {!phone && current.type === 'calendar' && <CalendarSettings fields={fields} config={config} onConfig={onConfig} />}
        </Suspense>
      </Group>

      <Collapse expanded={filterOpen}>
        {filterMounted && <KeepingFilterPanel key={`${current.id}:${shown.generation}`} fields={filterFields} value={config.filter} onChange={onFilter} allowGroups />}
      </Collapse>

      <Suspense fallback={<PageLoading h="40vh" />}>
      {!views.ready ? null : phone ? (
        <RecordCards key={current.id} form={form} fields={fields} config={config} filter={filterNode} search={search} reloadTick={reloadTick} onOpen={openRecord} onTotal={setTotal} empty={empty} />
      ) : current.type === 'kanban' ? (
        <KanbanView key={current.id} form={form} fields={fields} config={config} filter={filterNode} search={search} reloadTick={reloadTick} onOpen={openRecord} onTotal={setTotal} />
      ) : current.type === 'calendar' ? (
        <CalendarView key={current.id} form={form} fields={fields} config={config} onConfig={onConfig} filter={filterNode} search={search} reloadTick={reloadTick} onOpen={openRecord} onTotal={setTotal} />
      ) : (
        <TableView
          key={current.id}
          form={form}
          fields={fields}
          allFields={allFields}
          config={config}
          onConfig={onConfig}
          filter={filterNode}
          search={search}
          reloadTick={reloadTick}
          reload={reload}
          onOpen={openRecord}
          empty={empty}
          onTotal={setTotal}
        />
      )}
      </Suspense>

      {drawer}
    </Stack>
  )
}
