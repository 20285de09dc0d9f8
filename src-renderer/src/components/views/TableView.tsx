import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type CSSProperties, type ReactNode } from 'react'
import { ActionIcon, Affix, Badge, Button, Checkbox, Group, Loader, Menu, Paper, Text, Transition, UnstyledButton } from '@mantine/core'
import {
  IconArrowDown,
  IconArrowUp,
  IconArrowsDiagonal,
  IconArrowsExchange,
  IconChevronDown,
  IconChevronRight,
  IconEdit,
  IconEyeOff,
  IconLayoutList,
  IconPin,
  IconPinnedOff,
  IconTrash,
  IconX
} from '@tabler/icons-react'
import { DndContext, PointerSensor, closestCenter, useSensor, useSensors, type DragEndEvent } from '@dnd-kit/core'
import { SortableContext, arrayMove, horizontalListSortingStrategy, useSortable } from '@dnd-kit/sortable'
import { CSS } from '@dnd-kit/utilities'
import { useVirtualizer } from '@tanstack/react-virtual'
import { useTranslation } from 'react-i18next'
import type { FieldDto, FilterNode, FormDto, RecordDto, ViewConfig } from '@shared/api/contracts'
import { api } from '../../api/client'
import { rendererOf } from '../../fields/registry'
import { notifyError } from '../../lib/notify'
import { ConfirmDialog } from '../ConfirmDialog'
import { notifyDeletedWithUndo } from '../records/undo'
import { TransferModal } from '../records/TransferModal'
import { BulkEditModal } from './BulkEditModal'
import { permitsOf, useFormAccess } from '../../lib/form-access'
import { CellEditor } from './CellEditor'
import { columnsToConfig, groupableFields, MIN_WIDTH, resolveColumns, ROW_HEIGHTS, type Column } from './config'
import { isEditable, isSummable } from './field-kinds'
import { useTableData, type Segment } from './useTableData'
import './views.css'

const CHECK_WIDTH = 64
const HEADER_HEIGHT = 38
const GROUP_HEIGHT = 40
const FOOTER_HEIGHT = 36
const PREFETCH_ROWS = 60

function without<T>(map: Record<string, T>, key: string): Record<string, T> {
  const next = { ...map }
  delete next[key]
  return next
}

/** The first time rows reach the screen after the page loaded (read by the UI benchmark). */
let rowsPaintedMarked = false

type Item = { kind: 'group'; seg: Segment } | { kind: 'row'; seg: Segment; record: RecordDto } | { kind: 'loader'; seg: Segment; first: boolean }

interface Props {
  form: FormDto
  fields: FieldDto[]
  allFields: FieldDto[]
  config: ViewConfig
  onConfig(patch: Partial<ViewConfig>): void
  filter: FilterNode | undefined
  search: string
  reloadTick: number
  reload(): void
  onOpen(record: RecordDto): void
  /** Shown instead of the grid when there are no records at all / none match. */
  empty: ReactNode
  /** Reports the number of matching records (the header badge). */
  onTotal(total: number | null): void
  /** Extra actions on the selected records, shown first in the selection bar (公海: 领取). */
  selectionActions?(ids: number[], clear: () => void): ReactNode
}

interface Editing {
  id: number
  field: string
}

