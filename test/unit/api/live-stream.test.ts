import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { request as httpRequest, type IncomingMessage } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { toActor } from '../../../src-main/access/auth'
import type { Actor } from '../../../src-main/access/actor'
import { MAX_PER_USER } from '../../../src-main/api/events-stream'
import { pickEncoding } from '../../../src-main/api/compression'
import { rawRequest, servedCore } from '../../support/http'

// The live event stream (GET /events) and compressed, cached responses, over the real server:
// who hears of what (row scope, hidden fields, never a value), the session and origin checks, the
// per-user cap, the end on sign-out; brotli/gzip per Accept-Encoding, immutable hashed assets.

let served: Awaited<ReturnType<typeof servedCore>>
let port: number
let renderer: string
let admin: Actor
let repA: Actor
let repB: Actor
let cookieA: string
let cookieB: string
let tokenA: string
let formId: number

const host = () => `127.0.0.1:${port}`

/** One open stream: its parsed events as they arrive. */
interface Stream { status: number; events: Record<string, unknown>[]; named: string[]; ended: Promise<void>; close(): void; next(pred: (e: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> }

function open(headers: Record<string, string>): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path: '/events', headers: { host: host(), accept: 'text/event-stream', ...headers } }, (res: IncomingMessage) => {
      const events: Record<string, unknown>[] = []
      const named: string[] = []
      const waiters: { pred: (e: Record<string, unknown>) => boolean; done: (e: Record<string, unknown>) => void }[] = []
      let buffer = ''
      let endedResolve: () => void = () => {}
      const ended = new Promise<void>((r) => (endedResolve = r))
      res.on('data', (chunk: Buffer) => {
        buffer += chunk.toString()
        let cut
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut)
          buffer = buffer.slice(cut + 2)
          const name = /^event: (.+)$/m.exec(block)?.[1]
          const data = /^data: (.+)$/m.exec(block)?.[1]
          if (name) named.push(name)
          else if (data) {
            const event = JSON.parse(data) as Record<string, unknown>
            events.push(event)
            for (const w of [...waiters]) if (w.pred(event)) {
              waiters.splice(waiters.indexOf(w), 1)
              w.done(event)
            }
          }
        }
      })
      res.on('end', endedResolve)
      res.on('close', endedResolve)
      resolve({
        status: res.statusCode ?? 0, events, named, ended,
        close: () => req.destroy(),
        next: (pred) => {
          const found = events.find(pred)
          return found ? Promise.resolve(found) : new Promise((done) => waiters.push({ pred, done }))
        }
      })
    })
    req.on('error', reject)
    req.end()
  })
}

/** Wait until the server has delivered everything queued (events go out on the next turn after a write). */
const settle = () => new Promise((r) => setTimeout(r, 50))

