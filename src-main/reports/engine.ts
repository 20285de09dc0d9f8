import dayjs from 'dayjs'
import { createHash } from 'node:crypto'
import { ident, type Sqlite } from '../db/connection'
import type { Actor } from '../access/actor'
import type { Organization } from '../access/organization'
import type { EventBus } from '../events'
import { createIndex } from '../forms/physical'
import { optionsOf } from '../forms/field-types/select'
import { relationConfig } from '../forms/field-types/relation'
import { subTable, type FieldModel, type FormModel } from '../forms/model'
import type { Sql } from '../records/query-builder'
import {
  widgetQuery,
  type ChartType,
  type DashboardFilters,
  type MeasureSpec,
  type Period,
  type WidgetQuery,
  type WidgetQueryParsed,
  type WidgetResult
} from '../shared/api/reports'
import type { FilterNode } from '../shared/api/contracts'
import { translate, type Locale } from '../shared/locales'
import { ValidationError } from '../shared/errors'
import { ReadPool } from '../db/read-pool'
import { chartType } from './charts/registry'
import { bucketExpr, compileAggregate, dayExpr, measureSql, type CompileOptions, type Compiled, type Dim, type Measure } from './compile'
import { covers as coversShape, dayAligned, overSummary, ReportSummaries, summaryShape } from './summaries'
import { FieldScope, valueKind, type ReportDeps, type Resolved } from './fields'
import { bucketRange, Labeler } from './labels'

// The report engine: runs widget queries (one SQL aggregate each, inside the caller's row scope
// and field masks), caches results per (query, caller, data version) and turns a clicked point
// back into the record list filter behind it.

export interface RunInput {
  type: ChartType
  query: WidgetQuery | WidgetQueryParsed
  filters?: DashboardFilters
}

interface CacheEntry {
  result: WidgetResult
  versions: string
  forms: number[]
}

const CACHE_SIZE = 500
/** Covering indexes the report engine keeps per form table (each costs every write a little). */
const MAX_COVERING = 6
/** A dated summary that could pass this many rows gets an undated twin for widgets without a date range. */
const SUMMARY_ROWS = 200_000
const SYSTEM_COLUMNS: Record<string, string> = { createdAt: 'created_at', updatedAt: 'updated_at', createdBy: 'created_by', updatedBy: 'updated_by', owner: 'owner_id' }
type Key = string | number | null
type Rows = Array<Record<string, unknown>>

/** One widget query ready to execute: its one statement, the forms it reads, and how its rows become the result. */
interface Planned {
  sql: Sql
  forms: Set<number>
  finish(rows: Rows): WidgetResult
  /** Reads summary rows only: quick enough for the calling thread, no queue behind long scans. */
  light?: boolean
}

export class ReportEngine {
  private readonly cache = new Map<string, CacheEntry>()
  /** Per form: bumped by every committed write (record events), so cached results go stale. */
  private readonly versions = new Map<number, number>()
  private worker: ReadPool | null = null
  private readonly summaries: ReportSummaries

  constructor(private readonly db: Sqlite, private readonly deps: ReportDeps & { org: Organization }, events: EventBus) {
    this.summaries = new ReportSummaries(db, deps.schema, deps.access)
    events.on((e) => {
      if (e.type.startsWith('record.')) this.versions.set(e.formId, (this.versions.get(e.formId) ?? 0) + 1)
    })
  }

  /** The data version of a form: its writes and its schema. */
  dataVersion(formId: number): string {
    return `${formId}:${this.deps.schema.form(formId).schemaVersion}:${this.versions.get(formId) ?? 0}`
  }

  /**
   * Run a widget query on this thread (tests, benchmarks, small data); `fresh` skips the cache
   * lookup (benchmarks measure the query itself). The API uses `runAsync`.
   */
  run(actor: Actor, input: RunInput, locale: Locale = 'zh-CN', options: { fresh?: boolean } = {}): WidgetResult {
    const started = performance.now()
    const prepared = this.prepare(actor, input, locale, options)
    if ('hit' in prepared) return { ...prepared.hit, cached: true, ms: performance.now() - started }
    const rows = this.db.prepare(prepared.planned.sql.sql).all(...prepared.planned.sql.params) as Rows
    return { ...this.store(prepared, rows), cached: false, ms: performance.now() - started }
  }

  /**
   * Run a widget query with its statement executed by the worker thread (its own read-only
   * connection), so a long aggregate never blocks the main thread: the compilation, access
   * checks and labels stay here.
   */
  async runAsync(actor: Actor, input: RunInput, locale: Locale = 'zh-CN'): Promise<WidgetResult> {
    const started = performance.now()
    const prepared = this.prepare(actor, input, locale, {})
    if ('hit' in prepared) return { ...prepared.hit, cached: true, ms: performance.now() - started }
    const { sql, light } = prepared.planned
    const rows = light ? (this.db.prepare(sql.sql).all(...sql.params) as Rows) : await this.scanner().query<Record<string, unknown>>(sql.sql, sql.params)
    return { ...this.store(prepared, rows), cached: false, ms: performance.now() - started }
  }

  /** Start the worker thread before the widgets need it (a dashboard is being opened). */
  warm(): void {
    this.scanner().warm()
  }

  private scanner(): ReadPool {
    this.worker ??= new ReadPool(this.db.name)
    return this.worker
  }

  async close(): Promise<void> {
    await this.worker?.close()
    this.worker = null
  }

