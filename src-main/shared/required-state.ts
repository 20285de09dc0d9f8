import type { FilterNode } from './api/contracts'

// Whether a field must be filled in for the record as it is being edited — the rule the write
// pipeline enforces (src-main/records/write-pipeline.ts, `check`), for the clients that ask before
// they write: the record form, the stage dialog. Pure TypeScript: no Node, no DOM.

export interface RequiredRules {
  required: boolean
  requiredWhen: FilterNode | null
  requiredOnEnter?: FilterNode | null
}

/**
 * `now` matches a condition against the values being written, `before` against the record as
 * stored (null for a new record). A field required on entering is required only when the edit
 * makes the record match its condition: a deal already won is not asked for the scan again.
 */
export function isRequired(field: RequiredRules, now: (node: FilterNode) => boolean, before: ((node: FilterNode) => boolean) | null): boolean {
  if (field.required) return true
  if (field.requiredWhen && now(field.requiredWhen)) return true
  const enter = field.requiredOnEnter
  return !!enter && now(enter) && !(before && before(enter))
}