export function TableView({ form, fields, allFields, config, onConfig, filter, search, reloadTick, reload, onOpen, empty, onTotal, selectionActions }: Props) {
  const { t } = useTranslation()
  const [columns, setColumns] = useState<Column[]>(() => resolveColumns(fields, config))
  // The view's columns are the source; a drag in progress (resize) is shown from local state first.
  useEffect(() => setColumns(resolveColumns(fields, config)), [fields, config])
  const visible = useMemo(() => columns.filter((c) => !c.hidden), [columns])
  const rowHeight = ROW_HEIGHTS[config.rowHeight]
  const groupField = useMemo(() => (config.groupBy ? (groupableFields(fields).find((f) => f.apiKey === config.groupBy) ?? null) : null), [fields, config.groupBy])
  const sumKeys = useMemo(() => visible.filter((c) => isSummable(c.field)).map((c) => c.field.apiKey), [visible])
  const sumKeysKey = sumKeys.join(',')
  const stableSumKeys = useMemo(() => (sumKeysKey ? sumKeysKey.split(',') : []), [sumKeysKey])

  const { data, loadMore, replaceRecord } = useTableData({ formId: form.id, filter, search, sort: config.sort, groupField, sumKeys: stableSumKeys, reloadTick })
  const [collapsed, setCollapsed] = useState<Set<string>>(new Set())
  const [selected, setSelected] = useState<Set<number>>(new Set())
  const [active, setActive] = useState<Editing | null>(null)
  const [editing, setEditing] = useState<Editing | null>(null)
  const [pendingDelete, setPendingDelete] = useState<number[] | null>(null)
  const [deleting, setDeleting] = useState(false)
  const [bulkEdit, setBulkEdit] = useState<number[] | null>(null)
  const [transfer, setTransfer] = useState<number[] | null>(null)
  // 转移 only for those with the transfer right (the core refuses others).
  const access = useFormAccess(form.id)
  const [avgOf, setAvgOf] = useState<Record<string, number | null | 'loading'>>({})

  useEffect(() => setSelected(new Set()), [data.queryKey])
  useEffect(() => onTotal(data.total), [data.total, onTotal])

  // Frozen columns: the checkbox column and the first `frozen` visible columns stick to the left.
  const frozen = Math.min(config.frozen, visible.length)
  const lefts = useMemo(() => {
    const result: number[] = []
    let x = CHECK_WIDTH
    for (const c of visible) {
      result.push(x)
      x += c.width
    }
    return result
  }, [visible])
  const totalWidth = CHECK_WIDTH + visible.reduce((s, c) => s + c.width, 0)

  const items = useMemo(() => {
    const list: Item[] = []
    for (const seg of data.segments) {
      if (groupField) list.push({ kind: 'group', seg })
      if (groupField && collapsed.has(seg.key)) continue
      for (const record of seg.records) list.push({ kind: 'row', seg, record })
      if (!seg.done) {
        // Placeholder rows for what is not loaded yet, so the scrollbar already knows their room.
        const left = seg.count === null ? 1 : Math.max(1, Math.min(3 * 100, seg.count - seg.records.length))
        for (let i = 0; i < left; i++) list.push({ kind: 'loader', seg, first: i === 0 })
      }
    }
    return list
  }, [data.segments, groupField, collapsed])

  const scrollRef = useRef<HTMLDivElement>(null)

  const anyRows = data.segments.some((s) => s.records.length > 0)
  useLayoutEffect(() => {
    if (rowsPaintedMarked || !anyRows) return
    rowsPaintedMarked = true
    requestAnimationFrame(() => performance.mark('jimu:rows-painted'))
  }, [anyRows])

  const allLoaded = useMemo(() => data.segments.flatMap((s) => s.records), [data.segments])
  const allSelected = allLoaded.length > 0 && allLoaded.every((r) => selected.has(r.id))
  const toggle = useCallback((id: number) => {
    setSelected((prev) => {
      const next = new Set(prev)
      if (next.has(id)) next.delete(id)
      else next.add(id)
      return next
    })
  }, [])

  const toggleGroup = useCallback((key: string) => {
    setCollapsed((prev) => {
      const next = new Set(prev)
      if (next.has(key)) next.delete(key)
      else next.add(key)
      return next
    })
  }, [])
  const closeEditor = useCallback(() => setEditing(null), [])
  // Fields the user may not change (read-only for their roles, 系统维护) open no editor.
  // Without the edit right (view-only roles) no cell opens an editor at all.
  const readonly = access?.readonly
  const permits = permitsOf(access)
  const canEdit = permits.edit
  const editCell = useCallback((cell: Editing | null) => {
    if (cell && (!canEdit || readonly?.includes(cell.field))) return
    setEditing(cell)
  }, [readonly, canEdit])
  const renderEditor = useCallback(
    (record: RecordDto, field: FieldDto, content: ReactNode) => (
      <CellEditor formId={form.id} field={field} allFields={allFields} record={record} onSaved={replaceRecord} onGone={reload} onClose={closeEditor}>
        {content}
      </CellEditor>
    ),
    [form.id, allFields, replaceRecord, reload, closeEditor]
  )

  const saveColumns = (next: Column[]) => {
    setColumns(next)
    onConfig({ columns: columnsToConfig(next) })
  }

  const sensors = useSensors(useSensor(PointerSensor, { activationConstraint: { distance: 6 } }))
  const onDragEnd = (e: DragEndEvent) => {
    if (!e.over || e.active.id === e.over.id) return
    const from = columns.findIndex((c) => c.field.apiKey === e.active.id)
    const to = columns.findIndex((c) => c.field.apiKey === e.over!.id)
    if (from >= 0 && to >= 0) saveColumns(arrayMove(columns, from, to))
  }

  const setSort = (field: FieldDto, dir: 'asc' | 'desc' | null) => {
    const rest = config.sort.filter((s) => s.field !== field.apiKey)
    onConfig({ sort: dir ? [{ field: field.apiKey, dir }, ...rest].slice(0, 5) : rest })
  }

  const loadAverage = async (field: FieldDto) => {
    setAvgOf((a) => ({ ...a, [field.apiKey]: 'loading' }))
    try {
      const notEmpty: FilterNode = { field: field.apiKey, op: 'notEmpty' }
      const r = await api.records.count({ form: form.id, filter: filter ? { and: [filter, notEmpty] } : notEmpty, search: search || undefined, sums: [field.apiKey] })
      const sum = r.sums?.[field.apiKey]
      setAvgOf((a) => ({ ...a, [field.apiKey]: r.total > 0 && typeof sum === 'number' ? sum / r.total : null }))
    } catch (error) {
      notifyError(error)
      setAvgOf((a) => without(a, field.apiKey))
    }
  }
  useEffect(() => setAvgOf({}), [data.queryKey])

  const deleteRecords = async (ids: number[]) => {
    setDeleting(true)
    try {
      const { deleted } = await api.records.delete({ form: form.id, ids })
      setSelected(new Set())
      reload()
      if (deleted > 0) notifyDeletedWithUndo(form.id, ids, reload)
    } catch (error) {
      notifyError(error)
    } finally {
      setDeleting(false)
      setPendingDelete(null)
    }
  }

  const cellStyle = (index: number, extra?: CSSProperties): CSSProperties => {
    const col = visible[index]!
    const base: CSSProperties = { width: col.width, minWidth: col.width, maxWidth: col.width }
    if (index < frozen) Object.assign(base, { position: 'sticky', left: lefts[index], zIndex: 1 })
    return { ...base, ...extra }
  }
  const frozenEdge = frozen > 0 ? frozen - 1 : -1

  if (data.failure) {
    return (
      <Paper withBorder radius="md" p="lg">
        <Text c="red" fw={600}>
          {t('records.loadFailed')}
        </Text>
        <Text size="sm" c="dimmed">
          {data.failure}
        </Text>
      </Paper>
    )
  }
  const nothing = data.ready && (groupField ? data.segments.length === 0 : data.segments[0]?.done === true && data.segments[0].records.length === 0)
  if (nothing) return <>{empty}</>

  const showFooter = sumKeys.length > 0

  return (
    <Paper withBorder radius="md" className="jimu-grid-frame" style={{ flex: 1, minHeight: 0, display: 'flex', flexDirection: 'column', overflow: 'hidden' }}>
      <div ref={scrollRef} className="jimu-grid" data-testid="records-table" role="grid" aria-rowcount={data.total ?? undefined} data-row-height={config.rowHeight} style={{ flex: 1, minHeight: 0, overflow: 'auto', position: 'relative' }}>
        <div style={{ width: totalWidth, minWidth: '100%', minHeight: '100%', position: 'relative', display: 'flex', flexDirection: 'column' }}>
          {/* Header */}
          <DndContext sensors={sensors} collisionDetection={closestCenter} onDragEnd={onDragEnd}>
            <div className="jimu-grid-header" role="row" style={{ height: HEADER_HEIGHT }}>
              <div className="jimu-grid-cell jimu-grid-check" style={{ width: CHECK_WIDTH, minWidth: CHECK_WIDTH, position: 'sticky', left: 0, zIndex: 2 }}>
                <Checkbox
                  size="xs"
                  aria-label={t('records.selectAll')}
                  checked={allSelected}
                  indeterminate={selected.size > 0 && !allSelected}
                  onChange={() => setSelected(allSelected ? new Set() : new Set(allLoaded.map((r) => r.id)))}
                />
              </div>
              <SortableContext items={visible.map((c) => c.field.apiKey)} strategy={horizontalListSortingStrategy}>
                {visible.map((col, index) => (
                  <HeaderCell
                    key={col.field.apiKey}
                    column={col}
                    style={cellStyle(index, index < frozen ? { zIndex: 2 } : undefined)}
                    frozenEdge={index === frozenEdge}
                    sortDir={config.sort.find((s) => s.field === col.field.apiKey)?.dir ?? null}
                    sortRank={config.sort.length > 1 ? config.sort.findIndex((s) => s.field === col.field.apiKey) + 1 : 0}
                    groupable={groupableFields([col.field]).length > 0}
                    frozen={index < frozen}
                    onSort={(dir) => setSort(col.field, dir)}
                    onGroup={() => onConfig({ groupBy: col.field.apiKey })}
                    onHide={() => saveColumns(columns.map((c) => (c.field.apiKey === col.field.apiKey ? { ...c, hidden: true } : c)))}
                    onFreeze={() => onConfig({ frozen: index < frozen && index === frozen - 1 ? index : Math.min(10, index + 1) })}
                    onResize={(width, done) => {
                      const next = columns.map((c) => (c.field.apiKey === col.field.apiKey ? { ...c, width } : c))
                      if (done) saveColumns(next)
                      else setColumns(next)
                    }}
                  />
                ))}
              </SortableContext>
              <div className="jimu-grid-filler" />
            </div>
          </DndContext>

          {/* Body */}
          {!data.ready ? (
            <Group justify="center" py="xl">
              <Loader size="sm" />
            </Group>
          ) : (
            <GridBody
              scrollRef={scrollRef}
              items={items}
              rowHeight={rowHeight}
              loadMore={loadMore}
              visible={visible}
              cellStyle={cellStyle}
              frozenEdge={frozenEdge}
              groupField={groupField}
              collapsed={collapsed}
              onToggleGroup={toggleGroup}
              selected={selected}
              active={active}
              editing={editing}
              tall={config.rowHeight !== 'short'}
              onToggle={toggle}
              onOpen={onOpen}
              onActivate={setActive}
              onEdit={editCell}
              renderEditor={renderEditor}
            />
          )}

          <div style={{ flex: 1 }} />

          {/* Footer: sum or average of number columns over every matching record */}
          {showFooter && data.ready && (
            <div className="jimu-grid-footer" role="row" data-testid="records-totals" style={{ height: FOOTER_HEIGHT }}>
              {/* 共 N 条 runs on into the first column's footer on one line, never wrapped in the narrow check column. */}
              <div className="jimu-grid-cell jimu-grid-check" style={{ width: CHECK_WIDTH, minWidth: CHECK_WIDTH, position: 'sticky', left: 0, zIndex: 3, overflow: 'visible' }}>
                <Text size="xs" c="dimmed" fw={600} style={{ whiteSpace: 'nowrap' }} data-testid="records-footer-total">
                  {data.total !== null ? t('records.total', { count: data.total }) : ''}
                </Text>
              </div>
              {visible.map((col, index) => {
                const field = col.field
                if (!isSummable(field)) return <div key={field.apiKey} className="jimu-grid-cell" style={cellStyle(index, index < frozen ? { zIndex: 2 } : undefined)} />
                const Cell = rendererOf(field.type).Cell
                const avg = avgOf[field.apiKey]
                const showingAvg = avg !== undefined
                const sum = data.sums?.[field.apiKey]
                return (
                  <div key={field.apiKey} className="jimu-grid-cell" style={cellStyle(index, { justifyContent: 'flex-end', ...(index < frozen ? { zIndex: 2 } : {}) })}>
                    <Menu position="top-end" withinPortal shadow="md">
                      <Menu.Target>
                        <UnstyledButton className="jimu-footer-value" data-testid={`footer-${field.apiKey}`}>
                          <Group gap={6} wrap="nowrap">
                            <Text size="xs" c="dimmed">
                              {showingAvg ? t('views.footer.avg') : t('records.sum')}
                            </Text>
                            <Text size="sm" fw={600} style={{ fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' }}>
                              {showingAvg ? (avg === 'loading' ? '…' : avg === null ? '—' : <Cell field={field} value={avg} />) : sum === undefined ? '…' : sum === null ? '—' : <Cell field={field} value={sum} />}
                            </Text>
                          </Group>
                        </UnstyledButton>
                      </Menu.Target>
                      <Menu.Dropdown>
                        <Menu.Item onClick={() => setAvgOf((a) => without(a, field.apiKey))}>{t('views.footer.sum')}</Menu.Item>
                        <Menu.Item onClick={() => void loadAverage(field)}>{t('views.footer.avg')}</Menu.Item>
                      </Menu.Dropdown>
                    </Menu>
                  </div>
                )
              })}
              <div className="jimu-grid-filler" />
            </div>
          )}
        </div>
      </div>

      <Affix position={{ bottom: 28, left: 0, right: 0 }} zIndex={150} style={{ pointerEvents: 'none', display: 'flex', justifyContent: 'center' }}>
        <Transition transition="slide-up" mounted={selected.size > 0}>
          {(styles) => (
            <Paper shadow="lg" radius="xl" px="md" py={8} withBorder style={{ ...styles, pointerEvents: 'auto' }} data-testid="selection-bar">
              <Group gap="sm" wrap="nowrap">
                <Badge variant="filled" color="indigo" radius="sm" tt="none">
                  {t('records.selected', { count: selected.size })}
                </Badge>
                {selectionActions?.([...selected], () => setSelected(new Set()))}
                {permits.edit && (
                  <Button size="compact-sm" variant="subtle" leftSection={<IconEdit size={15} />} onClick={() => setBulkEdit([...selected])} data-testid="bulk-edit">
                    {t('views.bulk.edit')}
                  </Button>
                )}
                {permits.transfer && (
                  <Button size="compact-sm" variant="subtle" leftSection={<IconArrowsExchange size={15} />} onClick={() => setTransfer([...selected])} data-testid="bulk-transfer">
                    {t('transfer.button')}
                  </Button>
                )}
                {permits.delete && (
                  <Button size="compact-sm" variant="subtle" color="red" leftSection={<IconTrash size={15} />} onClick={() => setPendingDelete([...selected])} data-testid="bulk-delete">
                    {t('records.deleteSelected')}
                  </Button>
                )}
                <ActionIcon variant="subtle" color="gray" radius="xl" aria-label={t('views.bulk.clear')} onClick={() => setSelected(new Set())}>
                  <IconX size={16} />
                </ActionIcon>
              </Group>
            </Paper>
          )}
        </Transition>
      </Affix>

      <BulkEditModal
        form={form}
        fields={visible.map((c) => c.field).filter((f) => isEditable(f) && !access?.readonly.includes(f.apiKey))}
        allFields={allFields}
        ids={bulkEdit}
        onClose={() => setBulkEdit(null)}
        onDone={() => {
          setBulkEdit(null)
          setSelected(new Set())
          reload()
        }}
      />
      <TransferModal
        form={form}
        ids={transfer}
        onClose={() => setTransfer(null)}
        onDone={() => {
          setTransfer(null)
          setSelected(new Set())
          reload()
        }}
      />
      <ConfirmDialog
        opened={pendingDelete !== null}
        title={t('records.deleteConfirmTitle')}
        message={t('records.deleteConfirmBody', { count: pendingDelete?.length ?? 0 })}
        confirmLabel={t('common.delete')}
        danger
        busy={deleting}
        onCancel={() => setPendingDelete(null)}
        onConfirm={() => {
          if (pendingDelete) void deleteRecords(pendingDelete)
        }}
      />
    </Paper>
  )
}

interface GridBodyProps {
  scrollRef: React.RefObject<HTMLDivElement | null>
  items: Item[]
  rowHeight: number
  loadMore(segKey: string): void
  visible: Column[]
  cellStyle(index: number, extra?: CSSProperties): CSSProperties
  frozenEdge: number
  groupField: FieldDto | null
  collapsed: ReadonlySet<string>
  onToggleGroup(key: string): void
  selected: ReadonlySet<number>
  active: Editing | null
  editing: Editing | null
  tall: boolean
  onToggle(id: number): void
  onOpen(record: RecordDto): void
  onActivate(cell: Editing): void
  onEdit(cell: Editing): void
  renderEditor(record: RecordDto, field: FieldDto, content: ReactNode): ReactNode
}

/**
 * The rows in sight, and only they: this component alone re-renders while scrolling (the
 * header, footer and dialogs around it do not), and fetches the pages of placeholder rows
 * that come near the viewport.
 */
const GridBody = memo(function GridBody(props: GridBodyProps) {
  const { scrollRef, items, rowHeight, loadMore, visible, cellStyle, frozenEdge, groupField, collapsed, onToggleGroup, selected, active, editing, tall, onToggle, onOpen, onActivate, onEdit, renderEditor } = props
  const { t } = useTranslation()
  // oxlint-disable-next-line react/incompatible-library -- the virtualizer is read on every render on purpose (scroll position)
  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: (i) => (items[i]?.kind === 'group' ? GROUP_HEIGHT : rowHeight),
    overscan: 8,
    // The rows start below the sticky header.
    scrollMargin: HEADER_HEIGHT
  })
  useEffect(() => virtualizer.measure(), [rowHeight, groupField, virtualizer])
  const virtualItems = virtualizer.getVirtualItems()

  const lastIndex = virtualItems.length ? virtualItems[virtualItems.length - 1]!.index : -1
  const firstIndex = virtualItems.length ? virtualItems[0]!.index : 0
  useEffect(() => {
    const wanted = new Set<string>()
    for (let i = firstIndex; i <= Math.min(items.length - 1, lastIndex + PREFETCH_ROWS); i++) {
      const it = items[i]
      if (it?.kind === 'loader') wanted.add(it.seg.key)
    }
    for (const key of wanted) loadMore(key)
  }, [firstIndex, lastIndex, items, loadMore])

  const labels = useMemo(() => ({ select: t('records.selectRow'), open: t('records.open', { id: '{{id}}' }) }), [t])

  // Keyboard, as in a spreadsheet: arrows move the active cell, Enter edits it.
  const keys = useRef({ items, visible, active, editing, onActivate, onEdit })
  useLayoutEffect(() => {
    keys.current = { items, visible, active, editing, onActivate, onEdit }
  })
  useEffect(() => {
    const el = scrollRef.current
    if (!el) return
    const onKey = (e: KeyboardEvent) => {
      const { items, visible, active, editing, onActivate, onEdit } = keys.current
      if (!active || editing || e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement) return
      const row = items.findIndex((it) => it.kind === 'row' && it.record.id === active.id)
      const col = visible.findIndex((c) => c.field.apiKey === active.field)
      if (row < 0 || col < 0) return
      if (e.key === 'Enter') {
        if (isEditable(visible[col]!.field)) onEdit(active)
        e.preventDefault()
        return
      }
      const step: Record<string, [number, number]> = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] }
      const move = step[e.key]
      if (!move) return
      e.preventDefault()
      const nextCol = Math.max(0, Math.min(visible.length - 1, col + move[1]))
      let nextRow = row
      if (move[0] !== 0) {
        for (let i = row + move[0]; i >= 0 && i < items.length; i += move[0]) {
          if (items[i]!.kind === 'row') {
            nextRow = i
            break
          }
        }
      }
      const target = items[nextRow]
      if (target?.kind !== 'row') return
      onActivate({ id: target.record.id, field: visible[nextCol]!.field.apiKey })
      virtualizer.scrollToIndex(nextRow, { align: 'auto' })
      requestAnimationFrame(() => el.querySelector<HTMLElement>(`[data-testid="record-row-${target.record.id}"] [data-field="${visible[nextCol]!.field.apiKey}"]`)?.focus({ preventScroll: true }))
    }
    el.addEventListener('keydown', onKey)
    return () => el.removeEventListener('keydown', onKey)
  }, [scrollRef, virtualizer])

  return (
    <div style={{ height: virtualizer.getTotalSize(), position: 'relative', flexShrink: 0 }} role="rowgroup">
      {virtualItems.map((v) => {
        const item = items[v.index]!
        const top: CSSProperties = { position: 'absolute', top: 0, left: 0, transform: `translateY(${v.start - HEADER_HEIGHT}px)`, height: v.size, width: '100%' }
        if (item.kind === 'group') {
          return (
            <GroupHeader
              key={`g-${item.seg.key}`}
              style={top}
              seg={item.seg}
              field={groupField!}
              visible={visible}
              cellStyle={cellStyle}
              collapsed={collapsed.has(item.seg.key)}
              onToggle={() => onToggleGroup(item.seg.key)}
            />
          )
        }
        if (item.kind === 'loader') {
          return (
            <div key={`l-${item.seg.key}-${v.index}`} className="jimu-grid-row" style={top} role="row">
              <div className="jimu-grid-cell jimu-grid-check" style={{ width: CHECK_WIDTH, minWidth: CHECK_WIDTH, position: 'sticky', left: 0, zIndex: 1 }} />
              {item.seg.failure && item.first ? (
                <Text size="sm" c="red" px="sm" style={{ alignSelf: 'center' }}>
                  {item.seg.failure}
                </Text>
              ) : (
                visible.map((col, index) => (
                  <div key={col.field.apiKey} className="jimu-grid-cell" style={cellStyle(index)}>
                    <div className="jimu-skeleton" style={{ width: `${40 + ((v.index * 7 + index * 13) % 45)}%` }} />
                  </div>
                ))
              )}
            </div>
          )
        }
        const record = item.record
        return (
          <Row
            key={record.id}
            style={top}
            record={record}
            visible={visible}
            cellStyle={cellStyle}
            frozenEdge={frozenEdge}
            selected={selected.has(record.id)}
            active={active?.id === record.id ? active.field : null}
            editing={editing?.id === record.id ? editing.field : null}
            tall={tall}
            labels={labels}
            onToggle={onToggle}
            onOpen={onOpen}
            onActivate={onActivate}
            onEdit={onEdit}
            renderEditor={renderEditor}
          />
        )
      })}
    </div>
  )
})

