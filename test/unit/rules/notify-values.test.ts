import { afterEach, describe, expect, it } from 'vitest'
import { rulesCore } from './support'

type Env = Awaited<ReturnType<typeof rulesCore>>

// A notification shows values as the app does (¥902,000.00, 2026年3月2日, 是), while a value a rule
// writes into a field keeps the stored text.

describe('rule notifications format values by field type', () => {
  let env: Env
  afterEach(() => env?.close())

  it('amounts, dates and yes/no in a notification; the raw value in an update', async () => {
    env = await rulesCore()
    env.rule({
      name: '大单提醒', trigger: { type: 'created' },
      actions: [
        { type: 'notify', to: { owner: true }, title: '大单 {{商机名称}}', body: '金额：{{amount}}，成交：{{closeDate}}，重要：{{important}}' },
        { type: 'update', set: [{ field: 'nextStep', value: '{{amount}}' }] }
      ]
    })
    const id = env.core.writes.create(env.actor, 'opportunity', { name: '美的', amount: 902000, closeDate: '2026-03-02', important: true })
    const [n] = env.core.notifications.list(env.actor.id).items
    expect(n).toMatchObject({ title: '大单 美的', body: '金额：¥902,000.00，成交：2026年3月2日，重要：是' })
    expect(env.core.reads.get(env.actor, 'opportunity', id).fields.nextStep).toBe('902000')
  })
})
