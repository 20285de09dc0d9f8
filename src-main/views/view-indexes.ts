import { createHash } from 'node:crypto'
import { ident, type Sqlite } from '../db/connection'
import type { FormModel } from '../forms/model'
import { relationConfig } from '../forms/field-types/relation'
import { resolveField } from '../records/query-builder'
import type { FilterNode, ViewConfig } from '../shared/api/contracts'
import type { FilterOperator } from '../shared/field-types'

// Composite indexes from what saved views filter by. Every indexable field has its own
// single-column index, but a view such as "本季度 · 方案报价" (stage = x AND close date in a
// quarter) then reads every record of the stage through the stage index to test its date: at
// 1M records that is 150k+ rows for a count. An index on (stage, close date, owner) over live
// records answers the count from the index alone, and lets a sales rep's list (row scope "own")
// test ownership without reading the row. Views are what users save and reopen, so their filter shapes are the
// queries worth an index; each index costs every insert a little, so a form keeps at most
// MAX_VIEW_INDEXES of them.

/** Operators that pin a column to one value (or a few): they lead the index. */
const EQUALITY: ReadonlySet<FilterOperator> = new Set(['eq', 'in', 'isMe'])
/** Operators that select a range of one column: it follows the equalities. */
const RANGE: ReadonlySet<FilterOperator> = new Set([
  'gt', 'gte', 'lt', 'lte', 'between', 'today', 'yesterday', 'thisWeek', 'lastWeek', 'thisMonth', 'lastMonth', 'thisYear', 'lastNDays', 'nextNDays'
])
const EQUALITY_TYPES = new Set(['select', 'member', 'checkbox', 'relation'])
const RANGE_TYPES = new Set(['date', 'datetime', 'number', 'amount', 'percent'])

export const MAX_VIEW_INDEXES = 8
const PREFIX = 'vx_'

/**
 * The columns of the index a view's filter wants, or null when single-column indexes serve it:
 * up to two equality columns, then one range column, then the owner (the row scope's column).
 * Only conditions AND-ed at the top level count; an OR cannot use a composite index.
 */
export function viewIndexColumns(form: FormModel, config: Pick<ViewConfig, 'filter'>): string[] | null {
  const conditions = topLevelConditions(config.filter)
  const equal: string[] = []
  let range: string | null = null
  for (const c of conditions) {
    let field
    try {
      field = resolveField(form, c.field)
    } catch {
      continue
    }
    if (!field.column || field.parentFieldId) continue
    if (field.type === 'relation' && relationConfig(field).multiple) continue
    if (EQUALITY.has(c.op) && EQUALITY_TYPES.has(field.type) && equal.length < 2 && !equal.includes(field.column)) equal.push(field.column)
    else if (RANGE.has(c.op) && RANGE_TYPES.has(field.type) && range === null) range = field.column
  }
  if (equal.length === 0 || equal.length + (range ? 1 : 0) < 2) return null
  const columns = [...equal, ...(range ? [range] : [])]
  return columns.includes('owner_id') ? columns : [...columns, 'owner_id']
}

function topLevelConditions(filter: FilterNode | null | undefined): Array<{ field: string; op: FilterOperator }> {
  if (!filter) return []
  if ('and' in filter) return filter.and.flatMap((n) => ('field' in n ? [n] : []))
  if ('or' in filter) return filter.or.length === 1 ? topLevelConditions(filter.or[0]) : []
  return [filter]
}

/** Create the index a view's filter wants, unless it exists or the form has its share already. Returns its name, or null. */
export function ensureViewIndex(db: Sqlite, form: FormModel, config: Pick<ViewConfig, 'filter'>): string | null {
  const columns = viewIndexColumns(form, config)
  if (!columns) return null
  const name = `${PREFIX}${form.table}_${createHash('sha1').update(columns.join(',')).digest('hex').slice(0, 10)}`
  const existing = (db.prepare(`PRAGMA index_list(${ident(form.table)})`).all() as Array<{ name: string }>).map((i) => i.name)
  if (existing.includes(name)) return name
  if (existing.filter((n) => n.startsWith(PREFIX)).length >= MAX_VIEW_INDEXES) return null
  // Partial on live records, as every read is: a count is then answered from the index alone.
  db.exec(`CREATE INDEX ${ident(name)} ON ${ident(form.table)}(${columns.map(ident).join(', ')}) WHERE deleted_at IS NULL`)
  return name
}
