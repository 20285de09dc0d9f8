import { mkdtempSync, rmSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { CoreHost } from '../../../src-main/api/host'
import { Dispatcher } from '../../../src-main/api/dispatcher'
import { LiveStream } from '../../../src-main/api/events-stream'
import { LanDevices } from '../../../src-main/lan/devices'
import { advertName, LanShare } from '../../../src-main/lan/share'
import { backoffDelay, OfficeConnection, type Timers } from '../../../src-main/lan/connection'
import { DesktopBridge, type WindowEvent } from '../../../src-main/lan/desktop-bridge'
import { ClientAlerts } from '../../../src-main/lan/client-alerts'
import { choicesOf } from '../../../src-main/lan/discovery'
import { sseParser } from '../../../src-main/lan/host-events'
import { TEST_PASSWORD_COST } from '../../support/core'
import { serveWindowFile } from '../../../src-main/app/files'
import { until } from '../../support/office-laptops'

// The desktop client's main-side logic against a real host core on loopback: the bridge a window's
// IPC reaches pairs with the host (code typed, owner approves), pins the CA, switches the window's
// calls to the host, signs in, hears the host's live events, says "unreachable" when the host
// stops and recovers by itself when it is back; 断开 returns to the local core. Local mode gets
// the same live events over the IPC channel.

const cleanup: Array<() => Promise<void> | void> = []
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!()
})

const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'jimu-client-'))
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}


async function startHost() {
  const dataDir = tempDir()
  const host = await CoreHost.open({ dataDir, passwordCost: TEST_PASSWORD_COST })
  await host.core.auth.setup({ name: '管理员', login: 'admin', password: 'secret123' })
  const share = new LanShare({ host, dispatcher: new Dispatcher(host), rendererDir: null, dataDir, bind: '127.0.0.1', port: 0, helpPort: 0, mdns: false, addresses: () => [], pairPerMinute: 100 })
  await share.setSharing(true, 1)
  cleanup.push(async () => {
    await share.shutdown()
    host.close()
  })
  return { dataDir, host, share, devices: () => new LanDevices(host.core.db, host.core.clock, host.core.audit) }
}

async function startClientPc(backoff = { baseMs: 50, maxMs: 200 }) {
  const dataDir = tempDir()
  const host = await CoreHost.open({ dataDir, passwordCost: TEST_PASSWORD_COST })
  const live = new LiveStream(host)
  const events: WindowEvent[] = []
  const bridge = new DesktopBridge({ dispatcher: new Dispatcher(host), live, dataDir, send: (_id, e) => events.push(e), windows: () => [1], deviceName: '前台的电脑', mdns: false as never, backoff, pollMs: 50 })
  cleanup.push(async () => {
    await bridge.close()
    live.close()
    host.close()
  })
  return { dataDir, host, bridge, events, live: () => events.filter((e): e is Extract<WindowEvent, { channel: 'live' }> => e.channel === 'live').map((e) => JSON.parse(e.data) as { kind: string }) }
}

