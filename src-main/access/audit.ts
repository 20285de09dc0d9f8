import { hash } from 'node:crypto'
import type { Statement } from 'better-sqlite3'
import type { Sqlite } from '../db/connection'
import type { Clock } from '../clock'
import type { AuditAnchor, Checkpoint } from './audit-anchor'

// The audit trail is the change log: record changes from the write pipeline and security events
// (logins, exports, permission and user changes). It is append-only and tamper-evident: each
// entry stores the previous entry's link and its own link, an HMAC-SHA-256 (under the key kept
// outside the database, see audit-anchor.ts) over the previous link and its content. Editing,
// deleting or reordering a stored entry breaks the chain at that point, and without the key file
// no one can compute the links again. Signed checkpoints of the head, kept outside the database,
// show when the newest entries were cut off.
//
// Databases from before the key chained their entries with a plain SHA-256. On the first open with
// a key, that chain is verified once and its head anchored by an `audit.keyed` entry, the first
// one with a keyed link: it covers the last plain link, so the plain part can no longer change
// either, and verify says which entries were chained without a key.

export interface AuditEntry {
  formId?: number | null
  recordId?: number | null
  op: string
  changes?: Record<string, unknown>
  actorId: number | null
  detail?: Record<string, unknown> | null
}

interface StoredEntry {
  id: number; form_id: number | null; record_id: number | null; op: string; changes: string; actor_id: number | null
  at: number; clock: number; detail: string | null; prev_hash: string; hash: string
}

type Content = Omit<StoredEntry, 'id' | 'hash' | 'prev_hash'>

/** The op of the entry that anchors a chain begun without a key. */
export const KEYED_OP = 'audit.keyed'
/** A checkpoint is taken after this many entries, or when this much time has passed since the last one. */
export const CHECKPOINT_EVERY = 128
const CHECKPOINT_MS = 60_000

export interface AuditVerification {
  ok: boolean
  /** Entries whose links checked out, from the first. */
  checked: number
  /** The first entry whose link, content or checkpoint does not check out. */
  brokenAt: number | null
  /** Entries after this id are missing: a checkpoint recorded a later head. */
  missingAfter: number | null
  /** The newest checkpoint (the one that shows the truncation, when entries are missing). */
  checkpoint: { id: number; at: string } | null
  /** Entries up to this id were chained without a key (before the upgrade), then anchored. */
  legacyThrough: number | null
  /** Lines of the checkpoint file that do not check out. */
  badCheckpoints: number
}

const content = (e: Content) => JSON.stringify([e.op, e.form_id, e.record_id, e.changes, e.actor_id, e.at, e.clock, e.detail])

/** The link of an entry chained without a key (databases from before the audit key). */
export function entryHash(prev: string, e: Content): string {
  // One-shot hashing of the same bytes as before (prev, newline, content): the chains already
  // stored verify unchanged.
  return hash('sha256', `${prev}\n${content(e)}`, 'hex')
}

export class AuditLog {
  private last: { hash: string; clock: number } | null = null
  private insert: Statement
  private sinceCheckpoint = 0
  private lastCheckpointAt: number
  private checkpointDue = false

