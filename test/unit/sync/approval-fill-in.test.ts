import { afterEach, describe, expect, it } from 'vitest'
import { SyncHost } from '../../../src-main/sync/host'
import { SyncClient, type SyncTransport } from '../../../src-main/sync/client'
import { ReplicaApi } from '../../../src-main/sync/replica-api'
import { syncContracts } from '../../../src-main/shared/api/sync'
import { edge, flowEnv, node, type Env } from '../flows/helpers'

// An approval taken offline whose node asks the approver to fill in a member field (客户经理):
// the fill-in is checked with the replica's look-ups as a record edit offline is — a colleague the
// office listed is taken, someone unknown is refused naming the field — and the office applies
// the decision with the value on reconnect.

let env: Env
afterEach(() => env?.close())

describe('approval fill-in fields offline', () => {
  it('a member chosen from the colleagues the office listed is taken offline and applied with the approval', async () => {
    env = await flowEnv()
    const host = new SyncHost({ db: env.core.db, schema: env.core.schema, access: env.core.access, writes: env.core.writes, clock: env.core.clock, flows: env.core.flows })
    const flowId = env.publish({
      nodes: [node('start', 'start'), node('dir', 'approval', { approvers: [{ type: 'users', ids: [env.users.director] }], fieldPerms: { accountManager: 'editable' } }, '销售总监审批'), node('end', 'end')],
      edges: [edge('start', 'dir'), edge('dir', 'end')]
    })
    const recordId = env.contract(env.users.rep, { amount: 30_000 })
    const instance = env.core.flows.start(env.as(env.users.rep), { flowId, recordId })
    const director = env.as(env.users.director)
    const json = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T
    const uploaded: string[] = []
    const transport: SyncTransport = {
      push: async (input) => json(syncContracts['sync.push'].output.parse({ results: host.push(director, input.device, syncContracts['sync.push'].input.parse(json(input)).ops, 'zh-CN') })),
      pull: async (input) => json(syncContracts['sync.pull'].output.parse(host.pull(director, syncContracts['sync.pull'].input.parse(json(input))))),
      // attachments.upload as the director (the office then lets him attach it).
      upload: async (input) => {
        uploaded.push(input.name)
        return env.core.attachments.put(input.name, input.mime, input.data, director.id)
      }
    }
    // Files picked offline: kept in memory here (replica-files.ts on a laptop).
    const kept = new Map<string, Buffer>()
    const files = { keep: (hash: string, bytes: Buffer) => (kept.set(hash, bytes), true), read: (hash: string) => kept.get(hash) ?? null }
    const client = new SyncClient(SyncClient.openReplica(':memory:'), transport, { device: 'laptop', userId: director.id, now: () => env.core.clock.now(), files })
    const api = new ReplicaApi(client, { userId: director.id, now: () => env.core.clock.now() })
    await client.sync()
    api.remember('users.list', {}, [{ id: env.users.rep, name: '张三' }, { id: env.users.rep2, name: '李四' }])
    const [todo] = (api.answer('flows.todo', { tab: 'todo' }) as { ok: true; data: { tasks: Array<{ id: number }> } }).data.tasks

    // Someone the office never listed: refused at once, naming the field, nothing queued.
    expect(api.answer('flows.approve', { taskId: todo!.id, fields: { accountManager: 999 } }, 'zh-CN')).toMatchObject({ ok: false, error: { field: 'accountManager' } })
    expect(client.pending()).toBe(0)
    // A file not picked on this computer (a hash is no right): refused naming it.
    expect(api.answer('flows.approve', { taskId: todo!.id, attachments: [{ hash: 'a'.repeat(64), name: '别人的.pdf' }] }, 'zh-CN'))
      .toMatchObject({ ok: false, error: { messageKey: 'sync.offline.approvalFileUnknown', params: { name: '别人的.pdf' } } })
    // A photo of the signed page taken at the customer's, attached to the decision.
    const scan = Buffer.from('%PDF-1.4 签字页')
    const picked = api.answer('attachments.upload', { name: '签字页.pdf', mime: 'application/pdf', data: scan.toString('base64') }) as { ok: true; data: { hash: string; name: string } }
    expect(picked.ok).toBe(true)
    // A colleague: queued (before, every member fill-in and every file was refused offline).
    expect(api.answer('flows.approve', { taskId: todo!.id, comment: '李四跟进', fields: { accountManager: env.users.rep2 }, attachments: [{ hash: picked.data.hash, name: '签字页.pdf' }] }, 'zh-CN')).toMatchObject({ ok: true, queued: true })
    expect(client.pending()).toBe(1)

    await client.sync()
    expect(client.pending()).toBe(0)
    expect(uploaded).toEqual(['签字页.pdf'])
    expect(env.core.flows.summary(instance.id).status).toBe('approved')
    const approved = env.core.flows.instance(director, instance.id).history.find((h) => h.comment === '李四跟进')
    expect(approved?.attachments).toEqual([{ hash: picked.data.hash, name: '签字页.pdf' }])
    expect(env.core.reads.get(env.admin, env.formId, recordId).fields['accountManager']).toMatchObject({ id: env.users.rep2 })
    client.db.close()
  })
})
