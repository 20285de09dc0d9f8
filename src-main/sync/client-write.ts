import type { Sqlite } from '../db/connection'
import { fieldType } from '../forms/field-types/registry'
import { formTable, ftsTable, type FieldModel, type FormModel } from '../forms/model'
import type { ReadContext } from '../forms/field-types/types'
import { evalContext, rowEvalContext, type StoredValues } from '../records/stored'
import { relationConfig } from '../forms/field-types/relation'
import { subtableRows, type StoredSubRow } from '../forms/field-types/subtable'
import { fail } from '../forms/field-types/common'
import { attachmentInputs, fileEntry, storedEntries, type StoredFileEntry } from '../forms/field-types/attachment'
import { isBlank as isBlankText } from '../shared/values/parse'
import { collectRefs, evaluate, parseFormula } from '../shared/formula'
import { storeFormulaValue } from '../forms/field-types/computed'
import { matchFilter } from '../shared/filter-match'
import { COMPUTED_TYPES, fillFromOf, subtableCellLabel } from '../shared/field-types'
import { ValidationError } from '../shared/errors'
import type { FormDto } from '../shared/api/core'

// The offline write on a client: the same field-type coercion and checks the host's write
// pipeline runs (src-main/forms/field-types: coerce and validate; required and conditional
// required; form validation formulas; formulas), over the replica's copy of a record. The host
// replays every operation through its own pipeline anyway: this makes the laptop refuse what the
// office would refuse, while the user is still looking at the form.

/**
 * Field types a laptop edits offline with no look-up: plain values. Members, relations,
 * sub-tables and attachments are edited offline too when the caller gives the replica's look-ups
 * (`OfflineLookups`: the colleagues, the records and the files picked offline the replica keeps);
 * without them (an approval's fill-in fields) they are changed once connected, and the user is
 * told so.
 */
export const OFFLINE_TYPES: ReadonlySet<string> = new Set(['text', 'textarea', 'number', 'amount', 'percent', 'phone', 'email', 'url', 'date', 'datetime', 'select', 'multiselect', 'checkbox'])

/** Field types whose values need the replica's look-ups offline (attachments: files kept beside the replica). */
export const LOOKUP_TYPES: ReadonlySet<string> = new Set(['member', 'relation', 'subtable', 'attachment'])

/**
 * What the offline write looks up in the replica for members, relations, sub-tables and files: the same
 * questions the host's coercion asks its database (does the linked record exist where the user
 * can see it, who is this colleague), answered from what the office sent this user.
 */
export interface OfflineLookups {
  /**
   * A record of a form the replica holds, with its title as records.get would show it; null when
   * the replica does not hold it (not in the user's sight, deleted, or a form they do not view).
   * A local (negative) id the office has numbered since answers under the office's id.
   */
  record(formId: number, id: number): { id: number; title: string } | null
  /** A colleague the replica keeps (users.list as the office answered it): by id or by exact name. */
  user(key: number | string): { id: number; name: string } | null
  /** The API value of a field of a record the replica holds (关联带出), or null. */
  fieldValue(formId: number, id: number, key: string): unknown
  /**
   * A file the user picked on this computer (kept beside the replica, uploaded before the
   * operation naming it is pushed), as attachments.upload answered it; null otherwise.
   */
  upload(hash: string): { hash: string; name: string; size: number; mime: string } | null
}

const HASH = /^[0-9a-f]{64}$/
type FileMeta = { hash: string; name: string; size: number; mime: string }

/** Fields 关联带出 copies (plain values: their stored form is their API form), as the host's pipeline. */
export const FILLABLE_SOURCES: ReadonlySet<string> = new Set(['text', 'textarea', 'number', 'amount', 'percent', 'phone', 'email', 'url', 'date'])

const TIME_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone

