import { ident, type Sqlite } from '../db/connection'
import type { Clock } from '../clock'
import type { AccessLayer, HiddenFields } from '../access/access-layer'
import type { Actor } from '../access/actor'
import { fieldType } from '../forms/field-types/registry'
import { optionsOf } from '../forms/field-types/select'
import type { Sql } from '../forms/field-types/types'
import type { FieldModel, FormModel } from '../forms/model'
import { FIELD_OPERATORS, SYSTEM_FIELDS, type FieldType } from '../shared/field-types'
import type { FilterNode } from '../shared/api/contracts'
import { ValidationError } from '../shared/errors'

// The one query builder of the read path. Lists, counts, search, related lists, pickers, reports
// and exports compile a query description to SQL here; the access layer's row scope is always
// part of the WHERE clause. The form table is aliased `t`.

const SYSTEM_COLUMNS: Record<string, string> = {
  id: 'id', createdAt: 'created_at', updatedAt: 'updated_at', createdBy: 'created_by', updatedBy: 'updated_by', owner: 'owner_id'
}

/** System fields as field models, so filters and sorts treat them like any field. */
function systemField(form: FormModel, key: string): FieldModel | undefined {
  const sys = SYSTEM_FIELDS.find((s) => s.key === key)
  if (!sys) return undefined
  return {
    id: -1, formId: form.id, parentFieldId: null, label: key, apiKey: key, type: sys.type as FieldType, config: {}, required: false,
    unique: false, description: null, defaultValue: null, position: 0, column: SYSTEM_COLUMNS[key]!, resultType: null, deletedAt: null, visibleWhen: null, requiredWhen: null
  }
}

/**
 * A field by API key, label or system key. Fields the caller's roles hide do not exist for them;
 * a computed field hidden by the computed-field rule (its value is computed from what the caller
 * may not read) is refused by name, so a filter, sort, group or total over it says why.
 */
export function resolveField(form: FormModel, key: string, hidden: HiddenFields = NONE): FieldModel {
  const field = form.byKey.get(key) ?? form.fields.find((f) => f.label === key) ?? systemField(form, key)
  if (field && hidden.derived?.has(field.id)) throw new ValidationError('query.fieldNotReadable', { field: field.label }, key)
  if (!field || hidden.has(field.id)) throw new ValidationError('value.unknownField', { field: key }, key)
  return field
}
const NONE: HiddenFields = new Set()

export type { Sql }

export interface SortKey {
  expr: string
  dir: 'asc' | 'desc'
}

export class QueryBuilder {
  constructor(private readonly db: Sqlite, private readonly access: AccessLayer, private readonly clock: Clock) {}

  /** WHERE for live records matching filter + search, within the actor's row scope. */
  where(actor: Actor, form: FormModel, filter: FilterNode | undefined, search: string | undefined, deleted = false): Sql {
    const parts: string[] = [deleted ? 't.deleted_at IS NOT NULL' : 't.deleted_at IS NULL']
    const params: unknown[] = []
    const add = (s: Sql) => {
      parts.push(s.sql)
      params.push(...s.params)
    }
    add(this.access.rowScope(actor, form))
    const hidden = this.access.hiddenFieldIds(actor, form)
    if (filter) add(this.filter(actor, form, filter, hidden))
    if (search?.trim()) add(this.search(form, search.trim(), hidden))
    return { sql: parts.map((p) => `(${p})`).join(' AND '), params }
  }

  filter(actor: Actor, form: FormModel, node: FilterNode, hidden: HiddenFields = NONE): Sql {
    if ('and' in node || 'or' in node) {
      const list = 'and' in node ? node.and : node.or
      if (!list.length) return { sql: '1 = 1', params: [] }
      const compiled = list.map((n) => this.filter(actor, form, n, hidden))
      return { sql: compiled.map((c) => `(${c.sql})`).join('and' in node ? ' AND ' : ' OR '), params: compiled.flatMap((c) => c.params) }
    }
    const field = resolveField(form, node.field, hidden)
    if (!FIELD_OPERATORS[field.type].includes(node.op)) throw new ValidationError('query.badOperator', { field: field.label, op: node.op }, field.apiKey)
    const column = field.column ? `t.${ident(field.column)}` : 't.id'
    return fieldType(field).filter(node.op, node.value, field, { clock: this.clock, actorId: actor.id, column, rowId: 't.id' })
  }

