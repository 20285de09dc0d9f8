import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Actor } from '../../../src-main/access/actor'
import { toActor } from '../../../src-main/access/auth'
import { handlers } from '../../../src-main/api/handlers'
import type { CoreHost } from '../../../src-main/api/host'
import { bundledApp } from '../../../src-main/apps/bundled'
import { demoPasswordHash, seedDemo } from '../../../src-main/crm/seed'
import type { FieldDto, FilterNode, FormDto } from '../../../src-main/shared/api/contracts'
import { caught, testCore } from '../../support/core'

// Computed fields (formulas, roll-ups) on the shipped sales app with sample data, as 销售代表,
// 销售经理, 财务 and a custom role: one rule — a computed field is readable only when everything it
// is computed from is readable (fields, and every record a roll-up adds up), transitively — and
// every read path follows it: forms.get, lists with the totals the UI asks for, filters, sorts,
// groups, record get, export and the report engine.

type T = Awaited<ReturnType<typeof testCore>>
let t: T
let host: CoreHost
const who: Record<string, Actor> = {}

const SUMMABLE = new Set(['number', 'amount', 'percent', 'rollup'])
const summable = (f: FieldDto) => SUMMABLE.has(f.type) || (f.type === 'formula' && f.resultType === 'number')

const formGet = (actor: Actor, form: string) => handlers['forms.get']({ form }, { host, actor, token: null, locale: 'zh-CN' }) as FormDto
const keysOf = (actor: Actor, form: string) => formGet(actor, form).fields.filter((f) => f.parentFieldId === null).map((f) => f.apiKey)

beforeAll(async () => {
  t = await testCore({ now: new Date(2025, 5, 15, 9, 0, 0).getTime() })
  host = { core: t.core } as unknown as CoreHost
  const { core, actor: admin } = t
  core.crm.install(admin, bundledApp('crm').pkg, 'zh-CN')
  const start = t.clock.now()
  const passwordHash = await demoPasswordHash(core)
  seedDemo(core, admin, { passwordHash, seed: 5, customers: 25, setTime: (ms) => t.clock.set(ms) })
  t.clock.set(start)
  const user = (login: string) => toActor(core.auth.user(core.db.prepare('SELECT id FROM users WHERE login = ?').pluck().get(login) as number)!)
  who.rep = user('zhangwei')
  who.manager = user('wuhaiyan')
  who.finance = user('zhaoli')
  who.admin = admin

  const org = core.org
  const role = (key: string) => org.roles().find((r) => r.key === key)!.id
  const form = (key: string) => core.schema.form(key)
  const fid = (formKey: string, key: string) => String(form(formKey).byKey.get(key)!.id)
  // 财务 may not see the expected deal amount: 加权金额 (= 预计成交金额 × 赢单率) is computed from it.
  org.setPermission(admin.id, role('finance'), { formId: form('opportunity').id, actions: ['view', 'export'], scope: 'all', fieldRules: { [fid('opportunity', 'amount')]: 'hidden' } })
  // A custom role: every customer, opportunities of one stage (a custom scope), 赢单率 hidden, and
  // contracts of its own only — so the customer's roll-ups over contracts are not all its to see.
  const custom = org.createRole(admin.id, { name: '大客户专员' })
  org.setPermission(admin.id, custom.id, { formId: form('customer').id, actions: ['view'], scope: 'all', fieldRules: {} })
  org.setPermission(admin.id, custom.id, { formId: form('opportunity').id, actions: ['view'], scope: 'custom', scopeFilter: { field: 'stage', op: 'eq', value: '商务谈判' }, fieldRules: { [fid('opportunity', 'probability')]: 'hidden' } })
  org.setPermission(admin.id, custom.id, { formId: form('contract').id, actions: ['view'], scope: 'own', fieldRules: {} })
  const id = await org.createUser(admin.id, { name: '钱专员', login: 'qianzy', password: 'secret123', roleIds: [custom.id] })
  who.custom = toActor(core.auth.user(id)!)
}, 120_000)

