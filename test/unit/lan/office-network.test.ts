import { X509Certificate } from 'node:crypto'
import { EventEmitter } from 'node:events'
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { connect } from 'node:tls'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { CoreHost } from '../../../src-main/api/host'
import { Dispatcher } from '../../../src-main/api/dispatcher'
import { caDer, hasOfficeCa, loadOrCreateOfficeCa, serverMaterial } from '../../../src-main/lan/ca'
import { exportArchive, unpackArchive } from '../../../src-main/backups/archive'
import { HostTransport, confirmCode, loadPairedHost, pairedHostOf, pairingStatus, savePairedHost, startPairing } from '../../../src-main/lan/client'
import { LanDevices } from '../../../src-main/lan/devices'
import { LanShare, readLanSettings } from '../../../src-main/lan/share'
import { advertise, browse, type FoundHost } from '../../../src-main/lan/mdns'
import { TEST_PASSWORD_COST, rejected } from '../../support/core'

// The office network end to end on loopback: a host (one data folder, sharing on) and a client
// PC (another data folder) pair with approval, the client pins the office CA, signs in as a user
// and is cut off when revoked; every security property of the LAN side has its check here.

const cleanup: Array<() => Promise<void> | void> = []
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!()
})

const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'jimu-lan-'))
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

async function startHost(options: { pairPerMinute?: number } = {}) {
  const dataDir = tempDir()
  const host = await CoreHost.open({ dataDir, passwordCost: TEST_PASSWORD_COST })
  await host.core.auth.setup({ name: '管理员', login: 'admin', password: 'secret123' })
  const share = new LanShare({ host, dispatcher: new Dispatcher(host), rendererDir: null, dataDir, bind: '127.0.0.1', port: 0, helpPort: 0, mdns: false, addresses: () => [], pairPerMinute: options.pairPerMinute ?? 100 })
  await share.setSharing(true, 1)
  cleanup.push(async () => {
    await share.shutdown()
    host.close()
  })
  return { dataDir, host, share, devices: () => new LanDevices(host.core.db, host.core.clock, host.core.audit) }
}

/** A raw request, for the checks a well-behaved client would never trigger. */
function raw(url: string, options: { method?: string; headers?: Record<string, string>; body?: string; ca?: string }): Promise<{ status: number; text: string; body: Buffer; headers: Record<string, unknown> }> {
  const target = new URL(url)
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest
  return new Promise((resolve, reject) => {
    const req = send(target, { method: options.method ?? 'GET', headers: options.headers, agent: false, ...(target.protocol === 'https:' ? { ca: options.ca, checkServerIdentity: () => undefined } : {}) }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), text: Buffer.concat(chunks).toString('utf8'), headers: res.headers }))
    })
    req.on('error', reject)
    req.end(options.body)
  })
}

async function addUser(host: CoreHost, login: string) {
  const dispatcher = new Dispatcher(host)
  const { token } = await host.core.auth.login('admin', 'secret123')
  const roles = await dispatcher.call('roles.list', {}, { token })
  const sales = (roles as { data: Array<{ id: number; key: string }> }).data.find((r) => r.key !== 'admin')
  const made = await dispatcher.call('users.create', { name: '王销售', login, password: 'demo12345', roleIds: sales ? [sales.id] : [] }, { token })
  expect(made.ok, JSON.stringify(made)).toBe(true)
}

