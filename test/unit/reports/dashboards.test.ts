import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { WidgetInput } from '../../../src-main/shared/api/reports'
import { caught } from '../../support/core'
import { salesData, type SalesData } from './fixture'

// Dashboards: storage, per-role sharing, who may change them, and widgets checked on save.

let d: SalesData
beforeAll(async () => {
  d = await salesData({ opportunities: 50 })
})
afterAll(() => d.t.close())

const funnel = (): WidgetInput => ({ key: 'funnel', title: '销售漏斗', type: 'funnel', query: { form: d.forms.opportunity.id, dimensions: [{ field: 'stage' }] }, layout: { x: 0, y: 0, w: 6, h: 4 } })

describe('dashboards', () => {
  it('creates, reads, changes only what the patch names, and deletes', () => {
    const reports = d.t.core.reports
    const created = reports.create(d.admin, { name: '销售驾驶舱', widgets: [funnel()] })
    expect(created.widgets).toHaveLength(1)
    expect(created.widgets[0]).toMatchObject({ key: 'funnel', title: '销售漏斗', layout: { w: 6 } })
    const renamed = reports.update(d.admin, created.id, { name: '销售看板', refreshSeconds: 60 })
    expect(renamed).toMatchObject({ name: '销售看板', refreshSeconds: 60 })
    // Widgets the patch does not mention are kept.
    expect(renamed.widgets).toHaveLength(1)
    const moved = reports.update(d.admin, created.id, { widgets: [{ ...funnel(), layout: { x: 6, y: 2, w: 4, h: 5 } }] })
    expect(moved.widgets[0]!.layout).toEqual({ x: 6, y: 2, w: 4, h: 5 })
    reports.dashboards.delete(d.admin, created.id)
    expect(caught(() => reports.dashboards.get(d.admin, created.id)).messageKey).toBe('reports.error.dashboardNotFound')
  })

  it('is seen by the roles it is shared with; only its owner and administrators change it', () => {
    const reports = d.t.core.reports
    const repRole = d.t.core.org.roles().find((r) => r.key === 'sales_rep')!.id
    const [zhang, li] = d.reps
    const mine = reports.create(zhang!, { name: '我的看板', widgets: [funnel()] })
    expect(reports.dashboards.list(li!).map((x) => x.id)).not.toContain(mine.id)
    expect(caught(() => reports.dashboards.get(li!, mine.id)).messageKey).toBe('reports.error.dashboardNotFound')
    // Sharing with a role is publishing: an administrator's act, not the owner's.
    expect(caught(() => reports.update(zhang!, mine.id, { roleIds: [repRole] })).messageKey).toBe('reports.error.shareAdminOnly')
    reports.update(d.admin, mine.id, { roleIds: [repRole] })
    const seen = reports.dashboards.list(li!).find((x) => x.id === mine.id)!
    expect(seen.canEdit).toBe(false)
    expect(caught(() => reports.update(li!, mine.id, { name: '改名' })).messageKey).toBe('reports.error.cannotEdit')
    expect(reports.dashboards.list(d.manager).map((x) => x.id)).not.toContain(mine.id)
    expect(reports.dashboards.list(d.admin).find((x) => x.id === mine.id)!.canEdit).toBe(true)
    // Shared, a widget still shows each viewer their own data.
    const forZhang = reports.engine.run(zhang!, { type: 'funnel', query: funnel().query })
    const forLi = reports.engine.run(li!, { type: 'funnel', query: funnel().query })
    const own = (id: number) => d.t.core.db.prepare(`SELECT COUNT(*) FROM "${d.forms.opportunity.table}" WHERE deleted_at IS NULL AND owner_id = ?`).pluck().get(id)
    expect(forZhang.rows.reduce((s, r) => s + r.values[0]!, 0)).toBe(own(zhang!.id))
    expect(forLi.rows.reduce((s, r) => s + r.values[0]!, 0)).toBe(own(li!.id))
  })

  it('refuses a widget over an unknown field, naming the widget, and saves nothing', () => {
    const reports = d.t.core.reports
    const before = reports.dashboards.list(d.admin).length
    const bad = { ...funnel(), title: '坏组件', query: { form: d.forms.opportunity.id, dimensions: [{ field: 'nope' }] } }
    const e = caught(() => reports.create(d.admin, { name: 'x', widgets: [bad] }))
    expect(e.messageKey).toBe('reports.error.widget')
    expect(String((e.params as Record<string, string>).title)).toBe('坏组件')
    expect(reports.dashboards.list(d.admin)).toHaveLength(before)
  })

  it('gives a widget over sub-table rows a covering index on the rows its aggregate reads', () => {
    const reports = d.t.core.reports
    const query = { form: d.forms.quote.id, source: 'lines', dimensions: [{ field: 'product' }], measures: [{ agg: 'sum' as const, field: 'quantity' }], filter: { field: 'product', op: 'eq' as const, value: 'A型' } }
    reports.create(d.admin, { name: '产品销量', widgets: [{ ...funnel(), key: 'lines', type: 'bar', query }] })
    const lines = [...d.t.core.schema.form(d.forms.quote.id).children.keys()][0]!
    const indexes = (d.t.core.db.prepare('SELECT name FROM pragma_index_list(?)').pluck().all(`s_${lines}`) as string[]).filter((n) => n.startsWith('rx_s'))
    expect(indexes).toHaveLength(1)
    const plan = reports.engine.explain(d.admin, { type: 'bar', query })
    const detail = (d.t.core.db.prepare(`EXPLAIN QUERY PLAN ${plan.sql}`).all(...plan.params) as Array<{ detail: string }>).map((r) => r.detail).join('\n')
    expect(detail).toMatch(/COVERING INDEX rx_s/)
  })

  it('creates the index a widget groups on when the form engine did not', () => {
    const reports = d.t.core.reports
    const name = d.t.core.schema.form(d.forms.opportunity.id).byKey.get('name')!
    reports.create(d.admin, { name: '按名称', widgets: [{ ...funnel(), key: 'n', type: 'ranking', query: { form: d.forms.opportunity.id, dimensions: [{ field: 'name' }] } }] })
    const indexes = d.t.core.db.prepare(`SELECT name FROM pragma_index_list(?)`).pluck().all(d.forms.opportunity.table) as string[]
    expect(indexes).toContain(`ix_${name.column}`)
  })

  it('gives a widget over the form’s own columns a covering index its aggregate reads', () => {
    const reports = d.t.core.reports
    // The largest amount: a summary cannot answer a maximum (see summaries.test.ts), the index can.
    const query = { form: d.forms.opportunity.id, dimensions: [{ field: 'owner' }], measures: [{ agg: 'max' as const, field: 'amount', filter: { field: 'stage', op: 'eq' as const, value: 'won' } }], dateField: 'closeDate' }
    reports.create(d.admin, { name: '排行', widgets: [{ ...funnel(), key: 'r', type: 'ranking', query }] })
    const table = d.t.core.schema.form(d.forms.opportunity.id).table
    const covering = (d.t.core.db.prepare(`SELECT name FROM pragma_index_list(?)`).pluck().all(table) as string[]).filter((n) => n.startsWith('rx_'))
    expect(covering.length).toBeGreaterThan(0)
    const plan = d.t.core.reports.engine.explain(d.admin, { type: 'ranking', query })
    const detail = (d.t.core.db.prepare(`EXPLAIN QUERY PLAN ${plan.sql}`).all(...plan.params) as Array<{ detail: string }>).map((r) => r.detail).join('\n')
    expect(detail).toMatch(/COVERING INDEX rx_/)
    // Purging a field it covers drops it with the column.
    const stage = d.t.core.schema.form(d.forms.opportunity.id).byKey.get('lossReason')!
    d.t.core.schema.deleteField(stage.id)
    d.t.core.schema.purgeField(stage.id)
  })
})
