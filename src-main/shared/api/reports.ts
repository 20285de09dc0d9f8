import { z } from 'zod'
import { filterNode, formRef, id, label, method, ok, type MethodContract } from './core'

// API methods of the report engine (dashboards, widgets, report queries), declared with the helpers in ./core and merged into the one contract
// table in ./contracts. This engine's handlers live in src-main/api/handlers/reports.ts.
//
// A widget is a chart type plus a query description. The description names fields by API key;
// a dot walks a single relation (`customer.industry`) or a member's department
// (`owner.department`); with `source` set to a sub-table field, its child fields are addressed by
// their own keys and the parent's fields stay reachable. The engine compiles the description to
// one SQL aggregate; the renderer never aggregates.

export const CHART_TYPES = ['bar', 'column', 'line', 'area', 'pie', 'donut', 'funnel', 'radar', 'scatter', 'kpi', 'gauge', 'ranking', 'pivot', 'table'] as const
export type ChartType = (typeof CHART_TYPES)[number]

export const DATE_BUCKETS = ['day', 'week', 'month', 'quarter', 'year'] as const
export type DateBucket = (typeof DATE_BUCKETS)[number]
export const AGGREGATES = ['count', 'distinct', 'sum', 'avg', 'min', 'max'] as const
export type Aggregate = (typeof AGGREGATES)[number]
/** `all`: 全部时间, no date bound (imported history keeps its figures month after month). */
export const PERIODS = ['today', 'thisWeek', 'thisMonth', 'thisQuarter', 'thisYear', 'last7Days', 'last30Days', 'last90Days', 'last12Months', 'all'] as const
export type Period = (typeof PERIODS)[number]

const fieldPath = z.string().trim().min(1).max(200)

export const dimensionSpec = z.object({
  field: fieldPath,
  /** Date and date-time fields: the bucket (default month). */
  bucket: z.enum(DATE_BUCKETS).optional(),
  /** Number fields: ascending boundaries; values fall into [b[i], b[i+1]), below the first and from the last. */
  ranges: z.array(z.number()).min(1).max(30).optional(),
  label: z.string().max(100).optional()
})
export type DimensionSpec = z.infer<typeof dimensionSpec>

export const simpleMeasure = z.object({
  agg: z.enum(AGGREGATES),
  /** Required except for count (count counts rows; with a field, rows where it is not empty). */
  field: fieldPath.optional(),
  /** Only rows matching this filter are aggregated (a filtered aggregate, e.g. count of 赢单). */
  filter: filterNode.optional()
})
export type SimpleMeasure = z.infer<typeof simpleMeasure>

export const measureSpec = z.union([
  simpleMeasure.extend({ label: z.string().max(100).optional() }),
  /** A calculated measure: numerator / denominator, e.g. win rate = count(赢单) / count(赢单 or 输单). */
  z.object({ agg: z.literal('ratio'), numerator: simpleMeasure, denominator: simpleMeasure, label: z.string().max(100).optional() })
])
export type MeasureSpec = z.infer<typeof measureSpec>

/** Sales targets compared with the actual measure, per person or department and month. */
export const targetSpec = z.object({
  form: formRef,
  amountField: z.string().default('amount'),
  monthField: z.string().default('month'),
  userField: z.string().default('user'),
  departmentField: z.string().default('department'),
  /** Select field telling person from department targets; its option ids are `person` / `department`. */
  typeField: z.string().nullable().default('targetType')
})
export type TargetSpec = z.infer<typeof targetSpec>

export const seriesSpec = z.object({
  form: formRef,
  source: z.string().max(64).optional(),
  dateField: fieldPath,
  measure: simpleMeasure,
  filter: filterNode.optional(),
  label: z.string().min(1).max(100)
})
export type SeriesSpec = z.infer<typeof seriesSpec>

export const widgetQuery = z.object({
  form: formRef,
  /** A sub-table field: aggregate its rows instead of the form's records. */
  source: z.string().max(64).optional(),
  dimensions: z.array(dimensionSpec).max(2).default([]),
  measures: z.array(measureSpec).max(6).default([]),
  filter: filterNode.optional(),
  /** The date field dashboard date ranges and KPI periods apply to (default createdAt). */
  dateField: z.string().max(200).optional(),
  /**
   * The period shown (a dashboard date range overrides): a KPI compares it with the one before it
   * (default 本月 when unset); other widgets are bounded by it (default: no bound). `all` = 全部时间.
   */
  period: z.enum(PERIODS).optional(),
  /** Sort by a dimension (`d0`, `d1`) or measure (`m0`…); default: dimension order. */
  sort: z.object({ by: z.string().regex(/^[dm]\d$/), dir: z.enum(['asc', 'desc']).default('desc') }).optional(),
  /** Top N (of the first dimension when there are two). */
  limit: z.number().int().min(1).max(1000).optional(),
  /** Detail table: the fields listed. */
  columns: z.array(fieldPath).max(30).optional(),
  target: targetSpec.optional(),
  /**
   * More series over the same date buckets from other forms (e.g. 回款情况: planned instalments
   * from contract plan rows next to payments received), each by its own date field. Needs exactly
   * one dimension, a date bucket.
   */
  series: z.array(seriesSpec).max(4).optional()
})
export type WidgetQuery = z.input<typeof widgetQuery>
export type WidgetQueryParsed = z.output<typeof widgetQuery>

export const dashboardFilters = z.object({
  /** Inclusive ISO dates. */
  dateFrom: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).nullable().optional(),
  dateTo: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).nullable().optional(),
  ownerIds: z.array(id).max(200).optional(),
  departmentIds: z.array(id).max(200).optional(),
  /** Cross-filter from a clicked point of another widget: applied where the widget's form is the same. */
  cross: z.object({ form: formRef, filter: filterNode }).nullable().optional()
})
export type DashboardFilters = z.infer<typeof dashboardFilters>

