import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { toActor } from '../../../src-main/access/auth'
import type { Actor } from '../../../src-main/access/actor'
import { loadOrCreateCertificate, type TlsMaterial } from '../../../src-main/api/tls'
import { rawRequest, servedCore, type RawResponse } from '../../support/http'

// The HTTP transport's trust boundaries, against the real server: the Host header (DNS
// rebinding), the Origin of the app's calls, REST without the cookie, security headers, the
// session cookie's name, clear 4xx for client mistakes, and attachment downloads — who may fetch
// a file (as sales reps, through the access layer) and how files are served so they never run as
// the app.

let renderer: string
let served: Awaited<ReturnType<typeof servedCore>>
let port: number

const PNG = Buffer.from('89504e470d0a1a0a0000000d494844520000000100000001080600000000', 'hex')
const HTML = Buffer.from('<!doctype html><html><body><script>fetch("/rpc/users.update")</script></body></html>')
const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>')

const host = () => `127.0.0.1:${port}`
function request(path: string, options: { method?: string; headers?: Record<string, string>; body?: unknown } = {}): Promise<RawResponse> {
  const body = options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body)
  return rawRequest(port, { method: options.method ?? (body === undefined ? 'GET' : 'POST'), path, body, headers: { host: host(), ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...options.headers } })
}
const rpc = (method: string, input: unknown, headers: Record<string, string> = {}) => request(`/rpc/${method}`, { body: input, headers })

beforeAll(async () => {
  renderer = mkdtempSync(join(tmpdir(), 'jimu-renderer-'))
  mkdirSync(join(renderer, 'assets'))
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><html><head><script type="module" src="/assets/app.js"></script></head><body></body></html>')
  writeFileSync(join(renderer, 'assets', 'app.js'), 'console.log(1)')
  served = await servedCore({ prefix: 'jimu-http-sec-', rendererDir: renderer, publicHosts: ['crm.office.lan'] })
  port = served.port
})
afterAll(async () => {
  await served.close()
  rmSync(renderer, { recursive: true, force: true })
})

describe('Host header (DNS rebinding)', () => {
  it('refuses a foreign host name, even for auth.setup on a fresh server', async () => {
    expect(served.host.core.auth.needsSetup()).toBe(true)
    const rebound = await rpc('auth.setup', { name: '黑客', login: 'evil', password: 'secret123' }, { host: `evil.example:${port}` })
    expect(rebound.status).toBe(421)
    expect(rebound.json()).toMatchObject({ code: 'BAD_REQUEST', message: '本服务器不接受通过此地址访问，请使用服务器显示的地址' })
    expect((await rpc('auth.setup', { name: 'x', login: 'evil', password: 'secret123' }, { host: `evil.example:${port}`, 'accept-language': 'en' })).json().message).toMatch(/does not answer at that address/)
    expect((await rpc('auth.setup', { name: 'x', login: 'evil', password: 'secret123' }, { host: 'evil.example' })).status).toBe(421)
    expect(served.host.core.auth.needsSetup()).toBe(true)
    expect((await request('/', { headers: { host: `evil.example:${port}` } })).status).toBe(421)
    expect((await request('/', { headers: { host: `127.0.0.1:${port + 1}` } })).status).toBe(421)
    expect((await request('/', { headers: { host: `127.0.0.1.evil.example:${port}` } })).status).toBe(421)
    expect((await request('/', { headers: { host: `evil.example@127.0.0.1:${port}` } })).status).toBe(421)
  })

  it('accepts loopback names and addresses, and the configured public name, with the port', async () => {
    for (const name of ['127.0.0.1', 'localhost', 'LOCALHOST', '[::1]', 'crm.office.lan', hostname(), `${hostname()}.local`]) {
      const res = await request('/', { headers: { host: `${name}:${port}` } })
      expect(res.status, name).toBe(200)
    }
    const status = await rpc('system.status', {}, { host: `localhost:${port}` })
    expect(status.json()).toMatchObject({ ok: true, data: { needsSetup: true } })
  })
})

let admin: Actor
let repA: Actor
let repB: Actor
let cookieA: string
let cookieB: string
let adminCookie: string
let formId: number
let fieldIds: Record<string, number>
let recordA: number
let recordB: number
const hashes: Record<string, string> = {}

