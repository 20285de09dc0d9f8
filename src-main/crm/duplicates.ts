import { ident } from '../db/connection'
import type { CrmDeps } from './crm-service'
import type { Actor } from '../access/actor'
import { relationConfig } from '../forms/field-types/relation'
import { linkTable } from '../forms/model'
import { ValidationError } from '../shared/errors'
import { normalizeCompanyName, normalizePhone } from '../shared/crm-normalize'

// Duplicate customers: the same company written differently (有限公司 or not, full-width
// brackets, spaces) or the same phone. Found through the query builder, so a user is warned only
// about customers they may see, and matched only on fields they may read: a phone hidden from
// them is neither compared nor returned (a match on it would tell them the number). Merging moves
// every related record to the kept customer.

export interface DuplicateMatch { id: number; name: string; phone: string | null; owner: string | null; by: 'name' | 'phone' }

interface Row { id: number; name: string | null; phone: string | null; owner: string | null }

export class Duplicates {
  constructor(private readonly core: CrmDeps) {}

  private rows(actor: Actor): Row[] {
    const form = this.core.schema.form('customer')
    const readable = new Set(this.core.access.readableFields(actor, form).map((f) => f.apiKey))
    const name = readable.has('name') ? form.byKey.get('name')?.column : undefined
    const phone = readable.has('phone') ? form.byKey.get('phone')?.column : undefined
    if (!name) return []
    const where = this.core.queries.where(actor, form, undefined, undefined)
    return this.core.db.prepare(`SELECT t.id, t.${ident(name)} AS name, ${phone ? `t.${ident(phone)}` : 'NULL'} AS phone, u.name AS owner
      FROM ${ident(form.table)} t LEFT JOIN users u ON u.id = t.owner_id WHERE ${where.sql} ORDER BY t.id`).all(...where.params) as Row[]
  }

  /** Customers the actor may see that look like the one being entered. */
  check(actor: Actor, input: { name?: string | null; phone?: string | null; excludeId?: number }): DuplicateMatch[] {
    const n = input.name ? normalizeCompanyName(input.name) : ''
    const p = input.phone ? normalizePhone(input.phone) : ''
    if (!n && p.length < 7) return []
    const out: DuplicateMatch[] = []
    for (const r of this.rows(actor)) {
      if (r.id === input.excludeId) continue
      const by = n && r.name && normalizeCompanyName(r.name) === n ? 'name' : p.length >= 7 && r.phone && normalizePhone(r.phone) === p ? 'phone' : null
      if (by) out.push({ id: r.id, name: r.name ?? '', phone: r.phone, owner: r.owner, by })
      if (out.length >= 20) break
    }
    return out
  }

  /** Groups of two or more customers that look like one company (same normalised name or phone). */
  groups(actor: Actor): Array<{ key: string; by: 'name' | 'phone'; records: DuplicateMatch[] }> {
    const byName = new Map<string, Row[]>()
    const byPhone = new Map<string, Row[]>()
    for (const r of this.rows(actor)) {
      const n = r.name ? normalizeCompanyName(r.name) : ''
      if (n) byName.set(n, [...(byName.get(n) ?? []), r])
      const p = r.phone ? normalizePhone(r.phone) : ''
      if (p.length >= 7) byPhone.set(p, [...(byPhone.get(p) ?? []), r])
    }
    const out: Array<{ key: string; by: 'name' | 'phone'; records: DuplicateMatch[] }> = []
    const seen = new Set<string>()
    for (const [by, map] of [['name', byName], ['phone', byPhone]] as const) {
      for (const [key, rows] of map) {
        if (rows.length < 2) continue
        const sig = rows.map((r) => r.id).join(',')
        if (seen.has(sig)) continue
        seen.add(sig)
        out.push({ key, by, records: rows.map((r) => ({ id: r.id, name: r.name ?? '', phone: r.phone, owner: r.owner, by })) })
      }
    }
    return out
  }

  /**
   * Merge customers into one, in one transaction: every record of any form that links to a merged
   * customer (contacts, opportunities, follow-ups, quotes, contracts, payments, tickets…) is
   * re-linked to the kept one through the write pipeline (logged, roll-ups recomputed); blank
   * fields of the kept customer are filled from the merged ones; the merged customers are deleted
   * to the recycle bin, so their own history stays readable and a restore is possible.
   */
  merge(actor: Actor, keepId: number, mergeIds: number[]): { relinked: number; merged: number } {
    const customer = this.core.schema.form('customer')
    this.core.access.authorizeDesign(actor, customer)
    const ids = [...new Set(mergeIds)].filter((id) => id !== keepId)
    if (!ids.length) throw new ValidationError('crm.merge.nothing', {}, 'mergeIds')
    return this.core.writes.transaction(() => {
      const keep = this.core.reads.get(actor, 'customer', keepId)
      let relinked = 0
      for (const formId of this.core.schema.formIds()) {
        const form = this.core.schema.form(formId)
        for (const field of form.fields) {
          if (field.type !== 'relation' || relationConfig(field).targetFormId !== customer.id) continue
          const multiple = relationConfig(field).multiple
          const placeholders = ids.map(() => '?').join(',')
          const recordIds = multiple
            ? (this.core.db.prepare(`SELECT DISTINCT l.src FROM ${ident(linkTable(field.id))} l JOIN ${ident(form.table)} t ON t.id = l.src WHERE t.deleted_at IS NULL AND l.dst IN (${placeholders})`).pluck().all(...ids) as number[])
            : (this.core.db.prepare(`SELECT id FROM ${ident(form.table)} WHERE deleted_at IS NULL AND ${ident(field.column!)} IN (${placeholders})`).pluck().all(...ids) as number[])
          for (const rid of recordIds) {
            if (form.id === customer.id && (rid === keepId || ids.includes(rid))) continue
            let value: unknown = keepId
            if (multiple) {
              const current = (this.core.reads.get(actor, form.id, rid).fields[field.apiKey] as Array<{ id: number }> | null) ?? []
              value = [...new Set(current.map((x) => (ids.includes(x.id) ? keepId : x.id)))]
            }
            this.core.writes.update(actor, form.id, rid, { [field.apiKey]: value })
            relinked++
          }
        }
      }
      const fill: Record<string, unknown> = {}
      for (const id of ids) {
        const other = this.core.reads.get(actor, 'customer', id)
        for (const field of customer.fields) {
          if (['autonumber', 'formula', 'rollup', 'subtable', 'attachment'].includes(field.type) || field.unique) continue
          const mine = fill[field.apiKey] ?? keep.fields[field.apiKey]
          const theirs = other.fields[field.apiKey]
          const blank = (v: unknown) => v === null || v === undefined || v === '' || (Array.isArray(v) && !v.length)
          if (blank(mine) && !blank(theirs)) fill[field.apiKey] = toInput(theirs)
        }
      }
      if (Object.keys(fill).length) this.core.writes.update(actor, 'customer', keepId, fill)
      this.core.writes.delete(actor, 'customer', ids)
      this.core.audit.append({ op: 'crm.merge', formId: customer.id, recordId: keepId, actorId: actor.id || null, detail: { keep: keepId, merged: ids, relinked } })
      return { relinked, merged: ids.length }
    })
  }
}

/** A value as read (relations as {id,title}) turned back into write input. */
function toInput(v: unknown): unknown {
  if (Array.isArray(v)) return v.map((x) => (x && typeof x === 'object' && 'id' in x ? (x as { id: number }).id : x))
  if (v && typeof v === 'object' && 'id' in v) return (v as { id: number }).id
  return v
}
