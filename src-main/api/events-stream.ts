import { createHash } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Actor } from '../access/actor'
import { toActor, type Principal } from '../access/auth'
import { ident } from '../db/connection'
import type { DomainEvent } from '../events'
import { DomainError } from '../shared/errors'
import type { CoreHost } from './host'

// The live event stream: GET /events (Server-Sent Events) for the signed-in user, so everyone
// sees changes without reloading — new to-dos and notifications (the badge), and changes to
// records they may see.
//
// An event says only THAT something changed, never a value: the record's form and id, its new
// version, the API keys of the changed fields the listener may read, who changed it and when. The
// client then refetches through the normal read path, which applies row scope and field masks as
// always. Each event is filtered per listener exactly like a read: a record outside the user's row
// scope is never mentioned (not even that it exists), a hidden field is never named.
//
// The connection rides the session cookie (the caller in http.ts checks Host and Origin first,
// as for rpc), is re-checked on every heartbeat and right after any sign-out or password change
// (`revalidate`), and ends when the session does. Each user holds at most MAX_PER_USER streams
// (a new one closes that user's oldest: a reloaded tab must not lock its owner out).

export const MAX_PER_USER = 6
const MAX_TOTAL = 500
const HEARTBEAT_MS = 20_000

/** What a listener hears. */
export type LiveEvent =
  | { kind: 'record'; type: 'created' | 'updated' | 'deleted' | 'restored'; formId: number; form: string; id: number; version: number | null; fields: string[]; by: { id: number; name: string } | null; at: number }
  | { kind: 'flow'; formId: number; form: string; id: number; outcome: string; by: { id: number; name: string } | null; at: number }
  | { kind: 'notifications' }

interface Listener {
  userId: number
  tokenHash: string
  send: (event: LiveEvent) => void
  /** A comment line: keeps proxies and the browser from timing the connection out. */
  ping: () => void
  end: (reason: string) => void
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')

export class LiveStream {
  private readonly listeners = new Set<Listener>()
  private bound: CoreHost['core'] | null = null
  private unbind: (() => void)[] = []
  private queue: DomainEvent[] = []
  private notified = new Set<number>()
  private flushing = false
  private readonly timer: NodeJS.Timeout

  constructor(private readonly host: CoreHost) {
    this.timer = setInterval(() => this.heartbeat(), HEARTBEAT_MS)
    this.timer.unref()
  }

  resolve(token: string): Principal | null {
    return this.host.core.auth.resolve(token)
  }

  get size(): number {
    return this.listeners.size
  }

  /** Streams open for a user (tests and the connected-users list). */
  countFor(userId: number): number {
    let n = 0
    for (const l of this.listeners) if (l.userId === userId) n++
    return n
  }

  /** Listen to the core the host holds now (a backup restore opens a new one). */
  private bind(): void {
    const core = this.host.core
    if (this.bound === core) return
    for (const off of this.unbind) off()
    this.bound = core
    this.unbind = [
      core.events.on((event) => this.enqueue(event)),
      core.notifications.listen((n) => {
        this.notified.add(n.userId)
        this.schedule()
      })
    ]
  }

  private enqueue(event: DomainEvent): void {
    if (!this.listeners.size) return
    this.queue.push(event)
    this.schedule()
  }

  /** Delivered after the write's request finished: per-listener checks never slow the write itself. */
  private schedule(): void {
    if (this.flushing) return
    this.flushing = true
    setImmediate(() => {
      this.flushing = false
      const events = this.queue
      const notified = this.notified
      this.queue = []
      this.notified = new Set()
      this.deliver(events, notified)
    })
  }

