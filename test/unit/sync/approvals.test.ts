import { randomUUID } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import type { SyncOp } from '../../../src-main/shared/api/sync'
import { syncContracts } from '../../../src-main/shared/api/sync'
import { SyncHost } from '../../../src-main/sync/host'
import { flowEnv, single, type Env } from '../flows/helpers'

// Approvals taken offline (issue 18): an approver's action is queued on the laptop and applied on
// reconnect if the task is still theirs and open; otherwise it goes to their 冲突 inbox with the
// reason, the decision and the comment they typed. Driven through sync.push on the host.

let env: Env
afterEach(() => env?.close())

function setUp() {
  const host = new SyncHost({ db: env.core.db, schema: env.core.schema, access: env.core.access, writes: env.core.writes, clock: env.core.clock, flows: env.core.flows })
  const flowId = env.publish(single({ approvers: [{ type: 'users', ids: [env.users.director] }] }))
  const submit = () => {
    const recordId = env.contract(env.users.rep, { amount: 1000 })
    const instance = env.core.flows.start(env.as(env.users.rep), { flowId, recordId })
    return { recordId, instance: instance.id, task: env.pending(env.users.director).find((t) => t.instanceId === instance.id)!.id }
  }
  const approval = (task: number, decision: SyncOp['decision'], comment?: string, attachments?: SyncOp['attachments']): SyncOp => syncContracts['sync.push'].input.parse({
    device: 'laptop',
    ops: [{ opId: randomUUID(), hlc: `${String(env.core.clock.now())}-0`, form: env.formId, schemaVersion: env.core.schema.form(env.formId).schemaVersion, kind: 'approval', task, decision, comment, attachments }]
  }).ops[0]!
  return { host, submit, approval }
}

describe('approvals taken offline', () => {
  it('the approver’s decision applies on reconnect while the task is still theirs and open, once', async () => {
    env = await flowEnv()
    const { host, submit, approval } = setUp()
    const { recordId, instance, task } = submit()
    const op = approval(task, 'approve', '在客户那里看过合同，同意')
    const [result] = host.push(env.as(env.users.director), 'laptop', [op], 'zh-CN')
    expect(result).toMatchObject({ status: 'applied', id: recordId })
    expect(env.core.flows.summary(instance).status).toBe('approved')
    expect(env.status(recordId)).toBe('approved')
    expect(JSON.stringify(env.core.flows.instance(env.as(env.users.director), instance).history)).toContain('在客户那里看过合同，同意')
    // The answer lost and the push retried: the stored result, nothing acted twice.
    expect(host.push(env.as(env.users.director), 'laptop', [op], 'zh-CN')).toEqual([result])
    expect(host.conflicts(env.as(env.users.director), true, 10)).toEqual([])
    // A rejection and a return to the submitter, too.
    const second = submit()
    expect(host.push(env.as(env.users.director), 'laptop', [approval(second.task, 'reject', '价格太低')], 'zh-CN')[0]!.status).toBe('applied')
    expect(env.core.flows.summary(second.instance).status).toBe('rejected')
    const third = submit()
    expect(host.push(env.as(env.users.director), 'laptop', [approval(third.task, 'return')], 'zh-CN')[0]!.status).toBe('applied')
    expect(env.core.flows.summary(third.instance).status).toBe('returned')
  })

  it('a task handed to someone else meanwhile, or an instance withdrawn, is refused into the inbox with the reason, the decision and the comment', async () => {
    env = await flowEnv()
    const { host, submit, approval } = setUp()
    const director = env.as(env.users.director)
    const moved = submit()
    const withdrawn = submit()
    // While the director's laptop was offline: the task went to legal (from the director's desk PC), and the rep withdrew the other.
    env.core.flows.transfer(director, { taskId: moved.task, toUserId: env.users.legal })
    env.core.flows.withdraw(env.as(env.users.rep), { instanceId: withdrawn.instance })
    // The laptop uploaded the photo it attached to the decision before pushing it.
    const photo = env.core.attachments.put('签字页.png', 'image/png', Buffer.from('签字页').toString('base64'), director.id)
    const files = [{ hash: photo.hash, name: '签字页.png' }]
    const results = host.push(director, 'laptop', [approval(moved.task, 'approve', '同意，尽快签', files), approval(withdrawn.task, 'reject')], 'zh-CN')
    // The engine's own answers: a task handed on is closed for its former assignee.
    expect(results.map((r) => [r.status, r.message])).toEqual([['refused', '这条待办已处理'], ['refused', '这条待办已处理']])
    expect(env.core.flows.summary(moved.instance).status).toBe('running')
    const inbox = host.conflicts(director, true, 10)
    expect(inbox).toHaveLength(2)
    const entry = inbox.find((c) => c.recordId === moved.recordId)!
    expect(entry).toMatchObject({ kind: 'refused', op: 'approval', reason: '这条待办已处理', recordTitle: '合同' })
    expect(entry.fields).toEqual([
      expect.objectContaining({ key: '*decision', label: '审批操作', mine: '同意' }),
      expect.objectContaining({ key: '*comment', label: '审批意见', mine: '同意，尽快签' }),
      expect.objectContaining({ key: '*attachments', label: '审批附件', mine: '签字页.png' })
    ])
    // In English, as the page asks.
    expect(host.conflicts({ ...director, locale: 'en' }, true, 10).find((c) => c.recordId === moved.recordId)!.fields[0]).toMatchObject({ label: 'Approval action', mine: 'Approve' })

    // Legal hands it back: 重新提交 applies the kept decision to the director's to-do on that record now.
    env.core.flows.transfer(env.as(env.users.legal), { taskId: env.pending(env.users.legal)[0]!.id, toUserId: env.users.director })
    const resolved = host.resolve(director, { id: entry.id, fields: {}, keep: 'mine' })
    expect(resolved.resolvedAt).not.toBeNull()
    expect(env.core.flows.summary(moved.instance).status).toBe('approved')
    expect(env.core.flows.instance(director, moved.instance).history.find((h) => h.comment === '同意，尽快签')?.attachments).toEqual(files)
    // The withdrawn one cannot be applied: keeping mine is refused and the entry stays open; keeping the office's closes it.
    const other = inbox.find((c) => c.recordId === withdrawn.recordId)!
    expect(() => host.resolve(director, { id: other.id, fields: {}, keep: 'mine' })).toThrow()
    expect(host.conflicts(director, true, 10).map((c) => c.id)).toEqual([other.id])
    host.resolve(director, { id: other.id, fields: {}, keep: 'theirs' })
    expect(host.conflicts(director, true, 10)).toEqual([])
  })

  it('an approval naming another user’s task, or a task of another form, is refused and shows nothing of the record', async () => {
    env = await flowEnv()
    const { host, submit, approval } = setUp()
    const { instance, task } = submit()
    const rep2 = env.as(env.users.rep2)
    const [result] = host.push(rep2, 'laptop-2', [approval(task, 'approve')], 'zh-CN')
    expect(result).toMatchObject({ status: 'refused', id: null, message: '这不是你的待办' })
    expect(env.core.flows.summary(instance).status).toBe('running')
    expect(host.conflicts(rep2, true, 10)).toEqual([expect.objectContaining({ op: 'approval', recordId: null, recordTitle: null })])
    expect(() => syncContracts['sync.push'].input.parse({ device: 'x', ops: [{ opId: randomUUID(), hlc: '1700000000000-0', form: env.formId, schemaVersion: 1, kind: 'approval' }] })).toThrow()
  })
})