interface HeaderProps {
  column: Column
  style: CSSProperties
  frozenEdge: boolean
  sortDir: 'asc' | 'desc' | null
  sortRank: number
  groupable: boolean
  frozen: boolean
  onSort(dir: 'asc' | 'desc' | null): void
  onGroup(): void
  onHide(): void
  onFreeze(): void
  onResize(width: number, done: boolean): void
}

function HeaderCell({ column, style, frozenEdge, sortDir, sortRank, groupable, frozen, onSort, onGroup, onHide, onFreeze, onResize }: HeaderProps) {
  const { t } = useTranslation()
  const field = column.field
  const renderer = rendererOf(field.type)
  const { attributes, listeners, setNodeRef, transform, transition, isDragging } = useSortable({ id: field.apiKey })
  const dragStyle: CSSProperties = {
    ...style,
    transform: CSS.Translate.toString(transform ? { ...transform, y: 0 } : null),
    transition,
    zIndex: isDragging ? 5 : style.zIndex,
    opacity: isDragging ? 0.85 : 1
  }
  const SortIcon = sortDir === 'asc' ? IconArrowUp : IconArrowDown

  const startResize = (e: React.PointerEvent) => {
    e.stopPropagation()
    e.preventDefault()
    const x0 = e.clientX
    const w0 = column.width
    let last = w0
    const move = (ev: PointerEvent) => {
      last = Math.max(MIN_WIDTH, Math.min(2000, w0 + ev.clientX - x0))
      onResize(last, false)
    }
    const up = () => {
      window.removeEventListener('pointermove', move)
      window.removeEventListener('pointerup', up)
      onResize(last, true)
    }
    window.addEventListener('pointermove', move)
    window.addEventListener('pointerup', up)
  }

  return (
    <div
      ref={setNodeRef}
      className={`jimu-grid-cell jimu-grid-th${frozenEdge ? ' jimu-frozen-edge' : ''}${isDragging ? ' jimu-dragging' : ''}`}
      style={dragStyle}
      data-testid={`column-${field.apiKey}`}
      {...attributes}
      {...listeners}
      role="columnheader"
      aria-sort={sortDir === 'asc' ? 'ascending' : sortDir === 'desc' ? 'descending' : undefined}
    >
      <Menu position="bottom-start" withinPortal shadow="md" width={200}>
        <Menu.Target>
          <UnstyledButton className="jimu-th-button" style={{ justifyContent: renderer.numeric ? 'flex-end' : undefined }}>
            <Text span size="sm" fw={600} truncate>
              {field.label}
            </Text>
            {sortDir && (
              <Group gap={0} wrap="nowrap" style={{ flexShrink: 0 }}>
                <SortIcon size={13} color="var(--mantine-color-indigo-6)" />
                {sortRank > 0 && (
                  <Text span size="10px" c="indigo" fw={700}>
                    {sortRank}
                  </Text>
                )}
              </Group>
            )}
            <IconChevronDown size={13} className="jimu-th-chevron" />
          </UnstyledButton>
        </Menu.Target>
        <Menu.Dropdown>
          {renderer.sortable && (
            <>
              <Menu.Item leftSection={<IconArrowUp size={14} />} onClick={() => onSort('asc')}>
                {t('views.column.sortAsc')}
              </Menu.Item>
              <Menu.Item leftSection={<IconArrowDown size={14} />} onClick={() => onSort('desc')}>
                {t('views.column.sortDesc')}
              </Menu.Item>
              {sortDir && <Menu.Item onClick={() => onSort(null)}>{t('views.column.sortClear')}</Menu.Item>}
              <Menu.Divider />
            </>
          )}
          {groupable && (
            <Menu.Item leftSection={<IconLayoutList size={14} />} onClick={onGroup}>
              {t('views.column.groupBy')}
            </Menu.Item>
          )}
          <Menu.Item leftSection={frozen && frozenEdge ? <IconPinnedOff size={14} /> : <IconPin size={14} />} onClick={onFreeze} data-testid="column-freeze">
            {frozen && frozenEdge ? t('views.column.unfreeze') : t('views.column.freezeTo')}
          </Menu.Item>
          <Menu.Item leftSection={<IconEyeOff size={14} />} onClick={onHide} data-testid="column-hide">
            {t('views.column.hide')}
          </Menu.Item>
        </Menu.Dropdown>
      </Menu>
      <div className="jimu-resize-handle" onPointerDown={startResize} aria-label={t('views.column.resize')} role="separator" />
    </div>
  )
}

