import type { Core } from '../core'
import type { Actor } from '../access/actor'
import type { AuditVerification } from '../access/audit'
import type { FieldModel, FormModel } from '../forms/model'
import { fieldType } from '../forms/field-types/registry'
import { Serializer } from '../records/serialize'
import type { Locale } from '../shared/locales'
import { messages, translate } from '../shared/locales'
import { formatDateTime } from '../shared/values/format'
import { describeClient } from '../shared/user-agent'
import { escapeFormula } from '../transfer/formula-escape'

// The audit trail as people read it: newest first, filtered by who, form, record, action and
// time; and the same as CSV for Excel. Entries are stored with raw keys and ids (op names, field
// ids, user, record, role and department ids, detail keys); here, where names can be resolved,
// every one becomes words in the reader's language: the action, the record's title with its
// form, each change as label: old → new, each detail with its translated label and value.

export interface AuditFilter {
  actorId?: number; formId?: number; recordId?: number; op?: string; from?: string; to?: string; limit?: number; before?: number
}

interface Row { id: number; op: string; form_id: number | null; record_id: number | null; actor_id: number | null; at: number; changes: string; detail: string | null }

/** One line of an entry as shown: a label and the value (with the value before, for a change). */
export interface AuditLine { key: string; label: string; old: string | null; new: string }

function query(core: Core, f: AuditFilter, limit: number): Row[] {
  const where: string[] = []
  const params: unknown[] = []
  if (f.actorId !== undefined) { where.push('actor_id = ?'); params.push(f.actorId) }
  if (f.formId !== undefined) { where.push('form_id = ?'); params.push(f.formId) }
  if (f.recordId !== undefined) { where.push('record_id = ?'); params.push(f.recordId) }
  if (f.op) { where.push('(op = ? OR op LIKE ?)'); params.push(f.op, `${f.op}.%`) }
  if (f.from) { where.push('at >= ?'); params.push(Date.parse(f.from)) }
  if (f.to) { where.push('at < ?'); params.push(Date.parse(f.to)) }
  if (f.before !== undefined) { where.push('id < ?'); params.push(f.before) }
  const sql = `SELECT id, op, form_id, record_id, actor_id, at, changes, detail FROM change_log ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY id DESC LIMIT ?`
  return core.db.prepare(sql).all(...params, limit) as Row[]
}

/** Detail and snapshot keys whose values are ids of users, departments, roles or records of the entry's form. */
const USER_KEYS = new Set(['userId', 'userIds', 'fromUserId', 'toUserId', 'headUserId', 'managerId', 'owner', 'collaborators'])
const DEPARTMENT_KEYS = new Set(['departmentId', 'parentId'])
const ROLE_KEYS = new Set(['roleId', 'roleIds'])
const RECORD_KEYS = new Set(['ids', 'keep', 'merged'])
/** Keys that identify rather than describe (the entry already says what it is about). */
const SKIPPED_KEYS = new Set(['id', 'position', 'userCount', 'key'])
/** Records listed by name in one line at most; the rest are counted. */
const RECORDS_SHOWN = 20

class Presenter {
  private readonly users: Map<number, string>
  private readonly departments: Map<number, string>
  private readonly roles: Map<number, string>
  private readonly titles = new Map<string, string>()
  private readonly views = new Map<number, string | null>()
  private readonly serializer: Serializer

  constructor(private readonly core: Core, private readonly actor: Actor, private readonly locale: Locale) {
    this.users = new Map(core.auth.users().map((u) => [u.id, u.name]))
    this.departments = new Map(core.org.departments().map((d) => [d.id, d.name]))
    this.roles = new Map(core.org.roles().map((r) => [r.id, r.name]))
    this.serializer = new Serializer(core.db, core.schema, core.access)
  }

  t(key: string, params?: Record<string, string | number>): string {
    return translate(this.locale, key, params)
  }

  private has(key: string): boolean {
    return key in messages[this.locale]
  }

  private get empty(): string {
    return this.t('common.empty')
  }

  private list(items: string[]): string {
    return items.join(this.t('common.listSeparator'))
  }

  form(id: number | null): FormModel | null {
    if (id === null) return null
    try {
      return this.core.schema.form(id)
    } catch {
      return null
    }
  }

  formLabel(id: number | null): string | null {
    if (id === null) return null
    return this.form(id)?.label ?? this.t('audit.value.form', { id })
  }

  opLabel(op: string): string {
    return this.has(`audit.op.${op}`) ? this.t(`audit.op.${op}`) : this.t('audit.op.other', { op })
  }

  user(id: unknown): string {
    return typeof id === 'number' ? this.users.get(id) ?? this.t('audit.value.user', { id }) : this.empty
  }

