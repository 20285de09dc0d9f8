import { createHash } from 'node:crypto'
import { ident, type Sqlite } from '../db/connection'
import type { AccessLayer } from '../access/access-layer'
import type { Actor } from '../access/actor'
import { RELATIVE_DATE_OPS } from '../forms/field-types/common'
import { summaryTables } from '../forms/physical'
import { relationConfig } from '../forms/field-types/relation'
import { optionsOf } from '../forms/field-types/select'
import type { FormModel } from '../forms/model'
import type { SchemaService } from '../forms/schema-service'
import type { Sql } from '../records/query-builder'
import type { TriggerSuspension } from '../records/write-pipeline'
import type { FilterNode } from '../shared/api/contracts'
import type { SimpleMeasure, WidgetQueryParsed } from '../shared/api/reports'
import { valueKind, type FieldScope } from './fields'

// Report summaries: a form's live records pre-aggregated for dashboards. A summary has one row
// per combination of a few low-cardinality columns — select options, members (the owner),
// checkboxes, and dates and date-times by calendar day — with the number of records and, per
// measured number column, the sum and count of its values. At 1M opportunities the funnel's
// (stage, owner, day created) summary has some 30,000 rows: a widget reads those instead of
// a million index entries.
//
// SQLite triggers on the form table keep each summary current inside the write's own
// transaction (the write pipeline's rows change; the summary follows, or the write rolls back
// with it). The summary's key columns keep the form table's column names, so a widget's
// filters, buckets and the owner condition compile over it exactly as over the records
// (`t.<column>`); only the aggregates change: COUNT(*) becomes SUM(n__), SUM(x) SUM(s__x).
// Date-time keys hold the local midnight of the day, so day-aligned date conditions (dashboard
// ranges, 本月, 最近 N 天) select the same records.
//
// A related record's field (opportunity → customer → industry) is a key too, `r__<relation
// column>__<its column>`, with the related record's owner beside it: triggers on the related
// form move its records' counts when it changes (industry edited, owner changed, deleted), and
// the owner lets each caller see the field only for related records in their scope, as the join
// over the records does (see `rows`).
//
// A summary is self-describing (its columns), named sx_<table>_<hash>, its triggers
// <name>_<what>; purging a column any of them reads drops the summary (forms/physical.ts).

/** At most this many summaries per form: each one costs every write of the form a trigger. */
const MAX_PER_FORM = 8
const KEY_TYPES: ReadonlySet<string> = new Set(['select', 'checkbox', 'member', 'date', 'datetime'])
/** A related record's fields kept as keys (no date-times: their day would need the related form's types). */
const RELATED_KEY_TYPES: ReadonlySet<string> = new Set(['select', 'checkbox', 'member', 'date'])
const SUM_PREFIX = 's__'
const COUNT_PREFIX = 'c__'

export interface SummaryShape {
  /** Key columns: the form table's names, and `r__<relation>__<column>` for a related record's. */
  keys: string[]
  /** Number columns with a sum and a count of values. */
  sums: string[]
}

export interface Summary extends SummaryShape {
  name: string
  /** Key columns holding date-times (kept as the day's local midnight). */
  days: ReadonlySet<string>
}

/** The key column of a related record's column, reached through a relation column. */
export const relatedKey = (relation: string, column: string) => `r__${relation}__${column}`
const relatedPrefix = (relation: string) => `r__${relation}__`

/** Local midnight (epoch ms) of a date-time column's day. */
function dayStart(expr: string): string {
  return `CAST(strftime('%s', date(${expr} / 1000, 'unixepoch', 'localtime'), 'utc') AS INTEGER) * 1000`
}

const TABLE_REF = /\bt\.("(?:[^"]|"")+"|\w+)/g
const RELATED_REF = /\b(r\d+)\.("(?:[^"]|"")+"|\w+)/g
const OTHER_ALIAS = /\b(?:r\d+|s)\./
const unquote = (name: string) => (name.startsWith('"') ? name.slice(1, -1).replace(/""/g, '"') : name)