interface RowProps {
  style: CSSProperties
  record: RecordDto
  visible: Column[]
  cellStyle(index: number, extra?: CSSProperties): CSSProperties
  frozenEdge: number
  selected: boolean
  active: string | null
  editing: string | null
  tall: boolean
  labels: { select: string; open: string }
  onToggle(id: number): void
  onOpen(record: RecordDto): void
  onActivate(cell: Editing): void
  onEdit(cell: Editing): void
  renderEditor(record: RecordDto, field: FieldDto, content: ReactNode): ReactNode
}

// Rows are plain elements (a native checkbox, a bare button): dozens mount on every scroll frame.
const Row = memo(function Row({ style, record, visible, cellStyle, frozenEdge, selected, active, editing, tall, labels, onToggle, onOpen, onActivate, onEdit, renderEditor }: RowProps) {
  const openLabel = labels.open.replace('{{id}}', String(record.id))
  return (
    <div className={`jimu-grid-row${selected ? ' jimu-selected' : ''}`} style={style} role="row" data-testid={`record-row-${record.id}`} aria-selected={selected}>
      <div className="jimu-grid-cell jimu-grid-check" style={{ width: CHECK_WIDTH, minWidth: CHECK_WIDTH, position: 'sticky', left: 0, zIndex: 1 }}>
        <input type="checkbox" className="jimu-check" aria-label={labels.select} checked={selected} onChange={() => onToggle(record.id)} />
        <button type="button" className="jimu-expand" aria-label={openLabel} title={openLabel} onClick={() => onOpen(record)}>
          <IconArrowsDiagonal size={14} />
        </button>
      </div>
      {visible.map((col, index) => {
        const field = col.field
        const renderer = rendererOf(field.type)
        const Cell = renderer.Cell
        const editable = isEditable(field)
        const isEditing = editing === field.apiKey
        const content = (
          <div className={`jimu-cell-content${tall ? ' jimu-cell-wrap' : ''}`} style={{ justifyContent: renderer.numeric ? 'flex-end' : undefined }}>
            {index === 0 ? (
              <span className="jimu-primary" onClick={() => onOpen(record)} role="link">
                <Cell field={field} value={record.fields[field.apiKey] ?? null} />
              </span>
            ) : (
              <Cell field={field} value={record.fields[field.apiKey] ?? null} />
            )}
          </div>
        )
        return (
          <div
            key={field.apiKey}
            role="gridcell"
            className={`jimu-grid-cell${active === field.apiKey ? ' jimu-active' : ''}${index === frozenEdge ? ' jimu-frozen-edge' : ''}`}
            style={cellStyle(index, renderer.numeric ? { fontVariantNumeric: 'tabular-nums' } : undefined)}
            data-field={field.apiKey}
            tabIndex={-1}
            onClick={() => onActivate({ id: record.id, field: field.apiKey })}
            onDoubleClick={() => editable && onEdit({ id: record.id, field: field.apiKey })}
          >
            {isEditing ? renderEditor(record, field, content) : content}
          </div>
        )
      })}
      <div className="jimu-grid-filler" />
    </div>
  )
}, sameRow)

