import type { ChartTypeModule } from './types'

// A ranked table (leaderboard), sorted by the first measure, top N.
export const ranking: ChartTypeModule = { type: 'ranking', dimensions: [1, 1], measures: [1, 6], plan: 'aggregate' }
