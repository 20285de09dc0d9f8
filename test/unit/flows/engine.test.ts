import { afterEach, describe, expect, it } from 'vitest'
import { Core } from '../../../src-main/core'
import type { FlowEvent } from '../../../src-main/events'
import { caught } from '../../support/core'
import { contractFlow, edge, flowEnv, node, single, type Env } from './helpers'

let env: Env
afterEach(() => env?.close())

describe('flow runtime', () => {
  it('routes a small contract to the director and a large one through director, then legal and GM in parallel', async () => {
    env = await flowEnv()
    const { core, users, as } = env
    const flowId = env.publish(contractFlow(env))
    const events: FlowEvent[] = []
    core.events.on((e) => { if (e.type === 'flow.finished') events.push(e) })

    const small = env.contract(users.rep, { name: '小合同', amount: 30000 })
    const i1 = core.flows.start(as(users.rep), { flowId, recordId: small })
    expect(i1.status).toBe('running')
    expect(i1.currentNodes).toEqual(['销售总监审批'])
    expect(env.status(small)).toBe('pending')
    const [t1] = env.pending(users.director)
    core.flows.approve(as(users.director), { taskId: t1!.id, comment: '同意' })
    expect(core.flows.summary(i1.id).status).toBe('approved')
    expect(env.status(small)).toBe('approved')
    expect(events.map((e) => [e.instanceId, e.outcome])).toEqual([[i1.id, 'approved']])

    const big = env.contract(users.rep, { name: '大合同', amount: 80000 })
    const i2 = core.flows.start(as(users.rep), { formId: env.formId, recordId: big })
    core.flows.approve(as(users.director), { taskId: env.pending(users.director)[0]!.id })
    expect(core.flows.summary(i2.id).currentNodes.sort()).toEqual(['总经理审批', '法务审批'])
    core.flows.approve(as(users.legal), { taskId: env.pending(users.legal)[0]!.id })
    expect(core.flows.summary(i2.id).status).toBe('running')
    expect(core.flows.summary(i2.id).currentNodes).toEqual(['总经理审批'])
    core.flows.approve(as(users.gm), { taskId: env.pending(users.gm)[0]!.id })
    const view = core.flows.instance(as(users.rep), i2.id)
    expect(view.status).toBe('approved')
    expect(view.visitedNodes).toEqual(['start', 'cond', 'dirBig', 'split', 'legal', 'gm', 'join', 'end'])
    expect(view.takenEdges).toContain('cond-dirBig')
    expect(view.takenEdges).not.toContain('cond-dirSmall')
    expect(view.history.map((h) => h.action)).toEqual(['submit', 'approve', 'approve', 'approve', 'finish'])
    expect(env.status(big)).toBe('approved')
  })

  it('rejects: the instance ends rejected, open tasks are cancelled, the record says 已驳回', async () => {
    env = await flowEnv()
    const { core, users, as } = env
    const flowId = env.publish(contractFlow(env))
    const id = env.contract(users.rep, { amount: 90000 })
    const inst = core.flows.start(as(users.rep), { flowId, recordId: id })
    core.flows.approve(as(users.director), { taskId: env.pending(users.director)[0]!.id })
    core.flows.reject(as(users.gm), { taskId: env.pending(users.gm)[0]!.id, comment: '价格太低' })
    expect(core.flows.summary(inst.id).status).toBe('rejected')
    expect(env.pending(users.legal)).toEqual([])
    expect(env.status(id)).toBe('rejected')
  })

  it('only the assignee of a pending task acts on it', async () => {
    env = await flowEnv()
    const { core, users, as } = env
    const flowId = env.publish(contractFlow(env))
    const inst = core.flows.start(as(users.rep), { flowId, recordId: env.contract(users.rep, { amount: 100 }) })
    const task = env.pending(users.director)[0]!
    expect(caught(() => core.flows.approve(as(users.rep), { taskId: task.id })).code).toBe('PERMISSION')
    expect(caught(() => core.flows.reject(as(users.legal), { taskId: task.id })).code).toBe('PERMISSION')
    core.flows.approve(as(users.director), { taskId: task.id })
    expect(caught(() => core.flows.approve(as(users.director), { taskId: task.id })).code).toBe('CONFLICT')
    expect(core.flows.summary(inst.id).status).toBe('approved')
  })

  it('modes: all (会签) waits for everyone, sequential (依次) opens one task at a time, ratio passes at the share', async () => {
    env = await flowEnv()
    const { core, users, as } = env
    const people = [users.director, users.legal, users.gm]
    const all = env.publish(single({ approvers: [{ type: 'users', ids: people }], mode: 'all' }), '会签')
    const i1 = core.flows.start(as(users.rep), { flowId: all, recordId: env.contract(users.rep, {}) })
    for (const u of people.slice(0, 2)) core.flows.approve(as(u), { taskId: env.pending(u)[0]!.id })
    expect(core.flows.summary(i1.id).status).toBe('running')
    core.flows.approve(as(users.gm), { taskId: env.pending(users.gm)[0]!.id })
    expect(core.flows.summary(i1.id).status).toBe('approved')

    const seq = env.publish(single({ approvers: [{ type: 'users', ids: people }], mode: 'sequential' }), '依次')
    const i2 = core.flows.start(as(users.rep), { flowId: seq, recordId: env.contract(users.rep, {}) })
    expect(env.pending(users.legal)).toEqual([])
    core.flows.approve(as(users.director), { taskId: env.pending(users.director)[0]!.id })
    expect(env.pending(users.gm)).toEqual([])
    core.flows.approve(as(users.legal), { taskId: env.pending(users.legal)[0]!.id })
    core.flows.approve(as(users.gm), { taskId: env.pending(users.gm)[0]!.id })
    expect(core.flows.summary(i2.id).status).toBe('approved')

    const ratio = env.publish(single({ approvers: [{ type: 'users', ids: people }], mode: 'ratio', ratio: 60 }), '比例')
    const i3 = core.flows.start(as(users.rep), { flowId: ratio, recordId: env.contract(users.rep, {}) })
    core.flows.reject(as(users.director), { taskId: env.pending(users.director)[0]!.id })
    expect(core.flows.summary(i3.id).status).toBe('running')
    core.flows.approve(as(users.legal), { taskId: env.pending(users.legal)[0]!.id })
    core.flows.approve(as(users.gm), { taskId: env.pending(users.gm)[0]!.id })
    expect(core.flows.summary(i3.id).status).toBe('approved')

    const any = env.publish(single({ approvers: [{ type: 'users', ids: people }], mode: 'any' }), '或签')
    const i4 = core.flows.start(as(users.rep), { flowId: any, recordId: env.contract(users.rep, {}) })
    core.flows.approve(as(users.gm), { taskId: env.pending(users.gm)[0]!.id })
    expect(core.flows.summary(i4.id).status).toBe('approved')
    expect(env.pending(users.director).filter((t) => t.instanceId === i4.id)).toEqual([])
  })

  it('resolves approvers from the manager chain, department head, a member field, roles and the submitter\'s choice', async () => {
    env = await flowEnv()
    const { core, users, as } = env
    const r = (sources: unknown[]) => core.flows.resolver.resolve(sources as never, { submitterId: users.rep, memberValue: (f) => (f === 'accountManager' ? users.rep2 : null), chosen: [users.legal] })
    expect(r([{ type: 'manager', level: 1 }])).toEqual([users.director])
    expect(r([{ type: 'manager', level: 2 }])).toEqual([users.gm])
    expect(r([{ type: 'deptHead', level: 1 }])).toEqual([users.director])
    expect(r([{ type: 'deptHead', level: 2 }])).toEqual([users.gm])
    expect(r([{ type: 'roles', ids: [env.roles.legal] }])).toEqual([users.legal])
    expect(r([{ type: 'field', field: 'accountManager' }])).toEqual([users.rep2])
    expect(r([{ type: 'chosen' }])).toEqual([users.legal])
    expect(r([{ type: 'submitter' }, { type: 'users', ids: [users.rep] }])).toEqual([users.rep])
    // The director heads sales: their own department head is the one above.
    expect(core.flows.resolver.resolve([{ type: 'deptHead', level: 1 }], { submitterId: users.director, memberValue: null, chosen: null })).toEqual([users.gm])

    const chosenFlow = env.publish(single({ approvers: [{ type: 'chosen' }] }), '自选')
    expect(core.flows.available(as(users.rep), env.formId).find((f) => f.id === chosenFlow)?.chooseNodes).toEqual([{ id: 'a', label: '审批' }])
    core.flows.start(as(users.rep), { flowId: chosenFlow, recordId: env.contract(users.rep, {}), chosen: { a: [users.legal] } })
    expect(env.pending(users.legal)).toHaveLength(1)
  })

  it('empty approvers follow the node policy: pass, reject, a named user, or the administrators', async () => {
    env = await flowEnv()
    const { core, users, as, admin } = env
    const nobody = [{ type: 'field', field: 'accountManager' }]
    const pass = env.publish(single({ approvers: nobody, emptyPolicy: 'pass' }), 'pass')
    expect(core.flows.start(as(users.rep), { flowId: pass, recordId: env.contract(users.rep, {}) }).status).toBe('approved')
    const reject = env.publish(single({ approvers: nobody, emptyPolicy: 'reject' }), 'reject')
    expect(core.flows.start(as(users.rep), { flowId: reject, recordId: env.contract(users.rep, {}) }).status).toBe('rejected')
    const user = env.publish(single({ approvers: nobody, emptyPolicy: 'user', emptyUserId: users.gm }), 'user')
    core.flows.start(as(users.rep), { flowId: user, recordId: env.contract(users.rep, {}) })
    expect(env.pending(users.gm)).toHaveLength(1)
    const toAdmin = env.publish(single({ approvers: nobody }), 'admin')
    const i = core.flows.start(as(users.rep), { flowId: toAdmin, recordId: env.contract(users.rep, {}) })
    expect(env.pending(admin.id).map((t) => t.instanceId)).toEqual([i.id])
  })

  it('return to the submitter, who edits and resubmits; return to an earlier node', async () => {
    env = await flowEnv()
    const { core, users, as } = env
    const flowId = env.publish(contractFlow(env))
    const id = env.contract(users.rep, { amount: 60000 })
    const inst = core.flows.start(as(users.rep), { flowId, recordId: id })
    core.flows.returnTo(as(users.director), { taskId: env.pending(users.director)[0]!.id, toNode: null, comment: '金额写错了' })
    expect(core.flows.summary(inst.id).status).toBe('returned')
    const resubmit = env.pending(users.rep)
    expect(resubmit.map((t) => t.kind)).toEqual(['resubmit'])
    // Returned: the submitter may edit their record again.
    core.writes.update(as(users.rep), env.formId, id, { amount: 20000 })
    core.flows.resubmit(as(users.rep), { instanceId: inst.id })
    expect(core.flows.summary(inst.id).currentNodes).toEqual(['销售总监审批'])

    const big = core.flows.start(as(users.rep), { flowId, recordId: env.contract(users.rep, { amount: 70000 }) })
    core.flows.approve(as(users.director), { taskId: env.pending(users.director).find((t) => t.instanceId === big.id)!.id })
    const gmTask = env.pending(users.gm)[0]!
    const view = core.flows.instance(as(users.gm), big.id)
    expect(view.returnTargets.map((t) => t.id)).toEqual(['dirBig'])
    core.flows.returnTo(as(users.gm), { taskId: gmTask.id, toNode: 'dirBig' })
    expect(core.flows.summary(big.id).currentNodes).toEqual(['销售总监审批（大额）'])
    expect(env.pending(users.legal)).toEqual([])
    expect(caught(() => core.flows.returnTo(as(users.director), { taskId: env.pending(users.director).find((t) => t.instanceId === big.id)!.id, toNode: 'gm' })).code).toBe('VALIDATION')
  })

  it('transfer hands the task over; add signer before and after', async () => {
    env = await flowEnv()
    const { core, users, as } = env
    const flowId = env.publish(single({ approvers: [{ type: 'users', ids: [users.director] }] }))
    const i1 = core.flows.start(as(users.rep), { flowId, recordId: env.contract(users.rep, {}) })
    core.flows.transfer(as(users.director), { taskId: env.pending(users.director)[0]!.id, toUserId: users.legal })
    expect(env.pending(users.director)).toEqual([])
    core.flows.approve(as(users.legal), { taskId: env.pending(users.legal)[0]!.id })
    expect(core.flows.summary(i1.id).status).toBe('approved')

    const i2 = core.flows.start(as(users.rep), { flowId, recordId: env.contract(users.rep, {}) })
    core.flows.addSigner(as(users.director), { taskId: env.pending(users.director)[0]!.id, userIds: [users.legal], position: 'before' })
    expect(env.pending(users.director)).toEqual([])
    core.flows.approve(as(users.legal), { taskId: env.pending(users.legal)[0]!.id })
    expect(env.pending(users.director)).toHaveLength(1)
    core.flows.addSigner(as(users.director), { taskId: env.pending(users.director)[0]!.id, userIds: [users.gm], position: 'after' })
    expect(core.flows.summary(i2.id).status).toBe('running')
    core.flows.approve(as(users.gm), { taskId: env.pending(users.gm)[0]!.id })
    expect(core.flows.summary(i2.id).status).toBe('approved')
  })

  it('withdraw until someone acted; urge; comment with attachments; batch approve reports each task', async () => {
    env = await flowEnv()
    const { core, users, as } = env
    const flowId = env.publish(single({ approvers: [{ type: 'users', ids: [users.director] }] }))
    const events: FlowEvent[] = []
    core.events.on((e) => { if (e.type === 'flow.finished') events.push(e) })
    const id = env.contract(users.rep, {})
    const i1 = core.flows.start(as(users.rep), { flowId, recordId: id })
    expect(caught(() => core.flows.withdraw(as(users.director), { instanceId: i1.id })).code).toBe('PERMISSION')
    expect(core.flows.urge(as(users.rep), { instanceId: i1.id })).toBe(1)
    expect(env.pending(users.director)[0]!.urgedAt).not.toBeNull()
    core.flows.withdraw(as(users.rep), { instanceId: i1.id })
    expect(core.flows.summary(i1.id).status).toBe('withdrawn')
    expect(env.status(id)).toBe('none')
    expect(events.at(-1)?.outcome).toBe('withdrawn')

    const i2 = core.flows.start(as(users.rep), { flowId, recordId: id })
    const file = core.attachments.put('报价.txt', 'text/plain', Buffer.from('报价').toString('base64'), users.director)
    core.flows.comment(as(users.director), { instanceId: i2.id, comment: '请补充报价单', attachments: [{ hash: file.hash, name: file.name }] })
    expect(caught(() => core.flows.comment(as(users.rep2), { instanceId: i2.id, comment: '看看' })).code).toBe('NOT_FOUND')
    expect(caught(() => core.flows.comment(as(users.rep), { instanceId: i2.id, comment: 'x', attachments: [{ hash: 'deadbeefdeadbeef', name: 'x' }] })).code).toBe('VALIDATION')
    const c = core.flows.instance(as(users.rep), i2.id).history.find((h) => h.action === 'comment')!
    expect(c.attachments).toEqual([{ hash: file.hash, name: '报价.txt' }])
    core.flows.approve(as(users.director), { taskId: env.pending(users.director)[0]!.id })
    expect(caught(() => core.flows.withdraw(as(users.rep), { instanceId: i2.id })).code).toBe('CONFLICT')

    const i3 = core.flows.start(as(users.rep), { flowId, recordId: env.contract(users.rep, {}) })
    const i4 = core.flows.start(as(users.rep), { flowId, recordId: env.contract(users.rep, {}) })
    const ids = env.pending(users.director).map((t) => t.id)
    const results = core.flows.batchApprove(as(users.director), { taskIds: [...ids, 999999] })
    expect(results.map((r) => r.ok)).toEqual([true, true, false])
    expect([i3, i4].map((i) => core.flows.summary(i.id).status)).toEqual(['approved', 'approved'])
  })

  it('fill-in, CC and automatic actions: the assignee fills required fields; CC lands under 抄送我; the action updates and creates records', async () => {
    env = await flowEnv()
    const { core, users, as, admin } = env
    const tasks = t_form(env)
    const graph = {
      nodes: [
        node('start', 'start'),
        node('fill', 'fillin', { approvers: [{ type: 'users', ids: [users.legal] }], fieldPerms: { legalNote: 'required', cost: 'hidden' } }, '法务填写'),
        node('cc', 'cc', { approvers: [{ type: 'users', ids: [users.gm] }] }, '抄送总经理'),
        node('act', 'action', { kind: 'update', values: [{ field: 'note', from: 'template', value: '已审：{name}' }] }, '更新备注'),
        node('mk', 'action', { kind: 'create', form: 'legalTask', values: [{ field: 'title', from: 'template', value: '法务审核：{title}' }, { field: 'contract', from: 'record' }] }, '新建任务'),
        node('end', 'end')
      ],
      edges: [edge('start', 'fill'), edge('fill', 'cc'), edge('cc', 'act'), edge('act', 'mk'), edge('mk', 'end')]
    }
    const flowId = env.publish(graph)
    const id = env.contract(users.rep, { name: '云服务合同', cost: 5 })
    const inst = core.flows.start(as(users.rep), { flowId, recordId: id })
    const task = env.pending(users.legal)[0]!
    expect(task.kind).toBe('fillin')
    // What the record page may offer meanwhile: the submitter waits (nothing), the administrator is not restricted.
    expect(core.flows.recordStatus(as(users.rep), env.formId, id)?.editable).toEqual([])
    expect(core.flows.recordStatus(admin, env.formId, id)?.editable).toBeNull()
    const view = core.flows.instance(as(users.legal), inst.id)
    expect(view.record?.fields).not.toHaveProperty('cost')
    expect(view.fieldPerms).toEqual({ legalNote: 'required', cost: 'hidden' })
    expect(caught(() => core.flows.approve(as(users.legal), { taskId: task.id })).field).toBe('legalNote')
    expect(caught(() => core.flows.approve(as(users.legal), { taskId: task.id, fields: { amount: 1 } })).field).toBe('amount')
    core.flows.approve(as(users.legal), { taskId: task.id, fields: { legalNote: '条款无误' } })
    expect(core.flows.summary(inst.id).status).toBe('approved')
    const rec = core.reads.get(admin, env.formId, id).fields
    expect(rec['legalNote']).toBe('条款无误')
    expect(rec['note']).toBe('已审：云服务合同')
    // The approver's edit is logged as theirs (修改人 too); the automatic action's as the system's.
    const noteField = core.schema.form(env.formId).byKey.get('legalNote')!.id
    const log = core.db.prepare("SELECT actor_id, changes FROM change_log WHERE form_id = ? AND record_id = ? AND op = 'update' ORDER BY id").all(env.formId, id) as Array<{ actor_id: number | null; changes: string }>
    expect(log.find((e) => String(noteField) in JSON.parse(e.changes))?.actor_id).toBe(users.legal)
    expect(log.find((e) => e.changes.includes('已审：'))?.actor_id).toBeNull()
    const created = core.reads.list(admin, { form: tasks, limit: 10 }).records
    expect(created.map((r) => r.fields['title'])).toEqual(['法务审核：云服务合同'])
    const cc = core.flows.todo(as(users.gm), { tab: 'cc', limit: 10, offset: 0 })
    expect(cc.tasks.map((t) => t.status)).toEqual(['unread'])
    expect(core.flows.counts(as(users.gm)).cc).toBe(1)
    core.flows.markRead(as(users.gm), cc.tasks[0]!.id)
    expect(core.flows.counts(as(users.gm)).cc).toBe(0)
  })

  it('while in a flow the record follows the node\'s field permissions; nobody deletes it', async () => {
    env = await flowEnv()
    const { core, users, as } = env
    const flowId = env.publish(contractFlow(env))
    const id = env.contract(users.rep, { amount: 80000 })
    core.flows.start(as(users.rep), { flowId, recordId: id })
    expect(caught(() => core.writes.update(as(users.rep), env.formId, id, { amount: 1 })).messageKey).toBe('flows.error.recordInFlow')
    expect(caught(() => core.writes.delete(as(users.rep), env.formId, [id])).code).toBe('CONFLICT')
    core.flows.approve(as(users.director), { taskId: env.pending(users.director)[0]!.id })
    // Legal's node: legalNote editable, the rest locked.
    core.org.setPermission(env.admin.id, env.roles.legal, { formId: env.formId, actions: ['view', 'edit'], scope: 'all', fieldRules: {} })
    // The record page offers legal exactly that field.
    expect(core.flows.recordStatus(as(users.legal), env.formId, id)?.editable).toEqual(['legalNote'])
    core.writes.update(as(users.legal), env.formId, id, { legalNote: '同意' })
    expect(caught(() => core.writes.update(as(users.legal), env.formId, id, { amount: 2 })).messageKey).toBe('flows.error.fieldLocked')
    core.flows.approve(as(users.legal), { taskId: env.pending(users.legal)[0]!.id })
    core.flows.approve(as(users.gm), { taskId: env.pending(users.gm)[0]!.id })
    core.writes.update(as(users.rep), env.formId, id, { note: '归档' })
  })

  it('a published version is immutable: running instances finish on their version', async () => {
    env = await flowEnv()
    const { core, users, as, admin } = env
    const flowId = env.publish(single({ approvers: [{ type: 'users', ids: [users.director] }] }))
    const i1 = core.flows.start(as(users.rep), { flowId, recordId: env.contract(users.rep, {}) })
    core.flows.save({ id: flowId, draft: single({ approvers: [{ type: 'users', ids: [users.gm] }] }) })
    expect(core.flows.get(flowId).dirty).toBe(true)
    expect(core.flows.publish(admin, flowId).version).toBe(2)
    const i2 = core.flows.start(as(users.rep), { flowId, recordId: env.contract(users.rep, {}) })
    expect(env.pending(users.director).map((t) => t.instanceId)).toEqual([i1.id])
    expect(env.pending(users.gm).map((t) => t.instanceId)).toEqual([i2.id])
    expect(core.flows.instance(as(users.rep), i1.id).version).toBe(1)
  })

  it('a flow whose start trigger is "submit" starts when a record is created', async () => {
    env = await flowEnv()
    const { core, users } = env
    const g = single({ approvers: [{ type: 'users', ids: [users.director] }] })
    g.nodes[0]!.config = { trigger: 'submit' }
    env.publish(g)
    const id = env.contract(users.rep, {})
    expect(core.flows.recordStatus(env.admin, env.formId, id)?.status).toBe('running')
    expect(env.status(id)).toBe('pending')
  })

  it('which flows start on a new record follows publishing and disabling, though it is remembered between records', async () => {
    env = await flowEnv()
    const { core, users } = env
    const before = env.contract(users.rep, {})
    expect(core.flows.recordStatus(env.admin, env.formId, before)).toBeNull()
    const g = single({ approvers: [{ type: 'users', ids: [users.director] }] })
    g.nodes[0]!.config = { trigger: 'submit' }
    const flowId = env.publish(g)
    const during = env.contract(users.rep, {})
    expect(core.flows.recordStatus(env.admin, env.formId, during)?.status).toBe('running')
    core.flows.save({ id: flowId, enabled: false })
    const after = env.contract(users.rep, {})
    expect(core.flows.recordStatus(env.admin, env.formId, after)).toBeNull()
  })

  it('resumes exactly after the core is closed and reopened mid-flow', async () => {
    env = await flowEnv()
    const { users, as, dataDir, clock } = env
    const flowId = env.publish(contractFlow(env))
    const inst = env.core.flows.start(as(users.rep), { flowId, recordId: env.contract(users.rep, { amount: 90000 }) })
    env.core.flows.approve(as(users.director), { taskId: env.pending(users.director)[0]!.id })
    env.core.flows.approve(as(users.legal), { taskId: env.pending(users.legal)[0]!.id })
    env.core.close()
    const reopened = await Core.open({ dataDir, clock })
    env.core = reopened
    const todo = reopened.flows.todo(as(users.gm), { tab: 'todo', limit: 10, offset: 0 }).tasks
    expect(todo.map((t) => t.nodeId)).toEqual(['gm'])
    reopened.flows.approve(as(users.gm), { taskId: todo[0]!.id })
    const view = reopened.flows.instance(as(users.rep), inst.id)
    expect(view.status).toBe('approved')
    expect(view.visitedNodes).toEqual(['start', 'cond', 'dirBig', 'split', 'legal', 'gm', 'join', 'end'])
  })
})

