import type { Core } from '../core'
import type { Actor } from '../access/actor'
import type { Locale } from '../shared/locales'
import { translate } from '../shared/locales'
import { escapeFormula } from '../transfer/formula-escape'

// The audit trail as people read it: newest first, filtered by who, form, record, action and
// time, with field ids turned into labels; and the same as CSV for Excel.

export interface AuditFilter {
  actorId?: number; formId?: number; recordId?: number; op?: string; from?: string; to?: string; limit?: number; before?: number
}

interface Row { id: number; op: string; form_id: number | null; record_id: number | null; actor_id: number | null; at: number; changes: string; detail: string | null }

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

function present(core: Core, rows: Row[]) {
  const users = new Map(core.auth.users().map((u) => [u.id, u.name]))
  const formLabel = (id: number | null) => {
    if (id === null) return null
    try {
      return core.schema.form(id).label
    } catch {
      return `#${id}`
    }
  }
  const fieldLabel = (formId: number | null, key: string) => {
    if (formId === null || !/^\d+$/.test(key)) return key
    try {
      const form = core.schema.form(formId)
      const f = form.byId.get(Number(key)) ?? form.deletedFields.find((x) => x.id === Number(key))
      return f?.label ?? key
    } catch {
      return key
    }
  }
  return rows.map((r) => {
    const raw = JSON.parse(r.changes) as Record<string, [unknown, unknown]>
    const changes: Record<string, { old: unknown; new: unknown }> = {}
    for (const [k, pair] of Object.entries(raw)) changes[k === 'owner' ? 'owner' : fieldLabel(r.form_id, k)] = { old: pair[0], new: pair[1] }
    return {
      id: r.id, op: r.op, formId: r.form_id, formLabel: formLabel(r.form_id), recordId: r.record_id,
      actor: r.actor_id ? { id: r.actor_id, name: users.get(r.actor_id) ?? `#${r.actor_id}` } : null,
      at: new Date(r.at).toISOString(), changes, detail: r.detail ? (JSON.parse(r.detail) as Record<string, unknown>) : null
    }
  })
}

export function listAudit(core: Core, _actor: Actor, f: AuditFilter) {
  const limit = f.limit ?? 100
  const rows = query(core, f, limit + 1)
  const page = rows.slice(0, limit)
  return { entries: present(core, page), nextBefore: rows.length > limit ? page[page.length - 1]!.id : null }
}

// Every cell is escaped against formula injection the way view exports are: an audit entry carries
// text typed by users (record values, logins, file names), and Excel runs a cell starting with = + - @.
const cell = (v: unknown) => {
  const s = escapeFormula(v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v))
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

export function auditCsv(core: Core, _actor: Actor, f: AuditFilter, locale: Locale) {
  const entries = present(core, query(core, f, 100_000))
  const header = ['audit.col.id', 'audit.col.time', 'audit.col.actor', 'audit.col.action', 'audit.col.form', 'audit.col.record', 'audit.col.changes', 'audit.col.detail'].map((k) => translate(locale, k))
  const lines = entries.map((e) => [e.id, e.at, e.actor?.name ?? '', e.op, e.formLabel ?? '', e.recordId ?? '', Object.entries(e.changes).map(([k, v]) => `${k}: ${JSON.stringify(v.old)} → ${JSON.stringify(v.new)}`).join('; '), e.detail ?? ''].map(cell).join(','))
  // A BOM so Excel opens the UTF-8 file with Chinese intact.
  return { filename: `audit-${new Date().toISOString().slice(0, 10)}.csv`, csv: '\uFEFF' + [header.join(','), ...lines].join('\r\n') + '\r\n', rows: entries.length }
}
