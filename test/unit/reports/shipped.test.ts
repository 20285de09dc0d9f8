import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bundledApp } from '../../../src-main/apps/bundled'
import { demoPasswordHash, seedDemo } from '../../../src-main/crm/seed'
import type { DashboardDto } from '../../../src-main/shared/api/reports'
import { testCore } from '../../support/core'

// The sales dashboard shipped with the CRM app: installed through the app section registry,
// once (a reinstall adds nothing), and every widget runs on the sample data.

type T = Awaited<ReturnType<typeof testCore>>
let t: T
let dashboard: DashboardDto

beforeAll(async () => {
  t = await testCore({ now: new Date(2025, 5, 15, 10, 0, 0).getTime() })
  const { pkg } = bundledApp('crm')
  expect(Object.keys(pkg.sections)).toContain('dashboards')
  t.core.crm.install(t.actor, pkg, 'zh-CN')
  seedDemo(t.core, t.actor, { seed: 7, passwordHash: await demoPasswordHash(t.core) })
  const summary = t.core.reports.dashboards.list(t.actor).find((d) => d.appKey === 'crm:sales')!
  dashboard = t.core.reports.dashboards.get(t.actor, summary.id)
}, 120_000)
afterAll(() => t.close())

describe('shipped sales dashboard', () => {
  it('has the eight widgets and is shared with sales managers and reps', () => {
    expect(dashboard.name).toBe('销售驾驶舱')
    expect(dashboard.widgets.map((w) => w.title)).toEqual(['销售漏斗', '业绩排行榜', '目标达成', '回款情况', '新增客户趋势', '客户来源分布', '行业分布', '输单原因'])
    const roles = t.core.org.roles().filter((r) => dashboard.roleIds.includes(r.id)).map((r) => r.key)
    expect(roles.sort()).toEqual(['sales_manager', 'sales_rep'])
  })

  it('installs once: a second install reports it as already there', () => {
    const report = t.core.crm.install(t.actor, bundledApp('crm').pkg, 'zh-CN')
    // Every shipped dashboard (销售驾驶舱, 市场活动效果, 客户服务) is reported as already there.
    const kinds = report.changes.filter((c) => c.section === 'dashboards').map((c) => c.kind)
    expect(kinds).toEqual(bundledApp('crm').pkg.sections['dashboards']!.map(() => 'same'))
    expect(t.core.reports.dashboards.list(t.actor).filter((d) => d.appKey === 'crm:sales')).toHaveLength(1)
  })

  it('every widget runs on the sample data, and again from the cache', () => {
    for (const w of dashboard.widgets) {
      const r = t.core.reports.engine.run(t.actor, { type: w.type, query: w.query })
      expect(r.rows.length, w.title).toBeGreaterThan(0)
      expect(t.core.reports.engine.run(t.actor, { type: w.type, query: w.query }).cached, w.title).toBe(true)
    }
  })

  it('a sales rep and a manager it is shared with see it, each widget with their own data', () => {
    for (const login of ['zhangwei', 'wuhaiyan']) {
      const user = t.core.db.prepare('SELECT id, name FROM users WHERE login = ?').get(login) as { id: number; name: string }
      const actor = { id: user.id, name: user.name, isAdmin: false, locale: 'zh-CN' as const }
      expect(t.core.reports.dashboards.list(actor).map((d) => d.id)).toContain(dashboard.id)
      for (const w of dashboard.widgets) {
        const r = t.core.reports.engine.run(actor, { type: w.type, query: w.query })
        expect(r.rows.length, `${login} ${w.title}`).toBeGreaterThan(0)
      }
    }
  })

  it('the funnel counts opportunities per open stage, the leaderboard adds up won amounts', () => {
    const opp = t.core.schema.form('opportunity')
    const col = (k: string) => `"${opp.byKey.get(k)!.column}"`
    const funnel = t.core.reports.engine.run(t.actor, { type: 'funnel', query: dashboard.widgets[0]!.query })
    const counts = t.core.db.prepare(`SELECT ${col('stage')} AS k, COUNT(*) AS n FROM "${opp.table}" WHERE deleted_at IS NULL AND (${col('stage')} IS NULL OR ${col('stage')} <> 'lost') GROUP BY 1`).all() as Array<{ k: string; n: number }>
    expect(Object.fromEntries(funnel.rows.map((r) => [r.keys[0], r.values[0]]))).toEqual(Object.fromEntries(counts.map((c) => [c.k, c.n])))
    const board = t.core.reports.engine.run(t.actor, { type: 'ranking', query: dashboard.widgets[1]!.query })
    const won = t.core.db.prepare(`SELECT owner_id AS k, SUM(${col('amount')}) AS s FROM "${opp.table}" WHERE deleted_at IS NULL AND ${col('stage')} = 'won' GROUP BY 1 ORDER BY 2 DESC LIMIT 10`).all() as Array<{ k: number; s: number }>
    expect(board.rows.map((r) => r.keys[0])).toEqual(won.map((w) => w.k))
    for (const [i, w] of won.entries()) expect(board.rows[i]!.values[0]).toBeCloseTo(w.s, 4)
  })

  it('回款情况 puts planned instalments and payments on the same months', () => {
    const w = dashboard.widgets.find((x) => x.key === 'receivables')!
    const r = t.core.reports.engine.run(t.actor, { type: w.type, query: w.query })
    expect(r.columns.map((c) => c.label)).toEqual(['到期日', '计划回款', '实际回款'].map((l, i) => (i === 0 ? r.columns[0]!.label : l)))
    const pay = t.core.schema.form('payment')
    const paid = t.core.db.prepare(`SELECT COALESCE(SUM("${pay.byKey.get('amount')!.column}"), 0) FROM "${pay.table}" WHERE deleted_at IS NULL AND "${pay.byKey.get('paidOn')!.column}" >= date('2025-06-15', '-364 days')`).pluck().get() as number
    expect(r.rows.reduce((s, x) => s + (x.values[1] ?? 0), 0)).toBeCloseTo(paid, 2)
  })
})

