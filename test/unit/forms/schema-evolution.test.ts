import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { caught, STAGES, testCore } from '../../support/core'

// Schema changes keep data: delete is recoverable, a type change converts in batches and reports
// every value that does not convert before anything is switched over.

type T = Awaited<ReturnType<typeof testCore>>
let t: T
beforeEach(async () => {
  t = await testCore()
})
afterEach(() => t.close())

describe('schema evolution', () => {
  it('derives ASCII API keys from Chinese labels and keeps them on rename', () => {
    const form = t.form('商机', [{ label: '合同总金额', type: 'amount' }, { label: '合同总金额', type: 'amount' }, { label: 'Deal Name', type: 'text' }])
    expect(form.apiKey).toBe('shangJi')
    expect(form.fields.map((f) => f.apiKey)).toEqual(['heTongZongJinE', 'heTongZongJinE2', 'dealName'])
    const id = t.core.writes.create(t.actor, form.id, { heTongZongJinE: 5 })
    t.core.schema.updateField({ id: form.fields[0]!.id, label: '总金额' })
    const rec = t.core.reads.get(t.actor, form.id, id)
    expect(rec.fields.heTongZongJinE).toBe(5)
    expect(t.core.schema.form(form.id).fields[0]!.label).toBe('总金额')
    expect(caught(() => t.core.schema.updateField({ id: form.fields[2]!.id, apiKey: 'heTongZongJinE' })).messageKey).toBe('schema.apiKeyTaken')
  })

  it('adds a field to a form with records; new formula fields are computed for existing records', () => {
    const form = t.form('商机', [{ label: '金额', type: 'amount' }])
    const id = t.core.writes.create(t.actor, form.id, { 金额: 100 })
    t.core.schema.addField(form.id, { label: '税额', type: 'formula', config: { expression: '{金额} * 0.13' } })
    t.core.schema.addField(form.id, { label: '备注', type: 'textarea' })
    expect(t.core.reads.get(t.actor, form.id, id).fields).toEqual({ jinE: 100, shuiE: 13, beiZhu: null })
  })

  it('deleting a field hides it but keeps its data until purge; restore brings it back', () => {
    const form = t.form('客户', [{ label: '名称', type: 'text' }, { label: '电话', type: 'phone' }])
    const phone = form.fields[1]!
    const id = t.core.writes.create(t.actor, form.id, { 名称: '甲', 电话: '13812345678' })
    t.core.schema.deleteField(phone.id)
    expect(t.core.reads.get(t.actor, form.id, id).fields).toEqual({ mingCheng: '甲' })
    expect(caught(() => t.core.writes.create(t.actor, form.id, { 电话: '13900000000' })).messageKey).toBe('value.unknownField')
    t.core.schema.restoreField(phone.id)
    expect(t.core.reads.get(t.actor, form.id, id).fields.dianHua).toBe('13812345678')
    t.core.schema.deleteField(phone.id)
    t.core.schema.purgeField(phone.id)
    const cols = t.core.db.prepare(`SELECT name FROM pragma_table_info(?)`).pluck().all(form.table)
    expect(cols).not.toContain(phone.column)
  })

  it('refuses to delete a field a formula uses', () => {
    const form = t.form('合同', [{ label: '金额', type: 'amount' }, { label: '税', type: 'formula', config: { expression: '{金额} * 0.1' } }])
    expect(caught(() => t.core.schema.deleteField(form.fields[0]!.id)).messageKey).toBe('schema.fieldInUse')
  })

  it('type change reports unconvertible values, changes nothing unless accepted, and never drops the old column', () => {
    const form = t.form('商机', [{ label: '预算', type: 'text' }])
    const field = form.fields[0]!
    const ids = ['1,200', '¥3.5万', '待定', '15%', ''].map((v) => t.core.writes.create(t.actor, form.id, { 预算: v }))
    const dry = t.core.schema.updateField({ id: field.id, type: 'amount', dryRun: true })
    expect(dry.applied).toBe(false)
    expect(dry.converted).toBe(3)
    expect(dry.failures).toEqual([{ recordId: ids[2], value: '待定', message: 'value.notANumber' }])
    expect(t.core.schema.form(form.id).fields[0]!.type).toBe('text')

    const refused = t.core.schema.updateField({ id: field.id, type: 'amount' })
    expect(refused.applied).toBe(false)
    expect(t.core.reads.get(t.actor, form.id, ids[0]!).fields.yuSuan).toBe('1,200')

    const done = t.core.schema.updateField({ id: field.id, type: 'amount', acceptLoss: true })
    expect(done.applied).toBe(true)
    const values = ids.map((id) => t.core.reads.get(t.actor, form.id, id).fields.yuSuan)
    expect(values).toEqual([1200, 35000, null, 0.15, null])
    // The text is still in the retired column, recoverable.
    const oldCol = t.core.db.prepare(`SELECT "${field.column}" FROM "${form.table}" WHERE id = ?`).pluck().get(ids[2])
    expect(oldCol).toBe('待定')
  })

  it('converts select to text and text to select by label', () => {
    const form = t.form('商机', [{ label: '阶段', type: 'select', config: { options: STAGES } }])
    const id = t.core.writes.create(t.actor, form.id, { 阶段: '谈判' })
    t.core.schema.updateField({ id: form.fields[0]!.id, type: 'text' })
    expect(t.core.reads.get(t.actor, form.id, id).fields.jieDuan).toBe('谈判')
    const r = t.core.schema.updateField({ id: form.fields[0]!.id, type: 'select', config: { options: STAGES } })
    expect(r.applied).toBe(true)
    expect(t.core.reads.get(t.actor, form.id, id).fields.jieDuan).toBe('谈判')
  })

  it('renaming an option keeps records pointing at it', () => {
    const form = t.form('商机', [{ label: '阶段', type: 'select', config: { options: STAGES } }])
    const id = t.core.writes.create(t.actor, form.id, { 阶段: '谈判' })
    t.core.schema.updateField({ id: form.fields[0]!.id, config: { options: STAGES.map((o) => (o.id === 's3' ? { ...o, label: '商务谈判' } : o)) } })
    expect(t.core.reads.get(t.actor, form.id, id).fields.jieDuan).toBe('商务谈判')
  })

  it('making a field unique refuses while duplicates exist', () => {
    const form = t.form('客户', [{ label: '名称', type: 'text' }])
    t.core.writes.create(t.actor, form.id, { 名称: '甲' })
    t.core.writes.create(t.actor, form.id, { 名称: '甲' })
    expect(caught(() => t.core.schema.updateField({ id: form.fields[0]!.id, unique: true })).messageKey).toBe('schema.uniqueViolation')
    expect(t.core.schema.form(form.id).fields[0]!.unique).toBe(false)
  })

  it('rejects bad field configuration by name', () => {
    const e = caught(() => t.core.schema.createForm({ appId: t.app.id, label: '坏', fields: [{ label: '关联', type: 'relation', config: {} }] }))
    expect(e.messageKey).toBe('schema.badConfig')
    expect(t.core.schema.formIds()).toHaveLength(0)
  })
})