  /** Today's date (local time) for the cache key: formatted once a day, not per widget (dayjs showed in the profile under load). */
  private day = { from: 0, to: -1, text: '' }
  private today(): string {
    const now = this.deps.clock.now()
    if (now < this.day.from || now >= this.day.to) {
      const start = dayjs(now).startOf('day')
      this.day = { from: start.valueOf(), to: start.add(1, 'day').valueOf(), text: start.format('YYYY-MM-DD') }
    }
    return this.day.text
  }

  private prepare(actor: Actor, input: RunInput, locale: Locale, options: { fresh?: boolean }): { hit: WidgetResult } | { key: string; planned: Planned; versions: string } {
    const query = widgetQuery.parse(input.query)
    const key = JSON.stringify([input.type, query, input.filters ?? {}, locale, actor.id, this.deps.org.version, this.today()])
    const hit = options.fresh ? undefined : this.cache.get(key)
    if (hit && hit.versions === hit.forms.map((f) => this.dataVersion(f)).join(',')) {
      this.cache.delete(key)
      this.cache.set(key, hit)
      return { hit: hit.result }
    }
    const planned = this.plan(actor, input.type, query, input.filters ?? {}, locale)
    // The versions are taken before the statement runs: a write committed meanwhile makes this
    // result stale at once rather than be hidden behind a newer version.
    return { key, planned, versions: [...planned.forms].map((f) => this.dataVersion(f)).join(',') }
  }

  private store(prepared: { key: string; planned: Planned; versions: string }, rows: Rows): WidgetResult {
    const result = prepared.planned.finish(rows)
    this.cache.set(prepared.key, { result, forms: [...prepared.planned.forms], versions: prepared.versions })
    if (this.cache.size > CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!)
    return result
  }

  /** The SQL a widget runs (benchmarks and EXPLAIN). */
  explain(actor: Actor, input: RunInput): Sql {
    const query = widgetQuery.parse(input.query)
    const scope = FieldScope.open(this.deps, actor, query.form, query.source)
    const plan = chartType(input.type).plan
    if (plan === 'detail') return this.detailSql(scope, query, input.filters ?? {}).sql
    const c = this.compileFor(scope, plan, query, input.filters ?? {}, actor)
    return { sql: c.sql, params: c.params }
  }

  /**
   * Indexes a widget needs. Grouping and filtering columns the form engine did not index (text
   * fields, sub-table columns) get its single-column index (same names, so its purge drops them).
   * A widget over the form's own columns also gets one partial covering index of live records
   * (dimensions, filter and measure columns, the owner), so its aggregate reads that narrow index
   * instead of the wide table: at most MAX_COVERING per form, and purging any column drops it.
   */
  ensureIndexes(query: WidgetQueryParsed, actor: Actor): void {
    const scope = FieldScope.open(this.deps, actor, query.form, query.source)
    const single: FieldModel[] = []
    const covering: string[] = []
    // Sub-table rows (回款计划): the child columns the widget reads, for an index on the rows.
    const childColumns: string[] = []
    let coverable = !query.source
    const add = (path: string | undefined, group: boolean) => {
      if (!path) return
      if (!scope.source && scope.isLinks(path)) {
        // The link table is indexed on (src, dst) by the form engine; no covering index reads it.
        coverable = false
        return
      }
      const r = scope.resolve(path)
      if (group && !r.department && r.field.id > 0 && r.field.column && (r.base || r.child)) single.push(r.field)
      if (r.child && r.field.column && !childColumns.includes(r.field.column)) childColumns.push(r.field.column)
      // A path through a relation or a member's department reads its first field's column here.
      const first = path.split('.')[0]!
      const column = r.child ? null : r.base ? r.field.column : (scope.form.byKey.get(first)?.column ?? SYSTEM_COLUMNS[first] ?? null)
      if (!column || column === 'id') coverable = false
      else if (!covering.includes(column)) covering.push(column)
    }
    const walk = (node: FilterNode | undefined) => {
      if (!node) return
      if ('and' in node) node.and.forEach(walk)
      else if ('or' in node) node.or.forEach(walk)
      else add(node.field, false)
    }
    // The widget's own filter first (its equalities let the index be sought, not scanned),
    // then the grouping columns, then what the measures read.
    walk(query.filter)
    for (const d of query.dimensions) add(d.field, true)
    for (const m of query.measures) {
      const parts = m.agg === 'ratio' ? [m.numerator, m.denominator] : [m]
      for (const p of parts) {
        add(p.field, false)
        walk(p.filter)
      }
    }
    add(query.dateField ?? 'createdAt', false)
    for (const f of single) createIndex(this.db, f, f.column!)
    if (scope.source && childColumns.length) this.ensureRowsIndex(scope.source, childColumns)
    // With the date field (dashboard date ranges); and without it too when days would multiply
    // the rows past what a widget reads quickly (a related field and two owners by day).
    const dated = summaryShape(scope, query, true)
    if (dated) {
      this.summaries.ensure(scope.form, dated)
      const undated = summaryShape(scope, query, false)
      if (undated && undated.keys.length < dated.keys.length && this.summaries.estimate(scope.form, dated) > SUMMARY_ROWS) this.summaries.ensure(scope.form, undated)
    }
    if (!covering.includes('owner_id')) covering.push('owner_id')
    // Read by every query (live records); with it the index covers the whole statement.
    covering.push('deleted_at')
    if (!coverable || covering.length > 9) return
    const form = scope.form
    const name = `rx_${form.id}_${createHash('sha1').update(covering.join(',')).digest('hex').slice(0, 10)}`
    const existing = (this.db.prepare('SELECT name FROM pragma_index_list(?)').pluck().all(form.table) as string[]).filter((n) => n.startsWith(`rx_${form.id}_`))
    if (existing.includes(name) || existing.length >= MAX_COVERING) return
    this.db.exec(`CREATE INDEX IF NOT EXISTS ${ident(name)} ON ${ident(form.table)}(${covering.map(ident).join(', ')}) WHERE deleted_at IS NULL`)
  }