/**
 * The summary a widget query could be answered from: its grouping, filter and owner columns as
 * keys — and its date field when `dated` (a dashboard date range or the widget's period applies;
 * without one a summary without days is far smaller) — and its summed/averaged/counted number
 * columns as sums. Null when a summary cannot answer it (sub-table rows, a field two relations
 * away, min/max/distinct, a high-cardinality key such as text or an amount, a date-time compared
 * with a precise instant).
 */
export function summaryShape(scope: FieldScope, query: WidgetQueryParsed, dated = true): SummaryShape | null {
  if (scope.source) return null
  const keys = new Set<string>(['owner_id'])
  const sums = new Set<string>()
  const key = (path: string): boolean => {
    // A multiple relation (意向产品) has no column to keep: such widgets read the records.
    if (scope.isLinks(path)) return false
    const r = scope.resolve(path)
    const parts = path.split('.')
    if (r.department) {
      // A member's department reads the member column: `(SELECT department_id … t.<member>)`.
      const first = scope.resolve(parts[0]!)
      if (parts.length !== 2 || !first.base || !first.field.column) return false
      keys.add(first.field.column)
      return true
    }
    if (!r.base) {
      if (parts.length !== 2 || r.child || !r.field.column || !RELATED_KEY_TYPES.has(r.field.type)) return false
      const relation = scope.resolve(parts[0]!)
      if (!relation.base || !relation.field.column) return false
      keys.add(relatedKey(relation.field.column, r.field.column)).add(relatedKey(relation.field.column, 'owner_id'))
      return true
    }
    if (!r.field.column || !KEY_TYPES.has(r.field.type)) return false
    keys.add(r.field.column)
    return true
  }
  const filter = (node: FilterNode | undefined): boolean => {
    if (!node) return true
    if ('and' in node) return node.and.every(filter)
    if ('or' in node) return node.or.every(filter)
    if (!key(node.field)) return false
    return dayAligned(scope, node)
  }
  const measure = (m: SimpleMeasure): boolean => {
    if (!['count', 'sum', 'avg'].includes(m.agg)) return false
    if (m.field) {
      const r = scope.resolve(m.field)
      if (!r.base || !r.field.column || valueKind(r) !== 'number') return false
      sums.add(r.field.column)
    }
    return filter(m.filter)
  }
  const measures = query.measures.length ? query.measures : [{ agg: 'count' as const }]
  for (const m of measures) if (!(m.agg === 'ratio' ? measure(m.numerator) && measure(m.denominator) : measure(m))) return null
  if (!query.dimensions.every((d) => !d.ranges && key(d.field))) return null
  if (!filter(query.filter) || (dated && !key(query.dateField ?? 'createdAt'))) return null
  return { keys: [...keys].sort(), sums: [...sums].sort() }
}

/** A condition on a date-time that a day-granular key answers exactly (relative days, emptiness). */
export function dayAligned(scope: FieldScope, node: FilterNode): boolean {
  if ('and' in node) return node.and.every((n) => dayAligned(scope, n))
  if ('or' in node) return node.or.every((n) => dayAligned(scope, n))
  if (valueKind(scope.resolve(node.field)) !== 'datetime') return true
  return RELATIVE_DATE_OPS.has(node.op) || node.op === 'empty' || node.op === 'notEmpty'
}

export class ReportSummaries {
  private readonly known = new Map<string, Summary[]>()

  constructor(private readonly db: Sqlite, private readonly schema: SchemaService, private readonly access: AccessLayer) {}

  /** The summaries kept for a form (read from the schema: a summary's columns describe it). */
  list(form: FormModel): Summary[] {
    const cacheKey = `${form.id}:${form.schemaVersion}`
    const cached = this.known.get(cacheKey)
    if (cached) return cached
    const dateTimes = dateTimeColumns(form)
    const list = summaryTables(this.db, form.table).map((name): Summary => {
      const columns = this.db.prepare('SELECT name FROM pragma_table_info(?) ORDER BY cid').pluck().all(name) as string[]
      const keys = columns.filter((c) => c !== 'k__' && c !== 'n__' && !c.startsWith(SUM_PREFIX) && !c.startsWith(COUNT_PREFIX))
      return { name, keys, sums: columns.filter((c) => c.startsWith(SUM_PREFIX)).map((c) => c.slice(SUM_PREFIX.length)), days: new Set(keys.filter((k) => dateTimes.has(k))) }
    })
    if (this.known.size > 200) this.known.clear()
    this.known.set(cacheKey, list)
    return list
  }

