import type { MethodContract } from './core'

// API methods of Excel/CSV import and export and app definitions, declared with the helpers in ./core and merged into the one contract
// table in ./contracts. This engine's handlers live in src-main/api/handlers/transfer.ts.
export const transferContracts = {} as const satisfies Record<string, MethodContract>

/** Methods of this engine a read-only API token may call. */
export const TRANSFER_READ_ONLY: readonly string[] = []
