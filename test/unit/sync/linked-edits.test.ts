import { afterEach, describe, expect, it } from 'vitest'
import type { Actor } from '../../../src-main/access/actor'
import { SyncHost } from '../../../src-main/sync/host'
import { ReplicaApi } from '../../../src-main/sync/replica-api'
import { SyncClient } from '../../../src-main/sync/client'
import type { RecordDto } from '../../../src-main/shared/api/core'
import { syncContracts, type SyncOp } from '../../../src-main/shared/api/sync'
import { testCore } from '../../support/core'
import { directTransport, type World } from './harness'

// Relation, member and sub-table edits on a laptop offline (issue 18): checked against the
// replica as the host checks them (a linked record the replica holds, a colleague the office
// listed, sub-table cells coerced and required, 关联带出 and the formulas over the rows), and a
// record made offline linked from a later operation: the host links the id its create got.

type T = Awaited<ReturnType<typeof testCore>>
let t: T | undefined
afterEach(() => t?.close())

async function world() {
  t = await testCore()
  const core = t.core
  const customer = t.form('客户', [{ label: '客户名称', apiKey: 'name', type: 'text', required: true }] as never)
  const product = t.form('产品', [{ label: '产品名称', apiKey: 'name', type: 'text', required: true }, { label: '标准单价', apiKey: 'price', type: 'amount' }] as never)
  const quote = t.form('报价单', [
    { label: '报价主题', apiKey: 'title', type: 'text', required: true },
    { label: '客户', apiKey: 'customer', type: 'relation', config: { targetFormId: customer.id, multiple: false } },
    { label: '意向产品', apiKey: 'products', type: 'relation', config: { targetFormId: product.id, multiple: true } },
    { label: '跟进人', apiKey: 'follower', type: 'member' },
    {
      label: '报价明细', apiKey: 'lines', type: 'subtable', children: [
        { label: '产品', apiKey: 'product', type: 'relation', config: { targetFormId: product.id, multiple: false } },
        { label: '数量', apiKey: 'quantity', type: 'number', required: true },
        { label: '单价', apiKey: 'unitPrice', type: 'amount', config: { fillFrom: { relationFieldKey: 'product', targetFieldKey: 'price' } } },
        { label: '小计', apiKey: 'lineTotal', type: 'formula', config: { expression: '{quantity}*{unitPrice}' } }
      ]
    },
    { label: '报价总额', apiKey: 'total', type: 'formula', config: { expression: 'SUM({lines.lineTotal})' } },
    { label: '报价文件', apiKey: 'files', type: 'attachment' }
  ] as never)
  const role = core.org.createRole(t.actor.id, { name: '销售代表' })
  for (const f of [customer, product, quote]) core.org.setPermission(t.actor.id, role.id, { formId: f.id, actions: ['view', 'create', 'edit', 'delete'], scope: f === product ? 'all' : 'own', fieldRules: {} })
  const reps: Actor[] = []
  for (const [name, login] of [['张伟', 'zhangwei'], ['李娜', 'lina']] as const) {
    const id = await core.org.createUser(t.actor.id, { name, login, password: 'demo12345', roleIds: [role.id] })
    reps.push({ id, name, isAdmin: false, locale: 'zh-CN' })
  }
  const [zhang, li] = reps as [Actor, Actor]
  const server = core.writes.create(t.actor, product.id, { name: '服务器', price: 1200 })
  const theirs = core.writes.create(li, customer.id, { name: '李娜的客户' })
  const mine = core.writes.create(zhang, customer.id, { name: '张伟的老客户' })
  const host = new SyncHost({ db: core.db, schema: core.schema, access: core.access, writes: core.writes, clock: core.clock, flows: core.flows })
  const w = { ...t, host } as unknown as World
  // Files picked offline: kept in memory here (replica-files.ts on a laptop), uploaded as him before the push.
  const kept = new Map<string, Buffer>()
  const uploads: string[] = []
  const transport = { ...directTransport(w, zhang), upload: async (input: { name: string; mime: string; data: string }) => {
    uploads.push(input.name)
    if (input.name.endsWith('.exe')) return null
    return core.attachments.put(input.name, input.mime, input.data, zhang.id)
  } }
  const files = { keep: (hash: string, bytes: Buffer) => (kept.set(hash, bytes), true), read: (hash: string) => kept.get(hash) ?? null }
  const c = new SyncClient(SyncClient.openReplica(':memory:'), transport, { device: 'laptop', userId: zhang.id, now: () => core.clock.now(), pageSize: 50, userName: () => '张伟', files })
  await c.sync()
  const api = new ReplicaApi(c, { userId: zhang.id, now: () => core.clock.now(), timeZone: 'Asia/Shanghai' })
  // The member picker's list, as the office answered it when online.
  api.remember('users.list', {}, core.auth.users().map((u) => core.auth.toColleagueDto(u)))
  for (const f of [customer, product, quote]) api.keepAccess(f.id, { actions: ['view', 'create', 'edit', 'delete'], readonly: [] })
  return { core, customer, product, quote, zhang, li, server, theirs, mine, host, c, api, w, kept, uploads }
}

