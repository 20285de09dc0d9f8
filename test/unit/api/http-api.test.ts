import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { servedCore } from '../../support/http'
import { contracts } from '../../../src-main/shared/api/contracts'
import { STAGES } from '../../support/core'

// The HTTP transport end to end: first run, login, REST CRUD by form API key, translated errors,
// the OpenAPI document, and the guards (authentication, admin-only, cross-origin).

let served: Awaited<ReturnType<typeof servedCore>>
let base: string
let token: string

async function rpc(method: string, input: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${base}/rpc/${method}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(input) })
  return { status: res.status, body: (await res.json()) as { ok: boolean; data?: any; error?: any }, cookie: res.headers.get('set-cookie') }
}
async function rest(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${base}${path}`, {
    method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers }, body: body === undefined ? undefined : JSON.stringify(body)
  })
  return { status: res.status, body: (await res.json()) as any }
}

beforeAll(async () => {
  served = await servedCore()
  base = served.base
})
afterAll(() => served.close())

describe('HTTP API', () => {
  it('first run creates the administrator once and sets a session cookie', async () => {
    expect((await rpc('system.status', {})).body.data).toMatchObject({ needsSetup: true, user: null })
    const setup = await rpc('auth.setup', { name: '王总', login: 'wang', password: 'secret123' })
    expect(setup.body.ok).toBe(true)
    expect(setup.cookie).toMatch(/jimu_session=.+HttpOnly/)
    const cookie = setup.cookie!.split(';')[0]!
    expect((await rpc('system.status', {}, { cookie })).body.data.user).toMatchObject({ login: 'wang', isAdmin: true })
    const again = await rpc('auth.setup', { name: '李四', login: 'lisi', password: 'secret123' })
    expect(again.body.error).toMatchObject({ code: 'CONFLICT', message: '系统已初始化，不能再次创建管理员' })
  })

  it('logs in over REST and refuses bad credentials with a translated message', async () => {
    const bad = await rest('POST', '/api/v1/auth/login', { login: 'wang', password: 'wrong-pass' }, { 'accept-language': 'en' })
    expect(bad.status).toBe(401)
    expect(bad.body).toMatchObject({ code: 'UNAUTHENTICATED', message: 'Wrong login name or password' })
    const ok = await rest('POST', '/api/v1/auth/login', { login: 'wang', password: 'secret123' })
    expect(ok.status).toBe(200)
    token = ok.body.token
  })

  it('serves records over REST by form API key, fields by key', async () => {
    const app = await rpc('apps.create', { label: '销售' }, { authorization: `Bearer ${token}` })
    const form = await rpc('forms.create', {
      appId: app.body.data.id, label: '商机',
      fields: [{ label: '客户名称', type: 'text', required: true }, { label: '阶段', type: 'select', config: { options: STAGES } }, { label: '金额', type: 'amount' }]
    }, { authorization: `Bearer ${token}` })
    expect(form.body.data.apiKey).toBe('shangJi')
    expect((await rest('GET', '/api/v1/forms')).body.map((f: { apiKey: string }) => f.apiKey)).toEqual(['shangJi'])

    const created = await rest('POST', '/api/v1/forms/shangJi/records', { keHuMingCheng: '杭州云栖科技', jieDuan: '谈判', jinE: '¥8,000' })
    expect(created.status).toBe(201)
    expect(created.body.fields).toEqual({ keHuMingCheng: '杭州云栖科技', jieDuan: '谈判', jinE: 8000 })
    const id = created.body.id
    await rest('POST', '/api/v1/forms/shangJi/records', { fields: { keHuMingCheng: '上海远景', jieDuan: '赢单', jinE: 500 } })

    const filter = encodeURIComponent(JSON.stringify({ field: 'jieDuan', op: 'in', value: ['谈判', '赢单'] }))
    const list = await rest('GET', `/api/v1/forms/shangJi/records?filter=${filter}&sort=-jinE&limit=1&withTotal=true`)
    expect(list.body.total).toBe(2)
    expect(list.body.records.map((r: any) => r.fields.keHuMingCheng)).toEqual(['杭州云栖科技'])
    const next = await rest('GET', `/api/v1/forms/shangJi/records?filter=${filter}&sort=-jinE&limit=1&cursor=${list.body.nextCursor}`)
    expect(next.body.records.map((r: any) => r.fields.keHuMingCheng)).toEqual(['上海远景'])
    expect(next.body.nextCursor).toBeNull()

    const patched = await rest('PATCH', `/api/v1/forms/shangJi/records/${id}`, { jinE: '1.5万' })
    expect(patched.body.fields.jinE).toBe(15000)
    expect((await rest('GET', `/api/v1/forms/${form.body.data.id}/records/${id}`)).body.version).toBe(2)
    expect((await rest('DELETE', `/api/v1/forms/shangJi/records/${id}`)).body).toEqual({ deleted: 1 })
    expect((await rest('GET', `/api/v1/forms/shangJi/records/${id}`)).status).toBe(404)
  })

  it('returns {code, message, field} for invalid values, in the caller’s language', async () => {
    const zh = await rest('POST', '/api/v1/forms/shangJi/records', { keHuMingCheng: '甲', jinE: '很多' })
    expect(zh.status).toBe(422)
    expect(zh.body).toMatchObject({ code: 'VALIDATION', field: 'jinE', message: '“金额”的值“很多”不是有效数字' })
    const en = await rest('POST', '/api/v1/forms/shangJi/records', { jinE: 1 }, { 'accept-language': 'en-US,en;q=0.9' })
    expect(en.body).toMatchObject({ code: 'VALIDATION', field: 'keHuMingCheng', message: '"客户名称" is required' })
    const badFilter = await rest('GET', `/api/v1/forms/shangJi/records?filter=${encodeURIComponent('{"field":"jinE","op":"contains","value":"x"}')}`)
    expect(badFilter.body).toMatchObject({ code: 'VALIDATION', messageKey: 'query.badOperator' })
    const shape = await rpc('records.create', { form: 'shangJi' }, { authorization: `Bearer ${token}` })
    expect(shape.body.error).toMatchObject({ code: 'VALIDATION', messageKey: 'error.badRequest' })
  })

  it('guards: no session, foreign origin, admin-only methods', async () => {
    expect((await rpc('records.list', { form: 'shangJi' })).body.error.code).toBe('UNAUTHENTICATED')
    expect((await rest('GET', '/api/v1/forms', undefined, { authorization: 'Bearer nonsense' })).status).toBe(401)
    const cross = await rpc('system.status', {}, { origin: 'http://evil.example' })
    expect(cross.status).toBe(403)
    const created = await served.host.core.auth.login('wang', 'secret123')
    served.host.core.db.prepare("INSERT INTO users (name, login, password_hash, is_admin, created_at) VALUES ('小李', 'li', ?, 0, 0)").run(served.host.core.db.prepare('SELECT password_hash FROM users WHERE id = ?').pluck().get(created.user.id))
    const li = (await served.host.core.auth.login('li', 'secret123')).token
    const denied = await rpc('forms.create', { appId: 1, label: 'x' }, { authorization: `Bearer ${li}` })
    expect(denied.body.error).toMatchObject({ code: 'PERMISSION', message: '只有管理员可以执行此操作' })
  })

  it('publishes an OpenAPI document generated from the contracts', async () => {
    const doc = (await (await fetch(`${base}/api/openapi.json`)).json()) as any
    expect(doc.openapi).toBe('3.1.0')
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/forms/{form}/records', '/api/v1/forms/{form}/records/{id}', '/api/v1/auth/login']))
    expect(doc.paths['/api/v1/forms/{form}/records/{id}']).toHaveProperty('patch')
    for (const name of Object.keys(contracts)) expect(doc.paths).toHaveProperty([`/rpc/${name}`])
  })

  it('restores a backup through the API and keeps serving', async () => {
    const backup = await rpc('backups.create', {}, { authorization: `Bearer ${token}` })
    await rest('POST', '/api/v1/forms/shangJi/records', { keHuMingCheng: '备份之后的记录' })
    expect((await rpc('backups.restore', { file: backup.body.data.file }, { authorization: `Bearer ${token}` })).body).toEqual({ ok: true, data: { ok: true } })
    const list = await rest('GET', `/api/v1/forms/shangJi/records?search=${encodeURIComponent('备份之后')}`)
    expect(list.body.records).toEqual([])
  })
})

describe('contract violations', () => {
  it('read like field errors in the caller’s language', async () => {
    const short = await rpc('auth.login', { login: 'wang', password: '' })
    expect(short.body.error).toMatchObject({ code: 'VALIDATION', field: 'password', message: '“密码”不能为空' })
    const en = await rpc('apps.create', { label: 'x'.repeat(101) }, { authorization: `Bearer ${token}`, 'accept-language': 'en' })
    expect(en.body.error).toMatchObject({ code: 'VALIDATION', field: 'label', message: '"Name" allows at most 100 characters' })
  })
})
