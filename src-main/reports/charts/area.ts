import type { ChartTypeModule } from './types'

// Filled areas over a dimension, stacked when options.stacked.
export const area: ChartTypeModule = { type: 'area', dimensions: [1, 2], measures: [1, 6], plan: 'aggregate' }