/** Rows re-render on scroll only when what they show changed (their callbacks read fresh state). */
function sameRow(a: RowProps, b: RowProps): boolean {
  return (
    a.record === b.record &&
    a.visible === b.visible &&
    a.selected === b.selected &&
    a.active === b.active &&
    a.editing === b.editing &&
    a.tall === b.tall &&
    a.labels === b.labels &&
    a.frozenEdge === b.frozenEdge &&
    a.style.transform === b.style.transform &&
    a.style.height === b.style.height
  )
}

interface GroupHeaderProps {
  style: CSSProperties
  seg: Segment
  field: FieldDto
  visible: Column[]
  cellStyle(index: number, extra?: CSSProperties): CSSProperties
  collapsed: boolean
  onToggle(): void
}

function GroupHeader({ style, seg, field, visible, cellStyle, collapsed, onToggle }: GroupHeaderProps) {
  const { t } = useTranslation()
  const Cell = rendererOf(field.type).Cell
  const empty = seg.value === null || seg.value === undefined || seg.value === ''
  return (
    <div className="jimu-grid-row jimu-group-row" style={style} role="row" data-testid="group-header">
      <div className="jimu-grid-cell jimu-group-label" style={{ position: 'sticky', left: 0, zIndex: 1, minWidth: CHECK_WIDTH + (visible[0]?.width ?? 0) }}>
        <UnstyledButton onClick={onToggle} aria-expanded={!collapsed}>
          <Group gap={8} wrap="nowrap">
            {collapsed ? <IconChevronRight size={15} /> : <IconChevronDown size={15} />}
            <Text size="xs" c="dimmed">
              {field.label}
            </Text>
            {empty ? (
              <Text size="sm" c="dimmed" fw={600}>
                {t('views.group.empty')}
              </Text>
            ) : (
              <Text span size="sm" fw={600}>
                <Cell field={field} value={seg.value} />
              </Text>
            )}
            <Badge size="sm" variant="light" color="gray" radius="sm" data-testid="group-count">
              {seg.count ?? 0}
            </Badge>
          </Group>
        </UnstyledButton>
      </div>
      {visible.slice(1).map((col, i) => {
        const sum = seg.sums?.[col.field.apiKey]
        const FieldCell = rendererOf(col.field.type).Cell
        return (
          <div key={col.field.apiKey} className="jimu-grid-cell" style={{ ...cellStyle(i + 1), position: undefined, justifyContent: 'flex-end' }}>
            {sum !== undefined && sum !== null && (
              <Text size="xs" fw={600} c="dimmed" style={{ fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' }} data-testid={`group-sum-${col.field.apiKey}`}>
                {t('records.sum')} <FieldCell field={col.field} value={sum} />
              </Text>
            )}
          </div>
        )
      })}
      <div className="jimu-grid-filler" />
    </div>
  )
}