beforeAll(async () => {
  renderer = mkdtempSync(join(tmpdir(), 'jimu-live-renderer-'))
  mkdirSync(join(renderer, 'assets'))
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><html><head><script type="module" src="/assets/index-BfK8KwDM.js"></script></head><body></body></html>')
  writeFileSync(join(renderer, 'assets', 'index-BfK8KwDM.js'), 'console.log("积木");\n'.repeat(2000))
  writeFileSync(join(renderer, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"></svg>')
  served = await servedCore({ prefix: 'jimu-live-', rendererDir: renderer })
  port = served.port
  const core = served.host.core
  const { user } = await core.auth.setup({ name: '管理员', login: 'admin', password: 'secret123' })
  admin = toActor(user)
  const repRole = core.org.roles().find((r) => r.key === 'sales_rep')!.id
  const make = async (name: string, login: string) => toActor(core.auth.user(await core.org.createUser(admin.id, { name, login, password: 'secret123', roleIds: [repRole] }))!)
  repA = await make('张伟', 'zhangwei')
  repB = await make('王芳', 'wangfang')
  const app = core.schema.createApp({ label: '销售管理' })
  const form = core.schema.createForm({ appId: app.id, label: '商机', fields: [{ label: '名称', apiKey: 'name', type: 'text' }, { label: '金额', apiKey: 'amount', type: 'number' }, { label: '底价', apiKey: 'floor', type: 'number' }] })
  formId = form.id
  const floor = core.schema.form(formId).byKey.get('floor')!.id
  core.org.setPermission(admin.id, repRole, { formId, actions: ['view', 'create', 'edit'], scope: 'own', scopeFilter: null, fieldRules: { [floor]: 'hidden' } })
  tokenA = (await core.auth.login('zhangwei', 'secret123')).token
  cookieA = `jimu_session=${tokenA}`
  cookieB = `jimu_session=${(await core.auth.login('wangfang', 'secret123')).token}`
})
afterAll(async () => {
  await served?.close()
  rmSync(renderer, { recursive: true, force: true })
})

describe('GET /events', () => {
  it('needs a session cookie from our own origin and host', async () => {
    expect((await rawRequest(port, { path: '/events', headers: { host: host() } })).status).toBe(401)
    expect((await rawRequest(port, { path: '/events', headers: { host: host(), cookie: 'jimu_session=forged' } })).json()).toMatchObject({ code: 'UNAUTHENTICATED' })
    expect((await rawRequest(port, { path: '/events', headers: { host: host(), cookie: cookieA, 'sec-fetch-site': 'cross-site' } })).status).toBe(403)
    expect((await rawRequest(port, { path: '/events', headers: { host: host(), cookie: cookieA, origin: 'http://evil.example' } })).status).toBe(403)
    expect((await rawRequest(port, { path: '/events', headers: { host: `evil.example:${port}`, cookie: cookieA } })).status).toBe(421)
    expect((await rawRequest(port, { path: '/events', method: 'POST', headers: { host: host(), cookie: cookieA } })).status).toBe(405)
    // An integration's API token gets no stream.
    const apiToken = served.host.core.auth.createToken(repA.id, { name: '集成', scope: 'read', expiresInDays: null }).token
    expect((await rawRequest(port, { path: '/events', headers: { host: host(), cookie: `jimu_session=${apiToken}` } })).status).toBe(401)
  })

  it('tells each user only of records in their scope, naming only fields they may read, never values', async () => {
    const a = await open({ cookie: cookieA, 'sec-fetch-site': 'same-origin' })
    const b = await open({ cookie: cookieB })
    expect(a.status).toBe(200)
    expect(a.named).toContain('hello')
    const core = served.host.core
    const mine = core.writes.create(repA, formId, { name: '甲', amount: 100 })
    core.writes.update(admin, formId, mine, { amount: 200, floor: 150 })
    const theirs = core.writes.create(repB, formId, { name: '乙', amount: 5 })

    const created = await a.next((e) => e.kind === 'record' && e.id === mine && e.type === 'created')
    expect(created).toMatchObject({ formId, form: expect.any(String), by: { id: repA.id, name: '张伟' } })
    const updated = await a.next((e) => e.kind === 'record' && e.id === mine && e.type === 'updated')
    expect(updated.fields).toEqual(['amount'])
    expect(updated).toMatchObject({ by: { name: '管理员' }, version: expect.any(Number) })
    expect(JSON.stringify(a.events)).not.toMatch(/floor|150|200|底价/)
    await b.next((e) => e.id === theirs)
    await settle()
    // Outside the row scope: not even the id.
    expect(a.events.some((e) => e.id === theirs)).toBe(false)
    expect(b.events.some((e) => e.id === mine)).toBe(false)
    a.close()
    b.close()
  })

  it('hears of new notifications (the badge, the to-do center) as a signal only', async () => {
    const a = await open({ cookie: cookieA })
    const b = await open({ cookie: cookieB })
    served.host.core.notifications.add({ userId: repA.id, title: '新的待办：合同审批', body: '机密正文' })
    await a.next((e) => e.kind === 'notifications')
    await settle()
    expect(JSON.stringify(a.events)).not.toMatch(/合同审批|机密/)
    expect(b.events.some((e) => e.kind === 'notifications')).toBe(false)
    a.close()
    b.close()
  })

  it('keeps at most MAX_PER_USER streams per user: a new one ends the oldest', async () => {
    const streams: Stream[] = []
    for (let i = 0; i < MAX_PER_USER + 2; i++) streams.push(await open({ cookie: cookieB }))
    await streams[0]!.ended
    await streams[1]!.ended
    expect(streams[0]!.named).toContain('end')
    for (const s of streams) s.close()
  })

  it('ends when the session ends (signing out)', async () => {
    const login = await served.host.core.auth.login('zhangwei', 'secret123')
    const cookie = `jimu_session=${login.token}`
    const a = await open({ cookie })
    const other = await open({ cookie: cookieA })
    const out = await rawRequest(port, { method: 'POST', path: '/rpc/auth.logout', body: '{}', headers: { host: host(), cookie, 'content-type': 'application/json' } })
    expect(out.json().ok).toBe(true)
    await a.ended
    expect(a.named).toContain('end')
    // The same user's other session keeps its stream.
    served.host.core.writes.create(repA, formId, { name: '丙' })
    await other.next((e) => e.kind === 'record' && e.type === 'created')
    other.close()
  })
})

describe('compression and caching', () => {
  it('picks brotli, then gzip, honouring q=0', () => {
    expect(pickEncoding('gzip, deflate, br')).toBe('br')
    expect(pickEncoding('gzip')).toBe('gzip')
    expect(pickEncoding('br;q=0, gzip;q=0.5')).toBe('gzip')
    expect(pickEncoding('identity')).toBeNull()
    expect(pickEncoding(undefined)).toBeNull()
    expect(pickEncoding('*')).toBe('br')
  })

  it('serves hashed assets compressed and immutable, index.html and unhashed files revalidated', async () => {
    const plain = await rawRequest(port, { path: '/assets/index-BfK8KwDM.js', headers: { host: host() } })
    expect(plain.headers['content-encoding']).toBeUndefined()
    expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable')
    const br = await rawRequest(port, { path: '/assets/index-BfK8KwDM.js', headers: { host: host(), 'accept-encoding': 'gzip, deflate, br' } })
    expect(br.headers['content-encoding']).toBe('br')
    expect(br.headers.vary).toMatch(/Accept-Encoding/i)
    expect(br.body.length).toBeLessThan(plain.body.length / 10)
    expect(brotliDecompressSync(br.body).equals(plain.body)).toBe(true)
    const gz = await rawRequest(port, { path: '/assets/index-BfK8KwDM.js', headers: { host: host(), 'accept-encoding': 'gzip' } })
    expect(gz.headers['content-encoding']).toBe('gzip')
    expect(gunzipSync(gz.body).equals(plain.body)).toBe(true)
    const index = await rawRequest(port, { path: '/', headers: { host: host(), 'accept-encoding': 'br' } })
    expect(index.headers['cache-control']).toBe('no-cache')
    expect((await rawRequest(port, { path: '/favicon.svg', headers: { host: host() } })).headers['cache-control']).toBe('no-cache')
  })

  it('compresses large rpc answers only, and only when accepted', async () => {
    const core = served.host.core
    for (let i = 0; i < 60; i++) core.writes.create(repA, formId, { name: `大批量商机 ${i} ${'描述'.repeat(80)}`, amount: i })
    const input = JSON.stringify({ form: formId, limit: 100 })
    const headers = { host: host(), cookie: cookieA, 'content-type': 'application/json' }
    const raw = await rawRequest(port, { method: 'POST', path: '/rpc/records.list', body: input, headers })
    expect(raw.headers['content-encoding']).toBeUndefined()
    const br = await rawRequest(port, { method: 'POST', path: '/rpc/records.list', body: input, headers: { ...headers, 'accept-encoding': 'br, gzip' } })
    expect(br.headers['content-encoding']).toBe('br')
    expect(JSON.parse(brotliDecompressSync(br.body).toString())).toEqual(raw.json())
    expect(br.headers['cache-control']).toBe('no-store')
    const small = await rawRequest(port, { method: 'POST', path: '/rpc/auth.me', body: '{}', headers: { ...headers, 'accept-encoding': 'br, gzip' } })
    expect(small.headers['content-encoding']).toBeUndefined()
    expect(small.json().ok).toBe(true)
  })
})
