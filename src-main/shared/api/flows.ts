import type { MethodContract } from './core'

// API methods of the flow engine (designer, instances, tasks, to-do center), declared with the helpers in ./core and merged into the one contract
// table in ./contracts. This engine's handlers live in src-main/api/handlers/flows.ts.
export const flowContracts = {} as const satisfies Record<string, MethodContract>

/** Methods of this engine a read-only API token may call. */
export const FLOW_READ_ONLY: readonly string[] = []
