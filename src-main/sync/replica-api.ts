import { z } from 'zod'
import type { Sqlite } from '../db/connection'
import { formRef, recordQuery, filterNode, searchText, type FormDto, type RecordDto } from '../shared/api/core'
import { DomainError, PermissionError, ValidationError } from '../shared/errors'
import { pickLocale, translate, type Locale } from '../shared/locales'
import { COMPUTED_TYPES } from '../shared/field-types'
import type { SyncClient, ReplicaRecord } from './client'
import { countReplica, listReplica, matchingRows, searchable, textOf, type ReplicaRow } from './replica-query'
import { snippet, titleRank } from '../records/global-search'
import { ReplicaTodos, TODO_CHANGES, TODO_METHODS } from './replica-todos'
import { sniffMime, validDeclaredMime } from '../attachments/content-type'

// The API a desktop client's window gets while the office host cannot be reached: what a rep does
// on the road, answered from their replica (src-main/sync/client.ts) — the forms, lists, a record,
// and creating, changing and deleting records through the offline write and the outbox. A few
// reads the shell needs to draw itself (who is signed in, the apps, the views, what the user may
// do with a form) answer what the host answered last time, kept in the replica as they came.
// Everything else answers 离线时不可用 — never a hang, never a raw network error.
//
// Permissions offline: the replica keeps each form's `forms.access` answer (the actions and the
// fields the user's roles make read-only), fetched with every sync when the form's access key
// changed. An edit of a form the user may only view, or of a read-only field, is refused here with
// a message saying so; a form whose rights were never fetched is refused too (connect once first).
// A record inside the user's view scope but outside their edit or delete scope (a role may view
// the department's records and edit only its own) came from the host marked so, and SyncClient
// refuses its change with the office's own message.

/** `queued`: a change written to the replica and the outbox, not yet taken by the office (the window says so). */
export type Envelope = { ok: true; data: unknown; queued?: true } | { ok: false; error: { code: string; message: string; messageKey: string; params?: Record<string, unknown>; field?: string } }

/** Reads whose last online answer is kept in the replica so the shell can draw itself offline. */
export const REMEMBERED_READS: ReadonlySet<string> = new Set(['auth.me', 'apps.list', 'views.list', 'forms.access', 'users.list', 'departments.list', 'records.collaborators', 'flows.counts', 'flows.todo', 'flows.instance'])

/** Changes answered from the replica: written here and queued for the office. */
const QUEUED: ReadonlySet<string> = new Set(['records.create', 'records.update', 'records.delete', ...TODO_CHANGES])

/** Methods answered from the replica itself. */
export const REPLICA_METHODS: ReadonlySet<string> = new Set(['forms.list', 'forms.get', 'records.list', 'records.count', 'records.get', 'records.create', 'records.update', 'records.delete', 'search.global', 'attachments.upload'])

const REPLICA_SCHEMA = `
  CREATE TABLE IF NOT EXISTS answers (method TEXT NOT NULL, input TEXT NOT NULL, data TEXT NOT NULL, at INTEGER NOT NULL, PRIMARY KEY (method, input)) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS access (form_id INTEGER PRIMARY KEY, key TEXT, actions TEXT NOT NULL, readonly TEXT NOT NULL);
`

/** Any record id of the replica: the host's (positive) or one made offline (negative). */
const anyId = z.number().int().refine((n) => n !== 0)
const inputs = {
  'forms.list': z.object({ appId: z.number().int().positive().optional() }).default({}),
  'forms.get': z.object({ form: formRef }),
  'records.list': recordQuery,
  'records.count': z.object({ form: formRef, filter: filterNode.optional(), search: searchText(200).optional(), groupBy: z.string().max(200).optional(), sums: z.array(z.string().max(200)).max(20).optional() }),
  'records.get': z.object({ form: formRef, id: anyId }),
  'records.create': z.object({ form: formRef, fields: z.record(z.string(), z.unknown()) }),
  'records.update': z.object({ form: formRef, id: anyId, fields: z.record(z.string(), z.unknown()), version: z.number().int().optional() }),
  'records.delete': z.object({ form: formRef, ids: z.array(anyId).min(1).max(10000) }),
  'attachments.upload': z.object({ name: z.string().trim().min(1).max(255), mime: z.string().max(100).default('application/octet-stream'), data: z.string().max(70_000_000) }),
  'search.global': z.object({ q: searchText(200).trim().min(1), limit: z.number().int().min(1).max(50).default(5), form: formRef.optional(), offset: z.number().int().min(0).max(10_000).default(0) })
}

