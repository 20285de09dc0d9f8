import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Sqlite } from '../db/connection'
import type { SyncView } from '../shared/office'
import { SyncClient, type SyncTransport } from '../sync/client'
import { ReplicaApi, type Envelope } from '../sync/replica-api'
import { TODO_CHANGES } from '../sync/replica-todos'
import { backoffDelay, DEFAULT_BACKOFF, type Backoff, type Timers } from './connection'
import type { HostFileAnswer } from './host-files'
import { filePlace, recordFileUrl, ReplicaFiles, replicaAttachments, replicaShowsFile, type ReplicaFileLimits } from './replica-files'

// The signed-in user's replica on a desktop client (issue 18; docs/architecture.md "Offline
// laptops"). One SQLite file per office host and user under <dataDir>/replicas/, opened when the
// user signs in in client mode and closed when they sign out (the file stays: its outbox must
// survive restarts). It runs the sync loop:
//  - push-then-pull when the connection comes back (`connected`) and right after signing in;
//  - while online, a pull shortly after live record events (debounced), so the replica is current
//    when the host goes away;
//  - never two syncs at once: a request during a sync runs one more sync after it;
//  - a sync the host did not answer leaves the outbox as it is; the connection's own probes (with
//    its backoff) say when the host is back, which starts the next sync. A sync the host answered
//    with an error is tried again after the same backoff.
// The window hears its state (online / offline / syncing, pending changes, last sync) as a `sync`
// window event.

/** The host's rpc, as the signed-in user (the office connection's `call`). */
export type HostCall = (method: string, input: unknown, locale?: string) => Promise<{ ok: boolean; data?: unknown; error?: unknown }>

export interface ReplicaSessionOptions {
  dataDir: string
  /** The office host's CA fingerprint: one replica folder entry per office. */
  hostFingerprint: string
  userId: number
  device: string
  call: HostCall
  /** Whether the host answers now (the connection's status is connected). */
  online: () => boolean
  onChange: (view: SyncView) => void
  /** A record changed on this PC while offline, as the live event the host would have sent (lists reload). */
  onRecordEvent?: (data: string) => void
  timers: Timers
  backoff?: Backoff
  debounceMs?: number
  /** Tell the window nothing until `announce()` (an offline sign-in whose password is not verified yet). */
  quiet?: boolean
  /** Fetch a file from the office as the signed-in user (the connection's `file`); without it, a sync fetches no files. */
  fetchFile?: (fileUrl: string) => Promise<HostFileAnswer>
  fileLimits?: ReplicaFileLimits
}

const hostKey = (fingerprint: string) => createHash('sha256').update(fingerprint.replace(/[^0-9a-f]/gi, '').toLowerCase()).digest('hex').slice(0, 16)

/** Where a user's replica of an office lives: <dataDir>/replicas/<host>-<user>.sqlite. */
export function replicaFile(dataDir: string, hostFingerprint: string, userId: number): string {
  return join(dataDir, 'replicas', `${hostKey(hostFingerprint)}-${userId}.sqlite`)
}

// Signing in offline (the laptop restarted on the road). Each online sign-in keeps, in the user's
// replica, a scrypt verifier of the password they typed (made here with its own salt: the
// office's own password hash never leaves the office), and in <dataDir>/replicas/logins.json which
// user a login name is at that office. Offline, the same login and password open that replica;
// the office's session comes back only by signing in again once it answers (the window is sent
// to the sign-in page by the office's "not signed in" answer). A password changed at the office
// counts on this PC from the next online sign-in.

export interface OfflineLogins {
  [host: string]: { version: string; logins: Record<string, number> }
}

const loginsFile = (dataDir: string) => join(dataDir, 'replicas', 'logins.json')

function readLogins(dataDir: string): OfflineLogins {
  try {
    const parsed = JSON.parse(readFileSync(loginsFile(dataDir), 'utf8')) as unknown
    return parsed && typeof parsed === 'object' ? (parsed as OfflineLogins) : {}
  } catch {
    return {}
  }
}

/** The user a login name is at an office, as this PC last signed them in there (null when never). */
export function offlineLogin(dataDir: string, hostFingerprint: string, login: string): { userId: number; version: string } | null {
  const entry = readLogins(dataDir)[hostKey(hostFingerprint)]
  const userId = entry?.logins[login.trim().toLowerCase()]
  if (!entry || typeof userId !== 'number' || !existsSync(replicaFile(dataDir, hostFingerprint, userId))) return null
  return { userId, version: entry.version }
}

/** Whether anyone ever signed in to this office on this PC (the sign-in page can be shown offline). */
export function offlineVersion(dataDir: string, hostFingerprint: string): string | null {
  const entry = readLogins(dataDir)[hostKey(hostFingerprint)]
  return entry && Object.keys(entry.logins).length ? entry.version : null
}

