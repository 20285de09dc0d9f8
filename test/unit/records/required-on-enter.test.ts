import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { caught, STAGES, testCore } from '../../support/core'
import { translate } from '../../../src-main/shared/locales'
import { ValidationError } from '../../../src-main/shared/errors'

// A field required when the record enters a condition (requiredOnEnter): moving an opportunity
// into 赢单 needs the signed contract scan, while deals already won — imported from last year's
// spreadsheet, won before the gate existed — stay editable and importable.

type T = Awaited<ReturnType<typeof testCore>>
let t: T
beforeEach(async () => {
  t = await testCore()
})
afterEach(() => t.close())

const WON = { field: 'stage', op: 'eq', value: '赢单' } as const

function opportunity() {
  return t.form('商机', [
    { label: '商机名称', apiKey: 'name', type: 'text', required: true },
    { label: '销售阶段', apiKey: 'stage', type: 'select', config: { options: STAGES } },
    { label: '备注', apiKey: 'note', type: 'textarea' },
    { label: '签约合同扫描件', apiKey: 'contractScan', type: 'attachment', requiredOnEnter: WON }
  ])
}

const scan = () => ({ hash: t.core.attachments.put('合同.pdf', 'application/pdf', Buffer.from('%PDF-1.4\n%%EOF\n').toString('base64'), t.actor.id).hash, name: '合同.pdf' })
const stored = (formId: number, id: number) => t.core.reads.get(t.actor, formId, id)
const count = (formId: number) => t.core.db.prepare(`SELECT COUNT(*) FROM f_${formId}`).pluck().get() as number
const logCount = () => t.core.db.prepare('SELECT COUNT(*) FROM change_log').pluck().get() as number

