import { ident, type Sqlite } from '../db/connection'
import type { Clock } from '../clock'
import { fieldType } from '../forms/field-types/registry'
import { relationConfig } from '../forms/field-types/relation'
import { optionsOf } from '../forms/field-types/select'
import type { FieldModel, FormModel } from '../forms/model'
import type { SchemaService } from '../forms/schema-service'
import type { Sql } from '../forms/field-types/types'
import { DomainError } from '../shared/errors'
import { findOptionIn } from '../shared/filter-match'
import type { Locale } from '../shared/locales'
import { translate } from '../shared/locales'
import { isBlank, normalizeWidth, parseDate, parseDateTime, type DateOrder } from '../shared/values'
import type { ColumnMapping, ImportSettings } from '../shared/api/transfer'
import { normalizeCompanyName, normalizeKey } from './normalize'
import { unescapeFormula } from './formula-escape'

// Cell text → the values the write pipeline takes, column by column, with a translated message
// for every cell that does not convert. Runs in the import worker on its own read connection:
// relations are resolved by the chosen key field of the target form (a customer by its name,
// compared the way people spell company names), members by name, login or phone, select values
// by label or by the user's choice for values the field does not have yet (add as an option,
// or read as an existing one). The pipeline re-checks every value when it writes.

export interface CellError { column: number; field: string; message: string }
export interface ConvertedRow {
  values: Record<string, unknown>
  errors: CellError[]
  /** The row's match key (title or update key), normalised. */
  key: string | null
}

/** A select value the field does not have, with how often it occurs. */
export interface UnknownOption { field: string; label: string; value: string; count: number }

/** Actor-specific SQL the worker cannot compute itself: the row scope per form id. */
export type Scopes = Record<number, Sql>

export const NEW_OPTION = '__new__'
/** A person choice: add the name as a colleague who does not sign in. */
export const NEW_PERSON = '__new__'

interface ColumnPlan {
  column: number
  field: FieldModel
  convert: (text: string) => unknown
}

export class RowConverter {
  readonly unknown = new Map<string, UnknownOption>()
  /** Names in member columns that match no user and have no choice yet (by name). */
  readonly unknownPeople = new Map<string, UnknownOption>()
  /** Names the run adds as colleagues (chosen `__new__`): converted to the name itself, which the write resolves once they exist. */
  readonly newPeople = new Set<string>()
  /** Per new select field (its stand-in key): the values its column holds that its options lack, added as options when it is created. */
  readonly newOptions = new Map<string, Set<string>>()
  private readonly plans: ColumnPlan[]
  private readonly keyPlan: ColumnPlan | null
  private readonly fuzzyKey: boolean

  constructor(
    private readonly db: Sqlite,
    private readonly schema: SchemaService,
    private readonly clock: Clock,
    private readonly form: FormModel,
    private readonly settings: Pick<ImportSettings, 'columns' | 'options' | 'keyField'> & { people?: ImportSettings['people'] },
    private readonly scopes: Scopes,
    private readonly locale: Locale,
    /** Per column: the order its dates are written in (decided from the whole column, or chosen). */
    private readonly dateOrders: ReadonlyMap<number, DateOrder> = new Map()
  ) {
    this.plans = settings.columns.flatMap((m) => {
      const field = this.fieldOf(m)
      return field ? [{ column: m.column, field, convert: this.converter(field, m) }] : []
    })
    const keyField = settings.keyField ?? form.titleField?.apiKey ?? null
    this.keyPlan = this.plans.find((p) => p.field.apiKey === keyField) ?? null
    this.fuzzyKey = this.keyPlan !== null && this.keyPlan.field.id === form.titleField?.id && isTextual(this.keyPlan.field)
  }

  /** The model of a mapped field; a column mapped to a new field gets a stand-in until it is created. */
  private fieldOf(m: ColumnMapping): FieldModel | null {
    const t = m.target
    if (t.action === 'skip') return null
    if (t.action === 'new') {
      return { id: -1000 - m.column, formId: this.form.id, parentFieldId: null, label: t.label, apiKey: newFieldKey(m.column), type: t.type, config: t.config, required: false, unique: false, description: null, defaultValue: null, position: 0, column: 'new', resultType: null, deletedAt: null, visibleWhen: null, requiredWhen: null }
    }
    if (t.field === 'owner') return { ...OWNER, formId: this.form.id }
    return this.form.byKey.get(t.field) ?? null
  }

