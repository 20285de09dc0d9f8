import type { ChartTypeModule } from './types'

// One axis per value of the first dimension.
export const radar: ChartTypeModule = { type: 'radar', dimensions: [1, 2], measures: [1, 6], plan: 'aggregate' }
