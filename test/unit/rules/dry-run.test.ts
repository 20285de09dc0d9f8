import { afterEach, describe, expect, it } from 'vitest'
import { dryRun } from '../../../src-main/rules/dry-run'
import { DAY, rulesCore } from './support'

type Env = Awaited<ReturnType<typeof rulesCore>>

describe('rule dry run', () => {
  let env: Env
  afterEach(() => env?.close())

  it('a draft record rule: records matching now, and what it would have done over the last N days from the change log', async () => {
    env = await rulesCore()
    const a = env.core.writes.create(env.actor, 'opportunity', { name: '甲', stage: '初步接洽' })
    env.clock.advance(DAY)
    const b = env.core.writes.create(env.actor, 'opportunity', { name: '乙', stage: '赢单' })
    env.core.writes.update(env.actor, 'opportunity', a, { stage: '需求分析' })
    env.clock.advance(40 * DAY)
    const c = env.core.writes.create(env.actor, 'opportunity', { name: '丙', stage: '需求分析' })
    const rule = { name: '草稿', form: 'opportunity', trigger: { type: 'created' as const }, condition: { filter: { field: 'stage', op: 'eq' as const, value: 'needs' } }, actions: [{ type: 'notify' as const, to: { owner: true }, title: 't' }] }
    const result = await dryRun(env.core.rules, { rule, days: 30 })
    expect(result.now.map((r) => r.title)).toEqual(['丙', '甲'])
    expect(result.history.map((h) => [h.id, h.event])).toEqual([[c, 'create']])
    const longer = await dryRun(env.core.rules, { rule: { ...rule, trigger: { type: 'updated', fields: ['stage'], to: 'needs' } }, days: 60 })
    expect(longer.history.map((h) => h.id)).toEqual([a])
    expect(b).toBeGreaterThan(0)
    // Nothing was done or marked.
    expect(env.core.notifications.unread(env.actor.id)).toBe(0)
    expect(env.core.db.prepare('SELECT COUNT(*) FROM rule_fired').pluck().get()).toBe(0)
  })

  it('a time-based rule lists what is due now without writing scan state', async () => {
    env = await rulesCore()
    env.rule({ name: '7天', enabled: false, trigger: { type: 'inactivity', days: 7, activityForm: 'followUp' }, actions: [{ type: 'notify', to: { owner: true }, title: 'x', body: '' }] })
    const idle = env.core.writes.create(env.actor, 'opportunity', { name: '闲置' })
    env.clock.advance(5 * DAY)
    env.core.writes.create(env.actor, 'opportunity', { name: '新的' })
    env.clock.advance(3 * DAY)
    const result = await dryRun(env.core.rules, { id: 1, days: 30 })
    expect(result.now).toEqual([{ id: idle, title: '闲置' }])
    expect(env.core.db.prepare('SELECT COUNT(*) FROM rule_state').pluck().get()).toBe(0)
  })
})
