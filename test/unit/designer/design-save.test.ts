import { afterEach, describe, expect, it } from 'vitest'
import type { FormDto } from '@shared/api/contracts'
import { formDesign } from '@shared/api/core'
import { applyAction, fromForm, makeField } from '../../../src-renderer/src/components/designer/draft'
import { planIsEmpty, planSave, toDesign } from '../../../src-renderer/src/components/designer/save'
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
