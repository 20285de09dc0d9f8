import type { Sqlite } from '../db/connection'
import { fieldType } from '../forms/field-types/registry'
import { formTable, ftsTable, type FieldModel, type FormModel } from '../forms/model'
import type { ReadContext } from '../forms/field-types/types'
import { evalContext, type StoredValues } from '../records/stored'
import { collectRefs, evaluate, parseFormula } from '../shared/formula'
import { storeFormulaValue } from '../forms/field-types/computed'
import { matchFilter } from '../shared/filter-match'
import { COMPUTED_TYPES } from '../shared/field-types'
import { ValidationError } from '../shared/errors'
import type { FormDto } from '../shared/api/core'

// The offline write on a client: the same field-type coercion and checks the host's write
// pipeline runs (src-main/forms/field-types: coerce and validate; required and conditional
// required; form validation formulas; formulas), over the replica's copy of a record. The host
// replays every operation through its own pipeline anyway: this makes the laptop refuse what the
// office would refuse, while the user is still looking at the form.

/**
 * Field types a laptop edits offline. Members, relations, sub-tables and attachments need
 * look-ups (colleagues, other forms' records in scope, stored files) only the host has: they are
 * changed once connected, and the user is told so.
 */
export const OFFLINE_TYPES: ReadonlySet<string> = new Set(['text', 'textarea', 'number', 'amount', 'percent', 'phone', 'email', 'url', 'date', 'datetime', 'select', 'multiselect', 'checkbox'])

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

const READ: ReadContext = {
  locale: 'zh-CN', userName: () => null, relationTitle: () => '', attachment: () => null, childFields: () => [], fieldType
}

/** A formula is recomputed offline when every field it reads is one the laptop holds as a value. */
function computable(form: FormModel, f: FieldModel): boolean {
  if (!f.formula) return false
  return collectRefs(f.formula).every((r) => {
    const dep = form.fields.find((x) => x.label === r.name || x.apiKey === r.name)
    return !!dep && !r.sub && (OFFLINE_TYPES.has(dep.type) || (dep.type === 'formula' && computable(form, dep)))
  })
}

/**
 * Apply typed values to a record's API values (null for a new record) and answer the record's new
 * API values. Throws the host's ValidationError (naming the field) when the values would be refused.
 */
export function offlineWrite(db: Sqlite, now: () => number, form: FormModel, current: Record<string, unknown> | null, input: Record<string, unknown>, userId: number): Record<string, unknown> {
  const ctx = { db, clock: { now }, actorId: userId }
  const values: StoredValues = new Map()
  // The record as it is: its API values back to stored values (what formulas and checks read).
  for (const f of form.fields) {
    const api = current ? current[f.apiKey] : undefined
    if (api === undefined || api === null || api === '' || (Array.isArray(api) && !api.length) || !OFFLINE_TYPES.has(f.type)) {
      values.set(f.id, COMPUTED_TYPES.has(f.type) && current ? (current[f.apiKey] ?? null) : null)
      continue
    }
    try {
      values.set(f.id, fieldType(f).coerce(api, f, ctx))
    } catch {
      values.set(f.id, null)
    }
  }
  for (const [key, raw] of Object.entries(input)) {
    const f = form.byKey.get(key)
    if (!f) throw new ValidationError('value.unknownField', { field: key }, key)
    if (COMPUTED_TYPES.has(f.type)) throw new ValidationError('value.readOnly', { field: f.label }, key)
    if (!OFFLINE_TYPES.has(f.type)) throw new ValidationError('sync.offlineUnsupported', { field: f.label }, key)
    if (raw === null || raw === undefined || raw === '' || (Array.isArray(raw) && !raw.length)) {
      values.set(f.id, null)
      continue
    }
    const stored = fieldType(f).coerce(raw, f, ctx)
    fieldType(f).validate?.(stored, f)
    values.set(f.id, stored)
  }
  if (!current) {
    for (const f of form.fields) {
      if (f.id in input || values.get(f.id) !== null || f.defaultValue === null || f.defaultValue === undefined || !OFFLINE_TYPES.has(f.type)) continue
      if (typeof f.defaultValue === 'string' && f.defaultValue.startsWith('=')) continue
      try {
        values.set(f.id, fieldType(f).coerce(f.defaultValue, f, ctx))
      } catch {
        // A default the type no longer takes is left to the host.
      }
    }
  }
  for (const f of form.computeOrder) {
    if (f.type !== 'formula' || !computable(form, f)) continue
    values.set(f.id, storeFormulaValue(evaluate(f.formula!, evalContext(form, values, now)).value))
  }
  const out: Record<string, unknown> = { ...(current ?? {}) }
  for (const f of form.fields) {
    if (!OFFLINE_TYPES.has(f.type) && !(f.type === 'formula' && computable(form, f))) {
      if (!current) out[f.apiKey] = null
      continue
    }
    out[f.apiKey] = fieldType(f).toApi(values.get(f.id) ?? null, f, READ)
  }
  // Required (and conditionally required, when the field is shown) and form rules, as the host checks.
  const match = (node: Parameters<typeof matchFilter>[0]) => matchFilter(node, out, { fields: form.fields, userId, now: new Date(now()), timeZone: TIME_ZONE })
  for (const f of form.fields) {
    if (COMPUTED_TYPES.has(f.type) || !OFFLINE_TYPES.has(f.type)) continue
    const v = values.get(f.id)
    const blank = v === null || v === undefined || v === ''
    if (!blank || !(f.required || f.requiredWhen)) continue
    const visible = !f.visibleWhen || match(f.visibleWhen)
    if (visible && (f.required || (f.requiredWhen !== null && match(f.requiredWhen)))) throw new ValidationError('value.required', { field: f.label }, f.apiKey)
  }
  for (const rule of form.validations) {
    if (!rule.ast) continue
    const refs = collectRefs(rule.ast)
    if (!refs.every((r) => form.fields.some((x) => (x.label === r.name || x.apiKey === r.name) && (OFFLINE_TYPES.has(x.type) || computable(form, x))))) continue
    if (evaluate(rule.ast, evalContext(form, values, now)).value === false) {
      const field = rule.field ? form.byKey.get(rule.field) : undefined
      throw new ValidationError('value.formRule', { message: rule.message, field: field?.label ?? '' }, field?.apiKey)
    }
  }
  return out
}
