import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { toActor } from '../../../src-main/access/auth'
import type { Actor } from '../../../src-main/access/actor'
import type { FormModel } from '../../../src-main/forms/model'
import type { ChartType, WidgetQuery } from '../../../src-main/shared/api/reports'
import { caught, testCore } from '../../support/core'

// Reports on imported history (issue 20): a formula that turns a day-first text date into a date
// buckets by quarter, a blank text date stays blank (not 1999-11-30), 全部时间 KPIs keep their
// figure after the month of the import, and a multiple relation (意向产品) is a dimension that
// counts each linked product once per record, within the viewer's row scope.

type Core = Awaited<ReturnType<typeof testCore>>
let t: Core
let admin: Actor
let rep: Actor
let opp: FormModel
let product: FormModel
const ids: Record<string, number> = {}

beforeAll(async () => {
  t = await testCore({ now: new Date(2024, 2, 15, 10).getTime() })
  admin = t.actor
  const org = t.core.org
  const role = org.createRole(admin.id, { name: '产品受限' }).id
  rep = toActor(t.core.auth.user(await org.createUser(admin.id, { name: '钱七', login: 'qian', password: 'secret123', roleIds: [role] }))!)
  product = t.form('产品', [{ label: '产品名称', apiKey: 'name', type: 'text' }])
  opp = t.form('商机', [
    { label: '商机名称', apiKey: 'name', type: 'text' },
    { label: '金额', apiKey: 'amount', type: 'amount' },
    { label: '成交日期文本', apiKey: 'closeText', type: 'text' },
    // The workaround an owner wrote for DD-MM-YY text: the formula engine must keep blanks blank.
    { label: '成交日期', apiKey: 'closeDate', type: 'formula', config: { expression: 'DATE(VALUE(MID({成交日期文本}, 7, 2)) + 2000, VALUE(MID({成交日期文本}, 4, 2)), VALUE(MID({成交日期文本}, 1, 2)))' } },
    { label: '意向产品', apiKey: 'products', type: 'relation', config: { targetFormId: product.id, multiple: true } }
  ])
  const [p1, p2, secret] = t.core.writes.bulkCreate(admin, product.id, [{ name: '积木标准版', owner: rep.id }, { name: '积木专业版', owner: rep.id }, { name: '保密产品', owner: admin.id }])
  Object.assign(ids, { p1, p2, secret })
  t.core.writes.bulkCreate(admin, opp.id, [
    { name: 'A', amount: 100, closeText: '20-10-16', products: [p1, p2], owner: rep.id },
    { name: 'B', amount: 200, closeText: '05-11-16', products: [p1], owner: rep.id },
    { name: 'C', amount: 300, closeText: '14-02-17', products: [secret], owner: rep.id },
    { name: 'D', amount: 400, closeText: null, products: [p2, secret], owner: rep.id },
    { name: 'E', amount: 500, closeText: '', products: [], owner: rep.id }
  ])
  // The role sees its own products and opportunities: 保密产品 is someone else's.
  org.setPermission(admin.id, role, { formId: product.id, actions: ['view'], scope: 'own', fieldRules: {} })
  org.setPermission(admin.id, role, { formId: opp.id, actions: ['view'], scope: 'own', fieldRules: {} })
})
afterAll(() => t.close())

const run = (type: ChartType, query: Omit<WidgetQuery, 'form'>, actor: Actor = admin) => t.core.reports.engine.run(actor, { type, query: { form: opp.id, ...query } }, 'zh-CN', { fresh: true })
const byKey = (r: ReturnType<typeof run>) => Object.fromEntries(r.rows.map((row) => [String(row.keys[0]), row.values]))
const total = (filter: unknown, actor: Actor = admin) => t.core.reads.list(actor, { form: opp.id, filter: filter as never, limit: 1, withTotal: true }).total

describe('a formula returning a date', () => {
  it('reads a day-first text date, and a blank one stays blank', () => {
    const rows = t.core.reads.list(admin, { form: opp.id, limit: 10 }).records
    const close = Object.fromEntries(rows.map((r) => [r.fields.name, r.fields.closeDate]))
    expect(close).toEqual({ A: '2016-10-20', B: '2016-11-05', C: '2017-02-14', D: null, E: null })
  })

  it('groups by quarter and year, not by day', () => {
    const q = run('column', { dimensions: [{ field: 'closeDate', bucket: 'quarter' }] })
    expect(byKey(q)).toEqual({ '2016-Q4': [2], '2017-Q1': [1], null: [2] })
    expect(q.rows.map((r) => r.labels[0])).toContain('2016年第4季度')
    const y = run('column', { dimensions: [{ field: 'closeDate', bucket: 'year' }] })
    expect(byKey(y)).toEqual({ 2016: [2], 2017: [1], null: [2] })
  })

  it('a clicked quarter drills to its records', () => {
    const query: WidgetQuery = { form: opp.id, dimensions: [{ field: 'closeDate', bucket: 'quarter' }] }
    const drill = t.core.reports.engine.drill(admin, { type: 'column', query, keys: ['2016-Q4'] })
    expect(total(drill.filter)).toBe(2)
  })

  it('bounds a KPI period and a dashboard date range', () => {
    const r = t.core.reports.engine.run(admin, { type: 'kpi', query: { form: opp.id, measures: [{ agg: 'count' }], dateField: 'closeDate' }, filters: { dateFrom: '2016-10-01', dateTo: '2016-12-31' } })
    expect(r.rows[0]!.values).toEqual([2])
  })
})

