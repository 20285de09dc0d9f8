import { describe, expect, it } from 'vitest'
import type { FieldDto, FormDto } from '@shared/api/contracts'
import { applyAction, fromForm, historyReducer, initHistory, layoutOrder, makeField, toLayout, type Draft } from '../../../src-renderer/src/components/designer/draft'

const LABELS = { tab: '基本信息', section: null }

function field(id: number, label: string, type: FieldDto['type'], extra: Partial<FieldDto> = {}): FieldDto {
  return {
    id, formId: 1, parentFieldId: null, label, apiKey: `k${id}`, type, config: {}, required: false, unique: false, description: null,
    defaultValue: null, position: id, deletedAt: null, resultType: null, visibleWhen: null, requiredWhen: null, ...extra
  }
}

function form(fields: FieldDto[], layout: FormDto['layout'] = null): FormDto {
  return { id: 1, layout, appId: 1, label: '商机', apiKey: 'opportunity', description: null, titleFieldId: null, validations: [], position: 1, fields, schemaVersion: 1 }
}

const stageOptions = { options: [{ id: 'won', label: '赢单', color: 'green' }, { id: 'lost', label: '输单', color: 'red' }] }
const saved = form([
  field(1, '客户名称', 'text'),
  field(2, '销售阶段', 'select', { config: stageOptions }),
  field(3, '输单原因', 'textarea', { visibleWhen: { field: 'k2', op: 'eq', value: '输单' } }),
  field(4, '旧字段', 'text', { deletedAt: 1000 }),
  field(5, '明细', 'subtable'),
  field(6, '数量', 'number', { parentFieldId: 5, position: 2 }),
  field(7, '产品', 'text', { parentFieldId: 5, position: 1 })
])

describe('designer draft from a saved form', () => {
  it('places live top-level fields in one section when the form has no layout, skipping deleted fields and children', () => {
    const draft = fromForm(saved, LABELS)
    expect(draft.tabs).toHaveLength(1)
    expect(draft.tabs[0].label).toBe('基本信息')
    expect(layoutOrder(draft)).toEqual(['f1', 'f2', 'f3', 'f5'])
    expect(draft.fields.f4).toBeUndefined()
    expect(draft.fields.f5.children).toEqual(['f7', 'f6'])
  })

  it('names condition fields by draft key inside the draft', () => {
    const draft = fromForm(saved, LABELS)
    expect(draft.fields.f3.visibleWhen).toEqual({ field: 'f2', op: 'eq', value: '输单' })
  })

  it('keeps a saved layout and appends fields missing from it', () => {
    const withLayout = form(saved.fields, { tabs: [{ id: 't1', label: '概要', sections: [{ id: 's1', label: '客户', columns: 3, fieldIds: [2, 1] }] }] })
    const draft = fromForm(withLayout, LABELS)
    expect(draft.tabs[0].sections[0].fields).toEqual(['f2', 'f1', 'f3', 'f5'])
    expect(draft.tabs[0].sections[0].columns).toBe(3)
    expect(toLayout(draft, (k) => Number(k.slice(1)))).toEqual({ tabs: [{ id: 't1', label: '概要', sections: [{ id: 's1', label: '客户', columns: 3, fieldIds: [2, 1, 3, 5] }] }] })
  })
})