  /**
   * Keep a summary of this shape (unless one with at least its keys and sums exists, or the form
   * has its maximum): create the table, fill it from the live records, add the triggers.
   */
  ensure(form: FormModel, shape: SummaryShape): void {
    const existing = this.list(form)
    if (existing.some((s) => covers(s, shape) && s.keys.length === shape.keys.length)) return
    if (existing.length >= MAX_PER_FORM) return
    const name = `sx_${form.table}_${createHash('sha1').update(`${shape.keys.join(',')}|${shape.sums.join(',')}`).digest('hex').slice(0, 10)}`
    const relations = this.relations(form, shape)
    const keyOf = keyExpressions(shape, relations, dateTimeColumns(form))
    const sumCols = shape.sums.flatMap((c) => [SUM_PREFIX + c, COUNT_PREFIX + c]).map(ident)
    const cols = ['k__', ...shape.keys.map(ident), 'n__', ...sumCols].join(', ')
    const summary = ident(name)
    const table = ident(form.table)
    const upsert = `ON CONFLICT (k__) DO UPDATE SET n__ = n__ + excluded.n__${sumCols.map((c) => `, ${c} = ${c} + excluded.${c}`).join('')}`
    const measures = (row: string, sign: '' | '-') => ['1', ...shape.sums.flatMap((c) => [`ifnull(${row}.${ident(c)}, 0)`, `(${row}.${ident(c)} IS NOT NULL)`])].map((v) => `${sign}${v}`)
    const add = (row: string) => {
      // Each key computed once (a related field is a look-up), then used for the row key and its column.
      const names = shape.keys.map((_, i) => `k${i}`)
      return `INSERT INTO ${summary} (${cols}) SELECT json_array(${names.join(', ')}), ${names.join(', ')}, ${measures(row, '').join(', ')}
        FROM (SELECT ${keyOf(row).map((k, i) => `${k} AS k${i}`).join(', ')}) WHERE ${row}.deleted_at IS NULL ${upsert};`
    }
    const remove = (row: string) => {
      const key = `json_array(${keyOf(row).join(', ')})`
      const sets = ['n__', ...sumCols].map((c, i) => `${c} = ${c} - ${measures(row, '')[i]}`).join(', ')
      return `UPDATE ${summary} SET ${sets} WHERE ${row}.deleted_at IS NULL AND k__ = ${key};
        DELETE FROM ${summary} WHERE n__ <= 0 AND k__ = ${key};`
    }
    // A related record changed: its records' counts leave their old key for the new one, grouped.
    const grouped = (relation: string, value: (column: string) => string, match: string) => {
      const keys = keyOf('t', { relation, value })
      const totals = shape.sums.flatMap((c, i) => [`total(t.${ident(c)}) AS m${2 * i + 1}`, `COUNT(t.${ident(c)}) AS m${2 * i + 2}`])
      return `SELECT json_array(${keys.join(', ')}) AS k, ${keys.join(', ')}, ${['COUNT(*) AS m0', ...totals].join(', ')}
        FROM ${table} t WHERE t.${ident(relation)} = ${match} AND t.deleted_at IS NULL GROUP BY 1`
    }
    const move = (relation: string, before: (column: string) => string, after: (column: string) => string, match: string) => {
      const sets = ['n__', ...sumCols].map((c, i) => `${c} = ${summary}.${c} - g.m${i}`).join(', ')
      return `UPDATE ${summary} SET ${sets} FROM (${grouped(relation, before, match)}) AS g WHERE ${summary}.k__ = g.k;
        INSERT INTO ${summary} (${cols}) SELECT * FROM (${grouped(relation, after, match)}) WHERE true ${upsert};`
    }
    const watched = [...new Set([...shape.keys.map((k) => relations.find((r) => k.startsWith(relatedPrefix(r.relation)))?.relation ?? k), ...shape.sums, 'deleted_at'])].map(ident)
    // An update names columns it does not change (the pipeline always sets the owner): only a changed one moves counts.
    const changed = (columns: string[]) => `WHEN ${columns.map((c) => `OLD.${c} IS NOT NEW.${c}`).join(' OR ')}`
    this.db.transaction(() => {
      this.db.exec(`CREATE TABLE ${summary} (k__ TEXT PRIMARY KEY, ${shape.keys.map(ident).join(', ')}, n__ INTEGER NOT NULL${sumCols.map((c) => `, ${c} REAL NOT NULL DEFAULT 0`).join('')}) WITHOUT ROWID`)
      this.db.exec(this.fillSql(form, { ...shape, name }))
      // A rep's widgets read their own rows.
      this.db.exec(`CREATE INDEX ${ident(`${name}_owner`)} ON ${summary}(owner_id)`)
      this.db.exec(`CREATE TRIGGER ${ident(`${name}_ins`)} AFTER INSERT ON ${table} BEGIN ${add('NEW')} END`)
      this.db.exec(`CREATE TRIGGER ${ident(`${name}_upd`)} AFTER UPDATE OF ${watched.join(', ')} ON ${table} ${changed(watched)} BEGIN ${remove('OLD')} ${add('NEW')} END`)
      this.db.exec(`CREATE TRIGGER ${ident(`${name}_del`)} AFTER DELETE ON ${table} BEGIN ${remove('OLD')} END`)
      for (const rel of relations) {
        const used = [...new Set([...rel.columns, 'owner_id', 'deleted_at'])].map(ident)
        const live = (row: string) => (c: string) => `CASE WHEN ${row}.deleted_at IS NULL THEN ${row}.${ident(c)} END`
        this.db.exec(`CREATE TRIGGER ${ident(`${name}_${rel.relation}_upd`)} AFTER UPDATE OF ${used.join(', ')} ON ${ident(rel.table)} ${changed(used)} BEGIN ${move(rel.relation, live('OLD'), live('NEW'), 'NEW.id')} END`)
        this.db.exec(`CREATE TRIGGER ${ident(`${name}_${rel.relation}_del`)} AFTER DELETE ON ${ident(rel.table)} BEGIN ${move(rel.relation, live('OLD'), () => 'NULL', 'OLD.id')} END`)
      }
    })()
    this.known.clear()
  }

