import { useEffect, useMemo, useState } from 'react'
import {
  ActionIcon,
  Badge,
  Box,
  Button,
  Card,
  Divider,
  Drawer,
  Group,
  MultiSelect,
  NumberInput,
  Popover,
  ScrollArea,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  Text,
  TextInput,
  UnstyledButton
} from '@mantine/core'
import {
  IconChartArea,
  IconChartBar,
  IconChartDonut,
  IconChartDots,
  IconChartFunnel,
  IconChartLine,
  IconChartPie,
  IconChartRadar,
  IconFilter,
  IconGauge,
  IconListNumbers,
  IconNumber,
  IconPlus,
  IconTable,
  IconTablePlus,
  IconTrash,
  IconChartBarPopular
} from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import type { FilterNode, FormDto } from '@shared/api/contracts'
import { CHART_TYPES, DATE_BUCKETS, PERIODS, type ChartType, type MeasureSpec, type WidgetDto, type WidgetInput } from '@shared/api/reports'
import { FilterPanel } from '../records/FilterPanel'
import { filterCount, KeepingFilterPanel } from '../designer/KeepingFilterPanel'
import { systemFields } from '../../fields/system'
import { fieldPaths, pathOptions, type FieldPath } from './fields'
import { WidgetCard } from './WidgetCard'

// The widget editor: chart type, data (form, sub-table rows, dimensions, measures incl. filtered
// and calculated ones), filters, sort and top N, with a live preview run by the engine.

const ICONS: Record<ChartType, typeof IconChartBar> = {
  column: IconChartBar,
  bar: IconChartBarPopular,
  line: IconChartLine,
  area: IconChartArea,
  pie: IconChartPie,
  donut: IconChartDonut,
  funnel: IconChartFunnel,
  radar: IconChartRadar,
  scatter: IconChartDots,
  kpi: IconNumber,
  gauge: IconGauge,
  ranking: IconListNumbers,
  pivot: IconTablePlus,
  table: IconTable
}
/** How many dimensions and measures each chart type takes (mirrors src-main/reports/charts). */
export const SHAPES: Record<ChartType, { dims: [number, number]; measures: [number, number] }> = {
  bar: { dims: [1, 2], measures: [1, 6] },
  column: { dims: [1, 2], measures: [1, 6] },
  line: { dims: [1, 2], measures: [1, 6] },
  area: { dims: [1, 2], measures: [1, 6] },
  pie: { dims: [1, 1], measures: [1, 1] },
  donut: { dims: [1, 1], measures: [1, 1] },
  funnel: { dims: [1, 1], measures: [1, 1] },
  radar: { dims: [1, 2], measures: [1, 6] },
  scatter: { dims: [1, 1], measures: [2, 3] },
  kpi: { dims: [0, 0], measures: [1, 1] },
  gauge: { dims: [0, 1], measures: [1, 1] },
  ranking: { dims: [1, 1], measures: [1, 6] },
  pivot: { dims: [1, 2], measures: [1, 6] },
  table: { dims: [0, 0], measures: [0, 0] }
}
const AGGS = ['count', 'distinct', 'sum', 'avg', 'min', 'max', 'ratio'] as const

interface Props {
  opened: boolean
  /** A widget not on the dashboard yet. */
  isNew: boolean
  widget: WidgetDto | null
  forms: FormDto[]
  onClose(): void
  onSave(widget: WidgetInput): void
}