afterAll(() => t?.close())

describe('forms.get lists only what the role can read', () => {
  it('hides roll-ups over records the role cannot all see, and formulas over them', () => {
    for (const role of ['rep', 'manager', 'custom']) {
      const customer = keysOf(who[role]!, 'customer')
      expect(customer, role).toContain('name')
      for (const k of ['contractTotal', 'receivedTotal', 'outstandingTotal']) expect(customer, `${role} ${k}`).not.toContain(k)
    }
    for (const role of ['rep', 'manager']) {
      const contract = keysOf(who[role]!, 'contract')
      expect(contract).toContain('amount')
      // 已回款金额 adds up payments; 未回款金额 = amount − 已回款金额.
      expect(contract).not.toContain('received')
      expect(contract).not.toContain('outstanding')
      // 计划回款总额 sums the contract's own sub-table: readable.
      expect(contract).toContain('plannedTotal')
    }
    // 财务 sees every contract and payment: the roll-ups are theirs to see.
    expect(keysOf(who.finance!, 'customer')).toEqual(expect.arrayContaining(['contractTotal', 'receivedTotal', 'outstandingTotal']))
    expect(keysOf(who.admin!, 'customer')).toContain('contractTotal')
  })

  it('hides a formula over a hidden field, transitively, with the reason', () => {
    const opp = keysOf(who.finance!, 'opportunity')
    expect(opp).not.toContain('amount')
    expect(opp).not.toContain('weightedAmount')
    expect(opp).toContain('probability')
    const custom = keysOf(who.custom!, 'opportunity')
    expect(custom).toContain('amount')
    expect(custom).not.toContain('weightedAmount')
    const reasons = t.core.access.hiddenReasons(who.finance!, t.core.schema.form('opportunity'))
    const weighted = t.core.schema.form('opportunity').byKey.get('weightedAmount')!.id
    expect(reasons.get(weighted)).toEqual([expect.objectContaining({ kind: 'field', label: '预计成交金额' })])
    // 未回款 = 合同总额 − 已回款: hidden because the roll-ups add up contracts the rep cannot all see.
    const customer = t.core.schema.form('customer')
    const outstanding = t.core.access.hiddenReasons(who.rep!, customer).get(customer.byKey.get('outstandingTotal')!.id)
    expect(outstanding).toEqual([{ kind: 'records', formId: t.core.schema.form('contract').id }, { kind: 'records', formId: t.core.schema.form('payment').id }])
  })
})