describe('office certificate authority', () => {
  it('is made once under keys/ (key readable by the owner only) and signs a server certificate for the LAN names, re-issued when an address changes', async () => {
    const dataDir = tempDir()
    const ca = await loadOrCreateOfficeCa(dataDir, '示例公司')
    expect(statSync(join(dataDir, 'keys', 'office-ca.key')).mode & 0o077).toBe(0)
    expect((await loadOrCreateOfficeCa(dataDir, '示例公司')).fingerprint).toBe(ca.fingerprint)
    const caCert = new X509Certificate(ca.certPem)
    expect(caCert.ca).toBe(true)

    const first = await serverMaterial(dataDir, '示例公司', { names: ['front-desk.local'], ips: ['192.168.1.20'] })
    const leaf = new X509Certificate(first.cert)
    expect(leaf.checkIssued(caCert) && leaf.verify(caCert.publicKey)).toBe(true)
    expect(leaf.ca).toBe(false)
    expect(leaf.subjectAltName).toContain('DNS:front-desk.local')
    expect(leaf.subjectAltName).toContain('IP Address:192.168.1.20')
    expect((Date.parse(leaf.validTo) - Date.now()) / 86_400_000).toBeLessThanOrEqual(398)

    expect((await serverMaterial(dataDir, '示例公司', { names: ['front-desk.local'], ips: ['192.168.1.20'] })).cert).toBe(first.cert)
    const moved = await serverMaterial(dataDir, '示例公司', { names: ['front-desk.local'], ips: ['192.168.1.31'] })
    expect(moved.cert).not.toBe(first.cert)
    expect(new X509Certificate(moved.cert).subjectAltName).toContain('IP Address:192.168.1.31')
    expect(moved.caFingerprint).toBe(ca.fingerprint)
  })

  it('travels with the data-folder archive to a new PC, and never replaces a CA the folder has', async () => {
    const office = await startHost()
    const before = await loadOrCreateOfficeCa(office.dataDir, 'x')
    const { path } = await exportArchive(office.host.core.db, office.dataDir, tempDir(), Date.now())
    const newPc = tempDir()
    await unpackArchive(readFileSync(path), 'archive.zip', newPc, (write) => {
      write(join(newPc, 'staged.db'))
      return 'staged.db'
    })
    expect(hasOfficeCa(newPc)).toBe(true)
    expect((await loadOrCreateOfficeCa(newPc, 'x')).fingerprint).toBe(before.fingerprint)
    expect(statSync(join(newPc, 'keys', 'office-ca.key')).mode & 0o077).toBe(0)

    const other = tempDir()
    const own = await loadOrCreateOfficeCa(other, 'y')
    await unpackArchive(readFileSync(path), 'archive.zip', other, (write) => {
      write(join(other, 'staged.db'))
      return 'staged.db'
    })
    expect((await loadOrCreateOfficeCa(other, 'y')).fingerprint).toBe(own.fingerprint)
  })
})

