import { describe, expect, it } from 'vitest'
import type { FieldDto, FormDto } from '@shared/api/contracts'
import { applyAction, fromForm, makeField } from '../../../src-renderer/src/components/designer/draft'
import { planSave, toFieldInput, unsavedRefs, validateDraft } from '../../../src-renderer/src/components/designer/save'

const LABELS = { tab: '基本信息', section: null }

function field(id: number, label: string, type: FieldDto['type'], extra: Partial<FieldDto> = {}): FieldDto {
  return {
    id, formId: 1, parentFieldId: null, label, apiKey: `k${id}`, type, config: {}, required: false, unique: false, description: null,
    defaultValue: null, position: id, deletedAt: null, resultType: null, visibleWhen: null, requiredWhen: null, ...extra
  }
}
const saved: FormDto = {
  id: 1, layout: null, appId: 1, label: '商机', apiKey: 'opportunity', description: null, titleFieldId: null, validations: [], position: 1, schemaVersion: 1,
  fields: [
    field(1, '客户名称', 'text'),
    field(2, '金额', 'text'),
    field(3, '备注', 'textarea'),
    field(5, '明细', 'subtable'),
    field(6, '数量', 'number', { parentFieldId: 5 })
  ]
}

describe('save plan', () => {
  it('an untouched draft needs nothing', () => {
    const plan = planSave(saved, fromForm(saved, LABELS))
    expect(plan).toEqual({ deletes: [], creates: [], updates: [], conditions: [] })
  })

  it('lists deletions, creations, metadata and type changes', () => {
    let draft = fromForm(saved, LABELS)
    const section = draft.tabs[0].sections[0].id
    draft = applyAction(draft, { type: 'removeField', key: 'f3' })
    draft = applyAction(draft, { type: 'removeField', key: 'f5' })
    const stage = { ...makeField('select', '销售阶段'), config: { options: [{ id: 'lost', label: '输单', color: 'red' }] } }
    const reason = makeField('textarea', '输单原因')
    draft = applyAction(draft, { type: 'addField', field: stage, sectionId: section, index: 9 })
    draft = applyAction(draft, { type: 'addField', field: reason, sectionId: section, index: 9 })
    draft = applyAction(draft, { type: 'updateField', key: reason.key, patch: { visibleWhen: { field: stage.key, op: 'eq', value: '输单' } } })
    draft = applyAction(draft, { type: 'changeType', key: 'f2', fieldType: 'amount' })
    draft = applyAction(draft, { type: 'updateField', key: 'f1', patch: { label: '客户', required: true } })
    const plan = planSave(saved, draft)
    // The sub-table's child goes with it: only the sub-table is deleted.
    expect(plan.deletes.map((d) => d.id).sort()).toEqual([3, 5])
    expect(plan.creates.map((f) => f.label)).toEqual(['销售阶段', '输单原因'])
    expect(plan.conditions).toEqual([reason.key])
    const typeChange = plan.updates.find((u) => u.id === 2)!
    expect(typeChange.typeChange).toEqual({ from: 'text', to: 'amount' })
    expect(typeChange.patch.type).toBe('amount')
    expect(typeChange.patch.config).toEqual({ precision: 2, currency: 'CNY' })
    expect(plan.updates.find((u) => u.id === 1)?.patch).toEqual({ label: '客户', required: true })
  })

  it('a field created by a half-finished save is matched by id, not deleted and re-created', () => {
    let draft = fromForm(saved, LABELS)
    const extra = makeField('text', '地址')
    draft = applyAction(draft, { type: 'addField', field: extra, sectionId: draft.tabs[0].sections[0].id, index: 0 })
    const after: FormDto = { ...saved, fields: [...saved.fields, field(9, '地址', 'text')] }
    draft = { ...draft, fields: { ...draft.fields, [extra.key]: { ...draft.fields[extra.key], id: 9 } } }
    const plan = planSave(after, draft)
    expect(plan.deletes).toEqual([])
    expect(plan.creates).toEqual([])
  })

  it('new sub-tables are created with their columns', () => {
    let draft = fromForm(saved, LABELS)
    const table = makeField('subtable', '回款计划')
    const child = makeField('amount', '计划金额', table.key)
    draft = applyAction(draft, { type: 'addField', field: table, sectionId: draft.tabs[0].sections[0].id, index: 0, children: [child] })
    const input = toFieldInput(draft.fields[table.key], draft)
    expect(input.children).toEqual([{ label: '计划金额', type: 'amount', config: { precision: 2, currency: 'CNY' }, required: false, unique: false }])
  })
})

describe('draft validation', () => {
  it('names the fields the server would refuse', () => {
    let draft = fromForm(saved, LABELS)
    const section = draft.tabs[0].sections[0].id
    const relation = makeField('relation', '客户')
    const formula = { ...makeField('formula', '合计'), config: { expression: '{金额}*' } }
    draft = applyAction(draft, { type: 'addField', field: relation, sectionId: section, index: 0 })
    draft = applyAction(draft, { type: 'addField', field: formula, sectionId: section, index: 0 })
    draft = applyAction(draft, { type: 'updateField', key: 'f3', patch: { label: '客户名称' } })
    draft = applyAction(draft, { type: 'updateField', key: 'f2', patch: { apiKey: '金额' } })
    const messages = validateDraft(draft).map((p) => [p.message, p.params?.field])
    expect(messages).toContainEqual(['designer.problem.relationTarget', '客户'])
    expect(messages).toContainEqual(['designer.problem.formulaSyntax', '合计'])
    expect(messages).toContainEqual(['designer.problem.duplicateLabel', '客户名称'])
    expect(messages).toContainEqual(['designer.problem.apiKey', '金额'])
  })

  it('a saved form as it is has no problems', () => {
    expect(validateDraft(fromForm(saved, LABELS))).toEqual([])
  })

  it('finds formula references to fields not saved yet', () => {
    let draft = fromForm(saved, LABELS)
    const price = makeField('amount', '单价')
    const total = { ...makeField('formula', '总价'), config: { expression: '{单价}*{金额}' } }
    draft = applyAction(draft, { type: 'addField', field: price, sectionId: draft.tabs[0].sections[0].id, index: 0 })
    draft = applyAction(draft, { type: 'addField', field: total, sectionId: draft.tabs[0].sections[0].id, index: 0 })
    expect(unsavedRefs('{单价}*{金额}', draft, draft.fields[total.key])).toEqual(['单价'])
  })
})

describe('derived API keys', () => {
  it('match the server rule for Chinese and English labels', async () => {
    const { pinyin } = await import('pinyin-pro')
    const { deriveKey } = await import('../../../src-renderer/src/components/designer/derived-key')
    const { deriveApiKey } = await import('../../../src-main/forms/api-key')
    for (const label of ['合同总金额', 'Deal Amount', '2026 目标', '客户名称（全称）']) expect(deriveKey(pinyin, label)).toBe(deriveApiKey(label))
  })
})