  /**
   * A covering index on a sub-table for a widget over its rows: the child columns it filters,
   * groups and adds up, then the parent id its join reads, so the rows' table is not visited.
   * At most MAX_COVERING per sub-table; purging a child column drops those that cover it.
   */
  private ensureRowsIndex(source: FieldModel, columns: string[]): void {
    const table = subTable(source.id)
    const covering = [...columns, 'parent_id']
    const name = `rx_s${source.id}_${createHash('sha1').update(covering.join(',')).digest('hex').slice(0, 10)}`
    const existing = (this.db.prepare('SELECT name FROM pragma_index_list(?)').pluck().all(table) as string[]).filter((n) => n.startsWith(`rx_s${source.id}_`))
    if (existing.includes(name) || existing.length >= MAX_COVERING) return
    this.db.exec(`CREATE INDEX IF NOT EXISTS ${ident(name)} ON ${ident(table)}(${covering.map(ident).join(', ')})`)
  }

  /** Everything up to the one statement: access checks, resolution, SQL; `finish` shapes its rows. */
  private plan(actor: Actor, type: ChartType, query: WidgetQueryParsed, filters: DashboardFilters, locale: Locale): Planned {
    const chart = chartType(type)
    const dims = query.dimensions.length
    const measures = query.measures.length || (chart.plan === 'detail' ? 0 : 1)
    if (chart.plan !== 'detail' && (dims < chart.dimensions[0] || dims > chart.dimensions[1] || measures < chart.measures[0] || measures > chart.measures[1])) {
      throw new ValidationError('reports.error.shape', { type, dims: chart.dimensions.join('–'), measures: chart.measures.join('–') }, 'query')
    }
    const scope = FieldScope.open(this.deps, actor, query.form, query.source)
    const labels = new Labeler(this.db, this.deps, actor, locale)
    if (chart.plan === 'detail') return this.detail(scope, query, filters, labels, locale)
    if (query.target) return this.targets(scope, query, filters, labels, locale, actor)
    if (query.series?.length) return this.withSeries(scope, query, filters, labels, locale, actor)
    const compiled = this.compileFor(scope, chart.plan, query, filters, actor)
    const finish = (rows: Rows): WidgetResult => {
      const nMeasures = compiled.measures.length
      const result = this.shape(compiled, rows, labels, locale, scope.form.id)
      if (chart.plan === 'kpi') {
        const p = this.periodOf(query, filters)
        const row = rows[0] ?? {}
        result.rows = [{ keys: [], labels: [], values: compiled.measures.map((_, i) => num(row[`v${i}`])) }]
        // 全部时间 has no period before it: no comparison rather than a comparison with 0.
        result.previous = compiled.measures.map((_, i) => (p ? num(row[`v${i + nMeasures}`]) : null))
        if (p) result.period = { from: p.from, to: dayjs(p.to).subtract(1, 'day').format('YYYY-MM-DD'), previousFrom: p.prevFrom, previousTo: dayjs(p.prevTo).subtract(1, 'day').format('YYYY-MM-DD') }
      }
      return result
    }
    return { sql: { sql: compiled.sql, params: compiled.params }, forms: scope.forms, finish, light: compiled.summarized }
  }

  private compileFor(scope: FieldScope, plan: string, query: WidgetQueryParsed, filters: DashboardFilters, actor: Actor): Compiled {
    const base = this.deps.queries.where(actor, scope.form, undefined, undefined)
    const kpi = plan === 'kpi'
    const where = this.dashboardWhere(scope, query, filters, kpi)
    let periods
    if (kpi) {
      const p = this.periodOf(query, filters)
      if (p) {
        const date = scope.resolve(query.dateField ?? 'createdAt')
        periods = { current: dateRange(date, p.from, p.to), previous: dateRange(date, p.prevFrom, p.prevTo), both: dateRange(date, p.prevFrom, p.to) }
      } else {
        // 全部时间: every record, also those whose date is blank; nothing before it.
        periods = { current: { sql: '1 = 1', params: [] }, previous: { sql: '1 = 0', params: [] }, both: { sql: '1 = 1', params: [] } }
      }
    }
    const options = { where, periods, subtotals: plan === 'pivot' }
    return this.fromSummary(scope, query, filters, actor, options) ?? compileAggregate(scope, query, base, options)
  }

  /**
   * The widget compiled over one of the form's summaries (summaries.ts) when one answers it
   * exactly: it has the query's keys and sums, the dashboard's cross-filter compares date-times
   * by whole days, the actor's scope is decided by owners, and the statement reads nothing else.
   */
  private fromSummary(scope: FieldScope, query: WidgetQueryParsed, filters: DashboardFilters, actor: Actor, options: CompileOptions): Compiled | null {
    const cross = filters.cross && this.deps.schema.form(filters.cross.form).id === scope.form.id ? filters.cross.filter : null
    if (cross && !dayAligned(scope, cross)) return null
    const dated = Boolean(filters.dateFrom || filters.dateTo || bounded(query, options.periods !== undefined))
    const shape = summaryShape(scope, query, dated)
    if (!shape) return null
    // The one with fewest keys first: the fewer combinations, the fewer rows.
    for (const summary of this.summaries.list(scope.form).filter((s) => coversShape(s, shape)).sort((a, b) => a.keys.length - b.keys.length)) {
      const related = scope.related()
      const rows = this.summaries.rows(actor, scope.form, summary, related)
      if (!rows) return null
      const compiled = compileAggregate(scope, query, { sql: '1 = 1', params: [] }, { ...options, summary: rows })
      const sql = overSummary(summary, compiled.sql, rows, related)
      if (sql) return { ...compiled, sql, summarized: true }
    }
    return null
  }