describe('host and client PC', () => {
  it('pair with the administrator\'s approval, pin the office CA, sign in, refuse a wrong CA, and revoking cuts the PC off', async () => {
    const office = await startHost()
    await addUser(office.host, 'wang')
    const clientDir = tempDir()
    const address = `127.0.0.1:${office.share.port}`

    const session = await startPairing(address, '前台电脑')
    const pending = office.devices().list()
    expect(pending).toHaveLength(1)
    expect(pending[0]).toMatchObject({ name: '前台电脑', status: 'pending', code: session.code })
    expect(session.fingerprint).toBe((await office.share.status()).fingerprint)

    // The code binds the exchange: a different one is refused on the client.
    expect((await rejected(Promise.resolve().then(() => confirmCode(session, session.code === '000000' ? '111111' : '000000')))).messageKey).toBe('lan.client.codeMismatch')
    confirmCode(session, session.code)

    // Refused without approval: the request is pending and the device may not call the host.
    expect(await pairingStatus(session)).toBe('pending')
    const early = new HostTransport(pairedHostOf(session), { retries: 0, delayMs: 0 })
    const refused = await early.call('system.status', {})
    expect(refused.ok).toBe(false)
    expect((refused.error as { messageKey: string }).messageKey).toBe('lan.error.deviceRefused')

    office.devices().decide(session.id, true, 1)
    expect(await pairingStatus(session)).toBe('approved')
    savePairedHost(clientDir, pairedHostOf(session))
    const paired = loadPairedHost(clientDir)!
    expect(paired.fingerprint).toBe(session.fingerprint)

    const transport = new HostTransport(paired, { retries: 0, delayMs: 0 })
    const login = await transport.call('auth.login', { login: 'wang', password: 'demo12345' })
    expect(login.ok, JSON.stringify(login)).toBe(true)
    const me = await transport.call('auth.me', {})
    expect(me).toMatchObject({ ok: true, data: { login: 'wang' } })
    const listed = office.devices().list()
    expect(listed[0]).toMatchObject({ name: '前台电脑', status: 'approved', user: '王销售' })
    expect(listed[0]!.lastSeenAt).not.toBeNull()
    expect((await office.share.status()).connected.map((c) => c.user)).toContain('王销售')

    // A server with another CA at the pinned address is refused, never retried as "unreachable".
    const impostor = await startHost()
    const fooled = new HostTransport({ ...paired, url: `https://127.0.0.1:${impostor.share.port}` }, { retries: 0, delayMs: 0 })
    expect((await rejected(fooled.call('system.status', {}))).messageKey).toBe('lan.client.wrongCertificate')

    // Revoke: the device is refused and its session is gone even without the device header.
    const token = (login.data as { token: string }).token
    office.devices().revoke(session.id, 1)
    // The administrator's decisions are in the audit trail.
    expect(office.host.core.db.prepare("SELECT op FROM change_log WHERE op LIKE 'lan.%' ORDER BY id").pluck().all()).toEqual(['lan.sharing', 'lan.approve', 'lan.revoke'])
    const after = await transport.call('auth.me', {})
    expect((after.error as { messageKey: string }).messageKey).toBe('lan.error.deviceRefused')
    const bare = await raw(`https://127.0.0.1:${office.share.port}/rpc/auth.me`, { method: 'POST', ca: paired.caPem, headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: '{}' })
    expect(JSON.parse(bare.text)).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } })
    expect(office.devices().list()).toHaveLength(0)
  })

  it('sharing off stops serving at once and ends LAN sessions; on is remembered across restarts; an unreachable host reads as such', async () => {
    const office = await startHost()
    await addUser(office.host, 'wang')
    const session = await startPairing(`127.0.0.1:${office.share.port}`, 'PC-2')
    confirmCode(session, session.code)
    office.devices().decide(session.id, true)
    const transport = new HostTransport(pairedHostOf(session), { retries: 0, delayMs: 0 })
    expect((await transport.call('auth.login', { login: 'wang', password: 'demo12345' })).ok).toBe(true)
    const states: string[] = []
    transport.onState((s) => states.push(s))

    // A sign-in through the REST route over the LAN is a LAN session too.
    const ca = (await loadOrCreateOfficeCa(office.dataDir, 'x')).certPem
    const rest = await raw(`https://127.0.0.1:${office.share.port}/api/v1/auth/login`, { method: 'POST', ca, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login: 'wang', password: 'demo12345' }) })
    const restToken = (JSON.parse(rest.text) as { token: string }).token
    expect(office.host.core.auth.resolve(restToken)).not.toBeNull()

    const port = office.share.port
    await office.share.setSharing(false)
    expect(office.host.core.auth.resolve(restToken)).toBeNull()
    expect(readLanSettings(office.host).sharing).toBe(false)
    expect(office.host.core.db.prepare('SELECT COUNT(*) FROM lan_sessions').pluck().get()).toBe(0)
    expect((await rejected(transport.call('auth.me', {}))).messageKey).toBe('lan.client.unreachable')
    expect(transport.state).toBe('unreachable')
    expect(states).toEqual(['unreachable'])
    expect(port).toBeGreaterThan(0)

    await office.share.setSharing(true)
    const again = new LanShare({ host: office.host, dispatcher: new Dispatcher(office.host), rendererDir: null, dataDir: office.dataDir, bind: '127.0.0.1', port: 0, helpPort: 0, mdns: false, addresses: () => [] })
    await office.share.shutdown()
    await again.resume()
    cleanup.push(() => again.shutdown())
    expect(again.running).toBe(true)
    // The device stays paired across the restart; its old session ended with sharing off.
    const moved = new HostTransport({ ...pairedHostOf(session), url: `https://127.0.0.1:${again.port}` }, { retries: 0, delayMs: 0 })
    expect(await moved.call('auth.me', {})).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } })
  })
})

