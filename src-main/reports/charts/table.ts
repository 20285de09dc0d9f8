import type { ChartTypeModule } from './types'

// Detail table: the matching records' fields (query.columns), sorted and limited.
export const tableChart: ChartTypeModule = { type: 'table', dimensions: [0, 0], measures: [0, 0], plan: 'detail' }