  /** Dashboard-wide filters as WHERE conditions: date range, owners, departments, cross-filter. */
  private dashboardWhere(scope: FieldScope, query: WidgetQueryParsed, filters: DashboardFilters, kpi: boolean): Sql[] {
    const out: Sql[] = []
    if (!kpi && (filters.dateFrom || filters.dateTo)) {
      const date = scope.resolve(query.dateField ?? 'createdAt')
      out.push(dateRange(date, filters.dateFrom ?? '0000-01-01', filters.dateTo ? nextDay(filters.dateTo) : '9999-12-31'))
    } else if (!kpi && bounded(query, false)) {
      // The widget's own period (e.g. 本月 on a target gauge) when the dashboard sets no range.
      const p = this.periodOf(query, {})!
      out.push(dateRange(scope.resolve(query.dateField ?? 'createdAt'), p.from, p.to))
    }
    const owners = this.ownerIds(filters)
    if (owners) out.push(owners.length ? { sql: `t.owner_id IN (${owners.map(() => '?').join(',')})`, params: owners } : { sql: '0', params: [] })
    if (filters.cross && this.deps.schema.form(filters.cross.form).id === scope.form.id) out.push(scope.filter(filters.cross.filter))
    return out
  }

  /** Owners the dashboard filter keeps (the owners picked, within the departments picked), or null for all. */
  private ownerIds(filters: DashboardFilters): number[] | null {
    let ids: number[] | null = filters.ownerIds?.length ? [...filters.ownerIds] : null
    if (filters.departmentIds?.length) {
      const depts = [...new Set(filters.departmentIds.flatMap((d) => this.deps.org.subtree(d)))]
      const users = this.db.prepare(`SELECT id FROM users WHERE department_id IN (${depts.map(() => '?').join(',')})`).pluck().all(...depts) as number[]
      ids = ids ? ids.filter((i) => users.includes(i)) : users
    }
    return ids
  }

  /** The KPI period ([from, to) ISO days) and the one before it; null for 全部时间 (no bound). */
  periodOf(query: WidgetQueryParsed, filters: DashboardFilters): { from: string; to: string; prevFrom: string; prevTo: string } | null {
    const fmt = (d: dayjs.Dayjs) => d.format('YYYY-MM-DD')
    if (filters.dateFrom && filters.dateTo) {
      const from = dayjs(filters.dateFrom)
      const to = dayjs(nextDay(filters.dateTo))
      const days = to.diff(from, 'day')
      return { from: fmt(from), to: fmt(to), prevFrom: fmt(from.subtract(days, 'day')), prevTo: fmt(from) }
    }
    const now = dayjs(this.deps.clock.now())
    const calendar = (unit: 'day' | 'week' | 'month' | 'year', n = 1) => {
      const start = unit === 'week' ? now.startOf('day').subtract((now.day() + 6) % 7, 'day') : now.startOf(unit)
      return { from: fmt(start), to: fmt(start.add(n, unit)), prevFrom: fmt(start.subtract(n, unit)), prevTo: fmt(start) }
    }
    const rolling = (days: number) => {
      const to = now.startOf('day').add(1, 'day')
      return { from: fmt(to.subtract(days, 'day')), to: fmt(to), prevFrom: fmt(to.subtract(days * 2, 'day')), prevTo: fmt(to.subtract(days, 'day')) }
    }
    const period: Period = query.period ?? 'thisMonth'
    switch (period) {
      case 'today':
        return calendar('day')
      case 'thisWeek':
        return calendar('week')
      case 'thisMonth':
        return calendar('month')
      case 'thisQuarter': {
        const start = now.startOf('month').subtract(now.month() % 3, 'month')
        return { from: fmt(start), to: fmt(start.add(3, 'month')), prevFrom: fmt(start.subtract(3, 'month')), prevTo: fmt(start) }
      }
      case 'thisYear':
        return calendar('year')
      case 'last7Days':
        return rolling(7)
      case 'last30Days':
        return rolling(30)
      case 'last90Days':
        return rolling(90)
      case 'all':
        return null
      case 'last12Months': {
        const start = now.startOf('month').subtract(11, 'month')
        return { from: fmt(start), to: fmt(start.add(12, 'month')), prevFrom: fmt(start.subtract(12, 'month')), prevTo: fmt(start) }
      }
    }
  }

  private shape(c: Compiled, rows: Array<Record<string, unknown>>, labels: Labeler, locale: Locale, formId: number): WidgetResult {
    const dimLabels = c.dims.map((d, i) => labels.dimension(d, rows.map((r) => r[`k${i}`] as Key)))
    const total = translate(locale, 'reports.total')
    return {
      columns: [...c.dims.map((d, i) => dimColumn(d, i, locale)), ...c.measures.map((m, i) => measureColumn(m, i, locale))],
      rows: rows.map((r) => {
        const rollup = c.rollups ? c.dims.map((_, i) => r[`g${i}`] === 1) : undefined
        return {
          keys: c.dims.map((_, i) => (r[`k${i}`] ?? null) as Key),
          labels: c.dims.map((_, i) => (rollup?.[i] ? total : dimLabels[i]!.get((r[`k${i}`] ?? null) as Key) ?? '')),
          values: c.measures.map((_, i) => num(r[`v${i}`])),
          ...(rollup ? { rollup } : {})
        }
      }),
      formId,
      cached: false,
      ms: 0
    }
  }

