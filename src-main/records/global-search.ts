import { ident, type Sqlite } from '../db/connection'
import type { AccessLayer } from '../access/access-layer'
import type { Actor } from '../access/actor'
import { fieldType } from '../forms/field-types/registry'
import { relationConfig } from '../forms/field-types/relation'
import type { FieldModel, FormModel } from '../forms/model'
import type { SchemaService } from '../forms/schema-service'
import type { QueryBuilder } from './query-builder'
import type { Serializer } from './serialize'
import type { RecordRow } from './stored'

// Ctrl+K: records across every form the actor may view, grouped by form, best first.
// - Within a form: title equal to the query, then title starting with it, then title containing
//   it, then a match in another field; newest change first within each rank.
// - Forms: an equal title first, then forms with a title match, then the rest; within each tier
//   forms other forms link to first (customers before deals before leads: a customer is what
//   deals, contacts and contracts point at), then the forms' own order.
// - Each hit says which field matched and shows the text around the match. Only fields the actor
//   may read are searched or shown: the query builder searches visible fields only when any
//   searchable field is hidden, and snippets come from `readableFields` (no hidden field, no
//   computed field built on one).

export interface SearchMatch {
  /** The matching field's API key and label. */
  field: string
  label: string
  /** Text around the match (… where cut), and where the match lies in it. */
  text: string
  start: number
  length: number
}
export interface SearchHit { recordId: number; title: string; match: SearchMatch | null }
export interface SearchGroup { formId: number; formLabel: string; hits: SearchHit[]; more: boolean }

export interface GlobalSearchDeps { db: Sqlite; schema: SchemaService; access: AccessLayer; qb: QueryBuilder; serializer: Serializer }

/** Rank of a title for a query: 0 equal, 1 starts with it, 2 contains it, 3 the match is elsewhere. */
export function titleRank(title: string, q: string): number {
  const t = title.toLowerCase()
  const needle = q.toLowerCase()
  if (t === needle) return 0
  const at = t.indexOf(needle)
  return at === 0 ? 1 : at > 0 ? 2 : 3
}

const BEFORE = 12
const AFTER = 40

/** The text around the first occurrence of `q` in `text` (case-insensitive), or null. */
export function snippet(text: string, q: string): { text: string; start: number; length: number } | null {
  const at = text.toLowerCase().indexOf(q.toLowerCase())
  if (at < 0) return null
  const from = Math.max(0, at - BEFORE)
  const to = Math.min(text.length, at + q.length + AFTER)
  const head = from > 0 ? '…' : ''
  const body = text.slice(from, to).replace(/\s+/g, ' ')
  // Whitespace folding keeps lengths only when the match itself holds no run of whitespace; find it again.
  const start = body.toLowerCase().indexOf(q.toLowerCase().replace(/\s+/g, ' '))
  if (start < 0) return null
  return { text: `${head}${body}${to < text.length ? '…' : ''}`, start: head.length + start, length: q.replace(/\s+/g, ' ').length }
}

/** How many relation fields of other forms point at each form. */
function linkedCounts(schema: SchemaService): Map<number, number> {
  const counts = new Map<number, number>()
  for (const id of schema.formIds()) {
    for (const f of schema.form(id).fields) {
      if (f.type !== 'relation') continue
      const target = relationConfig(f).targetFormId
      if (target !== id) counts.set(target, (counts.get(target) ?? 0) + 1)
    }
  }
  return counts
}

function matchIn(row: RecordRow & Record<string, unknown>, fields: FieldModel[], skip: number | null, q: string, locale: Actor['locale']): SearchMatch | null {
  for (const f of fields) {
    if (f.id === skip || !f.column || !fieldType(f).searchable) continue
    const text = fieldType(f).format(row[f.column], f, locale)
    const found = text ? snippet(text, q) : null
    if (found) return { field: f.apiKey, label: f.label, ...found }
  }
  return null
}

/** One form's hits, ranked; `limit + 1` rows are read to know whether there are more. */
function searchForm(deps: GlobalSearchDeps, actor: Actor, form: FormModel, q: string, limit: number, offset: number): { hits: SearchHit[]; more: boolean; best: number } {
  const { db, access, qb, serializer } = deps
  const where = qb.where(actor, form, undefined, q)
  const hidden = access.hiddenFieldIds(actor, form)
  const title = form.titleField
  const rankable = title?.column && fieldType(title).searchable && title.type !== 'select' && title.type !== 'multiselect' && !hidden.has(title.id)
  const col = rankable ? `t.${ident(title.column!)}` : null
  const rank = col ? `CASE WHEN lower(${col}) = lower(?) THEN 0 WHEN instr(lower(${col}), lower(?)) = 1 THEN 1 WHEN instr(lower(${col}), lower(?)) > 1 THEN 2 ELSE 3 END` : '3'
  const rows = db.prepare(`SELECT t.* FROM ${ident(form.table)} t WHERE ${where.sql} ORDER BY ${rank}, t.updated_at DESC, t.id DESC LIMIT ? OFFSET ?`)
    .all(...where.params, ...(col ? [q, q, q] : []), limit + 1, offset) as Array<RecordRow & Record<string, unknown>>
  const more = rows.length > limit
  const page = more ? rows.slice(0, limit) : rows
  const titles = serializer.titles(form, page.map((r) => r.id), actor)
  const readable = access.readableFields(actor, form)
  let best = 3
  const hits = page.map((row) => {
    const shown = titles.get(row.id) ?? `#${row.id}`
    const r = rankable ? titleRank(shown, q) : 3
    best = Math.min(best, r)
    return { recordId: row.id, title: shown, match: r < 3 ? null : matchIn(row, readable, rankable ? title.id : null, q, actor.locale) }
  })
  return { hits, more, best }
}

/**
 * Search every form the actor may view (or, with `form`, one form from `offset` on: a group's
 * "more"). `limit` is per form.
 */
export function globalSearch(deps: GlobalSearchDeps, actor: Actor, input: { q: string; limit: number; form?: number | string; offset?: number }): SearchGroup[] {
  const q = input.q.trim()
  const ids = input.form === undefined ? deps.schema.formIds() : [deps.schema.form(input.form).id]
  const links = linkedCounts(deps.schema)
  const found: Array<SearchGroup & { best: number; links: number; order: number }> = []
  ids.forEach((formId, order) => {
    const form = deps.schema.form(formId)
    if (!deps.access.can(actor, 'view', form)) {
      if (input.form !== undefined) deps.access.authorize(actor, 'view', form)
      return
    }
    const { hits, more, best } = searchForm(deps, actor, form, q, input.limit, input.offset ?? 0)
    if (hits.length) found.push({ formId: form.id, formLabel: form.label, hits, more, best, links: links.get(form.id) ?? 0, order })
  })
  // Between forms, a title equal to the query wins; any other title match counts the same (a
  // customer 杭州明达科技 before a deal 明达 ERP), and links decide.
  const tier = (best: number) => (best === 0 ? 0 : best < 3 ? 1 : 2)
  found.sort((a, b) => tier(a.best) - tier(b.best) || b.links - a.links || a.order - b.order)
  return found.map(({ formId, formLabel, hits, more }) => ({ formId, formLabel, hits, more }))
}
