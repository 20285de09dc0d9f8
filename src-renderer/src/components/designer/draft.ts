import type { FieldDto, FilterNode, FormDto, FormLayout } from '@shared/api/contracts'
import type { FieldType, SelectOption } from '@shared/field-types'
import { FIELD_CONFIG } from '@shared/field-config'
import { renameRefs } from '@shared/formula'

// The designer's unsaved draft of a form and the reducer that edits it, with undo/redo. Pure:
// no React, no API. Fields are addressed by a draft key (`f12` for saved field 12, a random
// key for new ones) so a new field can be placed, referenced by conditions and edited before it
// has an id. Conditions (visibleWhen / requiredWhen / requiredOnEnter) name fields by draft key inside the draft
// and by API key on the server; `fromForm` and the save plan translate between the two.

export interface DraftField {
  key: string
  /** Server id; null until saved. */
  id: number | null
  /** Sub-table child fields: the draft key of their sub-table. */
  parentKey: string | null
  label: string
  /** Empty for a new field whose key the server derives from the label (pinyin). */
  apiKey: string
  type: FieldType
  config: Record<string, unknown>
  required: boolean
  unique: boolean
  description: string
  /** A value in the write shape, a `=formula` string, or null for none. */
  defaultValue: unknown
  visibleWhen: FilterNode | null
  requiredWhen: FilterNode | null
  /** Required on entering: when a write makes the record match it (赢单 needs the signed contract scan). */
  requiredOnEnter: FilterNode | null
  /** Sub-tables: their child fields' keys, in order. */
  children: string[]
}

export interface DraftSection {
  id: string
  label: string | null
  columns: 1 | 2 | 3
  fields: string[]
}
export interface DraftTab {
  id: string
  label: string
  sections: DraftSection[]
}

export interface Draft {
  label: string
  description: string
  /** The field a record is known by (relation pickers, search results); null: the first text field. */
  titleKey: string | null
  fields: Record<string, DraftField>
  tabs: DraftTab[]
}

export interface History {
  past: Draft[]
  present: Draft
  future: Draft[]
  /** Typing into one property makes one undo step, not one per keystroke. */
  coalesce: string | null
}

/** Labels the pure code cannot translate itself. */
export interface DraftLabels {
  tab: string
  section: string | null
}

let counter = 0
/** A key unique within this session (new fields, sections, tabs). */
export function newKey(prefix: string): string {
  counter += 1
  return `${prefix}${Date.now().toString(36)}${counter.toString(36)}`
}

export const fieldKeyOf = (id: number) => `f${id}`

// ---------- conditions ----------

/** Rewrite the field names of a condition tree. */
export function mapConditionFields(node: FilterNode, map: (field: string) => string | null): FilterNode | null {
  if ('and' in node || 'or' in node) {
    const list = 'and' in node ? node.and : node.or
    const mapped = list.map((child) => mapConditionFields(child, map)).filter((c): c is FilterNode => c !== null)
    if (mapped.length === 0) return null
    return 'and' in node ? { and: mapped } : { or: mapped }
  }
  const field = map(node.field)
  return field === null ? null : { ...node, field }
}

/** Field names (draft keys in a draft) a condition tree uses. */
export function conditionFields(node: FilterNode | null): string[] {
  if (!node) return []
  if ('and' in node) return node.and.flatMap(conditionFields)
  if ('or' in node) return node.or.flatMap(conditionFields)
  return [node.field]
}

// ---------- from a saved form ----------

export function fieldFromDto(dto: FieldDto, all: FieldDto[], byApiKey: Map<string, string>): DraftField {
  // Fields of this form by draft key; any other name (a system field such as owner) is kept as it is, never dropped.
  const toKey = (apiKey: string) => byApiKey.get(apiKey) ?? apiKey
  return {
    key: fieldKeyOf(dto.id),
    id: dto.id,
    parentKey: dto.parentFieldId === null ? null : fieldKeyOf(dto.parentFieldId),
    label: dto.label,
    apiKey: dto.apiKey,
    type: dto.type,
    config: structuredClone(dto.config),
    required: dto.required,
    unique: dto.unique,
    description: dto.description ?? '',
    defaultValue: dto.defaultValue ?? null,
    visibleWhen: dto.visibleWhen ? mapConditionFields(dto.visibleWhen, toKey) : null,
    requiredWhen: dto.requiredWhen ? mapConditionFields(dto.requiredWhen, toKey) : null,
    requiredOnEnter: dto.requiredOnEnter ? mapConditionFields(dto.requiredOnEnter, toKey) : null,
    children: all
      .filter((c) => c.parentFieldId === dto.id && c.deletedAt === null)
      .sort((a, b) => a.position - b.position)
      .map((c) => fieldKeyOf(c.id))
  }
}