  /** Detail table: a sorted, limited page of the matching records' fields. */
  /** The detail table's statement: the columns' values of the matching records, sorted, limited. */
  private detailSql(scope: FieldScope, query: WidgetQueryParsed, filters: DashboardFilters): { sql: Sql; cols: Resolved[] } {
    const paths = query.columns?.length ? query.columns : this.deps.access.readableFields(scope.actor, scope.form).filter((f) => f.column).slice(0, 6).map((f) => f.apiKey)
    const cols = paths.map((p) => scope.resolve(p))
    const filter = query.filter ? scope.filter(query.filter) : null
    const base = this.deps.queries.where(scope.actor, scope.form, undefined, undefined)
    const where = [base, ...(filter ? [filter] : []), ...this.dashboardWhere(scope, query, filters, false)]
    const from = scope.from()
    const sortCol = query.sort?.by.startsWith('d') ? Number(query.sort.by.slice(1)) : -1
    if (query.sort && (sortCol < 0 || sortCol >= cols.length)) throw new ValidationError('reports.error.badSort', {}, 'sort')
    const order = sortCol >= 0 ? `c${sortCol} ${query.sort!.dir.toUpperCase()}, ${scope.rowId()} DESC` : `${scope.rowId()} DESC`
    const sql = `SELECT t.id AS id, ${cols.map((c, i) => `${c.expr} AS c${i}`).join(', ')} FROM ${from.sql} WHERE ${where.map((w) => `(${w.sql})`).join(' AND ')} ORDER BY ${order} LIMIT ${query.limit ?? 100}`
    return { sql: { sql, params: [...from.params, ...where.flatMap((w) => w.params)] }, cols }
  }

  private detail(scope: FieldScope, query: WidgetQueryParsed, filters: DashboardFilters, labels: Labeler, locale: Locale): Planned {
    const { sql, cols } = this.detailSql(scope, query, filters)
    return { sql, forms: scope.forms, finish: (rows) => this.detailResult(scope, cols, rows, labels, locale) }
  }

  private detailResult(scope: FieldScope, cols: Resolved[], rows: Rows, labels: Labeler, locale: Locale): WidgetResult {
    const colLabels = cols.map((c, i) => {
      const keys = [...new Set(rows.map((r) => r[`c${i}`]).filter((v) => v !== null && v !== undefined))] as Array<string | number>
      return c.department ? labels.dimension({ r: c, kind: 'plain', expr: c.expr, spec: { field: c.path } }, keys) : labels.values(c.field, keys)
    })
    return {
      columns: cols.map((c, i) => ({ key: `c${i}`, label: fieldLabel(c, locale), kind: 'dimension' as const, format: 'text' as const })),
      rows: rows.map((r) => ({
        keys: cols.map((_, i) => (r[`c${i}`] ?? null) as Key),
        labels: cols.map((_, i) => (r[`c${i}`] === null || r[`c${i}`] === undefined ? '' : colLabels[i]!.get(r[`c${i}`] as string | number) ?? '')),
        values: []
      })),
      recordIds: rows.map((r) => r.id as number),
      formId: scope.form.id,
      cached: false,
      ms: 0
    }
  }