/** A form model compiled from the form as the host showed it to the user (hidden fields left out). */
export function modelFromDto(dto: FormDto): FormModel {
  const live = dto.fields.filter((f) => f.deletedAt === null)
  const fields: FieldModel[] = live.map((f) => {
    const model: FieldModel = {
      id: f.id, formId: f.formId, parentFieldId: f.parentFieldId, label: f.label, apiKey: f.apiKey, type: f.type, config: f.config,
      required: f.required, unique: f.unique, description: f.description, defaultValue: f.defaultValue, position: f.position,
      column: `c_${f.id}`, resultType: (f.resultType as FieldModel['resultType']) ?? null, deletedAt: null, visibleWhen: f.visibleWhen ?? null, requiredWhen: f.requiredWhen ?? null
    }
    if (f.type === 'formula') model.formula = safeParse(String(f.config.expression ?? ''))
    return model
  })
  const top = fields.filter((f) => f.parentFieldId === null)
  const children = new Map<number, FieldModel[]>()
  for (const f of fields) if (f.parentFieldId !== null) children.set(f.parentFieldId, [...(children.get(f.parentFieldId) ?? []), f])
  const byKey = new Map(top.map((f) => [f.apiKey, f]))
  const byId = new Map(fields.map((f) => [f.id, f]))
  const validations = dto.validations.map((v) => ({ ...v, ast: safeParse(v.formula) }))
  const computeOrder = orderFormulas(top)
  return {
    id: dto.id, appId: dto.appId, label: dto.label, apiKey: dto.apiKey, description: dto.description, titleFieldId: dto.titleFieldId, position: dto.position,
    schemaVersion: dto.schemaVersion, table: formTable(dto.id), ftsTable: ftsTable(dto.id), fields: top, deletedFields: [], children, byKey, byId,
    titleField: (dto.titleFieldId !== null ? byId.get(dto.titleFieldId) : undefined) ?? null, computeOrder, validations, layout: dto.layout
  }
}

function safeParse(src: string) {
  try {
    return parseFormula(src)
  } catch {
    return undefined
  }
}

/** Formulas after the formulas they read. */
function orderFormulas(top: FieldModel[]): FieldModel[] {
  const find = (name: string) => top.find((f) => f.label === name || f.apiKey === name)
  const done = new Set<number>()
  const order: FieldModel[] = []
  const visit = (f: FieldModel, stack: Set<number>) => {
    if (done.has(f.id) || stack.has(f.id)) return
    stack.add(f.id)
    if (f.formula) for (const r of collectRefs(f.formula)) {
      const dep = find(r.name)
      if (dep?.type === 'formula') visit(dep, stack)
    }
    done.add(f.id)
    order.push(f)
  }
  for (const f of top) if (f.type === 'formula') visit(f, new Set())
  return order
}

const blank = (v: unknown) => v === null || v === undefined || (typeof v === 'string' && isBlankText(v)) || (Array.isArray(v) && !v.length)
const emptyOf = (f: FieldModel) => (f.type === 'subtable' || (f.type === 'relation' && relationConfig(f).multiple) ? [] : null)

/** As the host's pipeline rounds a formula's result to the field's precision. */
function roundTo(v: number | string | null, f: FieldModel): number | string | null {
  const precision = (f.config as { precision?: number }).precision
  return typeof v === 'number' && precision !== undefined ? Math.round(v * 10 ** precision) / 10 ** precision : v
}

/** Ids of a relation's input (ids, or {id, title} objects), as the host's relation type reads them. */
function idsFrom(input: unknown): unknown[] {
  const list = Array.isArray(input) ? input : [input]
  return list.map((v) => (typeof v === 'object' && v !== null ? (v as { id?: unknown }).id : v))
}

/** Whether the laptop can write this field offline (with the look-ups it was given). */
function supported(f: FieldModel, lookups: OfflineLookups | undefined): boolean {
  return OFFLINE_TYPES.has(f.type) || (!!lookups && LOOKUP_TYPES.has(f.type))
}