const ok = <T>(answer: { ok: boolean; data?: unknown; error?: unknown }): T => {
  if (!answer.ok) throw new Error(JSON.stringify(answer.error))
  return answer.data as T
}

describe('relation, member and sub-table edits offline', () => {
  it('a new customer and a quote for it with a line, owner and follower: checked offline, then the host links the new customer and computes the lines', async () => {
    const { core, quote, customer, zhang, server, mine, c, api } = await world()
    const made = ok<RecordDto>(api.answer('records.create', { form: customer.id, fields: { name: '路上认识的客户' } }))
    expect(made.id).toBeLessThan(0)
    const q = ok<RecordDto>(api.answer('records.create', {
      form: quote.id,
      fields: { title: '首单报价', customer: made.id, products: [server], follower: zhang.id, owner: zhang.id, lines: [{ product: server, quantity: 3 }, { product: server, quantity: 1, unitPrice: 1000 }] }
    }))
    // As records.get would show it: titles and names from the replica, 关联带出 and the sums computed here.
    expect(q.fields.customer).toEqual({ id: made.id, title: '路上认识的客户' })
    expect(q.fields.products).toEqual([{ id: server, title: '服务器' }])
    expect(q.fields.follower).toEqual({ id: zhang.id, name: '张伟' })
    expect(q.owner).toEqual({ id: zhang.id, name: '张伟' })
    const lines = q.fields.lines as Array<Record<string, unknown>>
    expect(lines.map((l) => [l.product, l.quantity, l.unitPrice, l.lineTotal])).toEqual([[{ id: server, title: '服务器' }, 3, 1200, 3600], [{ id: server, title: '服务器' }, 1, 1000, 1000]])
    expect(q.fields.total).toBe(4600)
    // The op names the create it links to.
    const ops = (c.db.prepare('SELECT op FROM outbox ORDER BY n').pluck().all() as string[]).map((s) => JSON.parse(s) as SyncOp)
    expect(ops[1]!.localRefs).toEqual({ [String(made.id)]: ops[0]!.opId })
    // An edit offline: a row changed, one removed, one added; the linked customer changed to one he has.
    const rowId = lines[0]!.id as number
    const edited = ok<RecordDto>(api.answer('records.update', { form: quote.id, id: q.id, fields: { customer: { id: mine, title: 'x' }, lines: [{ id: rowId, product: server, quantity: 2 }, { quantity: 5, unitPrice: 10 }] } }))
    expect(edited.fields.customer).toEqual({ id: mine, title: '张伟的老客户' })
    expect((edited.fields.lines as Array<Record<string, unknown>>).map((l) => [l.id === rowId, l.lineTotal])).toEqual([[true, 2400], [false, 50]])
    expect(edited.fields.total).toBe(2450)
    ok(api.answer('records.update', { form: quote.id, id: q.id, fields: { customer: made.id } }))

    await c.sync()
    expect(c.pending()).toBe(0)
    const hostCustomer = core.reads.list(zhang, { form: customer.id, search: '路上认识的客户', limit: 50 }).records[0]!
    const hostQuote = core.reads.list(zhang, { form: quote.id, search: '首单报价', limit: 50 }).records[0]!
    expect(hostQuote.fields.customer).toEqual({ id: hostCustomer.id, title: '路上认识的客户' })
    expect(hostQuote.owner).toMatchObject({ id: zhang.id })
    expect(hostQuote.fields.follower).toEqual({ id: zhang.id, name: '张伟' })
    expect((hostQuote.fields.lines as Array<Record<string, unknown>>).map((l) => [l.quantity, l.unitPrice, l.lineTotal])).toEqual([[2, 1200, 2400], [5, 10, 50]])
    expect(hostQuote.fields.total).toBe(2450)
    // The replica holds what the host shows him.
    const held = c.record(quote.id, hostQuote.id)!
    const { provisional: _p, ...record } = held
    expect(record).toEqual(hostQuote)
    expect(sumOfConflicts(core, zhang)).toBe(0)
  })

  it('refused offline naming the field: a record outside his sight, a colleague the office did not list, a bad or missing cell; nothing queued', async () => {
    const { quote, theirs, server, c, api } = await world()
    const tries: Array<[Record<string, unknown>, string, string]> = [
      [{ title: 'x', customer: theirs }, 'value.invalidRelation', 'customer'],
      [{ title: 'x', customer: 999999 }, 'value.invalidRelation', 'customer'],
      [{ title: 'x', follower: 424242 }, 'value.invalidUser', 'follower'],
      [{ title: 'x', follower: '不存在的人' }, 'value.invalidUser', 'follower'],
      [{ title: 'x', lines: [{ product: server }] }, 'value.required', 'lines'],
      [{ title: 'x', lines: [{ quantity: 'abc' }] }, 'value.invalidNumber', 'lines'],
      [{ title: 'x', lines: [{ nope: 1 }] }, 'value.unknownField', 'lines'],
      [{ title: 'x', lines: [{ quantity: 1, product: 999999 }] }, 'value.invalidRelation', 'lines']
    ]
    for (const [fields, key, field] of tries) {
      const answer = api.answer('records.create', { form: quote.id, fields }, 'zh-CN') as { ok: boolean; error?: { messageKey: string; field?: string; message: string } }
      expect(answer.ok, JSON.stringify(fields)).toBe(false)
      expect(answer.error!.field, JSON.stringify(fields)).toBe(field)
      if (key !== 'value.invalidNumber') expect(answer.error!.messageKey, JSON.stringify(fields)).toBe(key)
    }
    const cell = api.answer('records.create', { form: quote.id, fields: { title: 'x', lines: [{ product: server }] } }, 'zh-CN') as { error: { message: string } }
    expect(cell.error.message).toContain('报价明细第1行 数量')
    const outside = api.answer('records.create', { form: quote.id, fields: { title: 'x', customer: theirs } }, 'zh-CN') as { error: { message: string } }
    expect(outside.error.message).toContain('客户')
    // Another owner is the choice of those who may transfer.
    const other = api.answer('records.create', { form: quote.id, fields: { title: 'x', owner: 424242 } }, 'zh-CN') as { ok: boolean; error: { field: string } }
    expect(other.ok).toBe(false)
    expect(c.pending()).toBe(0)
  })

  it('on push: a linked record gone out of scope meanwhile, and a create the office refused, leave the dependants in the inbox with the reason', async () => {
    const { core, quote, customer, zhang, li, mine, c, api, host } = await world()
    ok(api.answer('records.create', { form: quote.id, fields: { title: '给老客户的报价', customer: mine } }))
    // A create the office will refuse (its name is taken by a unique rule added meanwhile)…
    const made = ok<RecordDto>(api.answer('records.create', { form: customer.id, fields: { name: '撞名客户' } }))
    ok(api.answer('records.create', { form: quote.id, fields: { title: '给新客户的报价', customer: made.id } }))
    // …at the office: the old customer is handed to 李娜, and the name is taken.
    core.writes.transfer(t!.actor, customer.id, { ids: [mine], toUserId: li.id })
    const nameField = core.schema.form(customer.id).byKey.get('name')!
    core.schema.updateField({ id: nameField.id, unique: true })
    core.writes.create(li, customer.id, { name: '撞名客户' })
    await c.sync()
    expect(c.pending()).toBe(0)
    const inbox = core.db.prepare('SELECT op, kind, reason_key, fields FROM sync_conflicts WHERE user_id = ? ORDER BY id').all(zhang.id) as Array<{ op: string; kind: string; reason_key: string; fields: string }>
    expect(inbox.map((e) => [e.op, e.kind, e.reason_key])).toEqual([
      ['create', 'refused', 'value.invalidRelation'],
      ['create', 'refused', expect.stringMatching(/^value\.duplicate/)],
      ['create', 'refused', 'sync.localRefMissing']
    ])
    expect(JSON.parse(inbox[2]!.fields)).toMatchObject({ title: { mine: '给新客户的报价' }, customer: { mine: { id: made.id, title: '撞名客户' } } })
    expect(core.reads.list(zhang, { form: quote.id, limit: 50 }).records).toEqual([])
    // The inbox names the customer it linked by the name he gave it (not a local id).
    const card = host.conflicts(zhang, true, 10).find((k) => k.reason?.includes('离线新建'))!
    expect(card.fields.find((f) => f.key === 'customer')?.mine).toEqual({ id: made.id, title: '撞名客户' })
  })

  it('attachments offline: a file picked on the laptop is kept, attached, uploaded as him before the push; a hash not his is refused', async () => {
    const { core, quote, zhang, li, c, api, kept, uploads } = await world()
    const pdf = Buffer.from(`%PDF-1.4\n离线报价 ${Date.now()}\n%%EOF\n`)
    const picked = ok<{ hash: string; name: string; size: number; mime: string }>(api.answer('attachments.upload', { name: '报价单.pdf', mime: 'application/pdf', data: pdf.toString('base64') }))
    expect(picked).toMatchObject({ name: '报价单.pdf', size: pdf.length, mime: 'application/pdf' })
    expect(kept.get(picked.hash)?.equals(pdf)).toBe(true)
    expect(c.pendingUploads()).toEqual([picked.hash])
    // Someone else's file (a hash is no right) and junk are refused naming the field.
    const theirs = core.attachments.put('李娜的.pdf', 'application/pdf', Buffer.from('%PDF-1.4 secret').toString('base64'), li.id)
    for (const files of [[{ hash: theirs.hash }], ['abc']]) {
      const refused = api.answer('records.create', { form: quote.id, fields: { title: 'x', files } }, 'zh-CN') as { ok: boolean; error: { messageKey: string; field: string } }
      expect(refused.error).toMatchObject({ messageKey: 'value.invalidAttachment', field: 'files' })
    }
    const made = ok<RecordDto>(api.answer('records.create', { form: quote.id, fields: { title: '带文件的报价', files: [{ hash: picked.hash, name: '给客户的报价.pdf' }] } }))
    expect(made.fields.files).toEqual([{ hash: picked.hash, name: '给客户的报价.pdf', size: pdf.length, mime: 'application/pdf' }])
    // A file the office refuses (here: by its name) is not attached there: the change naming it waits in the inbox.
    const exe = ok<{ hash: string }>(api.answer('attachments.upload', { name: 'tool.exe', mime: 'application/octet-stream', data: Buffer.from('MZ-not-really').toString('base64') }))
    ok(api.answer('records.create', { form: quote.id, fields: { title: '带程序的报价', files: [exe] } }))
    // A picked file not named by any change is not sent.
    ok(api.answer('attachments.upload', { name: '没用上的.txt', mime: 'text/plain', data: Buffer.from('hello').toString('base64') }))
    await c.sync()
    expect(uploads.sort()).toEqual(['tool.exe', '报价单.pdf'])
    const hostQuote = core.reads.list(zhang, { form: quote.id, search: '带文件的报价', limit: 5 }).records[0]!
    expect(hostQuote.fields.files).toEqual([{ hash: picked.hash, name: '给客户的报价.pdf', size: pdf.length, mime: 'application/pdf' }])
    expect(core.reads.list(zhang, { form: quote.id, search: '带程序的报价', limit: 5 }).records).toEqual([])
    expect(core.db.prepare("SELECT reason_key FROM sync_conflicts WHERE user_id = ? AND op = 'create'").pluck().all(zhang.id)).toEqual(['value.invalidAttachment'])
    expect(c.pendingUploads().length).toBe(1)
  })

  it('the op schema: a local reference is validated; one to an operation the host never took is a refusal, not a crash', async () => {
    const { core, quote, zhang, host } = await world()
    const parse = (refs: unknown) => syncContracts['sync.push'].input.safeParse({ device: 'd', ops: [{ opId: '00000000-0000-4000-8000-000000000001', hlc: '1700000000000-0', form: quote.id, schemaVersion: 1, kind: 'create', values: {}, localRefs: refs }] })
    expect(parse({ '-1': '00000000-0000-4000-8000-000000000002' }).success).toBe(true)
    expect(parse({ '1': '00000000-0000-4000-8000-000000000002' }).success).toBe(false)
    expect(parse({ '-1': 'not-an-op' }).success).toBe(false)
    const op = syncContracts['sync.push'].input.parse({
      device: 'd',
      ops: [{ opId: '00000000-0000-4000-8000-000000000003', hlc: '1700000000000-0', form: quote.id, schemaVersion: core.schema.form(quote.id).schemaVersion, kind: 'create', values: { title: '悬空', customer: -7 }, localRefs: { '-7': '00000000-0000-4000-8000-000000000004' } }]
    }).ops
    const [result] = host.push(zhang, 'd', op, 'zh-CN')
    expect(result).toMatchObject({ status: 'refused', field: 'customer' })
    expect(result!.message).toContain('客户')
    expect(result!.conflictId).not.toBeNull()
  })
})

function sumOfConflicts(core: T['core'], user: Actor): number {
  return core.db.prepare('SELECT COUNT(*) FROM sync_conflicts WHERE user_id = ?').pluck().get(user.id) as number
}