  /**
   * Targets vs actual: the widget's measure (e.g. won opportunity amount) next to the targets
   * form's amounts, matched on the widget's dimensions — a person (member field: the target's
   * user), a department (`x.department`: the target's department by name) and/or a date bucket
   * (the target's month) — with achievement = actual / target. One statement: both sides are
   * aggregated in CTEs and full-joined on the keys.
   */
  private targets(scope: FieldScope, query: WidgetQueryParsed, filters: DashboardFilters, labels: Labeler, locale: Locale, actor: Actor): Planned {
    const spec = query.target!
    // Without a dashboard date range, the widget's period (e.g. this year) bounds both sides.
    const p = !filters.dateFrom && !filters.dateTo && bounded(query, false) ? this.periodOf(query, {}) : null
    if (p) {
      filters = { ...filters, dateFrom: p.from, dateTo: dayjs(p.to).subtract(1, 'day').format('YYYY-MM-DD') }
    }
    const actual = this.compileFor(scope, 'aggregate', { ...query, sort: undefined, limit: undefined }, filters, actor)
    const tscope = FieldScope.open(this.deps, actor, spec.form)
    const month = tscope.resolve(spec.monthField)
    const amount = tscope.resolve(spec.amountField)
    let targetType: 'person' | 'department' = 'person'
    // A viewer who does not see every record of the measured form sees only the targets of the
    // people (departments) in their scope: a colleague's target next to an actual of 0 (their
    // records are out of scope) would be wrong, not hidden.
    const partial = !this.deps.access.seesAll(actor, scope.form)
    const inScope: Sql[] = []
    const keyExprs = actual.dims.map((d, i) => {
      if (d.kind === 'bucket') return bucketExpr(dayExpr(month), d.bucket!)
      if (d.r.department) {
        targetType = 'department'
        const expr = `(SELECT id FROM departments WHERE name = ${tscope.resolve(spec.departmentField).expr})`
        if (partial) inScope.push(this.targetScope(actor, scope.form, expr, i, 'department'))
        return expr
      }
      if (d.r.field.type === 'member') {
        const expr = tscope.resolve(spec.userField).expr
        if (partial) inScope.push(this.targetScope(actor, scope.form, expr, i, 'person'))
        return expr
      }
      throw new ValidationError('reports.error.targetDimension', { field: d.r.field.label }, d.spec.field)
    })
    const tWhere: Sql[] = [this.deps.queries.where(actor, tscope.form, undefined, undefined), ...inScope]
    if (spec.typeField) {
      const type = tscope.resolve(spec.typeField)
      tWhere.push({ sql: `${type.expr} = ?`, params: [targetType] })
    }
    if (filters.dateFrom) tWhere.push({ sql: `${dayExpr(month)} >= ?`, params: [dayjs(filters.dateFrom).startOf('month').format('YYYY-MM-DD')] })
    if (filters.dateTo) tWhere.push({ sql: `${dayExpr(month)} <= ?`, params: [filters.dateTo] })
    const owners = this.ownerIds(filters)
    if (owners && targetType === 'person') tWhere.push(owners.length ? { sql: `${tscope.resolve(spec.userField).expr} IN (${owners.map(() => '?').join(',')})`, params: owners } : { sql: '0', params: [] })
    const tFrom = tscope.from()
    const keys = actual.dims.map((_, i) => `k${i}`)
    const targetSql = `SELECT ${keyExprs.map((e, i) => `${e} AS k${i}`).join(', ')}${keys.length ? ', ' : ''}COALESCE(SUM(${amount.expr}), 0) AS tv FROM ${tFrom.sql} WHERE ${tWhere.map((w) => `(${w.sql})`).join(' AND ')}${keys.length ? ` GROUP BY ${keys.join(', ')}` : ''}`
    const n = actual.measures.length
    const on = keys.length ? keys.map((k) => `a.${k} IS g.${k}`).join(' AND ') : '1 = 1'
    const order = actual.dims.some((d) => d.kind === 'bucket') ? keys.map((k) => `${k} ASC`).join(', ') : `v${n + 1} DESC NULLS LAST, v0 DESC`
    const sql = `WITH a AS (${actual.sql}), g AS (${targetSql})
      SELECT ${keys.map((k) => `COALESCE(a.${k}, g.${k}) AS ${k}, `).join('')}${actual.measures.map((_, i) => `COALESCE(a.v${i}, 0) AS v${i}, `).join('')}
        COALESCE(g.tv, 0) AS v${n}, CAST(COALESCE(a.v0, 0) AS REAL) / NULLIF(g.tv, 0) AS v${n + 1}
      FROM a FULL JOIN g ON ${on} ORDER BY ${order}${query.limit ? ` LIMIT ${query.limit}` : ''}`
    const measures: Measure[] = [
      ...actual.measures,
      { spec: { agg: 'sum', field: spec.amountField, label: translate(locale, 'reports.target') }, r: amount },
      { spec: { agg: 'ratio', numerator: { agg: 'count' }, denominator: { agg: 'count' }, label: translate(locale, 'reports.achievement') }, r: null }
    ]
    return {
      sql: { sql, params: [...actual.params, ...tFrom.params, ...tWhere.flatMap((w) => w.params)] },
      forms: new Set([...scope.forms, ...tscope.forms]),
      finish: (rows) => this.shape({ ...actual, measures }, rows, labels, locale, scope.form.id),
      // The targets form has a row per person and month: the actual side decides.
      light: actual.summarized
    }
  }

  /**
   * The target rows a viewer with a partial scope on the measured form sees, over the key
   * expression `expr` (a user id or a department id): the people whose records their scope
   * holds (every user the owner part of the scope selects), or the viewer's own department;
   * and in any case the keys the actual side (CTE `a`, in scope) has values for.
   */
  private targetScope(actor: Actor, form: FormModel, expr: string, key: number, type: 'person' | 'department'): Sql {
    const seen = `${expr} IN (SELECT k${key} FROM a)`
    const owners = this.deps.access.ownerScope(actor, form)
    if (type === 'person') {
      if (!owners) return { sql: `${expr} = ? OR ${seen}`, params: [actor.id] }
      // The owner condition is written over `t.owner_id`: applied to every user as a would-be owner.
      return { sql: `${expr} IN (SELECT t.owner_id FROM (SELECT id AS owner_id FROM users) t WHERE ${owners.owner.sql}) OR ${seen}`, params: owners.owner.params }
    }
    return { sql: `${expr} = (SELECT department_id FROM users WHERE id = ?) OR ${seen}`, params: [actor.id] }
  }

