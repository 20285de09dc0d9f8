import { afterEach, describe, expect, it } from 'vitest'
import fc from 'fast-check'
import type { FormDto } from '@shared/api/contracts'
import { formDesign } from '@shared/api/core'
import { applyAction, fromForm, makeField } from '../../../src-renderer/src/components/designer/draft'
import { planIsEmpty, planSave, toDesign, validateDraft } from '../../../src-renderer/src/components/designer/save'
import { caught, testCore } from '../../support/core'
import { bundledApp } from '../../../src-main/apps/bundled'
import { installApp } from '../../../src-main/apps/installer'

// The form designer's save is one forms.design call applied in one transaction: all of it, or
// nothing. Opening a form and saving it without a change leaves it identical.

const LABELS = { tab: '基本信息', section: null }
const json = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T

describe('the form designer’s save', () => {
  let env: Awaited<ReturnType<typeof testCore>> | null = null
  afterEach(() => env?.close())

  const setup = async () => {
    env = await testCore()
    const created = env.form('商机', [
      { label: '商机名称', apiKey: 'name', type: 'text' },
      { label: '金额', apiKey: 'amount', type: 'amount' }
    ])
    const dto = (): FormDto => json(env!.core.schema.toDto(env!.core.schema.form(created.id)))
    return { formId: created.id, dto }
  }

  it('creates fields with their conditions, a sub-table with its columns, the title and the layout in one call', async () => {
    const { dto } = await setup()
    const form = dto()
    let draft = fromForm(form, LABELS)
    const section = draft.tabs[0]!.sections[0]!.id
    const stage = { ...makeField('select', '销售阶段'), config: { options: [{ id: 'lost', label: '输单', color: 'red' }, { id: 'won', label: '赢单', color: 'green' }] } }
    const reason = makeField('textarea', '输单原因')
    const plan = makeField('subtable', '回款计划')
    draft = applyAction(draft, { type: 'addField', field: stage, sectionId: section, index: 9 })
    draft = applyAction(draft, { type: 'addField', field: reason, sectionId: section, index: 9 })
    draft = applyAction(draft, { type: 'updateField', key: reason.key, patch: { visibleWhen: { and: [{ field: stage.key, op: 'eq', value: 'lost' }, { field: 'owner', op: 'notEmpty' }] } } })
    draft = applyAction(draft, { type: 'addField', field: plan, sectionId: section, index: 9 })
    const due = makeField('date', '应回款日期', plan.key)
    draft = applyAction(draft, { type: 'addChild', field: due, parentKey: plan.key, index: 0 })
    const saved = env!.core.schema.applyDesign(form.id, formDesign.parse(toDesign(form, draft, planSave(form, draft), true)))
    const after = dto()
    const byLabel = (label: string) => after.fields.find((f) => f.label === label)!
    expect(saved.created[reason.key]).toBe(byLabel('输单原因').id)
    expect(saved.created[due.key]).toBe(byLabel('应回款日期').id)
    expect(byLabel('应回款日期').parentFieldId).toBe(byLabel('回款计划').id)
    const stageKey = byLabel('销售阶段').apiKey
    expect(byLabel('输单原因').visibleWhen).toEqual({ and: [{ field: stageKey, op: 'eq', value: 'lost' }, { field: 'owner', op: 'notEmpty' }] })
    expect(after.layout!.tabs[0]!.sections[0]!.fieldIds).toEqual([byLabel('商机名称').id, byLabel('金额').id, byLabel('销售阶段').id, byLabel('输单原因').id, byLabel('回款计划').id])
    // Reopened, the saved form needs nothing: the draft represents all of it.
    expect(planIsEmpty(planSave(after, fromForm(after, LABELS)))).toBe(true)
  })

  it('saves a field required on entering a stage, and the reopened form needs nothing', async () => {
    const { dto } = await setup()
    const form = dto()
    let draft = fromForm(form, LABELS)
    const section = draft.tabs[0]!.sections[0]!.id
    const stage = { ...makeField('select', '销售阶段'), config: { options: [{ id: 'lost', label: '输单', color: 'red' }, { id: 'won', label: '赢单', color: 'green' }] } }
    const scan = makeField('attachment', '签约合同扫描件')
    draft = applyAction(draft, { type: 'addField', field: stage, sectionId: section, index: 9 })
    draft = applyAction(draft, { type: 'addField', field: scan, sectionId: section, index: 9 })
    draft = applyAction(draft, { type: 'updateField', key: scan.key, patch: { requiredOnEnter: { field: stage.key, op: 'eq', value: 'won' } } })
    env!.core.schema.applyDesign(form.id, formDesign.parse(toDesign(form, draft, planSave(form, draft), true)))
    const after = dto()
    const stageKey = after.fields.find((f) => f.label === '销售阶段')!.apiKey
    const saved = after.fields.find((f) => f.label === '签约合同扫描件')!
    expect(saved.requiredOnEnter).toEqual({ field: stageKey, op: 'eq', value: 'won' })
    expect(saved.requiredWhen).toBeNull()
    expect(planIsEmpty(planSave(after, fromForm(after, LABELS)))).toBe(true)
    // Cleared in the designer, it is gone after the save.
    let again = fromForm(after, LABELS)
    again = applyAction(again, { type: 'updateField', key: `f${saved.id}`, patch: { requiredOnEnter: null } })
    env!.core.schema.applyDesign(form.id, formDesign.parse(toDesign(after, again, planSave(after, again), true)))
    expect(dto().fields.find((f) => f.id === saved.id)!.requiredOnEnter).toBeNull()
  })

  it('is all or nothing: a refused condition leaves the form as it was, and the error names the field whose condition it is', async () => {
    const { dto } = await setup()
    const form = dto()
    let draft = fromForm(form, LABELS)
    const section = draft.tabs[0]!.sections[0]!.id
    const stage = { ...makeField('select', '销售阶段'), config: { options: [{ id: 'lost', label: '输单', color: 'red' }] } }
    const reason = makeField('textarea', '输单原因')
    draft = applyAction(draft, { type: 'addField', field: stage, sectionId: section, index: 9 })
    draft = applyAction(draft, { type: 'addField', field: reason, sectionId: section, index: 9 })
    draft = applyAction(draft, { type: 'updateField', key: reason.key, patch: { requiredWhen: { field: stage.key, op: 'eq', value: '' } } })
    draft = applyAction(draft, { type: 'updateField', key: 'f1', patch: { label: '商机标题' } })
    const error = caught(() => env!.core.schema.applyDesign(form.id, formDesign.parse(toDesign(form, draft, planSave(form, draft), true))))
    expect(error).toMatchObject({ messageKey: 'schema.conditionValue', params: { field: '输单原因', ref: '销售阶段' }, field: 'requiredWhen' })
    const after = dto()
    expect({ ...after, schemaVersion: 0 }).toEqual({ ...form, schemaVersion: 0 })
  })

  it('every shipped form, opened and saved without a change, stays identical', async () => {
    env = await testCore()
    installApp(env.core, env.actor, bundledApp('crm').pkg, { locale: 'zh-CN' })
    const forms = json(env.core.schema.formIds().map((id) => env!.core.schema.toDto(env!.core.schema.form(id))))
    expect(forms.length).toBeGreaterThan(3)
    for (const form of forms) {
      const draft = fromForm(form, LABELS)
      const plan = planSave(form, draft)
      expect(planIsEmpty(plan), form.label).toBe(true)
      env.core.schema.applyDesign(form.id, formDesign.parse(toDesign(form, draft, plan, true)))
      const after = json(env.core.schema.toDto(env.core.schema.form(form.id)))
      expect({ ...after, schemaVersion: 0 }, form.label).toStrictEqual({ ...form, schemaVersion: 0 })
    }
  })
})