export function emptyDraft(label: string, labels: DraftLabels): Draft {
  return { label, description: '', titleKey: null, fields: {}, tabs: [{ id: newKey('t'), label: labels.tab, sections: [{ id: newKey('s'), label: labels.section, columns: 2, fields: [] }] }] }
}

/** The draft of a saved form; live fields missing from its layout follow it, in field order. */
export function fromForm(form: FormDto, labels: DraftLabels): Draft {
  const live = form.fields.filter((f) => f.deletedAt === null)
  const byApiKey = new Map(live.filter((f) => f.parentFieldId === null).map((f) => [f.apiKey, fieldKeyOf(f.id)]))
  const fields: Record<string, DraftField> = {}
  for (const dto of live) fields[fieldKeyOf(dto.id)] = fieldFromDto(dto, live, byApiKey)
  const topLevel = live.filter((f) => f.parentFieldId === null).sort((a, b) => a.position - b.position)
  const placed = new Set<string>()
  const tabs: DraftTab[] = (form.layout?.tabs ?? []).map((tab) => ({
    id: tab.id,
    label: tab.label,
    sections: tab.sections.map((s) => ({
      id: s.id,
      label: s.label,
      columns: clampColumns(s.columns),
      fields: s.fieldIds.map(fieldKeyOf).filter((k) => {
        if (!fields[k] || fields[k].parentKey !== null || placed.has(k)) return false
        placed.add(k)
        return true
      })
    }))
  }))
  if (tabs.length === 0) tabs.push({ id: newKey('t'), label: labels.tab, sections: [] })
  const firstTab = tabs[0]
  if (firstTab.sections.length === 0) firstTab.sections.push({ id: newKey('s'), label: labels.section, columns: 2, fields: [] })
  const rest = topLevel.map((f) => fieldKeyOf(f.id)).filter((k) => !placed.has(k))
  firstTab.sections[firstTab.sections.length - 1].fields.push(...rest)
  const titleKey = form.titleFieldId !== null && fields[fieldKeyOf(form.titleFieldId)] ? fieldKeyOf(form.titleFieldId) : null
  return { label: form.label, description: form.description ?? '', titleKey, fields, tabs }
}

const clampColumns = (n: number): 1 | 2 | 3 => (n <= 1 ? 1 : n >= 3 ? 3 : 2)

/** Top-level field keys in layout order: the order of the record page and the default columns. */
export function layoutOrder(draft: Draft): string[] {
  return draft.tabs.flatMap((t) => t.sections.flatMap((s) => s.fields))
}

/** The layout for forms.update; `idOf` gives the saved id of a draft key. */
export function toLayout(draft: Draft, idOf: (key: string) => number | null): FormLayout {
  return {
    tabs: draft.tabs.map((t) => ({
      id: t.id,
      label: t.label,
      sections: t.sections.map((s) => ({
        id: s.id,
        label: s.label,
        columns: s.columns,
        fieldIds: s.fields.map(idOf).filter((id): id is number => id !== null)
      }))
    }))
  }
}

// ---------- new fields ----------

/** The config a field of this type starts with (the schema's defaults, filled in). */
export function defaultConfig(type: FieldType): Record<string, unknown> {
  switch (type) {
    case 'formula':
      return { expression: '' }
    case 'relation':
      return { multiple: false }
    case 'rollup':
      return { aggregate: 'count' }
    default: {
      const parsed = FIELD_CONFIG[type].safeParse({})
      return parsed.success ? (parsed.data as Record<string, unknown>) : {}
    }
  }
}

export function makeField(type: FieldType, label: string, parentKey: string | null = null): DraftField {
  return {
    key: newKey('n'),
    id: null,
    parentKey,
    label,
    apiKey: '',
    type,
    config: defaultConfig(type),
    required: false,
    unique: false,
    description: '',
    defaultValue: null,
    visibleWhen: null,
    requiredWhen: null,
    requiredOnEnter: null,
    children: []
  }
}

/** Config kept across a type change where it still means the same (options, precision). */
export function configForType(from: DraftField, type: FieldType): Record<string, unknown> {
  const base = defaultConfig(type)
  const options = from.config.options as SelectOption[] | undefined
  if ((type === 'select' || type === 'multiselect') && options) base.options = options
  if (typeof from.config.precision === 'number' && 'precision' in base) base.precision = from.config.precision
  return base
}

