import { afterEach, describe, expect, it } from 'vitest'
import type { Actor } from '../../../src-main/access/actor'
import { bundledApp } from '../../../src-main/apps/bundled'
import { installApp } from '../../../src-main/apps/installer'
import { appSection } from '../../../src-main/apps/sections'
import { testCore } from '../../support/core'

// The flows shipped with the CRM app (resources/apps/crm/flows.json), installed through the app
// section registry, published, and working on the CRM forms.

describe('flows shipped with the CRM app', () => {
  let env: Awaited<ReturnType<typeof testCore>> | null = null
  afterEach(() => env?.close())

  it('install once, publish, and route contracts, quotes and large opportunities as the issue says', async () => {
    env = await testCore()
    const { core, actor: admin } = env
    const { pkg } = bundledApp('crm')
    expect(pkg.sections['flows']?.length).toBe(3)
    installApp(core, admin, pkg, { locale: 'zh-CN' })
    installApp(core, admin, pkg, { locale: 'zh-CN' })
    const flows = core.flows.list()
    expect(flows.map((f) => [f.name, f.publishedVersion])).toEqual([['合同审批', 1], ['报价折扣审批', 1], ['大额商机评审', 1]])
    const role = (name: string) => core.org.roles().find((r) => r.name === name)!.id
    const user = async (name: string, login: string, roles: number[]): Promise<Actor> => ({ id: await core.org.createUser(admin.id, { name, login, password: 'secret123', roleIds: roles }), name, isAdmin: false, locale: 'zh-CN' })
    const director = await user('李总监', 'director', [role('销售经理')])
    const legal = await user('赵法务', 'legal', [role('法务')])
    const gm = await user('王总', 'gm', [role('总经理')])
    const finance = await user('钱财务', 'finance', [role('财务')])
    const rep = await user('张三', 'rep', [role('销售代表')])
    const todo = (a: Actor) => core.flows.todo(a, { tab: 'todo', limit: 20, offset: 0 }).tasks
    const approveAll = (a: Actor) => { for (const t of todo(a)) core.flows.approve(a, { taskId: t.id }) }

    const customer = core.writes.create(rep, 'customer', { name: '杭州云栖科技' })
    const small = core.writes.create(rep, 'contract', { name: '云栖小单', customer, amount: 30000 })
    const big = core.writes.create(rep, 'contract', { name: '云栖大单', customer, amount: 80000 })
    const i1 = core.flows.start(rep, { form: 'contract', recordId: small })
    const i2 = core.flows.start(rep, { form: 'contract', recordId: big })
    approveAll(director)
    expect(core.flows.summary(i1.id).status).toBe('approved')
    expect(core.flows.summary(i2.id).currentNodes.sort()).toEqual(['总经理审批', '法务审批'])
    approveAll(legal)
    approveAll(gm)
    expect(core.flows.summary(i2.id).status).toBe('approved')
    expect(core.reads.get(admin, 'contract', big).fields['approvalStatus']).toBe('已通过')

    const quote = (discount: number) => core.writes.create(rep, 'quote', { title: '报价', customer, lines: [{ quantity: 1, unitPrice: 1000, discount }] })
    const q1 = core.flows.start(rep, { form: 'quote', recordId: quote(0.1) })
    const q2 = core.flows.start(rep, { form: 'quote', recordId: quote(0.2) })
    approveAll(director)
    expect(core.flows.summary(q1.id).status).toBe('approved')
    expect(core.flows.summary(q2.id).currentNodes).toEqual(['财务总监审批'])
    approveAll(finance)
    expect(core.flows.summary(q2.id).status).toBe('approved')

    const opp = core.writes.create(rep, 'opportunity', { name: '云栖 ERP', customer, amount: 150000, stage: 'proposal' })
    const o1 = core.flows.start(rep, { form: 'opportunity', recordId: opp })
    approveAll(director)
    expect(core.flows.summary(o1.id).status).toBe('approved')
    expect(core.reads.get(admin, 'opportunity', opp).fields['stage']).toBe('商务谈判')
    const tasks = core.reads.list(admin, { form: 'task', limit: 10 }).records.filter((t) => t.fields['title'] === '法务审核：云栖 ERP')
    expect(tasks).toHaveLength(1)
    expect(tasks[0]!.fields['opportunity']).toMatchObject({ id: opp })
    const smallOpp = core.writes.create(rep, 'opportunity', { name: '小商机', customer, amount: 20000, stage: 'initial' })
    expect(core.flows.start(rep, { form: 'opportunity', recordId: smallOpp }).status).toBe('approved')
  })

  it('export gives back the flows in the file format: roles by key, the graph as drawn', async () => {
    env = await testCore()
    const { core, actor: admin } = env
    const { pkg } = bundledApp('crm')
    installApp(core, admin, pkg, { locale: 'zh-CN' })
    const appId = core.db.prepare("SELECT id FROM apps WHERE api_key = 'crm'").pluck().get() as number
    const section = appSection('flows')!
    const items = section.exportItems(core, appId) as Array<{ key: string; form: string; graph: { nodes: Array<{ id: string; config: { approvers?: unknown[] } }> } }>
    expect(items.map((i) => [i.key, i.form])).toEqual([['contractApproval', 'contract'], ['quoteDiscountApproval', 'quote'], ['largeOpportunityReview', 'opportunity']])
    const legal = items[0]!.graph.nodes.find((n) => n.id === 'legal')!
    expect(legal.config.approvers).toEqual([{ type: 'roles', roleKeys: [core.org.roles().find((r) => r.name === '法务')!.key] }])
    for (const item of items) expect(section.schema.safeParse(item).success).toBe(true)
  })
})