/** Canonical JSON of an input (keys sorted), so the same read finds its kept answer. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`
  if (v && typeof v === 'object') return `{${Object.keys(v).sort().filter((k) => (v as Record<string, unknown>)[k] !== undefined).map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`
  return JSON.stringify(v ?? null)
}

export function failure(locale: Locale, e: DomainError): Envelope {
  const error: Extract<Envelope, { ok: false }>['error'] = { code: e.code, message: translate(locale, e.messageKey, e.params ?? {}), messageKey: e.messageKey, params: e.params }
  if (e.field) error.field = e.field
  return { ok: false, error }
}

export class ReplicaApi {
  private readonly db: Sqlite
  private readonly parsed = new Map<number, { stamp: number; rows: ReplicaRow[] }>()
  private readonly todos: ReplicaTodos

  constructor(
    private readonly client: SyncClient,
    private readonly options: { userId: number; now: () => number; timeZone?: string }
  ) {
    this.db = client.db
    this.db.exec(REPLICA_SCHEMA)
    this.todos = new ReplicaTodos(client, this.db, { userId: options.userId, now: options.now, kept: (method, input) => this.kept(method, input) })
    // The members an offline write may name: the colleagues the office listed last (the member picker's list).
    client.colleagues = () => (this.kept('users.list', {}) as Array<{ id: number; name: string }> | null) ?? []
  }

  /** What the office answered this user last for that read, or null. */
  private kept(method: string, input: unknown): unknown {
    const kept = this.db.prepare('SELECT data FROM answers WHERE method = ? AND input = ?').pluck().get(method, canonical(input ?? {})) as string | undefined
    return kept === undefined ? null : JSON.parse(kept)
  }

  /** Keep an online answer of a remembered read (what the host sent this user, in their own replica). */
  remember(method: string, input: unknown, data: unknown): void {
    if (!REMEMBERED_READS.has(method)) return
    this.db.prepare('INSERT INTO answers (method, input, data, at) VALUES (?, ?, ?, ?) ON CONFLICT(method, input) DO UPDATE SET data = excluded.data, at = excluded.at')
      .run(method, canonical(input ?? {}), JSON.stringify(data ?? null), this.options.now())
    if (method === 'forms.access') {
      const form = (input as { form?: unknown } | null)?.form
      if (typeof form === 'number' || typeof form === 'string') {
        try {
          this.keepAccess(this.client.form(form).id, data as { actions: string[]; readonly: string[] })
        } catch {
          // A form the replica does not hold (yet): its rights come with the next sync.
        }
      }
    }
  }

  /** Forms whose rights the replica does not hold for their current access key. */
  staleAccess(): number[] {
    return this.db.prepare('SELECT f.id FROM forms f LEFT JOIN access a ON a.form_id = f.id WHERE a.form_id IS NULL OR a.key IS NOT f.key').pluck().all() as number[]
  }

  keepAccess(formId: number, access: { actions: string[]; readonly: string[] }): void {
    const key = this.db.prepare('SELECT key FROM forms WHERE id = ?').pluck().get(formId) as string | null | undefined
    if (key === undefined) return
    this.db.prepare('INSERT INTO access (form_id, key, actions, readonly) VALUES (?, ?, ?, ?) ON CONFLICT(form_id) DO UPDATE SET key = excluded.key, actions = excluded.actions, readonly = excluded.readonly')
      .run(formId, key, JSON.stringify(access.actions ?? []), JSON.stringify(access.readonly ?? []))
  }

  private access(formId: number): { actions: Set<string>; readonly: Set<string> } | null {
    const row = this.db.prepare('SELECT actions, readonly FROM access WHERE form_id = ?').get(formId) as { actions: string; readonly: string } | undefined
    return row ? { actions: new Set(JSON.parse(row.actions) as string[]), readonly: new Set(JSON.parse(row.readonly) as string[]) } : null
  }

  /** One call while the office is unreachable. Always answers an envelope. */
  answer(method: string, rawInput: unknown, requestedLocale?: string): Envelope {
    const locale = pickLocale(requestedLocale)
    try {
      // The 待办 center: the to-dos each sync keeps; approvals queued in the outbox.
      if (TODO_METHODS.has(method)) return this.answered(method, this.todos.run(method, rawInput, locale))
      if (REPLICA_METHODS.has(method)) {
        const parsed = inputs[method as keyof typeof inputs].safeParse(rawInput ?? {})
        if (!parsed.success) {
          const issue = parsed.error.issues[0]!
          const path = issue.path.map(String)
          const field = path[0] === 'fields' && path[1] ? path[1] : path.join('.') || undefined
          return failure(locale, new ValidationError('error.badRequest', { detail: `${path.join('.') || 'input'}: ${issue.message}` }, field))
        }
        return this.answered(method, this.run(method, parsed.data as Record<string, unknown>, locale))
      }
      if (REMEMBERED_READS.has(method)) {
        const kept = this.db.prepare('SELECT data FROM answers WHERE method = ? AND input = ?').pluck().get(method, canonical(rawInput ?? {})) as string | undefined
        if (kept !== undefined) return { ok: true, data: JSON.parse(kept) }
        // The rights every sync fetches answer a form the window never opened online.
        const form = (rawInput as { form?: unknown } | null)?.form
        if (method === 'forms.access' && (typeof form === 'number' || typeof form === 'string')) {
          const access = this.access(this.client.form(form).id)
          if (access) return { ok: true, data: { actions: [...access.actions], readonly: [...access.readonly] } }
        }
      }
      // A record made here and not yet taken by the office has no collaborators and no approval yet.
      const local = this.localRecord(method, rawInput)
      if (local && method === 'records.collaborators') return { ok: true, data: [] }
      if (local && method === 'flows.recordStatus') return { ok: true, data: null }
      return failure(locale, new DomainError('CONFLICT', 'sync.offline.unavailable'))
    } catch (e) {
      if (e instanceof DomainError) return failure(locale, e)
      console.error(`offline ${method} failed`, e)
      return failure(locale, new DomainError('INTERNAL', 'error.internal'))
    }
  }

  private answered(method: string, data: unknown): Envelope {
    return QUEUED.has(method) ? { ok: true, data, queued: true } : { ok: true, data }
  }

  private localRecord(method: string, input: unknown): boolean {
    if (method !== 'records.collaborators' && method !== 'flows.recordStatus') return false
    const typed = (input ?? {}) as { form?: unknown; id?: unknown; recordId?: unknown }
    const id = method === 'records.collaborators' ? typed.id : typed.recordId
    if (typeof id !== 'number' || id >= 0 || (typeof typed.form !== 'number' && typeof typed.form !== 'string')) return false
    return this.client.record(typed.form, id)?.provisional === true
  }

  private ctx() {
    return { userId: this.options.userId, now: new Date(this.options.now()), timeZone: this.options.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone }
  }

  /** A record as the window shows it: one made offline says 待分配 where the host's number will be. */
  private shown(form: FormDto, r: ReplicaRecord, locale: Locale): RecordDto {
    const { provisional, ...record } = r
    if (!provisional) return record
    const fields = { ...record.fields }
    for (const f of form.fields) if (f.type === 'autonumber' && f.deletedAt === null) fields[f.apiKey] = translate(locale, 'sync.provisional')
    return { ...record, fields }
  }

  /**
   * A form's records, parsed once while the replica is unchanged (any write on the replica's
   * connection moves SQLite's total_changes()); the two forms used last are kept.
   */
  private rows(form: FormDto): ReplicaRow[] {
    const stamp = this.db.prepare('SELECT total_changes()').pluck().get() as number
    const hit = this.parsed.get(form.id)
    if (hit && hit.stamp === stamp) return hit.rows
    const rows = this.client.records(form.id).map((r) => {
      const { provisional, ...record } = r
      return { record, provisional }
    })
    this.parsed.delete(form.id)
    this.parsed.set(form.id, { stamp, rows })
    if (this.parsed.size > 2) this.parsed.delete(this.parsed.keys().next().value!)
    return rows
  }

  /** Refuse an offline change the user's rights on the form (as last fetched) would not allow. */
  private mayWrite(form: FormDto, action: 'create' | 'edit' | 'delete', keys: string[], owner?: { from: number | null; to: unknown }): void {
    const access = this.access(form.id)
    if (!access) throw new PermissionError('sync.offline.accessUnknown', { form: form.label })
    if (!access.actions.has(action)) throw new PermissionError(`sync.offline.no.${action}`, { form: form.label })
    // Another owner than oneself (or than the record has) is the choice of those who may transfer, as on the office.
    if (owner) {
      const to = this.client.ownerOf(owner.to)?.id ?? null
      if (to !== owner.from && to !== null && !access.actions.has('transfer')) throw new ValidationError('value.ownerAssign', {}, 'owner')
    }
    for (const key of keys) {
      const field = form.fields.find((f) => f.apiKey === key && f.deletedAt === null)
      if (field && access.readonly.has(key) && !COMPUTED_TYPES.has(field.type)) throw new ValidationError('sync.offline.readonlyField', { field: field.label }, key)
    }
  }

  private run(method: string, input: Record<string, unknown>, locale: Locale): unknown {
    const client = this.client
    const formOf = (ref: unknown) => client.formDto(ref as number | string)
    switch (method) {
      case 'forms.list': {
        const appId = input.appId as number | undefined
        return client.formDtos().filter((f) => appId === undefined || f.appId === appId).sort((a, b) => a.position - b.position || a.id - b.id)
      }
      case 'forms.get':
        return formOf(input.form)
      case 'records.list': {
        const form = formOf(input.form)
        const rows = this.rows(form)
        const page = listReplica(form, rows, input, this.ctx())
        const provisional = new Set(rows.filter((r) => r.provisional).map((r) => r.record.id))
        return { ...page, records: page.records.map((r) => this.shown(form, { ...r, provisional: provisional.has(r.id) }, locale)) }
      }
      case 'records.count': {
        const form = formOf(input.form)
        return countReplica(form, this.rows(form), input, this.ctx())
      }
      case 'records.get': {
        const form = formOf(input.form)
        const r = client.record(form.id, input.id as number)
        if (!r) throw new DomainError('NOT_FOUND', 'sync.offlineNotFound')
        return this.shown(form, r, locale)
      }
      case 'records.create': {
        const form = formOf(input.form)
        const fields = input.fields as Record<string, unknown>
        this.mayWrite(form, 'create', Object.keys(fields), 'owner' in fields ? { from: this.options.userId, to: fields.owner } : undefined)
        const id = client.create(form.id, fields)
        return this.shown(form, client.record(form.id, id)!, locale)
      }
      case 'records.update': {
        const form = formOf(input.form)
        const fields = input.fields as Record<string, unknown>
        const id = input.id as number
        const before = client.record(form.id, id)
        if (!before) throw new DomainError('NOT_FOUND', 'sync.offlineNotFound')
        this.mayWrite(form, 'edit', Object.keys(fields), 'owner' in fields ? { from: before.owner?.id ?? null, to: fields.owner } : undefined)
        client.update(form.id, id, fields)
        return this.shown(form, client.record(form.id, id)!, locale)
      }
      case 'records.delete': {
        const form = formOf(input.form)
        const ids = input.ids as number[]
        this.mayWrite(form, 'delete', [])
        const missing = ids.find((id) => !client.record(form.id, id))
        if (missing !== undefined) throw new DomainError('NOT_FOUND', 'sync.offlineNotFound')
        client.db.transaction(() => {
          for (const id of ids) client.remove(form.id, id)
        })()
        return { deleted: ids.length }
      }
      case 'attachments.upload': {
        // A file picked offline: checked as the office's store checks it, kept beside the replica, sent before the change naming it.
        if (!client.takesFiles) throw new DomainError('CONFLICT', 'sync.offline.unavailable')
        const name = input.name as string
        const declared = (input.mime as string) === '' ? 'application/octet-stream' : (input.mime as string)
        if (!validDeclaredMime(declared)) throw new ValidationError('attachment.badMime', {}, 'mime')
        if ([...name].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)) throw new ValidationError('attachment.badName', {}, 'name')
        const data = input.data as string
        const bytes = Buffer.from(data, 'base64')
        if (!bytes.length && data.length) throw new ValidationError('error.badRequest', { detail: 'data' }, 'data')
        return client.upload(name, declared, bytes, { mime: sniffMime(bytes, name) })
      }
      case 'search.global':
        return this.search(input as { q: string; limit: number; form?: number | string; offset: number })
      default:
        throw new DomainError('CONFLICT', 'sync.offline.unavailable')
    }
  }

  /**
   * Search all (or one of) the replica's forms as the office's search ranks it (records/global-search.ts):
   * within a form, title equal, then starting with the query, then containing it, then a match
   * elsewhere (named with the text around it); between forms, an equal title first, then any title
   * match, then the rest, in the forms' order. Substring matching, not the office's full-text index.
   */
  private search(input: { q: string; limit: number; form?: number | string; offset: number }) {
    const q = input.q
    const forms = input.form !== undefined ? [this.client.formDto(input.form)] : this.client.formDtos().sort((a, b) => a.position - b.position || a.id - b.id)
    const found: Array<{ formId: number; formLabel: string; hits: Array<{ recordId: number; title: string; match: { field: string; label: string; text: string; start: number; length: number } | null }>; more: boolean; best: number; order: number }> = []
    forms.forEach((form, order) => {
      const title = form.fields.find((f) => f.id === form.titleFieldId && f.deletedAt === null) ?? null
      const searched = form.fields.filter((f) => f.deletedAt === null && f.parentFieldId === null && searchable(f))
      const rows = matchingRows(form, this.rows(form), { search: q }, this.ctx())
      const hits = rows.map((r) => {
        const shown = title ? textOf(r.record.fields[title.apiKey]) : ''
        const name = shown || `#${r.record.id}`
        const rank = shown ? titleRank(shown, q) : 3
        let match = null
        if (rank === 3) {
          for (const f of searched) {
            if (f.id === title?.id) continue
            const text = textOf(r.record.fields[f.apiKey])
            const near = text ? snippet(text, q) : null
            if (near) {
              match = { field: f.apiKey, label: f.label, ...near }
              break
            }
          }
        }
        return { recordId: r.record.id, title: name, match, rank }
      }).sort((a, b) => a.rank - b.rank)
      const page = hits.slice(input.offset, input.offset + input.limit)
      if (page.length) found.push({ formId: form.id, formLabel: form.label, hits: page.map(({ rank: _rank, ...h }) => h), more: hits.length > input.offset + input.limit, best: hits[0]!.rank, order })
    })
    const tier = (best: number) => (best === 0 ? 0 : best < 3 ? 1 : 2)
    found.sort((a, b) => tier(a.best) - tier(b.best) || a.order - b.order)
    return found.map(({ formId, formLabel, hits, more }) => ({ formId, formLabel, hits, more }))
  }
}
