import type { ChartTypeModule } from './types'

// One number over a period, with the change against the period before it.
export const kpi: ChartTypeModule = { type: 'kpi', dimensions: [0, 0], measures: [1, 1], plan: 'kpi' }
