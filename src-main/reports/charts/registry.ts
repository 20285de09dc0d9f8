import type { ChartType } from '../../shared/api/reports'
import { area } from './area'
import { bar } from './bar'
import { column } from './column'
import { donut } from './donut'
import { funnel } from './funnel'
import { gauge } from './gauge'
import { kpi } from './kpi'
import { line } from './line'
import { pie } from './pie'
import { pivot } from './pivot'
import { radar } from './radar'
import { ranking } from './ranking'
import { scatter } from './scatter'
import { tableChart } from './table'
import type { ChartTypeModule } from './types'

// The report engine's chart types, one module each.
export const CHARTS: Record<ChartType, ChartTypeModule> = { bar, column, line, area, pie, donut, funnel, radar, scatter, kpi, gauge, ranking, pivot, table: tableChart }

export const chartType = (type: ChartType): ChartTypeModule => CHARTS[type]