  /**
   * Extra series from other forms over the same date buckets: each aggregated in its own scope
   * by its own date field, then all outer-joined on the bucket key in one statement.
   */
  private withSeries(scope: FieldScope, query: WidgetQueryParsed, filters: DashboardFilters, labels: Labeler, locale: Locale, actor: Actor): Planned {
    const main = this.compileFor(scope, 'aggregate', { ...query, sort: undefined, limit: undefined }, filters, actor)
    const dim = main.dims[0]
    if (main.dims.length !== 1 || dim?.kind !== 'bucket') throw new ValidationError('reports.error.seriesNeedDate', {}, 'series')
    const forms = new Set(scope.forms)
    const parts: Sql[] = []
    const measures: Measure[] = [...main.measures]
    for (const s of query.series!) {
      const sscope = FieldScope.open(this.deps, actor, s.form, s.source)
      const date = sscope.resolve(s.dateField)
      const key = bucketExpr(dayExpr(date), dim.bucket!)
      const m = measureSql(sscope, s.measure, null)
      const where: Sql[] = [this.deps.queries.where(actor, sscope.form, undefined, undefined), ...(s.filter ? [sscope.filter(s.filter)] : []), ...this.dashboardWhere(sscope, { ...query, dateField: s.dateField }, filters, false)]
      const from = sscope.from()
      parts.push({ sql: `SELECT ${key} AS k0, ${m.sql.sql} AS v FROM ${from.sql} WHERE ${where.map((w) => `(${w.sql})`).join(' AND ')} GROUP BY 1`, params: [...m.sql.params, ...from.params, ...where.flatMap((w) => w.params)] })
      measures.push({ spec: { ...s.measure, label: s.label }, r: m.measure.r })
      for (const f of sscope.forms) forms.add(f)
    }
    const n = main.measures.length
    const ctes = [`a AS (${main.sql})`, ...parts.map((p, i) => `b${i} AS (${p.sql})`)]
    const keys = ['SELECT k0 FROM a', ...parts.map((_, i) => `SELECT k0 FROM b${i}`)].join(' UNION ')
    const sql = `WITH ${ctes.join(', ')} SELECT u.k0 AS k0, ${main.measures.map((_, i) => `a.v${i} AS v${i}`).join(', ')}, ${parts.map((_, i) => `b${i}.v AS v${n + i}`).join(', ')}
      FROM (${keys}) u LEFT JOIN a ON a.k0 IS u.k0 ${parts.map((_, i) => `LEFT JOIN b${i} ON b${i}.k0 IS u.k0`).join(' ')} ORDER BY u.k0 IS NULL, u.k0`
    return { sql: { sql, params: [...main.params, ...parts.flatMap((p) => p.params)] }, forms, finish: (rows) => this.shape({ ...main, measures }, rows, labels, locale, scope.form.id) }
  }

  /**
   * The record list filter behind one point of a widget: the widget's filter, the point's
   * dimension values and the dashboard filters, over the widget's form. Conditions through a
   * relation become the related records' ids (the list filters a form's own fields).
   */
  drill(actor: Actor, input: RunInput & { keys: Key[] }): { formId: number; filter: FilterNode } {
    const query = widgetQuery.parse(input.query)
    const scope = FieldScope.open(this.deps, actor, query.form, query.source)
    const filters = input.filters ?? {}
    const parts: FilterNode[] = []
    if (query.filter) parts.push(query.filter)
    const simple = query.measures.filter((m): m is Extract<MeasureSpec, { filter?: FilterNode }> => m.agg !== 'ratio')
    if (query.measures.length === 1 && simple[0]?.filter) parts.push(simple[0].filter)
    query.dimensions.forEach((spec, i) => {
      if (i >= input.keys.length) return
      const d = compileDim(scope, spec)
      parts.push(keyFilter(d, input.keys[i]!, this.db))
    })
    const date = () => scope.resolve(query.dateField ?? 'createdAt')
    const kpi = chartType(input.type).plan === 'kpi'
    if (kpi || (!filters.dateFrom && !filters.dateTo && bounded(query, false))) {
      // A KPI card's number is its current period; a widget period bounds the others.
      const p = this.periodOf(query, filters)
      if (p) parts.push(dateFilter(date(), p.from, p.to))
    } else if (filters.dateFrom || filters.dateTo) {
      parts.push(dateFilter(date(), filters.dateFrom ?? '0000-01-01', filters.dateTo ? nextDay(filters.dateTo) : '9999-12-31'))
    }
    const owners = this.ownerIds(filters)
    if (owners) parts.push(owners.length ? { field: 'owner', op: 'in', value: owners } : { field: 'id', op: 'eq', value: 0 })
    if (filters.cross && this.deps.schema.form(filters.cross.form).id === scope.form.id) parts.push(filters.cross.filter)
    const filter = this.listFilter(scope, { and: parts })
    return { formId: scope.form.id, filter }
  }

  /** Rewrite conditions the list cannot evaluate (relation paths, sub-table fields) as record ids. */
  private listFilter(scope: FieldScope, node: FilterNode): FilterNode {
    if ('and' in node) return { and: node.and.map((n) => this.listFilter(scope, n)) }
    if ('or' in node) return { or: node.or.map((n) => this.listFilter(scope, n)) }
    // A multiple relation (linked to …, empty): the list filters it as it is.
    if (!scope.source && scope.isLinks(node.field)) return node
    const r = scope.resolve(node.field)
    if (r.base) {
      // The list's filter editor shows select options by label (the filter accepts either).
      if (r.field.type !== 'select' && r.field.type !== 'multiselect') return node
      const labels = new Map(optionsOf(r.field).map((o) => [o.id, o.label]))
      const label = (v: unknown) => (typeof v === 'string' ? labels.get(v) ?? v : v)
      return { ...node, value: Array.isArray(node.value) ? node.value.map(label) : label(node.value) }
    }
    const first = scope.form.byKey.get(node.field.split('.')[0]!)
    if (!r.child && !r.department && first?.type === 'relation' && node.op !== 'empty' && node.op !== 'notEmpty') {
      // Through a relation: the related records that match, as one "关联客户 is any of …" condition.
      const target = FieldScope.open(this.deps, scope.actor, relationConfig(first).targetFormId)
      const rest = { ...node, field: node.field.slice(first.apiKey.length + 1) }
      const cond = target.filter(rest)
      const from = target.from()
      const base = this.deps.queries.where(scope.actor, target.form, undefined, undefined)
      const ids = this.db.prepare(`SELECT t.id FROM ${from.sql} WHERE (${base.sql}) AND (${cond.sql}) LIMIT 2001`).pluck().all(...from.params, ...base.params, ...cond.params) as number[]
      if (!ids.length) return { field: 'id', op: 'eq', value: 0 }
      if (ids.length > 2000) throw new ValidationError('reports.error.drillTooMany', { count: 2000 }, 'keys')
      return { field: first.apiKey, op: 'in', value: ids }
    }
    const cond = scope.filter(node)
    const from = scope.from()
    const base = this.deps.queries.where(scope.actor, scope.form, undefined, undefined)
    const ids = this.db.prepare(`SELECT DISTINCT t.id FROM ${from.sql} WHERE (${base.sql}) AND (${cond.sql}) LIMIT 2001`).pluck().all(...from.params, ...base.params, ...cond.params) as number[]
    if (!ids.length) return { field: 'id', op: 'eq', value: 0 }
    if (ids.length > 2000) throw new ValidationError('reports.error.drillTooMany', { count: 2000 }, 'keys')
    return { or: ids.map((id) => ({ field: 'id', op: 'eq' as const, value: id })) }
  }
}