  /** A record as 客户「杭州云栖」: the form's name and the record's title (a deleted record keeps its title). */
  record(formId: number | null, id: number): string {
    const form = this.form(formId)
    if (!form) return this.t('audit.value.record', { form: this.formLabel(formId) ?? '', id })
    const cacheKey = `${form.id}:${id}`
    let title = this.titles.get(cacheKey)
    if (title === undefined) {
      title = this.serializer.titles(form, [id], this.actor).get(id) ?? ''
      // titles() answers #id when the record has no title (or is gone).
      if (title === `#${id}`) title = ''
      this.titles.set(cacheKey, title)
    }
    return title ? this.t('audit.value.recordTitled', { form: form.label, title }) : this.t('audit.value.record', { form: form.label, id })
  }

  private records(formId: number | null, ids: number[]): string {
    const shown = ids.slice(0, RECORDS_SHOWN).map((id) => this.record(formId, id))
    if (ids.length > RECORDS_SHOWN) shown.push(this.t('audit.value.moreRecords', { count: ids.length - RECORDS_SHOWN }))
    return this.list(shown)
  }

  private view(id: number): string {
    if (!this.views.has(id)) this.views.set(id, (this.core.db.prepare('SELECT name FROM views WHERE id = ?').pluck().get(id) as string | undefined) ?? null)
    return this.views.get(id) ?? this.t('audit.value.view', { id })
  }

  private field(form: FormModel | null, key: string): FieldModel | null {
    if (!form || !/^\d+$/.test(key)) return null
    const id = Number(key)
    const found = form.byId.get(id) ?? form.deletedFields.find((f) => f.id === id)
    if (found) return found
    for (const children of form.children.values()) for (const c of children) if (c.id === id) return c
    return null
  }

  /** Label of a change or detail key: a field's label, or the translated key. */
  label(form: FormModel | null, key: string): string {
    const field = this.field(form, key)
    if (field) return field.label
    if (/^\d+$/.test(key)) return this.t('audit.value.field', { id: key })
    return this.has(`audit.key.${key}`) ? this.t(`audit.key.${key}`) : this.t('audit.key.other', { key })
  }

