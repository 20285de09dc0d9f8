import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import ExcelJS from 'exceljs'
import type { Actor } from '../../../src-main/access/actor'
import type { ChartType, DashboardFilters, WidgetQuery, WidgetResult } from '../../../src-main/shared/api/reports'
import { widgetWorkbook } from '../../../src-main/reports/export'
import { caught } from '../../support/core'
import { salesData, type SalesData } from './fixture'

// Each chart type's numbers against an independent SQL computation over the same physical
// tables (written differently: strftime instead of substr, explicit joins, no CASE tricks).

let d: SalesData
let opp: string
let cust: string
const close = (x: number) => expect.closeTo(x, 6)

beforeAll(async () => {
  d = await salesData()
  opp = `"${d.forms.opportunity.table}"`
  cust = `"${d.forms.customer.table}"`
})
afterAll(() => d.t.close())

const run = (type: ChartType, query: Omit<WidgetQuery, 'form'> & { form?: WidgetQuery['form'] }, filters?: DashboardFilters, actor?: Actor): WidgetResult =>
  d.t.core.reports.engine.run(actor ?? d.admin, { type, query: { form: d.forms.opportunity.id, ...query }, filters })
const sql = <T = Record<string, unknown>>(text: string, ...params: unknown[]) => d.t.core.db.prepare(text).all(...params) as T[]
/** Result rows as { 'key|key': [values] }. */
const byKey = (r: WidgetResult) => Object.fromEntries(r.rows.map((row) => [row.keys.map(String).join('|'), row.values]))
const c = (key: string) => d.col(d.forms.opportunity, key)

