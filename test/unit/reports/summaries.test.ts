import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ReportEngine, type RunInput } from '../../../src-main/reports/engine'
import type { Actor } from '../../../src-main/access/actor'
import type { DashboardFilters, WidgetInput } from '../../../src-main/shared/api/reports'
import { salesData, type SalesData } from './fixture'

// Report summaries: widgets answered from pre-aggregated rows kept by triggers must give exactly
// what the same widget gives over the records — for every caller's scope, with dashboard
// filters, after every kind of write — and a purged column takes its summaries with it.

let d: SalesData
beforeAll(async () => {
  d = await salesData({ opportunities: 300 })
})
afterAll(() => d.t.close())

const layout = { x: 0, y: 0, w: 6, h: 4 }
const widgets = (): WidgetInput[] => {
  const form = d.forms.opportunity.id
  const won = { field: 'stage', op: 'eq' as const, value: 'won' }
  return [
    { key: 'funnel', title: '漏斗', type: 'funnel', layout, query: { form, dimensions: [{ field: 'stage' }], filter: { field: 'stage', op: 'notIn', value: ['lost'] }, dateField: 'createdAt' } },
    {
      key: 'ranking', title: '排行', type: 'ranking', layout,
      query: {
        form, dimensions: [{ field: 'owner' }], dateField: 'closeDate', sort: { by: 'm0', dir: 'desc' }, limit: 10,
        measures: [
          { agg: 'sum', field: 'amount', filter: won },
          { agg: 'avg', field: 'amount' },
          { agg: 'count', field: 'amount' },
          { agg: 'ratio', numerator: { agg: 'count', filter: won }, denominator: { agg: 'count', filter: { field: 'stage', op: 'in', value: ['won', 'lost'] } } }
        ]
      }
    },
    { key: 'trend', title: '趋势', type: 'line', layout, query: { form, dimensions: [{ field: 'closeDate', bucket: 'quarter' }, { field: 'stage' }], measures: [{ agg: 'sum', field: 'amount' }], dateField: 'closeDate' } },
    { key: 'dept', title: '部门', type: 'bar', layout, query: { form, dimensions: [{ field: 'owner.department' }], measures: [{ agg: 'count' }], filter: { field: 'lastFollowUpAt', op: 'lastNDays', value: 400 }, dateField: 'lastFollowUpAt' } },
    { key: 'industry', title: '行业', type: 'bar', layout, query: { form, dimensions: [{ field: 'customer.industry' }], measures: [{ agg: 'sum', field: 'amount' }, { agg: 'count' }], dateField: 'closeDate', sort: { by: 'm0', dir: 'desc' } } },
    { key: 'kpi', title: '本月赢单', type: 'kpi', layout, query: { form, dimensions: [], measures: [{ agg: 'sum', field: 'amount', filter: won }], dateField: 'createdAt', period: 'thisMonth' } }
  ]
}

/** Every widget for every caller, with no filter, a date range and owners, and a cross-filter. */
function results(engine: ReportEngine, callers: Actor[]): unknown[] {
  const filters: DashboardFilters[] = [
    {},
    { dateFrom: '2024-01-01', dateTo: '2024-06-30', ownerIds: [d.reps[0]!.id, d.reps[2]!.id] },
    { departmentIds: [d.departments.east], cross: { form: d.forms.opportunity.id, filter: { field: 'stage', op: 'in', value: ['won', 'negotiation'] } } }
  ]
  const out: unknown[] = []
  for (const actor of callers) {
    for (const w of widgets()) {
      for (const f of filters) {
        const input: RunInput = { type: w.type, query: w.query, filters: f }
        const r = engine.run(actor, input, 'zh-CN', { fresh: true })
        out.push({ widget: w.key, actor: actor.id, f, rows: r.rows.map((row) => ({ ...row, values: row.values.map((v) => (v === null ? null : Math.round(v * 1e6) / 1e6)) })), previous: r.previous })
      }
    }
  }
  return out
}