// ---------- the reducer ----------

export type Action =
  | { type: 'reset'; draft: Draft }
  | { type: 'setForm'; patch: Partial<Pick<Draft, 'label' | 'description' | 'titleKey'>>; coalesce?: string }
  | { type: 'addField'; field: DraftField; sectionId: string; index: number; children?: DraftField[] }
  | { type: 'addChild'; parentKey: string; field: DraftField; index?: number }
  | { type: 'updateField'; key: string; patch: Partial<Omit<DraftField, 'key' | 'id' | 'parentKey' | 'children'>>; coalesce?: string }
  | { type: 'changeType'; key: string; fieldType: FieldType }
  | { type: 'removeField'; key: string }
  | { type: 'moveField'; key: string; sectionId: string; index: number }
  | { type: 'moveChild'; key: string; index: number }
  | { type: 'addSection'; tabId: string; section: DraftSection }
  | { type: 'updateSection'; id: string; patch: Partial<Pick<DraftSection, 'label' | 'columns'>>; coalesce?: string }
  | { type: 'removeSection'; id: string }
  | { type: 'moveSection'; id: string; offset: -1 | 1 }
  | { type: 'addTab'; tab: DraftTab }
  | { type: 'renameTab'; id: string; label: string; coalesce?: string }
  | { type: 'removeTab'; id: string }
  | { type: 'restoreField'; field: DraftField; children: DraftField[] }

function findSection(draft: Draft, id: string): { tab: DraftTab; section: DraftSection; index: number } | null {
  for (const tab of draft.tabs) {
    const index = tab.sections.findIndex((s) => s.id === id)
    if (index >= 0) return { tab, section: tab.sections[index], index }
  }
  return null
}

function withoutField(tabs: DraftTab[], key: string): DraftTab[] {
  return tabs.map((t) => ({ ...t, sections: t.sections.map((s) => (s.fields.includes(key) ? { ...s, fields: s.fields.filter((k) => k !== key) } : s)) }))
}

function insertAt<T>(list: T[], index: number, item: T): T[] {
  const at = Math.max(0, Math.min(index, list.length))
  return [...list.slice(0, at), item, ...list.slice(at)]
}

/** Formulas follow a renamed field (`{客户}` → `{客户名称}`), as the server does on save. */
function renameInFormulas(fields: Record<string, DraftField>, renamed: DraftField, from: string, to: string): Record<string, DraftField> {
  if (!from || !to || from === to) return fields
  const out = { ...fields }
  for (const f of Object.values(fields)) {
    const expression = f.type === 'formula' ? f.config.expression : undefined
    const isDefault = typeof f.defaultValue === 'string' && f.defaultValue.startsWith('=')
    const sameScope = (name: string, sub?: string) => {
      if (renamed.parentKey === null) return sub === undefined ? name === from : false
      const parent = fields[renamed.parentKey]
      // A child is written {子表.字段} from the parent form, or {字段} inside its own sub-table.
      return (sub === from && parent?.label === name) || (sub === undefined && name === from && f.parentKey === renamed.parentKey)
    }
    const rename = (src: string): string => {
      try {
        return renameRefs(src, (ref) => {
          if (!sameScope(ref.name, ref.sub)) return undefined
          return ref.sub === undefined ? { name: to } : { name: ref.name, sub: to }
        })
      } catch {
        return src
      }
    }
    let next = f
    if (typeof expression === 'string' && expression) {
      const renamedExpr = rename(expression)
      if (renamedExpr !== expression) next = { ...next, config: { ...next.config, expression: renamedExpr } }
    }
    if (isDefault) {
      const src = (f.defaultValue as string).slice(1)
      const renamedSrc = rename(src)
      if (renamedSrc !== src) next = { ...next, defaultValue: `=${renamedSrc}` }
    }
    // A sub-table renamed: {旧子表.字段} → {新子表.字段}.
    if (renamed.type === 'subtable' && typeof expression === 'string' && expression) {
      try {
        const e = renameRefs(String(next.config.expression), (ref) => (ref.sub !== undefined && ref.name === from ? { name: to, sub: ref.sub } : undefined))
        next = { ...next, config: { ...next.config, expression: e } }
      } catch {
        // An unfinished formula keeps its text.
      }
    }
    if (next !== f) out[f.key] = next
  }
  return out
}

