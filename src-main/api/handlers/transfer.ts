import type { transferContracts } from '../../shared/api/transfer'
import type { HandlersOf } from '../handler-kit'

// Handlers of the methods declared in src-main/shared/api/transfer.ts.
export const transferHandlers: HandlersOf<typeof transferContracts> = {}