describe('the form designer’s save, before anything is sent', () => {
  it('an empty condition value is named by the field whose condition it is, and the field it tests', () => {
    const form: FormDto = {
      id: 1, appId: 1, label: '商机', apiKey: 'opportunity', description: null, titleFieldId: null, validations: [], position: 1, layout: null, schemaVersion: 1,
      fields: []
    }
    let draft = fromForm(form, LABELS)
    const section = draft.tabs[0]!.sections[0]!.id
    const stage = { ...makeField('select', '销售阶段'), config: { options: [{ id: 'lost', label: '输单', color: 'red' }] } }
    const reason = makeField('textarea', '输单原因')
    draft = applyAction(draft, { type: 'addField', field: stage, sectionId: section, index: 0 })
    draft = applyAction(draft, { type: 'addField', field: reason, sectionId: section, index: 1 })
    draft = applyAction(draft, { type: 'updateField', key: reason.key, patch: { visibleWhen: { and: [{ field: 'owner', op: 'notEmpty' }, { field: stage.key, op: 'eq', value: '' }] } } })
    expect(validateDraft(draft)).toEqual([{ key: reason.key, message: 'designer.problem.conditionValue', params: { field: '输单原因', ref: '销售阶段' } }])
  })
})

// Generated forms: whatever fields, conditions and arrangement a form holds, opening it in the
// designer and saving without a change sends nothing that would change it.
const fieldType = fc.constantFrom('text' as const, 'textarea' as const, 'number' as const, 'select' as const, 'checkbox' as const, 'date' as const, 'member' as const)
const generatedForm: fc.Arbitrary<FormDto> = fc
  .record({
    fields: fc.uniqueArray(fc.record({ label: fc.constantFrom('名称', '金额', '阶段', '备注', '日期', '负责销售', '重要', '城市'), type: fieldType, required: fc.boolean(), unique: fc.boolean(), description: fc.option(fc.constantFrom('说明', ''), { nil: null }) }), { minLength: 1, maxLength: 6, selector: (f) => f.label }),
    conditioned: fc.array(fc.record({ on: fc.nat(), ref: fc.oneof(fc.nat(), fc.constantFrom('owner', 'createdAt')), nested: fc.boolean(), kind: fc.constantFrom('visibleWhen' as const, 'requiredWhen' as const, 'requiredOnEnter' as const) }), { maxLength: 4 }),
    arranged: fc.boolean(),
    split: fc.nat()
  })
  .map(({ fields, conditioned, arranged, split }) => {
    const dtos = fields.map((f, i) => ({
      id: i + 1, formId: 1, parentFieldId: null, label: f.label, apiKey: `k${i + 1}`, type: f.type,
      config: f.type === 'select' ? { options: [{ id: 'a', label: '甲', color: 'blue' }] } : {},
      required: f.required, unique: f.unique, description: f.description || null, defaultValue: null, position: i + 1, deletedAt: null, resultType: null,
      visibleWhen: null as FormDto['fields'][number]['visibleWhen'], requiredWhen: null as FormDto['fields'][number]['requiredWhen'],
      requiredOnEnter: null as FormDto['fields'][number]['requiredOnEnter']
    }))
    for (const c of conditioned) {
      const target = dtos[c.on % dtos.length]!
      const ref = typeof c.ref === 'number' ? dtos[c.ref % dtos.length]!.apiKey : c.ref
      const leaf = { field: ref, op: 'notEmpty' as const }
      target[c.kind] = c.nested ? { or: [leaf, { and: [leaf, { field: 'owner', op: 'empty' as const }] }] } : leaf
    }
    const ids = dtos.map((d) => d.id).reverse()
    const cut = split % (ids.length + 1)
    const layout = arranged ? { tabs: [{ id: 't1', label: '基本信息', sections: [{ id: 's1', label: null, columns: 2, fieldIds: ids.slice(0, cut) }, { id: 's2', label: '更多', columns: 1, fieldIds: ids.slice(cut) }] }] } : null
    return json({ id: 1, appId: 1, label: '商机', apiKey: 'opportunity', description: null, titleFieldId: dtos[0]!.id, validations: [], position: 1, layout, schemaVersion: 1, fields: dtos }) as FormDto
  })