describe('lists', () => {
  it('open every saved view of 客户, 合同 and 商机 with the totals the UI asks for, as every role', () => {
    for (const role of ['rep', 'manager', 'finance', 'custom', 'admin']) {
      const actor = who[role]!
      for (const formKey of ['customer', 'contract', 'opportunity']) {
        const form = formGet(actor, formKey)
        const top = form.fields.filter((f) => f.parentFieldId === null && f.deletedAt === null)
        const views = t.core.views.list(actor, formKey)
        expect(views.length, formKey).toBeGreaterThan(0)
        for (const view of views) {
          const c = view.config
          // As the renderer builds it: columns from forms.get's fields, a total for each summable one shown.
          const hiddenCols = new Set(c.columns.filter((x) => x.hidden).map((x) => x.field))
          const sums = top.filter((f) => !hiddenCols.has(f.apiKey) && summable(f)).map((f) => f.apiKey)
          const where = `${role} ${formKey} ${view.name}`
          const filter = (c.filter ?? undefined) as FilterNode | undefined
          expect(() => t.core.reads.list(actor, { form: formKey, filter, sort: c.sort.length ? c.sort : undefined, limit: 20, withTotal: true, totals: sums }), where).not.toThrow()
          const groupBy = c.groupBy ?? c.kanbanField ?? undefined
          const sumField = c.sumField ? [c.sumField] : sums
          expect(() => t.core.reads.count(actor, { form: formKey, filter, groupBy, sums: sumField }), where).not.toThrow()
        }
      }
    }
  })

  it('refuses a filter, sort, group or total on a computed field the role cannot read, naming it', () => {
    const rep = who.rep!
    const attempts: Array<() => unknown> = [
      () => t.core.reads.list(rep, { form: 'customer', limit: 10, filter: { field: 'contractTotal', op: 'gt', value: 1_000_000 } }),
      () => t.core.reads.list(rep, { form: 'customer', limit: 10, sort: [{ field: 'contractTotal', dir: 'desc' }] }),
      () => t.core.reads.list(rep, { form: 'customer', limit: 10, totals: ['contractTotal'] }),
      () => t.core.reads.count(rep, { form: 'customer', sums: ['receivedTotal'] }),
      () => t.core.reads.count(rep, { form: 'customer', groupBy: 'outstandingTotal' }),
      () => t.core.reads.list(rep, { form: 'customer', limit: 10, filter: { or: [{ field: 'name', op: 'contains', value: '公司' }, { field: '合同总额', op: 'gt', value: 0 }] } })
    ]
    for (const attempt of attempts) {
      const e = caught(attempt)
      expect(e).toMatchObject({ code: 'VALIDATION', messageKey: 'query.fieldNotReadable' })
      expect(Object.values(e.params as object)[0]).toMatch(/合同总额|已回款|未回款/)
    }
    // The same for 财务 and 加权金额, and a role-hidden field stays unknown to the role.
    expect(caught(() => t.core.reads.list(who.finance!, { form: 'opportunity', limit: 5, sort: [{ field: 'weightedAmount' }] })).messageKey).toBe('query.fieldNotReadable')
    expect(caught(() => t.core.reads.list(who.finance!, { form: 'opportunity', limit: 5, filter: { field: 'amount', op: 'gt', value: 0 } })).messageKey).toBe('value.unknownField')
    // A saved view that names the field: refused when saved, left out when a shared view is shown.
    expect(caught(() => t.core.views.create(rep, { form: 'customer', name: '大客户', type: 'table', shared: false, config: { sort: [{ field: 'contractTotal', dir: 'desc' }] } as never })).messageKey).toBe('query.fieldNotReadable')
    const shared = t.core.views.create(t.actor, { form: 'customer', name: '合同额排行', type: 'table', shared: true, config: { sort: [{ field: 'contractTotal', dir: 'desc' }], filter: { field: 'contractTotal', op: 'gt', value: 0 }, columns: [{ field: 'name' }, { field: 'contractTotal' }] } as never })
    const seen = t.core.views.list(rep, 'customer').find((v) => v.id === shared.id)!
    expect(seen.config.sort).toEqual([])
    expect(seen.config.filter).toBeNull()
    expect(seen.config.columns.map((c) => c.field)).toEqual(['name'])
    t.core.views.delete(t.actor, shared.id)
  })
})

describe('records and exports', () => {
  it('omit what the role cannot read', async () => {
    const mine = t.core.reads.list(who.rep!, { form: 'customer', limit: 1 }).records[0]!
    expect(t.core.reads.get(who.admin!, 'customer', mine.id).fields).toHaveProperty('contractTotal')
    const got = t.core.reads.get(who.rep!, 'customer', mine.id).fields
    expect(got).not.toHaveProperty('contractTotal')
    expect(got).not.toHaveProperty('outstandingTotal')
    const opp = t.core.reads.list(who.finance!, { form: 'opportunity', limit: 1 }).records[0]!
    expect(opp.fields).not.toHaveProperty('weightedAmount')
    expect(opp.fields).not.toHaveProperty('amount')
    const csv = (await t.core.transfer.exports.export(who.rep!, { form: 'customer', format: 'csv' }, 'zh-CN')).data.toString('utf8')
    const header = csv.split(/\r?\n/)[0]!
    expect(header).toContain('客户名称')
    for (const label of ['合同总额', '已回款', '未回款']) expect(header).not.toContain(label)
    const admin = (await t.core.transfer.exports.export(t.actor, { form: 'customer', format: 'csv' }, 'zh-CN')).data.toString('utf8').split(/\r?\n/)[0]!
    expect(admin).toContain('合同总额')
    // An export asking for the column by name gets nothing it may not read.
    await expect(t.core.transfer.exports.export(who.rep!, { form: 'customer', format: 'csv', columns: ['contractTotal'] }, 'zh-CN')).rejects.toMatchObject({ messageKey: 'transfer.error.noColumns' })
  })
})