describe('a multiple relation dimension on the sample data, for every role', () => {
  it('shows each role only the linked customers it may see, by title', async () => {
    const { toActor } = await import('../../../src-main/access/auth')
    const customer = t.core.schema.form('customer')
    const field = t.core.schema.addField('opportunity', { label: '相关客户', apiKey: 'relatedCustomers', type: 'relation', config: { targetFormId: customer.id, multiple: true } })
    const opps = t.core.db.prepare("SELECT id FROM " + t.core.schema.form('opportunity').table + ' WHERE deleted_at IS NULL ORDER BY id').pluck().all() as number[]
    const customers = t.core.db.prepare('SELECT id FROM ' + customer.table + ' WHERE deleted_at IS NULL ORDER BY id').pluck().all() as number[]
    const link = t.core.db.prepare(`INSERT OR IGNORE INTO l_${field.id} (src, dst) VALUES (?, ?)`)
    // Each opportunity linked to two customers, often someone else's.
    opps.forEach((o, i) => {
      link.run(o, customers[i % customers.length])
      link.run(o, customers[(i * 7 + 3) % customers.length])
    })
    const query = { form: 'opportunity', dimensions: [{ field: 'relatedCustomers' }], measures: [{ agg: 'count' as const }] }
    const ran: string[] = []
    for (const login of ['zhangwei', 'wuhaiyan', 'zhaoli', 'sunlei']) {
      const id = t.core.db.prepare('SELECT id FROM users WHERE login = ?').pluck().get(login) as number
      const actor = toActor(t.core.auth.user(id)!)
      if (!t.core.access.can(actor, 'view', t.core.schema.form('opportunity'))) continue
      const visible = new Set(t.core.reads.list(actor, { form: 'customer', limit: 1000 }).records.map((r) => r.id))
      const r = t.core.reports.engine.run(actor, { type: 'column', query }, 'zh-CN', { fresh: true })
      ran.push(login)
      expect(r.rows.some((row) => row.keys[0] !== null)).toBe(true)
      for (const row of r.rows) {
        if (row.keys[0] === null) continue
        expect(visible.has(Number(row.keys[0])), `${login} sees customer ${row.keys[0]}`).toBe(true)
        expect(row.labels[0]).not.toMatch(/^#/)
      }
      const hidden = customers.filter((c) => !visible.has(c))
      for (const c of hidden) expect(r.rows.some((row) => row.keys[0] === c)).toBe(false)
    }
    // The rep and the manager at least (a partial scope each); 财务 and 客服 where they may read 商机.
    expect(ran).toEqual(expect.arrayContaining(['zhangwei', 'wuhaiyan']))
  })
})