function rememberLogin(dataDir: string, hostFingerprint: string, login: string, userId: number, version: string | null): void {
  const all = readLogins(dataDir)
  const key = hostKey(hostFingerprint)
  const entry = all[key] ?? { version: '', logins: {} }
  entry.logins[login.trim().toLowerCase()] = userId
  if (version) entry.version = version
  all[key] = entry
  const file = loginsFile(dataDir)
  writeFileSync(`${file}.tmp`, JSON.stringify(all), { mode: 0o600 })
  renameSync(`${file}.tmp`, file)
}

/** scrypt cost of the offline password verifier (16 MiB, tens of milliseconds). */
export const VERIFIER_COST = { N: 16384, r: 8, p: 1 }

function derive(password: string, salt: Buffer, cost: typeof VERIFIER_COST): Promise<Buffer> {
  return new Promise((resolve, reject) => scrypt(password.normalize('NFC'), salt, 32, { ...cost, maxmem: 64 * 1024 * 1024 }, (e, key) => (e ? reject(e) : resolve(key))))
}

class HostAnswerError extends Error {
  constructor(readonly error: { messageKey?: string; message?: string } | undefined) {
    super(error?.message ?? 'sync failed')
  }
}

const unreachable = (e: unknown) => e instanceof HostAnswerError && (e.error?.messageKey === 'lan.client.unreachable' || e.error?.messageKey === 'lan.client.notConnected')
/** The office answers but this PC has no session there (signed in offline): wait for the user to sign in again. */
const signedOut = (e: unknown) => e instanceof HostAnswerError && (e.error as { code?: string } | undefined)?.code === 'UNAUTHENTICATED'

export class ReplicaSession {
  readonly client: SyncClient
  readonly api: ReplicaApi
  readonly file: string
  /** The attachments kept with this replica (replica-files.ts): beside the file, per office and user. */
  readonly files: ReplicaFiles
  private readonly db: Sqlite
  private running: Promise<void> | null = null
  private again = false
  private closed = false
  private failures = 0
  private debounce: unknown = null
  private retry: unknown = null
  private lastSent = ''
  private warmed = false
  private announced: boolean

  constructor(private readonly options: ReplicaSessionOptions) {
    this.announced = !options.quiet
    this.file = replicaFile(options.dataDir, options.hostFingerprint, options.userId)
    mkdirSync(join(options.dataDir, 'replicas'), { recursive: true })
    this.db = SyncClient.openReplica(this.file)
    this.files = new ReplicaFiles(`${this.file}.files`, options.fileLimits)
    const expect = async <T>(method: string, input: unknown): Promise<T> => {
      const answer = await options.call(method, input)
      if (!answer.ok) throw new HostAnswerError(answer.error as { messageKey?: string; message?: string } | undefined)
      return answer.data as T
    }
    const transport: SyncTransport = {
      push: (input) => expect('sync.push', input),
      pull: (input) => expect('sync.pull', input),
      // A file picked offline, before the operation naming it: refused by the office → null (the operation is refused in turn, into the inbox).
      upload: async (input) => {
        const answer = await options.call('attachments.upload', input)
        if (answer.ok) return answer.data as { hash: string }
        const error = new HostAnswerError(answer.error as { messageKey?: string; message?: string } | undefined)
        if (unreachable(error) || signedOut(error)) throw error
        return null
      }
    }
    const now = () => options.timers.now()
    const userName = () => {
      const me = this.api.answer('auth.me', {})
      return me.ok ? String((me.data as { name?: unknown }).name ?? '') || null : null
    }
    const files = this.files
    this.client = new SyncClient(this.db, transport, {
      device: options.device.slice(0, 64), userId: options.userId, now, userName,
      files: { keep: (hash, bytes, meta) => files.keepPicked(hash, bytes, meta), read: (hash) => files.read(hash) }
    })
    // A file picked offline is only here until it is sent: the folder's size limit never evicts it.
    files.pin(() => new Set(this.client.pendingUploads()))
    this.api = new ReplicaApi(this.client, { userId: options.userId, now })
    this.expect = expect
  }

  private readonly expect: <T>(method: string, input: unknown) => Promise<T>

  get userId(): number {
    return this.options.userId
  }

  /** This replica is of that office (its CA's fingerprint). */
  belongsTo(hostFingerprint: string): boolean {
    return hostFingerprint === this.options.hostFingerprint
  }

  view(): SyncView {
    const state = this.running ? 'syncing' : this.options.online() ? 'online' : 'offline'
    const last = this.closed ? null : ((this.db.prepare("SELECT value FROM meta WHERE key = 'lastSyncAt'").pluck().get() as string | undefined) ?? null)
    return { state, pending: this.closed ? 0 : this.client.pending(), lastSyncAt: last === null ? null : Number(last) }
  }

