import { optionsOf } from '../forms/field-types/select'
import type { Sql } from '../records/query-builder'
import type { DateBucket, DimensionSpec, MeasureSpec, SimpleMeasure, WidgetQueryParsed } from '../shared/api/reports'
import { ValidationError } from '../shared/errors'
import { valueKind, type FieldScope, type Resolved } from './fields'
import { summaryValue } from './summaries'

// A widget query compiled to ONE SQL aggregate over the physical tables: GROUP BY the dimension
// expressions (date buckets and number ranges computed in SQL), aggregate the measures (filtered
// aggregates as CASE WHEN inside the aggregate, ratios as a division of two), inside the
// caller's row scope. Result columns are k0.. (group keys) and v0.. (measure values).

export interface Dim {
  spec: DimensionSpec
  r: Resolved
  expr: string
  kind: 'bucket' | 'range' | 'plain'
  bucket?: DateBucket
  ranges?: number[]
}

export interface Measure {
  spec: MeasureSpec
  /** The field aggregated (for formatting), null for counts and ratios. */
  r: Resolved | null
}

export interface Compiled {
  sql: string
  params: unknown[]
  dims: Dim[]
  measures: Measure[]
  /** Rows come with rollup markers g0.. (pivot subtotals). */
  rollups: boolean
  /** Aggregates a report summary's rows (a few thousand), not the records. */
  summarized?: boolean
}

export interface CompileOptions {
  /** Extra WHERE conditions (dashboard filters), already compiled. */
  where: Sql[]
  /** KPI: each measure twice, over the current and the previous period (conditions), rows in both. */
  periods?: { current: Sql; previous: Sql; both: Sql }
  /** Pivot: add the subtotal rows of every dimension subset. */
  subtotals?: boolean
  /**
   * Aggregate a report summary's rows (see summaries.ts) instead of the records: the FROM item
   * (aliased `t`, row scope applied inside); counts and sums add up its n__/s__/c__ columns.
   */
  summary?: Sql
}

const join = (parts: Sql[], sep: string): Sql => ({ sql: parts.map((p) => p.sql).join(sep), params: parts.flatMap((p) => p.params) })

/** The calendar day (ISO text) of a date or date-time value, in local time. */
export function dayExpr(r: Resolved): string {
  return valueKind(r) === 'datetime' ? `date(${r.expr} / 1000, 'unixepoch', 'localtime')` : r.expr
}

/** Bucket keys: day 'YYYY-MM-DD', week = its Monday 'YYYY-MM-DD', month 'YYYY-MM', quarter 'YYYY-Qn', year 'YYYY'. */
export function bucketExpr(day: string, bucket: DateBucket): string {
  switch (bucket) {
    case 'day':
      return day
    case 'week':
      return `date(${day}, '-' || ((CAST(strftime('%w', ${day}) AS INTEGER) + 6) % 7) || ' days')`
    case 'month':
      return `substr(${day}, 1, 7)`
    case 'quarter':
      return `(substr(${day}, 1, 4) || '-Q' || ((CAST(substr(${day}, 6, 2) AS INTEGER) + 2) / 3))`
    case 'year':
      return `substr(${day}, 1, 4)`
  }
}

/** Range index: 0 below the first boundary, i for [b[i-1], b[i]), n from the last one. */
export function rangeExpr(expr: string, ranges: number[]): Sql {
  const whens = ranges.map((_, i) => `WHEN ${expr} < ? THEN ${i}`).join(' ')
  return { sql: `(CASE WHEN ${expr} IS NULL THEN NULL ${whens} ELSE ${ranges.length} END)`, params: [...ranges] }
}

export function resolveDimension(scope: FieldScope, spec: DimensionSpec): Dim {
  // 意向产品 (a multiple relation): each linked record once per record.
  if (!scope.source && scope.isLinks(spec.field)) {
    if (spec.ranges) throw new ValidationError('reports.error.rangesNeedNumber', { field: spec.field }, spec.field)
    const links = scope.links(spec.field)
    return { spec, r: links, expr: links.expr, kind: 'plain' }
  }
  const r = scope.resolve(spec.field)
  const kind = valueKind(r)
  if (kind === 'date' || kind === 'datetime') {
    const bucket = spec.bucket ?? 'month'
    return { spec, r, expr: bucketExpr(dayExpr(r), bucket), kind: 'bucket', bucket }
  }
  if (spec.ranges) {
    if (kind !== 'number') throw new ValidationError('reports.error.rangesNeedNumber', { field: r.field.label }, spec.field)
    const ranges = [...spec.ranges].sort((a, b) => a - b)
    return { spec, r, expr: r.expr, kind: 'range', ranges }
  }
  if (r.field.type === 'multiselect' || r.field.type === 'textarea' || r.field.type === 'attachment') {
    throw new ValidationError('reports.error.notGroupable', { field: r.field.label }, spec.field)
  }
  return { spec, r, expr: r.expr, kind: 'plain' }
}

