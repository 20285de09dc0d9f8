import { afterEach, describe, expect, it } from 'vitest'
import { caught } from '../../support/core'
import { contractFlow, edge, flowEnv, node, single, type Env } from './helpers'

let env: Env
afterEach(() => env?.close())

const codes = (env: Env, graph: Parameters<Env['core']['flows']['save']>[0]['draft']) => {
  const flow = env.core.flows.create(env.admin, { name: 'x', form: env.formId, draft: graph })
  return env.core.flows.validate(flow.id, undefined, 'zh-CN').map((i) => [i.nodeId, i.code])
}

describe('validation before publishing', () => {
  it('accepts the contract flow', async () => {
    env = await flowEnv()
    expect(codes(env, contractFlow(env))).toEqual([])
  })

  it('names an unreachable node', async () => {
    env = await flowEnv()
    const g = single({ approvers: [{ type: 'users', ids: [env.users.director] }] })
    g.nodes.push(node('lost', 'approval', { approvers: [{ type: 'users', ids: [env.users.gm] }] }, '孤立节点'))
    g.edges.push(edge('lost', 'end'))
    expect(codes(env, g)).toEqual([['lost', 'unreachable']])
    const issues = env.core.flows.validate(env.core.flows.list()[0]!.id, undefined, 'zh-CN')
    expect(issues[0]!.message).toBe('节点“孤立节点”从发起节点走不到')
  })

  it('names a condition branch without a default', async () => {
    env = await flowEnv()
    const g = contractFlow(env)
    g.edges = g.edges.map((e) => (e.id === 'cond-dirBig' ? { ...e, isDefault: false, filter: { field: 'amount', op: 'gte', value: 50000 } } : e))
    expect(codes(env, g)).toEqual([['cond', 'conditionNoDefault']])
  })

  it('names a parallel split without a join', async () => {
    env = await flowEnv()
    const g = contractFlow(env)
    g.nodes = g.nodes.filter((n) => n.id !== 'join')
    g.edges = g.edges.filter((e) => e.target !== 'join' && e.source !== 'join')
    g.edges.push(edge('legal', 'end'), edge('gm', 'end'))
    expect(codes(env, g)).toEqual([['split', 'parallelWithoutJoin']])
  })

  it('names an approver source that resolves to nobody for some submitter', async () => {
    env = await flowEnv()
    // rep2 is moved out of any department and has no manager: "manager level 1" finds nobody for them.
    env.core.org.updateUser(env.admin.id, env.users.rep2, { departmentId: null })
    const issues = env.core.flows.validate(env.core.flows.create(env.admin, { name: 'x', form: env.formId, draft: single({ approvers: [{ type: 'manager', level: 1 }] }) }).id, undefined, 'zh-CN')
    expect(issues.map((i) => [i.nodeId, i.code])).toEqual([['a', 'resolvesToNobody']])
    expect(issues[0]!.message).toContain('李四')
    const emptyRole = env.core.org.createRole(env.admin.id, { name: '空角色' })
    expect(codes(env, single({ approvers: [{ type: 'roles', ids: [emptyRole.id] }] }))).toEqual([['a', 'resolvesToNobody']])
  })

  it('publishing an invalid graph is refused with the node; nothing is published', async () => {
    env = await flowEnv()
    const g = single({ approvers: [] })
    const flow = env.core.flows.create(env.admin, { name: 'x', form: env.formId, draft: g })
    const e = caught(() => env.core.flows.publish(env.admin, flow.id))
    expect(e.code).toBe('VALIDATION')
    expect(e.field).toBe('a')
    expect(env.core.flows.get(flow.id).publishedVersion).toBeNull()
  })
})
