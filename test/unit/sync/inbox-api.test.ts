import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Dispatcher } from '../../../src-main/api/dispatcher'
import { servedCore } from '../../support/http'

// The 冲突 inbox over the API as 销售代表 张伟 of the sales app: a change his laptop pushed that the
// office refused (a required field left empty) is kept with its reason, answered in the language
// the page asks in; another user's inbox does not show it, nor can they resolve it.

let served: Awaited<ReturnType<typeof servedCore>>
let dispatcher: Dispatcher
let admin: string
let rep: string

type Answer = { ok: boolean; data?: any; error?: any }
const call = (method: string, input: unknown, token: string | null, locale?: 'zh-CN' | 'en') => dispatcher.call(method, input, { token, locale }) as Promise<Answer>

beforeAll(async () => {
  served = await servedCore()
  dispatcher = new Dispatcher(served.host, () => {})
  admin = (await call('auth.setup', { name: '王总', login: 'wang', password: 'secret123' }, null)).data.token
  expect((await call('crm.install', { sampleData: false }, admin)).ok).toBe(true)
  const roles = (await call('roles.list', {}, admin)).data as Array<{ id: number; key: string }>
  expect((await call('users.create', { name: '张伟', login: 'zhangwei', password: 'secret123', roleIds: [roles.find((r) => r.key === 'sales_rep')!.id] }, admin)).ok).toBe(true)
  rep = (await call('auth.login', { login: 'zhangwei', password: 'secret123' }, null)).data.token
})
afterAll(() => served.close())

describe('the 冲突 inbox over the API', () => {
  it('keeps a refused offline create with its reason in the caller’s language, for its owner only', async () => {
    const form = (await call('forms.get', { form: 'customer' }, rep)).data as { id: number; schemaVersion: number; fields: Array<{ apiKey: string; label: string }> }
    const pushed = await call('sync.push', { device: 'laptop', ops: [{ opId: randomUUID(), hlc: `${Date.now()}-0`, form: form.id, schemaVersion: form.schemaVersion, kind: 'create', values: { city: '杭州' } }] }, rep, 'en')
    expect(pushed.data.results[0]).toMatchObject({ status: 'refused', field: 'name' })
    const nameLabel = form.fields.find((f) => f.apiKey === 'name')!.label

    const zh = (await call('sync.conflicts', {}, rep, 'zh-CN')).data as Array<{ id: number; kind: string; reason: string; fields: Array<{ key: string; mine: unknown }> }>
    const en = (await call('sync.conflicts', {}, rep, 'en')).data as typeof zh
    expect(zh).toHaveLength(1)
    expect(zh[0]).toMatchObject({ kind: 'refused', fields: [{ key: 'city', mine: '杭州' }] })
    expect(zh[0]!.reason).toContain(nameLabel)
    expect(zh[0]!.reason).toMatch(/[\u4e00-\u9fff]/)
    expect(en[0]!.reason).toContain(nameLabel)
    expect(en[0]!.reason).not.toBe(zh[0]!.reason)

    // The administrator's inbox is their own: his entry is neither listed nor resolvable there.
    expect((await call('sync.conflicts', {}, admin)).data).toEqual([])
    const foreign = await call('sync.resolve', { id: zh[0]!.id, keep: 'theirs' }, admin, 'en')
    expect(foreign.ok).toBe(false)
    expect(foreign.error.code).toBe('NOT_FOUND')

    // Submitting it again as it was is refused again, naming the field, and the entry stays open.
    const again = await call('sync.resolve', { id: zh[0]!.id, keep: 'mine' }, rep, 'en')
    expect(again.ok).toBe(false)
    expect(again.error.field).toBe('name')
    expect((await call('sync.conflicts', {}, rep)).data).toHaveLength(1)
    const discarded = await call('sync.resolve', { id: zh[0]!.id, keep: 'theirs' }, rep, 'en')
    expect(discarded.ok).toBe(true)
    expect((await call('sync.conflicts', {}, rep)).data).toEqual([])
  })
})
