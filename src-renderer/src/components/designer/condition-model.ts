import type { FilterCondition, FilterNode } from '@shared/api/contracts'

// The model of the designer's condition builder (显示条件 / 必填条件): conditions joined by AND or
// OR. Conditions on fields the builder offers are edited; any other part (a group nested inside,
// a field it does not offer) is kept as it is and shown read-only. Parts keep their places, and a
// stored single condition stays a single condition: an unchanged model gives the identical node.

export type ConditionPart = { kind: 'rule'; rule: FilterCondition } | { kind: 'kept'; key: string; node: FilterNode }

export interface ConditionModel {
  conj: 'and' | 'or'
  /** The stored node was one condition (not a list). */
  leaf: boolean
  /** The stored node was an empty list (`{ and: [] }`): written back so while nothing is added. */
  emptyList?: boolean
  parts: ConditionPart[]
}

let keptKey = 0

export function toConditionModel(node: FilterNode | null, known: ReadonlySet<string>): ConditionModel {
  if (!node) return { conj: 'and', leaf: false, parts: [] }
  const list = 'and' in node ? node.and : 'or' in node ? node.or : [node]
  const parts = list.map((part): ConditionPart => ('field' in part && known.has(part.field) ? { kind: 'rule', rule: part } : { kind: 'kept', key: `k${keptKey++}`, node: part }))
  return { conj: 'or' in node ? 'or' : 'and', leaf: 'field' in node, ...(list.length === 0 ? { emptyList: true } : {}), parts }
}

export function fromConditionModel(model: ConditionModel): FilterNode | null {
  const parts = model.parts.map((p) => (p.kind === 'rule' ? p.rule : p.node))
  if (parts.length === 0) return model.emptyList ? (model.conj === 'and' ? { and: [] } : { or: [] }) : null
  if (model.leaf && parts.length === 1) return parts[0]!
  return model.conj === 'and' ? { and: parts } : { or: parts }
}
