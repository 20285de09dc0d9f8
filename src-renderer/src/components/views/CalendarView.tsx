import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react'
import { ActionIcon, Badge, Box, Button, Group, Loader, Paper, Popover, SegmentedControl, Select, Stack, Text, Tooltip, UnstyledButton } from '@mantine/core'
import { IconCalendar, IconChevronLeft, IconChevronRight } from '@tabler/icons-react'
import { DndContext, DragOverlay, PointerSensor, useDraggable, useDroppable, useSensor, useSensors, type DragEndEvent, type DragStartEvent } from '@dnd-kit/core'
import dayjs, { type Dayjs } from 'dayjs'
import { useTranslation } from 'react-i18next'
import type { FieldDto, FilterNode, FormDto, RecordDto, ViewConfig } from '@shared/api/contracts'
import { api, errorMessage } from '../../api/client'
import { rendererOf } from '../../fields/registry'
import { optionColor } from '../../fields/select'
import { notifyError, notifySuccess } from '../../lib/notify'
import { mayChangeField, useFormAccess } from '../../lib/form-access'
import { savedOutOfScope } from '../records/saved'
import { andFilter, calendarFields, kanbanFields } from './config'
import { ViewEmpty } from './ViewEmpty'
import './views.css'

// Records placed on the days of a date or datetime field, a month or a week at a time. Dragging
// a record to another day reschedules it (a datetime keeps its time of day).

const LIMIT = 500
const MONTH_VISIBLE = 3
const DAY = 'YYYY-MM-DD'

interface Props {
  form: FormDto
  fields: FieldDto[]
  config: ViewConfig
  onConfig(patch: Partial<ViewConfig>): void
  filter: FilterNode | undefined
  search: string
  reloadTick: number
  onOpen(record: RecordDto): void
  onTotal(total: number | null): void
  designAction?: ReactNode
}

/** Weeks start on Monday, as calendars in China do. */
const startOfWeek = (d: Dayjs) => d.startOf('day').subtract((d.day() + 6) % 7, 'day')

function dayOf(field: FieldDto, value: unknown): string | null {
  if (typeof value !== 'string' || !value) return null
  if (field.type === 'date') return value.slice(0, 10)
  const d = dayjs(value)
  return d.isValid() ? d.format(DAY) : null
}

/** The value that puts a record on `day`: a date, or the same time of day on that day. */
function moveTo(field: FieldDto, value: unknown, day: string): string {
  if (field.type === 'date') return day
  const old = typeof value === 'string' && dayjs(value).isValid() ? dayjs(value) : dayjs(day).hour(9)
  const target = dayjs(day)
  return old.year(target.year()).month(target.month()).date(target.date()).toISOString()
}

