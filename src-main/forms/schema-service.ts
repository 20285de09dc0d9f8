import type { Statement } from 'better-sqlite3'
import { ident, type Sqlite } from '../db/connection'
import type { Clock } from '../clock'
import { ConflictError, NotFoundError, ValidationError } from '../shared/errors'
import { COMPUTED_TYPES, FIELD_OPERATORS, SYSTEM_FIELDS, type FieldType } from '../shared/field-types'
import { FIELD_CONFIG } from '../shared/field-config'
import type { FieldDto, FieldInput, FilterNode, FormDto, FormLayout } from '../shared/api/contracts'
import type { formDesign } from '../shared/api/core'
import type { z } from 'zod'
import { canonicalFilter, filterFieldKeys, renameFilterField, replaceFilterOptions } from '../shared/filter-match'
import { checkFormula, collectRefs, findCycle, FormulaSyntaxError, parseFormula, type FieldRef, type FormulaType } from '../shared/formula'
import { deriveApiKey, uniqueApiKey } from './api-key'
import { columnType, fieldType } from './field-types/registry'
import { formTable, ftsTable, type FieldModel, type FormModel, type FormValidation } from './model'
import { addFieldStorage, createFormTables, createUniqueIndex, dropFieldStorage, dropUniqueIndex, ownerTable } from './physical'

// The form engine's metadata side: apps, forms and fields, their physical storage, and the
// compiled FormModel cache. Every schema change runs in one transaction and bumps the form's
// schema_version, which invalidates cached models and prepared statements.

interface FieldRow {
  id: number; form_id: number; parent_field_id: number | null; label: string; api_key: string; type: string
  config: string; required: number; is_unique: number; description: string | null; default_value: string | null
  position: number; column_name: string | null; retired_columns: string; result_type: string | null; deleted_at: number | null
  visible_when: string | null; required_when: string | null; required_on_enter: string | null
}
interface FormRow {
  id: number; app_id: number; label: string; api_key: string; description: string | null; title_field_id: number | null
  validations: string; position: number; schema_version: number; layout: string | null
}

export interface AppRow { id: number; label: string; apiKey: string; icon: string | null; position: number }

/** Hooks the schema service needs from the record side (backfilling computed values). */
export interface SchemaHooks {
  /** Recompute computed fields of every record of a form after a formula or roll-up changed. */
  recomputeAll(form: FormModel): void
}

/** A field condition (visibleWhen / requiredWhen) as the designer sends it. */
type Condition = FilterNode | null | undefined

/** Keys in a saved view's config that name fields, rewritten when a field's API key changes. */
const VIEW_FIELD_KEYS = ['groupBy', 'kanbanField', 'sumField', 'calendarField'] as const

export class SchemaService {
  private cache = new Map<number, FormModel>()
  private rollupIndex: Map<number, Array<{ fieldId: number; formId: number; targetFieldId?: number }>> | null = null
  hooks: SchemaHooks | null = null
  /** form(apiKey) is called per written row by engines; its look-up is prepared once. */
  private formByKey: Statement | null = null

  constructor(private readonly db: Sqlite, private readonly clock: Clock) {}

  // ---------- apps ----------

  listApps(): AppRow[] {
    return this.db.prepare('SELECT id, label, api_key AS apiKey, icon, position FROM apps ORDER BY position, id').all() as AppRow[]
  }

  getApp(id: number): AppRow {
    const app = this.db.prepare('SELECT id, label, api_key AS apiKey, icon, position FROM apps WHERE id = ?').get(id) as AppRow | undefined
    if (!app) throw new NotFoundError('error.appNotFound', { id })
    return app
  }

  createApp(input: { label: string; apiKey?: string; icon?: string }): AppRow {
    const taken = (k: string) => !!this.db.prepare('SELECT 1 FROM apps WHERE api_key = ?').get(k)
    const apiKey = this.claimKey(input.apiKey, input.label, 'app', taken)
    const position = (this.db.prepare('SELECT COALESCE(MAX(position), 0) + 1 FROM apps').pluck().get() as number)
    const id = Number(this.db.prepare('INSERT INTO apps (label, api_key, icon, position, created_at) VALUES (?, ?, ?, ?, ?)').run(input.label, apiKey, input.icon ?? null, position, this.clock.now()).lastInsertRowid)
    return this.getApp(id)
  }

  updateApp(input: { id: number; label?: string; apiKey?: string; icon?: string | null }): AppRow {
    const app = this.getApp(input.id)
    if (input.apiKey && input.apiKey !== app.apiKey && this.db.prepare('SELECT 1 FROM apps WHERE api_key = ?').get(input.apiKey)) {
      throw new ValidationError('schema.apiKeyTaken', { apiKey: input.apiKey }, 'apiKey')
    }
    this.db.prepare('UPDATE apps SET label = ?, api_key = ?, icon = ? WHERE id = ?').run(input.label ?? app.label, input.apiKey ?? app.apiKey, input.icon === undefined ? app.icon : input.icon, app.id)
    return this.getApp(app.id)
  }

  // ---------- forms ----------

  formIds(appId?: number): number[] {
    return (appId === undefined
      ? this.db.prepare('SELECT id FROM forms ORDER BY position, id').pluck().all()
      : this.db.prepare('SELECT id FROM forms WHERE app_id = ? ORDER BY position, id').pluck().all(appId)) as number[]
  }

  /** A form by id or API key. */
  form(ref: number | string): FormModel {
    const id = typeof ref === 'number' || /^\d+$/.test(ref)
      ? Number(ref)
      : ((this.formByKey ??= this.db.prepare('SELECT id FROM forms WHERE api_key = ?').pluck()).get(ref) as number | undefined)
    if (id === undefined) throw new NotFoundError('error.formNotFound', { form: String(ref) })
    const cached = this.cache.get(id)
    if (cached) return cached
    const model = this.compile(id, String(ref))
    this.cache.set(id, model)
    return model
  }

