import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import dayjs from 'dayjs'
import { bundledApp } from '../../../src-main/apps/bundled'
import { demoPasswordHash, seedDemo } from '../../../src-main/crm/seed'
import { SalesForecast } from '../../../src-main/reports/forecast'
import type { Actor } from '../../../src-main/access/actor'
import { PermissionError } from '../../../src-main/shared/errors'
import type { ForecastResult, ForecastRow } from '../../../src-main/shared/api/forecast'
import { testCore } from '../../support/core'

// The sales forecast on the sample data, per role: every figure equals the same sum worked out
// by hand from the stored rows (the opportunities the role's scope holds), and a role that may
// not see 预计成交金额 gets no figure at all.

type T = Awaited<ReturnType<typeof testCore>>
let t: T
let forecast: SalesForecast
const NOW = new Date(2025, 5, 15, 10, 0, 0).getTime()
const YEAR = 2025

interface Opp { owner: number | null; dept: number | null; amount: number; close: string | null; stage: string; probability: number; category: string | null }
let opps: Opp[] = []
interface Target { user: number | null; department: string | null; type: string; month: string; amount: number; owner: number | null }
let targets: Target[] = []

const actorOf = (login: string): Actor => {
  const u = t.core.db.prepare('SELECT id, name FROM users WHERE login = ?').get(login) as { id: number; name: string }
  return { id: u.id, name: u.name, isAdmin: false, locale: 'zh-CN' }
}
const deptOf = (userId: number) => t.core.db.prepare('SELECT department_id FROM users WHERE id = ?').pluck().get(userId) as number | null

beforeAll(async () => {
  t = await testCore({ now: NOW })
  t.core.crm.install(t.actor, bundledApp('crm').pkg, 'zh-CN')
  seedDemo(t.core, t.actor, { seed: 7, passwordHash: await demoPasswordHash(t.core) })
  forecast = new SalesForecast(t.core.reports.engine, t.core)
  const form = t.core.schema.form('opportunity')
  const c = (k: string) => `c_${form.byKey.get(k)!.id}`
  opps = (t.core.db.prepare(`SELECT t.owner_id AS owner, u.department_id AS dept, ${c('amount')} AS amount, ${c('closeDate')} AS close, ${c('stage')} AS stage, ${c('probability')} AS probability, ${c('forecastCategory')} AS category
    FROM f_${form.id} t LEFT JOIN users u ON u.id = t.owner_id WHERE t.deleted_at IS NULL`).all() as Opp[])
  const tf = t.core.schema.form('salesTarget')
  const d = (k: string) => `c_${tf.byKey.get(k)!.id}`
  targets = t.core.db.prepare(`SELECT ${d('user')} AS user, ${d('department')} AS department, ${d('targetType')} AS type, ${d('month')} AS month, ${d('amount')} AS amount, owner_id AS owner FROM f_${tf.id} WHERE deleted_at IS NULL`).all() as Target[]
}, 120_000)
afterAll(() => t.close())

const quarterStart = (date: string) => `${dayjs(date).year()}-Q${Math.floor(dayjs(date).month() / 3) + 1}`
const monthStart = (date: string) => dayjs(date).format('YYYY-MM')

