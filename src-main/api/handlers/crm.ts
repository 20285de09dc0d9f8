import type { crmContracts } from '../../shared/api/crm'
import type { HandlersOf } from '../handler-kit'

// Handlers of the methods declared in src-main/shared/api/crm.ts.
export const crmHandlers: HandlersOf<typeof crmContracts> = {}
