import dayjs from 'dayjs'
import type { Sqlite } from '../db/connection'
import type { AccessLayer } from '../access/access-layer'
import type { Actor } from '../access/actor'
import type { FormModel } from '../forms/model'
import type { SchemaService } from '../forms/schema-service'
import type { ReadService } from '../records/read-service'
import type { FlowEngine } from '../flows/engine'
import type { Notifications } from '../notify/notifications'
import type { SystemSettings } from '../settings/system-settings'
import type { FilterNode, RecordDto } from '../shared/api/contracts'
import type { WorkbenchDayDto } from '../shared/api/workbench'
import { CHECKLIST_ITEMS } from '../shared/api/workbench'
import { DomainError } from '../shared/errors'

// 我的工作台: the day of the person signed in. Every list is read through the read service with
// the caller as actor (row scope, hidden fields), and narrowed to what is the caller's own
// (owner or assignee is me): a manager who may see the team's follow-ups still sees only theirs
// here. A hidden amount is never read: the deals list leaves it out and says so.

export interface WorkbenchDeps {
  db: Sqlite
  schema: SchemaService
  access: AccessLayer
  reads: ReadService
  flows: FlowEngine
  notifications: Notifications
  settings: SystemSettings
  clock: { now(): number }
}

const LIST = 8
const RECENT_KEPT = 30
const RECENT_SHOWN = 8
/** The remembered checklist dismissal (system_settings); the LAN share switch's own key is 'lan'. */
const CHECKLIST_KEY = 'workbench.checklist'

export class Workbench {
  constructor(private readonly deps: WorkbenchDeps) {}

  day(actor: Actor, lanSharing: boolean): WorkbenchDayDto {
    const today = dayjs(this.deps.clock.now()).format('YYYY-MM-DD')
    const todo = this.deps.flows.todo(actor, { tab: 'todo', limit: LIST, offset: 0 })
    const notes = this.deps.notifications.list(actor.id, { unreadOnly: true, limit: 5 })
    return {
      today,
      approvals: {
        total: todo.total,
        items: todo.tasks.map((t) => ({ taskId: t.id, instanceId: t.instanceId, title: t.title, flowName: t.flowName, formLabel: t.formLabel, createdAt: t.createdAt, dueAt: t.dueAt }))
      },
      tasks: this.tasks(actor, today),
      followUps: this.followUps(actor, today),
      deals: this.deals(actor),
      reminders: { unread: notes.unread, items: notes.items.map((n) => ({ id: n.id, title: n.title, body: n.body, formId: n.formId, recordId: n.recordId, createdAt: n.createdAt })) },
      recent: this.recent(actor),
      checklist: actor.isAdmin ? this.checklist(lanSharing) : null
    }
  }

  /** Remember an opened record, after checking the caller may see it (a record they cannot see is NOT_FOUND). */
  opened(actor: Actor, formRef: number | string, id: number): void {
    const form = this.deps.schema.form(formRef)
    this.deps.reads.get(actor, form.id, id)
    const { db } = this.deps
    db.transaction(() => {
      db.prepare('INSERT INTO workbench_recent (user_id, form_id, record_id, opened_at) VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET opened_at = excluded.opened_at').run(actor.id, form.id, id, this.deps.clock.now())
      db.prepare('DELETE FROM workbench_recent WHERE user_id = ? AND (form_id, record_id) NOT IN (SELECT form_id, record_id FROM workbench_recent WHERE user_id = ? ORDER BY opened_at DESC LIMIT ?)').run(actor.id, actor.id, RECENT_KEPT)
    })()
  }

