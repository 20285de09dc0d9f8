import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { caught } from '../../support/core'
import { flowEnv, single, type Env } from '../flows/helpers'

// A hash is no right to a file: a person attaches only files they uploaded, files already in the
// field they save, or files they may download right now through a record or approval they read.
// The system and administrators are not limited.

let env: Env
let formId: number
const put = (name: string, text: string, by: number | null) => env.core.attachments.put(name, 'text/plain', Buffer.from(text).toString('base64'), by).hash

beforeEach(async () => {
  env = await flowEnv()
  const { core, admin } = env
  formId = env.form('客户', [
    { label: '名称', apiKey: 'name', type: 'text' },
    { label: '名片', apiKey: 'card', type: 'attachment' },
    { label: '明细', apiKey: 'lines', type: 'subtable', children: [{ label: '品名', apiKey: 'item', type: 'text' }, { label: '扫描件', apiKey: 'scan', type: 'attachment' }] }
  ]).id
  const repRole = core.org.roles().find((r) => r.key === 'sales_rep')!.id
  core.org.setPermission(admin.id, repRole, { formId, actions: ['view', 'create', 'edit'], scope: 'own', scopeFilter: null, fieldRules: {} })
})
afterEach(() => env.close())

describe('attaching a stored file by its hash', () => {
  it('refuses, by field name, a file a rep only once saw; accepts their own uploads and what is already there', () => {
    const { core, users, as } = env
    const secret = put('底价.txt', '李四的底价', users.rep2)
    const rec2 = core.writes.create(as(users.rep2), formId, { name: '乙公司', card: [secret] })
    // 张三 once read 李四's record (say, before it was reassigned): the hash alone gives nothing.
    const e = caught(() => core.writes.create(as(users.rep), formId, { name: '甲公司', card: [secret] }))
    expect(e.code).toBe('VALIDATION')
    expect(e.messageKey).toBe('value.invalidAttachment')
    expect((e.params as Record<string, unknown>).field).toBe('名片')
    const cell = caught(() => core.writes.create(as(users.rep), formId, { name: '甲公司', lines: [{ item: 'A', scan: [secret] }] }))
    expect(cell.code).toBe('VALIDATION')
    expect(String((cell.params as Record<string, unknown>).field)).toContain('扫描件')

    const mine = put('名片.txt', '张三的名片', users.rep)
    const rec = core.writes.create(as(users.rep), formId, { name: '甲公司', card: [mine], lines: [{ item: 'A', scan: [mine] }] })
    expect(caught(() => core.writes.update(as(users.rep), formId, rec, { card: [mine, secret] })).code).toBe('VALIDATION')
    // The administrator puts 李四's file on 张三's record: 张三 keeps it on later saves.
    core.writes.update(env.admin, formId, rec, { card: [mine, secret] })
    const lines = core.reads.get(as(users.rep), formId, rec).fields['lines'] as Array<Record<string, unknown>>
    core.writes.update(as(users.rep), formId, rec, { name: '甲公司（改）', card: [secret, mine], lines })
    expect((core.reads.get(as(users.rep), formId, rec).fields['card'] as Array<{ hash: string }>).map((f) => f.hash)).toEqual([secret, mine])
    // …and may copy it elsewhere while he can read it there.
    core.writes.create(as(users.rep), formId, { name: '丙公司', card: [secret] })
    expect(core.reads.get(env.admin, formId, rec2).fields['name']).toBe('乙公司')
  })

  it('accepts a file the rep may read in someone else’s record (a manager reads the team’s)', () => {
    const { core, users, as } = env
    const mgrRole = core.org.roles().find((r) => r.key === 'sales_manager')!.id
    core.org.setPermission(env.admin.id, mgrRole, { formId, actions: ['view', 'create', 'edit'], scope: 'all', scopeFilter: null, fieldRules: {} })
    const file = put('报价.txt', '报价', users.rep2)
    core.writes.create(as(users.rep2), formId, { name: '乙公司', card: [file] })
    expect(core.writes.create(as(users.director), formId, { name: '总监的客户', card: [file] })).toBeGreaterThan(0)
    // A file nobody put anywhere (uploaded by someone else, not saved) is not the manager's.
    const loose = put('草稿.txt', '草稿', users.rep2)
    expect(caught(() => core.writes.create(as(users.director), formId, { name: 'x', card: [loose] })).code).toBe('VALIDATION')
    expect(core.writes.create(env.admin, formId, { name: '管理员', card: [loose] })).toBeGreaterThan(0)
  })

  it('an approval comment takes only the commenter’s own or readable files', () => {
    const { core, users, as } = env
    const flowId = env.publish(single({ approvers: [{ type: 'users', ids: [users.director] }], mode: 'any' }))
    const id = env.contract(users.rep, {})
    const inst = core.flows.start(as(users.rep), { flowId, recordId: id })
    const other = put('李四的.txt', '李四的文件', users.rep2)
    const e = caught(() => core.flows.comment(as(users.rep), { instanceId: inst.id, comment: 'x', attachments: [{ hash: other, name: 'a.txt' }] }))
    expect(e.code).toBe('VALIDATION')
    expect(e.messageKey).toBe('flows.error.unknownAttachment')
    const mine = put('补充.txt', '张三的补充', users.rep)
    core.flows.comment(as(users.rep), { instanceId: inst.id, comment: '补充', attachments: [{ hash: mine, name: '补充.txt' }] })
    // The approver may read the comment's file through the approval, and so may attach it too.
    core.flows.comment(as(users.director), { instanceId: inst.id, comment: '收到', attachments: [{ hash: mine, name: '补充.txt' }] })
    const task = env.pending(users.director)[0]!
    expect(caught(() => core.flows.approve(as(users.director), { taskId: task.id, comment: 'ok', attachments: [{ hash: other, name: 'b.txt' }] })).code).toBe('VALIDATION')
  })
})

