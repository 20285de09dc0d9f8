import type { Statement } from 'better-sqlite3'
import { ident, schemaGeneration, type Sqlite } from '../db/connection'
import type { AccessLayer, HiddenFields } from '../access/access-layer'
import type { Actor } from '../access/actor'
import { fieldType } from '../forms/field-types/registry'
import type { FieldModel, FormModel } from '../forms/model'
import type { SchemaService } from '../forms/schema-service'
import type { FilterNode, RecordDto } from '../shared/api/contracts'
import { NotFoundError, ValidationError } from '../shared/errors'
import { decodeCursor, encodeCursor, resolveField, type QueryBuilder, type Sql, type SortKey } from './query-builder'
import { globalSearch } from './global-search'
import type { Serializer } from './serialize'
import type { RecordRow } from './stored'

export interface ListInput {
  form: number | string
  filter?: FilterNode
  sort?: Array<{ field: string; dir?: 'asc' | 'desc' }>
  search?: string
  limit: number
  cursor?: string
  offset?: number
  withTotal?: boolean
  totals?: string[]
}

type PageRow = RecordRow & Record<string, unknown>
const TRUE: Sql = { sql: '1 = 1', params: [] }
/**
 * How far a sorted walk reads before giving up on filling a page: at least `walkMin` rows, or
 * `walkPerRow` per row wanted (a filter matching 1 row in 200 still fills a page by walking).
 * Tests shrink the window to exercise the cut-off; nothing else changes it.
 */
export const LIST_PLAN = { walkMin: 2000, walkPerRow: 200 }

/** Read-side operations; every one goes through the query builder and the access layer. */
export class ReadService {
  /** Leading columns of each form table's indexes, per schema version. */
  private readonly indexed = new Map<string, Set<string>>()
  /** Whether a view index narrows a WHERE shape (its SQL text), per form schema version. */
  private readonly coveredBy = new Map<string, boolean>()
  /** Prepared list and count statements by SQL text: preparing costs as much as a narrow count runs. */
  private readonly statements = new Map<string, Statement>()
  /** How SQLite runs an aggregate statement (see `aggregatePlan`), per database schema cookie. */
  private readonly plans = new Map<string, 'walk' | 'ok'>()
  /** Whether a list statement runs in its sort order without a sort step (see `readsInOrder`), per database schema. */
  private readonly ordered = new Map<string, boolean>()
  constructor(
    private readonly db: Sqlite,
    private readonly schema: SchemaService,
    private readonly access: AccessLayer,
    private readonly qb: QueryBuilder,
    private readonly serializer: Serializer
  ) {}

  list(actor: Actor, input: ListInput) {
    const form = this.schema.form(input.form)
    this.access.authorize(actor, 'view', form)
    const where = this.qb.where(actor, form, input.filter, input.search)
    const hidden = this.access.hiddenFieldIds(actor, form)
    const keys = this.qb.sortKeys(form, input.sort, hidden)
    const rows = this.pageRows(actor, form, input, where, keys, hidden)
    const more = rows.length > input.limit
    const pageRows = more ? rows.slice(0, input.limit) : rows
    const last = pageRows[pageRows.length - 1]
    const nextCursor = more && last ? encodeCursor(keys.map((k, i) => (k.expr === 't.id' ? last.id : (last[`__s${i}`] as unknown)) ?? null)) : null
    const records = this.serializer.records(form, pageRows, this.access.readableFields(actor, form), actor)
    const result: { records: RecordDto[]; nextCursor: string | null; total?: number; totals?: Record<string, number | null> } = { records, nextCursor }
    if (input.withTotal) result.total = this.qb.count(where, form)
    if (input.totals?.length) result.totals = this.totals(form, where, input.totals, hidden)
    return result
  }