/** The forecast worked out by hand from the stored rows the viewer sees. */
function byHand(seen: (o: Opp) => boolean, bucket: 'month' | 'quarter', by: 'owner' | 'department', targetsSeen: (t: Target) => boolean | null) {
  const start = bucket === 'month' ? monthStart : quarterStart
  const out = new Map<string, { pipeline: number; weighted: number; commit: number; bestCase: number; won: number; target: number }>()
  const cell = (period: string, key: number | null) => {
    const k = `${period}|${key}`
    if (!out.has(k)) out.set(k, { pipeline: 0, weighted: 0, commit: 0, bestCase: 0, won: 0, target: 0 })
    return out.get(k)!
  }
  for (const o of opps) {
    if (!seen(o) || !o.close || !o.close.startsWith(String(YEAR))) continue
    const c = cell(start(o.close), by === 'owner' ? o.owner : o.dept)
    const open = o.stage !== 'won' && o.stage !== 'lost'
    if (open && o.category !== 'omitted') {
      c.pipeline += o.amount
      c.weighted += o.amount * o.probability
    }
    if (open && o.category === 'commit') c.commit += o.amount
    if (open && o.category === 'bestCase') c.bestCase += o.amount
    if (o.stage === 'won') c.won += o.amount
  }
  for (const g of targets) {
    if (!g.month.startsWith(String(YEAR)) || targetsSeen(g) === false) continue
    if (by === 'owner' && g.type === 'person') cell(start(g.month), g.user).target += g.amount
    if (by === 'department' && g.type === 'department') {
      const id = t.core.org.departments().find((d) => d.name === g.department)?.id ?? null
      cell(start(g.month), id).target += g.amount
    }
  }
  return out
}

function expectSame(result: ForecastResult, hand: ReturnType<typeof byHand>, withTarget: boolean) {
  const got = new Map(result.rows.map((r) => [`${r.period}|${r.key}`, r]))
  for (const [k, h] of hand) {
    const r = got.get(k)
    // A rep with a target but no deal in the period appears through the targets side only.
    if (!r) {
      expect(h.pipeline + h.won + (withTarget ? h.target : 0), k).toBe(0)
      continue
    }
    for (const col of ['pipeline', 'weighted', 'commit', 'bestCase', 'won'] as const) expect(r[col], `${k} ${col}`).toBeCloseTo(h[col], 2)
    if (withTarget) expect(r.target, `${k} target`).toBeCloseTo(h.target, 2)
    else expect(r.target, `${k} target`).toBeNull()
  }
  for (const k of got.keys()) expect(hand.has(k), `unexpected row ${k}`).toBe(true)
  // Period totals add up the rows of the period.
  for (const total of result.totals) {
    const rows = result.rows.filter((r) => r.period === total.period)
    expect(total.pipeline).toBeCloseTo(rows.reduce((s, r) => s + (r.pipeline ?? 0), 0), 2)
  }
}