  /** The statement that fills an empty summary from the form's live records (a full rebuild). */
  private fillSql(form: FormModel, summary: SummaryShape & { name: string }): string {
    const keys = keyExpressions(summary, this.relations(form, summary), dateTimeColumns(form))('t')
    const cols = ['k__', ...summary.keys.map(ident), 'n__', ...summary.sums.flatMap((c) => [SUM_PREFIX + c, COUNT_PREFIX + c]).map(ident)].join(', ')
    return `INSERT INTO ${ident(summary.name)} (${cols})
        SELECT json_array(${keys.join(', ')}), ${keys.join(', ')}, COUNT(*)${summary.sums.map((c) => `, total(t.${ident(c)}), COUNT(t.${ident(c)})`).join('')}
        FROM ${ident(form.table)} t WHERE t.deleted_at IS NULL GROUP BY ${keys.join(', ')}`
  }

  /** A summary emptied and filled again from the records, in one transaction (a repair; the tests' reference). */
  rebuild(form: FormModel, summary: Summary): void {
    this.db.transaction(() => {
      this.db.exec(`DELETE FROM ${ident(summary.name)}`)
      this.db.exec(this.fillSql(form, summary))
    })()
  }

  /**
   * A form's summaries without their insert triggers, for one bulk write (an import's batch) inside
   * its transaction: a table with any insert trigger has SQLite keep a statement journal of every
   * page each insert touches (its row, every index, every summary), which was most of an import's
   * time. The writer inserts the records; `resume` then adds them to every summary in one grouped
   * statement per summary — exactly what the triggers would have added, row by row — and creates
   * the triggers again from their own stored text, in the same transaction, so no reader ever sees
   * the summaries without the rows (a rollback takes back the records, the drop and the sums).
   * Before anything else changes the form's records (an update, a delete) or a related record a
   * summary groups them by, the writer resumes first: those triggers read the summaries as complete.
   * Null when the form keeps no summary.
   */
  suspendInserts(form: FormModel): TriggerSuspension | null {
    const summaries = this.list(form)
    if (!summaries.length) return null
    const own = new Set(summaries.map((s) => `${s.name}_ins`))
    const triggers = (this.db.prepare("SELECT name, tbl_name AS tbl, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE ? ESCAPE '\\'").all(`${likeEscape(`sx_${form.table}_`)}%`) as Array<{ name: string; tbl: string; sql: string }>)
    const inserts = triggers.filter((t) => t.tbl === form.table && own.has(t.name))
    if (inserts.length !== summaries.length) return null
    // Triggers on other forms' tables that regroup this form's records (a customer's industry changed).
    const watched = new Map<string, Set<string> | 'all'>()
    for (const t of triggers) {
      // A record is never deleted for good inside a write (deletes are soft: an update of deleted_at).
      if (t.tbl === form.table || /\bAFTER DELETE ON /.test(t.sql)) continue
      const of = /\bAFTER UPDATE OF (.+?) ON /.exec(t.sql)
      const columns = of ? of[1]!.split(',').map((c) => unquote(c.trim())) : null
      const known = watched.get(t.tbl)
      if (!columns || known === 'all') watched.set(t.tbl, 'all')
      else watched.set(t.tbl, new Set([...(known ?? []), ...columns]))
    }
    const dateTimes = dateTimeColumns(form)
    const adds = summaries.map((s) => {
      const keys = keyExpressions(s, this.relations(form, s), dateTimes)('t')
      const sumCols = s.sums.flatMap((c) => [SUM_PREFIX + c, COUNT_PREFIX + c]).map(ident)
      const cols = ['k__', ...s.keys.map(ident), 'n__', ...sumCols].join(', ')
      const upsert = `ON CONFLICT (k__) DO UPDATE SET n__ = n__ + excluded.n__${sumCols.map((c) => `, ${c} = ${c} + excluded.${c}`).join('')}`
      return `INSERT INTO ${ident(s.name)} (${cols}) SELECT * FROM (SELECT json_array(${keys.join(', ')}) AS k, ${keys.map((k, i) => `${k} AS k${i}`).join(', ')}, COUNT(*) AS n${s.sums.map((c, i) => `, total(t.${ident(c)}) AS s${i}, COUNT(t.${ident(c)}) AS c${i}`).join('')}
        FROM ${ident(form.table)} t WHERE t.id IN (SELECT value FROM json_each(?)) AND t.deleted_at IS NULL GROUP BY 1) WHERE true ${upsert}`
    })
    for (const t of inserts) this.db.exec(`DROP TRIGGER ${ident(t.name)}`)
    let open = true
    return {
      table: form.table,
      needs: (table, columns) => {
        if (table === form.table) return true
        const w = watched.get(table)
        return w === 'all' || (w !== undefined && columns.some((c) => w.has(c)))
      },
      resume: (inserted) => {
        if (!open) return
        open = false
        if (inserted.size) {
          const ids = JSON.stringify([...inserted])
          for (const sql of adds) this.db.prepare(sql).run(ids)
        }
        for (const t of inserts) this.db.exec(t.sql)
      }
    }
  }

