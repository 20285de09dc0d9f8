import { hash } from 'node:crypto'
import type { Statement } from 'better-sqlite3'
import type { Sqlite } from '../db/connection'
import type { Clock } from '../clock'

// The audit trail is the change log: record changes from the write pipeline and security events
// (logins, exports, permission and user changes). It is append-only and tamper-evident: each
// entry stores the hash of the previous entry and its own hash over its content, so editing,
// deleting or reordering any stored entry breaks the chain at that point.

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

export function entryHash(prev: string, e: Omit<StoredEntry, 'id' | 'hash' | 'prev_hash'>): string {
  const content = JSON.stringify([e.op, e.form_id, e.record_id, e.changes, e.actor_id, e.at, e.clock, e.detail])
  // One-shot hashing of the same bytes as before (prev, newline, content): the chains already
  // stored verify unchanged, and every imported row pays one call instead of four.
  return hash('sha256', `${prev}\n${content}`, 'hex')
}

export class AuditLog {
  private last: { hash: string; clock: number } | null = null
  private insert: Statement

  constructor(private readonly db: Sqlite, private readonly clock: Clock) {
    this.insert = db.prepare('INSERT INTO change_log (form_id, record_id, op, changes, actor_id, at, clock, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
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
    const hash = entryHash(last.hash, row)
    this.insert.run(row.form_id, row.record_id, row.op, row.changes, row.actor_id, row.at, row.clock, row.detail, last.hash, hash)
    this.last = { hash, clock: row.clock }
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

  /** Walk the whole chain; report the first entry whose link or content does not check out. */
  verify(): { ok: boolean; checked: number; brokenAt: number | null } {
    let prev = ''
    let checked = 0
    for (const e of this.db.prepare('SELECT * FROM change_log ORDER BY id').iterate() as IterableIterator<StoredEntry>) {
      if (e.prev_hash !== prev || entryHash(prev, e) !== e.hash) return { ok: false, checked, brokenAt: e.id }
      prev = e.hash
      checked++
    }
    return { ok: true, checked, brokenAt: null }
  }

  private tail(): { hash: string; clock: number } {
    if (!this.last) {
      const row = this.db.prepare('SELECT hash, clock FROM change_log ORDER BY id DESC LIMIT 1').get() as { hash: string; clock: number } | undefined
      this.last = row ?? { hash: '', clock: 0 }
    }
    return this.last
  }
}