/** Conditions that name a removed field lose that condition. */
function dropConditionsOn(fields: Record<string, DraftField>, removed: Set<string>): Record<string, DraftField> {
  const out: Record<string, DraftField> = {}
  const keep = (k: string) => (removed.has(k) ? null : k)
  for (const [key, f] of Object.entries(fields)) {
    const uses = [...conditionFields(f.visibleWhen), ...conditionFields(f.requiredWhen), ...conditionFields(f.requiredOnEnter)].some((k) => removed.has(k))
    out[key] = uses
      ? {
          ...f, visibleWhen: f.visibleWhen && mapConditionFields(f.visibleWhen, keep), requiredWhen: f.requiredWhen && mapConditionFields(f.requiredWhen, keep),
          requiredOnEnter: f.requiredOnEnter && mapConditionFields(f.requiredOnEnter, keep)
        }
      : f
  }
  return out
}

export function applyAction(draft: Draft, action: Action): Draft {
  switch (action.type) {
    case 'reset':
      return action.draft
    case 'setForm':
      return { ...draft, ...action.patch }
    case 'addField': {
      const fields = { ...draft.fields, [action.field.key]: { ...action.field, parentKey: null, children: (action.children ?? []).map((c) => c.key) } }
      for (const child of action.children ?? []) fields[child.key] = { ...child, parentKey: action.field.key }
      const target = findSection(draft, action.sectionId) ?? { section: draft.tabs[0].sections[0] }
      const tabs = draft.tabs.map((t) => ({
        ...t,
        sections: t.sections.map((s) => (s.id === target.section.id ? { ...s, fields: insertAt(s.fields, action.index, action.field.key) } : s))
      }))
      return { ...draft, fields, tabs }
    }
    case 'addChild': {
      const parent = draft.fields[action.parentKey]
      if (!parent || parent.type !== 'subtable') return draft
      return {
        ...draft,
        fields: {
          ...draft.fields,
          [action.field.key]: { ...action.field, parentKey: parent.key },
          [parent.key]: { ...parent, children: insertAt(parent.children, action.index ?? parent.children.length, action.field.key) }
        }
      }
    }
    case 'updateField': {
      const field = draft.fields[action.key]
      if (!field) return draft
      const next = { ...field, ...action.patch }
      let fields = { ...draft.fields, [field.key]: next }
      if (action.patch.label !== undefined && action.patch.label !== field.label) fields = renameInFormulas(fields, field, field.label, action.patch.label)
      return { ...draft, fields }
    }
    case 'changeType': {
      const field = draft.fields[action.key]
      if (!field || field.type === action.fieldType) return draft
      const next: DraftField = { ...field, type: action.fieldType, config: configForType(field, action.fieldType), defaultValue: null, unique: false }
      return { ...draft, fields: { ...draft.fields, [field.key]: next } }
    }
    case 'removeField': {
      const field = draft.fields[action.key]
      if (!field) return draft
      const removed = new Set([field.key, ...field.children])
      const fields = { ...draft.fields }
      for (const k of removed) delete fields[k]
      if (field.parentKey && fields[field.parentKey]) {
        const parent = fields[field.parentKey]
        fields[parent.key] = { ...parent, children: parent.children.filter((k) => k !== field.key) }
      }
      const titleKey = draft.titleKey && removed.has(draft.titleKey) ? null : draft.titleKey
      return { ...draft, titleKey, fields: dropConditionsOn(fields, removed), tabs: withoutField(draft.tabs, field.key) }
    }
    case 'moveField': {
      if (!draft.fields[action.key] || !findSection(draft, action.sectionId)) return draft
      // `index` is the field's position in the target section once it is there.
      const index = action.index
      const tabs = withoutField(draft.tabs, action.key).map((t) => ({
        ...t,
        sections: t.sections.map((s) => (s.id === action.sectionId ? { ...s, fields: insertAt(s.fields, index, action.key) } : s))
      }))
      return { ...draft, tabs }
    }
    case 'moveChild': {
      const field = draft.fields[action.key]
      const parent = field?.parentKey ? draft.fields[field.parentKey] : undefined
      if (!field || !parent) return draft
      const rest = parent.children.filter((k) => k !== field.key)
      return { ...draft, fields: { ...draft.fields, [parent.key]: { ...parent, children: insertAt(rest, action.index, field.key) } } }
    }
    case 'addSection':
      return { ...draft, tabs: draft.tabs.map((t) => (t.id === action.tabId ? { ...t, sections: [...t.sections, action.section] } : t)) }
    case 'updateSection':
      return { ...draft, tabs: draft.tabs.map((t) => ({ ...t, sections: t.sections.map((s) => (s.id === action.id ? { ...s, ...action.patch } : s)) })) }
    case 'removeSection': {
      const found = findSection(draft, action.id)
      if (!found) return draft
      const all = draft.tabs.flatMap((t) => t.sections)
      if (all.length <= 1) return draft
      // Its fields are not deleted: they move to the neighbouring section (or the first one).
      const neighbour = found.tab.sections[found.index - 1] ?? found.tab.sections[found.index + 1] ?? all.find((s) => s.id !== action.id)!
      const tabs = draft.tabs.map((t) => ({
        ...t,
        sections: t.sections
          .filter((s) => s.id !== action.id)
          .map((s) => (s.id === neighbour.id ? { ...s, fields: [...s.fields, ...found.section.fields] } : s))
      }))
      return { ...draft, tabs }
    }
    case 'moveSection': {
      const found = findSection(draft, action.id)
      if (!found) return draft
      const to = found.index + action.offset
      if (to < 0 || to >= found.tab.sections.length) return draft
      const sections = [...found.tab.sections]
      ;[sections[found.index], sections[to]] = [sections[to], sections[found.index]]
      return { ...draft, tabs: draft.tabs.map((t) => (t.id === found.tab.id ? { ...t, sections } : t)) }
    }
    case 'addTab':
      return { ...draft, tabs: [...draft.tabs, action.tab] }
    case 'renameTab':
      return { ...draft, tabs: draft.tabs.map((t) => (t.id === action.id ? { ...t, label: action.label } : t)) }
    case 'removeTab': {
      if (draft.tabs.length <= 1) return draft
      const index = draft.tabs.findIndex((t) => t.id === action.id)
      if (index < 0) return draft
      const moved = draft.tabs[index].sections.flatMap((s) => s.fields)
      const tabs = draft.tabs.filter((t) => t.id !== action.id)
      // Its fields go to the end of the previous tab (or the first one).
      const into = tabs[Math.max(0, index - 1)]
      const last = into.sections[into.sections.length - 1]
      const target = last ? tabs.map((t) => (t.id === into.id ? { ...t, sections: t.sections.map((s) => (s.id === last.id ? { ...s, fields: [...s.fields, ...moved] } : s)) } : t)) : tabs
      return { ...draft, tabs: target }
    }
    case 'restoreField': {
      const fields = { ...draft.fields, [action.field.key]: action.field }
      for (const c of action.children) fields[c.key] = c
      const tabs = draft.tabs.map((t, ti) =>
        ti === 0 ? { ...t, sections: t.sections.map((s, si) => (si === t.sections.length - 1 ? { ...s, fields: [...s.fields, action.field.key] } : s)) } : t
      )
      return { ...draft, fields, tabs }
    }
  }
}

