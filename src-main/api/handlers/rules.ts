import type { ruleContracts } from '../../shared/api/rules'
import type { HandlersOf } from '../handler-kit'

// Handlers of the methods declared in src-main/shared/api/rules.ts.
export const ruleHandlers: HandlersOf<typeof ruleContracts> = {}