/**
 * One field's coercion offline: plain types by their own module (as the host), members and
 * relations answered from the replica (a colleague the office listed; a record the replica holds
 * in the target form — the office would accept it unless the user's scope changed meanwhile, and
 * then it refuses on push), sub-table rows cell by cell as the host's pipeline does.
 */
class OfflineCoercion {
  /** The files the record shows now (size and the server-read type come with its API values). */
  private readonly metas = new Map<string, FileMeta>()

  constructor(
    private readonly form: FormModel,
    private readonly ctx: { db: Sqlite; clock: { now: () => number }; actorId: number },
    private readonly lookups: OfflineLookups | undefined
  ) {}

  /** A non-blank input value → the stored value the host would keep; throws the host's ValidationError. */
  value(f: FieldModel, raw: unknown, existing: unknown, label = f.label, key = f.apiKey): unknown {
    const lookups = this.lookups
    if (!supported(f, lookups)) throw new ValidationError('sync.offlineUnsupported', { field: label }, key)
    if (f.type === 'relation') {
      const { targetFormId, multiple } = relationConfig(f)
      const raws = idsFrom(raw)
      if (!multiple && raws.length > 1) return fail(f, 'value.invalidRelation', raw)
      const ids = raws.map((v) => (typeof v === 'number' && Number.isInteger(v)) || (typeof v === 'string' && /^\d+$/.test(v.trim())) ? Number(v) : fail(f, 'value.invalidRelation', v))
      const found = [...new Set(ids)].map((id) => lookups!.record(targetFormId, id)?.id ?? fail(f, 'value.invalidRelation', id))
      const unique = [...new Set(found)]
      return multiple ? unique : unique[0]
    }
    if (f.type === 'member') {
      const k = typeof raw === 'object' && raw !== null ? (raw as { id?: unknown }).id : raw
      if (typeof k !== 'number' && typeof k !== 'string') return fail(f, 'value.invalidUser', raw)
      return lookups!.user(typeof k === 'string' ? k.trim() : k)?.id ?? fail(f, 'value.invalidUser', raw)
    }
    if (f.type === 'subtable') return this.rows(f, raw, existing)
    if (f.type === 'attachment') return this.files(f, raw, existing)
    const mod = fieldType(f)
    const stored = mod.coerce(raw, f, this.ctx)
    mod.validate?.(stored, f)
    return stored
  }

  /**
   * Attachment values as the host's type takes them (src-main/forms/field-types/attachment.ts):
   * files the field already holds (kept without asking, as on the host) or files this user picked
   * on this computer; any other hash reads as a file that does not exist.
   */
  private files(f: FieldModel, raw: unknown, existing: unknown): string | null {
    const before = new Map((Array.isArray(existing) ? existing : [existing]).flatMap((v) => storedEntries(v)).map((e) => [e.hash, e]))
    const entries = new Map<string, StoredFileEntry>()
    for (const { hash, name } of attachmentInputs(f, raw)) {
      const kept = before.get(hash)
      const own = this.lookups?.upload(hash) ?? null
      if (!kept && !own) return fail(f, 'value.invalidAttachment', hash)
      if (!entries.has(hash)) entries.set(hash, fileEntry(hash, name, kept, own))
    }
    const max = (f.config as { maxFiles?: number }).maxFiles
    if (max !== undefined && entries.size > max) throw new ValidationError('value.tooManyOptions', { field: f.label, max }, f.apiKey)
    return entries.size ? JSON.stringify([...entries.values()]) : null
  }