export function WidgetEditor({ opened, isNew, widget, forms, onClose, onSave }: Props) {
  const { t } = useTranslation()
  const [draft, setDraft] = useState<WidgetDto | null>(widget)
  const [preview, setPreview] = useState<WidgetDto | null>(widget)
  useEffect(() => {
    setDraft(widget)
    setPreview(widget)
  }, [widget])
  // The preview follows the draft after a short pause, so typing does not run a query per key.
  useEffect(() => {
    const timer = setTimeout(() => setPreview(draft), 400)
    return () => clearTimeout(timer)
  }, [draft])

  const form = useMemo(() => forms.find((f) => f.id === draft?.query.form || f.apiKey === draft?.query.form) ?? null, [forms, draft?.query.form])
  const paths = useMemo(() => (form ? fieldPaths(form, forms, t, draft?.query.source) : []), [form, forms, t, draft?.query.source])
  const filterFields = useMemo(() => (form ? [...form.fields.filter((f) => f.deletedAt === null && f.parentFieldId === null), ...systemFields(form.id, t).filter((f) => f.apiKey !== 'id')] : []), [form, t])
  if (!draft) return null
  const q = draft.query
  const shape = SHAPES[draft.type]
  const set = (patch: Partial<WidgetDto>) => setDraft({ ...draft, ...patch })
  const setQuery = (patch: Partial<WidgetDto['query']>) => setDraft({ ...draft, query: { ...q, ...patch } })
  const pathOf = (p: string) => paths.find((x) => x.path === p)

  const changeType = (type: ChartType) => {
    const s = SHAPES[type]
    let dimensions = q.dimensions.slice(0, s.dims[1])
    if (dimensions.length < s.dims[0]) {
      const first = paths.find((p) => p.kind === 'select') ?? paths.find((p) => p.kind === 'member')
      if (first) dimensions = [...dimensions, { field: first.path }]
    }
    let measures = q.measures.slice(0, s.measures[1])
    while (measures.length < s.measures[0]) measures = [...measures, measures.length === 0 ? { agg: 'count' } : { agg: 'sum', field: paths.find((p) => p.kind === 'number')?.path }]
    // A new KPI counts all time: 本月 by creation date reads 0 for imported history a month later.
    const period = type === 'kpi' && isNew && !q.period ? 'all' : q.period
    setDraft({ ...draft, type, query: { ...q, dimensions, measures: type === 'table' ? [] : measures, period } })
  }
  const changeForm = (id: number) => {
    const next = forms.find((f) => f.id === id)!
    const first = fieldPaths(next, forms, t).find((p) => p.kind === 'select')
    setDraft({ ...draft, query: { form: id, dimensions: shape.dims[0] > 0 && first ? [{ field: first.path }] : [], measures: shape.measures[0] > 0 ? [{ agg: 'count' }] : [] } })
  }

  const dimensionOptions = pathOptions(paths, (p) => p.kind !== 'relation' || !p.path.includes('.'))
  const numberOptions = pathOptions(paths, (p) => p.kind === 'number')
  const anyOptions = pathOptions(paths, (p) => !p.multiple)
  const dateOptions = pathOptions(paths, (p) => p.kind === 'date')
  const subtables = form?.fields.filter((f) => f.type === 'subtable' && f.deletedAt === null) ?? []
  const targetForms = forms.filter((f) => f.fields.some((x) => x.apiKey === 'month') && f.fields.some((x) => x.apiKey === 'amount'))

  const measureRow = (m: MeasureSpec, i: number) => {
    const update = (next: MeasureSpec) => setQuery({ measures: q.measures.map((x, j) => (j === i ? next : x)) })
    const needsField = m.agg !== 'count' && m.agg !== 'ratio'
    return (
      <Card key={i} withBorder padding="xs" radius="sm">
        <Stack gap={6}>
          <Group gap="xs" wrap="nowrap" align="flex-end">
            <Select
              label={i === 0 ? t('reports.editor.aggregate') : undefined}
              w={130}
              data={AGGS.map((a) => ({ value: a, label: t(`reports.editor.agg.${a}`) }))}
              value={m.agg}
              allowDeselect={false}
              onChange={(v) => {
                const agg = (v ?? 'count') as (typeof AGGS)[number]
                if (agg === 'ratio') update({ agg: 'ratio', label: m.label, numerator: { agg: 'count' }, denominator: { agg: 'count' } })
                else update({ agg, label: m.label, field: agg === 'count' ? undefined : (m.agg !== 'ratio' ? m.field : undefined) ?? (agg === 'distinct' ? paths[0]?.path : paths.find((p) => p.kind === 'number')?.path) })
              }}
              data-testid={`measure-agg-${i}`}
            />
            {needsField && (
              <Select
                label={i === 0 ? t('reports.editor.field') : undefined}
                style={{ flex: 1 }}
                searchable
                data={m.agg === 'distinct' ? anyOptions : numberOptions}
                value={'field' in m ? m.field ?? null : null}
                allowDeselect={false}
                onChange={(v) => update({ ...m, field: v ?? undefined } as MeasureSpec)}
                data-testid={`measure-field-${i}`}
              />
            )}
            {m.agg === 'count' && <Text size="sm" c="dimmed" style={{ flex: 1 }} pb={6}>{t('reports.editor.countRecords')}</Text>}
            {m.agg === 'ratio' && <Text size="sm" c="dimmed" style={{ flex: 1 }} pb={6}>{t('reports.editor.ratioHint')}</Text>}
            {m.agg !== 'ratio' && (
              <MeasureFilter fields={filterFields} value={m.filter} onChange={(filter) => update({ ...m, filter })} label={t('reports.editor.measureFilter')} />
            )}
            <ActionIcon variant="subtle" color="gray" mb={4} onClick={() => setQuery({ measures: q.measures.filter((_, j) => j !== i) })} disabled={q.measures.length <= shape.measures[0]} aria-label={t('reports.editor.removeMeasure')}>
              <IconTrash size={14} />
            </ActionIcon>
          </Group>
          {m.agg === 'ratio' && (
            <Stack gap={4} pl="xs">
              {(['numerator', 'denominator'] as const).map((part) => (
                <Group key={part} gap="xs" wrap="nowrap">
                  <Text size="xs" w={48} c="dimmed">{t(`reports.editor.${part}`)}</Text>
                  <Text size="sm" style={{ flex: 1 }}>{t('reports.editor.agg.count')}</Text>
                  <MeasureFilter fields={filterFields} value={m[part].filter} onChange={(filter) => update({ ...m, [part]: { ...m[part], filter } })} label={t('reports.editor.measureFilter')} testId={`ratio-${part}-${i}`} />
                </Group>
              ))}
            </Stack>
          )}
          <TextInput size="xs" placeholder={t('reports.editor.measureLabel')} value={m.label ?? ''} onChange={(e) => update({ ...m, label: e.currentTarget.value || undefined })} />
        </Stack>
      </Card>
    )
  }

  return (
    <Drawer opened={opened} onClose={onClose} position="right" size={720} title={<Text fw={600}>{isNew ? t('reports.editor.newTitle') : t('reports.editor.editTitle')}</Text>} scrollAreaComponent={ScrollArea.Autosize} data-testid="widget-editor">
      <Stack gap="md">
        <Box h={260}>
          {preview && preview.query.form ? (
            <WidgetCard widget={{ ...preview, key: `${preview.key}-preview` }} filters={{}} refreshTick={0} editing={false} canEdit={false} selected={null} onPoint={() => undefined} onRecord={() => undefined} onEdit={() => undefined} onRemove={() => undefined} />
          ) : null}
        </Box>
        <TextInput label={t('reports.editor.title')} value={draft.title} onChange={(e) => set({ title: e.currentTarget.value })} required data-testid="widget-title" />
        <div>
          <Text size="sm" fw={500} mb={6}>{t('reports.editor.chartType')}</Text>
          <SimpleGrid cols={7} spacing={6}>
            {CHART_TYPES.map((type) => {
              const Icon = ICONS[type]
              const active = draft.type === type
              return (
                <UnstyledButton key={type} onClick={() => changeType(type)} data-testid={`chart-type-${type}`} aria-pressed={active}
                  style={{ border: `1px solid ${active ? 'var(--mantine-primary-color-filled)' : 'var(--mantine-color-default-border)'}`, background: active ? 'var(--mantine-primary-color-light)' : undefined, borderRadius: 8, padding: '8px 4px', textAlign: 'center' }}>
                  <Icon size={20} stroke={1.6} color={active ? 'var(--mantine-primary-color-filled)' : 'var(--mantine-color-dimmed)'} />
                  <Text size="xs" mt={2}>{t(`reports.chart.${type}`)}</Text>
                </UnstyledButton>
              )
            })}
          </SimpleGrid>
        </div>
        <Divider label={t('reports.editor.data')} labelPosition="left" />
        <Group grow align="flex-start">
          <Select label={t('reports.editor.form')} searchable data={forms.map((f) => ({ value: String(f.id), label: f.label }))} value={form ? String(form.id) : null} onChange={(v) => v && changeForm(Number(v))} allowDeselect={false} data-testid="widget-form" />
          {subtables.length > 0 && (
            <Select label={t('reports.editor.source')} clearable placeholder={t('reports.editor.sourceRecords')} data={subtables.map((f) => ({ value: f.apiKey, label: f.label }))} value={q.source ?? null} onChange={(v) => setQuery({ source: v ?? undefined })} />
          )}
        </Group>
        {draft.type === 'table' ? (
          <MultiSelect label={t('reports.editor.columns')} searchable data={anyOptions} value={q.columns ?? []} onChange={(columns) => setQuery({ columns })} />
        ) : (
          <>
            {shape.dims[1] > 0 && (
              <Stack gap={6}>
                <Text size="sm" fw={500}>{t('reports.editor.dimensions')}</Text>
                {q.dimensions.map((d, i) => {
                  const p: FieldPath | undefined = pathOf(d.field)
                  const update = (patch: Partial<typeof d>) => setQuery({ dimensions: q.dimensions.map((x, j) => (j === i ? { ...x, ...patch } : x)) })
                  return (
                    <Group key={i} gap="xs" wrap="nowrap" align="flex-end">
                      <Badge variant="light" color="gray" mb={8}>{i === 0 ? t('reports.editor.dimRows') : t('reports.editor.dimSeries')}</Badge>
                      <Select style={{ flex: 1 }} searchable data={dimensionOptions} value={d.field} allowDeselect={false} onChange={(v) => v && update({ field: v, bucket: undefined, ranges: undefined })} data-testid={`dimension-${i}`} />
                      {p?.kind === 'date' && (
                        <Select w={110} data={DATE_BUCKETS.map((b) => ({ value: b, label: t(`reports.editor.bucket.${b}`) }))} value={d.bucket ?? 'month'} allowDeselect={false} onChange={(v) => update({ bucket: (v ?? 'month') as typeof d.bucket })} data-testid={`bucket-${i}`} />
                      )}
                      {p?.kind === 'number' && (
                        <TextInput w={170} placeholder={t('reports.editor.rangesPlaceholder')} defaultValue={d.ranges?.join(', ') ?? ''}
                          onBlur={(e) => {
                            const ranges = e.currentTarget.value.split(/[,，\s]+/).filter(Boolean).map(Number).filter((n) => Number.isFinite(n))
                            update({ ranges: ranges.length ? ranges : undefined })
                          }} />
                      )}
                      <ActionIcon variant="subtle" color="gray" mb={4} onClick={() => setQuery({ dimensions: q.dimensions.filter((_, j) => j !== i) })} disabled={q.dimensions.length <= shape.dims[0]} aria-label={t('reports.editor.removeDimension')}>
                        <IconTrash size={14} />
                      </ActionIcon>
                    </Group>
                  )
                })}
                {q.dimensions.length < shape.dims[1] && (
                  <Button variant="subtle" size="xs" leftSection={<IconPlus size={14} />} w="fit-content" onClick={() => setQuery({ dimensions: [...q.dimensions, { field: paths.find((p) => p.kind === 'select')?.path ?? 'owner' }] })}>
                    {q.dimensions.length === 0 ? t('reports.editor.addDimension') : t('reports.editor.addSeries')}
                  </Button>
                )}
              </Stack>
            )}
            <Stack gap={6}>
              <Text size="sm" fw={500}>{t('reports.editor.measures')}</Text>
              {q.measures.map(measureRow)}
              {q.measures.length < shape.measures[1] && (
                <Button variant="subtle" size="xs" leftSection={<IconPlus size={14} />} w="fit-content" onClick={() => setQuery({ measures: [...q.measures, { agg: 'count' }] })} data-testid="add-measure">
                  {t('reports.editor.addMeasure')}
                </Button>
              )}
            </Stack>
          </>
        )}
        <Divider label={t('reports.editor.filtersAndSort')} labelPosition="left" />
        <WidgetFilter key={draft.key} fields={filterFields} value={q.filter} onChange={(filter) => setQuery({ filter })} />
        <Group grow align="flex-start">
          <Select label={t('reports.editor.dateField')} description={t('reports.editor.dateFieldHint')} data={dateOptions} value={q.dateField ?? 'createdAt'} allowDeselect={false} onChange={(v) => setQuery({ dateField: v ?? undefined })} data-testid="widget-date-field" />
          {draft.type !== 'table' && (
            // Unset, a KPI shows 本月 and another widget every date: shown as such, stored only when picked.
            <Select label={t('reports.editor.period')} description={t('reports.editor.periodHint')} data={PERIODS.map((p) => ({ value: p, label: t(`reports.period.${p}`) }))} value={q.period ?? (draft.type === 'kpi' ? 'thisMonth' : 'all')} allowDeselect={false} onChange={(v) => v && setQuery({ period: v as typeof q.period })} data-testid="widget-period" />
          )}
        </Group>
        {draft.type !== 'kpi' && (
          <Group grow align="flex-start">
            <Select
              label={t('reports.editor.sort')}
              data={[
                { value: '', label: t('reports.editor.sortDefault') },
                ...q.measures.flatMap((m, i) => {
                  const field = 'field' in m && m.field ? pathOf(m.field)?.label : undefined
                  const name = m.label ?? (field ? `${field}（${t(`reports.editor.agg.${m.agg}`)}）` : t(`reports.editor.agg.${m.agg}`) + (i ? ` ${i + 1}` : ''))
                  return [
                    { value: `m${i}:desc`, label: t('reports.editor.sortMeasureDesc', { name }) },
                    { value: `m${i}:asc`, label: t('reports.editor.sortMeasureAsc', { name }) }
                  ]
                }),
                ...(draft.type === 'table' ? (q.columns ?? []) : q.dimensions.map((d) => d.field)).flatMap((f, i) => [
                  { value: `d${i}:asc`, label: t('reports.editor.sortDimAsc', { name: pathOf(f)?.label ?? f }) },
                  { value: `d${i}:desc`, label: t('reports.editor.sortDimDesc', { name: pathOf(f)?.label ?? f }) }
                ])
              ]}
              value={q.sort ? `${q.sort.by}:${q.sort.dir}` : ''}
              allowDeselect={false}
              onChange={(v) => {
                if (!v) return setQuery({ sort: undefined })
                const [by, dir] = v.split(':') as [string, 'asc' | 'desc']
                setQuery({ sort: { by, dir } })
              }}
              data-testid="widget-sort"
            />
            <NumberInput label={t('reports.editor.limit')} placeholder={t('reports.editor.limitAll')} min={1} max={1000} value={q.limit ?? ''} onChange={(v) => setQuery({ limit: typeof v === 'number' && v > 0 ? v : undefined })} data-testid="widget-limit" />
          </Group>
        )}
        {['bar', 'column', 'area'].includes(draft.type) && (
          <Switch label={t('reports.editor.stacked')} checked={draft.options.stacked === true} onChange={(e) => set({ options: { ...draft.options, stacked: e.currentTarget.checked } })} />
        )}
        {draft.type === 'gauge' && !q.target && (
          <NumberInput label={t('reports.editor.goal')} value={draft.options.goal ?? ''} onChange={(v) => set({ options: { ...draft.options, goal: typeof v === 'number' ? v : undefined } })} />
        )}
        {['bar', 'column', 'ranking', 'gauge', 'line', 'pivot'].includes(draft.type) && targetForms.length > 0 && (
          <Group grow align="flex-end">
            <Switch label={t('reports.editor.compareTargets')} checked={Boolean(q.target)} onChange={(e) => setQuery({ target: e.currentTarget.checked ? { form: targetForms[0]!.id, amountField: 'amount', monthField: 'month', userField: 'user', departmentField: 'department', typeField: 'targetType' } : undefined })} />
            {q.target && (
              <Select data={targetForms.map((f) => ({ value: String(f.id), label: f.label }))} value={String(q.target.form)} allowDeselect={false} onChange={(v) => v && setQuery({ target: { ...q.target!, form: Number(v) } })} />
            )}
          </Group>
        )}
        <Group justify="flex-end" mt="md">
          <Button variant="default" onClick={onClose}>{t('reports.cancel')}</Button>
          <Button onClick={() => onSave(draft)} disabled={!draft.title.trim() || !form} data-testid="widget-save">{t('reports.editor.save')}</Button>
        </Group>
      </Stack>
    </Drawer>
  )
}

