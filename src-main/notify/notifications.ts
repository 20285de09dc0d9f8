import type { Sqlite } from '../db/connection'
import type { Clock } from '../clock'
import type { NotificationDto } from '../shared/api/rules'

/**
 * The in-app notification center: one row per recipient, with a link to the record. Desktop
 * notifications are the same rows flagged `desktop`; the Electron shell shows the ones not yet
 * shown (`takeDesktop`) as native notifications, so serve mode keeps them in the bell only.
 */
export interface NotificationInput {
  userId: number
  title: string
  body?: string
  formId?: number | null
  recordId?: number | null
  ruleId?: number | null
  desktop?: boolean
}

interface Row {
  id: number; user_id: number; title: string; body: string; form_id: number | null; record_id: number | null
  rule_id: number | null; created_at: number; read_at: number | null
}

export class Notifications {
  /** Called after a notification is added (the Electron shell wakes its desktop poller). */
  onAdded: ((n: NotificationInput & { id: number }) => void) | null = null
  /** Called in add, in the caller's transaction: the DingTalk / WeCom queue (src-main/im) enqueues its work notice here. */
  onStored: ((n: NotificationInput & { id: number }) => void) | null = null

  /** Further listeners (the live event stream, src-main/api/events-stream.ts). */
  private readonly listeners = new Set<(n: NotificationInput & { id: number }) => void>()

  constructor(private readonly db: Sqlite, private readonly clock: Clock) {}

  listen(listener: (n: NotificationInput & { id: number }) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  add(input: NotificationInput): number {
    const id = Number(
      this.db
        .prepare('INSERT INTO notifications (user_id, title, body, form_id, record_id, rule_id, created_at, desktop) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
        .run(input.userId, input.title.slice(0, 200), (input.body ?? '').slice(0, 2000), input.formId ?? null, input.recordId ?? null, input.ruleId ?? null, this.clock.now(), input.desktop ? 1 : 0).lastInsertRowid
    )
    this.onStored?.({ ...input, id })
    this.onAdded?.({ ...input, id })
    for (const listener of this.listeners) listener({ ...input, id })
    return id
  }

  list(userId: number, options: { unreadOnly?: boolean; limit?: number } = {}): { items: NotificationDto[]; unread: number } {
    const rows = this.db
      .prepare(`SELECT * FROM notifications WHERE user_id = ? ${options.unreadOnly ? 'AND read_at IS NULL' : ''} ORDER BY id DESC LIMIT ?`)
      .all(userId, options.limit ?? 50) as Row[]
    const formKeys = new Map<number, string | null>()
    const formKey = (formId: number | null) => {
      if (formId === null) return null
      if (!formKeys.has(formId)) formKeys.set(formId, (this.db.prepare('SELECT api_key FROM forms WHERE id = ?').pluck().get(formId) as string | undefined) ?? null)
      return formKeys.get(formId)!
    }
    return {
      items: rows.map((r) => ({ id: r.id, title: r.title, body: r.body, formId: r.form_id, formKey: formKey(r.form_id), recordId: r.record_id, ruleId: r.rule_id, createdAt: r.created_at, readAt: r.read_at })),
      unread: this.unread(userId)
    }
  }

  unread(userId: number): number {
    return this.db.prepare('SELECT COUNT(*) FROM notifications WHERE user_id = ? AND read_at IS NULL').pluck().get(userId) as number
  }

  markRead(userId: number, ids?: number[]): number {
    const now = this.clock.now()
    if (ids) {
      const mark = this.db.prepare('UPDATE notifications SET read_at = ? WHERE id = ? AND user_id = ? AND read_at IS NULL')
      this.db.transaction(() => ids.forEach((id) => mark.run(now, id, userId)))()
    } else {
      this.db.prepare('UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at IS NULL').run(now, userId)
    }
    return this.unread(userId)
  }

  /**
   * Desktop notifications not shown yet, marked shown. With `userIds`, only those users' (the desktop
   * shell passes the users signed in on its PC, so nobody else's are taken); without, any user's.
   */
  takeDesktop(limit = 20, userIds?: readonly number[]): Array<{ id: number; userId: number; title: string; body: string; formId: number | null; recordId: number | null }> {
    return this.db.transaction(() => {
      const only = userIds === undefined ? '' : `AND user_id IN (SELECT value FROM json_each(?))`
      const params: unknown[] = userIds === undefined ? [limit] : [JSON.stringify(userIds), limit]
      const rows = this.db.prepare(`SELECT * FROM notifications WHERE desktop = 1 AND shown_at IS NULL ${only} ORDER BY id LIMIT ?`).all(...params) as Row[]
      const mark = this.db.prepare('UPDATE notifications SET shown_at = ? WHERE id = ?')
      for (const r of rows) mark.run(this.clock.now(), r.id)
      return rows.map((r) => ({ id: r.id, userId: r.user_id, title: r.title, body: r.body, formId: r.form_id, recordId: r.record_id }))
    })()
  }
}
