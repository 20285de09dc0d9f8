import type { FieldDto, FilterNode, FormDto, RecordDto } from '../shared/api/core'
import { filterFieldKeys, matchFilter, type MatchField } from '../shared/filter-match'
import { fieldType } from '../forms/field-types/registry'
import { ValidationError } from '../shared/errors'

// records.list and records.count answered from the replica while the office is unreachable (the
// desktop client, src-main/lan/replica-session.ts). The replica holds a rep's share of the office
// (what sync.pull sent: their row scope, hidden fields left out), so a list is filtered, searched,
// sorted and paged in memory over the form's records as records.get shows them:
//  - filters: the same pure evaluator the record page and the write pipeline use for conditions
//    (src-main/shared/filter-match.ts), with the SQL query builder's meaning; system fields (id,
//    created/updated at and by, owner) are matched from the record's own columns;
//  - search: a case-insensitive substring over the fields the host's search reads (the field
//    type's `searchable`), not the host's full-text ranking;
//  - sort: by any field's API value (numbers as numbers, text by code point, options by label,
//    members and relations by name/title), blanks first ascending as in SQLite; the id breaks
//    ties; with no sort, records made offline first (newest first), then newest id first;
//  - paging: `offset`, or a cursor this module makes ("off:<n>"), `withTotal` and `totals`.
// What is not answered offline: a record query of another shape (a host's keyset cursor from a
// page fetched online starts again from the top) and group-by counts over member or relation
// fields group by their display name.

export interface ReplicaRow {
  record: RecordDto
  provisional: boolean
}

export interface ListQuery {
  filter?: FilterNode
  sort?: Array<{ field: string; dir?: 'asc' | 'desc' }>
  search?: string
  limit?: number
  cursor?: string
  offset?: number
  withTotal?: boolean
  totals?: string[]
}

const SYSTEM_KEYS = ['id', 'createdAt', 'updatedAt', 'createdBy', 'updatedBy', 'owner'] as const

/** The values a filter or sort reads: the record's fields plus its system columns (a field of the same key wins, as in the query builder). */
function valuesOf(r: RecordDto): Record<string, unknown> {
  return { id: r.id, createdAt: r.createdAt, updatedAt: r.updatedAt, createdBy: r.createdBy, updatedBy: r.updatedBy, owner: r.owner, ...r.fields }
}

function liveFields(form: FormDto): FieldDto[] {
  return form.fields.filter((f) => f.deletedAt === null && f.parentFieldId === null)
}

function fieldOf(form: FormDto, key: string): FieldDto | undefined {
  return liveFields(form).find((f) => f.apiKey === key) ?? liveFields(form).find((f) => f.label === key)
}

/** The key a sort or group reads: a field (by API key or label), else a system column. */
function keyOf(form: FormDto, name: string): string {
  const field = fieldOf(form, name)
  if (field) return field.apiKey
  if ((SYSTEM_KEYS as readonly string[]).includes(name)) return name
  throw new ValidationError('value.unknownField', { field: name }, name)
}

/** The text a search reads of one value (option labels, names and titles of references). */
export function textOf(v: unknown): string {
  if (v === null || v === undefined) return ''
  if (Array.isArray(v)) return v.map(textOf).join(' ')
  if (typeof v === 'object') {
    const o = v as { name?: unknown; title?: unknown; label?: unknown }
    return String(o.name ?? o.title ?? o.label ?? '')
  }
  return String(v)
}

/** SQLite's LIKE folds ASCII letters only; the host's LIKE search path does the same. */
const fold = (s: string) => s.replace(/[A-Z]/g, (c) => c.toLowerCase())

export function searchable(f: FieldDto): boolean {
  try {
    return fieldType(f).searchable === true
  } catch {
    return false
  }
}

/** A sortable key of a value: a number, a string, or null (blank). */
function sortKey(v: unknown): number | string | null {
  if (v === null || v === undefined || v === '') return null
  if (typeof v === 'number') return v
  if (typeof v === 'boolean') return v ? 1 : 0
  if (Array.isArray(v)) return v.length ? textOf(v) : null
  if (typeof v === 'object') return textOf(v)
  return String(v)
}

function compareKeys(a: number | string | null, b: number | string | null): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1
  if (typeof a === 'number' && typeof b === 'number') return a - b
  const x = String(a)
  const y = String(b)
  return x < y ? -1 : x > y ? 1 : 0
}

/** The rows a filter and a quick search select, in the replica's order. */
export function matchingRows(form: FormDto, rows: ReplicaRow[], q: { filter?: FilterNode; search?: string }, ctx: { userId: number; now: Date; timeZone: string }): ReplicaRow[] {
  return matching(form, rows, q, ctx.userId, ctx.now, ctx.timeZone)
}

