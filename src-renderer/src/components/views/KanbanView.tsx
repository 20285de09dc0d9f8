import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react'
import { Badge, Box, Button, ColorSwatch, Group, Loader, MultiSelect, Paper, Popover, ScrollArea, Select, Stack, Text, UnstyledButton } from '@mantine/core'
import { IconAdjustmentsHorizontal, IconLayoutKanban } from '@tabler/icons-react'
import { DndContext, DragOverlay, PointerSensor, useDraggable, useDroppable, useSensor, useSensors, type DragEndEvent, type DragStartEvent } from '@dnd-kit/core'
import { useTranslation } from 'react-i18next'
import type { FieldDto, FilterNode, FormDto, RecordDto, ViewConfig } from '@shared/api/contracts'
import { api, errorMessage } from '../../api/client'
import { rendererOf } from '../../fields/registry'
import { optionColor, optionsOf } from '../../fields/select'
import { notifyError, notifySuccess } from '../../lib/notify'
import { mayChangeField, useFormAccess } from '../../lib/form-access'
import { savedOutOfScope } from '../records/saved'
import { andFilter, groupCondition, kanbanFields } from './config'
import { isSummable } from './field-kinds'
import { ViewEmpty } from './ViewEmpty'
import { useStageChange } from '../documents/StageChange'
import './views.css'

// Records as cards in one column per option of a single-select field (销售阶段), plus 未分类.
// Dragging a card to another column changes that field: shown at once, undone if the core
// refuses, with its reason.

const COLUMN_PAGE = 25
const UNSET = '\u0000unset'

interface ColumnState {
  records: RecordDto[]
  cursor: string | null
  done: boolean
  loading: boolean
  count: number
  sum: number | null
  failure?: string
}

interface Props {
  form: FormDto
  fields: FieldDto[]
  config: ViewConfig
  filter: FilterNode | undefined
  search: string
  reloadTick: number
  onOpen(record: RecordDto): void
  onTotal(total: number | null): void
  /** Goes to the form designer (shown when the form has no single-select field). */
  designAction?: ReactNode
}

export function kanbanSetup(fields: FieldDto[], config: ViewConfig) {
  const candidates = kanbanFields(fields)
  const field = candidates.find((f) => f.apiKey === config.kanbanField) ?? candidates[0] ?? null
  const sumField = fields.find((f) => f.apiKey === config.sumField && isSummable(f)) ?? null
  const cardFields = config.cardFields.length
    ? config.cardFields.map((k) => fields.find((f) => f.apiKey === k)).filter((f): f is FieldDto => f !== undefined)
    : fields.filter((f) => f !== fields[0] && f.apiKey !== field?.apiKey && f.type !== 'subtable' && f.type !== 'textarea').slice(0, 3)
  return { candidates, field, sumField, cardFields }
}