describe('reports', () => {
  const run = (actor: Actor, query: Record<string, unknown>, type = 'bar') => t.core.reports.engine.run(actor, { type, query } as never, 'zh-CN', { fresh: true })

  it('refuse a computed field the role cannot read in a widget, its filter and its drill-down', () => {
    const byStage = { form: 'opportunity', dimensions: [{ field: 'stage' }] }
    expect(caught(() => run(who.finance!, { ...byStage, measures: [{ agg: 'sum', field: 'weightedAmount' }] })).messageKey).toBe('query.fieldNotReadable')
    expect(caught(() => run(who.finance!, { ...byStage, measures: [{ agg: 'count' }], filter: { field: 'weightedAmount', op: 'gt', value: 0 } })).messageKey).toBe('query.fieldNotReadable')
    expect(caught(() => run(who.rep!, { form: 'customer', dimensions: [{ field: 'level' }], measures: [{ agg: 'sum', field: 'contractTotal' }] })).messageKey).toBe('query.fieldNotReadable')
    expect(caught(() => run(who.custom!, { ...byStage, measures: [{ agg: 'avg', field: 'weightedAmount' }] })).messageKey).toBe('query.fieldNotReadable')
    // Over a relation hop too: the contract's customer's roll-up.
    expect(caught(() => run(who.rep!, { form: 'contract', dimensions: [{ field: 'customer.contractTotal', ranges: [100000] }], measures: [{ agg: 'count' }] })).messageKey).toBe('query.fieldNotReadable')
    // Those who may read them still can.
    expect(() => run(who.admin!, { ...byStage, measures: [{ agg: 'sum', field: 'weightedAmount' }] })).not.toThrow()
    expect(() => run(who.finance!, { form: 'customer', dimensions: [{ field: 'level' }], measures: [{ agg: 'sum', field: 'contractTotal' }] })).not.toThrow()
  })

  it("shows a rep only their own target, with the admin's figure for them", () => {
    const query = {
      form: 'opportunity', dimensions: [{ field: 'owner' }],
      measures: [{ agg: 'sum', field: 'amount', filter: { field: 'stage', op: 'eq', value: '赢单' }, label: '赢单金额' }],
      dateField: 'closeDate', period: 'thisYear', target: { form: 'salesTarget' }
    }
    const rows = (r: ReturnType<typeof run>) => (r as unknown as { rows: Array<Record<string, unknown>> }).rows
    const all = rows(run(who.admin!, query, 'gauge'))
    const mine = rows(run(who.rep!, query, 'gauge'))
    const label = (row: Record<string, unknown>) => JSON.stringify(row)
    expect(all.length).toBeGreaterThan(1)
    expect(mine).toHaveLength(1)
    expect(label(mine[0]!)).toContain(who.rep!.name)
    expect(mine[0]).toEqual(all.find((r) => label(r).includes(who.rep!.name)))
    // A manager sees the targets of their department (east: the manager and three reps), not the south's.
    const team = rows(run(who.manager!, query, 'gauge'))
    expect(team.length).toBeGreaterThan(1)
    expect(team.some((r) => label(r).includes('刘洋'))).toBe(false)
    for (const row of team) expect(row).toEqual(all.find((r) => label(r) === label(row)) ?? row)
  })
})
