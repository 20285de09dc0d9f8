import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DomainError } from '../../../src-main/shared/errors'
import { contractFlow, flowEnv, single, type Env } from './helpers'

// Random sequences of actions by random users on random tasks never leave an instance in an
// invalid state, never let someone act on a task that is not their pending one, and a refused
// action changes nothing.

let env: Env
beforeAll(async () => {
  env = await flowEnv()
})
afterAll(() => env.close())

type Op = { kind: 'approve' | 'reject' | 'returnSubmitter' | 'returnNode' | 'transfer' | 'signBefore' | 'signAfter' | 'withdraw' | 'resubmit' | 'urge'; user: number; pick: number; other: number }

function snapshot() {
  return JSON.stringify([
    env.core.db.prepare('SELECT id, status, state, acted FROM flow_instances ORDER BY id').all(),
    env.core.db.prepare('SELECT id, status, assignee_id, blocked_by FROM flow_tasks ORDER BY id').all()
  ])
}

function checkInvariants() {
  const instances = env.core.db.prepare('SELECT * FROM flow_instances').all() as Array<{ id: number; status: string; state: string }>
  for (const inst of instances) {
    const state = JSON.parse(inst.state) as { active: string[] }
    const open = env.core.db.prepare("SELECT node_id, kind, status FROM flow_tasks WHERE instance_id = ? AND status IN ('pending', 'waiting')").all(inst.id) as Array<{ node_id: string; kind: string; status: string }>
    if (inst.status === 'running') {
      expect(state.active.length).toBeGreaterThan(0)
      expect(open.some((t) => t.status === 'pending' && t.kind !== 'resubmit')).toBe(true)
      for (const t of open) expect(state.active).toContain(t.node_id)
    } else if (inst.status === 'returned') {
      expect(state.active).toEqual([])
      expect(open.map((t) => [t.kind, t.status])).toEqual([['resubmit', 'pending']])
    } else {
      expect(['approved', 'rejected', 'withdrawn']).toContain(inst.status)
      expect(state.active).toEqual([])
      expect(open).toEqual([])
    }
  }
}

describe('random action sequences', () => {
  it('keep every instance valid and only let assignees act', () => {
    const { core, users, as } = env
    const people = [users.rep, users.rep2, users.director, users.legal, users.gm]
    const contract = env.publish(contractFlow(env), '合同')
    const all = env.publish(single({ approvers: [{ type: 'users', ids: [users.director, users.legal] }], mode: 'sequential' }), '依次')
    const opArb = fc.record({
      kind: fc.constantFrom('approve', 'reject', 'returnSubmitter', 'returnNode', 'transfer', 'signBefore', 'signAfter', 'withdraw', 'resubmit', 'urge'),
      user: fc.constantFrom(...people),
      pick: fc.nat(50),
      other: fc.constantFrom(...people)
    }) as fc.Arbitrary<Op>
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 5, maxLength: 40 }), fc.boolean(), (ops, big) => {
        const inst = core.flows.start(as(users.rep), { flowId: big ? contract : all, recordId: env.contract(users.rep, { amount: big ? 90000 : 1000 }) })
        for (const op of ops) {
          const tasks = core.db.prepare('SELECT * FROM flow_tasks WHERE instance_id = ? ORDER BY id').all(inst.id) as Array<{ id: number; assignee_id: number; status: string; kind: string; node_id: string }>
          const task = tasks[op.pick % Math.max(tasks.length, 1)]
          const before = snapshot()
          const mine = !!task && task.assignee_id === op.user && task.status === 'pending'
          try {
            const actor = as(op.user)
            const taskId = task?.id ?? 999999
            switch (op.kind) {
              case 'approve': core.flows.approve(actor, { taskId }); break
              case 'reject': core.flows.reject(actor, { taskId }); break
              case 'returnSubmitter': core.flows.returnTo(actor, { taskId, toNode: null }); break
              case 'returnNode': core.flows.returnTo(actor, { taskId, toNode: 'dirBig' }); break
              case 'transfer': core.flows.transfer(actor, { taskId, toUserId: op.other }); break
              case 'signBefore': core.flows.addSigner(actor, { taskId, userIds: [op.other], position: 'before' }); break
              case 'signAfter': core.flows.addSigner(actor, { taskId, userIds: [op.other], position: 'after' }); break
              case 'withdraw': core.flows.withdraw(actor, { instanceId: inst.id }); break
              case 'resubmit': core.flows.resubmit(actor, { instanceId: inst.id }); break
              case 'urge': core.flows.urge(actor, { instanceId: inst.id }); break
            }
            // A task action went through: it was the actor's own pending task.
            if (!['withdraw', 'resubmit', 'urge'].includes(op.kind)) expect(mine).toBe(true)
            else expect(op.user).toBe(users.rep)
          } catch (e) {
            if (!(e instanceof DomainError)) throw e
            expect(snapshot()).toBe(before)
          }
          checkInvariants()
        }
      }),
      { numRuns: 60 }
    )
  })
})
