import { afterEach, describe, expect, it } from 'vitest'
import { flowEnv, node, edge, type Env } from './helpers'

// The approval view shows who approves by name: the instance names the users and roles its
// graph refers to by id, for every participant (not only those allowed to list roles).

describe('flow instance names', () => {
  let env: Env
  afterEach(() => env?.close())

  it('names the roles and users of the approver sources', async () => {
    env = await flowEnv()
    const { users } = env
    const flowId = env.publish({
      nodes: [
        node('start', 'start'),
        node('legal', 'approval', { approvers: [{ type: 'roles', ids: [env.roles.legal] }], mode: 'any' }, '法务审批'),
        node('gm', 'approval', { approvers: [{ type: 'users', ids: [users.gm] }], mode: 'all' }, '总经理审批'),
        node('end', 'end')
      ],
      edges: [edge('start', 'legal'), edge('legal', 'gm'), edge('gm', 'end')]
    })
    const inst = env.core.flows.start(env.as(users.rep), { flowId, recordId: env.contract(users.rep, { amount: 902000 }) })
    const view = env.core.flows.instance(env.as(users.rep), inst.id)
    expect(view.names).toEqual({ users: { [String(users.gm)]: '王总' }, roles: { [String(env.roles.legal)]: '法务' } })
  })
})