/** A filtered aggregate's condition (e.g. 销售阶段 = 赢单), edited in a popover. */
function MeasureFilter({ fields, value, onChange, label, testId }: { fields: Parameters<typeof FilterPanel>[0]['fields']; value: FilterNode | undefined; onChange(next: FilterNode | undefined): void; label: string; testId?: string }) {
  const { t } = useTranslation()
  const count = filterCount(value, fields)
  // Controlled and closed only by its button, 完成 or Escape: the pickers inside open their option
  // lists in portals outside the dropdown, so a pick counted as a click outside and closed it.
  const [opened, setOpened] = useState(false)
  return (
    <Popover width={560} position="bottom-end" withinPortal shadow="md" trapFocus={false} opened={opened} onChange={setOpened} closeOnClickOutside={false} closeOnEscape>
      <Popover.Target>
        <Button variant={count ? 'light' : 'default'} color={count ? 'indigo' : 'gray'} size="sm" px={8} mb={0} leftSection={<IconFilter size={14} />} data-testid={testId} onClick={() => setOpened((o) => !o)} aria-expanded={opened}>
          {count || ''}
        </Button>
      </Popover.Target>
      <Popover.Dropdown data-testid={testId ? `${testId}-panel` : undefined}>
        <Text size="xs" c="dimmed" mb={6}>{label}</Text>
        <KeepingFilterPanel fields={fields} value={value} bare onChange={onChange} />
        <Group justify="flex-end" mt="xs">
          <Button size="xs" variant="light" onClick={() => setOpened(false)} data-testid={testId ? `${testId}-done` : undefined}>
            {t('reports.editor.filterDone')}
          </Button>
        </Group>
      </Popover.Dropdown>
    </Popover>
  )
}

/** The widget's own filter; conditions being filled in stay in the panel until complete. */
function WidgetFilter({ fields, value, onChange }: { fields: Parameters<typeof FilterPanel>[0]['fields']; value: FilterNode | undefined; onChange(next: FilterNode | undefined): void }) {
  return <KeepingFilterPanel fields={fields} value={value} allowGroups onChange={onChange} />
}
