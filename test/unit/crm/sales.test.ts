import { afterEach, describe, expect, it } from 'vitest'
import { testCore, caught } from '../../support/core'
import { bundledApp } from '../../../src-main/apps/bundled'
import { normalizeCompanyName, normalizePhone } from '../../../src-main/shared/crm-normalize'
import type { Actor } from '../../../src-main/access/actor'
import { translate } from '../../../src-main/shared/locales'

let ctx: Awaited<ReturnType<typeof testCore>> | null = null
afterEach(() => {
  ctx?.close()
  ctx = null
})

async function salesCore() {
  ctx = await testCore()
  const { core, actor } = ctx
  core.crm.install(actor, bundledApp('crm').pkg, 'zh-CN')
  const repRole = core.org.roles().find((r) => r.key === 'sales_rep')!.id
  const rep = async (name: string, login: string): Promise<Actor> => {
    const id = await core.org.createUser(actor.id, { name, login, password: 'secret123', roleIds: [repRole] })
    return { id, name, isAdmin: false, locale: 'zh-CN' }
  }
  return { core, actor, clock: ctx.clock, zhang: await rep('张伟', 'zhangwei'), li: await rep('李娜', 'lina') }
}

describe('public pool', () => {
  it('shows ownerless records to reps with the own-records scope, and lets them claim within the limit', async () => {
    const { core, actor, zhang, li } = await salesCore()
    const ids = ['甲', '乙', '丙'].map((n) => core.writes.create(actor, 'lead', { name: `${n}先生`, company: `${n}公司`, owner: null }))
    // Created with owner null by the admin: in the pool.
    for (const id of ids) core.writes.update(actor, 'lead', id, { owner: null })
    const mine = core.writes.create(li, 'lead', { name: '李娜的线索' })
    const seen = core.reads.list(zhang, { form: 'lead', limit: 50 }).records.map((r) => r.id)
    expect(seen.sort()).toEqual(ids.sort())
    expect(seen).not.toContain(mine)
    // A rep may not edit a pool record except by claiming it — and is told so: they can see it.
    const refused = caught(() => core.writes.update(zhang, 'lead', ids[0]!, { score: 5 }))
    expect(refused.name).toBe('PermissionError')
    expect((refused as { messageKey?: string }).messageKey).toBe('error.recordEditDenied')
    // A colleague's own lead is outside what he may see: still "not found".
    expect(caught(() => core.writes.update(zhang, 'lead', mine, { score: 5 })).name).toBe('NotFoundError')

    core.crm.settings.set({ poolLimits: { lead: 2, customer: null } })
    expect(core.crm.pool.claim(zhang, 'lead', [ids[0]!])).toMatchObject({ claimed: 1, owned: 1, limit: 2 })
    expect(core.reads.get(zhang, 'lead', ids[0]!).owner?.id).toBe(zhang.id)
    const over = caught(() => core.crm.pool.claim(zhang, 'lead', [ids[1]!, ids[2]!]))
    expect(over.messageKey).toBe('crm.pool.limitReached')
    expect(core.reads.get(actor, 'lead', ids[1]!).owner).toBeNull()
    // Someone else's record is not in the pool. A rep who may not see it learns only that a
    // colleague has it and whom to ask — neither its name nor its owner; one who may see it is told which.
    const taken = caught(() => core.crm.pool.claim(li, 'lead', [ids[0]!]))
    expect(taken.messageKey).toBe('crm.pool.claimedByOther')
    expect(JSON.stringify(taken.params)).not.toMatch(/甲|张伟|#/)
    expect(translate('zh-CN', String(taken.messageKey), taken.params as Record<string, string | number>)).toBe('该线索已由其他同事负责，不在公海中；如需跟进，请联系您的经理')
    expect(caught(() => core.crm.pool.claim(actor, 'lead', [ids[0]!])).params).toMatchObject({ title: '甲先生' })

    expect(caught(() => core.crm.pool.release(zhang, 'lead', [ids[0]!], '  ')).messageKey).toBe('crm.pool.reasonRequired')
    core.crm.pool.release(zhang, 'lead', [ids[0]!], '客户暂无需求')
    expect(core.reads.get(actor, 'lead', ids[0]!).owner).toBeNull()
    expect(core.crm.pool.history(zhang, 'lead', ids[0]!).map((e) => [e.action, e.reason, e.user?.name])).toEqual([['release', '客户暂无需求', '张伟'], ['claim', null, '张伟']])
    const history = core.reads.history(actor, 'lead', ids[0]!)
    // Created (admin), put in the pool, claimed, released: each owner change is in the history.
    expect(history.filter((h) => 'owner' in h.changes)).toHaveLength(4)
  })
})

describe('lead conversion', () => {
  it('creates customer, contact and opportunity in one step, linked, nothing retyped', async () => {
    const { core, zhang } = await salesCore()
    const lead = core.writes.create(zhang, 'lead', { name: '王强', company: '苏州恒达机械有限公司', phone: '13912345678', wechat: 'wq_hd', source: '展会', city: '苏州' })
    const fu = core.writes.create(zhang, 'followUp', { subject: '展会交流', lead, time: '2024-03-04T10:00:00+08:00' })
    const r = core.crm.conversions.convertLead(zhang, { leadId: lead, opportunity: { name: '数控车间升级', amount: 280000 } })
    const customer = core.reads.get(zhang, 'customer', r.customerId)
    expect(customer.fields).toMatchObject({ name: '苏州恒达机械有限公司', source: '展会', phone: '13912345678', city: '苏州' })
    expect(customer.owner?.id).toBe(zhang.id)
    expect(core.reads.get(zhang, 'contact', r.contactId!).fields).toMatchObject({ name: '王强', wechat: 'wq_hd', customer: { id: r.customerId } })
    const opp = core.reads.get(zhang, 'opportunity', r.opportunityId!)
    expect(opp.fields).toMatchObject({ name: '数控车间升级', amount: 280000, stage: '初步接洽', probability: 0.1, customer: { id: r.customerId } })
    expect(core.reads.get(zhang, 'lead', lead).fields).toMatchObject({ status: '已转化', convertedCustomer: { id: r.customerId } })
    expect(core.reads.get(zhang, 'followUp', fu).fields.customer).toMatchObject({ id: r.customerId })
    expect(core.reads.get(zhang, 'customer', r.customerId).fields.lastFollowUpAt).toBeTruthy()
    expect(caught(() => core.crm.conversions.convertLead(zhang, { leadId: lead })).messageKey).toBe('crm.lead.alreadyConverted')
  })

  it('links to an existing customer instead of creating a duplicate, when asked', async () => {
    const { core, zhang } = await salesCore()
    const existing = core.writes.create(zhang, 'customer', { name: '宁波海曙贸易有限公司' })
    const lead = core.writes.create(zhang, 'lead', { name: '周敏', company: '宁波海曙贸易' })
    expect(core.crm.duplicates.check(zhang, { name: '宁波海曙贸易' }).map((m) => m.id)).toEqual([existing])
    const r = core.crm.conversions.convertLead(zhang, { leadId: lead, customerId: existing, opportunity: null })
    expect(r).toMatchObject({ customerId: existing, opportunityId: null })
    expect(core.reads.count(zhang, { form: 'customer' }).total).toBe(1)
    expect(core.reads.get(zhang, 'contact', r.contactId!).fields.customer).toMatchObject({ id: existing })
  })

  it('rolls everything back when one part fails', async () => {
    const { core, zhang, actor } = await salesCore()
    core.writes.create(actor, 'customer', { name: '已存在有限公司' })
    const lead = core.writes.create(zhang, 'lead', { name: '赵敏', company: '已存在有限公司' })
    const customers = core.reads.count(actor, { form: 'customer' }).total
    expect(() => core.crm.conversions.convertLead(zhang, { leadId: lead })).toThrow()
    expect(core.reads.count(actor, { form: 'customer' }).total).toBe(customers)
    expect(core.reads.count(actor, { form: 'contact' }).total).toBe(0)
    expect(core.reads.get(zhang, 'lead', lead).fields.status).toBe('新线索')
  })
})

describe('stages', () => {
  it('sets the probability from the stage and demands a reason for a lost deal', async () => {
    const { core, zhang } = await salesCore()
    const id = core.writes.create(zhang, 'opportunity', { name: '门禁系统', amount: 50000 })
    expect(core.reads.get(zhang, 'opportunity', id).fields.probability).toBe(0.1)
    core.writes.update(zhang, 'opportunity', id, { stage: 'negotiation' })
    expect(core.reads.get(zhang, 'opportunity', id).fields.probability).toBe(0.75)
    core.writes.update(zhang, 'opportunity', id, { stage: 'proposal', probability: 0.6 })
    expect(core.reads.get(zhang, 'opportunity', id).fields.probability).toBe(0.6)
    expect(caught(() => core.writes.update(zhang, 'opportunity', id, { stage: 'lost' })).field).toBe('lossReason')
    core.writes.update(zhang, 'opportunity', id, { stage: 'lost', lossReason: '价格' })
    expect(core.reads.get(zhang, 'opportunity', id).fields).toMatchObject({ stage: '输单', probability: 0, lossReason: '价格' })
  })
})

describe('duplicates', () => {
  it('normalises legal forms, spaces, full-width characters and brackets; phones without +86', () => {
    const same = ['杭州青禾科技有限公司', '杭州 青禾科技', '杭州青禾科技（有限公司）', '杭州青禾科技股份有限公司', '杭州青禾科技有限责任公司', '杭州青禾科技公司', 'ＡＢＣ杭州青禾科技'.slice(3)]
    expect(new Set(same.map(normalizeCompanyName))).toEqual(new Set(['杭州青禾科技']))
    expect(normalizeCompanyName('ＡＢＣ（中国）有限公司')).toBe('abc中国')
    expect(normalizeCompanyName('Abc (China) Co')).toBe('abcchinaco')
    expect(normalizePhone('+86 138-0013-8000')).toBe('13800138000')
    expect(normalizePhone('０５７１－８８８８６６６６')).toBe('057188886666')
  })

  it('warns at entry, lists groups, and merges keeping every related record and the history', async () => {
    const { core, actor } = await salesCore()
    const a = core.writes.create(actor, 'customer', { name: '杭州青禾科技有限公司', phone: '0571-88886666' })
    const b = core.writes.create(actor, 'customer', { name: '杭州 青禾科技', city: '杭州', tags: ['老客户'] })
    const c = core.writes.create(actor, 'customer', { name: '宁波海曙贸易', phone: '+86 571 8888 6666' })
    core.writes.create(actor, 'customer', { name: '无关公司' })
    expect(core.crm.duplicates.check(actor, { name: '杭州青禾科技（有限公司）' }).map((m) => m.id).sort()).toEqual([a, b].sort())
    expect(core.crm.duplicates.check(actor, { phone: '057188886666' }).map((m) => [m.id, m.by])).toEqual([[a, 'phone'], [c, 'phone']])
    expect(core.crm.duplicates.groups(actor).map((g) => g.records.map((r) => r.id).sort())).toEqual([[a, b].sort(), [a, c].sort()])

    const contact = core.writes.create(actor, 'contact', { name: '陈静', customer: b })
    const contract = core.writes.create(actor, 'contract', { name: '合同', customer: b, amount: 1000 })
    core.writes.create(actor, 'payment', { contract, customer: b, amount: 400 })
    core.writes.update(actor, 'customer', b, { level: 'a' })
    const result = core.crm.duplicates.merge(actor, a, [b])
    expect(result.merged).toBe(1)
    expect(core.reads.get(actor, 'contact', contact).fields.customer).toMatchObject({ id: a })
    const kept = core.reads.get(actor, 'customer', a)
    expect(kept.fields).toMatchObject({ city: '杭州', level: 'A 重点客户', tags: ['老客户'], contractTotal: 1000, receivedTotal: 400 })
    expect(caught(() => core.reads.get(actor, 'customer', b)).name).toBe('NotFoundError')
    expect(core.reads.trash(actor, 'customer', 10).map((r) => r.id)).toContain(b)
    expect(core.reads.history(actor, 'customer', b).length).toBeGreaterThan(1)
  })
})

describe('quotes', () => {
  it('turns an accepted quote into a contract for its total, once', async () => {
    const { core, actor, zhang } = await salesCore()
    const customer = core.writes.create(zhang, 'customer', { name: '成都蓉城教育科技有限公司' })
    const q = core.writes.create(zhang, 'quote', { customer, title: '智慧教室', lines: [{ quantity: 2, unitPrice: 15000, discount: 0.05 }] })
    expect(caught(() => core.crm.conversions.quoteToContract(zhang, q)).messageKey).toBe('crm.quote.notAccepted')
    core.writes.update(zhang, 'quote', q, { status: 'accepted' })
    const { contractId } = core.crm.conversions.quoteToContract(zhang, q)
    expect(core.reads.get(zhang, 'contract', contractId).fields).toMatchObject({ amount: 28500, customer: { id: customer }, quote: { id: q } })
    expect(core.reads.get(actor, 'contract', contractId).fields).toMatchObject({ outstanding: 28500 })
    // 未回款金额 = amount − 已回款金额, a roll-up of payments the rep (own records) cannot all see.
    expect(core.reads.get(zhang, 'contract', contractId).fields).not.toHaveProperty('outstanding')
    expect(caught(() => core.crm.conversions.quoteToContract(zhang, q)).messageKey).toBe('crm.quote.hasContract')
  })
})
