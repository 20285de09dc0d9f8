import { createHash } from 'node:crypto'
import { ident, type Sqlite } from '../db/connection'
import type { FieldModel, FormModel } from '../forms/model'
import type { FilterNode, ViewConfig } from '../shared/api/contracts'
import { resolveField } from './query-builder'

// Covering indexes for the aggregates saved views ask for: a kanban's columns with the number
// totalled per column, a grouped table's groups with the sums of its number columns. Without
// one, `records.count` by stage with the sum of the amount reads every record (a plain scan, or
// worse, the stage index and then every row); with an index on (stage, amount, owner, …) over
// live records SQLite answers it from the index alone, several times faster (see
// docs/architecture.md, "Aggregates"). The view's own filter columns are in it too, so the
// view's aggregate stays covered. A form keeps at most MAX_AGGREGATE_INDEXES of them: each one
// costs every write a little. Purging a column drops those that hold it (forms/physical.ts).

export const MAX_AGGREGATE_INDEXES = 4
const PREFIX = 'ax_'
/** Columns beyond these make the index nearly as wide as the table: no longer worth it. */
const MAX_COLUMNS = 8
const GROUP_TYPES = new Set(['select', 'member', 'checkbox', 'relation', 'date', 'number', 'amount', 'percent', 'text', 'autonumber', 'rollup'])

const numeric = (f: FieldModel) => ['number', 'amount', 'percent', 'rollup'].includes(f.type) || (f.type === 'formula' && f.resultType === 'number')

function columnOf(form: FormModel, key: string | null | undefined): FieldModel | null {
  if (!key) return null
  try {
    const f = resolveField(form, key)
    return f.column && !f.parentFieldId ? f : null
  } catch {
    return null
  }
}

function filterColumns(form: FormModel, node: FilterNode | null | undefined, out: string[]): void {
  if (!node) return
  if ('and' in node) return node.and.forEach((n) => filterColumns(form, n, out))
  if ('or' in node) return node.or.forEach((n) => filterColumns(form, n, out))
  const f = columnOf(form, node.field)
  if (f && f.column !== 'id' && !out.includes(f.column!)) out.push(f.column!)
}

/**
 * The columns of the covering index a view's aggregate wants — grouping column, filter columns,
 * summed columns, the owner (row scope), deleted_at (so SQLite sees the index covers) — or null
 * when the view aggregates nothing (no kanban or grouping) or the index would be too wide.
 */
export function aggregateIndexColumns(form: FormModel, type: string, config: Pick<ViewConfig, 'filter' | 'groupBy' | 'kanbanField' | 'sumField' | 'columns'>): string[] | null {
  const group = columnOf(form, type === 'kanban' ? config.kanbanField : type === 'table' ? config.groupBy : null)
  if (!group || group.column === 'id' || (group.id > 0 && !GROUP_TYPES.has(group.type))) return null
  const sums: FieldModel[] = []
  if (type === 'kanban') {
    const s = columnOf(form, config.sumField)
    if (s && numeric(s)) sums.push(s)
  } else {
    // A grouped table totals its visible number columns (all fields show unless hidden).
    const hidden = new Set((config.columns ?? []).filter((c) => c.hidden).map((c) => c.field))
    for (const f of form.fields) if (f.column && !f.parentFieldId && numeric(f) && !hidden.has(f.apiKey) && !hidden.has(f.label)) sums.push(f)
  }
  const columns = [group.column!]
  filterColumns(form, config.filter, columns)
  for (const s of sums) if (!columns.includes(s.column!)) columns.push(s.column!)
  if (!columns.includes('owner_id')) columns.push('owner_id')
  columns.push('deleted_at')
  return columns.length > MAX_COLUMNS ? null : columns
}

/** Build the covering index a view's aggregate wants, unless it exists or the form has its share. Returns its name, or null. */
export function ensureAggregateIndex(db: Sqlite, form: FormModel, type: string, config: Pick<ViewConfig, 'filter' | 'groupBy' | 'kanbanField' | 'sumField' | 'columns'>): string | null {
  const columns = aggregateIndexColumns(form, type, config)
  if (!columns) return null
  const name = `${PREFIX}${form.table}_${createHash('sha1').update(columns.join(',')).digest('hex').slice(0, 10)}`
  const existing = db.prepare('SELECT name FROM pragma_index_list(?)').pluck().all(form.table) as string[]
  if (existing.includes(name)) return name
  if (existing.filter((n) => n.startsWith(PREFIX)).length >= MAX_AGGREGATE_INDEXES) return null
  db.exec(`CREATE INDEX ${ident(name)} ON ${ident(form.table)}(${columns.map(ident).join(', ')}) WHERE deleted_at IS NULL`)
  return name
}