describe('aggregates', () => {
  it('counts records per stage in option order, with option labels and the empty stage last', () => {
    const r = run('column', { dimensions: [{ field: 'stage' }], measures: [{ agg: 'count' }] })
    const expected = sql<{ k: string | null; n: number }>(`SELECT ${c('stage')} AS k, COUNT(*) AS n FROM ${opp} WHERE deleted_at IS NULL GROUP BY 1`)
    expect(r.rows).toHaveLength(expected.length)
    for (const e of expected) expect(byKey(r)[String(e.k)]).toEqual([e.n])
    expect(r.rows.map((x) => x.keys[0])).toEqual(['initial', 'needs', 'proposal', 'negotiation', 'won', 'lost', null])
    expect(r.rows[4]!.labels).toEqual(['赢单'])
    expect(r.rows[6]!.labels).toEqual(['（空）'])
    expect(r.columns.map((x) => x.label)).toEqual(['销售阶段', '记录数'])
  })

  it('sum, avg, min, max and distinct count per stage', () => {
    const r = run('bar', {
      dimensions: [{ field: 'stage' }],
      measures: [{ agg: 'sum', field: 'amount' }, { agg: 'avg', field: 'amount' }, { agg: 'min', field: 'amount' }, { agg: 'max', field: 'amount' }, { agg: 'distinct', field: 'customer' }]
    })
    const expected = sql<{ k: string; s: number | null; a: number; mi: number; ma: number; dc: number }>(
      `SELECT ${c('stage')} AS k, SUM(${c('amount')}) AS s, AVG(${c('amount')}) AS a, MIN(${c('amount')}) AS mi, MAX(${c('amount')}) AS ma, COUNT(DISTINCT ${c('customer')}) AS dc FROM ${opp} WHERE deleted_at IS NULL GROUP BY 1`
    )
    for (const e of expected) {
      const v = byKey(r)[String(e.k)]!
      expect(v[0]).toEqual(close(e.s ?? 0))
      expect(v[1]).toEqual(close(e.a))
      expect(v[2]).toBe(e.mi)
      expect(v[3]).toBe(e.ma)
      expect(v[4]).toBe(e.dc)
    }
    expect(r.columns[1]).toMatchObject({ label: '金额（合计）', format: 'amount' })
  })

  it.each([
    ['day', `date(D)`],
    ['week', `date(D, 'weekday 0', '-6 days')`],
    ['month', `strftime('%Y-%m', D)`],
    ['quarter', `strftime('%Y', D) || '-Q' || ((CAST(strftime('%m', D) AS INTEGER) - 1) / 3 + 1)`],
    ['year', `strftime('%Y', D)`]
  ] as const)('date buckets by %s across month, quarter and year edges', (bucket, expr) => {
    const r = run('line', { dimensions: [{ field: 'closeDate', bucket }], measures: [{ agg: 'sum', field: 'amount' }, { agg: 'count' }] })
    const e = sql<{ k: string | null; s: number | null; n: number }>(
      `SELECT ${expr.replaceAll('D', c('closeDate'))} AS k, SUM(${c('amount')}) AS s, COUNT(*) AS n FROM ${opp} WHERE deleted_at IS NULL GROUP BY 1`
    )
    expect(r.rows).toHaveLength(e.length)
    for (const row of e) {
      const v = byKey(r)[String(row.k)]
      expect(v, `${bucket} ${row.k}`).toBeDefined()
      expect(v![0]).toEqual(close(row.s ?? 0))
      expect(v![1]).toBe(row.n)
    }
    // Buckets are in time order, the empty date last.
    const keys = r.rows.map((x) => x.keys[0]).filter((k) => k !== null) as string[]
    expect(keys).toEqual([...keys].sort())
    expect(r.rows[r.rows.length - 1]!.keys[0]).toBeNull()
  })

  it('labels date buckets the way a Chinese office reads them', () => {
    const q = run('column', { dimensions: [{ field: 'closeDate', bucket: 'quarter' }], filter: { field: 'closeDate', op: 'eq', value: '2024-03-31' } })
    expect(q.rows[0]!.labels).toEqual(['2024年第1季度'])
    const m = run('column', { dimensions: [{ field: 'closeDate', bucket: 'month' }], filter: { field: 'closeDate', op: 'eq', value: '2024-01-01' } })
    expect(m.rows[0]!.labels).toEqual(['2024年1月'])
    const w = run('column', { dimensions: [{ field: 'closeDate', bucket: 'week' }], filter: { field: 'closeDate', op: 'eq', value: '2024-03-03' } })
    // 2024-03-03 is a Sunday: its week started on Monday 2024-02-26.
    expect(w.rows[0]!.keys).toEqual(['2024-02-26'])
    expect(w.rows[0]!.labels).toEqual(['2月26日当周'])
  })

  it('buckets date-times by the local calendar day', () => {
    const r = run('line', { dimensions: [{ field: 'lastFollowUpAt', bucket: 'month' }] })
    const rows = sql<{ ms: number | null }>(`SELECT ${c('lastFollowUpAt')} AS ms FROM ${opp} WHERE deleted_at IS NULL`)
    const expected = new Map<string, number>()
    for (const { ms } of rows) {
      const k = ms === null ? 'null' : `${new Date(ms).getFullYear()}-${String(new Date(ms).getMonth() + 1).padStart(2, '0')}`
      expected.set(k, (expected.get(k) ?? 0) + 1)
    }
    expect(Object.fromEntries(r.rows.map((x) => [String(x.keys[0]), x.values[0]]))).toEqual(Object.fromEntries(expected))
  })

  it('groups through a relation (opportunity → customer → industry)', () => {
    const r = run('pie', { dimensions: [{ field: 'customer.industry' }], measures: [{ agg: 'sum', field: 'amount' }] })
    const e = sql<{ k: string | null; s: number | null }>(
      `SELECT c.${d.col(d.forms.customer, 'industry')} AS k, SUM(o.${c('amount')}) AS s FROM ${opp} o LEFT JOIN ${cust} c ON c.id = o.${c('customer')} AND c.deleted_at IS NULL WHERE o.deleted_at IS NULL GROUP BY 1`
    )
    expect(r.rows).toHaveLength(e.length)
    for (const row of e) expect(byKey(r)[String(row.k)]![0]).toEqual(close(row.s ?? 0))
    expect(r.rows.find((x) => x.keys[0] === 'mfg')!.labels).toEqual(['制造业'])
    expect(r.columns[0]!.label).toBe('行业')
    // Records are first added up per customer, and only those groups are joined.
    const plan = d.t.core.reports.engine.explain(d.admin, { type: 'pie', query: { form: d.forms.opportunity.id, dimensions: [{ field: 'customer.industry' }], measures: [{ agg: 'sum', field: 'amount' }] } })
    expect(plan.sql).toMatch(/FROM \(SELECT t\."c_\d+" AS "c_\d+", COALESCE\(SUM/)
  })

  it('pre-aggregates per related record with a second base dimension, ratios and a rep’s scope on both forms', () => {
    const rep = d.reps[1]!
    const r = run('column', {
      dimensions: [{ field: 'customer.source' }, { field: 'stage' }],
      measures: [{ agg: 'count' }, { agg: 'max', field: 'amount' }, { agg: 'ratio', numerator: { agg: 'sum', field: 'amount', filter: { field: 'stage', op: 'eq', value: 'won' } }, denominator: { agg: 'sum', field: 'amount' } }]
    }, undefined, rep)
    const e = sql<{ k0: string | null; k1: string | null; n: number; mx: number | null; won: number | null; total: number | null }>(
      `SELECT c.${d.col(d.forms.customer, 'source')} AS k0, o.${c('stage')} AS k1, COUNT(*) AS n, MAX(o.${c('amount')}) AS mx,
        SUM(CASE WHEN o.${c('stage')} = 'won' THEN o.${c('amount')} END) AS won, SUM(o.${c('amount')}) AS total
       FROM ${opp} o LEFT JOIN ${cust} c ON c.id = o.${c('customer')} AND c.deleted_at IS NULL AND c.owner_id = ?
       WHERE o.deleted_at IS NULL AND o.owner_id = ? GROUP BY 1, 2`, rep.id, rep.id)
    expect(r.rows).toHaveLength(e.length)
    for (const row of e) {
      const v = byKey(r)[`${row.k0}|${row.k1}`]!
      expect(v[0]).toBe(row.n)
      expect(v[1]).toBe(row.mx)
      if (row.total) expect(v[2]).toEqual(close((row.won ?? 0) / row.total))
    }
  })

  it('a calculated measure: win rate = count(won) / count(won or lost), per owner', () => {
    const r = run('ranking', {
      dimensions: [{ field: 'owner' }],
      measures: [{ agg: 'ratio', label: '赢率', numerator: { agg: 'count', filter: { field: 'stage', op: 'eq', value: 'won' } }, denominator: { agg: 'count', filter: { field: 'stage', op: 'in', value: ['won', 'lost'] } } }]
    })
    const e = sql<{ k: number; won: number; closed: number }>(
      `SELECT owner_id AS k, SUM(${c('stage')} = 'won') AS won, SUM(${c('stage')} IN ('won', 'lost')) AS closed FROM ${opp} WHERE deleted_at IS NULL GROUP BY 1`
    )
    for (const row of e) expect(byKey(r)[String(row.k)]![0]).toEqual(close(row.won / row.closed))
    expect(r.columns[1]).toMatchObject({ label: '赢率', format: 'percent' })
    expect(r.rows.map((x) => x.labels[0])).toContain('张三')
    // Ranked by the measure, highest first.
    const values = r.rows.map((x) => x.values[0]!)
    expect(values).toEqual([...values].sort((a, b) => b - a))
  })

  it('number ranges', () => {
    const r = run('column', { dimensions: [{ field: 'amount', ranges: [50000, 100000, 150000] }] })
    const e = sql<{ k: number | null; n: number }>(
      `SELECT CASE WHEN ${c('amount')} IS NULL THEN NULL WHEN ${c('amount')} < 50000 THEN 0 WHEN ${c('amount')} < 100000 THEN 1 WHEN ${c('amount')} < 150000 THEN 2 ELSE 3 END AS k, COUNT(*) AS n FROM ${opp} WHERE deleted_at IS NULL GROUP BY 1`
    )
    for (const row of e) expect(byKey(r)[String(row.k)]).toEqual([row.n])
    expect(r.rows.map((x) => x.labels[0])).toEqual(['低于 50,000', '50,000 – 100,000', '100,000 – 150,000', '150,000 及以上', '（空）'])
  })

  it('sub-table rows: quantity per product over quote lines', () => {
    const lines = d.t.core.schema.form(d.forms.quote.id).byKey.get('lines')!
    const r = run('bar', { form: d.forms.quote.id, source: 'lines', dimensions: [{ field: 'product' }], measures: [{ agg: 'sum', field: 'quantity' }, { agg: 'count' }, { agg: 'distinct', field: 'name' }] })
    const e = sql<{ k: string; q: number; n: number; p: number }>(
      `SELECT s.${d.col(d.forms.quote, 'product')} AS k, SUM(s.${d.col(d.forms.quote, 'quantity')}) AS q, COUNT(*) AS n, COUNT(DISTINCT p.id) AS p FROM "s_${lines.id}" s JOIN "${d.forms.quote.table}" p ON p.id = s.parent_id WHERE p.deleted_at IS NULL GROUP BY 1`
    )
    expect(r.rows).toHaveLength(e.length)
    for (const row of e) expect(byKey(r)[row.k]).toEqual([row.q, row.n, row.p])
  })

  it('grouped by two dimensions, top N of the first by its measure', () => {
    const r = run('column', { dimensions: [{ field: 'owner' }, { field: 'stage' }], measures: [{ agg: 'sum', field: 'amount' }], sort: { by: 'm0', dir: 'desc' }, limit: 2 })
    const top = sql<{ k: number }>(`SELECT owner_id AS k FROM ${opp} WHERE deleted_at IS NULL GROUP BY 1 ORDER BY SUM(${c('amount')}) DESC LIMIT 2`).map((x) => x.k)
    expect(new Set(r.rows.map((x) => x.keys[0]))).toEqual(new Set(top))
    const e = sql<{ o: number; s: string | null; v: number }>(`SELECT owner_id AS o, ${c('stage')} AS s, SUM(${c('amount')}) AS v FROM ${opp} WHERE deleted_at IS NULL AND owner_id IN (${top.join(',')}) GROUP BY 1, 2`)
    expect(r.rows).toHaveLength(e.length)
    for (const row of e) expect(byKey(r)[`${row.o}|${row.s}`]![0]).toEqual(close(row.v ?? 0))
  })

  it('pivot: rows × columns with subtotals and a grand total computed in SQL (averages are not averaged)', () => {
    const r = run('pivot', { dimensions: [{ field: 'owner' }, { field: 'stage' }], measures: [{ agg: 'sum', field: 'amount' }, { agg: 'avg', field: 'amount' }] })
    const cells = r.rows.filter((x) => !x.rollup!.some(Boolean))
    const rowTotals = r.rows.filter((x) => !x.rollup![0] && x.rollup![1])
    const colTotals = r.rows.filter((x) => x.rollup![0] && !x.rollup![1])
    const grand = r.rows.filter((x) => x.rollup![0] && x.rollup![1])
    const e = sql<{ n: number }>(`SELECT COUNT(*) AS n FROM (SELECT 1 FROM ${opp} WHERE deleted_at IS NULL GROUP BY owner_id, ${c('stage')})`)[0]!
    expect(cells).toHaveLength(e.n)
    for (const row of sql<{ k: number; s: number; a: number }>(`SELECT owner_id AS k, SUM(${c('amount')}) AS s, AVG(${c('amount')}) AS a FROM ${opp} WHERE deleted_at IS NULL GROUP BY 1`)) {
      const t = rowTotals.find((x) => x.keys[0] === row.k)!
      expect(t.values).toEqual([close(row.s), close(row.a)])
      expect(t.labels[1]).toBe('合计')
    }
    for (const row of sql<{ k: string | null; s: number | null }>(`SELECT ${c('stage')} AS k, SUM(${c('amount')}) AS s FROM ${opp} WHERE deleted_at IS NULL GROUP BY 1`)) {
      expect(colTotals.find((x) => x.keys[1] === row.k)!.values[0]).toEqual(close(row.s ?? 0))
    }
    const all = sql<{ s: number; a: number }>(`SELECT SUM(${c('amount')}) AS s, AVG(${c('amount')}) AS a FROM ${opp} WHERE deleted_at IS NULL`)[0]!
    expect(grand).toHaveLength(1)
    expect(grand[0]!.values).toEqual([close(all.s), close(all.a)])
  })

  it('scatter and radar take several measures per point', () => {
    const r = run('scatter', { dimensions: [{ field: 'customer' }], measures: [{ agg: 'count' }, { agg: 'sum', field: 'amount' }] })
    const e = sql<{ k: number | null; n: number; s: number | null }>(`SELECT ${c('customer')} AS k, COUNT(*) AS n, SUM(${c('amount')}) AS s FROM ${opp} WHERE deleted_at IS NULL GROUP BY 1`)
    expect(r.rows).toHaveLength(e.length)
    for (const row of e) expect(byKey(r)[String(row.k)]).toEqual([row.n, close(row.s ?? 0)])
    expect(r.rows.find((x) => x.keys[0] !== null)!.labels[0]).toMatch(/^客户\d+$/)
  })

  it('funnel and gauge: stage counts and one total with a widget filter', () => {
    const f = run('funnel', { dimensions: [{ field: 'stage' }], filter: { field: 'stage', op: 'notIn', value: ['lost'] } })
    const e = sql<{ k: string | null; n: number }>(`SELECT ${c('stage')} AS k, COUNT(*) AS n FROM ${opp} WHERE deleted_at IS NULL AND (${c('stage')} IS NULL OR ${c('stage')} <> 'lost') GROUP BY 1`)
    for (const row of e) expect(byKey(f)[String(row.k)]).toEqual([row.n])
    const g = run('gauge', { measures: [{ agg: 'sum', field: 'amount', filter: { field: 'stage', op: 'eq', value: 'won' } }] })
    expect(g.rows[0]!.values[0]).toEqual(close(sql<{ s: number }>(`SELECT SUM(${c('amount')}) AS s FROM ${opp} WHERE deleted_at IS NULL AND ${c('stage')} = 'won'`)[0]!.s))
  })

  it('refuses a query the chart type cannot draw, naming it', () => {
    const e = caught(() => run('pie', { dimensions: [{ field: 'stage' }, { field: 'owner' }] }))
    expect(e.messageKey).toBe('reports.error.shape')
    expect(caught(() => run('bar', { dimensions: [{ field: 'nope' }] })).messageKey).toBe('value.unknownField')
    expect(caught(() => run('bar', { dimensions: [{ field: 'stage' }], measures: [{ agg: 'sum', field: 'name' }] })).messageKey).toBe('reports.error.measureNeedsNumber')
  })
})

describe('filters', () => {
  it('dashboard date range, owners and departments narrow every widget', () => {
    const [zhang, li] = d.reps
    const filters: DashboardFilters = { dateFrom: '2024-01-01', dateTo: '2024-03-31', departmentIds: [d.departments.east] }
    const r = run('column', { dimensions: [{ field: 'stage' }], dateField: 'closeDate', measures: [{ agg: 'sum', field: 'amount' }] }, filters)
    const e = sql<{ k: string | null; s: number | null }>(
      `SELECT ${c('stage')} AS k, SUM(${c('amount')}) AS s FROM ${opp} WHERE deleted_at IS NULL AND ${c('closeDate')} BETWEEN '2024-01-01' AND '2024-03-31' AND owner_id IN (${zhang!.id}, ${li!.id}, (SELECT id FROM users WHERE department_id = ${d.departments.east} AND id NOT IN (${zhang!.id}, ${li!.id}))) GROUP BY 1`
    )
    expect(r.rows).toHaveLength(e.length)
    for (const row of e) expect(byKey(r)[String(row.k)]![0]).toEqual(close(row.s ?? 0))
    const one = run('kpi', { measures: [{ agg: 'count' }], dateField: 'closeDate' }, { ownerIds: [zhang!.id], dateFrom: '2024-01-01', dateTo: '2024-01-31' })
    expect(one.rows[0]!.values[0]).toBe(sql<{ n: number }>(`SELECT COUNT(*) AS n FROM ${opp} WHERE deleted_at IS NULL AND owner_id = ? AND ${c('closeDate')} BETWEEN '2024-01-01' AND '2024-01-31'`, zhang!.id)[0]!.n)
  })

  it('a cross-filter from another widget applies to widgets of the same form only', () => {
    const cross = { form: d.forms.opportunity.id, filter: { field: 'stage', op: 'eq' as const, value: 'won' } }
    const r = run('pie', { dimensions: [{ field: 'owner' }] }, { cross })
    const e = sql<{ k: number; n: number }>(`SELECT owner_id AS k, COUNT(*) AS n FROM ${opp} WHERE deleted_at IS NULL AND ${c('stage')} = 'won' GROUP BY 1`)
    for (const row of e) expect(byKey(r)[String(row.k)]).toEqual([row.n])
    const other = run('pie', { form: d.forms.customer.id, dimensions: [{ field: 'industry' }] }, { cross })
    expect(other.rows.reduce((s, x) => s + x.values[0]!, 0)).toBe(40)
  })

  it('a widget period (e.g. 本季度 on a gauge) bounds the data when the dashboard sets no range; a dashboard range wins', () => {
    const sum = (from: string, to: string) => sql<{ s: number | null }>(`SELECT SUM(${c('amount')}) AS s FROM ${opp} WHERE deleted_at IS NULL AND ${c('closeDate')} >= ? AND ${c('closeDate')} < ?`, from, to)[0]!.s ?? 0
    const q = { measures: [{ agg: 'sum' as const, field: 'amount' }], dateField: 'closeDate', period: 'thisQuarter' as const }
    expect(run('gauge', q).rows[0]!.values[0]).toEqual(close(sum('2024-01-01', '2024-04-01')))
    expect(run('gauge', q, { dateFrom: '2024-04-01', dateTo: '2024-06-30' }).rows[0]!.values[0]).toEqual(close(sum('2024-04-01', '2024-07-01')))
  })

  it('KPI: this month against last month (the injected clock), and a custom range against the one before', () => {
    const r = run('kpi', { measures: [{ agg: 'sum', field: 'amount' }], dateField: 'closeDate', period: 'thisMonth' })
    const sum = (from: string, to: string) => sql<{ s: number | null }>(`SELECT SUM(${c('amount')}) AS s FROM ${opp} WHERE deleted_at IS NULL AND ${c('closeDate')} >= ? AND ${c('closeDate')} < ?`, from, to)[0]!.s ?? 0
    expect(r.period).toEqual({ from: '2024-03-01', to: '2024-03-31', previousFrom: '2024-02-01', previousTo: '2024-02-29' })
    expect(r.rows[0]!.values[0]).toEqual(close(sum('2024-03-01', '2024-04-01')))
    expect(r.previous![0]).toEqual(close(sum('2024-02-01', '2024-03-01')))
    const q = run('kpi', { measures: [{ agg: 'sum', field: 'amount' }], dateField: 'closeDate', period: 'thisQuarter' })
    expect(q.previous![0]).toEqual(close(sum('2023-10-01', '2024-01-01')))
    const custom = run('kpi', { measures: [{ agg: 'sum', field: 'amount' }], dateField: 'closeDate' }, { dateFrom: '2024-01-11', dateTo: '2024-01-20' })
    expect(custom.period!.previousFrom).toBe('2024-01-01')
    expect(custom.previous![0]).toEqual(close(sum('2024-01-01', '2024-01-11')))
  })
})

describe('targets vs actual', () => {
  it('per person and month: won amount against the person targets, with achievement', () => {
    const r = run('bar', {
      dimensions: [{ field: 'owner' }, { field: 'closeDate', bucket: 'month' }],
      measures: [{ agg: 'sum', field: 'amount', filter: { field: 'stage', op: 'eq', value: 'won' } }],
      dateField: 'closeDate',
      target: { form: d.forms.target.id }
    }, { dateFrom: '2024-01-01', dateTo: '2024-03-31' })
    expect(r.columns.map((x) => x.label)).toEqual(['负责人', '预计成交日期', '金额（合计）', '目标', '达成率'])
    for (const rep of d.reps) {
      for (const month of ['2024-01', '2024-02', '2024-03']) {
        const actual = sql<{ s: number | null }>(`SELECT SUM(${c('amount')}) AS s FROM ${opp} WHERE deleted_at IS NULL AND owner_id = ? AND ${c('stage')} = 'won' AND strftime('%Y-%m', ${c('closeDate')}) = ?`, rep.id, month)[0]!.s ?? 0
        const row = byKey(r)[`${rep.id}|${month}`]!
        expect(row).toEqual([close(actual), 500000, close(actual / 500000)])
      }
    }
  })

  it('the widget period bounds actual and targets when the dashboard sets no date range', () => {
    const rep = d.reps[0]!
    const r = run('gauge', {
      dimensions: [{ field: 'owner' }],
      measures: [{ agg: 'sum', field: 'amount', filter: { field: 'stage', op: 'eq', value: 'won' } }],
      dateField: 'closeDate',
      period: 'thisQuarter',
      target: { form: d.forms.target.id }
    })
    const actual = sql<{ s: number | null }>(`SELECT SUM(${c('amount')}) AS s FROM ${opp} WHERE deleted_at IS NULL AND owner_id = ? AND ${c('stage')} = 'won' AND ${c('closeDate')} BETWEEN '2024-01-01' AND '2024-03-31'`, rep.id)[0]!.s ?? 0
    expect(byKey(r)[String(rep.id)]).toEqual([close(actual), 1500000, close(actual / 1500000)])
  })

  it('per department: actual by the owners’ department against department targets', () => {
    const r = run('ranking', {
      dimensions: [{ field: 'owner.department' }],
      measures: [{ agg: 'sum', field: 'amount', filter: { field: 'stage', op: 'eq', value: 'won' } }],
      dateField: 'closeDate',
      target: { form: d.forms.target.id }
    }, { dateFrom: '2024-01-01', dateTo: '2024-03-31' })
    const actual = sql<{ k: number | null; s: number }>(
      `SELECT u.department_id AS k, SUM(o.${c('amount')}) AS s FROM ${opp} o LEFT JOIN users u ON u.id = o.owner_id WHERE o.deleted_at IS NULL AND o.${c('stage')} = 'won' AND o.${c('closeDate')} BETWEEN '2024-01-01' AND '2024-03-31' GROUP BY 1`
    )
    const east = byKey(r)[String(d.departments.east)]!
    expect(east).toEqual([close(actual.find((x) => x.k === d.departments.east)!.s), 3600000, close(actual.find((x) => x.k === d.departments.east)!.s / 3600000)])
    expect(r.rows.find((x) => x.keys[0] === d.departments.north)!.labels).toEqual(['华北销售部'])
    expect(byKey(r)[String(d.departments.north)]![1]).toBe(1800000)
  })
})

describe('series from other forms or date fields', () => {
  it('outer-joins each series on the same buckets (e.g. planned vs received by month)', () => {
    const r = run('column', {
      dimensions: [{ field: 'closeDate', bucket: 'month' }],
      measures: [{ agg: 'sum', field: 'amount', label: '预计' }],
      dateField: 'closeDate',
      series: [{ form: d.forms.opportunity.id, dateField: 'lastFollowUpAt', measure: { agg: 'count' }, label: '跟进' }]
    }, { dateFrom: '2024-01-01', dateTo: '2024-06-30' })
    expect(r.columns.map((x) => x.label)).toEqual(['预计成交日期', '预计', '跟进'])
    const a = sql<{ k: string; s: number }>(`SELECT strftime('%Y-%m', ${c('closeDate')}) AS k, SUM(${c('amount')}) AS s FROM ${opp} WHERE deleted_at IS NULL AND ${c('closeDate')} BETWEEN '2024-01-01' AND '2024-06-30' GROUP BY 1`)
    const b = sql<{ k: string; n: number }>(`SELECT strftime('%Y-%m', ${c('lastFollowUpAt')} / 1000, 'unixepoch', 'localtime') AS k, COUNT(*) AS n FROM ${opp} WHERE deleted_at IS NULL AND ${c('lastFollowUpAt')} >= ? AND ${c('lastFollowUpAt')} < ? GROUP BY 1`, new Date(2024, 0, 1).getTime(), new Date(2024, 6, 1).getTime())
    const keys = [...new Set([...a.map((x) => x.k), ...b.map((x) => x.k)])].sort()
    expect(r.rows.map((x) => x.keys[0])).toEqual(keys)
    for (const k of keys) expect(byKey(r)[k]).toEqual([a.find((x) => x.k === k) ? close(a.find((x) => x.k === k)!.s) : null, b.find((x) => x.k === k)?.n ?? null])
  })
})

describe('access', () => {
  it('a rep sees only their own data in every widget', () => {
    const rep = d.reps[0]!
    const r = run('column', { dimensions: [{ field: 'stage' }], measures: [{ agg: 'sum', field: 'amount' }, { agg: 'count' }] }, undefined, rep)
    const e = sql<{ k: string | null; s: number | null; n: number }>(`SELECT ${c('stage')} AS k, SUM(${c('amount')}) AS s, COUNT(*) AS n FROM ${opp} WHERE deleted_at IS NULL AND owner_id = ? GROUP BY 1`, rep.id)
    expect(r.rows).toHaveLength(e.length)
    for (const row of e) expect(byKey(r)[String(row.k)]).toEqual([close(row.s ?? 0), row.n])
  })

  it('through a relation, a customer the rep may not see reads as empty', () => {
    const rep = d.reps[0]!
    const r = run('pie', { dimensions: [{ field: 'customer.industry' }] }, undefined, rep)
    const e = sql<{ k: string | null; n: number }>(
      `SELECT c.${d.col(d.forms.customer, 'industry')} AS k, COUNT(*) AS n FROM ${opp} o LEFT JOIN ${cust} c ON c.id = o.${c('customer')} AND c.deleted_at IS NULL AND c.owner_id = ? WHERE o.deleted_at IS NULL AND o.owner_id = ? GROUP BY 1`,
      rep.id,
      rep.id
    )
    for (const row of e) expect(byKey(r)[String(row.k)]).toEqual([row.n])
  })

  it('a manager sees the department tree', () => {
    const r = run('kpi', { measures: [{ agg: 'count' }], period: 'thisYear' }, undefined, d.manager)
    const n = sql<{ n: number }>(`SELECT COUNT(*) AS n FROM ${opp} WHERE deleted_at IS NULL AND owner_id IN (SELECT id FROM users WHERE department_id = ?)`, d.departments.east)[0]!.n
    expect(r.rows[0]!.values[0]).toBe(n)
  })

  it('a hidden field can be neither a dimension nor a measure nor a filter', () => {
    const org = d.t.core.org
    const role = org.roles().find((r) => r.key === 'sales_rep')!.id
    const amount = d.t.core.schema.form(d.forms.opportunity.id).byKey.get('amount')!.id
    org.setPermission(d.admin.id, role, { formId: d.forms.opportunity.id, actions: ['view', 'create', 'edit'], scope: 'own', fieldRules: { [amount]: 'hidden' } })
    try {
      const rep = d.reps[1]!
      expect(caught(() => run('bar', { dimensions: [{ field: 'stage' }], measures: [{ agg: 'sum', field: 'amount' }] }, undefined, rep)).messageKey).toBe('value.unknownField')
      expect(caught(() => run('bar', { dimensions: [{ field: 'amount', ranges: [10] }] }, undefined, rep)).messageKey).toBe('value.unknownField')
      expect(caught(() => run('bar', { dimensions: [{ field: 'stage' }], filter: { field: 'amount', op: 'gt', value: 1 } }, undefined, rep)).messageKey).toBe('value.unknownField')
      expect(run('bar', { dimensions: [{ field: 'stage' }] }, undefined, rep).rows.length).toBeGreaterThan(0)
    } finally {
      org.setPermission(d.admin.id, role, { formId: d.forms.opportunity.id, actions: ['view', 'create', 'edit'], scope: 'own', fieldRules: {} })
    }
  })
})

describe('cache', () => {
  it('serves a repeated query from the cache until a write to a form it reads', () => {
    const q = { dimensions: [{ field: 'customer.industry' }], measures: [{ agg: 'sum' as const, field: 'amount' }] }
    const first = run('bar', q)
    const again = run('bar', q)
    expect(again.cached).toBe(true)
    expect(again.rows).toEqual(first.rows)
    // Another actor does not get this actor's cached result.
    expect(run('bar', q, undefined, d.reps[0]).cached).toBe(false)
    // A write to the opportunity form makes it stale.
    const id = d.t.core.writes.create(d.admin, d.forms.opportunity.id, { name: '新商机', amount: 1000, stage: 'won' })
    const after = run('bar', q)
    expect(after.cached).toBe(false)
    const sumAll = (r: WidgetResult) => r.rows.reduce((s, x) => s + x.values[0]!, 0)
    expect(sumAll(after)).toEqual(close(sumAll(first) + 1000))
    // A write to the related form (a customer's industry) makes it stale too.
    expect(run('bar', q).cached).toBe(true)
    const customerId = sql<{ id: number }>(`SELECT id FROM ${cust} LIMIT 1`)[0]!.id
    d.t.core.writes.update(d.admin, d.forms.customer.id, customerId, { industry: 'retail' })
    expect(run('bar', q).cached).toBe(false)
    d.t.core.writes.delete(d.admin, d.forms.opportunity.id, [id])
    expect(sumAll(run('bar', q))).toEqual(close(sumAll(first)))
  })

  it('a cached result lasts the local day: after midnight (or a clock set back) the widget is computed again', () => {
    const clock = d.t.clock
    const start = clock.now()
    try {
      const q = { measures: [{ agg: 'sum' as const, field: 'amount' }], dateField: 'closeDate', period: 'thisMonth' as const }
      clock.set(new Date(2024, 2, 31, 0, 0, 1).getTime())
      expect(run('kpi', q).period!.from).toBe('2024-03-01')
      clock.set(new Date(2024, 2, 31, 23, 59, 59).getTime())
      expect(run('kpi', q).cached).toBe(true)
      clock.set(new Date(2024, 3, 1, 0, 0, 0).getTime())
      const april = run('kpi', q)
      expect(april.cached).toBe(false)
      expect(april.period).toMatchObject({ from: '2024-04-01', to: '2024-04-30' })
      clock.set(new Date(2024, 2, 31, 12, 0, 0).getTime())
      const back = run('kpi', q)
      expect(back.period!.from).toBe('2024-03-01')
    } finally {
      clock.set(start)
    }
  })

  it('renaming a related record refreshes the labels of a widget grouped by that relation', () => {
    const q = { dimensions: [{ field: 'customer' }] }
    const before = run('bar', q)
    const row = before.rows.find((x) => x.keys[0] !== null)!
    d.t.core.writes.update(d.admin, d.forms.customer.id, row.keys[0] as number, { name: '改名后的客户' })
    const after = run('bar', q)
    expect(after.cached).toBe(false)
    expect(after.rows.find((x) => x.keys[0] === row.keys[0])!.labels).toEqual(['改名后的客户'])
  })
})

describe('worker thread', () => {
  it('runs the statement on the worker’s own connection with the same result, then serves the cache', async () => {
    const query: WidgetQuery = { form: d.forms.opportunity.id, dimensions: [{ field: 'customer.industry' }, { field: 'stage' }], measures: [{ agg: 'sum', field: 'amount' }, { agg: 'count' }] }
    const here = d.t.core.reports.engine.run(d.reps[1]!, { type: 'pivot', query }, 'zh-CN', { fresh: true })
    d.t.core.writes.create(d.admin, d.forms.customer.id, { name: '新客户' })
    const there = await d.t.core.reports.engine.runAsync(d.reps[1]!, { type: 'pivot', query })
    expect(there.cached).toBe(false)
    expect(there.rows).toEqual(here.rows)
    expect((await d.t.core.reports.engine.runAsync(d.reps[1]!, { type: 'pivot', query })).cached).toBe(true)
    await d.t.core.reports.engine.close()
  })
})

describe('drill-down', () => {
  const total = (formId: number, filter: unknown, actor?: Actor) => d.t.core.reads.list(actor ?? d.admin, { form: formId, filter: filter as never, limit: 1, withTotal: true }).total

  it('a clicked stage, month, industry or department is the record list filter with the same records', () => {
    const filters: DashboardFilters = { dateFrom: '2024-01-01', dateTo: '2024-06-30' }
    const cases: Array<{ type: ChartType; query: WidgetQuery }> = [
      { type: 'funnel', query: { form: d.forms.opportunity.id, dimensions: [{ field: 'stage' }], dateField: 'closeDate' } },
      { type: 'line', query: { form: d.forms.opportunity.id, dimensions: [{ field: 'closeDate', bucket: 'quarter' }], dateField: 'closeDate' } },
      { type: 'line', query: { form: d.forms.opportunity.id, dimensions: [{ field: 'lastFollowUpAt', bucket: 'week' }], dateField: 'closeDate' } },
      { type: 'pie', query: { form: d.forms.opportunity.id, dimensions: [{ field: 'customer.industry' }], dateField: 'closeDate' } },
      { type: 'bar', query: { form: d.forms.opportunity.id, dimensions: [{ field: 'owner.department' }, { field: 'stage' }], dateField: 'closeDate', filter: { field: 'amount', op: 'gt', value: 10000 } } },
      { type: 'column', query: { form: d.forms.opportunity.id, dimensions: [{ field: 'amount', ranges: [50000, 100000] }], measures: [{ agg: 'count', filter: { field: 'stage', op: 'eq', value: 'won' } }], dateField: 'closeDate' } }
    ]
    for (const { type, query } of cases) {
      const r = d.t.core.reports.engine.run(d.admin, { type, query, filters })
      for (const row of r.rows.slice(0, 4)) {
        const drill = d.t.core.reports.engine.drill(d.admin, { type, query, filters, keys: row.keys })
        expect(drill.formId).toBe(d.forms.opportunity.id)
        expect(total(drill.formId, drill.filter), `${type} ${JSON.stringify(query.dimensions)} ${row.keys}`).toBe(row.values[0])
      }
    }
  })

  it('a KPI card drills to the records of its period', () => {
    const query: WidgetQuery = { form: d.forms.opportunity.id, measures: [{ agg: 'count', filter: { field: 'stage', op: 'eq', value: 'won' } }], dateField: 'closeDate', period: 'thisQuarter' }
    const r = d.t.core.reports.engine.run(d.admin, { type: 'kpi', query })
    const drill = d.t.core.reports.engine.drill(d.admin, { type: 'kpi', query, keys: [] })
    expect(total(drill.formId, drill.filter)).toBe(r.rows[0]!.values[0])
  })

  it('drills within the rep’s scope', () => {
    const rep = d.reps[2]!
    const query: WidgetQuery = { form: d.forms.opportunity.id, dimensions: [{ field: 'stage' }] }
    const r = d.t.core.reports.engine.run(rep, { type: 'funnel', query })
    const drill = d.t.core.reports.engine.drill(rep, { type: 'funnel', query, keys: r.rows[0]!.keys })
    expect(total(drill.formId, drill.filter, rep)).toBe(r.rows[0]!.values[0])
  })
})

describe('detail table and export', () => {
  it('lists records’ fields with their display values, newest first', () => {
    const r = run('table', { columns: ['name', 'stage', 'customer', 'customer.industry', 'amount', 'owner'], limit: 5 })
    const last = sql<{ id: number }>(`SELECT id FROM ${opp} WHERE deleted_at IS NULL ORDER BY id DESC LIMIT 5`).map((x) => x.id)
    expect(r.recordIds).toEqual(last)
    expect(r.columns.map((x) => x.label)).toEqual(['商机名称', '销售阶段', '客户', '行业', '金额', '负责人'])
    expect(r.rows[0]!.labels[0]).toMatch(/^商机\d+$/)
  })

  it('exports a widget’s data as a workbook with numbers', async () => {
    const r = run('column', { dimensions: [{ field: 'stage' }], measures: [{ agg: 'sum', field: 'amount' }] })
    const book = new ExcelJS.Workbook()
    await book.xlsx.load((await widgetWorkbook('按阶段金额', r)) as never)
    const sheet = book.worksheets[0]!
    expect(sheet.name).toBe('按阶段金额')
    expect(sheet.getRow(1).values).toEqual([undefined, '销售阶段', '金额（合计）'])
    expect(sheet.getRow(6).getCell(1).value).toBe('赢单')
    expect(sheet.getRow(6).getCell(2).value).toEqual(close(r.rows[4]!.values[0]!))
  })
})
