import type { FieldInput, FilterNode, FormDto, MethodInput, MethodOutput } from '@shared/api/contracts'
import { COMPUTED_TYPES, VALUELESS_OPERATORS, type FieldType } from '@shared/field-types'
import { collectRefs, parseFormula } from '@shared/formula'
import { fieldKeyOf, fromForm, layoutOrder, toLayout, type Draft, type DraftField } from './draft'

// Saving the designer's draft: what differs from the saved form (the plan), what must be checked
// first (client-side validation, dry runs of type changes), and the one forms.design call that
// applies it in one transaction (deletions, plain fields, then formulas and roll-ups that may read
// them, then conditions, positions and the layout: all of it, or nothing).

type UpdateInput = MethodInput<'fields.update'>

export interface FieldUpdate {
  key: string
  id: number
  label: string
  patch: Omit<UpdateInput, 'id' | 'dryRun' | 'acceptLoss' | 'visibleWhen' | 'requiredWhen' | 'requiredOnEnter'>
  typeChange: { from: FieldType; to: FieldType } | null
}

export interface SavePlan {
  deletes: Array<{ id: number; key: string; label: string; type: FieldType }>
  /** New top-level fields and new children of saved sub-tables. */
  creates: DraftField[]
  updates: FieldUpdate[]
  /** Fields whose visibleWhen / requiredWhen / requiredOnEnter must be written once every field has an API key. */
  conditions: string[]
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null)

const DIFFED = ['label', 'apiKey', 'type', 'config', 'required', 'unique', 'description', 'defaultValue'] as const

export function planSave(form: FormDto, draft: Draft): SavePlan {
  const base = fromForm(form, { tab: '', section: null })
  // Saved fields are matched by id: a field created by an earlier, half-finished save keeps its draft key.
  const savedIds = new Set(Object.values(draft.fields).flatMap((f) => (f.id === null ? [] : [f.id])))
  const deletes: SavePlan['deletes'] = []
  for (const f of Object.values(base.fields)) {
    if (savedIds.has(f.id!)) continue
    // A deleted sub-table takes its children with it; only the sub-table is deleted by the API.
    if (f.parentKey && !savedIds.has(base.fields[f.parentKey]?.id ?? -1)) continue
    deletes.push({ id: f.id!, key: f.key, label: f.label, type: f.type })
  }
  const creates: DraftField[] = []
  const order = [...layoutOrder(draft), ...Object.values(draft.fields).filter((f) => f.parentKey === null && !layoutOrder(draft).includes(f.key)).map((f) => f.key)]
  for (const key of order) {
    const f = draft.fields[key]
    if (!f) continue
    if (f.id === null) creates.push(f)
    else if (f.type === 'subtable') for (const c of f.children) if (draft.fields[c]?.id === null) creates.push(draft.fields[c])
  }
  const updates: FieldUpdate[] = []
  const conditions: string[] = []
  for (const f of Object.values(draft.fields)) {
    const before = f.id === null ? null : base.fields[fieldKeyOf(f.id)]
    if (!before || f.id === null) {
      if (f.visibleWhen || f.requiredWhen || f.requiredOnEnter) conditions.push(f.key)
      continue
    }
    const patch: FieldUpdate['patch'] = {}
    for (const prop of DIFFED) {
      if (same(f[prop], before[prop])) continue
      if (prop === 'description') patch.description = f.description.trim() || null
      else if (prop === 'apiKey') {
        if (f.apiKey) patch.apiKey = f.apiKey
      } else (patch as Record<string, unknown>)[prop] = f[prop]
    }
    if (patch.type !== undefined && patch.config === undefined) patch.config = f.config
    if (Object.keys(patch).length) updates.push({ key: f.key, id: f.id, label: f.label, patch, typeChange: f.type !== before.type ? { from: before.type, to: f.type } : null })
    if (!same(f.visibleWhen, before.visibleWhen) || !same(f.requiredWhen, before.requiredWhen) || !same(f.requiredOnEnter, before.requiredOnEnter)) conditions.push(f.key)
  }
  // Renames and plain changes first, so a formula changed in the same save can read the new labels.
  updates.sort((a, b) => Number(isComputed(draft.fields[a.key])) - Number(isComputed(draft.fields[b.key])))
  return { deletes, creates, updates, conditions }
}

