import type { MethodContract } from './core'

// API methods of the rule engine (rules, scheduler jobs, notifications, email, webhooks), declared with the helpers in ./core and merged into the one contract
// table in ./contracts. This engine's handlers live in src-main/api/handlers/rules.ts.
export const ruleContracts = {} as const satisfies Record<string, MethodContract>

/** Methods of this engine a read-only API token may call. */
export const RULE_READ_ONLY: readonly string[] = []