function dimSql(d: Dim): Sql {
  return d.kind === 'range' ? rangeExpr(d.expr, d.ranges!) : { sql: d.expr, params: [] }
}

/** Default order of a dimension: select options in their order, buckets and ranges ascending. */
function dimOrder(d: Dim, i: number, firstMeasure: boolean): Sql | null {
  const k = `k${i}`
  if (d.kind !== 'plain') return { sql: `${k} IS NULL, ${k} ASC`, params: [] }
  if (d.r.field.type === 'select' && !d.r.department) {
    const ids = optionsOf(d.r.field).map((o) => o.id)
    if (!ids.length) return { sql: `${k} ASC`, params: [] }
    return { sql: `${k} IS NULL, CASE ${k} ${ids.map((_, n) => `WHEN ? THEN ${n}`).join(' ')} ELSE ${ids.length} END, ${k} ASC`, params: ids }
  }
  return firstMeasure ? null : { sql: `${k} IS NULL, ${k} ASC`, params: [] }
}

export function aggregateSql(scope: FieldScope, m: SimpleMeasure, extra: Sql | null, summarized = false): { sql: Sql; r: Resolved | null } {
  const r = m.field ? scope.resolve(m.field) : null
  if (m.agg !== 'count' && !r) throw new ValidationError('reports.error.measureNeedsField', { agg: m.agg }, 'measures')
  if (r && ['sum', 'avg'].includes(m.agg) && valueKind(r) !== 'number') throw new ValidationError('reports.error.measureNeedsNumber', { field: r.field.label }, m.field)
  if (r && ['min', 'max'].includes(m.agg) && !['number', 'datetime'].includes(valueKind(r))) throw new ValidationError('reports.error.measureNeedsNumber', { field: r.field.label }, m.field)
  const conds: Sql[] = []
  if (m.filter) conds.push(scope.filter(m.filter))
  if (extra) conds.push(extra)
  const cond = conds.length ? join(conds.map((c) => ({ sql: `(${c.sql})`, params: c.params })), ' AND ') : null
  if (summarized) return { sql: summarizedAggregate(m, r, cond), r: m.agg === 'count' ? null : r }
  const value = r ? r.expr : '1'
  const arg = cond ? `CASE WHEN ${cond.sql} THEN ${value} END` : value
  const params = cond ? cond.params : []
  switch (m.agg) {
    case 'count':
      return { sql: { sql: !r && !cond ? 'COUNT(*)' : `COUNT(${arg})`, params }, r: null }
    case 'distinct':
      return { sql: { sql: `COUNT(DISTINCT ${arg})`, params }, r }
    case 'sum':
      return { sql: { sql: `COALESCE(SUM(${arg}), 0)`, params }, r }
    default:
      return { sql: { sql: `${m.agg.toUpperCase()}(${arg})`, params }, r }
  }
}

/**
 * A measure over summary rows: a count adds up record counts (n__) or value counts (c__), a sum
 * adds up sums (s__), an average divides the two. Only these are summarized (summaryShape).
 */
function summarizedAggregate(m: SimpleMeasure, r: Resolved | null, cond: Sql | null): Sql {
  const column = r?.field.column ?? null
  const pick = (agg: SimpleMeasure['agg']): Sql => {
    const value = summaryValue({ ...m, agg }, column)
    return cond ? { sql: `SUM(CASE WHEN ${cond.sql} THEN ${value} END)`, params: cond.params } : { sql: `SUM(${value})`, params: [] }
  }
  if (m.agg === 'avg') {
    const sum = pick('sum')
    const count = pick('count')
    return { sql: `(${sum.sql} / NULLIF(${count.sql}, 0))`, params: [...sum.params, ...count.params] }
  }
  const total = pick(m.agg)
  return { sql: `COALESCE(${total.sql}, 0)`, params: total.params }
}

export function measureSql(scope: FieldScope, spec: MeasureSpec, extra: Sql | null, summarized = false): { sql: Sql; measure: Measure } {
  if (spec.agg === 'ratio') {
    const num = aggregateSql(scope, spec.numerator, extra, summarized)
    const den = aggregateSql(scope, spec.denominator, extra, summarized)
    return { sql: { sql: `(CAST(${num.sql.sql} AS REAL) / NULLIF(${den.sql.sql}, 0))`, params: [...num.sql.params, ...den.sql.params] }, measure: { spec, r: null } }
  }
  const a = aggregateSql(scope, spec, extra, summarized)
  return { sql: a.sql, measure: { spec, r: a.r } }
}

