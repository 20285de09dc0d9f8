import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { bundledApp } from '../../../src-main/apps/bundled'
import { findApp, installApp } from '../../../src-main/apps/installer'
import { demoPasswordHash, seedDemo } from '../../../src-main/crm/seed'
import type { Actor } from '../../../src-main/access/actor'
import { translate } from '../../../src-main/shared/locales'
import { caught, testCore } from '../../support/core'

// The shipped sales app's 赢单 gate: moving an opportunity to 赢单 needs 签约合同扫描件, as a sales
// rep on the sample data, while the sample's won deals (history, no scan) stay valid and editable,
// and an installation from before the gate gets the field on upgrade without breaking its data.

type T = Awaited<ReturnType<typeof testCore>>

describe('the 赢单 gate on the sample data, as 销售代表 zhangwei', () => {
  let t: T
  let zhang: Actor
  const NOW = new Date(2025, 5, 15, 10, 0, 0).getTime()
  beforeAll(async () => {
    t = await testCore({ now: NOW })
    t.core.crm.install(t.actor, bundledApp('crm').pkg, 'zh-CN')
    seedDemo(t.core, t.actor, { seed: 7, customers: 40, passwordHash: await demoPasswordHash(t.core) })
    t.clock.set(NOW)
    const u = t.core.db.prepare("SELECT id, name FROM users WHERE login = 'zhangwei'").get() as { id: number; name: string }
    zhang = { id: u.id, name: u.name, isAdmin: false, locale: 'zh-CN' }
  }, 120_000)
  afterAll(() => t.close())

  const mine = (stage: string) =>
    t.core.reads.list(zhang, { form: 'opportunity', limit: 500, filter: { field: 'stage', op: 'eq', value: stage } }).records.filter((r) => r.owner?.id === zhang.id)

  it('keeps the sample’s won deals editable without a scan', () => {
    const won = mine('赢单')
    expect(won.length).toBeGreaterThan(0)
    const deal = won.find((r) => !(r.fields.contractScan as unknown[] | null)?.length)!
    expect(deal).toBeDefined()
    t.core.writes.update(zhang, 'opportunity', deal.id, { nextStep: '安排回访，确认交付' })
    expect(t.core.reads.get(zhang, 'opportunity', deal.id).fields).toMatchObject({ stage: '赢单', nextStep: '安排回访，确认交付' })
  })

  it('refuses the rep’s move to 赢单 without the scan, naming the field, and moves with a scan the rep uploaded', () => {
    const deal = mine('商务谈判')[0] ?? mine('方案报价')[0]!
    const before = t.core.reads.get(zhang, 'opportunity', deal.id)
    const e = caught(() => t.core.writes.update(zhang, 'opportunity', deal.id, { stage: '赢单' }, before.version))
    expect(e).toMatchObject({ messageKey: 'value.requiredOnEnter', field: 'contractScan' })
    expect(translate('zh-CN', e.messageKey as string, e.params as Record<string, string>)).toBe('进入此阶段前须填写“签约合同扫描件”')
    expect(t.core.reads.get(zhang, 'opportunity', deal.id)).toEqual(before)
    const pdf = t.core.attachments.put('合同-已签.pdf', 'application/pdf', Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n').toString('base64'), zhang.id)
    t.core.writes.update(zhang, 'opportunity', deal.id, { stage: '赢单', contractScan: [{ hash: pdf.hash, name: pdf.name }] }, before.version)
    const after = t.core.reads.get(zhang, 'opportunity', deal.id)
    expect(after.fields.stage).toBe('赢单')
    expect(after.fields.contractScan).toEqual([expect.objectContaining({ hash: pdf.hash, name: '合同-已签.pdf' })])
  })

  it('carries the gate in the exported app definition', () => {
    const file = t.core.transfer.apps.export(t.actor, findApp(t.core, 'crm')!.id)
    const json = JSON.parse(file.data.toString('utf8')) as { app: { forms: Array<{ apiKey: string; fields: Array<{ apiKey: string; requiredOnEnter?: unknown }> }> } }
    const scan = json.app.forms.find((f) => f.apiKey === 'opportunity')!.fields.find((f) => f.apiKey === 'contractScan')!
    expect(scan.requiredOnEnter).toEqual({ field: 'stage', op: 'eq', value: 'won' })
  })
})

describe('upgrading an installation from before the gate', () => {
  let t: T | null = null
  afterEach(() => t?.close())

  it('adds 签约合同扫描件 with its gate; deals won before stay editable, a new move to 赢单 asks for the scan', async () => {
    t = await testCore()
    const current = bundledApp('crm').pkg
    const old = structuredClone(current)
    const oppDef = old.app.forms.find((f) => f.apiKey === 'opportunity')!
    oppDef.fields = oppDef.fields.filter((f) => f.apiKey !== 'contractScan')
    for (const tab of oppDef.layout?.tabs ?? []) for (const s of tab.sections) s.fields = s.fields.filter((k) => k !== 'contractScan')
    installApp(t.core, t.actor, old, { locale: 'zh-CN' })
    expect(t.core.schema.form('opportunity').byKey.has('contractScan')).toBe(false)
    const wonBefore = t.core.writes.create(t.actor, 'opportunity', { name: '去年的大单', stage: '赢单', amount: 500000 })
    const open = t.core.writes.create(t.actor, 'opportunity', { name: '在谈的单', stage: '商务谈判' })

    installApp(t.core, t.actor, current, { locale: 'zh-CN' })
    const scan = t.core.schema.form('opportunity').byKey.get('contractScan')!
    expect(scan).toMatchObject({ type: 'attachment', label: '签约合同扫描件', requiredOnEnter: { field: 'stage', op: 'eq', value: 'won' } })
    t.core.writes.update(t.actor, 'opportunity', wonBefore, { amount: 520000 })
    expect(t.core.reads.get(t.actor, 'opportunity', wonBefore).fields).toMatchObject({ stage: '赢单', amount: 520000 })
    expect(caught(() => t!.core.writes.update(t!.actor, 'opportunity', open, { stage: '赢单' }))).toMatchObject({ messageKey: 'value.requiredOnEnter', field: 'contractScan' })
    // Installing again changes nothing.
    installApp(t.core, t.actor, current, { locale: 'zh-CN' })
    expect(t.core.schema.form('opportunity').byKey.get('contractScan')!.requiredOnEnter).toEqual({ field: 'stage', op: 'eq', value: 'won' })
  })
})