export function CalendarView({ form, fields, config, onConfig, filter, search, reloadTick, onOpen, onTotal, designAction }: Props) {
  const { t } = useTranslation()
  const candidates = calendarFields(fields)
  const field = candidates.find((f) => f.apiKey === config.calendarField) ?? candidates[0] ?? null
  const colorField = kanbanFields(fields)[0] ?? null
  const titleField = fields[0]
  const mode = config.calendarMode
  // Events move to another day only for someone who may change the date field.
  const access = useFormAccess(form.id)
  const movable = mayChangeField(access, field?.apiKey)
  const [anchor, setAnchor] = useState(() => dayjs().startOf('day'))
  const [records, setRecords] = useState<RecordDto[] | null>(null)
  const [more, setMore] = useState(false)
  const [unscheduled, setUnscheduled] = useState<number | null>(null)
  const [failure, setFailure] = useState<string | null>(null)
  const [dragging, setDragging] = useState<RecordDto | null>(null)
  const recordsRef = useRef(records)
  recordsRef.current = records

  const { start, end } = useMemo(() => {
    if (mode === 'week') {
      const s = startOfWeek(anchor)
      return { start: s, end: s.add(7, 'day') }
    }
    const s = startOfWeek(anchor.startOf('month'))
    return { start: s, end: s.add(42, 'day') }
  }, [anchor, mode])
  const days = useMemo(() => Array.from({ length: end.diff(start, 'day') }, (_, i) => start.add(i, 'day')), [start, end])

  const rangeFilter = useCallback((): FilterNode | null => {
    if (!field) return null
    if (field.type === 'date') return { field: field.apiKey, op: 'between', value: [start.format(DAY), end.subtract(1, 'day').format(DAY)] }
    return { and: [{ field: field.apiKey, op: 'gte', value: start.toISOString() }, { field: field.apiKey, op: 'lt', value: end.toISOString() }] }
  }, [field, start, end])

  const key = JSON.stringify({ f: field?.apiKey, s: start.valueOf(), e: end.valueOf(), filter, search, reloadTick })
  useEffect(() => {
    const range = rangeFilter()
    if (!field || !range) return
    let live = true
    setRecords(null)
    api.records
      .list({ form: form.id, filter: andFilter(filter, range), search: search || undefined, sort: [{ field: field.apiKey, dir: 'asc' }], limit: LIMIT, withTotal: true })
      .then(
        (page) => {
          if (!live) return
          setRecords(page.records)
          setMore(page.nextCursor !== null)
          setFailure(null)
          onTotal(page.total ?? null)
        },
        (error: unknown) => live && setFailure(errorMessage(error))
      )
    api.records.count({ form: form.id, filter: andFilter(filter, { field: field.apiKey, op: 'empty' }), search: search || undefined }).then(
      (r) => live && setUnscheduled(r.total),
      () => live && setUnscheduled(null)
    )
    return () => {
      live = false
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps -- key covers every input
  }, [key])

  const byDay = useMemo(() => {
    const map = new Map<string, RecordDto[]>()
    if (!field) return map
    for (const r of records ?? []) {
      const d = dayOf(field, r.fields[field.apiKey])
      if (!d) continue
      const list = map.get(d)
      if (list) list.push(r)
      else map.set(d, [r])
    }
    return map
  }, [records, field])

  const sensors = useSensors(useSensor(PointerSensor, { activationConstraint: { distance: 6 } }))
  const titleOf = (r: RecordDto) => (titleField ? rendererOf(titleField.type).text(r.fields[titleField.apiKey] ?? null, titleField) : '') || `#${r.id}`

  const reschedule = async (record: RecordDto, day: string) => {
    if (!field || dayOf(field, record.fields[field.apiKey]) === day) return
    const before = recordsRef.current
    const value = moveTo(field, record.fields[field.apiKey], day)
    setRecords((list) => list?.map((r) => (r.id === record.id ? { ...r, fields: { ...r.fields, [field.apiKey]: value } } : r)) ?? list)
    try {
      const saved = await api.records.update({ form: form.id, id: record.id, fields: { [field.apiKey]: value } })
      if (savedOutOfScope(saved)) {
        // Moved, and out of the user's sight now (a rule assigned it away): it leaves the calendar.
        notifySuccess(saved.message)
        setRecords((list) => list?.filter((r) => r.id !== saved.id) ?? list)
      } else {
        setRecords((list) => list?.map((r) => (r.id === saved.id ? saved : r)) ?? list)
      }
    } catch (error) {
      setRecords(before)
      notifyError(error, t('views.calendar.moveFailed', { title: titleOf(record) }))
    }
  }

  const onDragStart = (e: DragStartEvent) => setDragging((e.active.data.current as { record: RecordDto }).record)
  const onDragEnd = (e: DragEndEvent) => {
    setDragging(null)
    if (e.over) void reschedule((e.active.data.current as { record: RecordDto }).record, String(e.over.id))
  }

  if (!field) {
    return <ViewEmpty icon={<IconCalendar size={30} />} title={t('views.calendar.noFieldTitle')} body={t('views.calendar.noFieldBody')} action={designAction} />
  }

  const today = dayjs().format(DAY)
  const title =
    mode === 'month'
      ? anchor.format(t('views.calendar.monthFormat'))
      : `${start.format(t('views.calendar.dayFormat'))} – ${end.subtract(1, 'day').format(t('views.calendar.dayFormat'))}`
  const step = (n: number) => setAnchor((a) => a.add(n, mode === 'month' ? 'month' : 'week'))
  const weekdays = [1, 2, 3, 4, 5, 6, 0].map((d) => t(`views.calendar.weekday.${d}`))

  return (
    <Stack gap="sm" style={{ flex: 1, minHeight: 0 }} data-testid="calendar">
      <Group justify="space-between" wrap="wrap" gap="sm">
        <Group gap="xs" wrap="nowrap">
          <Button variant="default" size="xs" onClick={() => setAnchor(dayjs().startOf('day'))} data-testid="calendar-today">
            {t('views.calendar.today')}
          </Button>
          <ActionIcon variant="default" size="md" onClick={() => step(-1)} aria-label={t('views.calendar.prev')} data-testid="calendar-prev">
            <IconChevronLeft size={16} />
          </ActionIcon>
          <ActionIcon variant="default" size="md" onClick={() => step(1)} aria-label={t('views.calendar.next')} data-testid="calendar-next">
            <IconChevronRight size={16} />
          </ActionIcon>
          <Text fw={700} size="lg" ml={4} data-testid="calendar-title">
            {title}
          </Text>
          {records === null && !failure && <Loader size="xs" ml="xs" />}
        </Group>
        <Group gap="sm" wrap="nowrap">
          {unscheduled !== null && unscheduled > 0 && (
            <Tooltip label={t('views.calendar.unscheduledHint', { field: field.label })} withArrow>
              <Badge variant="light" color="gray" tt="none" fw={500}>
                {t('views.calendar.unscheduled', { count: unscheduled })}
              </Badge>
            </Tooltip>
          )}
          {more && (
            <Badge variant="light" color="orange" tt="none" fw={500}>
              {t('views.calendar.tooMany', { count: LIMIT })}
            </Badge>
          )}
          <SegmentedControl
            size="xs"
            value={mode}
            onChange={(m) => onConfig({ calendarMode: m as 'month' | 'week' })}
            data={[
              { value: 'month', label: t('views.calendar.month') },
              { value: 'week', label: t('views.calendar.week') }
            ]}
            data-testid="calendar-mode"
          />
        </Group>
      </Group>
      {failure && (
        <Text c="red" size="sm">
          {failure}
        </Text>
      )}
      <DndContext sensors={sensors} onDragStart={onDragStart} onDragEnd={onDragEnd} onDragCancel={() => setDragging(null)}>
        <Paper withBorder radius="md" style={{ flex: 1, minHeight: 0, display: 'flex', flexDirection: 'column', overflow: 'hidden' }}>
          <div className="jimu-cal-head">
            {weekdays.map((w, i) => (
              <Text key={w} size="xs" fw={600} c={i >= 5 ? 'dimmed' : undefined} ta="center" py={6}>
                {w}
              </Text>
            ))}
          </div>
          <div className={`jimu-cal-grid jimu-cal-${mode}`} style={{ flex: 1, minHeight: 0 }}>
            {days.map((d) => {
              const iso = d.format(DAY)
              const list = byDay.get(iso) ?? []
              const outside = mode === 'month' && d.month() !== anchor.month()
              // A full day keeps a line for 还有 N 条 inside its cell: one chip fewer when it overflows.
              const limit = mode === 'month' && list.length > MONTH_VISIBLE ? MONTH_VISIBLE - 1 : list.length
              return (
                <DayCell key={iso} iso={iso} outside={outside} today={iso === today} weekend={d.day() === 0 || d.day() === 6} label={d.date() === 1 && mode === 'month' ? d.format(t('views.calendar.monthDayFormat')) : String(d.date())}>
                  {list.slice(0, limit).map((r) => (
                    <Chip key={r.id} record={r} title={titleOf(r)} color={colorField ? optionColor(colorField, String(r.fields[colorField.apiKey] ?? '')) : 'indigo'} time={field.type === 'datetime' ? dayjs(String(r.fields[field.apiKey])).format('HH:mm') : null} onOpen={onOpen} static={!movable} />
                  ))}
                  {list.length > limit && (
                    <Popover withinPortal shadow="md" width={240} position="bottom">
                      <Popover.Target>
                        <UnstyledButton fz="xs" c="dimmed" px={6} data-testid="calendar-more">
                          {t('views.calendar.more', { count: list.length - limit })}
                        </UnstyledButton>
                      </Popover.Target>
                      <Popover.Dropdown>
                        <Text size="xs" fw={600} mb={6}>
                          {d.format(t('views.calendar.dayFormat'))}
                        </Text>
                        <Stack gap={4}>
                          {list.map((r) => (
                            <Chip key={r.id} record={r} title={titleOf(r)} color={colorField ? optionColor(colorField, String(r.fields[colorField.apiKey] ?? '')) : 'indigo'} time={null} onOpen={onOpen} static />
                          ))}
                        </Stack>
                      </Popover.Dropdown>
                    </Popover>
                  )}
                </DayCell>
              )
            })}
          </div>
        </Paper>
        <DragOverlay dropAnimation={null}>{dragging ? <ChipBody title={titleOf(dragging)} color="indigo" time={null} lifted /> : null}</DragOverlay>
      </DndContext>
    </Stack>
  )
}

function DayCell({ iso, outside, today, weekend, label, children }: { iso: string; outside: boolean; today: boolean; weekend: boolean; label: string; children: ReactNode }) {
  const { setNodeRef, isOver } = useDroppable({ id: iso })
  return (
    <div
      ref={setNodeRef}
      className={`jimu-cal-day${outside ? ' jimu-cal-outside' : ''}${weekend ? ' jimu-cal-weekend' : ''}${isOver ? ' jimu-cal-over' : ''}`}
      data-testid={`calendar-day-${iso}`}
    >
      <Group justify="flex-end" px={6} pt={4} pb={2}>
        <Text size="xs" fw={today ? 700 : 500} className={today ? 'jimu-cal-today' : undefined} c={outside ? 'dimmed' : undefined}>
          {label}
        </Text>
      </Group>
      <Stack gap={3} px={4} pb={4}>
        {children}
      </Stack>
    </div>
  )
}

function ChipBody({ title, color, time, lifted }: { title: string; color: string; time: string | null; lifted?: boolean }) {
  return (
    <Box
      className="jimu-cal-chip"
      style={{
        borderLeft: `3px solid var(--mantine-color-${color}-5)`,
        background: `var(--mantine-color-${color}-light)`,
        boxShadow: lifted ? 'var(--mantine-shadow-md)' : undefined,
        cursor: lifted ? 'grabbing' : undefined,
        minWidth: lifted ? 140 : undefined
      }}
    >
      <Text size="xs" truncate fw={500}>
        {time && (
          <Text span size="xs" c="dimmed" mr={4}>
            {time}
          </Text>
        )}
        {title}
      </Text>
    </Box>
  )
}

function Chip({ record, title, color, time, onOpen, static: fixed }: { record: RecordDto; title: string; color: string; time: string | null; onOpen(record: RecordDto): void; static?: boolean }) {
  const { setNodeRef, listeners, attributes, isDragging } = useDraggable({ id: `event-${record.id}${fixed ? '-list' : ''}`, data: { record }, disabled: fixed })
  return (
    <div
      ref={setNodeRef}
      {...listeners}
      {...attributes}
      role="button"
      onClick={() => onOpen(record)}
      style={{ opacity: isDragging ? 0.35 : 1, touchAction: 'none', cursor: 'pointer' }}
      data-testid={`calendar-event-${record.id}`}
    >
      <ChipBody title={title} color={color} time={time} />
    </div>
  )
}

export function CalendarSettings({ fields, config, onConfig }: { fields: FieldDto[]; config: ViewConfig; onConfig(patch: Partial<ViewConfig>): void }) {
  const { t } = useTranslation()
  const candidates = calendarFields(fields)
  const field = candidates.find((f) => f.apiKey === config.calendarField) ?? candidates[0] ?? null
  if (candidates.length === 0) return null
  return (
    <Select
      w={220}
      leftSection={<IconCalendar size={16} />}
      aria-label={t('views.calendar.field')}
      data={candidates.map((f) => ({ value: f.apiKey, label: t('views.calendar.by', { field: f.label }) }))}
      value={field?.apiKey ?? null}
      allowDeselect={false}
      onChange={(v) => onConfig({ calendarField: v })}
      comboboxProps={{ withinPortal: true }}
      data-testid="calendar-field"
    />
  )
}
