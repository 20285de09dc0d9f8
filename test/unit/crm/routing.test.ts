import dayjs from 'dayjs'
import { afterEach, describe, expect, it } from 'vitest'
import type { Actor } from '../../../src-main/access/actor'
import { bundledApp } from '../../../src-main/apps/bundled'
import { installApp } from '../../../src-main/apps/installer'
import { testCore } from '../../support/core'

// Where the shipped app sends work: the 回款提醒 task links its contract and customer; the
// 法务审核 task of a large opportunity goes to 法务, who may see and work on it; the contract's
// 销售总监审批 goes to the submitter's department head, the 销售经理 role only when there is none.

const DAY = 86_400_000
let env: Awaited<ReturnType<typeof testCore>> | null = null
afterEach(() => {
  env?.close()
  env = null
})

async function sales() {
  env = await testCore()
  const { core, actor: admin, clock } = env
  installApp(core, admin, bundledApp('crm').pkg, { locale: 'zh-CN' })
  const role = (name: string) => core.org.roles().find((r) => r.name === name)!.id
  const user = async (name: string, login: string, roles: number[], departmentId: number | null = null): Promise<Actor> => ({
    id: await core.org.createUser(admin.id, { name, login, password: 'secret123', roleIds: roles, departmentId }), name, isAdmin: false, locale: 'zh-CN'
  })
  return { core, admin, clock, role, user }
}

const todo = (core: NonNullable<typeof env>['core'], a: Actor) => core.flows.todo(a, { tab: 'todo', limit: 20, offset: 0 }).tasks

describe('the shipped app routes work', () => {
  it('回款提醒: the task links the contract and its customer', async () => {
    const { core, admin, clock } = await sales()
    const customer = core.writes.create(admin, 'customer', { name: '杭州云栖科技' })
    const due = dayjs(clock.now()).add(10, 'day').format('YYYY-MM-DD')
    const contract = core.writes.create(admin, 'contract', { name: '云栖合同', customer, amount: 50000, plan: [{ dueDate: due, amount: 20000 }] })
    clock.advance(8 * DAY)
    await core.scheduler.tick()
    const tasks = core.reads.list(admin, { form: 'task', limit: 10 }).records.filter((t) => String(t.fields.title).startsWith('回款提醒'))
    expect(tasks).toHaveLength(1)
    expect(tasks[0]!.fields).toMatchObject({ contract: { id: contract }, customer: { id: customer } })
  })

  it('法务审核: the task of an approved large opportunity is assigned to 法务, who sees it and may edit it', async () => {
    const { core, role, user } = await sales()
    const director = await user('李总监', 'director', [role('销售经理')])
    const legal = await user('赵法务', 'legal', [role('法务')])
    const rep = await user('张三', 'rep', [role('销售代表')])
    const customer = core.writes.create(rep, 'customer', { name: '杭州云栖科技' })
    const opp = core.writes.create(rep, 'opportunity', { name: '云栖 ERP', customer, amount: 150000, stage: 'proposal' })
    core.flows.start(rep, { form: 'opportunity', recordId: opp })
    for (const t of todo(core, director)) core.flows.approve(director, { taskId: t.id })
    const mine = core.reads.list(legal, { form: 'task', limit: 10 }).records
    expect(mine.map((t) => t.fields.title)).toEqual(['法务审核：云栖 ERP'])
    expect(mine[0]!.fields).toMatchObject({ assignee: { id: legal.id }, opportunity: { id: opp }, customer: { id: customer } })
    core.writes.update(legal, 'task', mine[0]!.id, { status: 'done' })
  })

  it('销售总监审批: the submitter’s department head only; the 销售经理 role when the department has no head', async () => {
    const { core, admin, role, user } = await sales()
    const east = core.org.createDepartment(admin.id, { name: '华东销售组' }).id
    const south = core.org.createDepartment(admin.id, { name: '华南销售组' }).id
    const headEast = await user('吴海燕', 'wuhaiyan', [role('销售经理')], east)
    const headSouth = await user('林晓东', 'linxiaodong', [role('销售经理')], south)
    const other = await user('周建国', 'zhoujianguo', [role('销售经理')])
    core.org.updateDepartment(admin.id, { id: east, headUserId: headEast.id })
    core.org.updateDepartment(admin.id, { id: south, headUserId: headSouth.id })
    const rep = await user('张伟', 'zhangwei', [role('销售代表')], east)
    const contract = core.writes.create(rep, 'contract', { name: '小单', amount: 20000 })
    core.flows.start(rep, { form: 'contract', recordId: contract })
    expect([headEast, headSouth, other].map((u) => todo(core, u).length)).toEqual([1, 0, 0])

    const loner = await user('孤独', 'loner', [role('销售代表')])
    const second = core.writes.create(loner, 'contract', { name: '无部门的单', amount: 20000 })
    core.flows.start(loner, { form: 'contract', recordId: second })
    expect([headEast, headSouth, other].map((u) => todo(core, u).length)).toEqual([2, 1, 1])
  })
})

describe('the shipped 全部商机 view', () => {
  it('lists the latest close dates first', async () => {
    const { core, admin } = await sales()
    const view = core.views.list(admin, core.schema.form('opportunity').id).find((v) => v.name === '全部商机')!
    expect(view.config.sort).toEqual([{ field: 'closeDate', dir: 'desc' }])
  })
})
