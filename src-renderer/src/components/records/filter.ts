import type { FieldDto, FilterCondition, FilterNode } from '@shared/api/contracts'
import { FIELD_OPERATORS, VALUELESS_OPERATORS, type FilterOperator } from '@shared/field-types'

// The simple filter builder's state: a flat list of conditions joined by AND or OR.

export interface Condition {
  key: string
  field: string
  op: FilterOperator
  value?: unknown
}

export interface FilterState {
  conj: 'and' | 'or'
  conditions: Condition[]
}

export const EMPTY_FILTER: FilterState = { conj: 'and', conditions: [] }

const filled = (v: unknown): boolean => v !== null && v !== undefined && v !== '' && !(Array.isArray(v) && v.length === 0)

/** A condition is sent only once it says something: a valueless operator, or a value. */
export function isComplete(c: Condition): boolean {
  if (VALUELESS_OPERATORS.has(c.op)) return true
  if (c.op === 'between') return Array.isArray(c.value) && c.value.some(filled)
  return filled(c.value)
}

export function toFilterNode(state: FilterState, fields: FieldDto[]): FilterNode | undefined {
  const known = new Set(fields.map((f) => f.apiKey))
  const parts: FilterNode[] = state.conditions
    .filter((c) => known.has(c.field) && isComplete(c))
    .map((c) => (VALUELESS_OPERATORS.has(c.op) ? { field: c.field, op: c.op } : { field: c.field, op: c.op, value: c.value }))
  if (parts.length === 0) return undefined
  return state.conj === 'and' ? { and: parts } : { or: parts }
}

export function operatorsFor(field: FieldDto): FilterOperator[] {
  return FIELD_OPERATORS[field.type]
}

let restoredKey = 0

/**
 * Back from a stored filter to the builder's state. The builder edits one level of conditions;
 * `nested` says the stored filter had groups inside groups, which the builder cannot show.
 */
export function fromFilterNode(node: FilterNode | null | undefined): FilterState & { nested: boolean } {
  if (!node) return { ...EMPTY_FILTER, nested: false }
  const toCondition = (c: FilterCondition): Condition => ({ key: `r${restoredKey++}`, field: c.field, op: c.op, value: c.value })
  if ('field' in node) return { conj: 'and', conditions: [toCondition(node)], nested: false }
  const conj = 'and' in node ? 'and' : 'or'
  const parts = 'and' in node ? node.and : node.or
  const flat = parts.filter((p): p is FilterCondition => 'field' in p)
  return { conj, conditions: flat.map(toCondition), nested: flat.length !== parts.length }
}
