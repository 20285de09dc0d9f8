import type { ChartType } from '../../shared/api/reports'

/**
 * One chart type of the report engine: the query shape it accepts (how many dimensions and
 * measures) and how the engine runs it. Its renderer is the module of the same name in
 * src-renderer/src/components/reports/charts.
 */
export interface ChartTypeModule {
  type: ChartType
  /** Allowed number of dimensions [min, max]. */
  dimensions: [number, number]
  /** Allowed number of measures [min, max] (an empty list means a count). */
  measures: [number, number]
  /**
   * aggregate: one GROUP BY; kpi: the measure over a period and the one before; pivot: with
   * subtotals; detail: a sorted page of records' fields.
   */
  plan: 'aggregate' | 'kpi' | 'pivot' | 'detail'
}