  createForm(input: { appId: number; label: string; apiKey?: string; description?: string; fields: FieldInput[] }): FormModel {
    this.getApp(input.appId)
    return this.tx(() => {
      const taken = (k: string) => !!this.db.prepare('SELECT 1 FROM forms WHERE api_key = ?').get(k)
      const apiKey = this.claimKey(input.apiKey, input.label, 'form', taken)
      const position = this.db.prepare('SELECT COALESCE(MAX(position), 0) + 1 FROM forms WHERE app_id = ?').pluck().get(input.appId) as number
      const id = Number(this.db.prepare('INSERT INTO forms (app_id, label, api_key, description, position, created_at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(input.appId, input.label, apiKey, input.description ?? null, position, this.clock.now()).lastInsertRowid)
      createFormTables(this.db, id)
      const ids = input.fields.map((field) => this.insertField(id, field))
      input.fields.forEach((field, i) => this.applyConditions(id, ids[i]!, field))
      this.touch(id)
      return this.form(id)
    })
  }

  updateForm(input: { form: number | string; label?: string; apiKey?: string; description?: string | null; titleFieldId?: number | null; validations?: FormValidation[]; layout?: FormLayout | null }): FormModel {
    const form = this.form(input.form)
    return this.tx(() => {
      if (input.apiKey && input.apiKey !== form.apiKey && this.db.prepare('SELECT 1 FROM forms WHERE api_key = ?').get(input.apiKey)) {
        throw new ValidationError('schema.apiKeyTaken', { apiKey: input.apiKey }, 'apiKey')
      }
      if (input.titleFieldId != null && !form.byId.has(input.titleFieldId)) throw new NotFoundError('error.fieldNotFound', { field: String(input.titleFieldId) })
      if (input.validations) for (const rule of input.validations) this.checkExpression(form, rule.formula, null)
      if (input.layout) this.checkLayout(form, input.layout)
      const layout = input.layout === undefined ? form.layout : input.layout
      this.db.prepare('UPDATE forms SET layout = ? WHERE id = ?').run(layout ? JSON.stringify(layout) : null, form.id)
      this.db.prepare('UPDATE forms SET label = ?, api_key = ?, description = ?, title_field_id = ?, validations = ? WHERE id = ?').run(
        input.label ?? form.label, input.apiKey ?? form.apiKey, input.description === undefined ? form.description : input.description,
        input.titleFieldId === undefined ? form.titleFieldId : input.titleFieldId,
        JSON.stringify((input.validations ?? form.validations).map(({ formula, message, field }) => ({ formula, message, field }))), form.id)
      this.touch(form.id)
      return this.form(form.id)
    })
  }

  // ---------- fields ----------

  addField(formRef: number | string, input: FieldInput): FieldModel {
    const form = this.form(formRef)
    return this.tx(() => {
      const id = this.insertField(form.id, input)
      this.applyConditions(form.id, id, input)
      this.touch(form.id)
      const fresh = this.form(form.id)
      const field = this.fieldById(id)
      if (COMPUTED_TYPES.has(field.type) && field.type !== 'autonumber') this.hooks?.recomputeAll(fresh)
      return field
    })
  }

  fieldById(id: number): FieldModel {
    const row = this.db.prepare('SELECT form_id FROM fields WHERE id = ?').pluck().get(id) as number | undefined
    if (row === undefined) throw new NotFoundError('error.fieldNotFound', { field: String(id) })
    const form = this.form(row)
    const field = form.byId.get(id) ?? form.deletedFields.find((f) => f.id === id)
    if (!field) throw new NotFoundError('error.fieldNotFound', { field: String(id) })
    return field
  }

  /**
   * Change a field. Label, key, description, flags and config are metadata; a type change writes a
   * new column, converts every value in batches and reports each value that does not convert.
   * Nothing is switched over while values would be lost, unless the caller accepts it — and even
   * then the old column is kept (retired, not dropped) until the field is purged.
   */
  updateField(input: {
    id: number; label?: string; apiKey?: string; type?: FieldType; config?: Record<string, unknown>; required?: boolean; unique?: boolean
    description?: string | null; defaultValue?: unknown; position?: number; dryRun?: boolean; acceptLoss?: boolean
    visibleWhen?: Condition; requiredWhen?: Condition; requiredOnEnter?: Condition
  }): { field: FieldModel; converted: number; failures: Array<{ recordId: number; value: unknown; message: string }>; applied: boolean } {
    const before = this.fieldById(input.id)
    if (before.deletedAt) throw new ValidationError('schema.fieldDeleted', { field: before.label })
    const form = this.form(before.formId)
    let report = { converted: 0, failures: [] as Array<{ recordId: number; value: unknown; message: string }> }
    let applied = true
    const rollback = new Error('rollback')
    try {
      this.tx(() => {
        const newType = input.type ?? before.type
        const config = this.parseConfig(newType, input.config ?? (newType === before.type ? before.config : {}), input.label ?? before.label)
        if (input.apiKey && input.apiKey !== before.apiKey && this.keyTaken(form.id, before.parentFieldId, input.apiKey)) {
          throw new ValidationError('schema.apiKeyTaken', { apiKey: input.apiKey }, 'apiKey')
        }
        let column = before.column
        let retired: string[] = JSON.parse(this.db.prepare('SELECT retired_columns FROM fields WHERE id = ?').pluck().get(before.id) as string) as string[]
        if (newType !== before.type) {
          // Conditions on this field were written for its old type (operators, option ids).
          this.refuseIfInConditions(form, before)
          const converted = this.convertType(form, before, newType, config)
          report = converted.report
          column = converted.column
          if (before.column) retired = [...retired, before.column]
          if (report.failures.length && !input.acceptLoss) applied = false
        }
        const unique = input.unique ?? before.unique
        const resultType = newType !== 'formula' ? null
          : before.parentFieldId === null ? this.checkExpression(form, String(config.expression), before.id)
          : this.checkRowExpression(form, before.parentFieldId, String(config.expression), before.id)
        const probe: FieldModel = { ...before, type: newType, config, label: input.label ?? before.label }
        const visibleWhen = input.visibleWhen === undefined ? before.visibleWhen : this.checkCondition(form, probe, input.visibleWhen, 'visibleWhen')
        const requiredWhen = input.requiredWhen === undefined ? before.requiredWhen : this.checkCondition(form, probe, input.requiredWhen, 'requiredWhen')
        const requiredOnEnter = input.requiredOnEnter === undefined ? (before.requiredOnEnter ?? null) : this.checkCondition(form, probe, input.requiredOnEnter, 'requiredOnEnter')
        this.db.prepare('UPDATE fields SET visible_when = ?, required_when = ?, required_on_enter = ? WHERE id = ?').run(encodeCondition(visibleWhen), encodeCondition(requiredWhen), encodeCondition(requiredOnEnter), before.id)
        if (input.apiKey && input.apiKey !== before.apiKey && before.parentFieldId === null) this.renameReferences(form, before.apiKey, input.apiKey)
        this.db.prepare(`UPDATE fields SET label = ?, api_key = ?, type = ?, config = ?, required = ?, is_unique = ?, description = ?, default_value = ?,
            position = ?, column_name = ?, retired_columns = ?, result_type = ? WHERE id = ?`).run(
          input.label ?? before.label, input.apiKey ?? before.apiKey, newType, JSON.stringify(config), (input.required ?? before.required) ? 1 : 0,
          unique ? 1 : 0, input.description === undefined ? before.description : input.description,
          input.defaultValue === undefined ? this.encodeDefault(before.defaultValue) : this.encodeDefault(input.defaultValue),
          input.position ?? before.position, column, JSON.stringify(retired), resultType, before.id)
        if (column && unique !== before.unique) {
          const probe = { ...before, type: newType, unique }
          if (unique) this.makeUnique(probe, column)
          else dropUniqueIndex(this.db, column)
        } else if (column && unique && column !== before.column) this.makeUnique({ ...before, type: newType, unique }, column)
        this.touch(form.id)
        const fresh = this.form(form.id)
        if (newType === 'formula' || newType === 'rollup') this.hooks?.recomputeAll(fresh)
        if (input.dryRun || !applied) throw rollback
      })
    } catch (e) {
      if (e !== rollback) throw e
      this.cache.delete(form.id)
      const preview = { ...before, type: input.type ?? before.type, label: input.label ?? before.label }
      return { field: preview, ...report, applied: false }
    }
    return { field: this.fieldById(before.id), ...report, applied }
  }

  deleteField(id: number): FieldModel {
    const field = this.fieldById(id)
    const form = this.form(field.formId)
    const users = this.dependants(form, field)
    if (users.length) throw new ConflictError('schema.fieldInUse', { field: field.label, users: users.map((f) => f.label).join('、') }, field.apiKey)
    // A condition on a deleted field could never be evaluated: the field it governs would stay hidden.
    this.refuseIfInConditions(form, field)
    return this.tx(() => {
      this.db.prepare('UPDATE fields SET deleted_at = ? WHERE id = ?').run(this.clock.now(), id)
      // A deleted unique field must not block new records; its values stay in the column.
      if (field.column && field.unique) dropUniqueIndex(this.db, field.column)
      if (form.titleFieldId === id) this.db.prepare('UPDATE forms SET title_field_id = NULL WHERE id = ?').run(form.id)
      this.touch(form.id)
      return this.fieldById(id)
    })
  }

  restoreField(id: number): FieldModel {
    const field = this.fieldById(id)
    if (!field.deletedAt) throw new ValidationError('schema.notDeleted', { field: field.label })
    return this.tx(() => {
      if (this.keyTaken(field.formId, field.parentFieldId, field.apiKey, id)) {
        const apiKey = uniqueApiKey(field.apiKey, (k) => this.keyTaken(field.formId, field.parentFieldId, k, id))
        this.db.prepare('UPDATE fields SET api_key = ? WHERE id = ?').run(apiKey, id)
      }
      this.db.prepare('UPDATE fields SET deleted_at = NULL WHERE id = ?').run(id)
      if (field.column && field.unique) this.makeUnique(field, field.column)
      this.touch(field.formId)
      return this.fieldById(id)
    })
  }

  purgeField(id: number): void {
    const field = this.fieldById(id)
    if (!field.deletedAt) throw new ValidationError('schema.notDeleted', { field: field.label })
    this.tx(() => {
      const retired = JSON.parse(this.db.prepare('SELECT retired_columns FROM fields WHERE id = ?').pluck().get(id) as string) as string[]
      dropFieldStorage(this.db, field, [...(field.column ? [field.column] : []), ...retired])
      const form = this.form(field.formId)
      // The purged field leaves the layout, so the layout stays valid to save back.
      if (form.layout) {
        const layout: FormLayout = { tabs: form.layout.tabs.map((tab) => ({ ...tab, sections: tab.sections.map((sec) => ({ ...sec, fieldIds: sec.fieldIds.filter((fid) => fid !== id) })) })) }
        this.db.prepare('UPDATE forms SET layout = ? WHERE id = ?').run(JSON.stringify(layout), form.id)
      }
      for (const child of form.children.get(field.id) ?? []) this.db.prepare('DELETE FROM fields WHERE id = ?').run(child.id)
      this.db.prepare('DELETE FROM fields WHERE parent_field_id = ?').run(id)
      this.db.prepare('DELETE FROM fields WHERE id = ?').run(id)
      this.touch(field.formId)
    })
  }

  /** Design-time check of a formula against a form: syntax, references, cycles; returns its type. */
  checkExpression(form: FormModel, expression: string, selfId: number | null): FormulaType {
    const resolve = (ref: FieldRef) => this.resolveRef(form, ref)
    let type: FormulaType
    let refs: FieldRef[]
    try {
      ;({ type, refs } = checkFormula(expression, resolve))
    } catch (e) {
      if (e instanceof FormulaSyntaxError) throw new ValidationError(e.code, { ...e.params, position: e.position + 1 }, 'expression')
      throw e
    }
    if (selfId !== null) {
      const deps = this.dependencyGraph(form)
      deps.set(String(selfId), refs.map((r) => String(this.refField(form, r)?.id ?? '')))
      const cycle = findCycle(deps)
      if (cycle) {
        const name = (id: string) => form.byId.get(Number(id))?.label ?? '?'
        throw new ValidationError('formula.circular', { path: cycle.map(name).join(' → ') }, 'expression')
      }
    }
    return type
  }

  /**
   * A sub-table column formula (a quote line's 小计 = {数量}*{单价}) reads the other columns of its
   * row, by label or API key; row formulas do not read each other, so there is no cycle to find.
   */
  checkRowExpression(form: FormModel, parentFieldId: number, expression: string, selfId: number): FormulaType {
    const siblings = (form.children.get(parentFieldId) ?? []).filter((c) => c.id !== selfId && c.type !== 'formula')
    const resolve = (ref: FieldRef) => {
      const child = ref.sub ? undefined : siblings.find((c) => c.label === ref.name) ?? siblings.find((c) => c.apiKey === ref.name)
      return child ? { type: fieldType(child).formulaType(child) } : undefined
    }
    try {
      return checkFormula(expression, resolve).type
    } catch (e) {
      if (e instanceof FormulaSyntaxError) throw new ValidationError(e.code, { ...e.params, position: e.position + 1 }, 'expression')
      throw e
    }
  }

  /** Live roll-up fields that aggregate through a relation field. */
  rollupsUsing(relationFieldId: number): Array<{ fieldId: number; formId: number; targetFieldId?: number }> {
    if (!this.rollupIndex) {
      const index = new Map<number, Array<{ fieldId: number; formId: number; targetFieldId?: number }>>()
      const rows = this.db.prepare("SELECT id, form_id, config FROM fields WHERE type = 'rollup' AND deleted_at IS NULL").all() as Array<{ id: number; form_id: number; config: string }>
      for (const r of rows) {
        const c = JSON.parse(r.config) as { relationFieldId: number; targetFieldId?: number }
        index.set(c.relationFieldId, [...(index.get(c.relationFieldId) ?? []), { fieldId: r.id, formId: r.form_id, targetFieldId: c.targetFieldId }])
      }
      this.rollupIndex = index
    }
    return this.rollupIndex.get(relationFieldId) ?? []
  }

  invalidate(formId?: number): void {
    if (formId === undefined) this.cache.clear()
    else this.cache.delete(formId)
  }

  /** The form as the API shows it; fields in `hidden` (the caller's hidden fields) are left out. */
  toDto(form: FormModel, hidden: ReadonlySet<number> = new Set()): FormDto {
    const fields = [...form.fields, ...[...form.children.values()].flat(), ...(hidden.size ? [] : form.deletedFields)].filter((f) => !hidden.has(f.id))
    return {
      id: form.id, layout: form.layout, appId: form.appId, label: form.label, apiKey: form.apiKey, description: form.description,
      titleFieldId: form.titleFieldId, position: form.position, schemaVersion: form.schemaVersion,
      validations: form.validations.map(({ formula, message, field }) => ({ formula, message, field })),
      fields: fields.map(fieldDto)
    }
  }

  // ---------- the designer's save ----------

  /**
   * The form designer's save as one transaction: deletions, new fields (plain ones before formulas
   * and roll-ups that may read them), changes, then conditions (named by the designer's keys,
   * written once every field has an API key), positions, and the form's label, title and layout.
   * Any refusal rolls everything back: the form is as it was, and the designer keeps its draft.
   */
  applyDesign(formRef: number | string, design: z.output<typeof formDesign>): { form: FormModel; created: Record<string, number> } {
    const form = this.form(formRef)
    return this.tx(() => {
      const own = (fieldId: number): FieldModel => {
        const field = this.fieldById(fieldId)
        if (field.formId !== form.id) throw new NotFoundError('error.fieldNotFound', { field: String(fieldId) })
        return field
      }
      const ids = new Map(Object.entries(design.ids))
      for (const fieldId of ids.values()) own(fieldId)
      // Saved fields whose conditions this save rewrites let go of their old ones first, so a field
      // the old condition named may be deleted or change type in the same save (the new ones are written below).
      for (const c of design.conditions) {
        const fieldId = ids.get(c.key)
        if (fieldId !== undefined && !design.deletes.includes(fieldId)) this.updateField({ id: fieldId, visibleWhen: null, requiredWhen: null, requiredOnEnter: null })
      }
      for (const fieldId of design.deletes) {
        own(fieldId)
        this.deleteField(fieldId)
      }
      const created: Record<string, number> = {}
      const idOf = (key: string): number | null => ids.get(key) ?? created[key] ?? null
      const computed = (type: FieldType) => type === 'formula' || type === 'rollup'
      const creates = [...design.creates].sort((a, b) => Number(computed(a.field.type)) - Number(computed(b.field.type)))
      for (const c of creates) {
        const parentId = c.parent === null ? null : idOf(c.parent)
        if (c.parent !== null && parentId === null) throw new NotFoundError('error.fieldNotFound', { field: c.field.label })
        const { visibleWhen: _v, requiredWhen: _r, requiredOnEnter: _e, parentFieldId: _p, ...input } = c.field
        void _v
        void _r
        void _e
        void _p
        const field = this.addField(form.id, { ...input, ...(parentId === null ? {} : { parentFieldId: parentId }) })
        created[c.key] = field.id
        if (c.childKeys.length) {
          const children = [...(this.form(form.id).children.get(field.id) ?? [])].sort((a, b) => a.position - b.position || a.id - b.id)
          c.childKeys.forEach((key, i) => {
            if (children[i]) created[key] = children[i].id
          })
        }
      }
      for (const { acceptLoss, ...update } of design.updates) {
        const before = own(update.id)
        const report = this.updateField({ ...update, acceptLoss })
        if (!report.applied) throw new ValidationError('schema.conversionLoss', { field: before.label, count: report.failures.length }, before.apiKey)
      }
      const apiKeyOf = (key: string): string | null => {
        const fieldId = idOf(key)
        return fieldId === null ? null : this.fieldById(fieldId).apiKey
      }
      // Conditions name fields by designer key; names that are not keys (system fields) stay as they are.
      const toApi = (node: FilterNode | null): FilterNode | null => {
        if (!node) return null
        if ('and' in node) return { and: node.and.map((n) => toApi(n)!) }
        if ('or' in node) return { or: node.or.map((n) => toApi(n)!) }
        return { ...node, field: apiKeyOf(node.field) ?? node.field }
      }
      for (const c of design.conditions) {
        const fieldId = idOf(c.key)
        if (fieldId === null) throw new NotFoundError('error.fieldNotFound', { field: c.key })
        if (design.deletes.includes(fieldId)) continue
        this.updateField({ id: fieldId, visibleWhen: toApi(c.visibleWhen), requiredWhen: toApi(c.requiredWhen), requiredOnEnter: toApi(c.requiredOnEnter ?? null) })
      }
      for (const p of design.positions) {
        const fieldId = idOf(p.key)
        if (fieldId !== null && this.fieldById(fieldId).position !== p.position) this.db.prepare('UPDATE fields SET position = ? WHERE id = ?').run(p.position, fieldId)
      }
      if (design.positions.length) this.touch(form.id)
      const layout = design.layout && {
        tabs: design.layout.tabs.map((t) => ({
          id: t.id,
          label: t.label,
          sections: t.sections.map((s) => ({ id: s.id, label: s.label, columns: s.columns, fieldIds: s.fields.map(idOf).filter((x): x is number => x !== null) }))
        }))
      }
      const titleFieldId = design.titleField === undefined ? undefined : design.titleField === null ? null : idOf(design.titleField)
      const fresh = this.updateForm({
        form: form.id,
        ...(design.label === undefined ? {} : { label: design.label }),
        ...(design.description === undefined ? {} : { description: design.description }),
        ...(titleFieldId === undefined ? {} : { titleFieldId }),
        ...(layout ? { layout } : {})
      })
      return { form: fresh, created }
    })
  }

  // ---------- internals ----------

  private tx<T>(fn: () => T): T {
    try {
      return this.db.transaction(fn)()
    } finally {
      // Whatever happened, the next read recompiles from what is committed.
      this.cache.clear()
      this.rollupIndex = null
    }
  }

  private touch(formId: number): void {
    this.db.prepare('UPDATE forms SET schema_version = schema_version + 1 WHERE id = ?').run(formId)
    this.cache.clear()
    this.rollupIndex = null
  }

  private claimKey(wanted: string | undefined, label: string, fallback: string, taken: (k: string) => boolean): string {
    if (wanted) {
      if (taken(wanted)) throw new ValidationError('schema.apiKeyTaken', { apiKey: wanted }, 'apiKey')
      return wanted
    }
    return uniqueApiKey(deriveApiKey(label, fallback), taken)
  }

  private keyTaken(formId: number, parentFieldId: number | null, key: string, exceptId = -1): boolean {
    const sys = ['id', 'createdAt', 'updatedAt', 'createdBy', 'updatedBy', 'owner']
    if (!parentFieldId && sys.includes(key)) return true
    return !!this.db.prepare('SELECT 1 FROM fields WHERE form_id = ? AND parent_field_id IS ? AND api_key = ? AND id <> ?').get(formId, parentFieldId, key, exceptId)
  }

  private parseConfig(type: FieldType, config: unknown, label: string): Record<string, unknown> {
    const parsed = FIELD_CONFIG[type].safeParse(config ?? {})
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      throw new ValidationError('schema.badConfig', { field: label, detail: `${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim() }, 'config')
    }
    return parsed.data as Record<string, unknown>
  }

  private encodeDefault(value: unknown): string | null {
    return value === undefined || value === null || value === '' ? null : JSON.stringify(value)
  }

  /** Conditions are checked once the form's fields exist (a new form's fields may refer to each other). */
  private applyConditions(formId: number, id: number, input: FieldInput): void {
    if (!input.visibleWhen && !input.requiredWhen && !input.requiredOnEnter) return
    const form = this.form(formId)
    const field = form.byId.get(id)
    if (!field) return
    this.db.prepare('UPDATE fields SET visible_when = ?, required_when = ?, required_on_enter = ? WHERE id = ?').run(
      encodeCondition(this.checkCondition(form, field, input.visibleWhen as Condition, 'visibleWhen')), encodeCondition(this.checkCondition(form, field, input.requiredWhen as Condition, 'requiredWhen')),
      encodeCondition(this.checkCondition(form, field, input.requiredOnEnter as Condition, 'requiredOnEnter')), id)
    this.touch(formId)
  }

  private insertField(formId: number, input: FieldInput, parentFieldId: number | null = input.parentFieldId ?? null): number {
    const config = this.parseConfig(input.type, input.config ?? {}, input.label)
    if (parentFieldId !== null) {
      const parent = this.db.prepare('SELECT type FROM fields WHERE id = ? AND form_id = ?').pluck().get(parentFieldId, formId)
      if (parent !== 'subtable') throw new NotFoundError('error.fieldNotFound', { field: String(parentFieldId) })
      if (input.type === 'subtable') throw new ValidationError('schema.subtableNesting', {}, 'type')
      if (input.type === 'relation' && (config as { multiple?: boolean }).multiple) throw new ValidationError('schema.badConfig', { field: input.label, detail: 'multiple' }, 'config')
    }
    if (input.type === 'relation') {
      const target = (config as { targetFormId: number }).targetFormId
      if (target !== formId && !this.db.prepare('SELECT 1 FROM forms WHERE id = ?').get(target)) throw new ValidationError('schema.relationTarget', { field: input.label }, 'config')
    }
    const apiKey = input.apiKey
      ? (this.keyTaken(formId, parentFieldId, input.apiKey) ? (() => { throw new ValidationError('schema.apiKeyTaken', { apiKey: input.apiKey! }, 'apiKey') })() : input.apiKey)
      : uniqueApiKey(deriveApiKey(input.label), (k) => this.keyTaken(formId, parentFieldId, k))
    const position = this.db.prepare('SELECT COALESCE(MAX(position), 0) + 1 FROM fields WHERE form_id = ? AND parent_field_id IS ?').pluck().get(formId, parentFieldId) as number
    const id = Number(this.db.prepare(`INSERT INTO fields (form_id, parent_field_id, label, api_key, type, config, required, is_unique, description, default_value, position, created_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(formId, parentFieldId, input.label, apiKey, input.type, JSON.stringify(config),
      input.required ? 1 : 0, input.unique ? 1 : 0, input.description ?? null, this.encodeDefault(input.defaultValue), position, this.clock.now()).lastInsertRowid)
    const column = `c_${id}`
    this.db.prepare('UPDATE fields SET column_name = ? WHERE id = ?').run(column, id)
    const model = rowToField(this.db.prepare('SELECT * FROM fields WHERE id = ?').get(id) as FieldRow)
    if (input.type === 'rollup') this.checkRollup(formId, model)
    addFieldStorage(this.db, model, column)
    if (input.type === 'subtable') for (const child of input.children ?? []) this.insertField(formId, child as FieldInput, id)
    this.touch(formId)
    if (input.type === 'formula') {
      const resultType = parentFieldId === null ? this.checkExpression(this.form(formId), String(config.expression), id) : this.checkRowExpression(this.form(formId), parentFieldId, String(config.expression), id)
      this.db.prepare('UPDATE fields SET result_type = ? WHERE id = ?').run(resultType, id)
    }
    return id
  }

  private checkRollup(formId: number, field: FieldModel): void {
    const { relationFieldId, targetFieldId, aggregate } = field.config as { relationFieldId: number; targetFieldId?: number; aggregate: string }
    const rel = this.db.prepare('SELECT form_id, type, config FROM fields WHERE id = ? AND deleted_at IS NULL').get(relationFieldId) as { form_id: number; type: string; config: string } | undefined
    const ok = rel && rel.type === 'relation' && (JSON.parse(rel.config) as { targetFormId: number }).targetFormId === formId
    if (!ok) throw new ValidationError('schema.rollupSource', { field: field.label }, 'config')
    if (aggregate !== 'count') {
      const target = this.db.prepare('SELECT type FROM fields WHERE id = ? AND form_id = ? AND deleted_at IS NULL').pluck().get(targetFieldId ?? -1, rel.form_id) as string | undefined
      if (!target || !['number', 'amount', 'percent', 'formula', 'rollup'].includes(target)) throw new ValidationError('schema.rollupSource', { field: field.label }, 'config')
    }
  }

  private makeUnique(field: FieldModel, column: string): void {
    const table = ident(ownerTable(field))
    const live = field.parentFieldId ? '' : 'AND deleted_at IS NULL'
    const dup = this.db.prepare(`SELECT ${ident(column)} FROM ${table} WHERE ${ident(column)} IS NOT NULL ${live} GROUP BY 1 HAVING COUNT(*) > 1 LIMIT 1`).pluck().get()
    if (dup !== undefined) throw new ValidationError('schema.uniqueViolation', { field: field.label }, 'unique')
    createUniqueIndex(this.db, field, column)
  }

  private convertType(form: FormModel, before: FieldModel, newType: FieldType, config: Record<string, unknown>) {
    const fromCol = before.column
    const probe: FieldModel = { ...before, type: newType, config }
    if (!fromCol || !columnType(probe) || before.type === 'subtable' || newType === 'subtable') {
      throw new ValidationError('schema.cannotChangeType', { field: before.label, from: before.type, to: newType }, 'type')
    }
    const n = (this.db.prepare('SELECT COUNT(*) FROM pragma_table_info(?) WHERE name LIKE ?').pluck().get(ownerTable(before), `c_${before.id}%`) as number) + 1
    const column = `c_${before.id}_${n}`
    addFieldStorage(this.db, { ...probe, unique: false }, column)
    const failures: Array<{ recordId: number; value: unknown; message: string }> = []
    let converted = 0
    if (COMPUTED_TYPES.has(newType)) return { column, report: { converted, failures } }
    const table = ident(ownerTable(before))
    const read = this.db.prepare(`SELECT id, ${ident(fromCol)} AS v FROM ${table} WHERE id > ? AND ${ident(fromCol)} IS NOT NULL ORDER BY id LIMIT 1000`)
    const write = this.db.prepare(`UPDATE ${table} SET ${ident(column)} = ? WHERE id = ?`)
    const from = fieldType(before)
    const to = fieldType(probe)
    const coerceCtx = { db: this.db, clock: this.clock }
    const readCtx = readContextForConversion()
    let last = 0
    for (;;) {
      const rows = read.all(last) as Array<{ id: number; v: unknown }>
      if (!rows.length) break
      for (const row of rows) {
        last = row.id
        // Convert through the API shape (labels, ISO dates): what a user would have typed.
        const apiValue = from.toApi(row.v, before, readCtx)
        const input = Array.isArray(apiValue) ? apiValue.join(',') : apiValue
        try {
          if (input === null || input === '' ) continue
          write.run(to.coerce(input, probe, coerceCtx), row.id)
          converted++
        } catch (e) {
          failures.push({ recordId: row.id, value: apiValue, message: e instanceof ValidationError ? e.messageKey : String(e) })
        }
      }
    }
    return { column, report: { converted, failures } }
  }

  private resolveRef(form: FormModel, ref: FieldRef): { type: FormulaType; itemType?: FormulaType } | undefined {
    const field = this.refField(form, ref)
    if (!field) return undefined
    if (ref.sub) {
      const child = (form.children.get(field.id) ?? []).find((c) => c.label === ref.sub || c.apiKey === ref.sub)
      if (!child) return undefined
      return { type: 'list', itemType: fieldType(child).formulaType(child) }
    }
    return { type: fieldType(field).formulaType(field) }
  }

  private refField(form: FormModel, ref: FieldRef): FieldModel | undefined {
    return form.fields.find((f) => f.label === ref.name) ?? form.byKey.get(ref.name)
  }

  private dependencyGraph(form: FormModel): Map<string, string[]> {
    const deps = new Map<string, string[]>()
    for (const f of form.fields) {
      if (f.formula) deps.set(String(f.id), collectRefs(f.formula).map((r) => String(this.refField(form, r)?.id ?? '')))
    }
    return deps
  }

  /** Live formula fields (and form rules) that refer to a field. */
  private dependants(form: FormModel, field: FieldModel): FieldModel[] {
    const parent = field.parentFieldId ? form.byId.get(field.parentFieldId) : undefined
    return form.fields.filter((f) => f.formula && f.id !== field.id && collectRefs(f.formula).some((r) => {
      const target = this.refField(form, r)
      if (parent) return target?.id === parent.id && (r.sub === field.label || r.sub === field.apiKey)
      return target?.id === field.id
    }))
  }

  /**
   * A layout may place the form's own top-level fields (deleted ones too, so a recovered field
   * returns to its place), each once. Anything else is refused, naming the field.
   */
  private checkLayout(form: FormModel, layout: FormLayout): void {
    const own = new Set([...form.fields, ...form.deletedFields].filter((f) => f.parentFieldId === null).map((f) => f.id))
    const seen = new Set<number>()
    for (const tab of layout.tabs) for (const section of tab.sections) for (const id of section.fieldIds) {
      if (!own.has(id)) {
        const label = this.db.prepare('SELECT label FROM fields WHERE id = ?').pluck().get(id) as string | undefined
        throw new ValidationError('schema.layoutUnknownField', { field: label ?? `#${id}` }, 'layout')
      }
      if (seen.has(id)) throw new ValidationError('schema.layoutDuplicateField', { field: form.byId.get(id)?.label ?? `#${id}` }, 'layout')
      seen.add(id)
    }
  }

  /**
   * Check a visibleWhen / requiredWhen condition of `field`: every referenced field exists on the
   * form, offers the operator, accepts the value (the query builder's own check), and is not the
   * field itself. References are stored by API key, so renames can follow them.
   */
  private checkCondition(form: FormModel, field: FieldModel, node: Condition, path: 'visibleWhen' | 'requiredWhen' | 'requiredOnEnter'): FilterNode | null {
    if (!node) return null
    const walk = (n: FilterNode): FilterNode => {
      if ('and' in n) return { and: n.and.map(walk) }
      if ('or' in n) return { or: n.or.map(walk) }
      const target = form.byKey.get(n.field) ?? form.fields.find((f) => f.label === n.field)
      const system = SYSTEM_FIELDS.find((s) => s.key === n.field)
      if (!target && !system) throw new ValidationError('schema.conditionUnknownField', { field: field.label, ref: n.field }, path)
      if (target && target.id === field.id) throw new ValidationError('schema.conditionSelf', { field: field.label }, path)
      const type = target?.type ?? system!.type
      const label = target?.label ?? n.field
      if (!FIELD_OPERATORS[type].includes(n.op)) throw new ValidationError('query.badOperator', { field: label, op: n.op }, path)
      if (target) {
        // Compiling the condition with the field's own filter validates the value exactly as a query would;
        // a refusal names the field whose condition it is, and the field it tests.
        try {
          fieldType(target).filter(n.op, n.value, target, { clock: this.clock, actorId: 0, column: 'x', rowId: 'x' })
        } catch (e) {
          if (!(e instanceof ValidationError)) throw e
          throw new ValidationError('schema.conditionValue', { field: field.label, ref: label }, path)
        }
      }
      return n
    }
    return canonicalFilter(walk(node), form.fields)
  }

  /** Refuse a change that would break other fields' visibleWhen / requiredWhen, naming them. */
  private refuseIfInConditions(form: FormModel, field: FieldModel): void {
    if (field.parentFieldId !== null) return
    const users = form.fields.filter((f) => f.id !== field.id && [f.visibleWhen, f.requiredWhen, f.requiredOnEnter ?? null].some((n) => filterFieldKeys(n).has(field.apiKey)))
    if (users.length) throw new ConflictError('schema.fieldInCondition', { field: field.label, users: users.map((f) => f.label).join('、') }, field.apiKey)
  }

  /**
   * Options of a select field were merged: stored conditions and saved view filters naming the
   * merged options now name the option they were merged into. Runs in the merge's transaction.
   */
  replaceOptionReferences(field: FieldModel, from: string[], to: string): void {
    if (field.parentFieldId !== null) return
    const form = this.form(field.formId)
    const fix = (n: FilterNode | null) => (n && filterFieldKeys(n).has(field.apiKey) ? replaceFilterOptions(n, field.apiKey, from, to) : n)
    for (const f of [...form.fields, ...form.deletedFields]) {
      const v = fix(f.visibleWhen)
      const r = fix(f.requiredWhen)
      const e = fix(f.requiredOnEnter ?? null)
      if (v !== f.visibleWhen || r !== f.requiredWhen || e !== (f.requiredOnEnter ?? null)) {
        this.db.prepare('UPDATE fields SET visible_when = ?, required_when = ?, required_on_enter = ? WHERE id = ?').run(encodeCondition(v), encodeCondition(r), encodeCondition(e), f.id)
      }
    }
    for (const view of this.db.prepare('SELECT id, config FROM views WHERE form_id = ?').all(form.id) as Array<{ id: number; config: string }>) {
      const config = JSON.parse(view.config) as { filter?: FilterNode | null }
      if (!config.filter) continue
      const filter = fix(config.filter)
      if (filter !== config.filter) this.db.prepare('UPDATE views SET config = ? WHERE id = ?').run(JSON.stringify({ ...config, filter }), view.id)
    }
    this.touch(form.id)
  }

  /**
   * A top-level field's API key changed: conditions of the form's other fields and the form's
   * saved views refer to fields by key, so they are rewritten in the same transaction.
   */
  private renameReferences(form: FormModel, from: string, to: string): void {
    for (const f of [...form.fields, ...form.deletedFields]) {
      const fix = (n: FilterNode | null) => (n && filterFieldKeys(n).has(from) ? renameFilterField(n, from, to) : n)
      const v = fix(f.visibleWhen)
      const r = fix(f.requiredWhen)
      const e = fix(f.requiredOnEnter ?? null)
      if (v !== f.visibleWhen || r !== f.requiredWhen || e !== (f.requiredOnEnter ?? null)) {
        this.db.prepare('UPDATE fields SET visible_when = ?, required_when = ?, required_on_enter = ? WHERE id = ?').run(encodeCondition(v), encodeCondition(r), encodeCondition(e), f.id)
      }
    }
    const views = this.db.prepare('SELECT id, config FROM views WHERE form_id = ?').all(form.id) as Array<{ id: number; config: string }>
    for (const view of views) {
      const config = JSON.parse(view.config) as Record<string, unknown>
      const before = JSON.stringify(config)
      if (config.filter) config.filter = renameFilterField(config.filter as FilterNode, from, to)
      if (Array.isArray(config.sort)) config.sort = (config.sort as Array<{ field: string }>).map((s) => (s.field === from ? { ...s, field: to } : s))
      if (Array.isArray(config.columns)) config.columns = (config.columns as Array<{ field: string }>).map((c) => (c.field === from ? { ...c, field: to } : c))
      if (Array.isArray(config.cardFields)) config.cardFields = (config.cardFields as string[]).map((k) => (k === from ? to : k))
      for (const key of VIEW_FIELD_KEYS) if (config[key] === from) config[key] = to
      const after = JSON.stringify(config)
      if (after !== before) this.db.prepare('UPDATE views SET config = ? WHERE id = ?').run(after, view.id)
    }
  }

  private compile(id: number, ref: string): FormModel {
    const row = this.db.prepare('SELECT * FROM forms WHERE id = ?').get(id) as FormRow | undefined
    if (!row) throw new NotFoundError('error.formNotFound', { form: ref })
    const all = (this.db.prepare('SELECT * FROM fields WHERE form_id = ? ORDER BY position, id').all(id) as FieldRow[]).map(rowToField)
    const live = all.filter((f) => f.deletedAt === null)
    const top = live.filter((f) => f.parentFieldId === null)
    const children = new Map<number, FieldModel[]>()
    for (const f of live) if (f.parentFieldId !== null) children.set(f.parentFieldId, [...(children.get(f.parentFieldId) ?? []), f])
    const byKey = new Map(top.map((f) => [f.apiKey, f]))
    const byId = new Map(live.map((f) => [f.id, f]))
    const titleField = (row.title_field_id && byId.get(row.title_field_id)) || top.find((f) => f.type === 'text' || f.type === 'autonumber') || null
    const validations = (JSON.parse(row.validations) as FormValidation[]).map((v) => ({ ...v, ast: safeParse(v.formula) }))
    const model: FormModel = {
      id, appId: row.app_id, label: row.label, apiKey: row.api_key, description: row.description, titleFieldId: row.title_field_id,
      position: row.position, schemaVersion: row.schema_version, table: formTable(id), ftsTable: ftsTable(id),
      fields: top, deletedFields: all.filter((f) => f.deletedAt !== null), children, byKey, byId, titleField, computeOrder: [], validations,
      layout: row.layout ? (JSON.parse(row.layout) as FormLayout) : null
    }
    // Evaluate the typed AST checkFormula returns: it knows which refs are dates, so a blank
    // date plus days stays blank instead of becoming a number (Excel's untyped behaviour).
    const typed = (src: string) => {
      try {
        return checkFormula(src, (r) => this.resolveRef(model, r)).ast
      } catch {
        return safeParse(src)
      }
    }
    for (const f of top) {
      if (f.type === 'formula') f.formula = typed(String(f.config.expression ?? ''))
      if (f.defaultFormula && typeof f.defaultValue === 'string') f.defaultFormula = typed(f.defaultValue.slice(1))
    }
    for (const v of model.validations) v.ast = typed(v.formula)
    model.computeOrder = computeOrder(model, (r) => this.refField(model, r))
    return model
  }
}

function safeParse(src: string) {
  try {
    return parseFormula(src)
  } catch {
    return undefined
  }
}

function rowToField(r: FieldRow): FieldModel {
  const defaultValue = r.default_value === null ? null : (JSON.parse(r.default_value) as unknown)
  const config = JSON.parse(r.config) as Record<string, unknown>
  const field: FieldModel = {
    id: r.id, formId: r.form_id, parentFieldId: r.parent_field_id, label: r.label, apiKey: r.api_key, type: r.type as FieldType,
    config, required: !!r.required, unique: !!r.is_unique, description: r.description, defaultValue, position: r.position,
    column: columnType({ type: r.type as FieldType, config } as FieldModel) ? r.column_name : null,
    resultType: (r.result_type as FormulaType | null) ?? null, deletedAt: r.deleted_at,
    visibleWhen: r.visible_when ? (JSON.parse(r.visible_when) as FilterNode) : null,
    requiredWhen: r.required_when ? (JSON.parse(r.required_when) as FilterNode) : null,
    requiredOnEnter: r.required_on_enter ? (JSON.parse(r.required_on_enter) as FilterNode) : null
  }
  if (field.type === 'formula') field.formula = safeParse(String(config.expression ?? ''))
  if (typeof defaultValue === 'string' && defaultValue.startsWith('=')) field.defaultFormula = safeParse(defaultValue.slice(1))
  return field
}

/** Formulas and roll-ups in an order where every field comes after the fields it reads. */
function computeOrder(form: FormModel, refField: (r: FieldRef) => FieldModel | undefined): FieldModel[] {
  const computed = form.fields.filter((f) => f.type === 'formula' || f.type === 'rollup')
  const done = new Set<number>()
  const order: FieldModel[] = []
  const visit = (f: FieldModel, stack: Set<number>) => {
    if (done.has(f.id) || stack.has(f.id)) return
    stack.add(f.id)
    if (f.formula) for (const r of collectRefs(f.formula)) {
      const dep = refField(r)
      if (dep && (dep.type === 'formula' || dep.type === 'rollup')) visit(dep, stack)
    }
    done.add(f.id)
    order.push(f)
  }
  for (const f of computed) visit(f, new Set())
  return order
}

export function fieldDto(f: FieldModel): FieldDto {
  return {
    id: f.id, formId: f.formId, parentFieldId: f.parentFieldId, label: f.label, apiKey: f.apiKey, type: f.type, config: f.config,
    required: f.required, unique: f.unique, description: f.description, defaultValue: f.defaultValue, position: f.position,
    deletedAt: f.deletedAt, resultType: f.resultType, visibleWhen: f.visibleWhen, requiredWhen: f.requiredWhen,
    requiredOnEnter: f.requiredOnEnter ?? null
  }
}

function encodeCondition(node: FilterNode | null): string | null {
  return node ? JSON.stringify(node) : null
}

/** Type conversion reads values without page context: members and relations show their ids. */
function readContextForConversion() {
  return {
    locale: 'zh-CN' as const,
    userName: (id: number) => String(id),
    relationTitle: (_f: FieldModel, id: number) => String(id),
    attachment: () => null,
    childFields: () => [],
    fieldType
  }
}