const isComputed = (f: DraftField | undefined) => !!f && (f.type === 'formula' || f.type === 'rollup')

export const planIsEmpty = (plan: SavePlan) => !plan.deletes.length && !plan.creates.length && !plan.updates.length && !plan.conditions.length

// ---------- validation ----------

export interface DraftProblem {
  key: string | null
  /** i18n key and params. */
  message: string
  params?: Record<string, string | number>
}

const API_KEY = /^[A-Za-z][A-Za-z0-9_]{0,62}$/

/** What the server would refuse, said before anything is written, naming the field. */
export function validateDraft(draft: Draft): DraftProblem[] {
  const problems: DraftProblem[] = []
  if (!draft.label.trim()) problems.push({ key: null, message: 'designer.problem.formLabel' })
  const fields = Object.values(draft.fields)
  const seen = new Map<string, string>()
  for (const f of fields) {
    const name = f.label.trim() || '?'
    if (!f.label.trim()) problems.push({ key: f.key, message: 'designer.problem.label' })
    const scope = `${f.parentKey ?? ''}/${f.label.trim()}`
    if (f.label.trim() && seen.has(scope)) problems.push({ key: f.key, message: 'designer.problem.duplicateLabel', params: { field: name } })
    seen.set(scope, f.key)
    if (f.apiKey && !API_KEY.test(f.apiKey)) problems.push({ key: f.key, message: 'designer.problem.apiKey', params: { field: name } })
    if (f.type === 'relation' && typeof f.config.targetFormId !== 'number') problems.push({ key: f.key, message: 'designer.problem.relationTarget', params: { field: name } })
    if (f.type === 'rollup' && typeof f.config.relationFieldId !== 'number') problems.push({ key: f.key, message: 'designer.problem.rollupRelation', params: { field: name } })
    if (f.type === 'rollup' && f.config.aggregate !== 'count' && typeof f.config.targetFieldId !== 'number') problems.push({ key: f.key, message: 'designer.problem.rollupTarget', params: { field: name } })
    if (f.type === 'formula') {
      const expression = String(f.config.expression ?? '').trim()
      if (!expression) problems.push({ key: f.key, message: 'designer.problem.formulaEmpty', params: { field: name } })
      else {
        try {
          parseFormula(expression)
        } catch {
          problems.push({ key: f.key, message: 'designer.problem.formulaSyntax', params: { field: name } })
        }
      }
    }
    if (typeof f.defaultValue === 'string' && f.defaultValue.startsWith('=')) {
      let bad = !f.defaultValue.slice(1).trim()
      if (!bad) {
        try {
          parseFormula(f.defaultValue.slice(1))
        } catch {
          bad = true
        }
      }
      if (bad) problems.push({ key: f.key, message: 'designer.problem.defaultFormula', params: { field: name } })
    }
    if (f.type === 'autonumber' && !String(f.config.pattern ?? '').trim()) problems.push({ key: f.key, message: 'designer.problem.pattern', params: { field: name } })
    if ((f.type === 'select' || f.type === 'multiselect') && Array.isArray(f.config.options)) {
      const labels = (f.config.options as Array<{ label: string }>).map((o) => o.label.trim())
      if (labels.some((l) => !l)) problems.push({ key: f.key, message: 'designer.problem.optionEmpty', params: { field: name } })
      else if (new Set(labels).size !== labels.length) problems.push({ key: f.key, message: 'designer.problem.optionDuplicate', params: { field: name } })
    }
    if (f.type === 'subtable' && f.children.length === 0) problems.push({ key: f.key, message: 'designer.problem.subtableEmpty', params: { field: name } })
    // A condition row without its value: named by the field whose condition it is, and the field it tests.
    for (const node of [f.visibleWhen, f.requiredWhen, f.requiredOnEnter]) {
      const missing = emptyConditionField(node)
      if (missing !== null) problems.push({ key: f.key, message: 'designer.problem.conditionValue', params: { field: name, ref: draft.fields[missing]?.label ?? missing } })
    }
  }
  return problems
}

