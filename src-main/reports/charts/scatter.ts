import type { ChartTypeModule } from './types'

// One point per value of the dimension: x = first measure, y = second (size = third).
export const scatter: ChartTypeModule = { type: 'scatter', dimensions: [1, 1], measures: [2, 3], plan: 'aggregate' }