  /** Sub-table rows as the host's pipeline takes them: a row with one of this record's row ids changes it, others are new, rows left out are removed. */
  private rows(f: FieldModel, raw: unknown, existing: unknown): StoredSubRow[] {
    const children = this.form.children.get(f.id) ?? []
    const known = new Set((Array.isArray(existing) ? (existing as StoredSubRow[]) : []).map((r) => r.id))
    // New rows get ids of their own here (the host numbers them on push; an id the host does not know is a new row there too).
    let next = Math.min(0, ...known) - 1
    return subtableRows(raw, f).map((row, i) => {
      const values = new Map<number, unknown>()
      for (const [key, v] of Object.entries(row.values)) {
        const child = children.find((c) => c.apiKey === key || c.label === key)
        if (!child) throw new ValidationError('value.unknownField', { field: `${f.label}.${key}` }, f.apiKey)
        if (blank(v)) continue
        const cell = subtableCellLabel(f.label, i, child.label)
        try {
          // An attachment cell keeps without asking the files the sub-table's rows hold already (as the host's `attached`).
          const held = child.type === 'attachment' && Array.isArray(existing) ? (existing as StoredSubRow[]).map((r) => r.values.get(child.id)) : null
          values.set(child.id, COMPUTED_TYPES.has(child.type) ? fieldType(child).coerce(v, child, this.ctx) : this.value(child, v, held, cell, f.apiKey))
        } catch (e) {
          if (e instanceof ValidationError) throw new ValidationError(e.messageKey, { ...e.params, field: cell }, f.apiKey)
          throw e
        }
      }
      for (const child of children) {
        if (child.required && (values.get(child.id) ?? null) === null) throw new ValidationError('value.required', { field: subtableCellLabel(f.label, i, child.label) }, f.apiKey)
      }
      return { id: row.id !== undefined && known.has(row.id) ? row.id : next--, values }
    })
  }

  /** A record's API value (as records.get shows it) back to the stored value formulas and checks read. */
  stored(f: FieldModel, api: unknown): unknown {
    if (api === undefined || api === null || api === '' || (Array.isArray(api) && !api.length)) return emptyOf(f)
    if (COMPUTED_TYPES.has(f.type)) return api
    if (f.type === 'relation') {
      const ids = idsFrom(api).filter((v): v is number => typeof v === 'number')
      return relationConfig(f).multiple ? ids : (ids[0] ?? null)
    }
    if (f.type === 'member') {
      const k = typeof api === 'object' ? (api as { id?: unknown }).id : api
      return typeof k === 'number' ? k : null
    }
    if (f.type === 'attachment') {
      if (!Array.isArray(api)) return null
      const entries = (api as FileMeta[]).filter((e) => e && typeof e.hash === 'string' && HASH.test(e.hash))
      for (const e of entries) this.metas.set(e.hash, e)
      return entries.length ? JSON.stringify(entries.map((e) => ({ hash: e.hash, name: e.name, mime: e.mime }))) : null
    }
    if (f.type === 'subtable') {
      if (!Array.isArray(api)) return []
      const children = this.form.children.get(f.id) ?? []
      return (api as Array<Record<string, unknown>>).map((row) => ({ id: Number(row.id), values: new Map(children.map((c) => [c.id, this.stored(c, row[c.apiKey])])) }))
    }
    if (!OFFLINE_TYPES.has(f.type)) return null
    try {
      return fieldType(f).coerce(api, f, this.ctx)
    } catch {
      return null
    }
  }

  /** The read context the API values are written with: titles and names from the replica. */
  read(): ReadContext {
    const lookups = this.lookups
    return {
      locale: 'zh-CN',
      userName: (id) => lookups?.user(id)?.name ?? null,
      relationTitle: (field, id) => lookups?.record(relationConfig(field).targetFormId, id)?.title ?? `#${id}`,
      attachment: (hash) => this.metas.get(hash) ?? lookups?.upload(hash) ?? null,
      childFields: (field) => this.form.children.get(field.id) ?? [],
      fieldType
    }
  }
}

/** A field's type is one whose value the laptop holds offline (a formula reading only such fields included). */
function known(form: FormModel, f: FieldModel, lookups: OfflineLookups | undefined, seen: Set<number>): boolean {
  if (f.type === 'formula') return computable(form, f, lookups, seen)
  return supported(f, lookups)
}