function compileDim(scope: FieldScope, spec: WidgetQueryParsed['dimensions'][number]): Dim {
  if (!scope.source && scope.isLinks(spec.field)) {
    const links = scope.links(spec.field)
    return { spec, r: links, expr: links.expr, kind: 'plain' }
  }
  const r = scope.resolve(spec.field)
  const kind = valueKind(r)
  if (kind === 'date' || kind === 'datetime') return { spec, r, expr: r.expr, kind: 'bucket', bucket: spec.bucket ?? 'month' }
  if (spec.ranges) return { spec, r, expr: r.expr, kind: 'range', ranges: [...spec.ranges].sort((a, b) => a - b) }
  return { spec, r, expr: r.expr, kind: 'plain' }
}

/** The condition one dimension value stands for, on the widget's field path. */
function keyFilter(d: Dim, key: Key, db: Sqlite): FilterNode {
  const field = d.spec.field
  if (key === null) return { field, op: 'empty' }
  if (d.kind === 'bucket') return dateFilter(d.r, ...bucketRange(String(key), d.bucket))
  if (d.kind === 'range') {
    const i = Number(key)
    const ranges = d.ranges!
    const parts: FilterNode[] = []
    if (i > 0) parts.push({ field, op: 'gte', value: ranges[i - 1] })
    if (i < ranges.length) parts.push({ field, op: 'lt', value: ranges[i] })
    return { and: parts }
  }
  if (d.r.department) {
    // A member's department: the members of that department.
    const member = field.slice(0, -'.department'.length)
    const users = db.prepare('SELECT id FROM users WHERE department_id = ?').pluck().all(key) as number[]
    return users.length ? { field: member, op: 'in', value: users } : { field: 'id', op: 'eq', value: 0 }
  }
  if (d.r.field.type === 'checkbox') return { field, op: 'eq', value: Boolean(Number(key)) }
  return { field, op: 'eq', value: key }
}

/** [from, to) on a date or date-time field path, as list filter conditions. */
function dateFilter(r: Resolved, from: string, to: string): FilterNode {
  if (valueKind(r) === 'datetime') return { and: [{ field: r.path, op: 'gte', value: dayjs(from).valueOf() }, { field: r.path, op: 'lt', value: dayjs(to).valueOf() }] }
  return { and: [{ field: r.path, op: 'gte', value: from }, { field: r.path, op: 'lt', value: to }] }
}

/** [from, to) on a date or date-time value, as SQL (dates compare as ISO text, date-times as local-midnight epoch ms). */
function dateRange(r: Resolved, from: string, to: string): Sql {
  const kind = valueKind(r)
  if (kind === 'datetime') return { sql: `${r.expr} >= ? AND ${r.expr} < ?`, params: [dayjs(from).valueOf(), dayjs(to).valueOf()] }
  if (kind !== 'date') throw new ValidationError('reports.error.notDate', { field: r.field.label }, 'dateField')
  return { sql: `${r.expr} >= ? AND ${r.expr} < ?`, params: [from, to] }
}

/**
 * Whether the widget's own period bounds its dates: a KPI without one shows 本月 (its default),
 * another widget without one is unbounded, and 全部时间 (`all`) bounds neither.
 */
function bounded(query: WidgetQueryParsed, kpi: boolean): boolean {
  return query.period ? query.period !== 'all' : kpi
}

const nextDay = (iso: string) => dayjs(iso).add(1, 'day').format('YYYY-MM-DD')
const num = (v: unknown): number | null => (typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : null)

function fieldLabel(r: Resolved, locale: Locale): string {
  if (r.department) return translate(locale, 'reports.department')
  if (r.field.id < 0) return translate(locale, `system.${r.field.apiKey}`)
  return r.field.label
}

function dimColumn(d: Dim, i: number, locale: Locale) {
  return { key: `d${i}`, label: d.spec.label ?? fieldLabel(d.r, locale), kind: 'dimension' as const, format: d.kind === 'bucket' ? ('date' as const) : ('text' as const) }
}

function measureColumn(m: Measure, i: number, locale: Locale) {
  const spec = m.spec
  let format: 'number' | 'amount' | 'percent' | 'date' = 'number'
  if (spec.agg === 'ratio') format = 'percent'
  else if (m.r && spec.agg !== 'count' && spec.agg !== 'distinct') {
    const t = m.r.field.type
    format = t === 'amount' ? 'amount' : t === 'percent' ? 'percent' : t === 'datetime' ? 'date' : 'number'
  }
  const label = spec.label ?? (spec.agg === 'count' && !m.r ? translate(locale, 'reports.agg.count') : translate(locale, `reports.agg.${spec.agg}`, { field: m.r ? fieldLabel(m.r, locale) : '' }))
  return { key: `m${i}`, label, kind: 'measure' as const, format }
}