/** The first condition in the tree whose operator needs a value and has none (its field name), or null. */
function emptyConditionField(node: FilterNode | null): string | null {
  if (!node) return null
  if ('and' in node || 'or' in node) {
    for (const child of 'and' in node ? node.and : node.or) {
      const found = emptyConditionField(child)
      if (found !== null) return found
    }
    return null
  }
  if (VALUELESS_OPERATORS.has(node.op)) return null
  const v = node.value
  const empty = v === undefined || v === null || v === '' || (Array.isArray(v) && (v.length === 0 || v.every((x) => x === null || x === undefined || x === '')))
  return empty ? node.field : null
}

/** Labels a formula reads that belong to fields not saved yet (the server cannot check those yet). */
export function unsavedRefs(expression: string, draft: Draft, self: DraftField): string[] {
  let refs
  try {
    refs = collectRefs(parseFormula(expression))
  } catch {
    return []
  }
  const scope = Object.values(draft.fields).filter((f) => f.key !== self.key)
  const out: string[] = []
  for (const ref of refs) {
    const top = scope.find((f) => f.label === ref.name && (f.parentKey === null || f.parentKey === self.parentKey))
    if (top && top.id === null) out.push(ref.name)
    else if (top && ref.sub !== undefined) {
      const child = top.children.map((k) => draft.fields[k]).find((c) => c?.label === ref.sub)
      if (child && child.id === null) out.push(`${ref.name}.${ref.sub}`)
    }
  }
  return out
}

// ---------- applying ----------

/** The API methods a save uses; the designer passes the real client. */
export interface SaveApi {
  fieldsCreate(input: MethodInput<'fields.create'>): Promise<MethodOutput<'fields.create'>>
  fieldsUpdate(input: MethodInput<'fields.update'>): Promise<MethodOutput<'fields.update'>>
  fieldsDelete(input: MethodInput<'fields.delete'>): Promise<MethodOutput<'fields.delete'>>
  formsUpdate(input: MethodInput<'forms.update'>): Promise<MethodOutput<'forms.update'>>
  formsGet(input: MethodInput<'forms.get'>): Promise<MethodOutput<'forms.get'>>
  formsDesign(input: MethodInput<'forms.design'>): Promise<MethodOutput<'forms.design'>>
}

export type DryRunReport = MethodOutput<'fields.update'>

/** Runs each type change with dryRun: how many values convert, which do not (and why). */
export async function dryRunTypeChanges(plan: SavePlan, saveApi: Pick<SaveApi, 'fieldsUpdate'>): Promise<Map<string, DryRunReport>> {
  const reports = new Map<string, DryRunReport>()
  for (const u of plan.updates) {
    if (!u.typeChange) continue
    reports.set(u.key, await saveApi.fieldsUpdate({ id: u.id, type: u.patch.type, config: u.patch.config, dryRun: true }))
  }
  return reports
}

function cleanDefault(f: DraftField): unknown {
  if (f.defaultValue === null || f.defaultValue === undefined || f.defaultValue === '') return undefined
  if (COMPUTED_TYPES.has(f.type)) return undefined
  return f.defaultValue
}