describe('deadlines', () => {
  const HOUR = 3600_000
  it('remind, auto-approve, auto-return and escalate, once each, caught up after a restart', async () => {
    env = await flowEnv()
    const { users, as, dataDir, clock } = env
    const flows = {
      remind: env.publish(single({ approvers: [{ type: 'users', ids: [users.director] }], deadline: { kind: 'duration', hours: 24, action: 'remind' } }), 'remind'),
      approve: env.publish(single({ approvers: [{ type: 'users', ids: [users.director] }], deadline: { kind: 'duration', hours: 48, action: 'approve' } }), 'approve'),
      ret: env.publish(single({ approvers: [{ type: 'users', ids: [users.director] }], deadline: { kind: 'field', field: 'signedOn', hours: 0, action: 'return' } }), 'return'),
      escalate: env.publish(single({ approvers: [{ type: 'users', ids: [users.rep2] }], deadline: { kind: 'duration', hours: 2, action: 'escalate' } }), 'escalate')
    }
    const start = (flowId: number, fields: Record<string, unknown> = {}) => env.core.flows.start(as(users.rep), { flowId, recordId: env.contract(users.rep, fields) }).id
    const r = start(flows.remind)
    const a = start(flows.approve)
    const ret = start(flows.ret, { signedOn: '2024-03-07' })
    const e = start(flows.escalate)
    expect(env.core.flows.processDue(clock.now())).toBe(0)
    // The PC is off for three days: the core is closed, time passes, the core reopens.
    env.core.close()
    clock.advance(72 * HOUR)
    const core = await Core.open({ dataDir, clock })
    env.core = core
    expect(core.flows.processDue(clock.now())).toBe(4)
    expect(core.flows.processDue(clock.now())).toBe(0)
    const actions = (id: number) => core.flows.instance(env.admin, id).history.map((h) => h.action)
    expect(actions(r)).toContain('overdueRemind')
    expect(core.flows.summary(r).status).toBe('running')
    expect(core.flows.summary(a).status).toBe('approved')
    expect(actions(a)).toContain('autoApprove')
    expect(core.flows.summary(ret).status).toBe('returned')
    // rep2's manager chain: no manager, so the sales department head (the director).
    expect(core.flows.todo(as(users.director), { tab: 'todo', limit: 10, offset: 0 }).tasks.map((t) => t.instanceId)).toContain(e)
    expect(actions(e)).toContain('escalate')
  })

  it('the scheduler sweep runs the deadlines', async () => {
    env = await flowEnv()
    const { core, users, as, clock } = env
    const flowId = env.publish(single({ approvers: [{ type: 'users', ids: [users.director] }], deadline: { kind: 'duration', hours: 1, action: 'approve' } }))
    const inst = core.flows.start(as(users.rep), { flowId, recordId: env.contract(users.rep, {}) })
    clock.advance(2 * HOUR)
    await core.scheduler.tick()
    expect(core.flows.summary(inst.id).status).toBe('approved')
  })
})

function t_form(env: Env): number {
  const f = env.core.schema.createForm({ appId: env.app.id, label: '任务', apiKey: 'legalTask', fields: [
    { label: '标题', apiKey: 'title', type: 'text' },
    { label: '合同', apiKey: 'contract', type: 'relation', config: { targetFormId: env.formId } }
  ] })
  return f.id
}