  /**
   * One page of rows (limit + 1, to know whether there is more), by the cheapest of three plans.
   * SQLite's planner picks the most selective-looking filter index and then sorts every match:
   * at 1M records a broad filter (a stage, a rep's own records) means sorting 100k+ rows for 50.
   * - Search with the default order: the FTS index drives, newest first, and stops at the page.
   * - Sorted walk: read the first WALK rows in sort order (an index walk) and filter those. When
   *   they hold a full page it is exactly the page a full query returns (the first matches in
   *   order); when the filter is too selective for that, fall back to
   * - the plain query, where SQLite filters by index and sorts the matches.
   */
  private pageRows(actor: Actor, form: FormModel, input: ListInput, where: Sql, keys: SortKey[], hidden: ReadonlySet<number>): PageRow[] {
    const want = input.limit + 1
    if (input.offset !== undefined) return this.offsetRows(form, input, where, keys, want)
    const cursor = input.cursor ? decodeCursor(input.cursor, keys.length) : null
    const fts = input.search?.trim() ? this.qb.ftsQuery(form, input.search.trim(), hidden) : null
    if (fts && keys.length === 1 && keys[0]!.expr === 't.id') {
      const rest = this.qb.where(actor, form, input.filter, undefined)
      const byRowid: SortKey[] = [{ expr: 's.rowid', dir: keys[0]!.dir }]
      const page = cursor ? this.qb.after(byRowid, cursor) : TRUE
      return this.statement(`SELECT t.* FROM ${ident(form.ftsTable)} s JOIN ${ident(form.table)} t ON t.id = s.rowid
        WHERE s.${ident(form.ftsTable)} MATCH ? AND ${rest.sql} AND ${page.sql} ORDER BY ${this.qb.orderBy(byRowid)} LIMIT ?`)
        .all(fts, ...rest.params, ...page.params, want) as PageRow[]
    }
    const page = cursor ? this.qb.after(keys, cursor) : TRUE
    const sortCols = sortColumns(keys)
    const orderBy = this.qb.orderBy(keys)
    const plain = `SELECT t.*${sortCols} FROM ${ident(form.table)} t WHERE ${where.sql} AND ${page.sql} ORDER BY ${orderBy} LIMIT ?`
    const plainParams = [...where.params, ...page.params, want]
    // When SQLite reads the plain query in sort order already (no sort step: the first page of
    // everything, newest first), it stops at the page; a walk could only add its window to that.
    if (this.readsInOrder(plain, plainParams)) return this.statement(plain).all(...plainParams) as PageRow[]
    const walk = Math.max(LIST_PLAN.walkMin, want * LIST_PLAN.walkPerRow)
    // A match read through an index costs a row look-up and a place in the sort; a walked row is
    // read in order, several times cheaper: the plain query wins below about a quarter of the walk.
    if (!fts && this.walkable(form, keys[0]!.expr) && !this.fewMatches(form, where, Math.ceil(walk / 4))) {
      // Descending, empty values come last; the keyset condition admits them (`OR … IS NULL`),
      // which keeps SQLite from seeking in the index. The walk leaves them out: when the values
      // before them hold a full page, that page is right; when not, the plain query runs below.
      const first = keys[0]!
      const v0 = cursor?.[0]
      const seek: Sql = first.dir === 'desc' && v0 !== null && v0 !== undefined ? { sql: `${first.expr} <= ? AND `, params: [v0] } : { sql: '', params: [] }
      const rows = this.statement(`SELECT t.*${sortCols} FROM (SELECT * FROM ${ident(form.table)} t WHERE ${seek.sql}${page.sql} ORDER BY ${orderBy} LIMIT ?) t
        WHERE ${where.sql} ORDER BY ${orderBy} LIMIT ?`).all(...seek.params, ...page.params, walk, ...where.params, want) as PageRow[]
      if (rows.length === want) return rows
    }
    return this.statement(plain).all(...plainParams) as PageRow[]
  }

  /** The database's schema cookie (moves with every table or index change), read through a kept statement. */
  /** Moves when the schema does (a view's index built, a field added): the key plans are kept under. */
  private schemaCookie(): number {
    return schemaGeneration(this.db) ?? (this.db.prepare('PRAGMA schema_version').pluck().get() as number)
  }

  /**
   * Whether SQLite runs a list statement in its ORDER BY's order, with no sort step (so it stops
   * at the LIMIT), asked once per statement and database schema (a view's new index can change it).
   */
  private readsInOrder(sql: string, params: unknown[]): boolean {
    const key = `${this.schemaCookie()}:${sql}`
    let ordered = this.ordered.get(key)
    if (ordered === undefined) {
      const details = (this.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as Array<{ detail: string }>).map((r) => r.detail)
      ordered = !details.some((d) => /TEMP B-TREE/.test(d))
      if (this.ordered.size > 500) this.ordered.clear()
      this.ordered.set(key, ordered)
    }
    return ordered
  }