describe('sales forecast on the sample data', () => {
  it('the sample data has deals in every forecast category this year', () => {
    const thisYear = opps.filter((o) => o.close?.startsWith(String(YEAR)) && o.stage !== 'won' && o.stage !== 'lost')
    for (const c of ['commit', 'bestCase', 'pipeline']) expect(thisYear.some((o) => o.category === c), c).toBe(true)
  })

  it('a sales manager sees their group, per rep and per team, by month and by quarter, figures as computed by hand', async () => {
    const mgr = actorOf('wuhaiyan')
    const east = deptOf(mgr.id)
    const seen = (o: Opp) => o.dept === east
    for (const bucket of ['month', 'quarter'] as const) {
      for (const by of ['owner', 'department'] as const) {
        const r = await forecast.run(mgr, { year: YEAR, bucket, by }, 'zh-CN')
        expect(r.shown).toEqual({ weighted: true, categories: true, target: true })
        expect(r.rows.length, `${bucket} ${by}`).toBeGreaterThan(0)
        expectSame(r, byHand(seen, bucket, by, (g) => g.owner !== null && deptOf(g.owner) === east && (by === 'owner' ? g.user !== null && deptOf(g.user) === east : g.department === '华东销售组')), true)
      }
    }
    const r = await forecast.run(mgr, { year: YEAR, bucket: 'month', by: 'owner' }, 'zh-CN')
    // Their group's targets are theirs to see (owned by the group's reps and its manager).
    expect(r.rows.some((x) => (x.target ?? 0) > 0)).toBe(true)
    const names = new Set(r.rows.map((x) => x.label))
    expect(names).toEqual(new Set(['张伟', '王芳', '李强']))
  })

  it('a sales rep sees only their own deals and target', async () => {
    const rep = actorOf('zhangwei')
    const r = await forecast.run(rep, { year: YEAR, bucket: 'quarter', by: 'owner' }, 'zh-CN')
    expect(new Set(r.rows.map((x) => x.key))).toEqual(new Set([rep.id]))
    expectSame(r, byHand((o) => o.owner === rep.id, 'quarter', 'owner', (g) => g.user === rep.id), true)
  })

  it('财务 (every deal, no 销售目标 form) gets the figures without targets', async () => {
    const fin = actorOf('zhaoli')
    const r = await forecast.run(fin, { year: YEAR, bucket: 'month', by: 'department' }, 'zh-CN')
    expect(r.shown.target).toBe(false)
    expectSame(r, byHand(() => true, 'month', 'department', () => false), false)
  })

  it('a role that may not see 预计成交金额 is refused, and without 赢单率 loses the weighted column only', async () => {
    const admin = t.actor
    const opp = t.core.schema.form('opportunity')
    const role = t.core.org.createRole(admin.id, { name: '预测测试角色' })
    const setHidden = (keys: string[]) => t.core.org.setPermission(admin.id, role.id, { formId: opp.id, actions: ['view'], scope: 'all', scopeFilter: null, fieldRules: Object.fromEntries(keys.map((k) => [String(opp.byKey.get(k)!.id), 'hidden' as const])) })
    const dept = t.core.org.departments().find((d) => d.name === '财务部')!.id
    const uid = t.core.org.createUserWithHash(admin.id, { name: '预测测试', login: 'forecast-test', passwordHash: 'x', departmentId: dept, managerId: null, roleIds: [role.id] })
    const who: Actor = { id: uid, name: '预测测试', isAdmin: false, locale: 'zh-CN' }
    setHidden(['amount'])
    const refused = forecast.run(who, { year: YEAR }, 'zh-CN')
    await expect(refused).rejects.toBeInstanceOf(PermissionError)
    await expect(refused).rejects.toMatchObject({ messageKey: 'forecast.error.amountHidden' })
    setHidden(['probability'])
    const r = await forecast.run(who, { year: YEAR, by: 'owner' }, 'zh-CN')
    expect(r.shown.weighted).toBe(false)
    expect(r.rows.every((x: ForecastRow) => x.weighted === null)).toBe(true)
    expect(r.rows.some((x) => (x.pipeline ?? 0) > 0)).toBe(true)
    setHidden(['forecastCategory'])
    const c = await forecast.run(who, { year: YEAR, by: 'owner' }, 'zh-CN')
    expect(c.shown.categories).toBe(false)
    expect(c.rows.every((x) => x.commit === null && x.bestCase === null)).toBe(true)
  })
})

describe('an install from before 预测类别', () => {
  it('shows no commit or best case, and installing the sales app again adds the field and nothing else', async () => {
    const fresh = await testCore({ now: NOW })
    try {
      const { pkg } = bundledApp('crm')
      const old = structuredClone(pkg)
      const opp = old.app.forms.find((f) => f.apiKey === 'opportunity')!
      opp.fields = opp.fields.filter((f) => f.apiKey !== 'forecastCategory')
      fresh.core.crm.install(fresh.actor, old, 'zh-CN')
      const before = await new SalesForecast(fresh.core.reports.engine, fresh.core).run(fresh.actor, { year: YEAR }, 'zh-CN')
      expect(before.shown.categories).toBe(false)
      const report = fresh.core.crm.install(fresh.actor, pkg, 'zh-CN')
      expect(report.changes.filter((c) => c.kind === 'add').map((c) => c.key)).toEqual(['opportunity.forecastCategory'])
      expect(fresh.core.schema.form('opportunity').byKey.get('forecastCategory')?.type).toBe('select')
      const after = await new SalesForecast(fresh.core.reports.engine, fresh.core).run(fresh.actor, { year: YEAR }, 'zh-CN')
      expect(after.shown.categories).toBe(true)
    } finally {
      fresh.close()
    }
  })
})