describe('requiredOnEnter (赢单 needs the signed contract scan)', () => {
  it('refuses an update into the stage without the field, naming it, and writes nothing', () => {
    const form = opportunity()
    const id = t.core.writes.create(t.actor, form.id, { name: '华东项目', stage: '谈判' })
    const before = stored(form.id, id)
    const logged = logCount()
    const e = caught(() => t.core.writes.update(t.actor, form.id, id, { stage: '赢单', note: '签了' }))
    expect(e).toBeInstanceOf(ValidationError)
    expect(e).toMatchObject({ messageKey: 'value.requiredOnEnter', field: 'contractScan', params: { field: '签约合同扫描件' } })
    expect(translate('zh-CN', 'value.requiredOnEnter', e.params as Record<string, string>)).toBe('进入此阶段前须填写“签约合同扫描件”')
    expect(translate('en', 'value.requiredOnEnter', e.params as Record<string, string>)).toContain('"签约合同扫描件"')
    const after = stored(form.id, id)
    expect(after.fields).toEqual(before.fields)
    expect(after.version).toBe(before.version)
    expect(logCount()).toBe(logged)
    // With the scan in the same write, the move goes through.
    t.core.writes.update(t.actor, form.id, id, { stage: '赢单', contractScan: [scan()] })
    expect(stored(form.id, id).fields.stage).toBe('赢单')
  })

  it('refuses a create at the stage without the field, and creates nothing', () => {
    const form = opportunity()
    expect(caught(() => t.core.writes.create(t.actor, form.id, { name: '直接赢单', stage: '赢单' }))).toMatchObject({ messageKey: 'value.requiredOnEnter', field: 'contractScan' })
    expect(count(form.id)).toBe(0)
    const id = t.core.writes.create(t.actor, form.id, { name: '直接赢单', stage: '赢单', contractScan: [scan()] })
    expect(stored(form.id, id).fields.stage).toBe('赢单')
  })

  it('lets a deal already won without the scan be edited, and does not ask at other stages', () => {
    const form = opportunity()
    // Last year's won deals, imported from Excel: history, no scan.
    const [old] = t.core.writes.bulkCreate(t.actor, form.id, [{ name: '去年的单', stage: '赢单' }])
    t.core.writes.update(t.actor, form.id, old!, { note: '补充说明', name: '去年的单（续）' })
    // Writing the stage it already has is not entering it.
    t.core.writes.update(t.actor, form.id, old!, { stage: '赢单', note: '再次确认' })
    expect(stored(form.id, old!).fields).toMatchObject({ name: '去年的单（续）', stage: '赢单', note: '再次确认' })
    const open = t.core.writes.create(t.actor, form.id, { name: '进行中', stage: '初步接洽' })
    t.core.writes.update(t.actor, form.id, open, { stage: '谈判' })
    expect(stored(form.id, open).fields.stage).toBe('谈判')
  })

  it('asks again when a deal leaves the stage and comes back', () => {
    const form = opportunity()
    const [old] = t.core.writes.bulkCreate(t.actor, form.id, [{ name: '反复', stage: '赢单' }])
    t.core.writes.update(t.actor, form.id, old!, { stage: '谈判' })
    expect(caught(() => t.core.writes.update(t.actor, form.id, old!, { stage: '赢单' }))).toMatchObject({ messageKey: 'value.requiredOnEnter' })
    expect(stored(form.id, old!).fields.stage).toBe('谈判')
  })

  it('exempts the import wizard (creates and updates) and an import undone, not a rule’s or a person’s bulk edit', () => {
    const form = opportunity()
    const id = t.core.writes.create(t.actor, form.id, { name: '导入更新', stage: '谈判' })
    const [imported] = t.core.writes.bulkWrite(t.actor, form.id, [{ id, values: { stage: '赢单' } }, { values: { name: '导入新建', stage: '赢单' } }], { action: 'import' })
    expect(imported).toMatchObject({ ok: true })
    expect(stored(form.id, id).fields.stage).toBe('赢单')
    // The preview of an import counts what its run writes.
    const preview = t.core.writes.tryBulkWrite(t.actor, form.id, [{ values: { name: '预览', stage: '赢单' } }], { action: 'import' })
    expect(preview[0]).toMatchObject({ ok: true })
    const other = t.core.writes.create(t.actor, form.id, { name: '规则', stage: '谈判' })
    const [edit] = t.core.writes.bulkWrite(t.actor, form.id, [{ id: other, values: { stage: '赢单' } }], { action: 'edit', skipBad: true })
    expect(edit).toMatchObject({ ok: false })
    expect(edit!.ok ? null : edit!.error).toMatchObject({ messageKey: 'value.requiredOnEnter', field: 'contractScan' })
    t.core.writes.asHistory(() => t.core.writes.update(t.actor, form.id, other, { stage: '赢单' }))
    expect(stored(form.id, other).fields.stage).toBe('赢单')
  })

  it('does not ask for a field hidden by its visibility condition', () => {
    const form = opportunity()
    const field = form.byKey.get('contractScan')!
    t.core.schema.updateField({ id: field.id, visibleWhen: { field: 'note', op: 'notEmpty' } })
    const id = t.core.writes.create(t.actor, form.id, { name: '隐藏', stage: '谈判' })
    t.core.writes.update(t.actor, form.id, id, { stage: '赢单' })
    expect(stored(form.id, id).fields.stage).toBe('赢单')
  })

  it('is kept in the schema: checked like other conditions, exposed, following renames and option ids, and refusing deletion of what it names', () => {
    const form = opportunity()
    const field = form.byKey.get('contractScan')!
    const stage = form.byKey.get('stage')!
    // Stored by option id, exposed to the designer and the client.
    expect(t.core.schema.fieldById(field.id).requiredOnEnter).toEqual({ field: 'stage', op: 'eq', value: 's4' })
    expect(t.core.schema.toDto(t.core.schema.form(form.id)).fields.find((f) => f.apiKey === 'contractScan')!.requiredOnEnter).toEqual({ field: 'stage', op: 'eq', value: 's4' })
    expect(t.core.schema.toDto(t.core.schema.form(form.id)).fields.find((f) => f.apiKey === 'note')!.requiredOnEnter).toBeNull()
    expect(caught(() => t.core.schema.updateField({ id: field.id, requiredOnEnter: { field: 'nope', op: 'eq', value: 1 } }))).toMatchObject({ messageKey: 'schema.conditionUnknownField', field: 'requiredOnEnter' })
    expect(caught(() => t.core.schema.updateField({ id: field.id, requiredOnEnter: { field: 'contractScan', op: 'notEmpty' } })).messageKey).toBe('schema.conditionSelf')
    expect(t.core.schema.fieldById(field.id).requiredOnEnter).toEqual({ field: 'stage', op: 'eq', value: 's4' })
    t.core.schema.updateField({ id: stage.id, apiKey: 'salesStage' })
    expect(t.core.schema.fieldById(field.id).requiredOnEnter).toEqual({ field: 'salesStage', op: 'eq', value: 's4' })
    expect(caught(() => t.core.schema.updateField({ id: stage.id, type: 'text' }))).toMatchObject({ messageKey: 'schema.fieldInCondition' })
    t.core.schema.updateField({ id: field.id, requiredOnEnter: null })
    expect(t.core.schema.fieldById(field.id).requiredOnEnter).toBeNull()
    const id = t.core.writes.create(t.actor, form.id, { name: '无门槛', salesStage: '赢单' })
    expect(stored(form.id, id).fields.salesStage).toBe('赢单')
  })
})
