import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { caught, STAGES, testCore } from '../../support/core'
import { applyMigrations, schemaVersion } from '../../../src-main/db/migrate'
import { latestVersion, MIGRATIONS } from '../../../src-main/db/migrations'
import { openSqlite } from '../../../src-main/db/connection'
import { translate } from '../../../src-main/shared/locales'

// The designer's schema features: form layout, conditional visibility and required, API key
// renames followed by conditions and saved views, and merging select options.

type T = Awaited<ReturnType<typeof testCore>>
let t: T
beforeEach(async () => {
  t = await testCore()
})
afterEach(() => t.close())

function opportunity() {
  return t.form('商机', [
    { label: '商机名称', apiKey: 'name', type: 'text', required: true },
    { label: '销售阶段', apiKey: 'stage', type: 'select', config: { options: STAGES } },
    { label: '输单原因', apiKey: 'lossReason', type: 'textarea', required: true, visibleWhen: { field: 'stage', op: 'eq', value: '输单' } },
    { label: '预计金额', apiKey: 'amount', type: 'amount', requiredWhen: { field: '销售阶段', op: 'in', value: ['谈判', '赢单'] } },
    { label: '标签', apiKey: 'tags', type: 'multiselect', config: { options: [{ id: 'a', label: '重点' }, { id: 'b', label: '老客户' }, { id: 'c', label: 'VIP' }] } }
  ])
}

describe('migration 3', () => {
  it('adds layout, conditions and the views table to a version 2 database, keeping its data', () => {
    const db = openSqlite(':memory:')
    for (const m of MIGRATIONS.filter((x) => x.version <= 2)) db.exec(m.sql)
    db.pragma('user_version = 2')
    db.prepare("INSERT INTO apps (label, api_key, created_at) VALUES ('销售', 'sales', 1)").run()
    db.prepare("INSERT INTO forms (app_id, label, api_key, created_at) VALUES (1, '客户', 'customer', 1)").run()
    db.prepare("INSERT INTO fields (form_id, label, api_key, type, created_at) VALUES (1, '名称', 'name', 'text', 1)").run()
    // Migration 3 first, then the later ones (the engines' tables).
    expect(applyMigrations(db)).toEqual(MIGRATIONS.filter((m) => m.version >= 3).map((m) => m.version))
    expect(schemaVersion(db)).toBe(latestVersion())
    expect(db.prepare('SELECT label, layout FROM forms').get()).toEqual({ label: '客户', layout: null })
    expect(db.prepare('SELECT label, visible_when, required_when FROM fields').get()).toEqual({ label: '名称', visible_when: null, required_when: null })
    expect(db.prepare('SELECT COUNT(*) FROM views').pluck().get()).toBe(0)
    db.close()
  })
})

describe('form layout', () => {
  it('saves tabs, sections and columns and returns them in the form', () => {
    const form = opportunity()
    const [name, stage, reason] = form.fields
    const layout = { tabs: [{ id: 't1', label: '基本信息', sections: [{ id: 's1', label: null, columns: 2, fieldIds: [name!.id, stage!.id] }, { id: 's2', label: '输单', columns: 1, fieldIds: [reason!.id] }] }] }
    t.core.schema.updateForm({ form: form.id, layout })
    expect(t.core.schema.toDto(t.core.schema.form(form.id)).layout).toEqual(layout)
    // Other changes to the form keep the layout; null resets it.
    t.core.schema.updateForm({ form: form.id, label: '销售机会' })
    expect(t.core.schema.toDto(t.core.schema.form(form.id)).layout).toEqual(layout)
    t.core.schema.updateForm({ form: form.id, layout: null })
    expect(t.core.schema.toDto(t.core.schema.form(form.id)).layout).toBeNull()
  })

  it('refuses a field of another form, naming it, and changes nothing', () => {
    const form = opportunity()
    const other = t.form('客户', [{ label: '客户名称', type: 'text' }])
    const bad = { tabs: [{ id: 't1', label: '', sections: [{ id: 's1', label: null, columns: 2, fieldIds: [form.fields[0]!.id, other.fields[0]!.id] }] }] }
    const e = caught(() => t.core.schema.updateForm({ form: form.id, layout: bad, label: '改名' }))
    expect(e.messageKey).toBe('schema.layoutUnknownField')
    expect(translate('zh-CN', e.messageKey as string, e.params as Record<string, string>)).toContain('客户名称')
    expect(t.core.schema.form(form.id).label).toBe('商机')
    expect(t.core.schema.form(form.id).layout).toBeNull()
    const twice = { tabs: [{ id: 't1', label: '', sections: [{ id: 's1', label: null, columns: 2, fieldIds: [form.fields[0]!.id, form.fields[0]!.id] }] }] }
    expect(caught(() => t.core.schema.updateForm({ form: form.id, layout: twice })).messageKey).toBe('schema.layoutDuplicateField')
  })
})