  /** A stored field value as the record page would show it, relation ids as titles, members as names. */
  fieldValue(field: FieldModel, v: unknown): string {
    if (v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0)) return this.empty
    if (field.type === 'relation') {
      const target = (field.config as { targetFormId?: number }).targetFormId ?? null
      return this.records(target, (Array.isArray(v) ? v : [v]).filter((x): x is number => typeof x === 'number'))
    }
    if (field.type === 'member') return this.list((Array.isArray(v) ? v : [v]).map((id) => this.user(id)))
    if (field.type === 'subtable' && Array.isArray(v)) return this.t('audit.value.rows', { count: v.length })
    if (field.type === 'attachment') {
      const hashes = typeof v === 'string' ? (JSON.parse(v) as string[]) : Array.isArray(v) ? (v as string[]) : []
      return this.list(hashes.map((h) => (this.core.db.prepare('SELECT name FROM attachments WHERE hash = ?').pluck().get(h) as string | undefined) ?? this.t('audit.value.file')))
    }
    if (field.type === 'checkbox') return this.t(v ? 'audit.value.yes' : 'audit.value.no')
    return fieldType(field).format(v, field, this.locale) || this.plain(v)
  }

  /** A detail or snapshot value by what its key means. */
  value(key: string, v: unknown, form: FormModel | null, entryFormId: number | null): string {
    if (v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0)) return this.empty
    const ids = (Array.isArray(v) ? v : [v]).filter((x): x is number => typeof x === 'number')
    if (USER_KEYS.has(key)) return this.list(ids.map((id) => this.user(id)))
    if (DEPARTMENT_KEYS.has(key)) return this.list(ids.map((id) => this.departments.get(id) ?? this.t('audit.value.department', { id })))
    if (ROLE_KEYS.has(key)) return this.list(ids.map((id) => this.roles.get(id) ?? this.t('audit.value.role', { id })))
    if (RECORD_KEYS.has(key)) return this.records(entryFormId, ids)
    if (key === 'formId' && typeof v === 'number') return this.formLabel(v)!
    if (key === 'view' && typeof v === 'number') return this.view(v)
    if (key === 'importId' && typeof v === 'number') return this.t('audit.value.import', { id: v })
    if (key === 'app' && typeof v === 'string') return this.core.schema.listApps().find((a) => a.apiKey === v)?.label ?? v
    if (key === 'rule' && typeof v === 'object') return String((v as { name?: unknown }).name ?? this.empty)
    if (key === 'actions' && Array.isArray(v)) return this.list(v.map((a) => this.translated(`perm.action.${String(a)}`, String(a))))
    if (key === 'fieldRules' && typeof v === 'object') {
      const rules = Object.entries(v as Record<string, string>)
      return rules.length ? this.list(rules.map(([id, rule]) => `${this.label(form, id)}${this.t('audit.value.colon')}${this.translated(`audit.value.fieldRule.${rule}`, rule)}`)) : this.empty
    }
    if (key === 'scopeFilter' || key === 'filter') return this.t('audit.value.filtered')
    if (key === 'expiresAt' && typeof v === 'number') return formatDateTime(v, this.locale)
    if (key === 'client' && typeof v === 'string') return describeClient(v)
    if (typeof v === 'string') {
      for (const prefix of [`audit.value.${key}.`, key === 'scope' ? 'perm.scope.' : null, key === 'reason' ? 'transfer.ui.batch.' : null]) {
        if (prefix && this.has(prefix + v)) return this.t(prefix + v)
      }
      return v
    }
    if (typeof v === 'boolean' || (key === 'active' && typeof v === 'number') || key === 'isAdmin') return this.t(v ? 'audit.value.yes' : 'audit.value.no')
    return this.plain(v)
  }

  private translated(key: string, fallback: string): string {
    return this.has(key) ? this.t(key) : fallback
  }

  private plain(v: unknown): string {
    if (typeof v === 'string') return v
    if (typeof v === 'number') return String(v)
    if (typeof v === 'boolean') return this.t(v ? 'audit.value.yes' : 'audit.value.no')
    if (Array.isArray(v)) return this.list(v.map((x) => this.plain(x)))
    if (v && typeof v === 'object') {
      const named = v as { name?: unknown; label?: unknown }
      if (typeof named.name === 'string') return named.name
      if (typeof named.label === 'string') return named.label
      return JSON.stringify(v)
    }
    return this.empty
  }

  /** The entry's changes and details as lines, in the reader's words. */
  lines(r: Row): AuditLine[] {
    const form = this.form(r.form_id)
    const out: AuditLine[] = []
    const changes = JSON.parse(r.changes) as Record<string, [unknown, unknown]>
    for (const [key, [before, after]] of Object.entries(changes)) {
      const field = this.field(form, key)
      const show = (v: unknown) => (field ? this.fieldValue(field, v) : this.value(key, v, form, r.form_id))
      const label = this.label(form, key)
      // A created or restored record shows its values, a deleted one what it had; any other change shows old → new.
      if (r.op === 'create' || r.op === 'restore') out.push({ key, label, old: null, new: show(after) })
      else if (r.op === 'delete') out.push({ key, label, old: null, new: show(before) })
      else out.push({ key, label, old: show(before), new: show(after) })
    }
    const detail = r.detail ? (JSON.parse(r.detail) as Record<string, unknown>) : {}
    const permissionForm = r.op === 'permission.change' ? form : null
    for (const [key, v] of Object.entries(detail)) {
      if (v === null || v === undefined || SKIPPED_KEYS.has(key)) continue
      if (key === 'rule' && 'origin' in detail) continue
      // permission.change names the role, and also carries its id.
      if (key === 'roleId' && typeof detail.role === 'string') continue
      if (key === 'before' || key === 'after') continue
      let text = this.value(key, v, permissionForm, r.form_id)
      if (key === 'origin' && detail.rule && typeof detail.rule === 'object') text = this.t('audit.value.originRule', { origin: text, rule: this.value('rule', detail.rule, null, null) })
      out.push({ key: `detail.${key}`, label: this.label(null, key), old: null, new: text })
    }
    // Snapshots of users, departments, roles and permissions: what changed, or what there was.
    const before = detail.before && typeof detail.before === 'object' ? (detail.before as Record<string, unknown>) : null
    const after = detail.after && typeof detail.after === 'object' ? (detail.after as Record<string, unknown>) : null
    const keys = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])].filter((k) => !SKIPPED_KEYS.has(k))
    for (const key of keys) {
      const a = before?.[key]
      const b = after?.[key]
      if (before && after && JSON.stringify(a) === JSON.stringify(b)) continue
      if (!before && (b === null || b === undefined)) continue
      const label = this.label(permissionForm, key)
      const show = (v: unknown) => this.value(key, v, permissionForm, r.form_id)
      if (before && after) out.push({ key: `detail.${key}`, label, old: show(a), new: show(b) })
      else out.push({ key: `detail.${key}`, label, old: null, new: show(before ? a : b) })
    }
    return out
  }

  /** What the entry is about: the record (form and title), the form, or the person or file it names. */
  target(r: Row): string | null {
    if (r.form_id !== null && r.record_id !== null) return this.record(r.form_id, r.record_id)
    if (r.form_id !== null) return this.formLabel(r.form_id)
    const detail = r.detail ? (JSON.parse(r.detail) as Record<string, unknown>) : {}
    const snapshot = (detail.after ?? detail.before) as Record<string, unknown> | undefined
    for (const v of [detail.name, detail.login, snapshot?.name, detail.file]) if (typeof v === 'string' && v) return v
    if (typeof detail.userId === 'number') return this.user(detail.userId)
    return null
  }
}

