import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { request } from 'node:https'
import { X509Certificate } from 'node:crypto'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TEST_PASSWORD_COST } from '../../support/core'
import { CoreHost } from '../../../src-main/api/host'
import { Dispatcher } from '../../../src-main/api/dispatcher'
import { createHttpServer } from '../../../src-main/api/http'
import { loadOrCreateCertificate, type TlsMaterial } from '../../../src-main/api/tls'

// LAN mode: HTTPS with a self-signed certificate kept in the data directory, a Secure session
// cookie, login required for data, and login attempts rate-limited per client address.

let dataDir: string
let host: CoreHost
let server: Server
let tls: TlsMaterial
let port: number

function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any; cookie?: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', ca: tls.cert, headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      let data = ''
      res.on('data', (c) => (data += c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(data), cookie: res.headers['set-cookie']?.[0] }))
    })
    req.on('error', reject)
    req.end(JSON.stringify(body))
  })
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'jimu-lan-'))
  host = await CoreHost.open({ dataDir, passwordCost: TEST_PASSWORD_COST })
  await host.core.auth.setup({ name: '王总', login: 'wang', password: 'secret123' })
  tls = await loadOrCreateCertificate(dataDir)
  server = createHttpServer({ dispatcher: new Dispatcher(host, () => {}), host, rendererDir: null, tls, loginsPerMinute: 5 })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  port = (server.address() as AddressInfo).port
}, 60_000)
afterAll(() => {
  server.close()
  host.close()
  rmSync(dataDir, { recursive: true, force: true })
})

describe('LAN serve mode', () => {
  it('keeps one certificate per data directory and reports its SHA-256 fingerprint', async () => {
    const again = await loadOrCreateCertificate(dataDir)
    expect(again.fingerprint).toBe(tls.fingerprint)
    expect(new X509Certificate(tls.cert).fingerprint256).toBe(tls.fingerprint)
    expect(new X509Certificate(tls.cert).subjectAltName).toContain('IP Address:127.0.0.1')
  })

  it('serves over HTTPS, sets a Secure cookie, and requires login for data', async () => {
    expect((await post('/rpc/apps.list', {})).body.error.code).toBe('UNAUTHENTICATED')
    const login = await post('/rpc/auth.login', { login: 'wang', password: 'secret123' })
    expect(login.body.ok).toBe(true)
    expect(login.cookie).toMatch(/; Secure/)
    const cookie = login.cookie!.split(';')[0]!
    expect((await post('/rpc/apps.list', {}, { cookie })).body).toEqual({ ok: true, data: [] })
  })

  it('rate-limits login attempts per client address', async () => {
    const results = []
    for (let i = 0; i < 6; i++) results.push((await post('/api/v1/auth/login', { login: 'wang', password: 'wrong-password' })).status)
    expect(results.slice(0, 4).every((s) => s === 401)).toBe(true)
    expect(results[5]).toBe(429)
    const limited = await post('/rpc/auth.login', { login: 'wang', password: 'secret123' })
    expect(limited.status).toBe(429)
    expect(limited.body.message).toBe('登录尝试过于频繁，请稍后再试')
  })
})
