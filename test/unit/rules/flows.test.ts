import { afterEach, describe, expect, it } from 'vitest'
import { flowEnv, single, type Env } from '../flows/helpers'

describe('rules and approval flows', () => {
  let env: Env
  afterEach(() => env?.close())

  it('start a flow: a big contract goes to approval, submitted by its owner; flow finished (approved) fires a rule', async () => {
    env = await flowEnv()
    const flowId = env.publish(single({ approvers: [{ type: 'users', ids: [env.users.director] }], mode: 'any' }))
    env.core.rules.create({ name: '大额合同送审', form: env.formId, enabled: true, trigger: { type: 'created' }, condition: { filter: { field: 'amount', op: 'gte', value: 100000 } }, actions: [{ type: 'startFlow', flow: flowId }] }, env.admin.id)
    env.core.rules.create({ name: '审批通过通知', form: env.formId, enabled: true, trigger: { type: 'flowFinished', outcome: 'approved' }, actions: [{ type: 'notify', to: { owner: true }, title: '合同「{{合同名称}}」审批通过', body: '' }] }, env.admin.id)
    const small = env.contract(env.users.rep, { name: '小合同', amount: 5000 })
    const big = env.contract(env.users.rep, { name: '大合同', amount: 500000 })
    expect(env.status(small)).toBeNull()
    expect(env.status(big)).toBe('pending')
    const task = env.pending(env.users.director)[0]!
    expect(task.submitter?.id).toBe(env.users.rep)
    env.core.flows.approve(env.as(env.users.director), { taskId: task.id })
    expect(env.status(big)).toBe('approved')
    // The rule's notification, beside the flow's own outcome notice to the submitter.
    expect(env.core.notifications.list(env.users.rep).items.map((n) => n.title)).toContain('合同「大合同」审批通过')
  })
})