  constructor(private readonly db: Sqlite, private readonly clock: Clock, private readonly anchor: AuditAnchor) {
    this.insert = db.prepare('INSERT INTO change_log (form_id, record_id, op, changes, actor_id, at, clock, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
    this.lastCheckpointAt = clock.now()
  }

  /** The keyed link of an entry: HMAC-SHA-256 over the previous link, a newline and its content. */
  entryMac(prev: string, e: Content): string {
    return this.anchor.mac(`${prev}\n${content(e)}`)
  }

  /**
   * Append an entry. Call inside the transaction of the change it records, or the trail can miss
   * a change; if that transaction rolls back, call reset() so the chain continues from what is
   * committed.
   */
  append(entry: AuditEntry): void {
    const last = this.tail()
    const row = {
      op: entry.op,
      form_id: entry.formId ?? null,
      record_id: entry.recordId ?? null,
      changes: JSON.stringify(entry.changes ?? {}),
      actor_id: entry.actorId,
      at: this.clock.now(),
      clock: last.clock + 1,
      detail: entry.detail ? JSON.stringify(entry.detail) : null
    }
    const mac = this.entryMac(last.hash, row)
    this.insert.run(row.form_id, row.record_id, row.op, row.changes, row.actor_id, row.at, row.clock, row.detail, last.hash, mac)
    this.last = { hash: mac, clock: row.clock }
    if (++this.sinceCheckpoint >= CHECKPOINT_EVERY || row.at - this.lastCheckpointAt >= CHECKPOINT_MS) this.checkpointSoon()
  }

  /** Append an entry in a transaction of its own (events that change nothing else, like an export). */
  appendCommitted(entry: AuditEntry): void {
    try {
      this.db.transaction(() => this.append(entry))()
    } catch (e) {
      this.reset()
      throw e
    }
  }

  /** Forget the cached chain tail (after a rolled-back transaction). */
  reset(): void {
    this.last = null
  }

  /**
   * Sign the committed head and record it outside the database. Must not run inside a transaction:
   * a checkpoint of an entry that then rolls back would later read as a truncation.
   */
  checkpoint(reason: string): Checkpoint | null {
    if (!this.db.open || this.db.inTransaction) return null
    const head = this.db.prepare('SELECT id, clock, hash FROM change_log ORDER BY id DESC LIMIT 1').get() as { id: number; clock: number; hash: string } | undefined
    this.sinceCheckpoint = 0
    this.lastCheckpointAt = this.clock.now()
    if (!head) return null
    const newest = this.anchor.list().at(-1)
    if (newest && newest.id === head.id && newest.mac === head.hash && reason === 'periodic') return newest
    const c = this.anchor.sign({ id: head.id, clock: head.clock, mac: head.hash, at: this.lastCheckpointAt, reason })
    this.anchor.record(c)
    return c
  }

  /**
   * The append that crossed the threshold runs inside its write's transaction; the checkpoint is
   * taken once that transaction is over (better-sqlite3 transactions are synchronous, so by the
   * next turn of the event loop it has committed or rolled back). One file append per
   * CHECKPOINT_EVERY entries keeps the write path's cost to the MAC.
   */
  private checkpointSoon(): void {
    if (this.checkpointDue) return
    this.checkpointDue = true
    const run = () => {
      if (!this.db.open) return
      if (this.db.inTransaction) return void setImmediate(run).unref()
      this.checkpointDue = false
      this.checkpoint('periodic')
    }
    setImmediate(run).unref()
  }

  /**
   * Anchor a chain begun without a key: verify it once, then append the `audit.keyed` entry, whose
   * keyed link covers the last plain one. Runs when the key was just made (an upgrade), or when a
   * restore put in place a backup from before the key: then only if the head is the one signed
   * when the key was made (the sidecar the upgrade gave that backup), so a backup rewritten with
   * plain links since is reported rather than adopted. Does nothing when the head is already keyed.
   */
  adoptUnkeyed(options: { vouched?: boolean } = {}): { legacyThrough: number; legacyOk: boolean } | null {
    const head = this.db.prepare('SELECT * FROM change_log ORDER BY id DESC LIMIT 1').get() as StoredEntry | undefined
    if (!head || this.entryMac(head.prev_hash, head) === head.hash) return null
    if (options.vouched && !this.anchor.list().some((c) => c.id === head.id && c.mac === head.hash)) return null
    let prev = ''
    let legacyOk = true
    let checked = 0
    for (const e of this.db.prepare('SELECT * FROM change_log ORDER BY id').iterate() as IterableIterator<StoredEntry>) {
      if (e.prev_hash !== prev || entryHash(prev, e) !== e.hash) {
        legacyOk = false
        break
      }
      prev = e.hash
      checked++
    }
    this.reset()
    this.appendCommitted({ op: KEYED_OP, actorId: null, detail: { legacyThrough: head.id, legacyOk, checked } })
    this.checkpoint('keyed')
    return { legacyThrough: head.id, legacyOk }
  }

  /**
   * Walk the whole chain; report the first entry whose link, content or checkpoint does not check
   * out, or the entries missing after the head when a checkpoint recorded a later one.
   */
  verify(): AuditVerification {
    const anchors = this.db.prepare('SELECT * FROM change_log WHERE op = ? ORDER BY id DESC').all(KEYED_OP) as StoredEntry[]
    // Entries before the newest genuine anchor were chained without a key. Only the key can make
    // an anchor: a forged one, or the real one after the plain entries before it were rewritten,
    // fails at itself (its link is checked as a keyed one), and removing it leaves the plain
    // entries to fail as keyed ones.
    const keyedFrom = (anchors.find((a) => this.entryMac(a.prev_hash, a) === a.hash) ?? anchors[0])?.id ?? 0
    const checkpoints = this.anchor.list()
    const byId = new Map<number, Checkpoint[]>()
    for (const c of checkpoints) byId.set(c.id, [...(byId.get(c.id) ?? []), c])
    const newest = checkpoints.reduce<Checkpoint | null>((a, c) => (!a || c.id > a.id ? c : a), null)
    const result: AuditVerification = {
      ok: true, checked: 0, brokenAt: null, missingAfter: null, legacyThrough: keyedFrom > 1 ? keyedFrom - 1 : null,
      checkpoint: newest ? { id: newest.id, at: new Date(newest.at).toISOString() } : null, badCheckpoints: this.anchor.badCheckpoints
    }
    let prev = ''
    let head = 0
    for (const e of this.db.prepare('SELECT * FROM change_log ORDER BY id').iterate() as IterableIterator<StoredEntry>) {
      const link = e.id < keyedFrom ? entryHash(prev, e) : this.entryMac(prev, e)
      const recorded = byId.get(e.id)
      if (e.prev_hash !== prev || link !== e.hash || recorded?.some((c) => c.mac !== e.hash || c.clock !== e.clock)) {
        return { ...result, ok: false, brokenAt: e.id }
      }
      prev = e.hash
      head = e.id
      result.checked++
    }
    if (newest && newest.id > head) return { ...result, ok: false, missingAfter: head }
    if (result.badCheckpoints > 0) return { ...result, ok: false }
    return result
  }

  private tail(): { hash: string; clock: number } {
    if (!this.last) {
      const row = this.db.prepare('SELECT hash, clock FROM change_log ORDER BY id DESC LIMIT 1').get() as { hash: string; clock: number } | undefined
      this.last = row ?? { hash: '', clock: 0 }
    }
    return this.last
  }
}