export function compileAggregate(scope: FieldScope, query: WidgetQueryParsed, baseWhere: Sql, options: CompileOptions): Compiled {
  const dims = query.dimensions.map((d) => resolveDimension(scope, d))
  const measureSpecs = query.measures.length ? query.measures : [{ agg: 'count' as const }]
  const periods = options.periods
  const selected: Sql[] = []
  const measures: Measure[] = []
  const summarized = Boolean(options.summary)
  for (const spec of measureSpecs) {
    const m = measureSql(scope, spec, periods?.current ?? null, summarized)
    selected.push(m.sql)
    measures.push(m.measure)
  }
  if (periods) for (const spec of measureSpecs) selected.push(measureSql(scope, spec, periods.previous, summarized).sql)
  const filter = query.filter ? scope.filter(query.filter) : null
  // Resolve everything before FROM: resolving adds the joins.
  const from = options.summary ?? scope.from()
  const fromAll = from
  const whereParts: Sql[] = [baseWhere, ...(filter ? [filter] : []), ...options.where, ...(periods ? [periods.both] : [])]
  const where = join(whereParts.map((w) => ({ sql: `(${w.sql})`, params: w.params })), ' AND ')

  // Top N of the first dimension when there are two: its values ranked by the sort measure.
  const sortIndex = query.sort?.by.startsWith('m') ? Number(query.sort.by.slice(1)) : 0
  if (query.sort?.by.startsWith('m') && sortIndex >= measures.length) throw new ValidationError('reports.error.badSort', {}, 'sort')
  if (query.sort?.by.startsWith('d') && Number(query.sort.by.slice(1)) >= dims.length) throw new ValidationError('reports.error.badSort', {}, 'sort')
  let topFilter: Sql | null = null
  if (query.limit && dims.length === 2 || (query.limit && options.subtotals && dims.length >= 1)) {
    const d0 = dimSql(dims[0]!)
    const rank = query.sort?.by.startsWith('d') ? `1 ${query.sort.dir.toUpperCase()}` : `2 ${query.sort?.dir === 'asc' ? 'ASC' : 'DESC'}`
    const m = selected[sortIndex] ?? { sql: 'COUNT(*)', params: [] }
    topFilter = {
      sql: `${d0.sql} IN (SELECT k FROM (SELECT ${d0.sql} AS k, ${m.sql} AS v FROM ${from.sql} WHERE ${where.sql} GROUP BY 1 ORDER BY ${rank} LIMIT ${query.limit}))`,
      params: [...d0.params, ...d0.params, ...m.params, ...from.params, ...where.params]
    }
  }
  const fullWhere = topFilter ? { sql: `${where.sql} AND ${topFilter.sql}`, params: [...where.params, ...topFilter.params] } : where

  const orderParts: Sql[] = []
  if (query.sort) {
    orderParts.push({ sql: `${query.sort.by.startsWith('m') ? 'v' : 'k'}${query.sort.by.slice(1)} ${query.sort.dir.toUpperCase()}`, params: [] })
  }
  dims.forEach((d, i) => {
    const o = dimOrder(d, i, measures.length > 0 && !query.sort)
    if (o) orderParts.push(o)
    else if (!query.sort) orderParts.push({ sql: 'v0 DESC', params: [] })
  })
  const valueCols = selected.map((s, i) => ({ sql: `${s.sql} AS v${i}`, params: s.params }))

  const part = (rolled: boolean[]): Sql => {
    // A pivot total over a multiple relation (意向产品) counts each record once: its links are not
    // joined there (a record with two products is one opportunity in 合计).
    const unlinked = new Set(dims.filter((d, i) => rolled[i] && /^m\d+\.dst$/.test(d.expr)).map((d) => d.expr.split('.')[0]!))
    const from = unlinked.size && !options.summary && !topFilter ? scope.from(unlinked) : fromAll
    const keyCols = dims.map((d, i) => (rolled[i] ? { sql: `NULL AS k${i}`, params: [] } : { sql: `${dimSql(d).sql} AS k${i}`, params: dimSql(d).params }))
    const marks = options.subtotals ? rolled.map((g, i) => ({ sql: `${g ? 1 : 0} AS g${i}`, params: [] })) : []
    const cols = join([...keyCols, ...marks, ...valueCols], ', ')
    const groups = dims.map((_, i) => i).filter((i) => !rolled[i]).map((i) => `k${i}`)
    return {
      sql: `SELECT ${cols.sql} FROM ${from.sql} WHERE ${fullWhere.sql}${groups.length ? ` GROUP BY ${groups.join(', ')}` : ''}`,
      params: [...cols.params, ...from.params, ...fullWhere.params]
    }
  }

  let body: Sql
  if (options.subtotals && dims.length) {
    // Every subset of the dimensions rolled up: (a, b), (a, ·), (·, b), (·, ·).
    const sets: boolean[][] = dims.length === 2 ? [[false, false], [false, true], [true, false], [true, true]] : [[false], [true]]
    const union = join(sets.map(part), ' UNION ALL ')
    const order = join([{ sql: dims.map((_, i) => `g${i}`).join(', '), params: [] }, ...orderParts], ', ')
    body = { sql: `SELECT * FROM (${union.sql}) ORDER BY ${order.sql}`, params: [...union.params, ...order.params] }
  } else {
    const p = (summarized ? null : preAggregated(scope, query, dims, measureSpecs, from, fullWhere, whereParts, options)) ?? part(dims.map(() => false))
    const order = orderParts.length ? join(orderParts, ', ') : null
    const limit = query.limit && dims.length === 1 ? ` LIMIT ${query.limit}` : dims.length === 0 ? '' : ' LIMIT 5000'
    body = { sql: `${p.sql}${order ? ` ORDER BY ${order.sql}` : ''}${limit}`, params: [...p.params, ...(order?.params ?? [])] }
  }
  return { sql: body.sql, params: body.params, dims, measures, rollups: Boolean(options.subtotals && dims.length) }
}