  /**
   * A page by position (`offset`, for integrations that number pages): the plain query with
   * OFFSET, so SQLite steps over the skipped matches; the next page's cursor is still returned,
   * and keyset paging stays the fast path. An offset with a cursor is refused: which one counts?
   */
  private offsetRows(form: FormModel, input: ListInput, where: Sql, keys: SortKey[], want: number): PageRow[] {
    if (input.cursor) throw new ValidationError('aggregates.offsetWithCursor', { offset: 'offset', cursor: 'cursor', page: 'page' }, 'offset')
    const sortCols = sortColumns(keys)
    return this.statement(`SELECT t.*${sortCols} FROM ${ident(form.table)} t WHERE ${where.sql} ORDER BY ${this.qb.orderBy(keys)} LIMIT ? OFFSET ?`)
      .all(...where.params, want, input.offset ?? 0) as PageRow[]
  }

  /**
   * Whether fewer than `limit` records match, told cheaply: only when SQLite narrows the WHERE
   * with a view's composite index (see views/view-indexes.ts: equality and range columns, the
   * owner, live records only), which makes counting up to `limit` a short index scan. Then
   * filtering and sorting the matches beats walking the sort order, which for a narrow match (a rep's own records in one stage
   * and quarter) would read its whole window in vain before the plain query runs anyway.
   */
  private fewMatches(form: FormModel, where: Sql, limit: number): boolean {
    const sql = `SELECT COUNT(*) FROM (SELECT 1 FROM ${ident(form.table)} t WHERE ${where.sql} LIMIT ?)`
    const key = `${form.table}:${form.schemaVersion}:${sql}`
    let covered = this.coveredBy.get(key)
    if (covered === undefined) {
      const plan = (this.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...where.params, limit) as Array<{ detail: string }>).map((r) => r.detail)
      covered = plan.some((d) => /^SEARCH t USING (COVERING )?INDEX vx_/.test(d)) && !plan.some((d) => /^SCAN t\b/.test(d))
      if (this.coveredBy.size > 500) this.coveredBy.clear()
      this.coveredBy.set(key, covered)
    }
    return covered && (this.db.prepare(sql).pluck().get(...where.params, limit) as number) < limit
  }

  /** A prepared statement for a list or count query (the same text recurs: a view reopened, the next page). */
  private statement(sql: string): Statement {
    let st = this.statements.get(sql)
    if (!st) {
      if (this.statements.size >= 300) this.statements.clear()
      st = this.db.prepare(sql)
      this.statements.set(sql, st)
    }
    return st
  }

  /** Whether the leading sort key is a bare column an index starts with (or the rowid), so a walk in that order needs no sort. */
  private walkable(form: FormModel, expr: string): boolean {
    if (expr === 't.id') return true
    const key = `${form.table}:${form.schemaVersion}`
    let leading = this.indexed.get(key)
    if (!leading) {
      leading = new Set<string>()
      const indexes = this.db.prepare(`PRAGMA index_list(${ident(form.table)})`).all() as Array<{ name: string; partial: number }>
      for (const ix of indexes) {
        if (ix.partial) continue
        const first = this.db.prepare(`PRAGMA index_info(${ident(ix.name)})`).all() as Array<{ seqno: number; name: string | null }>
        const col = first.find((c) => c.seqno === 0)?.name
        if (col) leading.add(`t.${ident(col)}`)
      }
      this.indexed.set(key, leading)
    }
    return leading.has(expr)
  }

  /**
   * Count matching records, optionally per value of a field, with sums of number fields overall
   * and per group (kanban column totals, group footers, the REST aggregate route). Same access
   * rules as list: the row scope is in the WHERE, hidden fields cannot be grouped or summed.
   *
   * One statement: grouped, the overall count and sums are window totals over the groups
   * (computed before the LIMIT), not a second pass over the records. Its plan is checked once per
   * statement shape (see `aggregatePlan`): SQLite likes to walk the grouping column's own index to
   * skip a sort and then visits every row for the sums and the filter; when no index covers the
   * statement that walk is the slowest plan there is, and the grouping is taken off the index.
   * Covering indexes for the groupings and sums saved views use are built when they are saved
   * (records/aggregate-indexes.ts), widgets' by the report engine.
   */
  count(actor: Actor, input: { form: number | string; filter?: FilterNode; search?: string; groupBy?: string; sums?: string[] }) {
    const form = this.schema.form(input.form)
    this.access.authorize(actor, 'view', form)
    const hidden = this.access.hiddenFieldIds(actor, form)
    const where = this.qb.where(actor, form, input.filter, input.search)
    const sumFields = (input.sums ?? []).map((k) => this.summable(form, k, hidden))
    const sumCols = sumFields.map((f, i) => `, TOTAL(t.${ident(f.column!)}) AS s${i}, COUNT(t.${ident(f.column!)}) AS c${i}`).join('')
    const sumsOf = (row: Record<string, unknown>, prefix = '') =>
      Object.fromEntries(sumFields.map((f, i) => [f.apiKey, (row[`${prefix}c${i}`] as number) > 0 ? (row[`${prefix}s${i}`] as number) : null]))
    type Result = { total: number; sums?: Record<string, number | null>; groups?: Array<{ value: unknown; count: number; sums?: Record<string, number | null> }> }
    if (!input.groupBy) {
      const overall = this.statement(`SELECT COUNT(*) AS n${sumCols} FROM ${ident(form.table)} t WHERE ${where.sql}`).get(...where.params) as Record<string, unknown>
      const result: Result = { total: overall.n as number }
      if (sumFields.length) result.sums = sumsOf(overall)
      return result
    }
    const field = resolveField(form, input.groupBy, hidden)
    if (!field.column) throw new ValidationError('query.notSortable', { field: field.label }, field.apiKey)
    const windowCols = ['SUM(COUNT(*)) OVER () AS tn', ...sumFields.flatMap((f, i) => [`SUM(TOTAL(t.${ident(f.column!)})) OVER () AS ts${i}`, `SUM(COUNT(t.${ident(f.column!)})) OVER () AS tc${i}`])]
    const statement = (group: string) => `SELECT ${group} AS v, COUNT(*) AS n${sumCols}, ${windowCols.join(', ')}
      FROM ${ident(form.table)} t WHERE ${where.sql} GROUP BY 1 ORDER BY 2 DESC LIMIT 1000`
    const col = `t.${ident(field.column)}`
    let sql = statement(col)
    if (this.aggregatePlan(sql, where.params) === 'walk') sql = statement(`+${col}`)
    const rows = this.statement(sql).all(...where.params) as Array<Record<string, unknown> & { v: unknown; n: number }>
    const first = rows[0]
    const result: Result = { total: first ? (first.tn as number) : 0 }
    if (sumFields.length) result.sums = first ? sumsOf(first, 't') : Object.fromEntries(sumFields.map((f) => [f.apiKey, null]))
    const ctx = this.serializer.context(form, [], actor)
    result.groups = rows.map((r) => ({
      value: field.id === -1 ? r.v : fieldType(field).toApi(r.v, field, ctx),
      count: r.n,
      ...(sumFields.length ? { sums: sumsOf(r) } : {})
    }))
    return result
  }

  /**
   * How SQLite would run an aggregate, asked once per statement shape and database schema:
   * 'walk' when it scans a whole index that does not cover the statement (an index walk that
   * then reads every row: the grouping column's own index, chosen only to skip a sort), 'ok' for
   * a covering index, a narrowing search or a plain scan.
   */
  private aggregatePlan(sql: string, params: unknown[]): 'walk' | 'ok' {
    // The schema cookie moves with every index built or dropped, so a new covering index is seen.
    const key = `${this.schemaCookie()}:${sql}`
    let plan = this.plans.get(key)
    if (!plan) {
      const details = (this.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as Array<{ detail: string }>).map((r) => r.detail)
      plan = details.some((d) => /^SCAN t USING INDEX /.test(d)) ? 'walk' : 'ok'
      if (this.plans.size > 500) this.plans.clear()
      this.plans.set(key, plan)
    }
    return plan
  }

  /** A field that can be summed: number, amount, percent, roll-up, or a formula with a number result. */
  private summable(form: ReturnType<SchemaService['form']>, key: string, hidden: HiddenFields): FieldModel {
    // A field the caller may not read (hidden, or computed from what they may not read) is refused here.
    const field = resolveField(form, key, hidden)
    const numeric = ['number', 'amount', 'percent', 'rollup'].includes(field.type) || (field.type === 'formula' && field.resultType === 'number')
    if (!numeric || !field.column || field.id === -1) throw new ValidationError('query.notNumeric', { field: field.label }, field.apiKey)
    return field
  }

  get(actor: Actor, formRef: number | string, id: number, includeDeleted = false): RecordDto {
    const form = this.schema.form(formRef)
    this.access.authorize(actor, 'view', form)
    const scope = this.access.rowScope(actor, form)
    const row = this.db.prepare(`SELECT t.* FROM ${ident(form.table)} t WHERE t.id = ? AND (${scope.sql})`).get(id, ...scope.params) as RecordRow | undefined
    if (!row || (row.deleted_at !== null && !includeDeleted)) throw new NotFoundError('error.recordNotFound', { id })
    return this.serializer.records(form, [row], this.access.readableFields(actor, form), actor)[0]!
  }

  trash(actor: Actor, formRef: number | string, limit: number): RecordDto[] {
    const form = this.schema.form(formRef)
    this.access.authorize(actor, 'view', form)
    const where = this.qb.where(actor, form, undefined, undefined, true)
    const rows = this.db.prepare(`SELECT t.* FROM ${ident(form.table)} t WHERE ${where.sql} ORDER BY t.deleted_at DESC LIMIT ?`).all(...where.params, limit) as RecordRow[]
    return this.serializer.records(form, rows, this.access.readableFields(actor, form), actor)
  }

  /** The record's timeline from the change log, values in API shape. */
  history(actor: Actor, formRef: number | string, id: number) {
    const form = this.schema.form(formRef)
    this.get(actor, form.id, id, true)
    const entries = this.db.prepare('SELECT id, op, changes, actor_id, at FROM change_log WHERE form_id = ? AND record_id = ? ORDER BY clock DESC LIMIT 500')
      .all(form.id, id) as Array<{ id: number; op: 'create' | 'update' | 'delete' | 'restore'; changes: string; actor_id: number | null; at: number }>
    // Only fields the actor may read appear in the timeline (deleted fields: administrators).
    const readable = this.access.readableFields(actor, form)
    const all = new Map<number, FieldModel>([...readable, ...(actor.isAdmin ? form.deletedFields : [])].map((f) => [f.id, f]))
    // Old and new values go through one read context, so related titles and names load in a batch.
    const snapshots = entries.flatMap((e) => {
      const raw = JSON.parse(e.changes) as Record<string, [unknown, unknown]>
      return [0, 1].map((side) => new Map(Object.entries(raw).filter(([k]) => k !== 'owner').map(([k, pair]) => [Number(k), pair[side]])))
    })
    const ctx = this.serializer.context(form, snapshots, actor)
    const show = (f: FieldModel, v: unknown) => {
      if (f.type === 'subtable') return v
      // A multi-relation is logged as the linked ids: show each one's title (#id where the viewer may not see it).
      if (f.type === 'relation' && Array.isArray(v) && !v.every((x) => typeof x === 'number')) return v
      return fieldType(f).toApi(v, f, ctx)
    }
    return entries.map((e) => {
      const raw = JSON.parse(e.changes) as Record<string, [unknown, unknown]>
      const changes: Record<string, { old: unknown; new: unknown }> = {}
      for (const [key, [oldV, newV]] of Object.entries(raw)) {
        if (key === 'owner') {
          changes.owner = { old: oldV === null ? null : { id: oldV, name: ctx.userName(oldV as number) }, new: newV === null ? null : { id: newV, name: ctx.userName(newV as number) } }
          continue
        }
        const f = all.get(Number(key))
        if (f) changes[f.apiKey] = { old: show(f, oldV), new: show(f, newV) }
      }
      return { id: e.id, op: e.op, changes, actor: e.actor_id ? { id: e.actor_id, name: ctx.userName(e.actor_id) ?? `#${e.actor_id}` } : null, at: new Date(e.at).toISOString() }
    })
  }

  /** Search across all forms the actor can view, grouped by form, best first (see global-search.ts). */
  searchAll(actor: Actor, input: { q: string; limit: number; form?: number | string; offset?: number }) {
    return globalSearch({ db: this.db, schema: this.schema, access: this.access, qb: this.qb, serializer: this.serializer }, actor, input)
  }

  private totals(form: ReturnType<SchemaService['form']>, where: { sql: string; params: unknown[] }, keys: string[], hidden: HiddenFields) {
    const fields = keys.map((k) => resolveField(form, k, hidden)).filter((f) => f.column && ['number', 'amount', 'percent', 'rollup', 'formula'].includes(f.type))
    if (!fields.length) return {}
    const row = this.db.prepare(`SELECT ${fields.map((f, i) => `TOTAL(t.${ident(f.column!)}) AS s${i}`).join(', ')} FROM ${ident(form.table)} t WHERE ${where.sql}`)
      .get(...where.params) as Record<string, number>
    return Object.fromEntries(fields.map((f, i) => [f.apiKey, row[`s${i}`] ?? null]))
  }
}


/**
 * The sort values a page's next cursor is made of, as extra columns `__s<i>` — except the id,
 * which every row carries already (the default order: one column less to read per row).
 */
function sortColumns(keys: SortKey[]): string {
  return keys.map((k, i) => (k.expr === 't.id' ? '' : `, ${k.expr} AS __s${i}`)).join('')
}