  /**
   * Open a stream for a signed-in principal (a session; API tokens are for integrations and get
   * no stream). Returns false when the server has no room.
   */
  attach(req: IncomingMessage, res: ServerResponse, principal: Principal, token: string, headers: Record<string, string>): boolean {
    if (this.listeners.size >= MAX_TOTAL) return false
    this.bind()
    const userId = principal.user.id
    const mine = [...this.listeners].filter((l) => l.userId === userId)
    for (const old of mine.slice(0, Math.max(0, mine.length - MAX_PER_USER + 1))) old.end('replaced')

    res.writeHead(200, { ...headers, 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-accel-buffering': 'no', connection: 'keep-alive' })
    // Reconnect after 3 s when the connection drops (the browser's EventSource does this itself).
    res.write('retry: 3000\n\n')
    res.write(`event: hello\ndata: ${JSON.stringify({ userId })}\n\n`)
    req.socket.setKeepAlive(true)
    req.socket.setNoDelay(true)
    req.socket.setTimeout(0)

    const listener: Listener = {
      userId,
      tokenHash: sha256(token),
      send: (event) => {
        res.write(`data: ${JSON.stringify(event)}\n\n`)
      },
      ping: () => {
        res.write(': ping\n\n')
      },
      end: (reason) => {
        if (!this.listeners.delete(listener)) return
        res.end(`event: end\ndata: ${JSON.stringify({ reason })}\n\n`)
      }
    }
    this.listeners.add(listener)
    const drop = () => this.listeners.delete(listener)
    req.on('close', drop)
    res.on('close', drop)
    return true
  }

  /**
   * The same feed without HTTP, for the desktop window's IPC channel (src-main/lan/desktop-bridge.ts):
   * `send` gets each event as the JSON an SSE `data:` line carries, `end` the reason when the
   * session ends. Returns the unsubscribe. Null for a token that is not a person's session.
   */
  subscribe(token: string, sink: { send: (data: string) => void; end: (reason: string) => void }): (() => void) | null {
    const principal = this.resolve(token)
    if (!principal || principal.via !== 'session') return null
    this.bind()
    const listener: Listener = {
      userId: principal.user.id,
      tokenHash: sha256(token),
      send: (event) => sink.send(JSON.stringify(event)),
      ping: () => undefined,
      end: (reason) => {
        if (this.listeners.delete(listener)) sink.end(reason)
      }
    }
    this.listeners.add(listener)
    return () => {
      this.listeners.delete(listener)
    }
  }

  /** End every stream whose session no longer holds (after a sign-out, a password change, a disabled user). */
  revalidate(): void {
    if (!this.listeners.size) return
    const core = this.host.core
    const now = core.clock.now()
    const alive = core.db.prepare('SELECT 1 FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ? AND s.expires_at > ? AND u.active = 1')
    for (const l of [...this.listeners]) if (!alive.get(l.tokenHash, now)) l.end('session')
  }

  private heartbeat(): void {
    try {
      this.revalidate()
    } catch {
      // The core is being swapped by a restore: the next beat checks again.
      return
    }
    for (const l of this.listeners) l.ping()
  }

  close(): void {
    clearInterval(this.timer)
    for (const l of [...this.listeners]) l.end('shutdown')
    for (const off of this.unbind) off()
  }

  private deliver(events: DomainEvent[], notified: ReadonlySet<number>): void {
    if (!this.listeners.size) return
    const core = this.host.core
    const users = new Map<number, Actor | null>()
    const actorOf = (userId: number): Actor | null => {
      if (!users.has(userId)) {
        const row = core.auth.user(userId)
        users.set(userId, row?.active ? toActor(row) : null)
      }
      return users.get(userId)!
    }
    const byOf = (actorId: number | null) => {
      if (!actorId) return null
      const row = core.auth.user(actorId)
      return row ? { id: row.id, name: row.name } : null
    }
    for (const l of [...this.listeners]) {
      const actor = actorOf(l.userId)
      if (!actor) {
        l.end('session')
        continue
      }
      if (notified.has(l.userId)) l.send({ kind: 'notifications' })
      for (const event of events) {
        const out = this.filter(actor, event, byOf)
        if (out) l.send(out)
      }
    }
  }

  /** The event as this actor may hear it, or null when the record is not theirs to see. */
  private filter(actor: Actor, event: DomainEvent, byOf: (id: number | null) => { id: number; name: string } | null): LiveEvent | null {
    const core = this.host.core
    let form
    try {
      form = core.schema.form(event.formId)
      // The form's view right and the record inside the row scope (deleted rows too: a deleted
      // record's listeners are the ones who saw it).
      core.access.authorizeRecord(actor, 'view', form, event.recordId)
    } catch {
      return null
    }
    if (event.type === 'flow.finished') return { kind: 'flow', formId: form.id, form: form.apiKey, id: event.recordId, outcome: event.outcome, by: byOf(event.actorId), at: event.at }
    const readable = new Set(core.access.readableFields(actor, form).map((f) => f.apiKey))
    const version = core.db.prepare(`SELECT version FROM ${ident(form.table)} WHERE id = ?`).pluck().get(event.recordId) as number | undefined
    return {
      kind: 'record', type: event.type.slice('record.'.length) as 'created' | 'updated' | 'deleted' | 'restored', formId: form.id, form: form.apiKey, id: event.recordId,
      version: version ?? null, fields: event.fields.filter((f) => readable.has(f)), by: byOf(event.actorId), at: event.at
    }
  }
}

/**
 * GET /events, after http.ts checked Host and Origin: a signed-in session gets its stream;
 * anything else the usual translated 401 (thrown as a DomainError for the caller to answer).
 */
export function openEventStream(live: LiveStream, req: IncomingMessage, res: ServerResponse, token: string | null, headers: Record<string, string>): void {
  const principal = token ? live.resolve(token) : null
  // API tokens (integrations) get no stream: only a person's session.
  if (!token || !principal || principal.via !== 'session') throw new DomainError('UNAUTHENTICATED', token ? 'error.sessionExpired' : 'error.unauthenticated')
  if (!live.attach(req, res, principal, token, headers)) throw new DomainError('INTERNAL', 'live.full')
}

/** Methods after which some session may have ended: the streams are checked at once. */
const SESSION_ENDING = /^(auth\.(logout|logoutEverywhere|changePassword|revokeSession)|users\.(update|resetPassword))$/

export function afterCall(live: LiveStream, method: string): void {
  if (SESSION_ENDING.test(method)) live.revalidate()
}