  dismissChecklist(): void {
    this.deps.db.prepare('INSERT INTO system_settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(CHECKLIST_KEY, JSON.stringify({ dismissed: true }))
  }

  /** A sales-app form the caller may open, with the fields a section needs readable; else null. */
  private form(actor: Actor, key: string, fields: string[]): FormModel | null {
    let form: FormModel
    try {
      form = this.deps.schema.form(key)
    } catch (error) {
      if (error instanceof DomainError) return null
      throw error
    }
    if (!this.deps.access.can(actor, 'view', form)) return null
    const hidden = this.deps.access.hiddenFieldIds(actor, form)
    for (const k of fields) {
      const f = form.byKey.get(k)
      if (!f || hidden.has(f.id)) return null
    }
    return form
  }

  private list(actor: Actor, form: FormModel, filter: FilterNode, sort: Array<{ field: string; dir: 'asc' | 'desc' }>, limit: number) {
    return this.deps.reads.list(actor, { form: form.id, filter, sort, limit, withTotal: true })
  }

  private tasks(actor: Actor, today: string): WorkbenchDayDto['tasks'] {
    const form = this.form(actor, 'task', ['dueDate', 'status', 'assignee'])
    if (!form) return null
    const filter: FilterNode = { and: [{ field: 'assignee', op: 'isMe' }, ...notIn(form, 'status', ['done'])] }
    const page = this.list(actor, form, filter, [{ field: 'dueDate', dir: 'asc' }], LIST)
    return {
      total: page.total ?? page.records.length,
      items: page.records.map((r) => {
        const dueDate = dateOf(r.fields.dueDate)
        return { formId: form.id, id: r.id, title: titleOf(form, r), dueDate, overdue: dueDate !== null && dueDate < today }
      })
    }
  }

  /**
   * Follow-ups are a log: the latest one about a customer (or opportunity, or lead) says when to
   * call next. Due is the caller's latest follow-up per subject whose next date is today or past;
   * an older one already answered by a later follow-up is not due.
   */
  private followUps(actor: Actor, today: string): WorkbenchDayDto['followUps'] {
    const form = this.form(actor, 'followUp', ['nextDate', 'time'])
    if (!form) return null
    const mine: FilterNode = { field: 'owner', op: 'isMe' }
    const seen = new Set<string>()
    const due: Array<NonNullable<WorkbenchDayDto['followUps']>['items'][number]> = []
    let cursor: string | undefined
    for (let page = 0; page < 20; page++) {
      const res = this.deps.reads.list(actor, { form: form.id, filter: mine, sort: [{ field: 'time', dir: 'desc' }], limit: 500, cursor })
      for (const r of res.records) {
        const about = subjectOf(r)
        const key = about?.key ?? `self:${r.id}`
        if (seen.has(key)) continue
        seen.add(key)
        const nextDate = dateOf(r.fields.nextDate)
        if (nextDate !== null && nextDate <= today) due.push({ formId: form.id, id: r.id, title: titleOf(form, r), nextDate, overdue: nextDate < today, about: about?.title ?? null })
      }
      if (!res.nextCursor) break
      cursor = res.nextCursor
    }
    // Today's first, then the most recently missed: a call missed last week matters more than one missed last year.
    due.sort((a, b) => (a.nextDate > b.nextDate ? -1 : a.nextDate < b.nextDate ? 1 : 0))
    return { total: due.length, items: due.slice(0, LIST) }
  }

  private deals(actor: Actor): WorkbenchDayDto['deals'] {
    const form = this.form(actor, 'opportunity', ['closeDate', 'stage'])
    if (!form) return null
    const amountField = form.byKey.get('amount')
    const amountShown = !!amountField && !this.deps.access.hiddenFieldIds(actor, form).has(amountField.id)
    const filter: FilterNode = { and: [{ field: 'owner', op: 'isMe' }, { field: 'closeDate', op: 'thisMonth' }, ...notIn(form, 'stage', ['won', 'lost'])] }
    const res = this.deps.reads.list(actor, { form: form.id, filter, sort: [{ field: 'closeDate', dir: 'asc' }], limit: LIST, withTotal: true, totals: amountShown ? ['amount'] : undefined })
    return {
      total: res.total ?? res.records.length,
      amountShown,
      amountTotal: amountShown ? (res.totals?.amount ?? null) : null,
      items: res.records.map((r) => ({
        formId: form.id,
        id: r.id,
        title: titleOf(form, r),
        closeDate: dateOf(r.fields.closeDate),
        stage: typeof r.fields.stage === 'string' ? r.fields.stage : null,
        amount: amountShown && typeof r.fields.amount === 'number' ? r.fields.amount : null
      }))
    }
  }

  /** Re-read through the access layer: a record deleted or moved out of sight since is left out. */
  private recent(actor: Actor): WorkbenchDayDto['recent'] {
    const rows = this.deps.db.prepare('SELECT form_id AS formId, record_id AS recordId, opened_at AS openedAt FROM workbench_recent WHERE user_id = ? ORDER BY opened_at DESC LIMIT ?').all(actor.id, RECENT_KEPT) as Array<{ formId: number; recordId: number; openedAt: number }>
    const out: WorkbenchDayDto['recent'] = []
    for (const row of rows) {
      if (out.length >= RECENT_SHOWN) break
      try {
        const form = this.deps.schema.form(row.formId)
        const record = this.deps.reads.get(actor, form.id, row.recordId)
        if (record.deletedAt) continue
        out.push({ formId: form.id, formLabel: form.label, id: record.id, title: titleOf(form, record), openedAt: row.openedAt })
      } catch (error) {
        if (!(error instanceof DomainError)) throw error
      }
    }
    return out
  }

  /** Derived from the data, never ticked by hand: done is what the owner has really done. */
  private checklist(lanSharing: boolean): WorkbenchDayDto['checklist'] {
    const { db, settings } = this.deps
    const raw = db.prepare('SELECT value FROM system_settings WHERE key = ?').pluck().get(CHECKLIST_KEY) as string | undefined
    if (raw && (JSON.parse(raw) as { dismissed?: boolean }).dismissed) return null
    const done: Record<(typeof CHECKLIST_ITEMS)[number], boolean> = {
      colleagues: (db.prepare('SELECT COUNT(*) FROM users WHERE active = 1').pluck().get() as number) > 1,
      import: db.prepare("SELECT 1 FROM import_batches WHERE status = 'done' AND undone_at IS NULL LIMIT 1").pluck().get() !== undefined,
      company: settings.company().name.trim() !== '',
      lan: lanSharing,
      backup: settings.backup().copyTo !== null
    }
    if (Object.values(done).every(Boolean)) return null
    let formId: number | null = null
    try {
      formId = this.deps.schema.form('customer').id
    } catch (error) {
      if (!(error instanceof DomainError)) throw error
    }
    return { items: CHECKLIST_ITEMS.map((key) => ({ key, done: done[key] })), formId }
  }
}

/** The remembered LAN share switch (src-main/lan/share.ts keeps it in system_settings 'lan'). */
export function lanSharingOn(db: Sqlite): boolean {
  const raw = db.prepare("SELECT value FROM system_settings WHERE key = 'lan'").pluck().get() as string | undefined
  return raw ? (JSON.parse(raw) as { sharing?: boolean }).sharing === true : false
}

/** Leave out closed options (won, lost, done) that the form still has; an owner may have removed one. */
function notIn(form: FormModel, key: string, ids: string[]): FilterNode[] {
  const options = (form.byKey.get(key)?.config.options ?? []) as Array<{ id: string }>
  const present = ids.filter((id) => options.some((o) => o.id === id))
  return present.length ? [{ field: key, op: 'notIn', value: present }] : []
}

function titleOf(form: FormModel, r: RecordDto): string {
  const v = form.titleField ? r.fields[form.titleField.apiKey] : null
  return typeof v === 'string' && v.trim() !== '' ? v : typeof v === 'number' ? String(v) : `#${r.id}`
}

function dateOf(v: unknown): string | null {
  return typeof v === 'string' && v.length >= 10 ? v.slice(0, 10) : null
}

/** What a follow-up is about: its customer, else its opportunity, else its lead (as read by the caller). */
function subjectOf(r: RecordDto): { key: string; title: string | null } | null {
  for (const k of ['customer', 'opportunity', 'lead']) {
    const v = r.fields[k] as unknown
    const ref = Array.isArray(v) ? v[0] : v
    if (ref && typeof ref === 'object' && 'id' in ref) {
      const o = ref as { id: number; title?: unknown; label?: unknown }
      const title = typeof o.title === 'string' ? o.title : typeof o.label === 'string' ? o.label : null
      return { key: `${k}:${o.id}`, title }
    }
    if (typeof ref === 'number') return { key: `${k}:${ref}`, title: null }
  }
  return null
}
