import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { servedCore } from '../../support/http'

// The flow methods over the real HTTP transport: admin-only design methods, translated
// validation naming the node, the to-do center, and batch approve reporting each task.

let served: Awaited<ReturnType<typeof servedCore>>
let base: string

type Reply = { ok: boolean; data?: any; error?: { code: string; message: string; field?: string } }
async function rpc(method: string, input: unknown, cookie = ''): Promise<Reply> {
  const res = await fetch(`${base}/rpc/${method}`, { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: JSON.stringify(input) })
  return (await res.json()) as Reply
}
async function login(login: string): Promise<string> {
  const res = await fetch(`${base}/rpc/auth.login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login, password: 'secret123' }) })
  return res.headers.get('set-cookie')!.split(';')[0]!
}

beforeAll(async () => {
  served = await servedCore({ prefix: 'jimu-flows-api-' })
  base = served.base
})
afterAll(() => served.close())

describe('flows API', () => {
  it('designs, validates, publishes, starts and approves through the API', async () => {
    await rpc('auth.setup', { name: '管理员', login: 'admin', password: 'secret123' })
    const admin = await login('admin')
    const roles = (await rpc('roles.list', {}, admin)).data as Array<{ id: number; key: string }>
    const repRole = roles.find((r) => r.key === 'sales_rep')!.id
    const director = (await rpc('users.create', { name: '李总监', login: 'director', password: 'secret123' }, admin)).data.id as number
    await rpc('users.create', { name: '张三', login: 'rep', password: 'secret123', roleIds: [repRole] }, admin)
    const app = (await rpc('apps.create', { label: '销售管理' }, admin)).data
    const form = (await rpc('forms.create', { appId: app.id, label: '合同', apiKey: 'contract', fields: [{ label: '合同名称', apiKey: 'name', type: 'text' }] }, admin)).data
    await rpc('permissions.set', { roleId: repRole, formId: form.id, actions: ['view', 'create', 'edit'], scope: 'own', fieldRules: {} }, admin)
    const rep = await login('rep')

    expect((await rpc('flows.create', { name: '合同审批', form: 'contract' }, rep)).error?.code).toBe('PERMISSION')
    const flow = (await rpc('flows.create', { name: '合同审批', form: 'contract' }, admin)).data
    const draft = flow.draft
    draft.nodes[1].config = { approvers: [] }
    await rpc('flows.save', { id: flow.id, draft }, admin)
    const issues = (await rpc('flows.validate', { id: flow.id }, admin)).data
    expect(issues).toEqual([{ nodeId: 'approve1', edgeId: null, code: 'noApprovers', message: '节点“审批”还没有设置人员' }])
    const refused = await rpc('flows.publish', { id: flow.id }, admin)
    expect(refused.error).toMatchObject({ code: 'VALIDATION', field: 'approve1', message: '流程有 1 处问题，不能发布（先看节点“审批”）' })

    draft.nodes[1].config = { approvers: [{ type: 'users', ids: [director] }] }
    await rpc('flows.save', { id: flow.id, draft }, admin)
    expect((await rpc('flows.publish', { id: flow.id }, admin)).data.version).toBe(1)

    const ids: number[] = []
    for (const name of ['甲合同', '乙合同']) {
      const record = (await rpc('records.create', { form: 'contract', fields: { name } }, rep)).data
      const started = await rpc('flows.start', { form: 'contract', recordId: record.id }, rep)
      expect(started.data.status).toBe('running')
      ids.push(record.id)
    }
    expect((await rpc('flows.recordStatus', { form: 'contract', recordId: ids[0] }, rep)).data.currentNodes).toEqual(['审批'])
    const boss = await login('director')
    expect((await rpc('flows.counts', {}, boss)).data).toEqual({ todo: 2, done: 0, mine: 0, cc: 0 })
    const todo = (await rpc('flows.todo', { tab: 'todo' }, boss)).data
    expect(todo.tasks.map((t: { title: string }) => t.title)).toEqual(['乙合同', '甲合同'])
    expect((await rpc('flows.approve', { taskId: todo.tasks[0].id }, rep)).error).toMatchObject({ code: 'PERMISSION', message: '这不是你的待办' })
    const batch = (await rpc('flows.batchApprove', { taskIds: [...todo.tasks.map((t: { id: number }) => t.id), 99999] }, boss)).data
    expect(batch.results).toEqual([
      { taskId: todo.tasks[0].id, ok: true, message: null },
      { taskId: todo.tasks[1].id, ok: true, message: null },
      { taskId: 99999, ok: false, message: '找不到待办（99999）' }
    ])
    const mine = (await rpc('flows.todo', { tab: 'mine' }, rep)).data
    expect(mine.instances.map((i: { status: string }) => i.status)).toEqual(['approved', 'approved'])
    const view = (await rpc('flows.instance', { id: mine.instances[0].id }, rep)).data
    expect(view.history.map((h: { action: string }) => h.action)).toEqual(['submit', 'approve', 'finish'])
    expect(view.can).toEqual({ act: false, withdraw: false, urge: false, resubmit: false })
  })
})