describe('a changed address', () => {
  it('gets a new server certificate on the running server, from the same CA, without dropping the paired PC', async () => {
    const dataDir = tempDir()
    const host = await CoreHost.open({ dataDir, passwordCost: TEST_PASSWORD_COST })
    await host.core.auth.setup({ name: '管理员', login: 'admin', password: 'secret123' })
    let ips = ['10.0.0.5']
    const share = new LanShare({ host, dispatcher: new Dispatcher(host), rendererDir: null, dataDir, bind: '127.0.0.1', port: 0, helpPort: 0, mdns: false, addresses: () => ips })
    await share.setSharing(true)
    cleanup.push(async () => {
      await share.shutdown()
      host.close()
    })
    const peerSan = () =>
      new Promise<string>((resolve, reject) => {
        const socket = connect({ host: '127.0.0.1', port: share.port, rejectUnauthorized: false }, () => {
          resolve(socket.getPeerCertificate().subjectaltname ?? '')
          socket.end()
        })
        socket.on('error', reject)
      })
    expect(await peerSan()).toContain('IP Address:10.0.0.5')
    ips = ['10.0.0.9']
    await share.recertify()
    const san = await peerSan()
    expect(san).toContain('IP Address:10.0.0.9')
    expect(san).not.toContain('10.0.0.5')
    expect((await share.status()).urls).toContain(`https://10.0.0.9:${share.port}`)
  })
})

