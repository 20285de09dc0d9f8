import type { FieldDto, FilterCondition, FilterNode } from '@shared/api/contracts'
import { FIELD_OPERATORS, VALUELESS_OPERATORS } from '@shared/field-types'
import { isComplete, type Condition, type ConditionGroup, type FilterState } from '../records/filter'

// The filter builder's model for every designer that edits a stored filter (rule conditions,
// flow branches, widget and measure filters): what the builder can show is editable, what it
// cannot is kept verbatim, and an unchanged model gives back the identical filter.

/**
 * A stored filter as the filter builder edits it. The builder shows conditions and one level of
 * groups on the fields it offers; any part it cannot show (a field it does not offer, an operator
 * the field has no control for, a group nested deeper…) is kept verbatim in `kept`, shown
 * read-only, and written back in its place. `order` remembers where each part stood, and `shape`
 * whether the stored filter was a single condition, so saving an unchanged filter writes the
 * identical filter.
 */
export interface FilterModel {
  shape: 'none' | 'leaf' | 'list'
  state: FilterState
  kept: Array<{ key: string; node: FilterNode }>
  order: string[]
}

export const EMPTY_FILTER_MODEL: FilterModel = { shape: 'none', state: { conj: 'and', conditions: [], groups: [] }, kept: [], order: [] }

let modelKey = 0

/** Whether the builder shows this condition as it is stored (so writing it back gives the same condition). */
function editable(c: FilterCondition, fields: ReadonlyMap<string, FieldDto>): boolean {
  const field = fields.get(c.field)
  if (!field || !FIELD_OPERATORS[field.type].includes(c.op)) return false
  if (VALUELESS_OPERATORS.has(c.op)) return !('value' in c)
  return 'value' in c && isComplete({ key: '', field: c.field, op: c.op, value: c.value })
}

/** A stored filter → the builder's model (pure). */
export function toFilterModel(node: FilterNode | null | undefined, fields: FieldDto[]): FilterModel {
  if (!node) return { ...EMPTY_FILTER_MODEL, state: { conj: 'and', conditions: [], groups: [] } }
  const byKey = new Map(fields.map((f) => [f.apiKey, f]))
  const conditions: Condition[] = []
  const groups: ConditionGroup[] = []
  const kept: FilterModel['kept'] = []
  const order: string[] = []
  const keep = (part: FilterNode) => {
    const key = `k${modelKey++}`
    kept.push({ key, node: part })
    order.push(key)
  }
  const condition = (c: FilterCondition): Condition => {
    const out: Condition = { key: `r${modelKey++}`, field: c.field, op: c.op }
    if ('value' in c) out.value = c.value
    return out
  }
  const part = (p: FilterNode) => {
    if ('field' in p) {
      if (!editable(p, byKey)) return keep(p)
      const c = condition(p)
      conditions.push(c)
      order.push(c.key)
      return
    }
    const inner = 'and' in p ? p.and : p.or
    if (inner.length < 2 || !inner.every((x): x is FilterCondition => 'field' in x && editable(x, byKey))) return keep(p)
    const g: ConditionGroup = { key: `g${modelKey++}`, conj: 'and' in p ? 'and' : 'or', conditions: inner.map(condition) }
    groups.push(g)
    order.push(g.key)
  }
  if ('field' in node) {
    part(node)
    return { shape: 'leaf', state: { conj: 'and', conditions, groups }, kept, order }
  }
  for (const p of 'and' in node ? node.and : node.or) part(p)
  return { shape: 'list', state: { conj: 'and' in node ? 'and' : 'or', conditions, groups }, kept, order }
}

const leaf = (c: Condition): FilterNode => (VALUELESS_OPERATORS.has(c.op) || !('value' in c) ? { field: c.field, op: c.op } : { field: c.field, op: c.op, value: c.value })

/** The builder's model → the stored filter (pure): parts in their stored order, new ones after; incomplete conditions are left out. */
export function fromFilterModel(model: FilterModel): FilterNode | undefined {
  const conditions = new Map(model.state.conditions.map((c) => [c.key, c]))
  const groups = new Map((model.state.groups ?? []).map((g) => [g.key, g]))
  const kept = new Map(model.kept.map((k) => [k.key, k.node]))
  const parts: FilterNode[] = []
  const group = (g: ConditionGroup) => {
    const inner = g.conditions.filter(isComplete).map(leaf)
    if (inner.length === 1) parts.push(inner[0]!)
    else if (inner.length > 1) parts.push(g.conj === 'and' ? { and: inner } : { or: inner })
  }
  const placed = new Set<string>()
  for (const key of model.order) {
    placed.add(key)
    const c = conditions.get(key)
    if (c) {
      if (isComplete(c)) parts.push(leaf(c))
      continue
    }
    const g = groups.get(key)
    if (g) {
      group(g)
      continue
    }
    const k = kept.get(key)
    if (k) parts.push(k)
  }
  for (const c of model.state.conditions) if (!placed.has(c.key) && isComplete(c)) parts.push(leaf(c))
  for (const g of model.state.groups ?? []) if (!placed.has(g.key)) group(g)
  for (const k of model.kept) if (!placed.has(k.key)) parts.push(k.node)
  if (model.shape === 'leaf' && parts.length === 1 && model.order.length === 1) return parts[0]
  if (parts.length === 0 && !(model.shape === 'list' && model.order.length === 0)) return undefined
  return model.state.conj === 'and' ? { and: parts } : { or: parts }
}

/** A stored filter as one readable line (fields by label, operators by name): how a kept condition is shown. */
export function describeFilter(node: FilterNode, fields: FieldDto[], t: (key: string) => string): string {
  if ('field' in node) {
    const label = fields.find((f) => f.apiKey === node.field)?.label ?? node.field
    const op = t(`op.${node.op}`)
    return 'value' in node ? `${label} ${op} ${JSON.stringify(node.value)}` : `${label} ${op}`
  }
  const conj = 'and' in node ? t('filter.and') : t('filter.or')
  const parts = 'and' in node ? node.and : node.or
  return `${conj}（${parts.map((p) => describeFilter(p, fields, t)).join('；')}）`
}
