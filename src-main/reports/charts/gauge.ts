import type { ChartTypeModule } from './types'

// Progress of a measure towards a goal (options.goal) or the sales targets (query.target).
export const gauge: ChartTypeModule = { type: 'gauge', dimensions: [0, 1], measures: [1, 1], plan: 'aggregate' }