export function KanbanView({ form, fields, config, filter, search, reloadTick, onOpen, onTotal, designAction }: Props) {
  const { t } = useTranslation()
  const { field, sumField, cardFields } = kanbanSetup(fields, config)
  const titleField = fields[0]
  const lanes = useMemo(() => (field ? [...optionsOf(field).map((o) => o.label), UNSET] : []), [field])
  const [columns, setColumns] = useState<Record<string, ColumnState>>({})
  const [dragging, setDragging] = useState<RecordDto | null>(null)
  // Cards move between lanes only for someone who may change the lane field.
  const access = useFormAccess(form.id)
  const movable = mayChangeField(access, field?.apiKey)
  const columnsRef = useRef(columns)
  columnsRef.current = columns
  // A lane that asks for more (输单 → 输单原因) opens a dialog first; cancelling leaves the card where it was.
  const stage = useStageChange(form)
  const queryKey = JSON.stringify({ f: field?.apiKey, s: sumField?.apiKey, filter, search, sort: config.sort, reloadTick, lanes })
  const keyRef = useRef(queryKey)
  keyRef.current = queryKey

  const laneFilter = useCallback((lane: string) => (field ? andFilter(filter, groupCondition(field, lane === UNSET ? null : lane)) : filter), [field, filter])

  const refreshCounts = useCallback(async () => {
    if (!field) return
    const key = keyRef.current
    try {
      const r = await api.records.count({ form: form.id, filter, search: search || undefined, groupBy: field.apiKey, sums: sumField ? [sumField.apiKey] : undefined })
      if (keyRef.current !== key) return
      onTotal(r.total)
      setColumns((prev) => {
        const next = { ...prev }
        for (const lane of lanes) {
          const g = r.groups?.find((x) => (lane === UNSET ? x.value === null || x.value === '' : x.value === lane))
          const col = next[lane]
          if (col) next[lane] = { ...col, count: g?.count ?? 0, sum: sumField ? (g?.sums?.[sumField.apiKey] ?? null) : null }
        }
        return next
      })
    } catch (error) {
      notifyError(error)
    }
  }, [field, filter, search, sumField, lanes, form.id, onTotal])

  const loadLane = useCallback(
    async (lane: string, cursor: string | null) => {
      const key = keyRef.current
      setColumns((prev) => ({ ...prev, [lane]: { ...(prev[lane] ?? { records: [], cursor: null, done: false, count: 0, sum: null }), loading: true } }))
      try {
        const page = await api.records.list({ form: form.id, filter: laneFilter(lane), search: search || undefined, sort: config.sort.length ? config.sort : undefined, limit: COLUMN_PAGE, cursor: cursor ?? undefined })
        if (keyRef.current !== key) return
        setColumns((prev) => {
          const col = prev[lane]!
          return { ...prev, [lane]: { ...col, records: cursor ? [...col.records, ...page.records] : page.records, cursor: page.nextCursor, done: page.nextCursor === null, loading: false } }
        })
      } catch (error) {
        if (keyRef.current !== key) return
        setColumns((prev) => ({ ...prev, [lane]: { ...prev[lane]!, loading: false, failure: errorMessage(error) } }))
      }
    },
    [form.id, laneFilter, search, config.sort]
  )

  useEffect(() => {
    if (!field) return
    setColumns(Object.fromEntries(lanes.map((lane) => [lane, { records: [], cursor: null, done: false, loading: true, count: 0, sum: null }])))
    // Cards first: the server answers in order, and counting every record takes longer.
    for (const lane of lanes) void loadLane(lane, null)
    void refreshCounts()
    // eslint-disable-next-line react-hooks/exhaustive-deps -- queryKey covers every input
  }, [queryKey])

  const sensors = useSensors(useSensor(PointerSensor, { activationConstraint: { distance: 6 } }))

  const move = async (record: RecordDto, from: string, to: string, asked?: Record<string, unknown>) => {
    if (!field || from === to) return
    const extra = asked ?? (await stage.ask(record, field.apiKey, to === UNSET ? null : to, to === UNSET ? t('views.kanban.unset') : to))
    if (extra === null) return
    const before = columnsRef.current
    const amount = sumField ? Number(record.fields[sumField.apiKey] ?? 0) || 0 : 0
    const moved: RecordDto = { ...record, fields: { ...record.fields, [field.apiKey]: to === UNSET ? null : to } }
    const shift = (col: ColumnState, delta: 1 | -1): ColumnState => ({ ...col, count: col.count + delta, sum: sumField ? (col.sum ?? 0) + delta * amount : col.sum })
    setColumns((prev) => ({
      ...prev,
      [from]: { ...shift(prev[from]!, -1), records: prev[from]!.records.filter((r) => r.id !== record.id) },
      [to]: { ...shift(prev[to]!, 1), records: [moved, ...prev[to]!.records] }
    }))
    try {
      const saved = await api.records.update({ form: form.id, id: record.id, fields: { ...extra, [field.apiKey]: to === UNSET ? null : to } })
      if (savedOutOfScope(saved)) {
        // Moved, and out of the user's sight now (a rule assigned it away): the card leaves the board.
        notifySuccess(saved.message)
        setColumns((prev) => ({ ...prev, [to]: { ...shift(prev[to]!, -1), records: prev[to]!.records.filter((r) => r.id !== saved.id) } }))
      } else {
        setColumns((prev) => ({ ...prev, [to]: { ...prev[to]!, records: prev[to]!.records.map((r) => (r.id === saved.id ? saved : r)) } }))
      }
      void refreshCounts()
    } catch (error) {
      setColumns(before)
      // Refused for a field the user can fill here (a form rule of the stage): ask for it, then try again.
      const more = await stage.askAfter(error, record, field.apiKey, to === UNSET ? t('views.kanban.unset') : to, extra)
      if (more) return move(record, from, to, more)
      if (more === undefined) notifyError(error, t('views.kanban.moveFailed', { title: cardTitle(record) }))
    }
  }

  const cardTitle = (record: RecordDto) => (titleField ? rendererOf(titleField.type).text(record.fields[titleField.apiKey] ?? null, titleField) : '') || `#${record.id}`

  const onDragStart = (e: DragStartEvent) => setDragging((e.active.data.current as { record: RecordDto }).record)
  const onDragEnd = (e: DragEndEvent) => {
    setDragging(null)
    const data = e.active.data.current as { record: RecordDto; lane: string }
    if (e.over) void move(data.record, data.lane, String(e.over.id))
  }

  if (!field) {
    return <ViewEmpty icon={<IconLayoutKanban size={30} />} title={t('views.kanban.noFieldTitle')} body={t('views.kanban.noFieldBody')} action={designAction} />
  }

  const SumCell = sumField ? rendererOf(sumField.type).Cell : null
  return (
    <>
    {stage.dialog}
    <DndContext sensors={sensors} onDragStart={onDragStart} onDragEnd={onDragEnd} onDragCancel={() => setDragging(null)}>
      <ScrollArea type="auto" style={{ flex: 1, minHeight: 0 }} offsetScrollbars data-testid="kanban">
        <Group align="flex-start" gap="md" wrap="nowrap" pb="sm" style={{ height: '100%' }}>
          {lanes.map((lane) => {
            const col = columns[lane]
            const unset = lane === UNSET
            const color = unset ? 'gray' : optionColor(field, lane)
            return (
              <Lane key={lane} id={lane}>
                <Group justify="space-between" wrap="nowrap" px="sm" pt="sm" pb={6} data-testid="kanban-column-header">
                  <Group gap={8} wrap="nowrap" style={{ minWidth: 0 }}>
                    <ColorSwatch size={10} color={`var(--mantine-color-${color}-5)`} withShadow={false} />
                    <Text size="sm" fw={600} truncate>
                      {unset ? t('views.kanban.unset') : lane}
                    </Text>
                    <Badge size="sm" variant="light" color={color} radius="sm" data-testid="kanban-count">
                      {col?.count ?? 0}
                    </Badge>
                  </Group>
                  {sumField && SumCell && (
                    <Text size="xs" c="dimmed" fw={600} style={{ whiteSpace: 'nowrap', fontVariantNumeric: 'tabular-nums' }} data-testid="kanban-sum">
                      {col?.sum !== null && col?.sum !== undefined ? <SumCell field={sumField} value={col.sum} /> : '—'}
                    </Text>
                  )}
                </Group>
                <Box h={3} mx="sm" mb={6} style={{ borderRadius: 2, background: `var(--mantine-color-${color}-4)` }} />
                <ScrollArea.Autosize mah="calc(100dvh - 330px)" type="auto" offsetScrollbars="y">
                  <Stack gap={8} px="sm" pb="sm" data-testid={`kanban-column-${unset ? 'unset' : lane}`}>
                    {col?.records.map((record) => (
                      <DraggableCard key={record.id} record={record} lane={lane} disabled={!movable}>
                        <Card record={record} title={cardTitle(record)} fields={cardFields} onOpen={onOpen} />
                      </DraggableCard>
                    ))}
                    {col && col.records.length === 0 && !col.loading && (
                      <Text size="xs" c="dimmed" ta="center" py="md" style={{ border: '1px dashed var(--jimu-border)', borderRadius: 8 }}>
                        {t('views.kanban.dropHere')}
                      </Text>
                    )}
                    {col?.failure && (
                      <Text size="xs" c="red">
                        {col.failure}
                      </Text>
                    )}
                    {col?.loading && (
                      <Group justify="center" py="xs">
                        <Loader size="xs" />
                      </Group>
                    )}
                    {col && !col.done && !col.loading && (
                      <Button variant="subtle" size="compact-xs" color="gray" onClick={() => void loadLane(lane, col.cursor)}>
                        {col.count > col.records.length ? t('views.kanban.more', { count: col.count - col.records.length }) : t('views.kanban.loadMore')}
                      </Button>
                    )}
                  </Stack>
                </ScrollArea.Autosize>
              </Lane>
            )
          })}
        </Group>
      </ScrollArea>
      <DragOverlay dropAnimation={null}>{dragging ? <Card record={dragging} title={cardTitle(dragging)} fields={cardFields} lifted /> : null}</DragOverlay>
    </DndContext>
    </>
  )
}

