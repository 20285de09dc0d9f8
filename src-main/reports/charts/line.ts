import type { ChartTypeModule } from './types'

// Lines over a dimension (usually a date bucket); a second dimension draws one line per value.
export const line: ChartTypeModule = { type: 'line', dimensions: [1, 2], measures: [1, 6], plan: 'aggregate' }
