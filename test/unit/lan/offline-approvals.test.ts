import { describe, expect, it } from 'vitest'
import type { Actor } from '../../../src-main/access/actor'
import type { InstanceDto, TaskDto } from '../../../src-main/shared/api/flows'
import type { ConflictDto } from '../../../src-main/shared/api/sync'
import { data, officeWithLaptops, until } from '../../support/office-laptops'

// Approvals taken offline on a desktop client (issue 18), against a real office host on loopback
// with the sample data: 吴海燕 (销售经理) signs in on a paired laptop; the replica keeps her open
// to-dos (sync.pull's todos). The office goes away: the 待办 center lists them from the replica,
// opening one shows its instance, approve (with a comment and the node's fill-in field, checked
// offline) and reject queue `approval` operations (pending in the window's sync event), the to-do
// leaves the list. The office comes back: the instance moves on as if she had acted there. A task
// handed to a colleague from her desk PC meanwhile is refused into her 冲突 inbox with the reason,
// the decision and the comment she typed.

const { office, shareOn, clientPc, pair, signIn, userId } = officeWithLaptops()

const actorOf = (login: string): Actor => ({ id: userId(login), name: login, isAdmin: false, locale: 'zh-CN' })
type TodoPage = { tasks: TaskDto[]; total: number }

/** 张伟 submits one of his records for approval at the office (the flow of that form); answers the manager's task. */
function submit(form: 'quote' | 'opportunity', fields: Record<string, unknown>): { recordId: number; instanceId: number; taskId: number } {
  const core = office.host.core
  const zhang = actorOf('zhangwei')
  const recordId = core.writes.create(zhang, form, fields)
  const flowId = core.db.prepare('SELECT id FROM flows WHERE form_id = ? AND published_version_id IS NOT NULL ORDER BY id LIMIT 1').pluck().get(core.schema.form(form).id) as number
  const instanceId = core.flows.start(zhang, { flowId, recordId }).id
  const task = core.flows.todo(actorOf('wuhaiyan'), { tab: 'todo', limit: 200, offset: 0 }).tasks.find((t) => t.instanceId === instanceId)
  expect(task, `${form}: a to-do of 吴海燕`).toBeTruthy()
  return { recordId, instanceId, taskId: task!.id }
}