  convert(row: readonly string[]): ConvertedRow {
    const values: Record<string, unknown> = {}
    const errors: CellError[] = []
    let key: string | null = null
    for (const plan of this.plans) {
      const raw = unescapeFormula(row[plan.column] ?? '')
      if (isBlank(raw)) {
        if (plan.field.required && !plan.field.requiredWhen && !plan.field.visibleWhen) {
          errors.push({ column: plan.column, field: plan.field.apiKey, message: translate(this.locale, 'value.required', { field: plan.field.label }) })
        }
        continue
      }
      try {
        values[plan.field.apiKey] = plan.convert(raw)
        if (plan === this.keyPlan) key = this.fuzzyKey ? normalizeCompanyName(raw) : normalizeKey(String(values[plan.field.apiKey]))
      } catch (e) {
        if (!(e instanceof DomainError)) throw e
        errors.push({ column: plan.column, field: plan.field.apiKey, message: translate(this.locale, e.messageKey, e.params) })
      }
    }
    return { values, errors, key }
  }

  /**
   * How each converted cell will be stored, as text for the preview (12,000.00 for 1.2万,
   * 2024-03-05 for 2024年3月5日); relations and members show the text that found them.
   */
  display(row: readonly string[], values: Record<string, unknown>): Map<number, string> {
    const out = new Map<number, string>()
    for (const plan of this.plans) {
      const v = values[plan.field.apiKey]
      if (v === undefined || v === null) continue
      const raw = unescapeFormula(row[plan.column] ?? '').trim()
      const f = plan.field
      let text: string
      if (f.type === 'relation' || f.type === 'member') text = raw
      else if (f.type === 'checkbox') text = translate(this.locale, v ? 'transfer.value.yes' : 'transfer.value.no')
      else if (f.type === 'multiselect') text = (v as string[]).map((id) => optionsOf(f).find((o) => o.id === id)?.label ?? id).join('、')
      else if ((f.type === 'select') && !optionsOf(f).some((o) => o.id === v)) text = String(v)
      else if (f.type === 'datetime') text = fieldType(f).format(v, f, this.locale)
      else text = fieldType(f).format(v, f, this.locale) || String(v)
      out.set(plan.column, text)
    }
    return out
  }

  /** Existing records by normalised key (title or update key): for duplicates and update by key. */
  existingKeys(): Map<string, number> {
    const map = new Map<string, number>()
    const field = this.keyPlan?.field
    if (!field?.column || field.column === 'new') return map
    const scope = this.scopes[this.form.id] ?? { sql: '1 = 1', params: [] }
    const rows = this.db.prepare(`SELECT t.id, t.${ident(field.column)} AS v FROM ${ident(this.form.table)} t WHERE t.deleted_at IS NULL AND t.${ident(field.column)} IS NOT NULL AND (${scope.sql})`)
      .raw().iterate(...scope.params) as Iterable<[number, unknown]>
    for (const [id, v] of rows) {
      const text = String(v)
      const k = this.fuzzyKey ? normalizeCompanyName(text) : normalizeKey(text)
      if (!map.has(k)) map.set(k, id)
    }
    return map
  }

  private converter(field: FieldModel, m: ColumnMapping): (text: string) => unknown {
    const mod = fieldType(field)
    const ctx = { db: this.db, clock: this.clock }
    if (field.type === 'select' || field.type === 'multiselect') {
      const choices = this.settings.options?.[field.apiKey] ?? {}
      const options = optionsOf(field)
      // A select the import creates from this column takes every value the column holds.
      const created = m.target.action === 'new' ? new Set<string>() : null
      if (created) this.newOptions.set(field.apiKey, created)
      const one = (label: string): string => {
        const found = findOptionIn(options, label)
        if (found) return found.id
        if (created) {
          created.add(label)
          return label
        }
        const chosen = choices[label]
        if (chosen === NEW_OPTION) return label
        if (chosen && options.some((o) => o.id === chosen)) return chosen
        const k = `${field.apiKey}\u0000${label}`
        const u = this.unknown.get(k)
        if (u) u.count++
        else this.unknown.set(k, { field: field.apiKey, label: field.label, value: label, count: 1 })
        throw new DomainError('VALIDATION', 'value.invalidOption', { field: field.label, value: label }, field.apiKey)
      }
      if (field.type === 'select') return (text) => one(normalizeWidth(text))
      return (text) => [...new Set(text.split(/[,，、;；\n]+/).map((s) => normalizeWidth(s)).filter(Boolean).map(one))]
    }
    if (field.type === 'relation') return this.relationResolver(field, m.target.action === 'field' ? m.target.key : undefined)
    if (field.type === 'member') return this.memberResolver(field, m.target.action === 'field' ? m.target.key : undefined)
    if (field.type === 'checkbox') return (text) => mod.coerce(text, field, ctx) === 1
    const order = this.dateOrders.get(m.column)
    if (order && (field.type === 'date' || field.type === 'datetime')) {
      const parse = field.type === 'date' ? parseDate : parseDateTime
      return (text) => {
        const parsed = parse(text, order)
        const stored = mod.coerce(parsed.ok ? parsed.value : text, field, ctx)
        mod.validate?.(stored, field)
        return stored
      }
    }
    return (text) => {
      const stored = mod.coerce(text, field, ctx)
      mod.validate?.(stored, field)
      return stored
    }
  }