  /**
   * How many rows a summary of this shape could reach: the product of its keys' distinct values
   * (options of a select, people for a member, two years of days for a date).
   */
  estimate(form: FormModel, shape: SummaryShape): number {
    // Owners: the users so far, but at least a small firm's sales team (a dashboard is often
    // installed before the team is added).
    const people = Math.max((this.db.prepare('SELECT COUNT(*) FROM users').pluck().get() as number) + 1, 20)
    const fieldOf = (owner: FormModel, column: string) => owner.fields.find((f) => f.column === column)
    let rows = 1
    for (const key of shape.keys) {
      const rel = this.relations(form, { keys: [key], sums: [] })[0]
      const owner = rel ? this.schema.form(relationConfig(form.fields.find((f) => f.column === rel.relation)!).targetFormId) : form
      const column = rel ? rel.columns[0]! : key
      const field = fieldOf(owner, column)
      const type = field?.type ?? (column === 'created_at' || column === 'updated_at' ? 'datetime' : 'member')
      rows *= type === 'select' ? optionsOf(field!).length + 1 : type === 'checkbox' ? 3 : type === 'member' ? people : 730
    }
    return rows
  }

  /** The relations a shape's related keys go through: relation column, related table, its columns. */
  private relations(form: FormModel, shape: SummaryShape): Array<{ relation: string; table: string; columns: string[] }> {
    const out: Array<{ relation: string; table: string; columns: string[] }> = []
    for (const field of form.fields) {
      if (field.type !== 'relation' || !field.column) continue
      const columns = shape.keys.filter((k) => k.startsWith(relatedPrefix(field.column!))).map((k) => k.slice(relatedPrefix(field.column!).length))
      if (columns.length) out.push({ relation: field.column, table: this.schema.form(relationConfig(field).targetFormId).table, columns })
    }
    return out
  }

