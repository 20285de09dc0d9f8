import { translate, pickLocale } from '../shared/locales'
import type { OfficeStatus, OfficeView } from '../shared/office'
import { DomainError } from '../shared/errors'
import { forgetPairedHost, HostTransport, loadPairedHost, savePairedHost, type PairedHost } from './client'
import { openHostEvents, type HostEvents } from './host-events'
import { fetchHostFile, hostFilePath, type HostFileAnswer } from './host-files'

// The desktop client's connection to the office host, as a state machine (plain Node; the
// Electron shell only forwards IPC to it). Modes:
//   local  — this PC runs its own core (no host paired, or the user disconnected);
//   client — the window's calls go to the paired host over HTTPS pinned to the office CA.
// In client mode the status is one of
//   connecting  — at start, or after 立即重试, until the first answer;
//   connected   — the host answers;
//   unreachable — a call or the event stream failed: calls answer at once with a plain message,
//                 and the host is probed again with exponential backoff (1 s, 2 s, 4 s … 30 s,
//                 ±20 % jitter) until it answers — then connected again, by itself;
//   refused     — the host's administrator revoked this PC: nothing is retried; the window offers
//                 to pair again or to work locally.
// The paired host is remembered in the data folder (keys/office-host.json, client.ts), so the next
// start resumes client mode; 断开 forgets it. While signed in, the host's live event stream is
// kept open and each event goes to `onEvent` (the window hears it over IPC).

export type { OfficeStatus, OfficeView }

export interface Envelope {
  ok: boolean
  data?: unknown
  error?: unknown
}

export interface Timers {
  now(): number
  setTimeout(fn: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

const realTimers: Timers = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms)
    t.unref?.()
    return t
  },
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout)
}

export interface Backoff {
  baseMs: number
  maxMs: number
}

export const DEFAULT_BACKOFF: Backoff = { baseMs: 1000, maxMs: 30_000 }

/** The wait before probe number `attempt` (1-based): doubling from base, capped, ±20 % jitter. */
export function backoffDelay(attempt: number, backoff: Backoff = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const plain = Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.max(0, attempt - 1))
  return Math.round(plain * (0.8 + 0.4 * random()))
}

export interface OfficeConnectionOptions {
  dataDir: string
  timers?: Timers
  backoff?: Backoff
  random?: () => number
  /** A live event from the host, as the JSON of its SSE data line. */
  onEvent?: (data: string) => void
}

/** The error envelope a call gets without reaching the host, translated like the host's own. */
function failure(error: DomainError, locale: string | undefined): Envelope {
  return { ok: false, error: { code: error.code, message: translate(pickLocale(locale), error.messageKey, error.params ?? {}), messageKey: error.messageKey, params: error.params } }
}

const isRefusal = (answer: Envelope) => !answer.ok && (answer.error as { messageKey?: string } | undefined)?.messageKey === 'lan.error.deviceRefused'

export class OfficeConnection {
  private paired: PairedHost | null = null
  private hostName = ''
  private transport: HostTransport | null = null
  private status: OfficeStatus | null = null
  private attempt = 0
  private retryAt: number | null = null
  private timer: unknown = null
  private events: HostEvents | null = null
  private liveOpen = false
  private readonly listeners = new Set<(view: OfficeView) => void>()
  private readonly timers: Timers
  private readonly backoff: Backoff

  constructor(private readonly options: OfficeConnectionOptions) {
    this.timers = options.timers ?? realTimers
    this.backoff = options.backoff ?? DEFAULT_BACKOFF
  }

  view(): OfficeView {
    const p = this.paired
    return {
      mode: p ? 'client' : 'local',
      host: p ? { url: p.url, name: this.hostName || new URL(p.url).hostname, fingerprint: p.fingerprint } : null,
      status: p ? this.status : null,
      attempt: this.attempt,
      retryAt: this.retryAt,
      signedIn: this.transport?.sessionToken != null,
      live: this.liveOpen
    }
  }