describe('designer draft actions', () => {
  const start = (): Draft => fromForm(saved, LABELS)

  it('adds a field at a position in a section and moves it to another section', () => {
    let draft = start()
    const sectionId = draft.tabs[0].sections[0].id
    const f = makeField('amount', '金额')
    draft = applyAction(draft, { type: 'addField', field: f, sectionId, index: 1 })
    expect(layoutOrder(draft)).toEqual(['f1', f.key, 'f2', 'f3', 'f5'])
    draft = applyAction(draft, { type: 'addSection', tabId: draft.tabs[0].id, section: { id: 's2', label: '财务', columns: 1, fields: [] } })
    draft = applyAction(draft, { type: 'moveField', key: f.key, sectionId: 's2', index: 0 })
    expect(draft.tabs[0].sections[1].fields).toEqual([f.key])
    expect(draft.tabs[0].sections[0].fields).not.toContain(f.key)
  })

  it('reorders within a section like arrayMove', () => {
    let draft = start()
    const sectionId = draft.tabs[0].sections[0].id
    draft = applyAction(draft, { type: 'moveField', key: 'f1', sectionId, index: 2 })
    expect(layoutOrder(draft)).toEqual(['f2', 'f3', 'f1', 'f5'])
  })

  it('removing a field drops conditions that named it, and its sub-table children', () => {
    let draft = applyAction(start(), { type: 'removeField', key: 'f2' })
    expect(draft.fields.f2).toBeUndefined()
    expect(draft.fields.f3.visibleWhen).toBeNull()
    draft = applyAction(draft, { type: 'removeField', key: 'f5' })
    expect(draft.fields.f6).toBeUndefined()
    expect(draft.fields.f7).toBeUndefined()
  })

  it('removing a section keeps its fields in the neighbouring section', () => {
    let draft = start()
    const tabId = draft.tabs[0].id
    draft = applyAction(draft, { type: 'addSection', tabId, section: { id: 's2', label: null, columns: 2, fields: [] } })
    draft = applyAction(draft, { type: 'moveField', key: 'f3', sectionId: 's2', index: 0 })
    draft = applyAction(draft, { type: 'removeSection', id: 's2' })
    expect(draft.tabs[0].sections).toHaveLength(1)
    expect(layoutOrder(draft)).toContain('f3')
  })

  it('removing a tab moves its fields to the previous tab; the last tab stays', () => {
    let draft = start()
    draft = applyAction(draft, { type: 'addTab', tab: { id: 't2', label: '财务', sections: [{ id: 's9', label: null, columns: 2, fields: [] }] } })
    draft = applyAction(draft, { type: 'moveField', key: 'f1', sectionId: 's9', index: 0 })
    draft = applyAction(draft, { type: 'removeTab', id: 't2' })
    expect(draft.tabs).toHaveLength(1)
    expect(layoutOrder(draft)).toContain('f1')
    expect(applyAction(draft, { type: 'removeTab', id: draft.tabs[0].id })).toBe(draft)
  })

  it('renaming a field rewrites formulas that read it', () => {
    let draft = start()
    const formula = { ...makeField('formula', '标题'), config: { expression: 'CONCAT({客户名称}, "-", {销售阶段})' } }
    draft = applyAction(draft, { type: 'addField', field: formula, sectionId: draft.tabs[0].sections[0].id, index: 9 })
    draft = applyAction(draft, { type: 'updateField', key: 'f1', patch: { label: '客户' } })
    expect(draft.fields[formula.key].config.expression).toBe('CONCAT({客户}, "-", {销售阶段})')
  })

  it('a type change keeps select options and clears the default', () => {
    let draft = applyAction(start(), { type: 'updateField', key: 'f2', patch: { defaultValue: '赢单' } })
    draft = applyAction(draft, { type: 'changeType', key: 'f2', fieldType: 'multiselect' })
    expect(draft.fields.f2.type).toBe('multiselect')
    expect(draft.fields.f2.config.options).toEqual(stageOptions.options)
    expect(draft.fields.f2.defaultValue).toBeNull()
  })

  it('sub-table columns are added and reordered in place', () => {
    let draft = start()
    const price = makeField('amount', '单价', 'f5')
    draft = applyAction(draft, { type: 'addChild', parentKey: 'f5', field: price })
    expect(draft.fields.f5.children).toEqual(['f7', 'f6', price.key])
    draft = applyAction(draft, { type: 'moveChild', key: price.key, index: 0 })
    expect(draft.fields.f5.children).toEqual([price.key, 'f7', 'f6'])
    expect(draft.fields[price.key].parentKey).toBe('f5')
  })
})

describe('designer undo and redo', () => {
  it('undoes and redoes each action, and a new action clears the redo stack', () => {
    let h = initHistory(fromForm(saved, LABELS))
    const original = h.present
    h = historyReducer(h, { type: 'updateField', key: 'f1', patch: { required: true } })
    h = historyReducer(h, { type: 'removeField', key: 'f3' })
    expect(h.past).toHaveLength(2)
    h = historyReducer(h, { type: 'undo' })
    expect(h.present.fields.f3).toBeDefined()
    expect(h.present.fields.f1.required).toBe(true)
    h = historyReducer(h, { type: 'undo' })
    expect(h.present).toBe(original)
    h = historyReducer(h, { type: 'redo' })
    expect(h.present.fields.f1.required).toBe(true)
    h = historyReducer(h, { type: 'updateField', key: 'f1', patch: { description: 'x' } })
    expect(h.future).toHaveLength(0)
    expect(historyReducer(h, { type: 'redo' })).toBe(h)
  })

  it('typing into one property is one undo step', () => {
    let h = initHistory(fromForm(saved, LABELS))
    for (const label of ['客', '客户', '客户全称']) h = historyReducer(h, { type: 'updateField', key: 'f1', patch: { label }, coalesce: 'f1:label' })
    expect(h.past).toHaveLength(1)
    expect(h.present.fields.f1.label).toBe('客户全称')
    h = historyReducer(h, { type: 'undo' })
    expect(h.present.fields.f1.label).toBe('客户名称')
  })

  it('ids assigned by a half-finished save reach every undo step', () => {
    let h = initHistory(fromForm(saved, LABELS))
    const f = makeField('text', '备注')
    h = historyReducer(h, { type: 'addField', field: f, sectionId: h.present.tabs[0].sections[0].id, index: 0 })
    h = historyReducer(h, { type: 'updateField', key: f.key, patch: { required: true } })
    h = historyReducer(h, { type: 'assignIds', ids: { [f.key]: 42 } })
    expect(h.present.fields[f.key].id).toBe(42)
    h = historyReducer(h, { type: 'undo' })
    expect(h.present.fields[f.key].id).toBe(42)
  })

  it('a reset starts a fresh history', () => {
    let h = initHistory(fromForm(saved, LABELS))
    h = historyReducer(h, { type: 'setForm', patch: { label: '销售机会' } })
    h = historyReducer(h, { type: 'reset', draft: fromForm(saved, LABELS) })
    expect(h.past).toHaveLength(0)
    expect(h.future).toHaveLength(0)
  })
})