  /**
   * The rows a widget query aggregates when answered from `summary` for this actor, as a FROM
   * item aliased `t` with the summary's key columns, `<alias>__<column>` for each related
   * column the query reads through a join alias, and the counts and sums:
   *  - the summary rows inside the actor's owner scope, a related column shown only where the
   *    related record's owner is in the actor's scope on that form (the join shows no other);
   *  - for scopes that include records shared with the actor, those shared records the owner
   *    condition leaves out, read from the form table;
   *  - for a related form shared likewise, the records whose related record is shared with the
   *    actor but not in their owner scope: taken off the empty value, put under the real one.
   * Null when a scope is not decided by owners (a custom scope filter), or for two relations
   * whose related records are shared.
   */
  rows(actor: Actor, form: FormModel, summary: Summary, related: Array<{ alias: string; on: string; target: FormModel }>): Sql | null {
    const scope = this.access.ownerScope(actor, form)
    if (!scope) return null
    const joins: Array<{ alias: string; form: FormModel; relation: string; scope: { owner: Sql; collaborators: boolean }; columns: string[] }> = []
    for (const j of related) {
      const relation = /^t\."?([^".]+)"?$/.exec(j.on)?.[1]
      const target = this.access.ownerScope(actor, j.target)
      if (!relation || !target) return null
      const columns = summary.keys.filter((k) => k.startsWith(relatedPrefix(relation)) && k !== relatedKey(relation, 'owner_id')).map((k) => k.slice(relatedPrefix(relation).length))
      joins.push({ alias: j.alias, form: j.target, relation, scope: target, columns })
    }
    const shared = joins.filter((j) => j.scope.collaborators)
    if (shared.length > 1) return null
    const ownedBy = (sql: Sql, column: string): Sql => ({ sql: sql.sql.replace(/\bt\.owner_id\b/g, column), params: sql.params })
    const sums = summary.sums.flatMap((c) => [SUM_PREFIX + c, COUNT_PREFIX + c]).map(ident)
    const parts: Sql[] = []
    // 1. The summary rows.
    const relatedCols: Sql[] = joins.flatMap((j) => j.columns.map((c) => {
      const value = `t.${ident(relatedKey(j.relation, c))}`
      if (j.scope.owner.sql === '1 = 1') return { sql: `${value} AS ${ident(`${j.alias}__${c}`)}`, params: [] }
      const visible = ownedBy(j.scope.owner, `t.${ident(relatedKey(j.relation, 'owner_id'))}`)
      return { sql: `CASE WHEN ${visible.sql} THEN ${value} END AS ${ident(`${j.alias}__${c}`)}`, params: visible.params }
    }))
    const head = [...summary.keys.map((k) => `t.${ident(k)}`)]
    parts.push({
      sql: `SELECT ${[...head, ...relatedCols.map((c) => c.sql), 't.n__', ...sums.map((c) => `t.${c}`)].join(', ')} FROM ${ident(summary.name)} t WHERE t.n__ > 0 AND (${scope.owner.sql})`,
      params: [...relatedCols.flatMap((c) => c.params), ...scope.owner.params]
    })
    // Rows read from the form table: the same keys, related columns from a join per relation.
    const fromRecords = (values: (j: (typeof joins)[number], c: string) => Sql, sign: '' | '-', where: Sql, joinsSql = ''): Sql => {
      // A related record's raw key columns are never read by a query (it reads `<alias>__<column>`).
      const keys = summary.keys.map((k) => (k.startsWith('r__') ? 'NULL' : summary.days.has(k) ? dayStart(`t.${ident(k)}`) : `t.${ident(k)}`))
      const rel = joins.flatMap((j) => j.columns.map((c) => values(j, c)))
      const measures = ['1', ...summary.sums.flatMap((c) => [`ifnull(t.${ident(c)}, 0)`, `(t.${ident(c)} IS NOT NULL)`])].map((v) => `${sign}${v}`)
      return {
        sql: `SELECT ${[...keys, ...rel.map((r, i) => `${r.sql} AS ${ident(`${joins.flatMap((j) => j.columns.map((c) => `${j.alias}__${c}`))[i]}`)}`), ...measures].join(', ')}
          FROM ${ident(form.table)} t${joinsSql} WHERE t.deleted_at IS NULL AND ${where.sql}`,
        params: [...rel.flatMap((r) => r.params), ...where.params]
      }
    }
    const sharedWith = (formId: number, column: string): Sql => ({ sql: `${column} IN (SELECT c.record_id FROM collaborators c WHERE c.form_id = ? AND c.user_id = ?)`, params: [formId, actor.id] })
    const relatedJoin = joins.map((j, i) => ` LEFT JOIN ${ident(j.form.table)} x${i} ON x${i}.id = t.${ident(j.relation)} AND x${i}.deleted_at IS NULL`).join('')
    // 2. Records shared with the actor that the owner scope leaves out.
    if (scope.collaborators) {
      const notOwned = { sql: `${sharedWith(form.id, 't.id').sql} AND NOT ifnull(${scope.owner.sql}, 0)`, params: [...sharedWith(form.id, 't.id').params, ...scope.owner.params] }
      parts.push(fromRecords((j, c) => {
        const i = joins.indexOf(j)
        const x = `x${i}`
        if (j.scope.owner.sql === '1 = 1') return { sql: `${x}.${ident(c)}`, params: [] }
        const own = ownedBy(j.scope.owner, `${x}.owner_id`)
        const viaShare = j.scope.collaborators ? sharedWith(j.form.id, `${x}.id`) : { sql: '0', params: [] }
        return { sql: `CASE WHEN ifnull(${own.sql}, 0) OR ${viaShare.sql} THEN ${x}.${ident(c)} END`, params: [...own.params, ...viaShare.params] }
      }, '', notOwned, relatedJoin))
    }
    // 3. Related records shared with the actor outside their owner scope: off the empty value, onto theirs.
    for (const j of shared) {
      const x = `x${joins.indexOf(j)}`
      const own = ownedBy(j.scope.owner, `${x}.owner_id`)
      // Driven by the shared related records' ids (the relation column's index), not by the owner's records.
      const viaRelation = sharedWith(j.form.id, `t.${ident(j.relation)}`)
      const where = { sql: `${viaRelation.sql} AND (${scope.owner.sql}) AND NOT ifnull(${own.sql}, 0)`, params: [...viaRelation.params, ...scope.owner.params, ...own.params] }
      const valueOf = (real: boolean) => (k: (typeof joins)[number], c: string): Sql => (k === j && !real ? { sql: 'NULL', params: [] } : k === j ? { sql: `${x}.${ident(c)}`, params: [] } : { sql: `x${joins.indexOf(k)}.${ident(c)}`, params: [] })
      parts.push(fromRecords(valueOf(false), '-', where, relatedJoin), fromRecords(valueOf(true), '', where, relatedJoin))
    }
    return { sql: `(${parts.map((p) => p.sql).join(' UNION ALL ')}) t`, params: parts.flatMap((p) => p.params) }
  }
}

