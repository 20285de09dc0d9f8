import { afterEach, describe, expect, it } from 'vitest'
import { handlers } from '../../../src-main/api/handlers'
import type { CallContext } from '../../../src-main/api/handler-kit'
import type { CoreHost } from '../../../src-main/api/host'
import { bundledApp } from '../../../src-main/apps/bundled'
import type { Actor } from '../../../src-main/access/actor'
import type { MethodInput, MethodName } from '../../../src-main/shared/api/contracts'
import { testCore } from '../../support/core'

// CRM writes whose result a rule moves out of the rep's sight answer what was done and where it
// went (like records.create/update), never an id the app would open into 找不到记录.

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
  const rep = async (name: string, login: string): Promise<Actor> => ({ id: await core.org.createUser(actor.id, { name, login, password: 'secret123', roleIds: [repRole] }), name, isAdmin: false, locale: 'zh-CN' })
  const zhang = await rep('张伟', 'zhangwei')
  const li = await rep('李娜', 'lina')
  const call = async <M extends MethodName>(method: M, input: MethodInput<M>, as: Actor) =>
    (await (handlers[method] as (i: unknown, c: CallContext) => unknown)(input, { host: { core } as unknown as CoreHost, actor: as, token: null, locale: as.locale } satisfies CallContext)) as Record<string, unknown>
  const assignTo = (form: string, name: string, userId: number) =>
    core.rules.create({ name: `分给李娜 ${form}`, form, enabled: true, trigger: { type: 'created' }, condition: { filter: { field: 'name', op: 'eq', value: name } }, actions: [{ type: 'assign', mode: 'user', userId }] }, actor.id)
  return { core, admin: actor, zhang, li, call, assignTo }
}

describe('CRM writes out of the rep’s sight', () => {
  it('lead conversion: the customer a rule assigned elsewhere is named with its owner, not handed back to open', async () => {
    const { core, zhang, li, call, assignTo } = await salesCore()
    const lead = core.writes.create(zhang, 'lead', { name: '王强', company: '强盛公司' })
    assignTo('customer', '强盛公司', li.id)
    const result = await call('crm.convertLead', { leadId: lead }, zhang)
    expect(result.outOfScope).toMatchObject({ id: result.customerId, outOfScope: true, owner: { id: li.id, name: '李娜' }, message: '线索已转化；新客户已分配给 李娜，您无法打开它' })
    // Without such a rule the customer is the rep's and opens as before.
    const other = core.writes.create(zhang, 'lead', { name: '赵六', company: '六合公司' })
    expect((await call('crm.convertLead', { leadId: other }, zhang)).outOfScope).toBeNull()
  })

  it('quote → contract and pool claims say so too', async () => {
    const { core, admin, zhang, li, call, assignTo } = await salesCore()
    const customer = core.writes.create(zhang, 'customer', { name: '甲公司' })
    const q = core.writes.create(zhang, 'quote', { customer, title: '智慧教室', lines: [{ quantity: 1, unitPrice: 100, discount: 0 }] })
    core.writes.update(zhang, 'quote', q, { status: 'accepted' })
    assignTo('contract', '甲公司 · 智慧教室', li.id)
    const contract = await call('crm.quoteToContract', { quoteId: q }, zhang)
    expect(contract.outOfScope).toMatchObject({ id: contract.contractId, owner: { name: '李娜' }, message: '已生成合同；合同已分配给 李娜，您无法打开它' })

    const pooled = core.writes.create(admin, 'lead', { name: '公海线索', owner: null })
    core.writes.update(admin, 'lead', pooled, { owner: null })
    const kept = core.writes.create(admin, 'lead', { name: '另一条', owner: null })
    core.writes.update(admin, 'lead', kept, { owner: null })
    core.rules.create({ name: '公海线索归李娜', form: 'lead', enabled: true, trigger: { type: 'updated' }, condition: { filter: { field: 'name', op: 'eq', value: '公海线索' } }, actions: [{ type: 'assign', mode: 'user', userId: li.id }] }, admin.id)
    const claim = await call('crm.pool.claim', { form: 'lead', ids: [pooled, kept] }, zhang)
    expect(claim).toMatchObject({ claimed: 2, owned: 1 })
    expect(claim.outOfScope).toEqual([{ id: pooled, outOfScope: true, owner: { id: li.id, name: '李娜' }, message: '已领取；规则已将它分配给 李娜，您将无法再打开它' }])
  })
})