function Lane({ id, children }: { id: string; children: ReactNode }) {
  const { setNodeRef, isOver } = useDroppable({ id })
  return (
    <Paper
      ref={setNodeRef}
      radius="md"
      w={280}
      data-testid="kanban-lane"
      style={{
        flexShrink: 0,
        background: isOver ? 'var(--mantine-color-indigo-light)' : 'var(--jimu-surface-muted)',
        border: `1px solid ${isOver ? 'var(--mantine-color-indigo-4)' : 'var(--jimu-border)'}`,
        transition: 'background 120ms, border-color 120ms'
      }}
    >
      {children}
    </Paper>
  )
}

function DraggableCard({ record, lane, disabled, children }: { record: RecordDto; lane: string; disabled?: boolean; children: ReactNode }) {
  const { setNodeRef, listeners, attributes, isDragging } = useDraggable({ id: `card-${record.id}`, data: { record, lane }, disabled })
  return (
    <div ref={setNodeRef} {...listeners} {...attributes} style={{ opacity: isDragging ? 0.35 : 1, touchAction: 'none' }} data-testid={`kanban-card-${record.id}`}>
      {children}
    </div>
  )
}

function Card({ record, title, fields, onOpen, lifted }: { record: RecordDto; title: string; fields: FieldDto[]; onOpen?(record: RecordDto): void; lifted?: boolean }) {
  return (
    <Paper
      withBorder
      radius="md"
      p="sm"
      shadow={lifted ? 'lg' : 'xs'}
      className="jimu-kanban-card"
      style={{ cursor: lifted ? 'grabbing' : 'grab', transform: lifted ? 'rotate(2deg)' : undefined, background: 'var(--mantine-color-body)' }}
    >
      <UnstyledButton onClick={() => onOpen?.(record)} w="100%" style={{ textAlign: 'left' }}>
        <Text size="sm" fw={600} lineClamp={2} mb={fields.length ? 6 : 0}>
          {title}
        </Text>
      </UnstyledButton>
      <Stack gap={4}>
        {fields.map((f) => {
          const value = record.fields[f.apiKey] ?? (f.id < 0 ? (record as unknown as Record<string, unknown>)[f.apiKey] : null) ?? null
          if (rendererOf(f.type).isEmpty(value)) return null
          const Cell = rendererOf(f.type).Cell
          return (
            <Group key={f.apiKey} gap={6} wrap="nowrap" align="flex-start">
              <Text size="xs" c="dimmed" w={84} pt={2} style={{ flexShrink: 0 }} truncate>
                {f.label}
              </Text>
              <Box fz="sm" style={{ minWidth: 0, overflow: 'hidden' }}>
                <Cell field={f} value={value} />
              </Box>
            </Group>
          )
        })}
      </Stack>
    </Paper>
  )
}