  /** A relation cell names the target record by its key field (its title unless chosen). */
  private relationResolver(field: FieldModel, keyApiKey: string | undefined): (text: string) => unknown {
    const { targetFormId, multiple } = relationConfig(field)
    const target = this.schema.form(targetFormId)
    const keyField = (keyApiKey ? target.byKey.get(keyApiKey) : null) ?? target.titleField ?? target.fields.find((f) => f.column && isTextual(f)) ?? null
    const exact = new Map<string, number | null>()
    const fuzzy = new Map<string, number | null>()
    if (keyField?.column) {
      const scope = this.scopes[targetFormId] ?? { sql: '1 = 1', params: [] }
      const rows = this.db.prepare(`SELECT t.id, t.${ident(keyField.column)} FROM ${ident(target.table)} t WHERE t.deleted_at IS NULL AND t.${ident(keyField.column)} IS NOT NULL AND (${scope.sql})`)
        .raw().iterate(...scope.params) as Iterable<[number, unknown]>
      const add = (map: Map<string, number | null>, k: string, id: number) => map.set(k, map.has(k) && map.get(k) !== id ? null : id)
      for (const [id, v] of rows) {
        const text = fieldType(keyField).format(v, keyField, 'zh-CN') || String(v)
        add(exact, normalizeKey(text), id)
        if (isTextual(keyField)) add(fuzzy, normalizeCompanyName(text), id)
      }
    }
    const resolve = (name: string): number => {
      let id = exact.get(normalizeKey(name))
      if (id === undefined) id = fuzzy.get(normalizeCompanyName(name))
      if (id === null) throw new DomainError('VALIDATION', 'transfer.error.ambiguousRelation', { field: field.label, value: name, form: target.label }, field.apiKey)
      if (id === undefined) throw new DomainError('VALIDATION', 'transfer.error.relationNotFound', { field: field.label, value: name, form: target.label }, field.apiKey)
      return id
    }
    if (!multiple) return (text) => resolve(text.trim())
    return (text) => [...new Set(text.split(/[,，、;；\n]+/).map((s) => s.trim()).filter(Boolean).map(resolve))]
  }

  /** Members by display name, login or phone (`key` 'phone' or 'name' narrows it). */
  private memberResolver(field: FieldModel, key: string | undefined): (text: string) => unknown {
    const users = this.db.prepare('SELECT id, name, login, phone FROM users WHERE active = 1').all() as Array<{ id: number; name: string; login: string; phone: string | null }>
    const byName = new Map<string, number | null>()
    const add = (k: string, id: number) => byName.set(k, byName.has(k) && byName.get(k) !== id ? null : id)
    for (const u of users) {
      if (key !== 'phone') { add(normalizeKey(u.name), u.id); add(normalizeKey(u.login), u.id) }
      if (key !== 'name' && u.phone) add(digits(u.phone), u.id)
    }
    const active = new Set(users.map((u) => u.id))
    const people = this.settings.people ?? {}
    return (text) => {
      const id = byName.get(normalizeKey(text)) ?? byName.get(digits(text))
      if (id === null) throw new DomainError('VALIDATION', 'transfer.error.ambiguousUser', { field: field.label, value: text }, field.apiKey)
      if (id !== undefined) return id
      const name = text.trim()
      const chosen = people[name]
      if (chosen === NEW_PERSON && key !== 'phone') {
        this.newPeople.add(name)
        return name
      }
      if (typeof chosen === 'number' && active.has(chosen)) return chosen
      const u = this.unknownPeople.get(name)
      if (u) u.count++
      else this.unknownPeople.set(name, { field: field.apiKey, label: field.label, value: name, count: 1 })
      throw new DomainError('VALIDATION', 'value.invalidUser', { field: field.label, value: text }, field.apiKey)
    }
  }
}

const OWNER: FieldModel = { id: -1, formId: 0, parentFieldId: null, label: '负责人', apiKey: 'owner', type: 'member', config: {}, required: false, unique: false, description: null, defaultValue: null, position: 0, column: 'owner_id', resultType: null, deletedAt: null, visibleWhen: null, requiredWhen: null }

/** The API key a column mapped to a new field writes under until the field exists. */
export const newFieldKey = (column: number) => `__new_${column}`

const isTextual = (f: FieldModel) => ['text', 'textarea', 'phone', 'email', 'url'].includes(f.type)
const digits = (s: string) => {
  const d = normalizeWidth(s).replace(/\D/g, '')
  return d.length >= 5 ? d.replace(/^86(?=1\d{10}$)/, '') : `\u0000${s}`
}