describe('field conditions', () => {
  it('stores conditions by API key and option id (labels given are resolved) and returns them on the field', () => {
    const form = opportunity()
    const dto = t.core.schema.toDto(t.core.schema.form(form.id))
    expect(dto.fields.find((f) => f.apiKey === 'lossReason')!.visibleWhen).toEqual({ field: 'stage', op: 'eq', value: 's5' })
    expect(dto.fields.find((f) => f.apiKey === 'amount')!.requiredWhen).toEqual({ field: 'stage', op: 'in', value: ['s3', 's4'] })
    expect(dto.fields.find((f) => f.apiKey === 'name')!.visibleWhen).toBeNull()
  })

  it('keeps conditions working when an option is renamed, and follows options merged away', () => {
    const form = opportunity()
    const stage = form.byKey.get('stage')!
    t.core.schema.updateField({ id: stage.id, config: { options: STAGES.map((o) => (o.id === 's5' ? { ...o, label: '丢单' } : o)) } })
    const id = t.core.writes.create(t.actor, form.id, { name: 'A', stage: '初步接洽' })
    expect(caught(() => t.core.writes.update(t.actor, form.id, id, { stage: '丢单' })).params).toMatchObject({ field: '输单原因' })
    // 谈判 merged into 需求确认: 预计金额 is now required at 需求确认 (it was required at 谈判).
    t.core.writes.mergeOptions(t.actor, stage.id, ['谈判'], '需求确认')
    expect(t.core.schema.form(form.id).byKey.get('amount')!.requiredWhen).toEqual({ field: 'stage', op: 'in', value: ['s2', 's4'] })
    expect(caught(() => t.core.writes.update(t.actor, form.id, id, { stage: '需求确认' })).params).toMatchObject({ field: '预计金额' })
  })

  it('refuses unknown fields, operators the type lacks, bad values and self-reference', () => {
    const form = opportunity()
    const reason = form.byKey.get('lossReason')!
    const unknown = caught(() => t.core.schema.updateField({ id: reason.id, visibleWhen: { field: 'nope', op: 'eq', value: 1 } }))
    expect(unknown.messageKey).toBe('schema.conditionUnknownField')
    expect(unknown.params).toMatchObject({ field: '输单原因', ref: 'nope' })
    expect(caught(() => t.core.schema.updateField({ id: reason.id, visibleWhen: { field: 'stage', op: 'gt', value: 1 } })).messageKey).toBe('query.badOperator')
    // A bad or empty value is refused naming the field whose condition it is (输单原因), and the field it tests.
    const badValue = caught(() => t.core.schema.updateField({ id: reason.id, visibleWhen: { field: 'stage', op: 'eq', value: '不存在的阶段' } }))
    expect(badValue).toMatchObject({ messageKey: 'schema.conditionValue', params: { field: '输单原因' }, field: 'visibleWhen' })
    expect(caught(() => t.core.schema.updateField({ id: reason.id, visibleWhen: { field: 'stage', op: 'eq', value: '' } }))).toMatchObject({ messageKey: 'schema.conditionValue', params: { field: '输单原因' } })
    expect(caught(() => t.core.schema.updateField({ id: reason.id, requiredWhen: { field: 'lossReason', op: 'notEmpty' } })).messageKey).toBe('schema.conditionSelf')
    // Nothing was changed by the refused updates.
    expect(t.core.schema.fieldById(reason.id).visibleWhen).toEqual({ field: 'stage', op: 'eq', value: 's5' })
    t.core.schema.updateField({ id: reason.id, visibleWhen: null })
    expect(t.core.schema.fieldById(reason.id).visibleWhen).toBeNull()
  })

  it('follows an API key rename into other fields\' conditions and saved views', () => {
    const form = opportunity()
    const stage = form.byKey.get('stage')!
    const view = t.core.views.create(t.actor, {
      form: form.id, name: '看板', type: 'kanban', shared: true,
      config: { filter: { and: [{ field: 'stage', op: 'neq', value: '输单' }, { field: 'name', op: 'notEmpty' }] }, sort: [{ field: 'stage', dir: 'asc' }], columns: [{ field: 'stage', width: 120 }, { field: 'name' }], frozen: 1, groupBy: 'stage', rowHeight: 'short', kanbanField: 'stage', cardFields: ['name', 'stage'], sumField: 'amount', calendarField: null, calendarMode: 'month' }
    })
    t.core.schema.updateField({ id: stage.id, apiKey: 'salesStage' })
    const fields = t.core.schema.form(form.id).byKey
    expect(fields.get('lossReason')!.visibleWhen).toEqual({ field: 'salesStage', op: 'eq', value: 's5' })
    expect(fields.get('amount')!.requiredWhen).toEqual({ field: 'salesStage', op: 'in', value: ['s3', 's4'] })
    const [saved] = t.core.views.list(t.actor, form.id)
    expect(saved!.id).toBe(view.id)
    expect(saved!.config).toMatchObject({
      filter: { and: [{ field: 'salesStage', op: 'neq', value: 's5' }, { field: 'name', op: 'notEmpty' }] },
      sort: [{ field: 'salesStage', dir: 'asc' }], columns: [{ field: 'salesStage', width: 120 }, { field: 'name' }],
      groupBy: 'salesStage', kanbanField: 'salesStage', cardFields: ['name', 'salesStage'], sumField: 'amount'
    })
    // The saved view still works as a query.
    expect(() => t.core.reads.list(t.actor, { form: form.id, filter: saved!.config.filter!, sort: saved!.config.sort, limit: 10 })).not.toThrow()
  })
})

