import type { flowContracts } from '../../shared/api/flows'
import type { HandlersOf } from '../handler-kit'

// Handlers of the methods declared in src-main/shared/api/flows.ts.
export const flowHandlers: HandlersOf<typeof flowContracts> = {}