describe('file names per record', () => {
  it('a record shows and serves the name its file was attached under, not the first uploader’s', async () => {
    const { core, users, as } = env
    const { answerFileRequest } = await import('../../../src-main/attachments')
    const bytes = Buffer.from('同一份报价单').toString('base64')
    const a = core.attachments.put('给甲公司的底价单.txt', 'text/plain', bytes, users.rep).hash
    const recA = core.writes.create(as(users.rep), formId, { name: '甲公司', card: [a] })
    const b = core.attachments.put('报价.txt', 'text/plain; charset=utf-8', bytes, users.rep2).hash
    expect(b).toBe(a)
    const recB = core.writes.create(as(users.rep2), formId, { name: '乙公司', card: [b], lines: [{ item: '扫描', scan: [{ hash: b, name: '扫描件.txt' }] }] })
    const read = (as2: number, rec: number) => core.reads.get(as(as2), formId, rec).fields
    expect((read(users.rep2, recB)['card'] as Array<{ name: string }>)[0]!.name).toBe('报价.txt')
    expect(((read(users.rep2, recB)['lines'] as Array<Record<string, Array<{ name: string }>>>)[0]!['scan'])[0]!.name).toBe('扫描件.txt')
    expect((read(users.rep, recA)['card'] as Array<{ name: string }>)[0]!.name).toBe('给甲公司的底价单.txt')
    const model = core.schema.form(formId)
    const deps = { attachments: core.attachments, schema: core.schema, reads: core.reads, flows: core.flows }
    const res = answerFileRequest(deps, as(users.rep2), b, new URLSearchParams({ form: String(formId), record: String(recB), field: String(model.byKey.get('card')!.id) }))
    expect(res.status).toBe(200)
    expect(res.headers['content-disposition']).toContain(encodeURIComponent('报价.txt'))
    expect(res.headers['content-disposition']).not.toContain(encodeURIComponent('底价'))
    // The declared type is kept with the value; a later save without names keeps them.
    const stored = JSON.parse(core.db.prepare(`SELECT ${model.byKey.get('card')!.column} FROM ${model.table} WHERE id = ?`).pluck().get(recB) as string)
    expect(stored).toEqual([{ hash: b, name: '报价.txt', mime: 'text/plain; charset=utf-8' }])
    core.writes.update(as(users.rep2), formId, recB, { card: [b] })
    expect((read(users.rep2, recB)['card'] as Array<{ name: string }>)[0]!.name).toBe('报价.txt')
  })

  it('reads values stored as plain hashes with the name the record’s creator uploaded, else the blob’s', () => {
    const { core, users, as } = env
    const bytes = Buffer.from('旧数据').toString('base64')
    const h = core.attachments.put('最早的名字.txt', 'text/plain', bytes, users.rep).hash
    core.attachments.put('李四的名字.txt', 'text/plain', bytes, users.rep2)
    const model = core.schema.form(formId)
    const column = model.byKey.get('card')!.column!
    const recB = core.writes.create(as(users.rep2), formId, { name: '乙公司' })
    const recAdmin = core.writes.create(env.admin, formId, { name: '管理员的' })
    for (const id of [recB, recAdmin]) core.db.prepare(`UPDATE ${model.table} SET ${column} = ? WHERE id = ?`).run(JSON.stringify([h]), id)
    expect((core.reads.get(as(users.rep2), formId, recB).fields['card'] as Array<{ name: string }>)[0]!.name).toBe('李四的名字.txt')
    expect((core.reads.get(env.admin, formId, recAdmin).fields['card'] as Array<{ name: string }>)[0]!.name).toBe('最早的名字.txt')
  })
})
