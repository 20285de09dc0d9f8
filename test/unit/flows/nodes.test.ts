import { afterEach, describe, expect, it } from 'vitest'
import { edge, flowEnv, node, type Env } from './helpers'

// Node types one by one where the runtime test does not already pin them: an end that rejects,
// a condition by formula, a join behind branches of different lengths, and a CC that never waits.

let env: Env
afterEach(() => env?.close())

describe('node types', () => {
  it('an end node set to 审批驳回 finishes the instance rejected', async () => {
    env = await flowEnv()
    const { core, users, as } = env
    const flowId = env.publish({
      nodes: [node('start', 'start'), node('cond', 'condition'), node('no', 'end', { outcome: 'rejected' }, '金额为零不受理'), node('yes', 'end')],
      edges: [edge('start', 'cond'), edge('cond', 'no', { formula: '{合同金额} = 0', order: 1 }), edge('cond', 'yes', { isDefault: true, order: 2 })]
    })
    const zero = env.contract(users.rep, { amount: 0 })
    const some = env.contract(users.rep, { amount: 10 })
    expect(core.flows.start(as(users.rep), { flowId, recordId: zero }).status).toBe('rejected')
    expect(env.status(zero)).toBe('rejected')
    expect(core.flows.start(as(users.rep), { flowId, recordId: some }).status).toBe('approved')
  })

  it('a join waits for every live branch, also when one branch skips its approval by a condition', async () => {
    env = await flowEnv()
    const { core, users, as } = env
    const flowId = env.publish({
      nodes: [
        node('start', 'start'), node('split', 'parallel'),
        node('legal', 'approval', { approvers: [{ type: 'users', ids: [users.legal] }] }),
        node('check', 'condition'),
        node('gm', 'approval', { approvers: [{ type: 'users', ids: [users.gm] }] }),
        node('join', 'join'),
        node('after', 'approval', { approvers: [{ type: 'users', ids: [users.director] }] }),
        node('end', 'end')
      ],
      edges: [
        edge('start', 'split'), edge('split', 'legal'), edge('split', 'check'),
        edge('check', 'gm', { filter: { field: 'amount', op: 'gte', value: 100000 }, order: 1 }),
        edge('check', 'join', { isDefault: true, order: 2 }),
        edge('legal', 'join'), edge('gm', 'join'), edge('join', 'after'), edge('after', 'end')
      ]
    })
    // Small: the condition goes straight to the join, which still waits for legal.
    const small = core.flows.start(as(users.rep), { flowId, recordId: env.contract(users.rep, { amount: 10 }) })
    expect(core.flows.summary(small.id).currentNodes).toEqual(['legal'])
    core.flows.approve(as(users.legal), { taskId: env.pending(users.legal)[0]!.id })
    expect(core.flows.summary(small.id).currentNodes).toEqual(['after'])
    // Large: legal first, then the GM; the join continues once, after both.
    const large = core.flows.start(as(users.rep), { flowId, recordId: env.contract(users.rep, { amount: 200000 }) })
    expect(core.flows.summary(large.id).currentNodes.sort()).toEqual(['gm', 'legal'])
    core.flows.approve(as(users.legal), { taskId: env.pending(users.legal)[0]!.id })
    expect(core.flows.summary(large.id).currentNodes).toEqual(['gm'])
    core.flows.approve(as(users.gm), { taskId: env.pending(users.gm)[0]!.id })
    expect(core.flows.summary(large.id).currentNodes).toEqual(['after'])
    expect(env.pending(users.director).filter((t) => t.instanceId === large.id)).toHaveLength(1)
    const visits = core.flows.instance(env.admin, large.id).visitedNodes
    expect(visits.filter((n) => n === 'join')).toHaveLength(1)
  })

  it('a CC node copies and moves on at once', async () => {
    env = await flowEnv()
    const { core, users, as } = env
    const flowId = env.publish({
      nodes: [node('start', 'start'), node('cc', 'cc', { approvers: [{ type: 'roles', ids: [env.roles.legal] }, { type: 'manager', level: 2 }] }), node('end', 'end')],
      edges: [edge('start', 'cc'), edge('cc', 'end')]
    })
    const inst = core.flows.start(as(users.rep), { flowId, recordId: env.contract(users.rep, {}) })
    expect(inst.status).toBe('approved')
    for (const u of [users.legal, users.gm]) expect(core.flows.todo(as(u), { tab: 'cc', limit: 10, offset: 0 }).tasks.map((t) => t.instanceId)).toEqual([inst.id])
    expect(core.flows.counts(as(users.legal))).toMatchObject({ todo: 0, cc: 1 })
  })
})

describe('notifications', () => {
  it('assignees hear of their tasks and urges, the submitter of the outcome, in the notification center', async () => {
    env = await flowEnv()
    const { core, users, as } = env
    const flowId = env.publish({
      nodes: [node('start', 'start'), node('a', 'approval', { approvers: [{ type: 'users', ids: [users.director, users.legal] }], mode: 'sequential' }, '审批'), node('end', 'end')],
      edges: [edge('start', 'a'), edge('a', 'end')]
    })
    const inst = core.flows.start(as(users.rep), { flowId, recordId: env.contract(users.rep, { name: '云栖合同' }) })
    const titles = (u: number) => core.notifications.list(u).items.map((n) => n.title)
    expect(titles(users.director)).toEqual(['待审批：云栖合同'])
    // Sequential: legal is told when their turn comes, not before.
    expect(titles(users.legal)).toEqual([])
    core.flows.urge(as(users.rep), { instanceId: inst.id })
    expect(titles(users.director)).toEqual(['催办：云栖合同', '待审批：云栖合同'])
    core.flows.approve(as(users.director), { taskId: env.pending(users.director)[0]!.id })
    expect(titles(users.legal)).toEqual(['待审批：云栖合同'])
    core.flows.approve(as(users.legal), { taskId: env.pending(users.legal)[0]!.id })
    expect(titles(users.rep)).toEqual(['审批已通过：云栖合同'])
  })
})