describe('signed-in setup', () => {
  it('first run over the right host creates the administrator and sets the unprefixed cookie over http', async () => {
    const setup = await rpc('auth.setup', { name: '王总', login: 'wang', password: 'secret123' })
    expect(setup.json().ok).toBe(true)
    const cookie = String(setup.headers['set-cookie']?.[0])
    expect(cookie).toMatch(/^jimu_session=[^;]+; HttpOnly; SameSite=Strict; Path=\//)
    expect(cookie).not.toMatch(/Secure/)
    adminCookie = cookie.split(';')[0]!
    const core = served.host.core
    admin = toActor(core.auth.user((await core.auth.login('wang', 'secret123')).user.id)!)
    // A cookie under the TLS name is not read over plain http.
    expect((await rpc('apps.list', {}, { cookie: `__Host-${adminCookie}` })).json().error.code).toBe('UNAUTHENTICATED')
    expect((await rpc('apps.list', {}, { cookie: adminCookie })).json().ok).toBe(true)

    // Two sales reps on one form: attachments, a hidden attachment field, a sub-table of scans.
    const repRole = core.org.roles().find((r) => r.key === 'sales_rep')!.id
    const user = async (name: string, login: string) => toActor(core.auth.user(await core.org.createUser(admin.id, { name, login, password: 'secret123', roleIds: [repRole] }))!)
    repA = await user('张三', 'zhang')
    repB = await user('李四', 'li')
    const app = core.schema.createApp({ label: '销售管理' })
    const form = core.schema.createForm({
      appId: app.id, label: '合同', fields: [
        { label: '合同名称', apiKey: 'name', type: 'text' },
        { label: '附件', apiKey: 'files', type: 'attachment' },
        { label: '内部附件', apiKey: 'secret', type: 'attachment' },
        { label: '明细', apiKey: 'lines', type: 'subtable', children: [{ label: '品名', apiKey: 'item', type: 'text' }, { label: '扫描件', apiKey: 'scan', type: 'attachment' }] }
      ]
    })
    formId = form.id
    const model = core.schema.form(form.id)
    const lines = model.byKey.get('lines')!
    fieldIds = { files: model.byKey.get('files')!.id, secret: model.byKey.get('secret')!.id, lines: lines.id, scan: model.children.get(lines.id)!.find((c) => c.apiKey === 'scan')!.id }
    core.org.setPermission(admin.id, repRole, { formId, actions: ['view', 'create', 'edit'], scope: 'own', scopeFilter: null, fieldRules: { [fieldIds.secret!]: 'hidden' } })
    // Each file uploaded by whoever attaches it (a rep may attach only files they may read).
    const put = (key: string, name: string, data: Buffer, by = admin.id) => (hashes[key] = core.attachments.put(name, 'application/octet-stream', data.toString('base64'), by).hash)
    put('a', '甲合同.txt', Buffer.from('甲合同正文'), repA.id)
    put('secret', '底价.txt', Buffer.from('底价 80 万'))
    put('scan', '扫描件.txt', Buffer.from('扫描件'))
    put('b', '乙合同.txt', Buffer.from('乙合同正文'), repB.id)
    recordA = core.writes.create(repA, formId, { name: '甲', files: [hashes.a] })
    core.writes.update(admin, formId, recordA, { secret: [hashes.secret], lines: [{ item: '服务器', scan: [hashes.scan] }] })
    recordB = core.writes.create(repB, formId, { name: '乙', files: [hashes.b] })
    cookieA = `jimu_session=${(await core.auth.login('zhang', 'secret123')).token}`
    cookieB = `jimu_session=${(await core.auth.login('li', 'secret123')).token}`
  })
})

describe('the app’s calls (rpc): Origin', () => {
  it('accepts its own origin and calls without one', async () => {
    expect((await rpc('apps.list', {}, { cookie: adminCookie, origin: `http://127.0.0.1:${port}`, 'sec-fetch-site': 'same-origin' })).json().ok).toBe(true)
    expect((await rpc('apps.list', {}, { cookie: adminCookie })).json().ok).toBe(true)
  })

  it('refuses another port, another scheme, null and malformed origins with a translated 403', async () => {
    for (const origin of [`http://127.0.0.1:${port + 1}`, `https://127.0.0.1:${port}`, 'http://evil.example', 'null', 'http://[', 'not a url', 'file:///etc/passwd']) {
      const res = await rpc('apps.create', { label: '跨站' }, { cookie: adminCookie, origin })
      expect(res.status, origin).toBe(403)
      expect(res.json(), origin).toMatchObject({ code: 'PERMISSION', message: '已拒绝来自其他网站的请求' })
    }
    for (const site of ['cross-site', 'same-site']) expect((await rpc('apps.create', { label: '跨站' }, { cookie: adminCookie, 'sec-fetch-site': site })).status).toBe(403)
    expect((await rpc('apps.list', {}, { cookie: adminCookie })).json().data.map((a: { label: string }) => a.label)).toEqual(['销售管理'])
  })
})

describe('REST: Bearer tokens only', () => {
  it('ignores the session cookie, so a form posted from another page changes nothing', async () => {
    const created = await request('/api/v1/forms/' + formId + '/records', { body: { name: '伪造' }, headers: { cookie: cookieA, origin: `http://127.0.0.1:${port + 1}` } })
    expect(created.status).toBe(401)
    const form = await request(`/api/v1/forms/${formId}/records`, { method: 'POST', body: 'name=伪造', headers: { cookie: cookieA, 'content-type': 'application/x-www-form-urlencoded' } })
    expect(form.status).toBe(415)
    expect((await request(`/api/v1/forms/${formId}/records`, { headers: { cookie: cookieA } })).status).toBe(401)
    const token = (await served.host.core.auth.login('zhang', 'secret123')).token
    const listed = await request(`/api/v1/forms/${formId}/records`, { headers: { authorization: `Bearer ${token}` } })
    expect(listed.status).toBe(200)
    expect(listed.json().records.map((r: { fields: { name: string } }) => r.fields.name)).toEqual(['甲'])
  })
})

describe('security headers', () => {
  it('the app page gets a strict CSP, no framing, no referrer, nosniff, and no HSTS over plain http', async () => {
    const page = await request('/')
    expect(page.status).toBe(200)
    const csp = String(page.headers['content-security-policy'])
    expect(csp).toContain("script-src 'self'")
    expect(csp).not.toMatch(/script-src[^;]*unsafe/)
    expect(csp).toContain("frame-ancestors 'none'")
    expect(csp).toContain("object-src 'none'")
    expect(page.headers['x-frame-options']).toBe('DENY')
    expect(page.headers['x-content-type-options']).toBe('nosniff')
    expect(page.headers['referrer-policy']).toBe('no-referrer')
    expect(page.headers['cross-origin-opener-policy']).toBe('same-origin')
    expect(page.headers['strict-transport-security']).toBeUndefined()
    const script = await request('/assets/app.js')
    expect(script.headers['content-type']).toMatch(/^text\/javascript/)
    expect(script.headers['x-content-type-options']).toBe('nosniff')
    const api = await rpc('system.status', {})
    expect(api.headers['x-content-type-options']).toBe('nosniff')
    expect(api.headers['strict-transport-security']).toBeUndefined()
  })
})

describe('client mistakes get a clear 4xx, never a 500 or a stack', () => {
  it('invalid JSON, wrong content type, oversized body, bad escapes, wrong method', async () => {
    const bad = await rpc('apps.list', '{"oops', { cookie: adminCookie })
    expect(bad.status).toBe(400)
    expect(bad.json()).toMatchObject({ code: 'BAD_REQUEST', message: '请求内容不是有效的 JSON' })
    const plain = await request('/rpc/apps.list', { body: '{}', headers: { cookie: adminCookie, 'content-type': 'text/plain' } })
    expect(plain.status).toBe(415)
    expect(plain.json().message).toBe('请求内容的类型必须是 application/json')
    const huge = await request('/rpc/apps.list', { body: '{}', headers: { cookie: adminCookie, 'content-length': String(200 * 1024 * 1024) } })
    expect(huge.status).toBe(413)
    expect(huge.json().message).toBe('请求内容过大（上限 100 MB）')
    for (const path of ['/rpc/%E0%A4%A', '/%E0', '/files/%E0', '/api/v1/forms/%E0/records']) {
      const res = await request(path, path.startsWith('/rpc') ? { body: {} } : {})
      expect(res.status, path).toBe(400)
      expect(res.text).not.toMatch(/at .*\.ts|node_modules|\/work\//)
    }
    expect((await request('/rpc/apps.list')).status).toBe(405)
  })

  it('an upload whose type carries a line break or junk is refused, naming the field', async () => {
    for (const mime of ['text/html\r\nSet-Cookie: jimu_session=x', 'image/png\n', '../../etc', 'a b/c']) {
      const res = await rpc('attachments.upload', { name: 'a.png', mime, data: PNG.toString('base64') }, { cookie: cookieA })
      expect(res.status).toBe(200)
      expect(res.json().error, mime).toMatchObject({ code: 'VALIDATION', field: 'mime', message: '文件类型格式不正确' })
    }
    const name = await rpc('attachments.upload', { name: 'a\r\n.png', mime: 'image/png', data: PNG.toString('base64') }, { cookie: cookieA })
    expect(name.json().error).toMatchObject({ code: 'VALIDATION', field: 'name' })
  })
})

const file = (hash: string, query: string, cookie: string, headers: Record<string, string> = {}) => request(`/files/${hash}${query ? `?${query}` : ''}`, { headers: { cookie, ...headers } })
const at = (record: number, field: string) => `form=${formId}&record=${record}&field=${fieldIds[field]}`

describe('attachment downloads: only what the caller may read', () => {
  it('a rep gets the files of their own record, its sub-table rows included', async () => {
    const own = await file(hashes.a!, at(recordA, 'files'), cookieA)
    expect(own.status).toBe(200)
    expect(own.text).toBe('甲合同正文')
    expect(own.headers['content-disposition']).toBe(`attachment; filename*=UTF-8''${encodeURIComponent('甲合同.txt')}`)
    expect((await file(hashes.scan!, at(recordA, 'scan'), cookieA)).status).toBe(200)
  })

  it('refuses another rep’s record, a file not in the named field, and a hidden field', async () => {
    expect((await file(hashes.b!, at(recordB, 'files'), cookieA)).status).toBe(404)
    expect((await file(hashes.b!, at(recordA, 'files'), cookieA)).status).toBe(404)
    expect((await file(hashes.b!, '', cookieA)).status).toBe(404)
    expect((await file(hashes.scan!, at(recordA, 'files'), cookieA)).status).toBe(404)
    const hidden = await file(hashes.secret!, at(recordA, 'secret'), cookieA)
    expect(hidden.status).toBe(404)
    expect(hidden.text).not.toContain('底价')
    // The administrator reads every field of every record.
    expect((await file(hashes.secret!, at(recordA, 'secret'), adminCookie)).status).toBe(200)
    expect((await file(hashes.b!, at(recordB, 'files'), cookieB)).status).toBe(200)
  })

  it('an unattached upload is the uploader’s alone; nobody signed in gets nothing', async () => {
    const up = await rpc('attachments.upload', { name: '草稿.txt', mime: 'text/plain', data: Buffer.from('李四的草稿').toString('base64') }, { cookie: cookieB })
    const hash = up.json().data.hash as string
    expect((await file(hash, '', cookieB)).status).toBe(200)
    expect((await file(hash, '', cookieA)).status).toBe(404)
    expect((await file(hash, at(recordA, 'files'), cookieA)).status).toBe(404)
    expect((await file(hash, '', '')).status).toBe(401)
    expect((await file(hash, 'form=abc&record=1&field=1', cookieB)).status).toBe(400)
  })

  it('a file embedded from another site gets nothing', async () => {
    expect((await file(hashes.a!, at(recordA, 'files'), cookieA, { 'sec-fetch-site': 'cross-site' })).status).toBe(403)
    expect((await file(hashes.a!, at(recordA, 'files'), cookieA, { 'sec-fetch-site': 'same-site' })).status).toBe(403)
  })
})

describe('files can never run as the app', () => {
  const upload = async (name: string, mime: string, data: Buffer, cookie = cookieA) => (await rpc('attachments.upload', { name, mime, data: data.toString('base64') }, { cookie })).json().data as { hash: string; mime: string; name: string }

  it('HTML claiming to be a PNG is typed from its bytes and served as a sandboxed download', async () => {
    const fake = await upload('头像.png', 'image/png', HTML)
    expect(fake.mime).toBe('text/html')
    const res = await file(fake.hash, '', cookieA)
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toBe('text/html')
    expect(res.headers['content-disposition']).toMatch(/^attachment;/)
    expect(res.headers['x-content-type-options']).toBe('nosniff')
    expect(res.headers['content-security-policy']).toMatch(/(^|; )sandbox(;|$)/)
    expect(res.headers['content-security-policy']).toContain("default-src 'none'")
  })

  it('SVG downloads; a real PNG stays inline with the same protections', async () => {
    const svg = await upload('logo.svg', 'image/svg+xml', SVG)
    const res = await file(svg.hash, '', cookieA)
    expect(res.headers['content-type']).toBe('image/svg+xml')
    expect(res.headers['content-disposition']).toMatch(/^attachment;/)
    const png = await upload('截图', 'application/octet-stream', PNG)
    expect(png.mime).toBe('image/png')
    const img = await file(png.hash, '', cookieA)
    expect(img.headers['content-type']).toBe('image/png')
    expect(img.headers['content-disposition']).toMatch(/^inline;/)
    expect(img.headers['content-security-policy']).toMatch(/sandbox/)
    expect(img.headers['cache-control']).toBe('private, no-cache')
    const again = await file(png.hash, '', cookieA, { 'if-none-match': String(img.headers.etag) })
    expect(again.status).toBe(304)
    expect((await file(png.hash, '', cookieB, { 'if-none-match': String(img.headers.etag) })).status).toBe(404)
  })

  it('the second uploader of the same bytes is told their own name, and the first keeps theirs', async () => {
    const bytes = Buffer.from('同一份报价单的内容')
    const first = await upload('张三-报价.txt', 'text/plain', bytes, cookieA)
    const second = await upload('李四-合同附件.txt', 'application/pdf', bytes, cookieB)
    expect(second.hash).toBe(first.hash)
    expect(second.name).toBe('李四-合同附件.txt')
    expect(second.mime).toBe('text/plain')
    expect((await file(second.hash, '', cookieB)).headers['content-disposition']).toContain(encodeURIComponent('李四-合同附件.txt'))
    expect((await file(first.hash, '', cookieA)).headers['content-disposition']).toContain(encodeURIComponent('张三-报价.txt'))
  })
})

describe('over TLS', () => {
  let tlsServed: Awaited<ReturnType<typeof servedCore>>
  let tls: TlsMaterial
  let certDir: string
  beforeAll(async () => {
    certDir = mkdtempSync(join(tmpdir(), 'jimu-tls-'))
    tls = await loadOrCreateCertificate(certDir, ['crm.office.lan'])
    tlsServed = await servedCore({ prefix: 'jimu-https-sec-', rendererDir: renderer, tls })
    await tlsServed.host.core.auth.setup({ name: '王总', login: 'wang', password: 'secret123' })
  }, 60_000)
  afterAll(async () => {
    await tlsServed.close()
    rmSync(certDir, { recursive: true, force: true })
  })
  const tlsRequest = (path: string, headers: Record<string, string> = {}, body?: unknown) =>
    rawRequest(tlsServed.port, { ca: tls.cert, path, method: body === undefined ? 'GET' : 'POST', body: body === undefined ? undefined : JSON.stringify(body), headers: { host: `127.0.0.1:${tlsServed.port}`, 'content-type': 'application/json', ...headers } })

  it('puts the public name in the certificate, sends HSTS, and uses the __Host- cookie only', async () => {
    const { X509Certificate } = await import('node:crypto')
    expect(new X509Certificate(tls.cert).subjectAltName).toContain('DNS:crm.office.lan')
    const page = await tlsRequest('/')
    expect(page.headers['strict-transport-security']).toMatch(/^max-age=\d+/)
    const login = await tlsRequest('/rpc/auth.login', { origin: `https://127.0.0.1:${tlsServed.port}` }, { login: 'wang', password: 'secret123' })
    const cookie = String(login.headers['set-cookie']?.[0])
    expect(cookie).toMatch(/^__Host-jimu_session=[^;]+; HttpOnly; SameSite=Strict; Path=\/; Secure/)
    expect(cookie).not.toMatch(/Domain=/i)
    const pair = cookie.split(';')[0]!
    expect((await tlsRequest('/rpc/apps.list', { cookie: pair }, {})).json().ok).toBe(true)
    expect((await tlsRequest('/rpc/apps.list', { cookie: pair.replace('__Host-', '') }, {})).json().error.code).toBe('UNAUTHENTICATED')
    expect((await tlsRequest('/rpc/apps.list', { cookie: pair, origin: `http://127.0.0.1:${tlsServed.port}` }, {})).status).toBe(403)
  })
})