  /** Tell the window when anything it shows changed. */
  changed(): void {
    if (this.closed || !this.announced) return
    const view = this.view()
    const text = JSON.stringify(view)
    if (text === this.lastSent) return
    this.lastSent = text
    this.options.onChange(view)
  }

  /** What the window may be told: nothing before `announce()`. */
  shownView(): SyncView | null {
    return this.announced && !this.closed ? this.view() : null
  }

  /** The window may hear of this replica from now on. */
  announce(): void {
    this.announced = true
    this.changed()
  }

  /** Sync now (or once more after the running one). Answers when the sync it started is over. */
  requestSync(): Promise<void> {
    if (this.closed || !this.announced) return Promise.resolve()
    if (this.running) {
      this.again = true
      return this.running
    }
    if (!this.options.online()) {
      this.changed()
      return Promise.resolve()
    }
    this.clearTimer('retry')
    const run = this.loop().finally(() => {
      if (this.running === run) this.running = null
      this.changed()
    })
    this.running = run
    this.changed()
    return run
  }

  /** A live record event while online: pull a little later, once for a burst of events. */
  soon(): void {
    if (this.closed || this.debounce !== null) return
    this.debounce = this.options.timers.setTimeout(() => {
      this.debounce = null
      void this.requestSync()
    }, this.options.debounceMs ?? 400)
  }

  private clearTimer(which: 'retry' | 'debounce'): void {
    const handle = this[which]
    if (handle !== null) this.options.timers.clearTimeout(handle)
    this[which] = null
  }

  private async loop(): Promise<void> {
    do {
      this.again = false
      try {
        // The office's session must be this user's (never push one user's outbox as another).
        const me = await this.expect<{ id: number }>('auth.me', {})
        if (me.id !== this.options.userId) return
        await this.client.sync()
        await this.fetchAccess()
        await this.syncFiles()
        if (!this.warmed) await this.warm()
        if (this.closed) return
        this.db.prepare("INSERT INTO meta (key, value) VALUES ('lastSyncAt', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value").run(String(this.options.timers.now()))
        this.failures = 0
      } catch (e) {
        if (this.closed) return
        // Not reached: the connection probes with its backoff and says when the host is back.
        if (unreachable(e) || signedOut(e)) return
        // Answered with an error (a session that expired, a host busy restoring): try again later.
        this.failures++
        if (!(e instanceof HostAnswerError)) console.error('offline sync failed', e)
        const delay = backoffDelay(this.failures, this.options.backoff ?? DEFAULT_BACKOFF)
        this.clearTimer('retry')
        this.retry = this.options.timers.setTimeout(() => {
          this.retry = null
          void this.requestSync()
        }, delay)
        return
      }
    } while (this.again && !this.closed && this.options.online())
  }

  /**
   * After a pull: copies no record of the replica shows any more are deleted (a record gone from
   * the user's sight, a field newly hidden), then the small files the records show and this PC
   * does not hold are fetched from the office as the user (big ones are kept when opened).
   */
  private async syncFiles(): Promise<void> {
    const shown = replicaAttachments(this.db)
    // Files picked offline and not yet sent stay whatever the records show now.
    this.files.prune(new Set([...shown.map((a) => a.hash), ...this.client.pendingUploads()]))
    if (!this.options.fetchFile) return
    for (const wanted of this.files.wanted(shown)) {
      if (this.closed) return
      const answer = await this.options.fetchFile(recordFileUrl(wanted))
      if (this.closed) return
      // Not reached any more: the next sync tries again; a refusal (the office decides) is not kept.
      if (answer.status === 503) return
      this.files.keep(wanted.hash, answer)
    }
  }

  /** A file the window opened online: kept when it is a record's attachment (the office answered 200). */
  keepFile(fileUrl: string, answer: HostFileAnswer): void {
    if (this.closed) return
    const place = filePlace(fileUrl)
    if (place) this.files.keep(place.hash, answer)
  }

  /** A file the window asks for while the office cannot be reached: the kept copy, where the replica shows it. */
  offlineFile(fileUrl: string): HostFileAnswer | null {
    if (this.closed) return null
    return this.files.answer(fileUrl, (place) => replicaShowsFile(this.db, place))
      // A file picked here offline, shown before the record naming it is saved.
      ?? this.files.answerOwn(fileUrl, (hash) => this.client.lookups.upload(hash) !== null)
  }

  /** The rights on each form whose access key changed (what an offline edit is checked against). */
  private async fetchAccess(): Promise<void> {
    for (const formId of this.api.staleAccess()) {
      if (this.closed) return
      const access = await this.expect<{ actions: string[]; readonly: string[] }>('forms.access', { form: formId })
      if (this.closed) return
      this.api.keepAccess(formId, access)
    }
  }

