import { afterEach, describe, expect, it } from 'vitest'
import { STAGES, testCore } from '../../support/core'

// App definitions as one file: export an app from one installation, preview and install it on
// another, then a second preview finds nothing new.

const cores: Array<Awaited<ReturnType<typeof testCore>>> = []
afterEach(() => { for (const c of cores.splice(0)) c.close() })

describe('app definition files', () => {
  it('exports forms, relations, roll-ups, formulas, sub-tables and views, and installs them elsewhere after a preview', async () => {
    const a = await testCore()
    cores.push(a)
    const customer = a.form('客户', [{ label: '客户名称', apiKey: 'name', type: 'text', unique: true }])
    const opp = a.form('商机', [
      { label: '商机名称', apiKey: 'name', type: 'text', required: true },
      { label: '客户', apiKey: 'customer', type: 'relation', config: { targetFormId: customer.id, multiple: false } },
      { label: '销售阶段', apiKey: 'stage', type: 'select', config: { options: STAGES } },
      { label: '预计金额', apiKey: 'amount', type: 'amount' },
      { label: '赢率', apiKey: 'rate', type: 'percent' },
      { label: '加权金额', apiKey: 'weighted', type: 'formula', config: { expression: '{预计金额} * {赢率}' } },
      { label: '明细', apiKey: 'lines', type: 'subtable', children: [{ label: '数量', apiKey: 'qty', type: 'number' }, { label: '单价', apiKey: 'price', type: 'amount' }] }
    ])
    const relation = a.core.schema.form(opp.id).byKey.get('customer')!
    a.core.schema.addField(customer.id, { label: '商机总额', apiKey: 'pipeline', type: 'rollup', config: { relationFieldId: relation.id, targetFieldId: a.core.schema.form(opp.id).byKey.get('amount')!.id, aggregate: 'sum' } })
    a.core.views.create(a.actor, { form: opp.id, name: '谈判中', type: 'table', shared: true, config: { filter: { field: 'stage', op: 'eq', value: '谈判' } } as never })

    const file = a.core.transfer.apps.export(a.actor, a.app.id)
    expect(file.name).toMatch(/^销售管理-\d{8}\.jimu-app\.json$/)
    const json = JSON.parse(file.data.toString('utf8'))
    expect(json.format).toBe('jimu-app')
    const oppDef = json.app.forms.find((f: { apiKey: string }) => f.apiKey === opp.apiKey)
    expect(oppDef.fields.find((f: { apiKey: string }) => f.apiKey === 'customer').config).toEqual({ target: customer.apiKey, multiple: false })
    expect(oppDef.fields.find((f: { apiKey: string }) => f.apiKey === 'weighted').config.expression).toBe('{amount} * {rate}')

    const b = await testCore()
    cores.push(b)
    const preview = b.core.transfer.apps.preview(b.actor, file.data, 'zh-CN')
    expect(preview.app).toMatchObject({ apiKey: a.app.apiKey, exists: true })
    const forms = preview.sections.find((s) => s.section === 'form')!.items
    expect(forms.map((f) => [f.label, f.change])).toEqual([['客户', 'add'], ['商机', 'add']])
    expect(preview.sections.find((s) => s.section === 'view')!.items).toEqual([expect.objectContaining({ change: 'add' })])
    // Nothing was written by the preview.
    expect(b.core.schema.formIds().length).toBe(0)

    b.core.transfer.apps.install(b.actor, file.data, 'zh-CN')
    const installed = b.core.schema.form(opp.apiKey)
    expect(installed.byKey.get('weighted')!.config.expression).toBe('{预计金额} * {赢率}')
    expect(installed.children.get(installed.byKey.get('lines')!.id)!.map((c) => c.apiKey)).toEqual(['qty', 'price'])
    const cust = b.core.writes.create(b.actor, customer.apiKey, { name: '北京积木' })
    b.core.writes.create(b.actor, opp.apiKey, { name: 'ERP', customer: cust, amount: 100, rate: 0.5 })
    expect(b.core.reads.get(b.actor, customer.apiKey, cust).fields.pipeline).toBe(100)
    expect(b.core.views.list(b.actor, opp.apiKey).map((v) => v.name)).toContain('谈判中')
    const again = b.core.transfer.apps.preview(b.actor, file.data, 'zh-CN')
    expect(again.sections.flatMap((s) => s.items).filter((i) => i.change !== 'same')).toEqual([])
  })

  it('refuses a file that is not an app definition, and non-administrators', async () => {
    const a = await testCore()
    cores.push(a)
    expect(() => a.core.transfer.apps.preview(a.actor, Buffer.from('{"hello":1}'), 'zh-CN')).toThrow(expect.objectContaining({ messageKey: 'transfer.error.appFile' }))
    const rep = { id: 99, name: 'x', isAdmin: false, locale: 'zh-CN' as const }
    expect(() => a.core.transfer.apps.export(rep, a.app.id)).toThrow(expect.objectContaining({ code: 'PERMISSION' }))
  })
})

describe('the bundled sales app', () => {
  it('exports and installs on another PC with everything (forms, roll-ups, sub-table formulas, conditions, sections)', async () => {
    const { bundledApp } = await import('../../../src-main/apps/bundled')
    const { installApp, findApp } = await import('../../../src-main/apps/installer')
    const a = await testCore()
    cores.push(a)
    installApp(a.core, a.actor, bundledApp('crm').pkg, { locale: 'zh-CN' })
    const crm = findApp(a.core, 'crm')!
    const file = a.core.transfer.apps.export(a.actor, crm.id)
    const json = JSON.parse(file.data.toString('utf8')) as { app: { forms: unknown[] }; sections: Record<string, unknown[]> }
    expect(json.app.forms.length).toBe(a.core.schema.formIds(crm.id).length)

    const b = await testCore()
    cores.push(b)
    const preview = b.core.transfer.apps.preview(b.actor, file.data, 'zh-CN')
    expect(preview.app.exists).toBe(false)
    b.core.transfer.apps.install(b.actor, file.data, 'zh-CN')
    const formsA = a.core.schema.formIds(crm.id).map((id) => a.core.schema.form(id))
    const formsB = b.core.schema.formIds(findApp(b.core, 'crm')!.id).map((id) => b.core.schema.form(id))
    const shape = (forms: typeof formsA) => forms.map((f) => [f.apiKey, f.fields.map((x) => `${x.apiKey}:${x.type}`).join(','), f.titleField?.apiKey]).sort()
    expect(shape(formsB)).toEqual(shape(formsA))
    for (const section of Object.keys(json.sections)) {
      expect(b.core.transfer.apps.preview(b.actor, file.data, 'zh-CN').sections.find((s) => s.section === section)?.items.every((i) => i.change === 'same') ?? true).toBe(true)
    }
  })
})
