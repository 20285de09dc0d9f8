import { hostname } from 'node:os'
import { DESKTOP_ADDRESS } from '../access/auth'
import type { Dispatcher } from '../api/dispatcher'
import { afterCall, type LiveStream } from '../api/events-stream'
import { pickLocale } from '../shared/locales'
import type { HostFileAnswer } from './host-files'
import { OfficeConnection, type Backoff, type Envelope, type Timers } from './connection'
import { HostDiscovery } from './discovery'
import type { MdnsOptions } from './mdns'
import { PairingFlow } from './pairing-flow'
import type { OfficeCommand, OfficeSnapshot, OfficeStatus, SyncView, WindowEvent } from '../shared/office'
import { offlineLogin, offlineVersion, ReplicaSession } from './replica-session'
import { failure } from '../sync/replica-api'
import { TODO_CHANGES } from '../sync/replica-todos'
import { DomainError } from '../shared/errors'

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
//  - the replica (replica-session.ts): in client mode, signing in opens the user's replica of the
//    office and keeps it synced; while the host cannot be reached, the window's calls are answered
//    from it (src-main/sync/replica-api.ts) — lists, records, offline changes into the outbox — and
//    its state (online / offline / syncing, pending changes) goes to the window as a `sync` event.

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
  /** How long after a burst of live record events the replica pulls (ms). */
  syncDebounceMs?: number
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
  private replica: ReplicaSession | null = null
  private hostVersion: string | null = null
  private lastStatus: OfficeStatus | null = null
  private readonly timers: Timers

  constructor(private readonly options: DesktopBridgeOptions) {
    this.deviceName = (options.deviceName ?? hostname()).slice(0, 60) || 'PC'
    const timers = options.timers
    this.timers = timers ?? { now: Date.now, setTimeout: (fn, ms) => setTimeout(fn, ms).unref(), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) }
    this.connection = new OfficeConnection({
      dataDir: options.dataDir,
      timers,
      backoff: options.backoff,
      onEvent: (data) => {
        for (const id of options.windows()) options.send(id, { channel: 'live', data })
        options.onClientEvent?.(data)
        // Someone changed a record at the office: the replica pulls it shortly.
        if (this.replica && data.includes('"record"')) this.replica.soon()
      }
    })
    this.connection.onChange((view) => {
      const was = this.lastStatus
      this.lastStatus = view.status
      // Back to local mode, or paired with another office: that replica is not this window's any more.
      if (this.replica && (view.mode === 'local' || !this.replica.belongsTo(view.host?.fingerprint ?? ''))) void this.closeReplica()
      // The host answers again (or for the first time since signing in): push the outbox, then pull.
      else if (view.status === 'connected' && was !== 'connected') void this.replica?.requestSync()
      else this.replica?.changed()
      this.broadcast()
    })
    this.pairing = new PairingFlow({
      deviceName: this.deviceName,
      timers: this.timers,
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
      deviceName: this.deviceName,
      sync: this.replica?.shownView() ?? null
    }
  }

  /**
   * A file the window shows in client mode (jimu-file://): from the office as the signed-in user,
   * a record attachment's copy kept with the replica; while the office cannot be reached, that
   * copy where the replica shows the file (else the office connection's own "unreachable" answer).
   */
  async file(fileUrl: string, locale?: string, ifNoneMatch?: string): Promise<HostFileAnswer> {
    const replica = this.replica
    const offline = () => replica?.offlineFile(fileUrl) ?? null
    if (replica && this.connection.view().status !== 'connected') {
      const kept = offline()
      if (kept) return kept
    }
    const answer = await this.connection.file(fileUrl, locale, ifNoneMatch)
    if (answer.status === 200) replica?.keepFile(fileUrl, answer)
    if (answer.status === 503) return offline() ?? answer
    return answer
  }

  /** The signed-in user's replica (client mode), for the shell and tests. */
  get replicaSession(): ReplicaSession | null {
    return this.replica
  }

  private sendSync(sync: SyncView): void {
    for (const id of this.options.windows()) this.options.send(id, { channel: 'sync', sync })
  }

  /** Opens the user's replica; `quiet` (an offline sign-in not yet verified) tells the window nothing yet. */
  private async openReplica(userId: number, quiet = false): Promise<void> {
    const host = this.connection.view().host
    if (!host) return
    if (this.replica?.userId === userId && this.replica.belongsTo(host.fingerprint)) {
      void this.replica.requestSync()
      return
    }
    await this.closeReplica()
    this.replica = new ReplicaSession({
      dataDir: this.options.dataDir,
      hostFingerprint: host.fingerprint,
      userId,
      device: this.deviceName,
      call: (method, input, locale) => this.connection.call(method, input, locale),
      online: () => this.connection.view().status === 'connected',
      onChange: (sync) => this.sendSync(sync),
      onRecordEvent: (data) => {
        for (const id of this.options.windows()) this.options.send(id, { channel: 'live', data })
      },
      timers: this.timers,
      backoff: this.options.backoff,
      debounceMs: this.options.syncDebounceMs,
      quiet,
      fetchFile: (url) => this.connection.file(url)
    })
    if (quiet) return
    this.replica.changed()
    this.broadcast()
    void this.replica.requestSync()
  }

  private async closeReplica(): Promise<void> {
    const replica = this.replica
    if (!replica) return
    this.replica = null
    await replica.close()
    this.broadcast()
  }

  /** A call in client mode: to the host, or to the replica while the host cannot be reached. */
  private async clientCall(method: string, input: unknown, requestedLocale?: string): Promise<Envelope> {
    const status = this.connection.view().status
    if (status === 'unreachable') {
      const offline = await this.offlineCall(method, input, requestedLocale)
      if (offline) return offline
    }
    const local = this.localRecordCall(method, input, requestedLocale)
    if (local && 'ok' in local) return local
    if (local) input = local.input
    const answer = await this.connection.call(method, input, requestedLocale)
    const key = (answer.error as { messageKey?: string } | undefined)?.messageKey
    // The host went away during this call: a read (or signing in) is answered from the replica at
    // once; a change is not (the host may have taken it before the answer was lost) — the user
    // tries again, and that goes to the outbox.
    if (!answer.ok && key === 'lan.client.unreachable' && !/\.(create|update|delete)$/.test(method) && !TODO_CHANGES.has(method)) {
      const offline = await this.offlineCall(method, input, requestedLocale)
      if (offline) return offline
    }
    if (answer.ok) {
      if (method === 'system.status') this.hostVersion = (answer.data as { version?: string }).version ?? null
      if (LOGIN.has(method)) {
        await this.openReplica((answer.data as { user: { id: number } }).user.id)
        const typed = input as { login?: unknown; password?: unknown }
        if (typeof typed?.login === 'string' && typeof typed.password === 'string') void this.replica?.keepCredential(typed.login, typed.password, this.hostVersion).catch((e: unknown) => console.error('keeping the offline sign-in failed', e))
        this.replica?.api.remember('auth.me', {}, (answer.data as { user: unknown }).user)
      }
      if (method === 'auth.logout') await this.closeReplica()
      this.replica?.api.remember(method, input, answer.data)
    } else if ((answer.error as { code?: string } | undefined)?.code === 'UNAUTHENTICATED' && method === 'auth.me') {
      await this.closeReplica()
    }
    return answer
  }

  /**
   * Online, a call about a record made offline (a negative id the window still shows): answered
   * from the replica while it waits in the outbox (a change joins the outbox, and a sync starts);
   * once the host took it, the call goes to the host under the host's id.
   */
  private localRecordCall(method: string, input: unknown, requestedLocale?: string): Envelope | { input: unknown } | null {
    const replica = this.replica
    if (!replica || !['records.get', 'records.update', 'records.delete'].includes(method) || !input || typeof input !== 'object') return null
    const typed = input as { form?: unknown; id?: unknown; ids?: unknown }
    const ids = Array.isArray(typed.ids) ? typed.ids : [typed.id]
    if (!ids.some((id) => typeof id === 'number' && id < 0) || (typeof typed.form !== 'number' && typeof typed.form !== 'string')) return null
    const form = typed.form
    const waiting = (id: unknown) => {
      try {
        return typeof id === 'number' && id < 0 && replica.client.record(form, id) !== null
      } catch {
        return false
      }
    }
    if (ids.every(waiting)) {
      const answer = replica.answer(method, input, requestedLocale)
      if (answer.ok && method !== 'records.get') void replica.requestSync()
      return answer
    }
    const mapped = ids.map((id) => (typeof id === 'number' && id < 0 ? (replica.client.hostId(id) ?? id) : id))
    return { input: Array.isArray(typed.ids) ? { ...typed, ids: mapped } : { ...typed, id: mapped[0] } }
  }

  /**
   * The host cannot be reached: the replica answers (or, signed out, the sign-in page is offered
   * for the users who signed in here before). Null when there is nothing to answer offline.
   */
  private async offlineCall(method: string, input: unknown, requestedLocale?: string): Promise<Envelope | null> {
    const host = this.connection.view().host
    if (!host) return null
    const replica = this.replica
    if (replica && method === 'auth.logout') {
      // Signed out here; the office's session is forgotten too, so nobody else's sync runs on it.
      this.connection.forgetSession()
      await this.closeReplica()
      return { ok: true, data: { ok: true } }
    }
    if (replica && method === 'system.status') {
      const me = replica.answer('auth.me', {}, requestedLocale)
      return { ok: true, data: { needsSetup: false, version: this.hostVersion ?? offlineVersion(this.options.dataDir, host.fingerprint) ?? '', user: me.ok ? me.data : null } }
    }
    if (replica && method !== 'auth.login') return replica.answer(method, input, requestedLocale)
    if (replica) {
      this.connection.forgetSession()
      await this.closeReplica()
    }
    if (method === 'system.status') {
      const version = offlineVersion(this.options.dataDir, host.fingerprint)
      return version === null ? null : { ok: true, data: { needsSetup: false, version, user: null } }
    }
    if (method !== 'auth.login') return null
    const typed = (input ?? {}) as { login?: unknown; password?: unknown }
    if (typeof typed.login !== 'string' || typeof typed.password !== 'string') return null
    const known = offlineLogin(this.options.dataDir, host.fingerprint, typed.login)
    if (!known) return failure(pickLocale(requestedLocale), new DomainError('CONFLICT', 'sync.offline.signInOnline', { login: typed.login.trim().slice(0, 50) }))
    await this.openReplica(known.userId, true)
    const opened = this.replica as ReplicaSession | null
    const user = opened && (await opened.verify(typed.login, typed.password)) ? opened.answer('auth.me', {}, requestedLocale) : null
    if (!opened || !user?.ok) {
      await this.closeReplica()
      return failure(pickLocale(requestedLocale), new DomainError('UNAUTHENTICATED', 'auth.badCredentials'))
    }
    opened.announce()
    this.broadcast()
    return { ok: true, data: { user: user.data, token: '' } }
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
    if (this.connection.mode === 'client') return this.clientCall(method, input, requestedLocale)
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
    await this.closeReplica()
    for (const id of [...this.local.keys()]) this.endLocal(id)
    this.pairing.cancel()
    this.connection.close()
    await this.discovery.stop()
  }
}