describe('the form designer round trip: generated forms', () => {
  it('opened and saved without a change, nothing is sent that would change the form', () => {
    fc.assert(
      fc.property(generatedForm, (form) => {
        const draft = fromForm(form, LABELS)
        const plan = planSave(form, draft)
        expect(plan).toEqual({ deletes: [], creates: [], updates: [], conditions: [] })
        const design = toDesign(form, draft, plan, true)
        expect(design).toMatchObject({ deletes: [], creates: [], updates: [], conditions: [], positions: [], titleField: `f${form.titleFieldId}` })
        expect('layout' in design).toBe(false)
        // Every condition is in the draft as stored (fields by draft key, system fields by name).
        for (const f of form.fields) {
          for (const kind of ['visibleWhen', 'requiredWhen', 'requiredOnEnter'] as const) {
            const back = JSON.stringify(draft.fields[`f${f.id}`]![kind]).replace(/"f(\d+)"/g, (_, id: string) => JSON.stringify(form.fields.find((x) => x.id === Number(id))!.apiKey))
            expect(JSON.parse(back)).toEqual(f[kind])
          }
        }
      }),
      { numRuns: 300 }
    )
  })
})

describe('the form designer’s save, one transaction', () => {
  it('deletes a field and the condition that named it in the same save', async () => {
    const env = await testCore()
    try {
      const created = env.form('商机', [
        { label: '销售阶段', apiKey: 'stage', type: 'select', config: { options: [{ id: 'lost', label: '输单', color: 'red' }] } },
        { label: '输单原因', apiKey: 'reason', type: 'textarea' }
      ])
      const reasonId = env.core.schema.form(created.id).byKey.get('reason')!.id
      env.core.schema.updateField({ id: reasonId, visibleWhen: { field: 'stage', op: 'eq', value: 'lost' } })
      const form = json(env.core.schema.toDto(env.core.schema.form(created.id)))
      let draft = fromForm(form, LABELS)
      const stageKey = `f${form.fields.find((f) => f.apiKey === 'stage')!.id}`
      draft = applyAction(draft, { type: 'updateField', key: `f${reasonId}`, patch: { visibleWhen: null } })
      draft = applyAction(draft, { type: 'removeField', key: stageKey })
      env.core.schema.applyDesign(form.id, formDesign.parse(toDesign(form, draft, planSave(form, draft), true)))
      const after = env.core.schema.form(created.id)
      expect(after.byKey.has('stage')).toBe(false)
      expect(after.byKey.get('reason')!.visibleWhen).toBeNull()
    } finally {
      env.close()
    }
  })
})