/**
 * The value of each key of a summary for a record `row` of the form (a related record's field is a
 * look-up, a date-time its day); `related` overrides a relation's columns.
 */
function keyExpressions(shape: SummaryShape, relations: Array<{ relation: string; table: string }>, dateTimes: ReadonlySet<string>) {
  return (row: string, related?: { relation: string; value: (column: string) => string }): string[] => shape.keys.map((k) => {
    for (const rel of relations) {
      if (!k.startsWith(relatedPrefix(rel.relation))) continue
      const column = k.slice(relatedPrefix(rel.relation).length)
      if (related?.relation === rel.relation) return related.value(column)
      return `(SELECT r.${ident(column)} FROM ${ident(rel.table)} r WHERE r.id = ${row}.${ident(rel.relation)} AND r.deleted_at IS NULL)`
    }
    return dateTimes.has(k) ? dayStart(`${row}.${ident(k)}`) : `${row}.${ident(k)}`
  })
}

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`)

/** Columns of a form holding date-times (epoch ms): the system times and date-time fields. */
function dateTimeColumns(form: FormModel): Set<string> {
  return new Set(['created_at', 'updated_at', ...form.fields.filter((f) => f.type === 'datetime' && f.column).map((f) => f.column!)])
}

/** Whether a summary has every key and sum of a shape. */
export function covers(summary: SummaryShape, shape: SummaryShape): boolean {
  return shape.keys.every((k) => summary.keys.includes(k)) && shape.sums.every((c) => summary.sums.includes(c))
}

/**
 * A statement compiled over summary rows (`rows`), its related columns read as the rows name
 * them (`r1."c_16"` → `t."r1__c_16"`); null unless it reads only what the rows have: every `t.`
 * column is a key, a related column the rows carry or a count/sum, and no other alias (sub-table
 * rows) or record id appears.
 */
export function overSummary(summary: Summary, sql: string, rows: Sql, related: Array<{ alias: string; on: string }>): string | null {
  const body = sql.split(rows.sql)
  const aliases = new Set(related.map((r) => r.alias))
  const allowed = new Set(['n__', ...summary.keys, ...summary.sums.flatMap((c) => [SUM_PREFIX + c, COUNT_PREFIX + c])])
  for (const r of related) {
    const relation = /^t\."?([^".]+)"?$/.exec(r.on)?.[1]
    if (relation) for (const k of summary.keys) if (k.startsWith(relatedPrefix(relation)) && k !== relatedKey(relation, 'owner_id')) allowed.add(`${r.alias}__${k.slice(relatedPrefix(relation).length)}`)
  }
  let ok = true
  const rewritten = body.map((part) => part.replace(RELATED_REF, (_m, alias: string, column: string) => {
    if (!aliases.has(alias)) ok = false
    return `t.${ident(`${alias}__${unquote(column)}`)}`
  }))
  if (!ok) return null
  for (const part of rewritten) {
    if (OTHER_ALIAS.test(part)) return null
    for (const m of part.matchAll(TABLE_REF)) if (!allowed.has(unquote(m[1]!))) return null
  }
  return rewritten.join(rows.sql)
}

/** The summary column a measure's value reads: the record count, or a number column's sum or count. */
export function summaryValue(m: SimpleMeasure, column: string | null): string {
  if (!column) return 't.n__'
  return `t.${ident((m.agg === 'count' ? COUNT_PREFIX : SUM_PREFIX) + column)}`
}
