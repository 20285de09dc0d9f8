import type { reportContracts } from '../../shared/api/reports'
import type { HandlersOf } from '../handler-kit'

// Handlers of the methods declared in src-main/shared/api/reports.ts.
export const reportHandlers: HandlersOf<typeof reportContracts> = {}