/** A formula is recomputed offline when every field it reads is one the laptop holds as a value (a sub-table's cells included). */
function computable(form: FormModel, f: FieldModel, lookups: OfflineLookups | undefined, seen = new Set<number>()): boolean {
  if (!f.formula || seen.has(f.id)) return false
  seen.add(f.id)
  const siblings = f.parentFieldId !== null ? (form.children.get(f.parentFieldId) ?? []) : form.fields
  return collectRefs(f.formula).every((r) => {
    const dep = siblings.find((x) => x.label === r.name || x.apiKey === r.name)
    if (!dep) return false
    if (!r.sub) return known(form, dep, lookups, new Set(seen))
    if (dep.type !== 'subtable' || !lookups) return false
    const child = (form.children.get(dep.id) ?? []).find((c) => c.label === r.sub || c.apiKey === r.sub)
    return !!child && known(form, child, lookups, new Set(seen))
  })
}

/**
 * Apply typed values to a record's API values (null for a new record) and answer the record's new
 * API values. Throws the host's ValidationError (naming the field) when the values would be refused.
 * With `lookups` (the replica's colleagues and records), members, relations and sub-tables are
 * written too: 关联带出 from the replica's linked record, sub-table row formulas and the formulas
 * over them recomputed as the host computes them. Roll-ups are the host's (their value stays as
 * the office last computed it until the pull after the push).
 */
export function offlineWrite(db: Sqlite, now: () => number, form: FormModel, current: Record<string, unknown> | null, input: Record<string, unknown>, userId: number, lookups?: OfflineLookups): Record<string, unknown> {
  const ctx = { db, clock: { now }, actorId: userId }
  const coercion = new OfflineCoercion(form, ctx, lookups)
  const values: StoredValues = new Map()
  // The record as it is: its API values back to stored values (what formulas and checks read).
  for (const f of form.fields) values.set(f.id, current ? coercion.stored(f, current[f.apiKey]) : emptyOf(f))
  const touched = new Set<number>()
  for (const [key, raw] of Object.entries(input)) {
    const f = form.byKey.get(key)
    if (!f) throw new ValidationError('value.unknownField', { field: key }, key)
    if (COMPUTED_TYPES.has(f.type)) throw new ValidationError('value.readOnly', { field: f.label }, key)
    if (!supported(f, lookups)) throw new ValidationError('sync.offlineUnsupported', { field: f.label }, key)
    touched.add(f.id)
    values.set(f.id, blank(raw) ? emptyOf(f) : coercion.value(f, raw, values.get(f.id)))
  }
  if (!current) {
    for (const f of form.fields) {
      if (touched.has(f.id) || f.type === 'subtable' || f.defaultValue === null || f.defaultValue === undefined || !supported(f, lookups)) continue
      if (typeof f.defaultValue === 'string' && f.defaultValue.startsWith('=')) continue
      try {
        values.set(f.id, coercion.value(f, f.defaultValue, null))
        touched.add(f.id)
      } catch {
        // A default the type no longer takes is left to the host.
      }
    }
  }
  if (lookups) fillFromRelations(form, values, touched, coercion, lookups)
  // Sub-table row formulas first (a quote line's 小计), as the host: the record's formulas may sum them.
  for (const [parentId, children] of form.children) {
    const rows = values.get(parentId)
    if (!touched.has(parentId) || !Array.isArray(rows)) continue
    for (const c of children) {
      if (c.type !== 'formula' || !computable(form, c, lookups)) continue
      for (const row of rows as StoredSubRow[]) row.values.set(c.id, roundTo(storeFormulaValue(evaluate(c.formula!, rowEvalContext(children, row, now)).value), c))
    }
  }
  for (const f of form.computeOrder) {
    if (f.type !== 'formula' || !computable(form, f, lookups)) continue
    values.set(f.id, roundTo(storeFormulaValue(evaluate(f.formula!, evalContext(form, values, now)).value), f))
    touched.add(f.id)
  }
  const read = coercion.read()
  const out: Record<string, unknown> = { ...(current ?? {}) }
  for (const f of form.fields) {
    if (current && !touched.has(f.id)) continue
    out[f.apiKey] = supported(f, lookups) || touched.has(f.id) ? fieldType(f).toApi(values.get(f.id) ?? emptyOf(f), f, read) : null
  }
  // Required (and conditionally required, when the field is shown) and form rules, as the host checks.
  const match = (node: Parameters<typeof matchFilter>[0]) => matchFilter(node, out, { fields: form.fields, userId, now: new Date(now()), timeZone: TIME_ZONE })
  for (const f of form.fields) {
    if (COMPUTED_TYPES.has(f.type) || !supported(f, lookups)) continue
    const v = values.get(f.id)
    const empty = v === null || v === undefined || v === '' || (Array.isArray(v) && !v.length)
    if (!empty || !(f.required || f.requiredWhen)) continue
    const visible = !f.visibleWhen || match(f.visibleWhen)
    if (visible && (f.required || (f.requiredWhen !== null && match(f.requiredWhen)))) throw new ValidationError('value.required', { field: f.label }, f.apiKey)
  }
  for (const rule of form.validations) {
    if (!rule.ast) continue
    const refs = collectRefs(rule.ast)
    if (!refs.every((r) => {
      const dep = form.fields.find((x) => x.label === r.name || x.apiKey === r.name)
      if (!dep) return false
      if (!r.sub) return known(form, dep, lookups, new Set())
      const child = (form.children.get(dep.id) ?? []).find((c) => c.label === r.sub || c.apiKey === r.sub)
      return !!lookups && !!child && known(form, child, lookups, new Set())
    })) continue
    if (evaluate(rule.ast, evalContext(form, values, now)).value === false) {
      const field = rule.field ? form.byKey.get(rule.field) : undefined
      throw new ValidationError('value.formRule', { message: rule.message, field: field?.label ?? '' }, field?.apiKey)
    }
  }
  return out
}