  /**
   * Full-text search: FTS5 trigram for three characters or more (Chinese substrings included);
   * one or two characters fall back to LIKE over the searchable columns. The index holds every
   * searchable field, so a caller with hidden fields is searched by LIKE over visible ones only:
   * a hit must never reveal a hidden value.
   */
  search(form: FormModel, q: string, hidden: ReadonlySet<number> = NONE): Sql {
    const match = this.ftsQuery(form, q, hidden)
    if (match) return { sql: `t.id IN (SELECT rowid FROM ${ident(form.ftsTable)} WHERE ${ident(form.ftsTable)} MATCH ?)`, params: [match] }
    const parts: string[] = []
    const params: unknown[] = []
    const pattern = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
    for (const f of form.fields) {
      if (!fieldType(f).searchable || !f.column || hidden.has(f.id)) continue
      const col = `t.${ident(f.column)}`
      if (f.type === 'select' || f.type === 'multiselect') {
        const ids = optionsOf(f).filter((o) => o.label.includes(q)).map((o) => o.id)
        for (const id of ids) {
          parts.push(f.type === 'select' ? `${col} = ?` : `${col} LIKE ?`)
          params.push(f.type === 'select' ? id : `%"${id}"%`)
        }
      } else {
        parts.push(`${col} LIKE ? ESCAPE '\\'`)
        params.push(pattern)
      }
    }
    return parts.length ? { sql: parts.join(' OR '), params } : { sql: '0', params: [] }
  }

  /** The FTS5 MATCH expression for a search, or null when the search must use LIKE (short query, hidden searchable fields). */
  ftsQuery(form: FormModel, q: string, hidden: ReadonlySet<number> = NONE): string | null {
    if ([...q].length < 3 || form.fields.some((f) => hidden.has(f.id) && fieldType(f).searchable)) return null
    return `"${q.replace(/"/g, '""')}"`
  }

  /** ORDER BY keys; the record id is always the last key so the order is total (keyset paging). */
  sortKeys(form: FormModel, sort: Array<{ field: string; dir?: 'asc' | 'desc' }> | undefined, hidden: HiddenFields = NONE): SortKey[] {
    const keys: SortKey[] = []
    for (const s of sort ?? []) {
      const field = resolveField(form, s.field, hidden)
      if (!field.column) throw new ValidationError('query.notSortable', { field: field.label }, field.apiKey)
      const column = `t.${ident(field.column)}`
      keys.push({ expr: fieldType(field).sortExpr?.(column, field) ?? column, dir: s.dir ?? 'asc' })
      // The id is unique: keys after it can never decide anything.
      if (column === 't.id') return keys
    }
    // Newest first by default; otherwise the id breaks ties in the last key's direction, so a
    // single-column index (which ends in the rowid) serves the whole ORDER BY.
    keys.push({ expr: 't.id', dir: keys.length ? keys[keys.length - 1]!.dir : 'desc' })
    return keys
  }

  /**
   * Keyset condition: rows strictly after the cursor in the ORDER BY. SQLite orders NULL first
   * ascending and last descending; the condition follows that, so the sort index can be used.
   */
  after(keys: SortKey[], values: unknown[]): Sql {
    const ors: string[] = []
    const params: unknown[] = []
    keys.forEach((key, i) => {
      const conj: string[] = []
      const p: unknown[] = []
      for (let j = 0; j < i; j++) {
        const v = values[j]
        if (v === null) conj.push(`${keys[j]!.expr} IS NULL`)
        else {
          conj.push(`${keys[j]!.expr} = ?`)
          p.push(v)
        }
      }
      const v = values[i]
      if (v === null) {
        if (key.dir === 'desc') return
        conj.push(`${key.expr} IS NOT NULL`)
      } else if (key.dir === 'asc') {
        conj.push(`${key.expr} > ?`)
        p.push(v)
      } else {
        conj.push(`(${key.expr} < ? OR ${key.expr} IS NULL)`)
        p.push(v)
      }
      ors.push(conj.join(' AND '))
      params.push(...p)
    })
    if (!ors.length) return { sql: '0', params: [] }
    // The first key also bounds the scan, so SQLite can seek in its index instead of filtering.
    const first = keys[0]!
    const v0 = values[0]
    let bound = ''
    const boundParams: unknown[] = []
    if (v0 !== null && v0 !== undefined) {
      bound = first.dir === 'asc' ? `${first.expr} >= ? AND ` : `(${first.expr} <= ? OR ${first.expr} IS NULL) AND `
      boundParams.push(v0)
    }
    return { sql: `${bound}(${ors.map((o) => `(${o})`).join(' OR ')})`, params: [...boundParams, ...params] }
  }

  orderBy(keys: SortKey[]): string {
    return keys.map((k) => `${k.expr} ${k.dir.toUpperCase()}`).join(', ')
  }

  count(where: Sql, form: FormModel): number {
    return this.db.prepare(`SELECT COUNT(*) FROM ${ident(form.table)} t WHERE ${where.sql}`).pluck().get(...where.params) as number
  }
}

export function encodeCursor(values: unknown[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url')
}

export function decodeCursor(cursor: string, length: number): unknown[] {
  try {
    const values = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as unknown
    if (Array.isArray(values) && values.length === length && values.every((v) => v === null || ['string', 'number'].includes(typeof v))) return values
  } catch {
    // fall through to the error below
  }
  throw new ValidationError('query.badCursor', {}, 'cursor')
}
