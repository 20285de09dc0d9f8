import type { ChartTypeModule } from './types'

// A pie with a hole showing the total.
export const donut: ChartTypeModule = { type: 'donut', dimensions: [1, 1], measures: [1, 1], plan: 'aggregate' }