  onChange(listener: (view: OfficeView) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  private changed(): void {
    const view = this.view()
    for (const l of [...this.listeners]) l(view)
  }

  get mode(): 'local' | 'client' {
    return this.paired ? 'client' : 'local'
  }

  /** At start: the remembered host, if any, and a first probe. */
  resume(): OfficeView {
    const paired = loadPairedHost(this.options.dataDir)
    if (paired) this.begin(paired, paired.name ?? '')
    return this.view()
  }

  /** A freshly paired host: remembered, and the window switches to it. */
  use(paired: PairedHost, name = ''): OfficeView {
    savePairedHost(this.options.dataDir, { ...paired, ...(name ? { name } : {}) })
    this.begin(paired, name)
    return this.view()
  }

  private begin(paired: PairedHost, name: string): void {
    this.stopAll()
    this.paired = paired
    this.hostName = name
    this.transport = new HostTransport(paired, { retries: 0, delayMs: 0 })
    this.status = 'connecting'
    this.attempt = 0
    this.retryAt = null
    this.changed()
    void this.probe()
  }

  /** 断开: back to this PC's own data; the pairing is forgotten here (the host may revoke it too). */
  async disconnect(): Promise<OfficeView> {
    const transport = this.transport
    this.stopAll()
    // Sign out at the host when it can be reached, so the session does not linger there.
    if (transport?.sessionToken) await transport.call('auth.logout', {}).catch(() => undefined)
    this.paired = null
    this.transport = null
    this.status = null
    this.attempt = 0
    forgetPairedHost(this.options.dataDir)
    this.changed()
    return this.view()
  }

  /**
   * Signed out on this PC while the host could not be told (offline): the session is dropped
   * here, so no later call or sync runs as that user.
   */
  forgetSession(): void {
    if (!this.transport?.sessionToken) return
    this.transport.setToken(null)
    this.closeEvents()
    this.changed()
  }

  /** 立即重试: probe now instead of waiting for the backoff. */
  retryNow(): OfficeView {
    if (!this.paired || this.status === 'connected') return this.view()
    if (this.timer !== null) this.timers.clearTimeout(this.timer)
    this.timer = null
    this.retryAt = null
    if (this.status === 'refused') return this.view()
    this.status = 'connecting'
    this.changed()
    void this.probe()
    return this.view()
  }

  close(): void {
    this.stopAll()
    this.listeners.clear()
  }

  private stopAll(): void {
    if (this.timer !== null) this.timers.clearTimeout(this.timer)
    this.timer = null
    this.retryAt = null
    this.closeEvents()
  }

  private closeEvents(): void {
    this.events?.close()
    this.events = null
    this.liveOpen = false
  }

  /** One call from the window, to the host. Always answers: the host's envelope or a translated error. */
  async call(method: string, input: unknown, locale?: string): Promise<Envelope> {
    const transport = this.transport
    if (!transport || !this.paired) return failure(new DomainError('CONFLICT', 'lan.client.notConnected'), locale)
    if (this.status === 'refused') return failure(new DomainError('PERMISSION', 'lan.error.deviceRefused'), locale)
    let answer: Envelope
    try {
      answer = await transport.call(method, input, locale)
    } catch (e) {
      if (transport !== this.transport) return failure(new DomainError('CONFLICT', 'lan.client.notConnected'), locale)
      const error = e instanceof DomainError ? e : new DomainError('CONFLICT', 'lan.client.unreachable', { url: this.paired.url })
      if (error.messageKey === 'lan.client.unreachable') this.unreachable()
      return failure(error, locale)
    }
    if (transport !== this.transport) return answer
    if (isRefusal(answer)) {
      this.refused()
      return answer
    }
    this.reached()
    if (answer.ok && (method === 'auth.login' || method === 'auth.setup')) this.openEvents()
    if (method === 'auth.logout' || (!answer.ok && (answer.error as { code?: string } | undefined)?.code === 'UNAUTHENTICATED' && !transport.sessionToken)) this.closeEvents()
    if (method === 'auth.logout' || method === 'auth.login' || method === 'auth.setup') this.changed()
    return answer
  }

  /**
   * An attachment the window asks for (jimu-file://files/<hash>?<reference>), fetched from the
   * host as the window's user there: the host's answer as it came (401 before signing in, 404 for
   * a file this user may not fetch), or a translated 503 when the host cannot be reached (which
   * starts the same retry a failed call does).
   */
  async file(fileUrl: string, locale?: string, ifNoneMatch?: string): Promise<HostFileAnswer> {
    const plain = (status: number, key: string, params: Record<string, string> = {}): HostFileAnswer => ({
      status,
      headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
      body: Buffer.from(translate(pickLocale(locale), key, params))
    })
    const transport = this.transport
    const paired = this.paired
    const path = hostFilePath(fileUrl)
    if (!path) return plain(400, 'error.badRequest', { detail: 'file' })
    if (!transport || !paired) return plain(503, 'lan.client.notConnected')
    if (this.status === 'refused') return plain(403, 'lan.error.deviceRefused')
    try {
      const answer = await fetchHostFile({ url: paired.url, caPem: paired.caPem, token: transport.sessionToken, headers: transport.deviceHeader }, path, ifNoneMatch)
      if (transport === this.transport) this.reached()
      return answer
    } catch {
      if (transport === this.transport) this.unreachable()
      return plain(503, 'lan.client.unreachable', { url: paired.url })
    }
  }

  private reached(): void {
    if (this.status === 'connected') return
    const was = this.status
    this.status = 'connected'
    this.attempt = 0
    this.retryAt = null
    if (this.timer !== null) this.timers.clearTimeout(this.timer)
    this.timer = null
    // Back after a break: the stream again, and the window refreshes its badge and lists.
    if (was === 'unreachable' && this.transport?.sessionToken) {
      this.openEvents()
      this.options.onEvent?.(JSON.stringify({ kind: 'notifications' }))
    }
    this.changed()
  }

  private unreachable(): void {
    if (!this.paired || this.status === 'refused') return
    this.closeEvents()
    if (this.status === 'unreachable' && this.timer !== null) return
    this.status = 'unreachable'
    this.schedule()
  }

  private refused(): void {
    this.stopAll()
    this.status = 'refused'
    this.transport?.setToken(null)
    this.changed()
  }

  private schedule(): void {
    this.attempt++
    const delay = backoffDelay(this.attempt, this.backoff, this.options.random)
    this.retryAt = this.timers.now() + delay
    this.timer = this.timers.setTimeout(() => {
      this.timer = null
      this.retryAt = null
      void this.probe()
    }, delay)
    this.changed()
  }

  /** Is the host there? `system.status` needs no session; a revoked device is refused even so. */
  private async probe(): Promise<void> {
    const transport = this.transport
    if (!transport) return
    let answer: Envelope
    try {
      answer = await transport.call('system.status', {})
    } catch (e) {
      if (transport !== this.transport) return
      // Unreachable, or another program answers at that address with another certificate (a
      // reshuffled DHCP lease): either way, keep trying.
      void e
      this.status = 'unreachable'
      this.schedule()
      return
    }
    if (transport !== this.transport) return
    if (isRefusal(answer)) return this.refused()
    this.reached()
  }

  private openEvents(): void {
    const transport = this.transport
    const paired = this.paired
    if (!transport?.sessionToken || !paired) return
    this.closeEvents()
    const events = openHostEvents({
      url: paired.url,
      caPem: paired.caPem,
      token: transport.sessionToken,
      headers: transport.deviceHeader,
      onEvent: (data) => this.options.onEvent?.(data),
      onOpen: () => {
        if (this.events !== events) return
        this.liveOpen = true
        this.changed()
      },
      onEnd: (reason) => {
        if (this.events !== events) return
        this.events = null
        this.liveOpen = false
        // The host's server is stopping (sharing off, the app quitting): it is about to be gone.
        if (reason === 'shutdown') this.unreachable()
        else this.changed()
      },
      onDrop: () => {
        if (this.events !== events) return
        this.events = null
        this.liveOpen = false
        this.unreachable()
      }
    })
    this.events = events
  }
}
