import { z } from 'zod'
import { id, method, type FilterNode, type MethodContract } from './core'
import type { DashboardFilters, MeasureSpec, WidgetQuery } from './reports'

// The sales forecast (销售预测): per expected close month or quarter of a year, per rep (负责人)
// or team (the owner's department), the open pipeline, the weighted amount (金额 × 赢单率), the
// amounts the reps put in 承诺 (commit) and 最佳 (best case), what was won, and the target for
// the period. It is computed by the report engine (one widget query with the targets join), so
// the caller's row scope and hidden fields apply exactly as on a dashboard. The widget query is
// built here, in shared code, so the page's drill-down asks `reports.drill` with the very query
// behind the figure clicked.

export const FORECAST_BUCKETS = ['month', 'quarter'] as const
export const FORECAST_GROUPS = ['owner', 'department'] as const
/** The figures, in the order of the engine's measures (target comes from the targets join). */
export const FORECAST_COLUMNS = ['pipeline', 'weighted', 'commit', 'bestCase', 'won'] as const
export type ForecastColumn = (typeof FORECAST_COLUMNS)[number] | 'target'

export const forecastInput = z.object({
  year: z.number().int().min(2000).max(2100),
  bucket: z.enum(FORECAST_BUCKETS).default('month'),
  by: z.enum(FORECAST_GROUPS).default('owner')
})
export type ForecastInput = z.input<typeof forecastInput>

const amount = z.number().nullable()
export const forecastRow = z.object({
  /** The period's key (2025-06, 2025-Q3), the drill-down key. */
  period: z.string(),
  periodLabel: z.string(),
  /** The rep's user id or the department id; null = no owner / no department. */
  key: z.number().nullable(),
  label: z.string(),
  pipeline: amount,
  weighted: amount,
  commit: amount,
  bestCase: amount,
  won: amount,
  target: amount
})
export type ForecastRow = z.infer<typeof forecastRow>

export const forecastResult = z.object({
  formId: id,
  /** Which figures this caller gets: weighted needs 加权金额 readable, commit/best case the 预测类别 field, target the 销售目标 form. */
  shown: z.object({ weighted: z.boolean(), categories: z.boolean(), target: z.boolean() }),
  rows: z.array(forecastRow),
  /** Per period, the sum of its rows (the figures of everyone the caller sees). */
  totals: z.array(forecastRow)
})
export type ForecastResult = z.infer<typeof forecastResult>

/** What the caller may read decides which measures the query holds. */
export interface ForecastShape {
  weighted: boolean
  categories: boolean
  target: boolean
}

const open: FilterNode = { field: 'stage', op: 'notIn', value: ['won', 'lost'] }
const notOmitted: FilterNode = { or: [{ field: 'forecastCategory', op: 'empty' }, { field: 'forecastCategory', op: 'neq', value: 'omitted' }] }

/** The measure behind one column (null when the caller's shape leaves it out). */
export function forecastMeasure(column: (typeof FORECAST_COLUMNS)[number], shape: ForecastShape): MeasureSpec | null {
  switch (column) {
    case 'pipeline':
      return { agg: 'sum', field: 'amount', filter: shape.categories ? { and: [open, notOmitted] } : open }
    case 'weighted':
      return shape.weighted ? { agg: 'sum', field: 'weightedAmount', filter: shape.categories ? { and: [open, notOmitted] } : open } : null
    case 'commit':
      return shape.categories ? { agg: 'sum', field: 'amount', filter: { and: [open, { field: 'forecastCategory', op: 'eq', value: 'commit' }] } } : null
    case 'bestCase':
      return shape.categories ? { agg: 'sum', field: 'amount', filter: { and: [open, { field: 'forecastCategory', op: 'eq', value: 'bestCase' }] } } : null
    case 'won':
      return { agg: 'sum', field: 'amount', filter: { field: 'stage', op: 'eq', value: 'won' } }
  }
}

/** The widget query of the forecast: close period × rep or team, the shown measures, and the targets when shown. */
export function forecastQuery(input: z.output<typeof forecastInput>, shape: ForecastShape, measures: MeasureSpec[]): WidgetQuery {
  return {
    form: 'opportunity',
    dimensions: [{ field: 'closeDate', bucket: input.bucket }, { field: input.by === 'owner' ? 'owner' : 'owner.department' }],
    measures,
    dateField: 'closeDate',
    ...(shape.target ? { target: { form: 'salesTarget' } } : {})
  }
}

/** The year's bounds on the expected close date. */
export function forecastFilters(year: number): DashboardFilters {
  return { dateFrom: `${year}-01-01`, dateTo: `${year}-12-31` }
}

/** The drill-down query of one column: the forecast's dimensions and that column's measure alone (the engine adds its filter to the list's). */
export function forecastDrillQuery(input: z.output<typeof forecastInput>, shape: ForecastShape, column: (typeof FORECAST_COLUMNS)[number]): WidgetQuery | null {
  const m = forecastMeasure(column, shape)
  return m ? forecastQuery(input, { ...shape, target: false }, [m]) : null
}

export const forecastContracts = {
  'forecast.run': method({
    input: forecastInput,
    output: forecastResult,
    access: 'user',
    summary: 'Sales forecast by expected close month or quarter, per rep or team, within the caller’s data scope'
  })
} satisfies Record<string, MethodContract>

export const FORECAST_READ_ONLY: readonly string[] = ['forecast.run']