function present(core: Core, actor: Actor, rows: Row[], locale: Locale) {
  const p = new Presenter(core, actor, locale)
  return rows.map((r) => {
    const raw = JSON.parse(r.changes) as Record<string, [unknown, unknown]>
    const changes: Record<string, { old: unknown; new: unknown }> = {}
    for (const [k, pair] of Object.entries(raw)) changes[k] = { old: pair[0], new: pair[1] }
    return {
      id: r.id, op: r.op, opLabel: p.opLabel(r.op), formId: r.form_id, formLabel: p.formLabel(r.form_id), recordId: r.record_id, target: p.target(r),
      actor: r.actor_id ? { id: r.actor_id, name: p.user(r.actor_id) } : null,
      at: new Date(r.at).toISOString(), changes, detail: r.detail ? (JSON.parse(r.detail) as Record<string, unknown>) : null, lines: p.lines(r)
    }
  })
}

export function listAudit(core: Core, actor: Actor, f: AuditFilter, locale: Locale = actor.locale) {
  const limit = f.limit ?? 100
  const rows = query(core, f, limit + 1)
  const page = rows.slice(0, limit)
  return { entries: present(core, actor, page, locale), nextBefore: rows.length > limit ? page[page.length - 1]!.id : null }
}

// Every cell is escaped against formula injection the way view exports are: an audit entry carries
// text typed by users (record values, logins, file names), and Excel runs a cell starting with = + - @.
const cell = (v: unknown) => {
  const s = escapeFormula(v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v))
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

export function auditCsv(core: Core, actor: Actor, f: AuditFilter, locale: Locale) {
  const entries = present(core, actor, query(core, f, 100_000), locale)
  const header = ['audit.col.id', 'audit.col.time', 'audit.col.actor', 'audit.col.action', 'audit.col.form', 'audit.col.record', 'audit.col.changes', 'audit.col.detail'].map((k) => translate(locale, k))
  const text = (lines: AuditLine[]) => lines.map((l) => `${l.label}${translate(locale, 'audit.value.colon')}${l.old !== null ? `${l.old} → ` : ''}${l.new}`).join('; ')
  const lines = entries.map((e) => [
    e.id, formatDateTime(Date.parse(e.at), locale), e.actor?.name ?? translate(locale, 'history.system'), e.opLabel, e.formLabel ?? '', e.recordId !== null ? e.target ?? '' : '',
    text(e.lines.filter((l) => !l.key.startsWith('detail.'))), text(e.lines.filter((l) => l.key.startsWith('detail.')))
  ].map(cell).join(','))
  // A BOM so Excel opens the UTF-8 file with Chinese intact.
  return { filename: `audit-${new Date().toISOString().slice(0, 10)}.csv`, csv: '\uFEFF' + [header.join(','), ...lines].join('\r\n') + '\r\n', rows: entries.length }
}

/** The verdict of audit.verify in the reader's words: what checks out, or where and what broke. */
export function verifyMessage(v: AuditVerification, locale: Locale): string {
  const parts: string[] = []
  const time = (iso: string) => formatDateTime(Date.parse(iso), locale)
  if (v.brokenAt !== null) parts.push(translate(locale, 'audit.verifyBroken', { id: v.brokenAt, count: v.checked }))
  else if (v.missingAfter !== null && v.checkpoint) {
    parts.push(v.missingAfter > 0
      ? translate(locale, 'audit.verifyMissing', { after: v.missingAfter, time: time(v.checkpoint.at), id: v.checkpoint.id })
      : translate(locale, 'audit.verifyAllMissing', { time: time(v.checkpoint.at), id: v.checkpoint.id }))
  } else if (v.ok) parts.push(translate(locale, 'audit.verifyOk', { count: v.checked }))
  if (v.badCheckpoints > 0) parts.push(translate(locale, 'audit.verifyBadCheckpoints', { count: v.badCheckpoints }))
  if (v.legacyThrough !== null) parts.push(translate(locale, 'audit.verifyLegacy', { id: v.legacyThrough }))
  return parts.join(' ')
}