describe('deleting fields used by the designer', () => {
  it('refuses to delete a field other fields\' conditions use, naming them', () => {
    const form = opportunity()
    const e = caught(() => t.core.schema.deleteField(form.byKey.get('stage')!.id))
    expect(e.messageKey).toBe('schema.fieldInCondition')
    expect(e.params).toMatchObject({ field: '销售阶段', users: '输单原因、预计金额' })
    expect(t.core.schema.form(form.id).byKey.has('stage')).toBe(true)
    // Changing its type would break them the same way.
    expect(caught(() => t.core.schema.updateField({ id: form.byKey.get('stage')!.id, type: 'text' })).messageKey).toBe('schema.fieldInCondition')
    expect(t.core.schema.form(form.id).byKey.get('stage')!.type).toBe('select')
  })

  it('takes a purged field out of the layout, so the layout can be saved back', () => {
    const form = opportunity()
    const tags = form.byKey.get('tags')!
    const name = form.byKey.get('name')!
    t.core.schema.updateForm({ form: form.id, layout: { tabs: [{ id: 't', label: '', sections: [{ id: 's', label: null, columns: 2, fieldIds: [name.id, tags.id] }] }] } })
    t.core.schema.deleteField(tags.id)
    // A deleted field keeps its place (it may be recovered).
    expect(t.core.schema.form(form.id).layout!.tabs[0]!.sections[0]!.fieldIds).toEqual([name.id, tags.id])
    t.core.schema.purgeField(tags.id)
    const layout = t.core.schema.form(form.id).layout!
    expect(layout.tabs[0]!.sections[0]!.fieldIds).toEqual([name.id])
    expect(() => t.core.schema.updateForm({ form: form.id, layout })).not.toThrow()
  })
})

describe('conditional required in the write pipeline', () => {
  it('does not require a field hidden by its condition; requires it once shown', () => {
    const form = opportunity()
    // 输单原因 is required but shown only when lost: an open opportunity saves without it.
    const id = t.core.writes.create(t.actor, form.id, { name: '华东项目', stage: '初步接洽' })
    const e = caught(() => t.core.writes.update(t.actor, form.id, id, { stage: '输单' }))
    expect(e.messageKey).toBe('value.required')
    expect(e.params).toMatchObject({ field: '输单原因' })
    expect(e.field).toBe('lossReason')
    t.core.writes.update(t.actor, form.id, id, { stage: '输单', lossReason: '价格太高' })
    // Moving back keeps the now hidden value: nothing the user typed is erased.
    t.core.writes.update(t.actor, form.id, id, { stage: '谈判', amount: 1000 })
    expect(t.core.reads.get(t.actor, form.id, id).fields.lossReason).toBe('价格太高')
  })

  it('requires a field when the record matches requiredWhen, with the plain required message', () => {
    const form = opportunity()
    const id = t.core.writes.create(t.actor, form.id, { name: 'A', stage: '需求确认' })
    const e = caught(() => t.core.writes.update(t.actor, form.id, id, { stage: '谈判' }))
    expect(e.messageKey).toBe('value.required')
    expect(e.params).toMatchObject({ field: '预计金额' })
    expect(caught(() => t.core.writes.create(t.actor, form.id, { name: 'B', stage: '赢单' })).messageKey).toBe('value.required')
    expect(t.core.reads.get(t.actor, form.id, id).fields.stage).toBe('需求确认')
    t.core.writes.update(t.actor, form.id, id, { stage: '谈判', amount: 5000 })
  })
})

