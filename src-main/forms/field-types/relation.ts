import { ident, type Sqlite } from '../../db/connection'
import type { Statement } from 'better-sqlite3'
import { formTable, linkTable, type FieldModel } from '../model'
import { badFilter, badFilterValue, fail } from './common'
import type { FieldTypeModule, Sql } from './types'

// A link to records of another form. Single relations keep the target id in a column; multiple
// relations use a link table l_<fieldId>(src, dst). The reverse side is read by filtering the
// linking form on this field (`{field, op: 'eq', value: targetId}`), and roll-ups aggregate it.

export interface RelationConfig { targetFormId: number; multiple: boolean }
export const relationConfig = (field: FieldModel) => field.config as unknown as RelationConfig

function idsFrom(input: unknown): unknown[] {
  const list = Array.isArray(input) ? input : [input]
  return list.map((v) => (typeof v === 'object' && v !== null ? (v as { id?: unknown }).id : v))
}

const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(',')

/** Prepared existence checks per connection and SQL text: an import links thousands of rows, and preparing is most of a check's cost. */
const checks = new WeakMap<Sqlite, Map<string, Statement>>()
function check(db: Sqlite, sql: string): Statement {
  let byText = checks.get(db)
  if (!byText) checks.set(db, (byText = new Map()))
  let statement = byText.get(sql)
  if (!statement) {
    // A few shapes per form and scope (1, 2, 3… ids); bounded so odd sizes cannot grow it forever.
    if (byText.size > 500) byText.clear()
    byText.set(sql, (statement = db.prepare(sql).pluck()))
  }
  return statement
}

export const relation: FieldTypeModule = {
  type: 'relation',
  column: 'INTEGER',
  columnFor: (field) => (relationConfig(field).multiple ? null : 'INTEGER'),
  searchable: false,
  formulaType: (field) => (relationConfig(field).multiple ? 'list' : 'number'),
  coerce(input, field, ctx) {
    const { targetFormId, multiple } = relationConfig(field)
    const raw = idsFrom(input)
    if (!multiple && raw.length > 1) return fail(field, 'value.invalidRelation', input)
    const ids = raw.map((v) => (typeof v === 'number' || (typeof v === 'string' && /^\d+$/.test(v.trim())) ? Number(v) : fail(field, 'value.invalidRelation', v)))
    const unique = [...new Set(ids)]
    if (unique.length) {
      const scope = ctx.scopeOf?.(targetFormId) ?? { sql: '1 = 1', params: [] }
      const found = check(ctx.db, `SELECT t.id FROM ${ident(formTable(targetFormId))} t WHERE t.deleted_at IS NULL AND t.id IN (${placeholders(unique.length)}) AND (${scope.sql})`)
        .all(...unique, ...scope.params) as number[]
      const missing = unique.find((id) => !found.includes(id))
      if (missing !== undefined) return fail(field, 'value.invalidRelation', missing)
    }
    return multiple ? unique : unique[0]
  },
  toApi(stored, field, ctx) {
    const one = (id: number) => ({ id, title: ctx.relationTitle(field, id) })
    if (relationConfig(field).multiple) return Array.isArray(stored) ? (stored as number[]).map(one) : []
    return typeof stored === 'number' ? one(stored) : null
  },
  toFormula: (stored) => (Array.isArray(stored) ? (stored as number[]) : typeof stored === 'number' ? stored : null),
  format: () => '',
  filter(op, value, field, ctx): Sql {
    const multiple = relationConfig(field).multiple
    const link = ident(linkTable(field.id))
    if (op === 'empty' || op === 'notEmpty') {
      if (!multiple) return { sql: `${ctx.column} IS ${op === 'empty' ? '' : 'NOT '}NULL`, params: [] }
      return { sql: `${op === 'empty' ? 'NOT ' : ''}EXISTS (SELECT 1 FROM ${link} WHERE src = ${ctx.rowId})`, params: [] }
    }
    if (op !== 'eq' && op !== 'in') return badFilter(field, op)
    const ids = idsFrom(value).map((v) => (typeof v === 'number' || (typeof v === 'string' && /^\d+$/.test(v)) ? Number(v) : badFilterValue(field)))
    if (ids.length === 0) return badFilterValue(field)
    if (!multiple) return { sql: `${ctx.column} IN (${placeholders(ids.length)})`, params: ids }
    return { sql: `EXISTS (SELECT 1 FROM ${link} WHERE src = ${ctx.rowId} AND dst IN (${placeholders(ids.length)}))`, params: ids }
  }
}