const JOINED = /\br\d+\./

/**
 * Grouping by a related record's field (opportunity → customer → industry) joins one related
 * row per record: at 1M opportunities, 1M look-ups. When only dimensions read the related form
 * and every measure adds up (count, sum, min, max, ratios of those), the records are first
 * aggregated by the relation's own column, and only those groups (one per customer) are joined:
 * SELECT … FROM (SELECT t.c_customer, …, COUNT(*) AS p0 … GROUP BY t.c_customer, …) t JOIN …
 * The inner query is aliased `t` and keeps the relation columns' names, so the joins read
 * exactly as in the one-step form. Returns null when the query does not qualify.
 */
function preAggregated(scope: FieldScope, query: WidgetQueryParsed, dims: Dim[], specs: MeasureSpec[], from: Sql, where: Sql, whereParts: Sql[], options: CompileOptions): Sql | null {
  if (scope.source || scope.multiplies() || options.periods || options.subtotals || (query.limit && dims.length === 2)) return null
  const outer = dims.map((d) => JOINED.test(d.expr))
  if (!outer.some(Boolean) || whereParts.some((w) => JOINED.test(w.sql))) return null
  const parts: Sql[] = []
  const combine: string[] = []
  const partial = (m: SimpleMeasure): string | null => {
    if (!['count', 'sum', 'min', 'max'].includes(m.agg)) return null
    const a = aggregateSql(scope, m, null)
    if (JOINED.test(a.sql.sql)) return null
    parts.push(a.sql)
    const p = `t.p${parts.length - 1}`
    return m.agg === 'count' ? `SUM(${p})` : m.agg === 'sum' ? `COALESCE(SUM(${p}), 0)` : `${m.agg.toUpperCase()}(${p})`
  }
  for (const spec of specs) {
    if (spec.agg === 'ratio') {
      const num = partial(spec.numerator)
      const den = partial(spec.denominator)
      if (!num || !den) return null
      combine.push(`(CAST(${num} AS REAL) / NULLIF(${den}, 0))`)
    } else {
      const c = partial(spec)
      if (!c) return null
      combine.push(c)
    }
  }
  const keys = scope.joinedFromBase()
  const innerDims = dims.map((d, i) => (outer[i] ? null : { i, sql: dimSql(d) })).filter((x) => x !== null)
  const innerCols = join([
    ...keys.map((k) => ({ sql: `${k} AS ${k.slice(2)}`, params: [] })),
    ...innerDims.map((d) => ({ sql: `${d.sql.sql} AS k${d.i}`, params: d.sql.params })),
    ...parts.map((p, i) => ({ sql: `${p.sql} AS p${i}`, params: p.params }))
  ], ', ')
  const baseTable = from.sql.slice(0, from.sql.indexOf(' t') + 2)
  const groups = [...keys, ...innerDims.map((d) => `k${d.i}`)]
  const inner = `SELECT ${innerCols.sql} FROM ${baseTable} WHERE ${where.sql} GROUP BY ${groups.join(', ')}`
  const joins = scope.joins()
  const outerCols = join([
    ...dims.map((d, i) => (outer[i] ? { sql: `${dimSql(d).sql} AS k${i}`, params: dimSql(d).params } : { sql: `t.k${i} AS k${i}`, params: [] })),
    ...combine.map((c, i) => ({ sql: `${c} AS v${i}`, params: [] }))
  ], ', ')
  return {
    sql: `SELECT ${outerCols.sql} FROM (${inner}) t ${joins.sql} GROUP BY ${dims.map((_, i) => `k${i}`).join(', ')}`,
    params: [...outerCols.params, ...innerCols.params, ...where.params, ...joins.params]
  }
}
