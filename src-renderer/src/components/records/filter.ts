import type { FieldDto, FilterCondition, FilterNode } from '@shared/api/contracts'
import { FIELD_OPERATORS, VALUELESS_OPERATORS, type FilterOperator } from '@shared/field-types'

// The filter builder's state: conditions joined by AND or OR, plus groups of conditions (one
// level deep) with their own AND/OR, e.g. 城市 = 杭州 AND (阶段 = 谈判 OR 金额 > 10 万).

export interface Condition {
  key: string
  field: string
  op: FilterOperator
  value?: unknown
}

export interface ConditionGroup {
  key: string
  conj: 'and' | 'or'
  conditions: Condition[]
}

export interface FilterState {
  conj: 'and' | 'or'
  conditions: Condition[]
  groups?: ConditionGroup[]
}

export const EMPTY_FILTER: FilterState = { conj: 'and', conditions: [] }

const filled = (v: unknown): boolean => v !== null && v !== undefined && v !== '' && !(Array.isArray(v) && v.length === 0)

/** A condition is sent only once it says something: a valueless operator, or a value. */
export function isComplete(c: Condition): boolean {
  if (VALUELESS_OPERATORS.has(c.op)) return true
  if (c.op === 'between') return Array.isArray(c.value) && c.value.some(filled)
  return filled(c.value)
}

/** How many complete conditions the state holds, groups included (the 筛选 · N badge). */
export function countConditions(state: FilterState): number {
  return state.conditions.filter(isComplete).length + (state.groups ?? []).reduce((n, g) => n + g.conditions.filter(isComplete).length, 0)
}

function toNodes(conditions: Condition[], known: ReadonlySet<string>): FilterNode[] {
  return conditions
    .filter((c) => known.has(c.field) && isComplete(c))
    .map((c) => (VALUELESS_OPERATORS.has(c.op) ? { field: c.field, op: c.op } : { field: c.field, op: c.op, value: c.value }))
}

export function toFilterNode(state: FilterState, fields: FieldDto[]): FilterNode | undefined {
  const known = new Set(fields.map((f) => f.apiKey))
  const parts: FilterNode[] = toNodes(state.conditions, known)
  for (const group of state.groups ?? []) {
    const inner = toNodes(group.conditions, known)
    if (inner.length === 1) parts.push(inner[0]!)
    else if (inner.length > 1) parts.push(group.conj === 'and' ? { and: inner } : { or: inner })
  }
  if (parts.length === 0) return undefined
  return state.conj === 'and' ? { and: parts } : { or: parts }
}

export function operatorsFor(field: FieldDto): FilterOperator[] {
  return FIELD_OPERATORS[field.type]
}

let restoredKey = 0

/**
 * Back from a stored filter to the builder's state. The builder edits conditions and one level
 * of groups; `nested` says the stored filter went deeper, which the builder cannot show.
 */
export function fromFilterNode(node: FilterNode | null | undefined): FilterState & { nested: boolean } {
  if (!node) return { ...EMPTY_FILTER, groups: [], nested: false }
  const toCondition = (c: FilterCondition): Condition => ({ key: `r${restoredKey++}`, field: c.field, op: c.op, value: c.value })
  if ('field' in node) return { conj: 'and', conditions: [toCondition(node)], groups: [], nested: false }
  const conj = 'and' in node ? 'and' : 'or'
  const parts = 'and' in node ? node.and : node.or
  const conditions: Condition[] = []
  const groups: ConditionGroup[] = []
  let nested = false
  for (const part of parts) {
    if ('field' in part) {
      conditions.push(toCondition(part))
      continue
    }
    const inner = 'and' in part ? part.and : part.or
    const flat = inner.filter((p): p is FilterCondition => 'field' in p)
    if (flat.length !== inner.length) nested = true
    groups.push({ key: `g${restoredKey++}`, conj: 'and' in part ? 'and' : 'or', conditions: flat.map(toCondition) })
  }
  return { conj, conditions, groups, nested }
}
