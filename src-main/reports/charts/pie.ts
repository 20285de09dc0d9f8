import type { ChartTypeModule } from './types'

// Share of each value of one dimension in one measure.
export const pie: ChartTypeModule = { type: 'pie', dimensions: [1, 1], measures: [1, 1], plan: 'aggregate' }