export const widgetLayout = z.object({ x: z.number().int().min(0).max(48), y: z.number().int().min(0).max(1000), w: z.number().int().min(1).max(48), h: z.number().int().min(1).max(100) })
export const widgetOptions = z.object({
  stacked: z.boolean().optional(),
  /** Gauge/KPI goal when there is no target form. */
  goal: z.number().optional(),
  color: z.string().max(20).optional(),
  showValues: z.boolean().optional()
})
export const widgetInput = z.object({
  key: z.string().min(1).max(40),
  title: label,
  type: z.enum(CHART_TYPES),
  query: widgetQuery,
  layout: widgetLayout,
  options: widgetOptions.default({})
})
export type WidgetInput = z.input<typeof widgetInput>
export const widgetDto = widgetInput.extend({ query: widgetQuery })
export type WidgetDto = z.output<typeof widgetDto>

export const dashboardInput = z.object({
  name: label,
  description: z.string().max(500).nullable().optional(),
  /** Roles it is shared with; empty: only its owner (and administrators). */
  roleIds: z.array(id).max(100).default([]),
  /** Auto refresh in seconds, 0 = off. */
  refreshSeconds: z.number().int().min(0).max(86400).default(0),
  widgets: z.array(widgetInput).max(40).default([])
})
/** A change to a dashboard: only the properties given change (no defaults, so nothing is reset). */
export const dashboardPatch = z.object({
  id,
  name: label.optional(),
  description: z.string().max(500).nullable().optional(),
  roleIds: z.array(id).max(100).optional(),
  refreshSeconds: z.number().int().min(0).max(86400).optional(),
  widgets: z.array(widgetInput).max(40).optional()
})
export const dashboardSummary = z.object({
  id,
  name: z.string(),
  description: z.string().nullable(),
  appKey: z.string().nullable(),
  ownerId: id.nullable(),
  roleIds: z.array(id),
  refreshSeconds: z.number(),
  position: z.number(),
  widgetCount: z.number(),
  canEdit: z.boolean(),
  updatedAt: z.string()
})
export type DashboardSummary = z.infer<typeof dashboardSummary>
export const dashboardDto = dashboardSummary.extend({ widgets: z.array(widgetDto) })
export type DashboardDto = z.infer<typeof dashboardDto>

export const resultColumn = z.object({
  key: z.string(),
  label: z.string(),
  kind: z.enum(['dimension', 'measure']),
  /** How values are shown: number, amount (currency), percent (0–1 ratio), date, text. */
  format: z.enum(['number', 'amount', 'percent', 'text', 'date'])
})
export const resultRow = z.object({
  /** Raw group keys per dimension (option id, user id, bucket start…); null = empty. */
  keys: z.array(z.union([z.string(), z.number(), z.null()])),
  labels: z.array(z.string()),
  values: z.array(z.number().nullable()),
  /** Pivot subtotal rows: which dimensions are rolled up (true = all values). */
  rollup: z.array(z.boolean()).optional()
})
export type ResultRow = z.infer<typeof resultRow>
export const widgetResult = z.object({
  columns: z.array(resultColumn),
  rows: z.array(resultRow),
  /** KPI: the measure over the previous period of the same length. */
  previous: z.array(z.number().nullable()).optional(),
  period: z.object({ from: z.string(), to: z.string(), previousFrom: z.string(), previousTo: z.string() }).optional(),
  /** Detail table: record ids per row, for opening them. */
  recordIds: z.array(id).optional(),
  formId: id,
  cached: z.boolean(),
  ms: z.number()
})
export type WidgetResult = z.infer<typeof widgetResult>

const runInput = z.object({ type: z.enum(CHART_TYPES), query: widgetQuery, filters: dashboardFilters.optional() })

export const reportContracts = {
  'reports.dashboards': method({ input: z.object({}).default({}), output: z.array(dashboardSummary), access: 'user', summary: 'Dashboards the caller may see' }),
  'reports.dashboard': method({ input: z.object({ id }), output: dashboardDto, access: 'user', summary: 'One dashboard with its widgets' }),
  'reports.createDashboard': method({ input: dashboardInput, output: dashboardDto, access: 'user', summary: 'Create a dashboard' }),
  'reports.updateDashboard': method({ input: dashboardPatch, output: dashboardDto, access: 'user', summary: 'Change a dashboard (name, sharing, widgets and their layout)' }),
  'reports.deleteDashboard': method({ input: z.object({ id }), output: ok, access: 'user', summary: 'Delete a dashboard' }),
  'reports.run': method({ input: runInput, output: widgetResult, access: 'user', summary: 'Run a widget query (one SQL aggregate within the caller’s data scope)' }),
  'reports.drill': method({
    input: runInput.extend({ keys: z.array(z.union([z.string(), z.number(), z.null()])).max(2) }),
    output: z.object({ formId: id, filter: filterNode }),
    access: 'user',
    summary: 'The record list filter behind one clicked point of a widget'
  }),
  'reports.export': method({
    input: runInput.extend({ title: label }),
    output: z.object({ fileName: z.string(), base64: z.string() }),
    access: 'user',
    summary: 'A widget’s data as an Excel workbook'
  })
} as const satisfies Record<string, MethodContract>

/** Methods of this engine a read-only API token may call. */
export const REPORT_READ_ONLY: readonly string[] = ['reports.dashboards', 'reports.dashboard', 'reports.run', 'reports.drill', 'reports.export']
