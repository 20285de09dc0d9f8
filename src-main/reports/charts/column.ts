import type { ChartTypeModule } from './types'

// Vertical columns, grouped or stacked by a second dimension (options.stacked).
export const column: ChartTypeModule = { type: 'column', dimensions: [1, 2], measures: [1, 6], plan: 'aggregate' }
