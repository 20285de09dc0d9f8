import type { MethodContract } from './core'

// API methods of the CRM app (public pool, lead conversion, duplicates, merge, quotes), declared with the helpers in ./core and merged into the one contract
// table in ./contracts. This engine's handlers live in src-main/api/handlers/crm.ts.
export const crmContracts = {} as const satisfies Record<string, MethodContract>

/** Methods of this engine a read-only API token may call. */
export const CRM_READ_ONLY: readonly string[] = []
