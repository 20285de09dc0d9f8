import type { MethodContract } from './core'

// API methods of the report engine (dashboards, widgets, report queries), declared with the helpers in ./core and merged into the one contract
// table in ./contracts. This engine's handlers live in src-main/api/handlers/reports.ts.
export const reportContracts = {} as const satisfies Record<string, MethodContract>

/** Methods of this engine a read-only API token may call. */
export const REPORT_READ_ONLY: readonly string[] = []