/**
 * 关联带出 (config.fillFrom) as the host's pipeline: an empty field takes a plain value of the
 * record its sibling relation picks — on the record and in each sub-table row written now — from
 * the replica's copy of that record (a field hidden from the user is not in the replica: not copied).
 */
function fillFromRelations(form: FormModel, values: StoredValues, touched: Set<number>, coercion: OfflineCoercion, lookups: OfflineLookups): void {
  const fill = (fields: FieldModel[], get: (f: FieldModel) => unknown, set: (f: FieldModel, v: unknown) => void) => {
    for (const f of fields) {
      const source = fillFromOf(f)
      if (!source || !blank(get(f)) || !OFFLINE_TYPES.has(f.type)) continue
      const relation = fields.find((r) => r.apiKey === source.relationFieldKey)
      if (!relation || relation.type !== 'relation' || relationConfig(relation).multiple) continue
      const picked = get(relation)
      if (typeof picked !== 'number') continue
      const value = lookups.fieldValue(relationConfig(relation).targetFormId, picked, source.targetFieldKey)
      if (value === null || value === undefined || typeof value === 'object') continue
      try {
        set(f, coercion.value(f, value, null))
      } catch (e) {
        // A value this field cannot hold (text into a number) is simply not copied.
        if (!(e instanceof ValidationError)) throw e
      }
    }
  }
  fill(form.fields, (f) => values.get(f.id) ?? null, (f, v) => {
    values.set(f.id, v)
    touched.add(f.id)
  })
  for (const [parentId, children] of form.children) {
    const rows = values.get(parentId)
    if (!touched.has(parentId) || !Array.isArray(rows)) continue
    for (const row of rows as StoredSubRow[]) fill(children, (f) => row.values.get(f.id) ?? null, (f, v) => row.values.set(f.id, v))
  }
}