const HISTORY_LIMIT = 200

export function initHistory(draft: Draft): History {
  return { past: [], present: draft, future: [], coalesce: null }
}

export type HistoryAction = Action | { type: 'undo' } | { type: 'redo' } | { type: 'assignIds'; ids: Record<string, number> }

/** Fields created by a save that then failed part-way keep their new ids in every undo step, so a retry does not create them twice. */
function withIds(draft: Draft, ids: Record<string, number>): Draft {
  let changed = false
  const fields = { ...draft.fields }
  for (const [key, id] of Object.entries(ids)) {
    const f = fields[key]
    if (f && f.id === null) {
      fields[key] = { ...f, id }
      changed = true
    }
  }
  return changed ? { ...draft, fields } : draft
}

/** Every draft action is one undo step; `reset` (load, after save) starts a fresh history. */
export function historyReducer(state: History, action: HistoryAction): History {
  if (action.type === 'undo') {
    const previous = state.past[state.past.length - 1]
    if (!previous) return state
    return { past: state.past.slice(0, -1), present: previous, future: [state.present, ...state.future], coalesce: null }
  }
  if (action.type === 'redo') {
    const next = state.future[0]
    if (!next) return state
    return { past: [...state.past, state.present], present: next, future: state.future.slice(1), coalesce: null }
  }
  if (action.type === 'reset') return initHistory(action.draft)
  if (action.type === 'assignIds') {
    return { ...state, past: state.past.map((d) => withIds(d, action.ids)), present: withIds(state.present, action.ids), future: state.future.map((d) => withIds(d, action.ids)) }
  }
  const present = applyAction(state.present, action)
  if (present === state.present) return state
  const coalesce = 'coalesce' in action && action.coalesce ? action.coalesce : null
  if (coalesce && coalesce === state.coalesce) return { ...state, present, future: [] }
  return { past: [...state.past, state.present].slice(-HISTORY_LIMIT), present, future: [], coalesce }
}