export function toFieldInput(f: DraftField, draft: Draft): FieldInput {
  const input: FieldInput = { label: f.label.trim(), type: f.type, config: f.config, required: f.required, unique: f.unique }
  if (f.apiKey) input.apiKey = f.apiKey
  if (f.description.trim()) input.description = f.description.trim()
  const def = cleanDefault(f)
  if (def !== undefined) input.defaultValue = def
  if (f.type === 'subtable' && f.id === null) input.children = f.children.map((k) => draft.fields[k]).filter(Boolean).map((c) => toFieldInput(c, draft))
  return input
}

/**
 * The plan as one forms.design call (pure): the server applies it in one transaction, so a refused
 * save changes nothing. Fields are named by draft keys; `ids` gives the saved ones' ids.
 */
export function toDesign(form: FormDto, draft: Draft, plan: SavePlan, acceptLoss: boolean): MethodInput<'forms.design'> {
  const ids: Record<string, number> = {}
  for (const f of Object.values(draft.fields)) if (f.id !== null) ids[f.key] = f.id
  const creates = plan.creates.map((f) => {
    const { children: _children, ...field } = toFieldInput(f, draft)
    void _children
    // A new sub-table is created with its new columns; their keys follow in column order.
    const childKeys = f.type === 'subtable' ? f.children.filter((k) => draft.fields[k]?.id === null) : []
    const children = childKeys.map((k) => toFieldInput(draft.fields[k]!, draft))
    return { key: f.key, parent: f.parentKey && draft.fields[f.parentKey]?.id !== null ? f.parentKey : null, field: children.length ? { ...field, children } : field, childKeys }
  })
  const updates = plan.updates.map((u) => ({ id: u.id, ...u.patch, acceptLoss: !!u.typeChange && acceptLoss }))
  const conditions = plan.conditions.flatMap((key) => {
    const f = draft.fields[key]
    return f ? [{ key, visibleWhen: f.visibleWhen, requiredWhen: f.requiredWhen, requiredOnEnter: f.requiredOnEnter }] : []
  })
  // Positions follow the arrangement, but only where the arrangement changed: an unchanged form keeps its own order.
  const base = fromForm(form, { tab: '', section: null })
  const positions: Array<{ key: string; position: number }> = []
  const order = layoutOrder(draft)
  if (!same(order, layoutOrder(base))) order.forEach((key, i) => positions.push({ key, position: i + 1 }))
  for (const f of Object.values(draft.fields)) {
    if (f.type === 'subtable' && !same(f.children, f.id === null ? null : base.fields[fieldKeyOf(f.id)]?.children)) f.children.forEach((key, i) => positions.push({ key, position: i + 1 }))
  }
  const layout = {
    tabs: draft.tabs.map((t) => ({ id: t.id, label: t.label, sections: t.sections.map((s) => ({ id: s.id, label: s.label, columns: s.columns, fields: s.fields })) }))
  }
  // The layout is written when it differs from the saved one; a form never arranged stays so until it is.
  const idOf = (key: string) => draft.fields[key]?.id ?? null
  const unarranged = form.layout === null && draft.tabs.length === 1 && draft.tabs[0]!.sections.length === 1 && draft.tabs[0]!.sections[0]!.label === null && draft.tabs[0]!.sections[0]!.columns === 2 && same(order, layoutOrder(base))
  const layoutChanged = !unarranged && !same(toLayout(draft, idOf), form.layout)
  return {
    form: form.id,
    label: draft.label.trim(),
    description: draft.description.trim() || null,
    ids,
    deletes: plan.deletes.map((d) => d.id),
    creates,
    updates,
    conditions,
    positions,
    titleField: draft.titleKey,
    ...(layoutChanged ? { layout } : {})
  }
}

/** Applies the plan in one call (one transaction on the server): all of it, or nothing. */
export async function applyPlan(form: FormDto, draft: Draft, plan: SavePlan, saveApi: Pick<SaveApi, 'formsDesign'>): Promise<MethodOutput<'forms.design'>> {
  return saveApi.formsDesign(toDesign(form, draft, plan, true))
}
