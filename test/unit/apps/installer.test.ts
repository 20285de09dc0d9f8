import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { testCore, caught } from '../../support/core'
import { bundledApp, bundledAppKeys } from '../../../src-main/apps/bundled'
import { installApp, previewApp, parsePackage } from '../../../src-main/apps/installer'
import { registerAppSection } from '../../../src-main/apps/sections'
import { SYSTEM_ACTOR } from '../../../src-main/access/actor'

let ctx: Awaited<ReturnType<typeof testCore>> | null = null
afterEach(() => {
  ctx?.close()
  ctx = null
})

describe('app installer', () => {
  it('ships the CRM app with the fixed form and field API keys', () => {
    expect(bundledAppKeys()).toContain('crm')
    const { pkg } = bundledApp('crm')
    const keys = pkg.app.forms.map((f) => f.apiKey)
    expect(keys).toEqual(expect.arrayContaining(['lead', 'customer', 'contact', 'opportunity', 'followUp', 'task', 'product', 'quote', 'contract', 'payment', 'invoice', 'ticket', 'salesTarget']))
    const opp = pkg.app.forms.find((f) => f.apiKey === 'opportunity')!
    expect(opp.fields.map((f) => f.apiKey)).toEqual(expect.arrayContaining(['name', 'customer', 'amount', 'closeDate', 'stage', 'probability', 'nextStep', 'lossReason', 'important', 'lastFollowUpAt', 'approvalStatus']))
  })

  it('installs the CRM app in one go: relations, roll-ups, formulas, conditions, views', async () => {
    ctx = await testCore()
    const { core, actor } = ctx
    const { pkg } = bundledApp('crm')
    const report = installApp(core, actor, pkg, { locale: 'zh-CN' })
    expect(report.changes.filter((c) => c.kind === 'add').length).toBeGreaterThan(100)
    const contract = core.schema.form('contract')
    expect(contract.label).toBe('合同')
    expect(contract.byKey.get('received')!.type).toBe('rollup')
    expect(contract.byKey.get('outstanding')!.config.expression).toBe('{合同总金额}-{已回款金额}')
    const opp = core.schema.form('opportunity')
    expect(opp.byKey.get('lossReason')!.requiredWhen).toEqual({ field: 'stage', op: 'eq', value: 'lost' })
    expect(opp.fields.map((f) => f.apiKey).slice(0, 4)).toEqual(['name', 'customer', 'contact', 'amount'])
    expect(core.views.list(actor, 'opportunity').map((v) => v.name)).toContain('销售漏斗')

    // Works end to end: a contract with a payment shows received and outstanding, on the customer too.
    const customer = core.writes.create(actor, 'customer', { name: '杭州青禾科技有限公司' })
    const c = core.writes.create(actor, 'contract', { name: '年度服务合同', customer, amount: 10000, plan: [{ dueDate: '2024-04-01', amount: 6000 }, { dueDate: '2024-06-01', amount: 4000 }] })
    core.writes.create(actor, 'payment', { contract: c, customer, amount: 6000 })
    const rec = core.reads.get(actor, 'contract', c)
    expect(rec.fields.received).toBe(6000)
    expect(rec.fields.outstanding).toBe(4000)
    expect(rec.fields.plannedTotal).toBe(10000)
    const cust = core.reads.get(actor, 'customer', customer)
    expect(cust.fields.receivedTotal).toBe(6000)
    expect(cust.fields.outstandingTotal).toBe(4000)
    expect(core.reads.get(actor, 'opportunity', core.writes.create(actor, 'opportunity', { name: 'x' })).fields.stage).toBe('初步接洽')
    // Quote lines: a row formula per line, summed and maxed on the quote.
    const p = core.writes.create(actor, 'product', { name: '智能门禁主机', price: 1200 })
    const q = core.writes.create(actor, 'quote', { customer, lines: [{ product: p, quantity: 10, unitPrice: 1200, discount: 0.1 }, { product: p, quantity: 1, unitPrice: 500, discount: 0 }] })
    const quote = core.reads.get(actor, 'quote', q)
    expect((quote.fields.lines as Array<Record<string, unknown>>).map((l) => l.lineTotal)).toEqual([10800, 500])
    expect(quote.fields.total).toBe(11300)
    expect(quote.fields.maxDiscount).toBe(0.1)
  })

  it('is idempotent by API key and keeps what the user tailored', async () => {
    ctx = await testCore()
    const { core, actor } = ctx
    const { pkg } = bundledApp('crm')
    installApp(core, actor, pkg, { locale: 'zh-CN' })
    const lead = core.schema.form('lead')
    core.schema.updateField({ id: lead.byKey.get('company')!.id, label: '单位名称' })
    const nameField = lead.byKey.get('wechat')!
    core.schema.deleteField(nameField.id)
    const before = core.schema.formIds().length
    const preview = previewApp(core, pkg, { locale: 'zh-CN' })
    // Nothing to add: renamed fields keep their names, a deleted field stays deleted.
    expect(preview.changes.filter((c) => c.kind !== 'same')).toEqual([])
    expect(preview.changes.find((c) => c.key === 'lead.wechat')).toMatchObject({ kind: 'same', detail: 'deleted' })
    installApp(core, actor, pkg, { locale: 'zh-CN' })
    expect(core.schema.formIds().length).toBe(before)
    expect(core.schema.form('lead').byKey.get('company')!.label).toBe('单位名称')
    expect(core.views.list(actor, 'opportunity').filter((v) => v.name === '销售漏斗')).toHaveLength(1)
    expect(previewApp(core, pkg, { locale: 'zh-CN' }).changes.every((c) => c.kind === 'same')).toBe(true)
  })

  it('previews a fresh install without writing anything, in English too', async () => {
    ctx = await testCore()
    const { core } = ctx
    const { pkg } = bundledApp('crm')
    const forms = core.schema.formIds().length
    const preview = previewApp(core, pkg, { locale: 'en' })
    expect(preview.appId).toBeNull()
    expect(preview.changes.find((c) => c.section === 'form' && c.key === 'customer')).toMatchObject({ kind: 'add', label: 'Customers' })
    expect(core.schema.formIds().length).toBe(forms)
    installApp(core, SYSTEM_ACTOR, pkg, { locale: 'en' })
    expect(core.schema.form('contract').byKey.get('outstanding')!.config.expression).toBe('{Contract amount}-{Received}')
  })

  it('rolls back everything when a section fails, and installs registered sections', async () => {
    ctx = await testCore()
    const { core, actor } = ctx
    const installed: string[] = []
    registerAppSection({
      key: 'testNotes',
      schema: z.object({ key: z.string(), fail: z.boolean().default(false) }),
      install: (_core, _actor, sctx, items) => {
        for (const item of items) {
          if (item.fail) throw new Error('boom')
          sctx.form('customer')
          installed.push(item.key)
          sctx.change({ kind: 'add', section: 'testNotes', key: item.key, label: item.key })
        }
      },
      exportItems: () => [],
      preview: (_core, _appId, items) => items.map((i) => ({ kind: 'add' as const, section: 'testNotes', key: i.key, label: i.key }))
    })
    const { pkg } = bundledApp('crm')
    const failing = parsePackage({ app: pkg.app, sections: { testNotes: [{ key: 'a', fail: true }] } })
    expect(() => installApp(core, actor, failing, { locale: 'zh-CN' })).toThrow('boom')
    expect(core.schema.listApps().some((a) => a.apiKey === 'crm')).toBe(false)
    expect(caught(() => core.schema.form('customer')).name).toBe('NotFoundError')
    const good = parsePackage({ app: pkg.app, sections: { testNotes: [{ key: 'b' }] } })
    expect(previewApp(core, good, { locale: 'zh-CN' }).changes.at(-1)).toMatchObject({ section: 'testNotes', key: 'b' })
    const report = installApp(core, actor, good, { locale: 'zh-CN' })
    expect(installed).toEqual(['b'])
    expect(report.changes.at(-1)).toMatchObject({ section: 'testNotes', key: 'b' })
  })

  it('refuses a malformed definition, naming where', () => {
    const { pkg } = bundledApp('crm')
    const bad = { ...pkg.app, forms: [{ ...pkg.app.forms[0]!, fields: [{ apiKey: 'x', label: { 'zh-CN': 'x', en: 'x' }, type: 'nope' }] }] }
    const e = caught(() => parsePackage({ app: bad }))
    expect(e.name).toBe('ValidationError')
    expect(String((e.params as Record<string, string>).detail)).toContain('forms.0.fields.0.type')
  })

  it('installs for administrators only', async () => {
    ctx = await testCore()
    const { pkg } = bundledApp('crm')
    expect(caught(() => installApp(ctx!.core, { id: 99, name: 'rep', isAdmin: false, locale: 'zh-CN' }, pkg, { locale: 'zh-CN' })).name).toBe('PermissionError')
  })
})