describe('desktop client (连接到办公室的电脑)', () => {
  it('pairs by code with the owner\'s approval, switches the window to the host, signs in, hears live events, survives the host going away, and 断开 returns to local', async () => {
    const office = await startHost()
    const pc = await startClientPc()
    const url = `https://127.0.0.1:${office.share.port}`

    expect(pc.bridge.mode).toBe('local')
    let snap = await pc.bridge.office('pair', { address: `127.0.0.1:${office.share.port}`, name: '示例公司 (office-pc)' })
    expect(snap.pairing.step).toBe('code')
    const pending = office.devices().list().find((d) => d.status === 'pending')!
    expect(pending.name).toBe('前台的电脑')
    // A wrong code is refused and nothing is kept; the right one moves on to waiting.
    snap = await pc.bridge.office('code', { code: pending.code === '000000' ? '111111' : '000000' })
    expect(snap.pairing).toMatchObject({ step: 'code', mistakes: 1, error: { messageKey: 'lan.client.codeMismatch' } })
    snap = await pc.bridge.office('code', { code: pending.code })
    expect(snap.pairing.step).toBe('waiting')
    expect(pc.bridge.mode).toBe('local')
    office.devices().decide(pending.id, true, 1)
    await until(() => pc.bridge.snapshot(), (s) => s.connection.status === 'connected')
    expect(pc.bridge.mode).toBe('client')
    expect(existsSync(join(pc.dataDir, 'keys', 'office-host.json'))).toBe(true)
    expect(pc.bridge.snapshot().connection.host).toMatchObject({ name: '示例公司 (office-pc)', url })

    // The window's calls now reach the host: sign in as a user there.
    expect((await pc.bridge.invoke(1, 'system.status', {})).ok).toBe(true)
    expect((await pc.bridge.invoke(1, 'auth.me', {})).ok).toBe(false)
    const login = await pc.bridge.invoke(1, 'auth.login', { login: 'admin', password: 'secret123' })
    expect(login.ok).toBe(true)
    expect(((await pc.bridge.invoke(1, 'auth.me', {})).data as { name: string }).name).toBe('管理员')
    await until(() => pc.bridge.snapshot().connection, (c) => c.live && c.signedIn)

    // Attachments come from the host too, as the window's user there (jimu-file:// → the host's /files).
    const upload = await pc.bridge.invoke(1, 'attachments.upload', { name: '报价单.pdf', mime: 'application/pdf', data: Buffer.from('%PDF-1.4 报价').toString('base64') })
    const { hash } = upload.data as { hash: string }
    // Stored at the host, not on this PC.
    const storedHere = (h: string, core: typeof pc.host.core) => core.db.prepare('SELECT COUNT(*) FROM attachments WHERE hash = ?').pluck().get(h)
    expect(storedHere(hash, pc.host.core)).toBe(0)
    expect(storedHere(hash, office.host.core)).toBe(1)
    const served = await serveWindowFile(pc.host, pc.bridge, { url: `jimu-file://files/${hash}`, headers: new Headers() }, 'zh-CN')
    expect(served.status).toBe(200)
    expect(served.headers.get('content-type')).toBe('application/pdf')
    expect(Buffer.from(await served.arrayBuffer()).toString()).toBe('%PDF-1.4 报价')
    const cached = await serveWindowFile(pc.host, pc.bridge, { url: `jimu-file://files/${hash}`, headers: new Headers({ 'if-none-match': served.headers.get('etag')! }) })
    expect(cached.status).toBe(304)
    // Another user's upload is not this user's to fetch; neither is anything before signing in.
    const colleague = await office.host.core.org.createUser(1, { name: '张伟', login: 'zhangwei', password: 'secret123', roleIds: [] })
    const other = office.host.core.attachments.put('别人的.txt', 'text/plain', Buffer.from('别人的文件').toString('base64'), colleague)
    expect((await pc.bridge.connection.file(`jimu-file://files/${other.hash}`)).status).toBe(404)
    expect((await pc.bridge.connection.file('jimu-file://files/not-a-hash')).status).toBe(400)

    // A notification at the host reaches the window as the same event a browser gets over SSE,
    // and the client's tray/notification check finds it new.
    const alerts = new ClientAlerts((m, i) => pc.bridge.invoke(1, m, i))
    const first = await alerts.check()
    expect(first).toMatchObject({ show: [] })
    const before = pc.live().length
    office.host.core.notifications.add({ userId: 1, title: '审批提醒', body: '合同待审批', desktop: true })
    await until(() => pc.live().slice(before), (l) => l.some((e) => e.kind === 'notifications'))
    const second = await alerts.check()
    expect(second!.show.map((n) => n.title)).toEqual(['审批提醒'])
    expect(second!.waiting.notifications).toBe(1)

    // The host stops: calls answer at once — from this PC's replica of the office (who is signed in),
    // or a plain message for what is not available offline — the state says unreachable and retries.
    await office.share.shutdown()
    const down = await pc.bridge.invoke(1, 'auth.me', {}, 'zh-CN')
    expect((down.data as { name: string }).name).toBe('管理员')
    const away = await pc.bridge.invoke(1, 'users.listFull', {}, 'zh-CN')
    expect(away.ok).toBe(false)
    expect((away.error as { messageKey: string; message: string }).messageKey).toBe('sync.offline.unavailable')
    expect((away.error as { message: string }).message).toContain('离线时不可用')
    const noFile = await serveWindowFile(pc.host, pc.bridge, { url: `jimu-file://files/${hash}`, headers: new Headers() }, 'zh-CN')
    expect(noFile.status).toBe(503)
    expect(await noFile.text()).toContain('连接不上主机')
    const unreachable = await until(() => pc.bridge.snapshot().connection, (c) => c.status === 'unreachable' && c.attempt >= 2)
    expect(unreachable.retryAt).not.toBeNull()
    // Back on the same port: the client recovers by itself, session and stream included.
    const back = new LanShare({ host: office.host, dispatcher: new Dispatcher(office.host), rendererDir: null, dataDir: office.dataDir, bind: '127.0.0.1', port: office.share.port, helpPort: 0, mdns: false, addresses: () => [] })
    await back.setSharing(true, 1)
    cleanup.push(() => back.shutdown())
    await until(() => pc.bridge.snapshot().connection, (c) => c.status === 'connected' && c.live, 10_000)
    expect(((await pc.bridge.invoke(1, 'auth.me', {})).data as { name: string }).name).toBe('管理员')

    // Remembered across restarts: a new bridge on the same data folder resumes client mode.
    const again = new OfficeConnection({ dataDir: pc.dataDir })
    cleanup.push(() => again.close())
    expect(again.resume().mode).toBe('client')
    await until(() => again.view(), (v) => v.status === 'connected')

    // Revoked at the host: refused, nothing retried.
    const device = office.devices().list().find((d) => d.status === 'approved')!
    office.devices().revoke(device.id, 1)
    const refused = await pc.bridge.invoke(1, 'auth.me', {})
    expect((refused.error as { messageKey: string }).messageKey).toBe('lan.error.deviceRefused')
    expect(pc.bridge.snapshot().connection.status).toBe('refused')

    // 断开: back to this PC's own core, the pairing forgotten.
    snap = await pc.bridge.office('disconnect', {})
    expect(snap.connection.mode).toBe('local')
    expect(existsSync(join(pc.dataDir, 'keys', 'office-host.json'))).toBe(false)
    expect(((await pc.bridge.invoke(1, 'system.status', {})).ok)).toBe(true)
  }, 60_000)

  it('a host reached by its typed address is named as the host gives itself, not by its IP address', async () => {
    const office = await startHost()
    office.host.core.settings.setCompany({ name: '示例贸易公司' })
    const pc = await startClientPc()
    let snap = await pc.bridge.office('pair', { address: `127.0.0.1:${office.share.port}` })
    expect(snap.pairing.step).toBe('code')
    expect(snap.pairing.hostName).toBe(advertName(office.host))
    const pending = office.devices().list().find((d) => d.status === 'pending')!
    snap = await pc.bridge.office('code', { code: pending.code })
    office.devices().decide(pending.id, true, 1)
    snap = await until(() => pc.bridge.snapshot(), (s) => s.connection.status === 'connected')
    expect(snap.connection.host!.name).toBe(advertName(office.host))
    expect(snap.connection.host!.name).not.toContain('127.0.0.1')
    // Remembered under that name across restarts.
    const again = new OfficeConnection({ dataDir: pc.dataDir })
    cleanup.push(() => again.close())
    expect(again.resume().host!.name).toBe(advertName(office.host))
  }, 30_000)

  it('refused by the owner, or an address with no host: a plain failure, nothing kept', async () => {
    const office = await startHost()
    const pc = await startClientPc()
    let snap = await pc.bridge.office('pair', { address: `127.0.0.1:${office.share.port}` })
    const pending = office.devices().list().find((d) => d.status === 'pending')!
    snap = await pc.bridge.office('code', { code: pending.code })
    office.devices().decide(pending.id, false, 1)
    snap = await until(() => pc.bridge.snapshot(), (s) => s.pairing.step === 'failed')
    expect(snap.pairing.error?.messageKey).toBe('lan.client.refused')
    expect(pc.bridge.mode).toBe('local')
    await office.share.shutdown()
    snap = await pc.bridge.office('pair', { address: `127.0.0.1:${office.share.port}` })
    expect(snap.pairing).toMatchObject({ step: 'failed', error: { messageKey: 'lan.client.noHostThere' } })
    snap = await pc.bridge.office('pair', { address: 'http://' })
    expect(snap.pairing).toMatchObject({ step: 'failed', error: { messageKey: 'lan.client.badAddress' } })
    expect(existsSync(join(pc.dataDir, 'keys', 'office-host.json'))).toBe(false)
  }, 30_000)

  it('local mode: the window gets the core\'s live events over the IPC channel, and none after signing out', async () => {
    const pc = await startClientPc()
    expect((await pc.bridge.invoke(1, 'auth.setup', { name: '店主', login: 'owner', password: 'secret123' })).ok).toBe(true)
    const token = pc.bridge.localTokens()[0]!
    expect(token).toBeTruthy()
    pc.host.core.notifications.add({ userId: 1, title: '我的', body: '' })
    await until(() => pc.live(), (l) => l.length === 1)
    await new Promise((r) => setTimeout(r, 50))
    expect(pc.live()).toEqual([{ kind: 'notifications' }])
    await pc.bridge.invoke(1, 'auth.logout', {})
    expect(pc.bridge.localTokens()).toEqual([])
    pc.host.core.notifications.add({ userId: 1, title: '之后', body: '' })
    await new Promise((r) => setTimeout(r, 50))
    expect(pc.live()).toHaveLength(1)
  })
})

