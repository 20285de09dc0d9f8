import type { ChartTypeModule } from './types'

// Rows × columns × measures with subtotals and a grand total.
export const pivot: ChartTypeModule = { type: 'pivot', dimensions: [1, 2], measures: [1, 6], plan: 'pivot' }
