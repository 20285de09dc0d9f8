import type { Waiting } from '../desktop/tray'
import type { Envelope } from './connection'

// Desktop notifications and the tray badge on a client PC, for the user signed in at the host:
// the host keeps the to-dos and the notifications, so the client asks it — when the live stream
// says something changed for this user ({ kind: 'notifications' } or a flow event), and every
// POLL_MS besides (a stream may be down while the host is not). What is new since the last check
// is shown natively; the first check after a sign-in only learns where the list stands (a colleague
// who signs in is not flooded with last week's notifications; they are in the bell).

export const POLL_MS = 60_000

export interface ClientNotification {
  id: number
  title: string
  body: string
  formId: number | null
  recordId: number | null
}

export interface AlertCheck {
  waiting: Waiting
  show: ClientNotification[]
}

type Call = (method: string, input: unknown) => Promise<Envelope>

export class ClientAlerts {
  private lastId: number | null = null

  constructor(private readonly call: Call) {}

  /** Signed out, or another user signed in: start over. */
  reset(): void {
    this.lastId = null
  }

  /** To-dos and unread notifications now, and the notifications to show; null when the host did not answer (or nobody is signed in). */
  async check(): Promise<AlertCheck | null> {
    const [counts, list] = await Promise.all([this.call('flows.counts', {}), this.call('notifications.list', { unreadOnly: true, limit: 20 })])
    if (!counts.ok || !list.ok) return null
    const { todo } = counts.data as { todo: number }
    const { items, unread } = list.data as { items: Array<ClientNotification & { readAt: string | null }>; unread: number }
    const newest = items.reduce((max, n) => Math.max(max, n.id), 0)
    const show = this.lastId === null ? [] : items.filter((n) => n.id > this.lastId!).sort((a, b) => a.id - b.id)
    this.lastId = Math.max(this.lastId ?? 0, newest)
    return { waiting: { todos: todo, notifications: unread }, show: show.map(({ id, title, body, formId, recordId }) => ({ id, title, body, formId, recordId })) }
  }
}

/** Does a live event (the JSON of an SSE data line) call for a new check? */
export function touchesAlerts(data: string): boolean {
  try {
    const event = JSON.parse(data) as { kind?: string }
    return event.kind === 'notifications' || event.kind === 'flow'
  } catch {
    return false
  }
}