function matching(form: FormDto, rows: ReplicaRow[], q: { filter?: FilterNode; search?: string }, userId: number, now: Date, timeZone: string): ReplicaRow[] {
  const fields = liveFields(form) as MatchField[]
  const words = q.search?.trim() ? fold(q.search.trim()) : null
  const searched = words ? liveFields(form).filter(searchable) : []
  if (!q.filter && !words) return rows
  // The record's system columns are laid beside its fields only when the filter reads one.
  const system = q.filter ? [...filterFieldKeys(q.filter)].some((k) => (SYSTEM_KEYS as readonly string[]).includes(k)) : false
  const ctx = { fields, userId, now, timeZone }
  return rows.filter((row) => {
    if (q.filter && !matchFilter(q.filter, system ? valuesOf(row.record) : row.record.fields, ctx)) return false
    if (words && !searched.some((f) => fold(textOf(row.record.fields[f.apiKey])).includes(words))) return false
    return true
  })
}

function order(form: FormDto, rows: ReplicaRow[], sort: ListQuery['sort']): ReplicaRow[] {
  const keys = (sort ?? []).map((s) => ({ key: keyOf(form, s.field), dir: s.dir === 'desc' ? -1 : 1 }))
  const lastDir = keys.length ? keys[keys.length - 1]!.dir : -1
  // Records made offline have negative ids: with no sort they come first, newest first.
  const idKey = (r: ReplicaRow) => (r.provisional ? Number.MAX_SAFE_INTEGER + r.record.id : r.record.id)
  // Each row's sort keys once, not once per comparison.
  const keyed = rows.map((row) => {
    const values = keys.length ? valuesOf(row.record) : null
    return { row, keys: keys.map((k) => sortKey(values![k.key])), id: idKey(row) }
  })
  keyed.sort((a, b) => {
    for (let i = 0; i < keys.length; i++) {
      const c = compareKeys(a.keys[i]!, b.keys[i]!)
      if (c) return c * keys[i]!.dir
    }
    return (a.id - b.id) * lastDir
  })
  return keyed.map((k) => k.row)
}

function sumsOf(form: FormDto, rows: ReplicaRow[], keys: string[]): Record<string, number | null> {
  const out: Record<string, number | null> = {}
  for (const key of keys) {
    const f = fieldOf(form, key)
    if (!f) throw new ValidationError('value.unknownField', { field: key }, key)
    let total = 0
    let n = 0
    for (const r of rows) {
      const v = r.record.fields[f.apiKey]
      if (typeof v === 'number' && Number.isFinite(v)) {
        total += v
        n++
      }
    }
    out[f.apiKey] = n ? total : null
  }
  return out
}

const CURSOR = /^off:(\d{1,9})$/

export function listReplica(form: FormDto, rows: ReplicaRow[], q: ListQuery, ctx: { userId: number; now: Date; timeZone: string }) {
  const found = order(form, matching(form, rows, q, ctx.userId, ctx.now, ctx.timeZone), q.sort)
  const limit = Math.min(500, Math.max(1, q.limit ?? 50))
  const start = q.cursor ? Number(CURSOR.exec(q.cursor)?.[1] ?? 0) : (q.offset ?? 0)
  const page = found.slice(start, start + limit)
  const out: { records: RecordDto[]; nextCursor: string | null; total?: number; totals?: Record<string, number | null> } = {
    records: page.map((r) => r.record),
    nextCursor: start + limit < found.length ? `off:${start + limit}` : null
  }
  if (q.withTotal) out.total = found.length
  if (q.totals?.length) out.totals = sumsOf(form, found, q.totals)
  return out
}

export function countReplica(form: FormDto, rows: ReplicaRow[], q: { filter?: FilterNode; search?: string; groupBy?: string; sums?: string[] }, ctx: { userId: number; now: Date; timeZone: string }) {
  const found = matching(form, rows, q, ctx.userId, ctx.now, ctx.timeZone)
  const sums = q.sums ?? []
  const out: { total: number; sums?: Record<string, number | null>; groups?: Array<{ value: unknown; count: number; sums?: Record<string, number | null> }> } = { total: found.length }
  if (sums.length) out.sums = sumsOf(form, found, sums)
  if (!q.groupBy) return out
  const key = keyOf(form, q.groupBy)
  const groups = new Map<string, { value: unknown; rows: ReplicaRow[] }>()
  for (const r of found) {
    const value = valuesOf(r.record)[key] ?? null
    const id = JSON.stringify(value)
    const g = groups.get(id) ?? { value, rows: [] }
    g.rows.push(r)
    groups.set(id, g)
  }
  out.groups = [...groups.values()]
    .sort((a, b) => b.rows.length - a.rows.length)
    .slice(0, 1000)
    .map((g) => ({ value: g.value, count: g.rows.length, ...(sums.length ? { sums: sumsOf(form, g.rows, sums) } : {}) }))
  return out
}