describe('全部时间', () => {
  it('a KPI over all time counts every record, also after the month of the import, with nothing to compare', () => {
    const month = run('kpi', { measures: [{ agg: 'sum', field: 'amount' }] })
    const all = run('kpi', { measures: [{ agg: 'sum', field: 'amount' }], period: 'all' })
    expect(month.rows[0]!.values).toEqual([1500])
    expect(all.rows[0]!.values).toEqual([1500])
    expect(all.previous).toEqual([null])
    expect(all.period).toBeUndefined()
    const now = t.clock.now()
    t.clock.set(new Date(2024, 4, 2, 10).getTime())
    try {
      expect(run('kpi', { measures: [{ agg: 'sum', field: 'amount' }] }).rows[0]!.values).toEqual([0])
      expect(run('kpi', { measures: [{ agg: 'sum', field: 'amount' }], period: 'all' }).rows[0]!.values).toEqual([1500])
      // A blank date is in 全部时间 too.
      expect(run('kpi', { measures: [{ agg: 'count' }], dateField: 'closeDate', period: 'all' }).rows[0]!.values).toEqual([5])
      const drill = t.core.reports.engine.drill(admin, { type: 'kpi', query: { form: opp.id, measures: [{ agg: 'count' }], dateField: 'closeDate', period: 'all' }, keys: [] })
      expect(total(drill.filter)).toBe(5)
    } finally {
      t.clock.set(now)
    }
  })

  it('any widget takes it as its period; 本月 on a chart bounds it', () => {
    expect(byKey(run('column', { dimensions: [{ field: 'closeDate', bucket: 'year' }], dateField: 'closeDate', period: 'all' }))).toEqual({ 2016: [2], 2017: [1], null: [2] })
    expect(run('column', { dimensions: [{ field: 'closeDate', bucket: 'year' }], dateField: 'closeDate', period: 'thisMonth' }).rows).toEqual([])
  })
})

describe('a multiple relation as a dimension', () => {
  it('counts each linked product once per record, records without one as empty', () => {
    const r = run('column', { dimensions: [{ field: 'products' }], measures: [{ agg: 'count' }, { agg: 'sum', field: 'amount' }] })
    expect(byKey(r)).toEqual({ [ids.p1!]: [2, 300], [ids.p2!]: [2, 500], [ids.secret!]: [2, 700], null: [1, 500] })
    const labels = Object.fromEntries(r.rows.map((row) => [String(row.keys[0]), row.labels[0]]))
    expect(labels[ids.p1!]).toBe('积木标准版')
    expect(labels[ids.secret!]).toBe('保密产品')
  })

  it('never shows a linked record the viewer cannot see: its links read as empty', () => {
    const r = run('column', { dimensions: [{ field: 'products' }] }, rep)
    expect(byKey(r)).toEqual({ [ids.p1!]: [2], [ids.p2!]: [2], null: [2] })
    expect(JSON.stringify(r)).not.toContain('保密产品')
    expect(JSON.stringify(r)).not.toContain(`"${ids.secret}"`)
  })

  it('a clicked product drills to the records linked to it; the pivot and a product filter work too', () => {
    const query: WidgetQuery = { form: opp.id, dimensions: [{ field: 'products' }] }
    const drill = t.core.reports.engine.drill(admin, { type: 'column', query, keys: [ids.p2!] })
    expect(total(drill.filter)).toBe(2)
    const pivot = run('pivot', { dimensions: [{ field: 'products' }, { field: 'closeDate', bucket: 'year' }] })
    expect(pivot.rows.find((row) => row.keys[0] === ids.p1 && row.keys[1] === '2016')?.values).toEqual([2])
    // 合计 counts each opportunity once, however many products it links to.
    const totals = pivot.rows.filter((row) => row.rollup?.[0])
    expect(totals.find((row) => row.rollup![1])?.values).toEqual([5])
    expect(totals.find((row) => !row.rollup![1] && row.keys[1] === '2016')?.values).toEqual([2])
    const filtered = run('kpi', { measures: [{ agg: 'count' }], period: 'all', filter: { field: 'products', op: 'in', value: [ids.p1!] } })
    expect(filtered.rows[0]!.values).toEqual([2])
  })

  it('is saved on a dashboard (indexes, summaries skipped) and its field rules hold', () => {
    const query = { form: opp.id, dimensions: [{ field: 'products' }], measures: [{ agg: 'count' as const }] }
    expect(() => t.core.reports.engine.ensureIndexes(query as never, admin)).not.toThrow()
    const org = t.core.org
    const role = org.roles().find((r) => r.name === '产品受限')!.id
    const field = t.core.schema.form(opp.id).byKey.get('products')!.id
    org.setPermission(admin.id, role, { formId: opp.id, actions: ['view'], scope: 'own', fieldRules: { [field]: 'hidden' } })
    try {
      expect(caught(() => run('column', { dimensions: [{ field: 'products' }] }, rep)).messageKey).toBe('value.unknownField')
    } finally {
      org.setPermission(admin.id, role, { formId: opp.id, actions: ['view'], scope: 'own', fieldRules: {} })
    }
  })
})
