import { afterEach, describe, expect, it } from 'vitest'
import { Core } from '../../../src-main/core'
import { DAY, HOUR, rulesCore } from './support'

type Env = Awaited<ReturnType<typeof rulesCore>>

const notifyOwner = (title: string) => ({ type: 'notify' as const, to: { owner: true }, title, body: '' })
const titles = (env: Env, userId: number) => env.core.notifications.list(userId).items.map((n) => n.title)

describe('rule triggers', () => {
  let env: Env
  afterEach(() => env?.close())

  it('created → in-app notification to the owner with a link to the record', async () => {
    env = await rulesCore()
    env.rule({ name: '新商机提醒', trigger: { type: 'created' }, actions: [notifyOwner('新商机：{{商机名称}}，金额 {{amount}}')] })
    const id = env.core.writes.create(env.actor, 'opportunity', { name: '华为项目', amount: 5000 })
    const list = env.core.notifications.list(env.actor.id)
    expect(list.unread).toBe(1)
    expect(list.items[0]).toMatchObject({ title: '新商机：华为项目，金额 ¥5,000.00', formKey: 'opportunity', recordId: id })
    env.core.writes.update(env.actor, 'opportunity', id, { amount: 6000 })
    expect(env.core.notifications.unread(env.actor.id)).toBe(1)
    expect(env.core.notifications.markRead(env.actor.id)).toBe(0)
  })

  it('updated from → to on the owner and on a checkbox, as the rule editor offers them (user ids, 1 / 0)', async () => {
    env = await rulesCore()
    const li = await env.user('李四')
    const wang = await env.user('王五')
    env.rule({ name: '交给李四', trigger: { type: 'updated', fields: ['owner'], from: String(env.actor.id), to: String(li) }, actions: [{ type: 'notify', to: { users: [li] }, title: '转给你了', body: '' }] })
    env.rule({ name: '标为重要', trigger: { type: 'updated', fields: ['important'], from: '0', to: '1' }, actions: [notifyOwner('重要了')] })
    const id = env.core.writes.create(env.actor, 'opportunity', { name: 'A', important: false })
    env.core.writes.update(env.actor, 'opportunity', id, { owner: wang })
    env.core.writes.update(env.actor, 'opportunity', id, { owner: env.actor.id })
    env.core.writes.update(env.actor, 'opportunity', id, { important: true, owner: li })
    expect(titles(env, li)).toEqual(['重要了', '转给你了'])
  })

  it('updated: any change, a chosen field, and changed from → to', async () => {
    env = await rulesCore()
    env.rule({ name: '任意修改', trigger: { type: 'updated' }, actions: [notifyOwner('改了')] })
    env.rule({ name: '金额变了', trigger: { type: 'updated', fields: ['amount'] }, actions: [notifyOwner('金额变了')] })
    env.rule({ name: '初步接洽→需求分析', trigger: { type: 'updated', fields: ['stage'], from: 'initial', to: 'needs' }, actions: [notifyOwner('进入需求分析')] })
    const id = env.core.writes.create(env.actor, 'opportunity', { name: 'A', stage: '初步接洽' })
    env.core.writes.update(env.actor, 'opportunity', id, { nextStep: '打电话' })
    expect(titles(env, env.actor.id)).toEqual(['改了'])
    env.core.writes.update(env.actor, 'opportunity', id, { amount: 100 })
    expect(titles(env, env.actor.id)).toEqual(['金额变了', '改了', '改了'])
    env.core.writes.update(env.actor, 'opportunity', id, { stage: '赢单' })
    expect(titles(env, env.actor.id)).not.toContain('进入需求分析')
    env.core.writes.update(env.actor, 'opportunity', id, { stage: '初步接洽' })
    env.core.writes.update(env.actor, 'opportunity', id, { stage: '需求分析' })
    expect(titles(env, env.actor.id).filter((t) => t === '进入需求分析')).toHaveLength(1)
  })

  it('deleted and flow finished (approved only)', async () => {
    env = await rulesCore()
    env.rule({ name: '删除', trigger: { type: 'deleted' }, actions: [notifyOwner('删了 {{商机名称}}')] })
    env.rule({ name: '审批通过', trigger: { type: 'flowFinished', outcome: 'approved' }, actions: [notifyOwner('审批通过')] })
    const id = env.core.writes.create(env.actor, 'opportunity', { name: 'B' })
    env.core.events.emit([{ type: 'flow.finished', formId: env.opp.id, recordId: id, flowId: 1, instanceId: 7, outcome: 'rejected', actorId: null, at: env.clock.now() }])
    env.core.events.emit([{ type: 'flow.finished', formId: env.opp.id, recordId: id, flowId: 1, instanceId: 8, outcome: 'approved', actorId: null, at: env.clock.now() }])
    env.core.events.emit([{ type: 'flow.finished', formId: env.opp.id, recordId: id, flowId: 1, instanceId: 8, outcome: 'approved', actorId: null, at: env.clock.now() }])
    expect(titles(env, env.actor.id)).toEqual(['审批通过'])
    env.core.writes.delete(env.actor, 'opportunity', [id])
    expect(titles(env, env.actor.id)).toEqual(['删了 B', '审批通过'])
  })

  it('condition: filter and formula both must hold', async () => {
    env = await rulesCore()
    env.rule({
      name: '大单',
      trigger: { type: 'created' },
      condition: { filter: { and: [{ field: 'stage', op: 'eq', value: 'initial' }] }, formula: '{金额} >= 10000' },
      actions: [notifyOwner('大单 {{商机名称}}')]
    })
    env.core.writes.create(env.actor, 'opportunity', { name: '小', stage: '初步接洽', amount: 10 })
    env.core.writes.create(env.actor, 'opportunity', { name: '错阶段', stage: '赢单', amount: 50000 })
    env.core.writes.create(env.actor, 'opportunity', { name: '大', stage: '初步接洽', amount: 50000 })
    expect(titles(env, env.actor.id)).toEqual(['大单 大'])
  })

  it('schedule: daily at 09:00 runs once per day for matching records, only the latest missed day after downtime', async () => {
    env = await rulesCore()
    env.clock.set(new Date(2024, 2, 5, 8, 0).getTime())
    env.core.writes.create(env.actor, 'opportunity', { name: 'S1', stage: '初步接洽' })
    env.core.writes.create(env.actor, 'opportunity', { name: 'S2', stage: '赢单' })
    env.rule({ name: '每日提醒', trigger: { type: 'schedule', every: 'day', time: '09:00' }, condition: { filter: { field: 'stage', op: 'eq', value: 'initial' } }, actions: [notifyOwner('每日 {{商机名称}}')] })
    await env.core.scheduler.tick()
    expect(titles(env, env.actor.id)).toEqual([])
    env.clock.set(new Date(2024, 2, 5, 9, 0).getTime())
    await env.core.scheduler.tick()
    expect(titles(env, env.actor.id)).toEqual(['每日 S1'])
    env.clock.advance(2 * HOUR)
    await env.core.scheduler.tick()
    expect(titles(env, env.actor.id)).toHaveLength(1)
    env.clock.advance(5 * DAY)
    await env.core.scheduler.tick()
    expect(titles(env, env.actor.id)).toEqual(['每日 S1', '每日 S1'])
  })

  it('date-relative: 3 days before a date, and before a sub-table date (each plan row)', async () => {
    env = await rulesCore()
    env.clock.set(new Date(2024, 2, 1, 8, 0).getTime())
    env.rule({ name: '成交前三天', trigger: { type: 'dateRelative', field: 'closeDate', amount: 3, unit: 'day', direction: 'before' }, actions: [notifyOwner('{{商机名称}} {{closeDate}} 成交')] })
    env.rule({ name: '回款前三天', trigger: { type: 'dateRelative', field: 'plan.dueDate', amount: 3, unit: 'day', direction: 'before' }, actions: [notifyOwner('回款 {{plan.dueDate}} {{plan.amount}}')] })
    env.core.writes.create(env.actor, 'opportunity', {
      name: 'D', closeDate: '2024-03-10',
      plan: [{ dueDate: '2024-03-08', amount: 100 }, { dueDate: '2024-03-20', amount: 200 }]
    })
    await env.core.scheduler.tick()
    expect(titles(env, env.actor.id)).toEqual([])
    env.clock.set(new Date(2024, 2, 5, 9, 0).getTime())
    await env.core.scheduler.tick()
    expect(titles(env, env.actor.id)).toEqual(['回款 2024年3月8日 ¥100.00'])
    env.clock.set(new Date(2024, 2, 7, 9, 0).getTime())
    await env.core.scheduler.tick()
    expect(titles(env, env.actor.id)).toEqual(['D 2024年3月10日 成交', '回款 2024年3月8日 ¥100.00'])
    env.clock.set(new Date(2024, 2, 18, 9, 30).getTime())
    await env.core.scheduler.tick()
    await env.core.scheduler.tick()
    expect(titles(env, env.actor.id)).toEqual(['回款 2024年3月20日 ¥200.00', 'D 2024年3月10日 成交', '回款 2024年3月8日 ¥100.00'])
  })

  it('date-relative in hours before a date-time, and days after a date', async () => {
    env = await rulesCore()
    env.clock.set(new Date(2024, 2, 5, 8, 0).getTime())
    env.rule({ name: '拜访前两小时', trigger: { type: 'dateRelative', field: 'visitAt', amount: 2, unit: 'hour', direction: 'before' }, actions: [notifyOwner('两小时后拜访 {{商机名称}}')] })
    env.rule({ name: '成交后一天', trigger: { type: 'dateRelative', field: 'closeDate', amount: 1, unit: 'day', direction: 'after', time: '10:00' }, actions: [notifyOwner('回访 {{商机名称}}')] })
    env.core.writes.create(env.actor, 'opportunity', { name: 'H', visitAt: new Date(2024, 2, 5, 14, 0).getTime(), closeDate: '2024-03-05' })
    env.clock.set(new Date(2024, 2, 5, 11, 59).getTime())
    await env.core.scheduler.tick()
    expect(titles(env, env.actor.id)).toEqual([])
    env.clock.set(new Date(2024, 2, 5, 12, 0).getTime())
    await env.core.scheduler.tick()
    expect(titles(env, env.actor.id)).toEqual(['两小时后拜访 H'])
    env.clock.set(new Date(2024, 2, 6, 9, 59).getTime())
    await env.core.scheduler.tick()
    expect(titles(env, env.actor.id)).toHaveLength(1)
    env.clock.set(new Date(2024, 2, 6, 10, 0).getTime())
    await env.core.scheduler.tick()
    expect(titles(env, env.actor.id)).toEqual(['回访 H', '两小时后拜访 H'])
  })

  it('inactivity: no follow-up for 7 days alerts the owner and their manager, once per idle stretch', async () => {
    env = await rulesCore()
    const manager = await env.user('王经理')
    const rep = await env.user('小李', { managerId: manager })
    env.rule({
      name: '7天未跟进', trigger: { type: 'inactivity', days: 7, activityForm: 'followUp' },
      condition: { filter: { field: 'stage', op: 'eq', value: 'initial' } },
      actions: [{ type: 'notify', to: { owner: true, manager: true }, title: '{{商机名称}} 已 7 天未跟进', body: '' }]
    })
    const opp = env.core.writes.create(env.actor, 'opportunity', { name: '海尔', stage: '初步接洽', owner: rep })
    env.clock.advance(5 * DAY)
    env.core.writes.create(env.actor, 'followUp', { subject: '拜访', opportunity: opp })
    env.clock.advance(5 * DAY)
    await env.core.scheduler.tick()
    expect(titles(env, rep)).toEqual([])
    env.clock.advance(2 * DAY + HOUR)
    await env.core.scheduler.tick()
    expect(titles(env, rep)).toEqual(['海尔 已 7 天未跟进'])
    expect(titles(env, manager)).toEqual(['海尔 已 7 天未跟进'])
    env.clock.advance(3 * DAY)
    await env.core.scheduler.tick()
    expect(titles(env, rep)).toHaveLength(1)
    env.core.writes.create(env.actor, 'followUp', { subject: '电话', opportunity: opp })
    env.clock.advance(8 * DAY)
    await env.core.scheduler.tick()
    expect(titles(env, rep)).toHaveLength(2)
  })

  it('inactivity: enabling a rule alerts about what went idle in the last 30 days, not about records quiet for months', async () => {
    env = await rulesCore()
    env.core.writes.create(env.actor, 'opportunity', { name: '半年没动', stage: '初步接洽' })
    env.clock.advance(150 * DAY)
    env.core.writes.create(env.actor, 'opportunity', { name: '最近闲置', stage: '初步接洽' })
    env.clock.advance(20 * DAY)
    env.rule({ name: '7天未跟进', trigger: { type: 'inactivity', days: 7, activityForm: 'followUp' }, actions: [notifyOwner('{{商机名称}} 未跟进')] })
    await env.core.scheduler.tick()
    expect(titles(env, env.actor.id)).toEqual(['最近闲置 未跟进'])
  })

  it('catches up after a simulated week offline, exactly once per (rule, record, period)', async () => {
    env = await rulesCore()
    env.clock.set(new Date(2024, 2, 1, 10, 0).getTime())
    env.rule({ name: '成交前一天', trigger: { type: 'dateRelative', field: 'closeDate', amount: 1, unit: 'day', direction: 'before' }, actions: [notifyOwner('明天成交 {{商机名称}}')] })
    for (let d = 3; d <= 6; d++) env.core.writes.create(env.actor, 'opportunity', { name: `O${d}`, closeDate: `2024-03-0${d}` })
    await env.core.scheduler.tick()
    const { dataDir, clock } = env
    env.core.close()
    clock.advance(7 * DAY) // the PC was off for a week
    const core = await Core.open({ dataDir, clock })
    try {
      await core.scheduler.start()
      await core.scheduler.stop()
      expect(core.notifications.list(env.actor.id).items.map((n) => n.title).sort()).toEqual(['明天成交 O3', '明天成交 O4', '明天成交 O5', '明天成交 O6'])
      clock.advance(2 * HOUR)
      await core.scheduler.tick()
      await core.rules.runTimed(core.rules.rule(1), clock.now())
      expect(core.notifications.unread(env.actor.id)).toBe(4)
    } finally {
      core.close()
    }
    // testCore's close removes the directory; the first core is closed already.
    env = { ...env, close: () => undefined } as Env
  })

  it('does not lose an event to a crash between the commit and the rule: the next start handles it, once', async () => {
    env = await rulesCore()
    env.rule({ name: '新商机提醒', trigger: { type: 'created' }, actions: [notifyOwner('新商机 {{商机名称}}')] })
    const outbox = (core: Core) => core.db.prepare('SELECT COUNT(*) FROM rule_outbox').pluck().get() as number
    // Delivered as usual: handled, and the outbox is emptied right after.
    env.core.writes.create(env.actor, 'opportunity', { name: '甲' })
    expect(titles(env, env.actor.id)).toEqual(['新商机 甲'])
    await new Promise((resolve) => setImmediate(resolve))
    expect(outbox(env.core)).toBe(0)
    // A rolled-back write leaves no event behind.
    expect(() => env.core.writes.bulkCreate(env.actor, 'opportunity', [{ name: '丙' }, { nope: 1 }])).toThrow()
    expect(outbox(env.core)).toBe(0)
    // The process dies after the commit, before the events are delivered.
    env.core.events.emit = () => undefined
    const yi = env.core.writes.create(env.actor, 'opportunity', { name: '乙' })
    expect(outbox(env.core)).toBe(1)
    const { dataDir, clock } = env
    env.core.close()
    const core = await Core.open({ dataDir, clock })
    try {
      await core.scheduler.start()
      await core.scheduler.stop()
      expect(core.notifications.list(env.actor.id).items.map((n) => n.title).sort()).toEqual(['新商机 乙', '新商机 甲'])
      expect(outbox(core)).toBe(0)
      // Handled twice (a crash after the rule, before the outbox row went): it still fires once.
      core.db.prepare('INSERT INTO rule_outbox (event, at) VALUES (?, ?)').run(JSON.stringify({ type: 'record.created', formId: env.opp.id, recordId: yi, fields: [], actorId: env.actor.id, at: clock.now() }), clock.now())
      expect(core.rules.recover()).toBe(1)
      expect(core.notifications.unread(env.actor.id)).toBe(2)
    } finally {
      core.close()
    }
    env = { ...env, close: () => undefined } as Env
  })
})