describe('merging select options', () => {
  it('changes every record holding a merged option through the pipeline, logs it, then removes the options', () => {
    const form = opportunity()
    const stage = form.byKey.get('stage')!
    const ids = t.core.writes.bulkCreate(t.actor, form.id, [
      { name: 'a', stage: '初步接洽' }, { name: 'b', stage: '需求确认', amount: 5 }, { name: 'c', stage: '谈判', amount: 1 }, { name: 'd' }
    ])
    t.core.writes.delete(t.actor, form.id, [ids[1]!])
    const { field, updated } = t.core.writes.mergeOptions(t.actor, stage.id, ['初步接洽', 's2'], '谈判')
    expect(updated).toBe(2)
    expect((field.config.options as Array<{ label: string }>).map((o) => o.label)).toEqual(['谈判', '赢单', '输单'])
    expect(t.core.reads.get(t.actor, form.id, ids[0]!).fields.stage).toBe('谈判')
    // The deleted record was merged too, so restoring it shows the merged option.
    t.core.writes.restore(t.actor, form.id, [ids[1]!])
    expect(t.core.reads.get(t.actor, form.id, ids[1]!).fields.stage).toBe('谈判')
    expect(t.core.reads.get(t.actor, form.id, ids[3]!).fields.stage).toBeNull()
    const history = t.core.reads.history(t.actor, form.id, ids[0]!)
    expect(history[0]!.changes.stage).toEqual({ old: null, new: '谈判' })
    expect(t.core.audit.verify().ok).toBe(true)
  })

  it('de-duplicates multi-selects and refuses unknown options without changing anything', () => {
    const form = opportunity()
    const tags = form.byKey.get('tags')!
    const [id] = t.core.writes.bulkCreate(t.actor, form.id, [{ name: 'a', tags: ['重点', 'VIP'] }, { name: 'b', tags: ['老客户'] }])
    const unknown = caught(() => t.core.writes.mergeOptions(t.actor, tags.id, ['VIP', '不存在'], '重点'))
    expect(unknown.messageKey).toBe('schema.unknownOption')
    expect(unknown.params).toMatchObject({ field: '标签', option: '不存在' })
    expect(t.core.reads.get(t.actor, form.id, id!).fields.tags).toEqual(['重点', 'VIP'])
    expect(caught(() => t.core.writes.mergeOptions(t.actor, tags.id, ['重点'], '重点')).messageKey).toBe('schema.mergeIntoSelf')
    const { updated } = t.core.writes.mergeOptions(t.actor, tags.id, ['VIP'], '重点')
    expect(updated).toBe(1)
    expect(t.core.reads.get(t.actor, form.id, id!).fields.tags).toEqual(['重点'])
    expect(caught(() => t.core.writes.mergeOptions(t.actor, form.byKey.get('name')!.id, ['x'], 'y')).messageKey).toBe('schema.notSelectField')
  })

  it('rolls everything back when a later step fails', () => {
    const form = t.form('线索', [{ label: '来源', apiKey: 'source', type: 'select', unique: true, config: { options: [{ id: 'a', label: '官网' }, { id: 'b', label: '展会' }] } }])
    const [a] = t.core.writes.bulkCreate(t.actor, form.id, [{ source: '官网' }, { source: '展会' }])
    expect(caught(() => t.core.writes.mergeOptions(t.actor, form.byKey.get('source')!.id, ['展会'], '官网')).messageKey).toBe('schema.uniqueViolation')
    expect(t.core.reads.list(t.actor, { form: form.id, limit: 10 }).records.map((r) => r.fields.source).sort()).toEqual(['官网', '展会'])
    expect((t.core.schema.form(form.id).byKey.get('source')!.config.options as unknown[]).length).toBe(2)
    expect(a).toBeGreaterThan(0)
  })
})
