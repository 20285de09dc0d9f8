import type { ChartTypeModule } from './types'

// Horizontal bars: one bar per value of the first dimension; a second dimension groups or stacks them.
export const bar: ChartTypeModule = { type: 'bar', dimensions: [1, 2], measures: [1, 6], plan: 'aggregate' }