  /** After an online sign-in: the verifier an offline sign-in checks, and the login name's user. */
  async keepCredential(login: string, password: string, version: string | null): Promise<void> {
    const salt = randomBytes(16)
    const hash = await derive(password, salt, VERIFIER_COST)
    if (this.closed) return
    const value = JSON.stringify({ login: login.trim().toLowerCase(), salt: salt.toString('base64'), hash: hash.toString('base64'), ...VERIFIER_COST })
    this.db.prepare("INSERT INTO meta (key, value) VALUES ('credential', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value").run(value)
    rememberLogin(this.options.dataDir, this.options.hostFingerprint, login, this.options.userId, version)
  }

  /** An offline sign-in: the login and password match the last online sign-in of this user here. */
  async verify(login: string, password: string): Promise<boolean> {
    const raw = this.db.prepare("SELECT value FROM meta WHERE key = 'credential'").pluck().get() as string | undefined
    if (!raw) return false
    const c = JSON.parse(raw) as { login: string; salt: string; hash: string; N: number; r: number; p: number }
    const expected = Buffer.from(c.hash, 'base64')
    const got = await derive(password, Buffer.from(c.salt, 'base64'), { N: c.N, r: c.r, p: c.p })
    return c.login === login.trim().toLowerCase() && got.length === expected.length && timingSafeEqual(got, expected)
  }

  /**
   * Once per sign-in: the shell's reads for every form the replica holds (the apps, the views, the
   * colleagues), so a page the user did not open online still draws itself offline. What the host
   * refuses is simply not kept.
   */
  private async warm(): Promise<void> {
    const reads: Array<[string, unknown]> = [['apps.list', {}], ['users.list', {}], ...this.client.formDtos().map((f): [string, unknown] => ['views.list', { form: f.id }])]
    for (const [method, input] of reads) {
      if (this.closed) return
      const answer = await this.options.call(method, input)
      if (this.closed) return
      if (answer.ok) this.api.remember(method, input, answer.data)
      else if (unreachable(new HostAnswerError(answer.error as { messageKey?: string }))) return
    }
    this.warmed = true
  }

  /** One window call while the host cannot be reached. */
  answer(method: string, input: unknown, locale?: string): Envelope {
    const answer = this.api.answer(method, input, locale)
    const types: Record<string, 'created' | 'updated' | 'deleted'> = { 'records.create': 'created', 'records.update': 'updated', 'records.delete': 'deleted' }
    const type = types[method]
    if (answer.ok && type) {
      this.changed()
      const form = this.client.form((input as { form: number | string }).form)
      const me = this.api.answer('auth.me', {})
      const by = me.ok ? { id: this.options.userId, name: String((me.data as { name?: unknown }).name ?? '') } : null
      const ids = type === 'deleted' ? (input as { ids: number[] }).ids : [(answer.data as { id: number }).id]
      const fields = type === 'deleted' ? [] : Object.keys((input as { fields?: Record<string, unknown> }).fields ?? {})
      for (const id of ids) this.options.onRecordEvent?.(JSON.stringify({ kind: 'record', type, formId: form.id, form: form.apiKey, id, version: null, fields, by, at: this.options.timers.now() }))
    }
    if (answer.ok && TODO_CHANGES.has(method)) this.decided(method, input, answer.data)
    return answer
  }

  /**
   * An approval queued offline: the pending count, and the live event the office would have sent
   * when the instance moved on (the to-do list, its badge and the record reload).
   */
  private decided(method: string, input: unknown, data: unknown): void {
    this.changed()
    const typed = (input ?? {}) as { taskId?: number; taskIds?: number[] }
    const ids = method === 'flows.batchApprove' ? ((data as { results: Array<{ taskId: number; ok: boolean }> }).results.filter((r) => r.ok).map((r) => r.taskId)) : [typed.taskId!]
    const me = this.api.answer('auth.me', {})
    const by = me.ok ? { id: this.options.userId, name: String((me.data as { name?: unknown }).name ?? '') } : null
    for (const taskId of ids) {
      const todo = this.client.todo(taskId)
      if (!todo) continue
      const form = todo.instance.formId
      let key = ''
      try {
        key = this.client.form(form).apiKey
      } catch {
        // A form the user does not view: the event names it by id only.
      }
      this.options.onRecordEvent?.(JSON.stringify({ kind: 'flow', formId: form, form: key, id: todo.task.recordId, outcome: 'queued', by, at: this.options.timers.now() }))
    }
  }

  /**
   * Sign-out, 断开 or the app quitting: the file stays, with its outbox. A sync waiting on the
   * office is not waited for: the replica's writes are synchronous transactions between network
   * calls, so none is cut in half, and a push whose answer is lost this way is sent again next
   * time and answered from the office's store (each operation applies once).
   */
  async close(): Promise<void> {
    this.clearTimer('debounce')
    this.clearTimer('retry')
    this.closed = true
    this.db.close()
  }
}