/** The same widgets computed over the records: summaries dropped inside a savepoint, then restored. */
function overRecords(callers: Actor[]): unknown[] {
  const db = d.t.core.db
  db.exec('SAVEPOINT records_only')
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'sx\\_%' ESCAPE '\\'").pluck().all() as string[]
    for (const name of db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'sx\\_%' ESCAPE '\\'").pluck().all() as string[]) db.exec(`DROP TRIGGER "${name}"`)
    for (const name of tables) db.exec(`DROP TABLE "${name}"`)
    const core = d.t.core
    const engine = new ReportEngine(db, { schema: core.schema, access: core.access, queries: core.queries, clock: core.clock, org: core.org }, core.events)
    return results(engine, callers)
  } finally {
    db.exec('ROLLBACK TO records_only')
    db.exec('RELEASE records_only')
  }
}

const summaryNames = () => d.t.core.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'sx\\_%' ESCAPE '\\'").pluck().all() as string[]

describe('report summaries', () => {
  it('are made for the widgets of a saved dashboard, and the widgets read them', () => {
    d.t.core.reports.create(d.admin, { name: '驾驶舱', widgets: widgets() })
    expect(summaryNames().length).toBeGreaterThan(0)
    for (const w of widgets()) {
      const plan = d.t.core.reports.engine.explain(d.admin, { type: w.type, query: w.query })
      expect(plan.sql, w.key).toMatch(/FROM "sx_/)
      expect(plan.sql, w.key).not.toContain(`FROM "${d.forms.opportunity.table}"`)
    }
  })

  it('read a summary without days when no date range applies, if days would multiply its rows', () => {
    const industry = widgets().find((w) => w.key === 'industry')!
    const closeDate = d.t.core.schema.form(d.forms.opportunity.id).byKey.get('closeDate')!.column!
    const columnsRead = (filters: DashboardFilters) => {
      const sql = d.t.core.reports.engine.explain(d.admin, { type: industry.type, query: industry.query, filters }).sql
      const name = /"(sx_[^"]+)"/.exec(sql)![1]!
      return d.t.core.db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all(name) as string[]
    }
    expect(columnsRead({})).not.toContain(closeDate)
    expect(columnsRead({ dateFrom: '2024-01-01', dateTo: '2024-03-31' })).toContain(closeDate)
  })

  it('are made after an upgrade for dashboards saved without them (the scheduler checks once per start)', async () => {
    const db = d.t.core.db
    const before = summaryNames().sort()
    for (const name of db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'sx\\_%' ESCAPE '\\'").pluck().all() as string[]) db.exec(`DROP TRIGGER "${name}"`)
    for (const name of before) db.exec(`DROP TABLE "${name}"`)
    d.t.core.schema.updateForm({ form: d.forms.opportunity.id, description: '升级' })
    expect(summaryNames()).toEqual([])
    expect(await d.t.core.reports.ensureAll()).toBe(widgets().length)
    expect(summaryNames().sort()).toEqual(before)
  })

  it('give what the records give, for the administrator, a manager and reps, with dashboard filters', () => {
    const callers = [d.admin, d.manager, ...d.reps]
    expect(results(d.t.core.reports.engine, callers)).toEqual(overRecords(callers))
  })

  it('follow creates, updates of keys and amounts, owner changes, deletes, restores, imports and shared records', () => {
    const { core } = d.t
    const form = d.forms.opportunity.id
    const [zhang, li, zhao] = d.reps
    const a = core.writes.create(d.admin, form, { name: '新商机', amount: 5000, stage: 'won', closeDate: '2024-03-10', owner: zhang!.id })
    core.writes.update(d.admin, form, a, { amount: 7000.5, stage: 'negotiation' })
    core.writes.update(d.admin, form, a, { owner: li!.id, closeDate: '2024-04-01' })
    core.writes.update(d.admin, form, a, { amount: null })
    const ids = core.writes.bulkCreate(d.admin, form, Array.from({ length: 20 }, (_, i) => ({ name: `导入${i}`, amount: 100 * i, stage: i % 2 ? 'won' : 'lost', closeDate: '2024-02-2' + (i % 9), owner: zhao!.id })))
    core.writes.delete(d.admin, form, ids.slice(0, 5))
    core.writes.restore(d.admin, form, ids.slice(0, 2))
    // A record shared with zhang (owned by zhao) counts in zhang's widgets, once.
    core.db.prepare('INSERT INTO collaborators (form_id, record_id, user_id) VALUES (?, ?, ?)').run(form, ids[10], zhang!.id)
    // One li owns, shared with his manager, whose department scope covers it already: still once.
    core.db.prepare('INSERT INTO collaborators (form_id, record_id, user_id) VALUES (?, ?, ?)').run(form, a, d.manager.id)
    const callers = [d.admin, d.manager, zhang!, zhao!]
    expect(results(core.reports.engine, callers)).toEqual(overRecords(callers))
  })

  it('follow the related records a key is read from: edited, handed over, deleted, restored, shared, re-linked', () => {
    const { core } = d.t
    const [zhang, li, zhao] = d.reps
    const customers = core.db.prepare(`SELECT id FROM "${d.forms.customer.table}" WHERE deleted_at IS NULL ORDER BY id LIMIT 6`).pluck().all() as number[]
    core.writes.update(d.admin, d.forms.customer.id, customers[0]!, { industry: 'retail' })
    core.writes.update(d.admin, d.forms.customer.id, customers[1]!, { industry: null, owner: zhang!.id })
    core.writes.update(d.admin, d.forms.customer.id, customers[2]!, { owner: zhao!.id })
    core.writes.delete(d.admin, d.forms.customer.id, [customers[3]!, customers[4]!])
    core.writes.restore(d.admin, d.forms.customer.id, [customers[4]!])
    // A customer zhao owns, shared with zhang: zhang's opportunities of it show its industry.
    core.db.prepare('INSERT INTO collaborators (form_id, record_id, user_id) VALUES (?, ?, ?)').run(d.forms.customer.id, customers[2], zhang!.id)
    const opp = core.writes.create(d.admin, d.forms.opportunity.id, { name: '换客户', amount: 321, closeDate: '2024-03-02', customer: customers[2], owner: zhang!.id })
    core.writes.update(d.admin, d.forms.opportunity.id, opp, { customer: customers[5] })
    core.writes.update(d.admin, d.forms.opportunity.id, opp, { customer: customers[2] })
    const callers = [d.admin, d.manager, zhang!, li!, zhao!]
    expect(results(core.reports.engine, callers)).toEqual(overRecords(callers))
  })

  it('answer only what they can: a maximum or a related form’s field reads the records', () => {
    const form = d.forms.opportunity.id
    for (const query of [
      { form, dimensions: [{ field: 'stage' }], measures: [{ agg: 'max' as const, field: 'amount' }] },
      { form, dimensions: [{ field: 'customer.name' }], measures: [{ agg: 'count' as const }] },
      { form, dimensions: [{ field: 'name' }], measures: [{ agg: 'count' as const }] }
    ]) {
      const plan = d.t.core.reports.engine.explain(d.admin, { type: 'bar', query })
      expect(plan.sql).not.toMatch(/"sx_/)
    }
  })

  it('go with a purged column they read, and the purge succeeds', () => {
    const { schema } = d.t.core
    const before = summaryNames().length
    const stage = schema.form(d.forms.opportunity.id).byKey.get('stage')!
    schema.deleteField(stage.id)
    schema.purgeField(stage.id)
    expect(summaryNames().length).toBeLessThan(before)
    const table = d.t.core.db.prepare('SELECT name FROM pragma_table_info(?) WHERE name = ?').pluck().get(d.forms.opportunity.table, stage.column)
    expect(table).toBeUndefined()
    // Writes go on with the remaining summaries' triggers, and widgets still answer.
    d.t.core.writes.create(d.admin, d.forms.opportunity.id, { name: '之后', amount: 1 })
    const ranking = widgets().find((w) => w.key === 'ranking')!
    const query = { ...ranking.query, measures: ranking.query.measures!.filter((m) => m.agg !== 'ratio' && !('filter' in m && m.filter)) }
    expect(d.t.core.reports.engine.run(d.admin, { type: 'ranking', query }, 'zh-CN', { fresh: true }).rows.length).toBeGreaterThan(0)
  })
})
