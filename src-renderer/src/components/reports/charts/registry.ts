import type { ChartType } from '@shared/api/reports'
import { AreaChart } from './area'
import { BarChart } from './bar'
import { ColumnChart } from './column'
import { DonutChart } from './donut'
import { FunnelChart } from './funnel'
import { GaugeChart } from './gauge'
import { KpiCard } from './kpi'
import { LineChart } from './line'
import { PieChart } from './pie'
import { PivotTable } from './pivot'
import { RadarChart } from './radar'
import { RankingTable } from './ranking'
import { ScatterChart } from './scatter'
import { DetailTable } from './table'
import type { ChartRenderer } from './types'

// The renderer of each chart type (the engine's side is src-main/reports/charts).
export const CHART_RENDERERS: Record<ChartType, ChartRenderer> = {
  bar: BarChart,
  column: ColumnChart,
  line: LineChart,
  area: AreaChart,
  pie: PieChart,
  donut: DonutChart,
  funnel: FunnelChart,
  radar: RadarChart,
  scatter: ScatterChart,
  kpi: KpiCard,
  gauge: GaugeChart,
  ranking: RankingTable,
  pivot: PivotTable,
  table: DetailTable
}