describe('approvals taken offline on the laptop', () => {
  it('吴海燕 approves and rejects offline from the replica; back, the office applies them', async () => {
    const quote = submit('quote', { title: '离线审批的报价', quotedOn: '2026-12-01' })
    const rejected = submit('quote', { title: '离线拒绝的报价', quotedOn: '2026-12-01' })
    const big = submit('opportunity', { name: '离线评审的大商机', amount: 500_000 })
    const pc = await clientPc()
    await pair(pc)
    await signIn(pc, 'wuhaiyan')
    const online = data<TodoPage>(await pc.bridge.invoke(1, 'flows.todo', { tab: 'todo', limit: 200, offset: 0 }))
    const kept = pc.bridge.replicaSession!.client.todos()
    expect(kept.map((t) => t.task.id)).toEqual(online.tasks.map((t) => t.id))
    expect(kept.find((t) => t.task.id === big.taskId)!.instance.fieldPerms).toMatchObject({ nextStep: 'editable' })

    await office.share.shutdown()
    await until(() => pc.bridge.snapshot().connection.status, (s) => s === 'unreachable')
    // The 待办 center from the replica: the same list, a search, the badge.
    const list = data<TodoPage>(await pc.bridge.invoke(1, 'flows.todo', { tab: 'todo', limit: 200, offset: 0 }, 'zh-CN'))
    expect(list.tasks.map((t) => t.id)).toEqual(online.tasks.map((t) => t.id))
    expect(data<TodoPage>(await pc.bridge.invoke(1, 'flows.todo', { tab: 'todo', limit: 50, offset: 0, search: '离线评审' })).tasks.map((t) => t.id)).toEqual([big.taskId])
    const countBefore = data<{ todo: number }>(await pc.bridge.invoke(1, 'flows.counts', {})).todo
    expect(countBefore).toBe(online.total)
    const shown = data<InstanceDto>(await pc.bridge.invoke(1, 'flows.instance', { id: quote.instanceId }))
    expect(shown).toMatchObject({ myTaskId: quote.taskId, can: { act: true, withdraw: false }, returnTargets: [] })

    // Checked offline as the office checks: a field the node does not open, a value the field type refuses.
    const locked = await pc.bridge.invoke(1, 'flows.approve', { taskId: big.taskId, fields: { amount: 1 } }, 'zh-CN')
    expect(locked.error).toMatchObject({ messageKey: 'flows.error.fieldLocked', field: 'amount' })
    expect(pc.bridge.replicaSession!.view().pending).toBe(0)
    expect((await pc.bridge.invoke(1, 'flows.return', { taskId: quote.taskId, toNode: 'start' }, 'zh-CN')).error).toMatchObject({ messageKey: 'sync.offline.returnToNode' })

    // Approve with a comment; the fill-in field; reject.
    expect(data<{ id: number }>(await pc.bridge.invoke(1, 'flows.approve', { taskId: quote.taskId, comment: '在客户那里谈妥了，同意' }, 'zh-CN')).id).toBe(quote.instanceId)
    expect((await pc.bridge.invoke(1, 'flows.approve', { taskId: big.taskId, fields: { nextStep: '下周带技术去现场' } }, 'zh-CN')).ok).toBe(true)
    expect((await pc.bridge.invoke(1, 'flows.reject', { taskId: rejected.taskId, comment: '折扣太大' }, 'zh-CN')).ok).toBe(true)
    expect(pc.lastSync()).toMatchObject({ state: 'offline', pending: 3 })
    // Decided here: out of the list (and the badge), the instance shows no action, acting again is refused.
    const after = data<TodoPage>(await pc.bridge.invoke(1, 'flows.todo', { tab: 'todo', limit: 200, offset: 0 }))
    expect(after.tasks.map((t) => t.id)).not.toContain(quote.taskId)
    expect(after.total).toBe(online.total - 3)
    expect(data<{ todo: number }>(await pc.bridge.invoke(1, 'flows.counts', {})).todo).toBe(countBefore - 3)
    const decided = data<InstanceDto>(await pc.bridge.invoke(1, 'flows.instance', { id: quote.instanceId }))
    expect(decided).toMatchObject({ myTaskId: null, can: { act: false } })
    expect(decided.tasks.find((t) => t.id === quote.taskId)!.status).toBe('approved')
    expect((await pc.bridge.invoke(1, 'flows.approve', { taskId: quote.taskId }, 'zh-CN')).error).toMatchObject({ messageKey: 'flows.error.taskClosed', message: '这条待办已处理' })
    // The live event the office would have sent (the to-do list and its badge reload).
    expect(pc.events.some((e) => e.channel === 'live' && JSON.parse(e.data).kind === 'flow')).toBe(true)
    expect(office.host.core.flows.summary(quote.instanceId).status).toBe('running')

    // The office is back: the outbox is pushed, the instances move on as if she had acted there.
    await shareOn()
    await until(() => pc.lastSync(), (s) => !!s && s.state === 'online' && s.pending === 0, 20_000)
    const core = office.host.core
    const manager = actorOf('wuhaiyan')
    const history = (id: number) => core.flows.instance(manager, id).history
    expect(history(quote.instanceId).find((h) => h.action === 'approve')).toMatchObject({ comment: '在客户那里谈妥了，同意', actor: { id: manager.id } })
    expect(core.flows.instance(manager, quote.instanceId).tasks.find((t) => t.id === quote.taskId)!.status).toBe('approved')
    expect(core.flows.summary(rejected.instanceId).status).toBe('rejected')
    expect(core.reads.get(manager, 'opportunity', big.recordId).fields.nextStep).toBe('下周带技术去现场')
    expect(core.flows.instance(manager, big.instanceId).tasks.find((t) => t.id === big.taskId)!.status).toBe('approved')
    // The replica's list is the office's again, and nothing waits in the inbox.
    const replicaTodos = pc.bridge.replicaSession!.client.todos()
    expect(replicaTodos.every((t) => t.done === null)).toBe(true)
    expect(replicaTodos.map((t) => t.task.id)).toEqual(core.flows.todo(manager, { tab: 'todo', limit: 200, offset: 0 }).tasks.map((t) => t.id))
    expect(data<ConflictDto[]>(await pc.bridge.invoke(1, 'sync.conflicts', {}))).toEqual([])
    await pc.close()
  }, 90_000)

  it('a to-do handed to a colleague at the office meanwhile: the approval lands in the 冲突 inbox with the reason and what she typed', async () => {
    const quote = submit('quote', { title: '被转交的报价', quotedOn: '2026-12-02' })
    const pc = await clientPc()
    await pair(pc)
    await signIn(pc, 'wuhaiyan')
    await office.share.shutdown()
    await until(() => pc.bridge.snapshot().connection.status, (s) => s === 'unreachable')
    expect((await pc.bridge.invoke(1, 'flows.approve', { taskId: quote.taskId, comment: '路上看过了，同意' }, 'zh-CN')).ok).toBe(true)
    expect(pc.bridge.replicaSession!.view()).toMatchObject({ state: 'offline', pending: 1 })
    // Meanwhile, from her desk PC, she handed the task to the administrator.
    office.host.core.flows.transfer(actorOf('wuhaiyan'), { taskId: quote.taskId, toUserId: 1 })

    await shareOn()
    await until(() => pc.lastSync(), (s) => !!s && s.state === 'online' && s.pending === 0, 20_000)
    expect(office.host.core.flows.summary(quote.instanceId).status).toBe('running')
    const inbox = data<ConflictDto[]>(await pc.bridge.invoke(1, 'sync.conflicts', {}, 'zh-CN'))
    expect(inbox).toEqual([expect.objectContaining({ op: 'approval', kind: 'refused', recordId: quote.recordId, recordTitle: expect.stringMatching(/^BJ\d+$/), reason: '这条待办已处理' })])
    expect(inbox[0]!.fields).toEqual([
      expect.objectContaining({ key: '*decision', label: '审批操作', mine: '同意' }),
      expect.objectContaining({ key: '*comment', label: '审批意见', mine: '路上看过了，同意' })
    ])
    // The to-do is no longer hers: gone from the replica's list too.
    expect(pc.bridge.replicaSession!.client.todos().map((t) => t.task.id)).not.toContain(quote.taskId)
    await pc.close()
  }, 90_000)
})
