import type { ChartTypeModule } from './types'

// Stages in their option order with the conversion from each stage to the next.
export const funnel: ChartTypeModule = { type: 'funnel', dimensions: [1, 1], measures: [1, 1], plan: 'aggregate' }