/** 看板设置: which field makes the columns, what a card shows, which amount is totalled. */
export function KanbanSettings({ fields, config, onConfig }: { fields: FieldDto[]; config: ViewConfig; onConfig(patch: Partial<ViewConfig>): void }) {
  const { t } = useTranslation()
  const { candidates, field, sumField, cardFields } = kanbanSetup(fields, config)
  return (
    <Popover position="bottom-start" withinPortal shadow="md" width={320}>
      <Popover.Target>
        <Button variant="default" leftSection={<IconAdjustmentsHorizontal size={16} />} data-testid="kanban-settings">
          {field ? t('views.kanban.by', { field: field.label }) : t('views.kanban.settings')}
        </Button>
      </Popover.Target>
      <Popover.Dropdown>
        <Stack gap="sm">
          <Select
            label={t('views.kanban.field')}
            description={t('views.kanban.fieldHint')}
            data={candidates.map((f) => ({ value: f.apiKey, label: f.label }))}
            value={field?.apiKey ?? null}
            allowDeselect={false}
            onChange={(v) => onConfig({ kanbanField: v })}
            comboboxProps={{ withinPortal: false }}
          />
          <MultiSelect
            label={t('views.kanban.cardFields')}
            data={fields.slice(1).map((f) => ({ value: f.apiKey, label: f.label }))}
            value={cardFields.map((f) => f.apiKey)}
            maxValues={10}
            onChange={(v) => onConfig({ cardFields: v })}
            comboboxProps={{ withinPortal: false }}
          />
          <Select
            label={t('views.kanban.sumField')}
            placeholder={t('views.kanban.noSum')}
            data={fields.filter(isSummable).map((f) => ({ value: f.apiKey, label: f.label }))}
            value={sumField?.apiKey ?? null}
            clearable
            onChange={(v) => onConfig({ sumField: v })}
            comboboxProps={{ withinPortal: false }}
          />
        </Stack>
      </Popover.Dropdown>
    </Popover>
  )
}
