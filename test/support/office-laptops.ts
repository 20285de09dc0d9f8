import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect } from 'vitest'
import { CoreHost } from '../../src-main/api/host'
import { Dispatcher } from '../../src-main/api/dispatcher'
import { LiveStream } from '../../src-main/api/events-stream'
import { LanDevices } from '../../src-main/lan/devices'
import { LanShare } from '../../src-main/lan/share'
import { DesktopBridge, type WindowEvent } from '../../src-main/lan/desktop-bridge'
import type { Actor } from '../../src-main/access/actor'
import type { SyncView } from '../../src-main/shared/office'
import { TEST_PASSWORD_COST } from './core'

// An office PC with the sample data sharing on loopback, and laptops paired with it (each a
// DesktopBridge over its own core in a temporary folder, as the desktop shell runs it): the
// harness of the offline-laptop tests (test/unit/lan/offline-*.test.ts).

/** Wait until `ok(what())`, polling; the last value is in the error when it never comes. */
export async function until<T>(what: () => T | Promise<T>, ok: (v: T) => boolean, ms = 15_000): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const v = await what()
    if (ok(v)) return v
    if (Date.now() > end) throw new Error(`timed out; last: ${JSON.stringify(v)}`)
    await new Promise((r) => setTimeout(r, 25))
  }
}

/** A call's data; a failed call fails the test with its error. */
export const data = <T>(answer: { ok: boolean; data?: unknown; error?: unknown }): T => {
  if (!answer.ok) throw new Error(`call failed: ${JSON.stringify(answer.error)}`)
  return answer.data as T
}

export interface Office { dataDir: string; host: CoreHost; share: LanShare; port: number; admin: Actor }

/**
 * Registers the office's set-up (beforeAll: the sales app with sample data, sharing on) and the
 * clean-up of everything made (afterAll) in the calling test file.
 */
export function officeWithLaptops() {
  const cleanup: Array<() => Promise<void> | void> = []
  afterAll(async () => {
    while (cleanup.length) await cleanup.pop()!()
  })
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'jimu-offline-'))
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }))
    return dir
  }
  /** Filled in by beforeAll. */
  const office = {} as Office

  /** The office's sharing, on (again) at the same port. */
  async function shareOn(): Promise<void> {
    const share = new LanShare({ host: office.host, dispatcher: new Dispatcher(office.host), rendererDir: null, dataDir: office.dataDir, bind: '127.0.0.1', port: office.port, helpPort: 0, mdns: false, addresses: () => [], pairPerMinute: 100 })
    await share.setSharing(true, 1)
    office.share = share
    office.port = share.port
  }

  beforeAll(async () => {
    const dataDir = tempDir()
    const host = await CoreHost.open({ dataDir, passwordCost: TEST_PASSWORD_COST })
    await host.core.auth.setup({ name: '管理员', login: 'admin', password: 'secret123' })
    const dispatcher = new Dispatcher(host)
    const login = await dispatcher.call('auth.login', { login: 'admin', password: 'secret123' })
    const token = (login as { data: { token: string } }).data.token
    const installed = await dispatcher.call('crm.install', { locale: 'zh-CN', sampleData: true, seed: 5 }, { token })
    expect(installed.ok).toBe(true)
    Object.assign(office, { dataDir, host, port: 0, admin: { id: 1, name: '管理员', isAdmin: true, locale: 'zh-CN' } })
    await shareOn()
    cleanup.push(async () => {
      await office.share.shutdown()
      host.close()
    })
  }, 120_000)

  /** A laptop: its own core and the bridge its window talks to; `dataDir` again restarts it. */
  async function clientPc(dataDir = tempDir()) {
    const host = await CoreHost.open({ dataDir, passwordCost: TEST_PASSWORD_COST })
    const live = new LiveStream(host)
    const events: WindowEvent[] = []
    const bridge = new DesktopBridge({ dispatcher: new Dispatcher(host), live, dataDir, send: (_id, e) => events.push(e), windows: () => [1], deviceName: '张伟的笔记本', mdns: false as never, backoff: { baseMs: 50, maxMs: 200 }, pollMs: 50, syncDebounceMs: 50 })
    let closed = false
    const close = async () => {
      if (closed) return
      closed = true
      await bridge.close()
      live.close()
      host.close()
    }
    cleanup.push(close)
    const syncEvents = () => events.filter((e): e is Extract<WindowEvent, { channel: 'sync' }> => e.channel === 'sync').map((e) => e.sync)
    return { dataDir, bridge, events, close, lastSync: (): SyncView | undefined => syncEvents().at(-1) }
  }
  type Laptop = Awaited<ReturnType<typeof clientPc>>

  /** Paired with the office: the code typed, the administrator approves. */
  async function pair(pc: Laptop): Promise<void> {
    await pc.bridge.office('pair', { address: `127.0.0.1:${office.port}` })
    const devices = new LanDevices(office.host.core.db, office.host.core.clock, office.host.core.audit)
    const pending = devices.list().find((d) => d.status === 'pending')!
    await pc.bridge.office('code', { code: pending.code })
    devices.decide(pending.id, true, 1)
    await until(() => pc.bridge.snapshot().connection, (c) => c.status === 'connected')
  }

  /** Signed in at the office, and the first sync of the user's replica done. Answers the user's id. */
  async function signIn(pc: Laptop, login: string, password = 'demo12345') {
    const answer = await pc.bridge.invoke(1, 'auth.login', { login, password }, 'zh-CN')
    expect(answer.ok).toBe(true)
    await until(() => pc.bridge.replicaSession?.view(), (v) => !!v && v.state === 'online' && v.lastSyncAt !== null)
    return (answer.data as { user: { id: number } }).user.id
  }

  const userId = (login: string) => office.host.core.db.prepare('SELECT id FROM users WHERE login = ?').pluck().get(login) as number

  return { office, shareOn, tempDir, clientPc, pair, signIn, userId }
}
