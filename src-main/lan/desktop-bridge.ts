import { hostname } from 'node:os'
import { DESKTOP_ADDRESS } from '../access/auth'
import type { Dispatcher } from '../api/dispatcher'
import { afterCall, type LiveStream } from '../api/events-stream'
import { pickLocale } from '../shared/locales'
import { OfficeConnection, type Backoff, type Envelope, type Timers } from './connection'
import { HostDiscovery } from './discovery'
import type { MdnsOptions } from './mdns'
import { PairingFlow } from './pairing-flow'
import type { OfficeCommand, OfficeSnapshot, WindowEvent } from '../shared/office'

// What the desktop window's IPC reaches, in plain Node (src-main/app/ipc.ts only forwards to it):
//  - `invoke`: one API call. In local mode it goes to this PC's core (the session token is kept
//    here per window, never in the renderer); in client mode to the paired office host over the
//    pinned HTTPS transport (connection.ts). The window's transport switches without a reload of
//    the renderer's code: only where the calls go changes.
//  - the event channel: the same live events a browser gets over SSE (/events), pushed to the
//    window — from this PC's LiveStream in local mode, from the host's stream in client mode —
//    plus the office state (connection, pairing, hosts found) whenever it changes.
//  - `office`: the 连接到办公室的电脑 commands (discover, pair, type the code, cancel, disconnect,
//    retry now).

export type { OfficeSnapshot, WindowEvent }

export interface DesktopBridgeOptions {
  dispatcher: Pick<Dispatcher, 'call'>
  /** This PC's live feed (the core's events for a signed-in user). */
  live: LiveStream | null
  dataDir: string
  /** Sends an event to a window. */
  send: (windowId: number, event: WindowEvent) => void
  /** The windows to tell about office changes and host events (the app has one main window). */
  windows: () => number[]
  deviceName?: string
  mdns?: MdnsOptions
  timers?: Timers
  backoff?: Backoff
  pollMs?: number
  /** A live event or sign-in/out in client mode (the shell's tray and notifications listen). */
  onClientEvent?: (data: string) => void
}

interface LocalSession {
  token: string
  unsubscribe: (() => void) | null
}

const LOGIN = new Set(['auth.login', 'auth.setup'])

export class DesktopBridge {
  readonly connection: OfficeConnection
  private readonly pairing: PairingFlow
  private readonly discovery: HostDiscovery
  private discoveryFailed = false
  private readonly local = new Map<number, LocalSession>()
  private readonly deviceName: string

  constructor(private readonly options: DesktopBridgeOptions) {
    this.deviceName = (options.deviceName ?? hostname()).slice(0, 60) || 'PC'
    const timers = options.timers
    this.connection = new OfficeConnection({
      dataDir: options.dataDir,
      timers,
      backoff: options.backoff,
      onEvent: (data) => {
        for (const id of options.windows()) options.send(id, { channel: 'live', data })
        options.onClientEvent?.(data)
      }
    })
    this.connection.onChange(() => this.broadcast())
    this.pairing = new PairingFlow({
      deviceName: this.deviceName,
      timers: timers ?? { now: Date.now, setTimeout: (fn, ms) => setTimeout(fn, ms).unref(), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) },
      pollMs: options.pollMs,
      onChange: () => this.broadcast(),
      onApproved: (paired, name) => {
        void this.discovery.stop()
        // The window switches to the host: its local session (if any) ends here.
        for (const id of [...this.local.keys()]) this.endLocal(id)
        this.connection.use(paired, name)
      }
    })
    this.discovery = new HostDiscovery({
      mdns: options.mdns,
      onChange: () => this.broadcast(),
      onError: (e) => {
        console.error('mDNS browsing failed', e)
        this.discoveryFailed = true
        this.broadcast()
      }
    })
  }

  /** At start: resume client mode when a host was paired before. */
  resume(): OfficeSnapshot {
    this.connection.resume()
    return this.snapshot()
  }

  get mode(): 'local' | 'client' {
    return this.connection.mode
  }

  snapshot(): OfficeSnapshot {
    return {
      connection: this.connection.view(),
      pairing: this.pairing.view(),
      hosts: this.discovery.hosts(),
      discovering: this.discovery.running,
      discoveryFailed: this.discoveryFailed,
      deviceName: this.deviceName
    }
  }

  private broadcast(): void {
    const office = this.snapshot()
    for (const id of this.options.windows()) this.options.send(id, { channel: 'office', office })
  }

  /** The sessions signed in on this PC's own core (attachments, tray, desktop notifications). */
  localTokens(): string[] {
    return [...this.local.values()].map((s) => s.token)
  }

  /** One API call from a window: always answers with an envelope. */
  async invoke(windowId: number, method: string, input: unknown, requestedLocale?: string): Promise<Envelope> {
    if (this.connection.mode === 'client') return this.connection.call(method, input, requestedLocale)
    const locale = pickLocale(requestedLocale)
    const result = await this.options.dispatcher.call(method, input, { token: this.local.get(windowId)?.token ?? null, locale, address: DESKTOP_ADDRESS })
    if (result.ok && LOGIN.has(method)) this.beginLocal(windowId, (result.data as { token: string }).token)
    if (method === 'auth.logout') this.endLocal(windowId)
    if (result.ok && this.options.live) afterCall(this.options.live, method)
    return result
  }

  private beginLocal(windowId: number, token: string): void {
    this.endLocal(windowId)
    const session: LocalSession = { token, unsubscribe: null }
    this.local.set(windowId, session)
    session.unsubscribe = this.options.live?.subscribe(token, {
      send: (data) => this.options.send(windowId, { channel: 'live', data }),
      end: () => {
        session.unsubscribe = null
      }
    }) ?? null
  }

  private endLocal(windowId: number): void {
    const session = this.local.get(windowId)
    session?.unsubscribe?.()
    this.local.delete(windowId)
  }

  /** A window the shell opens for a signed-in user (the hidden print window) calls as them. */
  adoptWindow(windowId: number, token: string): void {
    this.beginLocal(windowId, token)
  }

  /** A window closed. */
  forgetWindow(windowId: number): void {
    this.endLocal(windowId)
  }

  /** The 连接到办公室的电脑 screens' commands; each answers the new snapshot. */
  async office(command: string, args: unknown): Promise<OfficeSnapshot> {
    const input = (typeof args === 'object' && args !== null ? args : {}) as { address?: unknown; name?: unknown; code?: unknown }
    switch (command as OfficeCommand) {
      case 'state':
        break
      case 'discover':
        this.discoveryFailed = false
        this.discovery.start()
        break
      case 'stopDiscover':
        await this.discovery.stop()
        break
      case 'refresh':
        this.discovery.refresh()
        break
      case 'pair':
        await this.pairing.start(typeof input.address === 'string' ? input.address.slice(0, 300) : '', typeof input.name === 'string' ? input.name.slice(0, 100) : null)
        break
      case 'code':
        this.pairing.enterCode(typeof input.code === 'string' ? input.code.slice(0, 20) : '')
        break
      case 'cancel':
        this.pairing.cancel()
        break
      case 'disconnect':
        this.pairing.cancel()
        await this.connection.disconnect()
        break
      case 'retry':
        this.connection.retryNow()
        break
      default:
        break
    }
    return this.snapshot()
  }

  async close(): Promise<void> {
    for (const id of [...this.local.keys()]) this.endLocal(id)
    this.pairing.cancel()
    this.connection.close()
    await this.discovery.stop()
  }
}