describe('LAN security checks', () => {
  it('pairing is rate-limited per address, closed to web pages, and answers only JSON posts', async () => {
    const office = await startHost({ pairPerMinute: 6 })
    const base = `https://127.0.0.1:${office.share.port}`
    const ca = (await office.share.status()) && (await loadOrCreateOfficeCa(office.dataDir, 'x')).certPem
    const post = (headers: Record<string, string> = {}) => raw(`${base}/lan/pair/start`, { method: 'POST', ca, headers: { 'content-type': 'application/json', ...headers }, body: '{}' })

    expect((await post({ origin: 'https://evil.example' })).status).toBe(403)
    expect((await post({ 'sec-fetch-site': 'cross-site' })).status).toBe(403)
    expect((await post({ 'content-type': 'text/plain' })).status).toBe(400)
    const bad = await post()
    expect(bad.status).toBe(422)
    expect(office.devices().list()).toHaveLength(0)
    for (let i = 0; i < 5; i++) await post()
    const limited = await post()
    expect(limited.status).toBe(403)
    expect(JSON.parse(limited.text).messageKey).toBe('lan.error.tooManyPairing')
    // A foreign Host (DNS rebinding) is refused before any route, pairing included.
    expect((await raw(`${base}/lan/pair/start`, { method: 'POST', ca, headers: { host: `evil.example:${office.share.port}`, 'content-type': 'application/json' }, body: '{}' })).status).toBe(421)
    // The app's calls still check Origin on the LAN server.
    const rpc = await raw(`${base}/rpc/system.status`, { method: 'POST', ca, headers: { origin: 'https://evil.example', 'content-type': 'application/json' }, body: '{}' })
    expect(rpc.status).toBe(403)
    // A pending request cannot be approved before the client revealed its nonce, nor with a wrong nonce.
    const devices = office.devices()
    const { id } = devices.request({ name: 'x', commitment: 'a'.repeat(64), secretHash: 'b'.repeat(64), address: null })
    expect(() => devices.decide(id, true)).toThrow(expect.objectContaining({ messageKey: 'lan.error.noCodeYet' }))
    expect(() => devices.reveal(id, 'wrong-nonce-wrong-nonce', 'AA')).toThrow(expect.objectContaining({ messageKey: 'lan.error.badReveal' }))
  })

  it('the plain-HTTP page serves the install guide and the CA certificate, and nothing of the app', async () => {
    const office = await startHost()
    const status = await office.share.status()
    expect(status.helpUrl).toBe(`http://127.0.0.1:${office.share.helpPort}/`)
    expect(status.qrSvg).toMatch(/^<svg/)
    const base = `http://127.0.0.1:${office.share.helpPort}`
    const page = await raw(`${base}/`, {})
    expect(page.status).toBe(200)
    expect(page.text).toContain(status.fingerprint!)
    expect(page.text).toContain('安装办公室证书')
    expect(page.text).toContain('iPhone')
    expect(page.headers['content-security-policy']).toContain("default-src 'none'")
    expect((await raw(`${base}/?lang=en`, {})).text).toContain('Install the office certificate')
    const cert = await raw(`${base}/office-ca.crt`, {})
    expect(cert.headers['content-type']).toBe('application/x-x509-ca-cert')
    expect(cert.body.equals(caDer((await loadOrCreateOfficeCa(office.dataDir, 'x')).certPem))).toBe(true)
    for (const path of ['/rpc/system.status', '/index.html', '/api/openapi.json', '/files/x', '/assets/index.js', '/lan/pair/start']) {
      expect((await raw(`${base}${path}`, {})).status, path).toBe(404)
    }
    expect((await raw(`${base}/rpc/system.status`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBe(405)
    expect((await raw(`${base}/`, { headers: { host: 'evil.example' } })).status).toBe(421)
  })
})

/** multicast-dns over an in-memory bus: loopback has no multicast in this sandbox (see the report). */
function busSocket(bus: EventEmitter) {
  const socket = new EventEmitter() as EventEmitter & Record<string, unknown>
  const deliver = (msg: Buffer, from: unknown) => { if (from !== socket) socket.emit('message', msg, { address: '127.0.0.1', family: 'IPv4', port: 5353, size: msg.length }) }
  Object.assign(socket, {
    bind: (_port: number, _address: unknown, cb: () => void) => { bus.on('packet', deliver); setImmediate(() => { socket.emit('listening'); cb?.() }) },
    send: (buf: Buffer, offset: number, length: number, _port: number, _ip: string, cb?: (e: Error | null) => void) => { bus.emit('packet', Buffer.from(buf.subarray(offset, offset + length)), socket); cb?.(null) },
    close: (cb?: () => void) => { bus.off('packet', deliver); cb?.() },
    address: () => ({ address: '0.0.0.0', family: 'IPv4', port: 5353 }),
    addMembership: () => undefined, dropMembership: () => undefined, setMulticastTTL: () => undefined, setMulticastLoopback: () => undefined, setMulticastInterface: () => undefined
  })
  return socket
}

describe('mDNS', () => {
  it('a client browsing finds the advertised host with its port, certificate page and CA fingerprint', async () => {
    const bus = new EventEmitter()
    const fingerprint = Array.from({ length: 32 }, (_, i) => i.toString(16).padStart(2, '0').toUpperCase()).join(':')
    const ad = advertise({ name: '示例公司 (front-desk)', port: 5171, helpPort: 5172, fingerprint }, { socket: busSocket(bus) } as never)
    let found: FoundHost[] = []
    const seen = new Promise<void>((resolve) => {
      const b = browse((hosts) => {
        found = hosts
        if (hosts.length) resolve()
      }, { socket: busSocket(bus) } as never)
      cleanup.push(() => b.stop())
    })
    cleanup.push(() => ad.stop())
    await seen
    expect(found[0]).toMatchObject({ name: '示例公司 (front-desk)', port: 5171, helpPort: 5172, fingerprint })
  })
})
