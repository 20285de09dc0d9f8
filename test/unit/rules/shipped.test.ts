import { afterEach, describe, expect, it } from 'vitest'
import { testCore } from '../../support/core'
import { bundledApp } from '../../../src-main/apps/bundled'
import { installApp } from '../../../src-main/apps/installer'
import { DAY } from './support'

describe('rules shipped with the CRM app', () => {
  let env: Awaited<ReturnType<typeof testCore>> | null = null
  afterEach(() => env?.close())

  it('installs through the app section registry, once, and they work on the CRM forms', async () => {
    env = await testCore()
    const { core, actor, clock } = env
    const { pkg } = bundledApp('crm')
    expect(pkg.sections['rules']?.length).toBe(9)
    installApp(core, actor, pkg, { locale: 'zh-CN' })
    installApp(core, actor, pkg, { locale: 'zh-CN' })
    const rules = core.rules.list()
    expect(rules.map((r) => r.name)).toEqual([
      '新线索按城市自动分配', '初步接洽商机 7 天未跟进提醒', '重要商机 3 天未跟进生成待办', '回款到期前 3 天提醒', '线索 30 天未跟进退回公海', '线索评分：按来源', '线索评分：每次跟进加 5 分',
      '记录跟进后线索状态改为已联系', '回款到账后安排交付（示例）'
    ])
    // The delivery rule is an example, shipped off (as is assignment by city until cities are mapped).
    expect(rules.filter((r) => r.enabled)).toHaveLength(7)

    // Lead score from source and from activity.
    const lead = core.writes.create(actor, 'lead', { name: '周先生', source: 'referral' })
    expect(core.reads.get(actor, 'lead', lead).fields['score']).toBe(30)
    core.writes.create(actor, 'followUp', { subject: '电话沟通', lead })
    expect(core.reads.get(actor, 'lead', lead).fields['score']).toBe(35)

    // Important opportunity idle for 3 days → a to-do for its owner, linked to it.
    const customer = core.writes.create(actor, 'customer', { name: '青岛海纳' })
    const opp = core.writes.create(actor, 'opportunity', { name: '海纳 ERP', customer, stage: 'initial', important: true, amount: 80000 })
    clock.advance(3 * DAY + 60_000)
    await core.scheduler.tick()
    const tasks = core.reads.list(actor, { form: 'task', limit: 10 }).records
    expect(tasks.map((t) => t.fields['title'])).toEqual(['跟进重要商机：海纳 ERP'])
    expect(tasks[0]!.fields).toMatchObject({ opportunity: { id: opp }, assignee: { id: actor.id }, status: '待办' })
    // …and at 7 days the initial-stage alert.
    clock.advance(4 * DAY)
    await core.scheduler.tick()
    expect(core.notifications.list(actor.id).items.map((n) => n.title)).toContain('商机「海纳 ERP」已 7 天未跟进')
  })
})