describe('pieces', () => {
  it('backoff doubles from the base up to the cap, with ±20 % jitter', () => {
    expect([1, 2, 3, 4, 10].map((a) => backoffDelay(a, { baseMs: 1000, maxMs: 30_000 }, () => 0.5))).toEqual([1000, 2000, 4000, 8000, 30_000])
    expect(backoffDelay(1, { baseMs: 1000, maxMs: 30_000 }, () => 0)).toBe(800)
    expect(backoffDelay(1, { baseMs: 1000, maxMs: 30_000 }, () => 1)).toBe(1200)
  })

  it('the unreachable state schedules probes by the backoff on injected timers', async () => {
    const dataDir = tempDir()
    const waits: number[] = []
    const timers: Timers = { now: () => 0, setTimeout: (fn, ms) => { waits.push(ms); return setTimeout(fn, 0) }, clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) }
    const conn = new OfficeConnection({ dataDir, timers, random: () => 0.5, backoff: { baseMs: 1000, maxMs: 4000 } })
    cleanup.push(() => conn.close())
    conn.use({ url: 'https://127.0.0.1:9', caPem: 'x', fingerprint: 'AA', deviceId: 'd', deviceSecret: 's' })
    await until(() => waits.length, (n) => n >= 4)
    expect(waits.slice(0, 4)).toEqual([1000, 2000, 4000, 4000])
    expect(conn.view().status).toBe('unreachable')
  })

  it('host list rows from mDNS answers: IPv4 address and port, de-duplicated, sorted', () => {
    const rows = choicesOf([
      { name: '乙公司 (pc2)', host: 'pc2.local', addresses: ['192.168.1.9'], port: 5171, helpPort: 5172, fingerprint: null },
      { name: '甲公司 (pc1)', host: 'pc1.local.', addresses: [], port: 5171, helpPort: null, fingerprint: 'AB' },
      { name: '乙公司 (pc2)', host: 'pc2.local', addresses: ['192.168.1.9'], port: 5171, helpPort: 5172, fingerprint: null }
    ])
    expect(rows.map((r) => r.address)).toEqual(expect.arrayContaining(['192.168.1.9:5171', 'pc1.local:5171']))
    expect(rows).toHaveLength(2)
  })

  it('SSE parser: events across chunks, comments skipped', () => {
    const got: string[] = []
    const feed = sseParser((e, d) => got.push(`${e}:${d}`))
    feed('retry: 3000\n\nevent: hello\nda')
    feed('ta: {"userId":1}\n\n: ping\n\ndata: {"kind":"notifications"}\r\n\r\n')
    expect(got).toEqual(['hello:{"userId":1}', 'message:{"kind":"notifications"}'])
  })
})
