import { afterEach, describe, expect, it } from 'vitest'
import { bundledApp } from '../../../src-main/apps/bundled'
import { fieldType } from '../../../src-main/forms/field-types/registry'
import { isSummableField } from '../../../src-main/shared/field-types'
import { applyFill, computeLive, pendingFills } from '../../../src-renderer/src/components/record/live'
import { testCore } from '../../support/core'

// The 报价单 of the shipped app: picking a product fills 单价 (关联带出, on the server and live on
// the record page); 小计 and 总额 are computed as the user types with the server's formula
// engine; 单价 gets no 合计; 最大折扣 reads as a percentage.

let ctx: Awaited<ReturnType<typeof testCore>> | null = null
afterEach(() => {
  ctx?.close()
  ctx = null
})

async function sales() {
  ctx = await testCore()
  const { core, actor } = ctx
  core.crm.install(actor, bundledApp('crm').pkg, 'zh-CN')
  const quoteDto = core.schema.toDto(core.schema.form('quote'))
  return { core, admin: actor, quoteDto }
}

describe('the 报价单', () => {
  it('fills 单价 from the picked product when it is left empty, on create and update; a typed price is kept', async () => {
    const { core, admin } = await sales()
    const server = core.writes.create(admin, 'product', { name: '服务器', price: 12000 })
    const disk = core.writes.create(admin, 'product', { name: '硬盘', price: 800 })
    const id = core.writes.create(admin, 'quote', { title: '报价', lines: [{ product: server, quantity: 2 }, { product: disk, quantity: 1, unitPrice: 750 }] })
    let q = core.reads.get(admin, 'quote', id).fields
    const lines = q.lines as Array<Record<string, unknown>>
    expect(lines.map((l) => l.unitPrice)).toEqual([12000, 750])
    expect(lines.map((l) => l.lineTotal)).toEqual([24000, 750])
    expect(q.total).toBe(24750)
    core.writes.update(admin, 'quote', id, { lines: [...lines.map((l) => ({ id: l.id, product: (l.product as { id: number }).id, quantity: l.quantity, unitPrice: l.unitPrice })), { product: disk, quantity: 3 }] })
    q = core.reads.get(admin, 'quote', id).fields
    expect((q.lines as Array<Record<string, unknown>>).map((l) => l.unitPrice)).toEqual([12000, 750, 800])
    expect(q.total).toBe(27150)
  })

  it('computes 小计 and 总额 live on the record page with the server’s formula engine', async () => {
    const { core, admin, quoteDto } = await sales()
    const all = quoteDto.fields
    const live = computeLive(all, { title: '报价', lines: [{ product: null, quantity: 2, unitPrice: 100, discount: 0.1 }, { quantity: 1, unitPrice: 50, discount: null }], total: null })
    const lines = live.lines as Array<Record<string, unknown>>
    expect(lines.map((l) => l.lineTotal)).toEqual([180, 50])
    expect(live.total).toBe(230)
    expect(live.maxDiscount).toBe(0.1)
    // The same as the server stores.
    const id = core.writes.create(admin, 'quote', { title: '报价', lines: [{ quantity: 2, unitPrice: 100, discount: 0.1 }, { quantity: 1, unitPrice: 50 }] })
    const saved = core.reads.get(admin, 'quote', id).fields
    expect([saved.total, saved.maxDiscount]).toEqual([live.total, live.maxDiscount])
  })

  it('asks for the product’s price when a row picks a product and its 单价 is empty, and keeps what the user typed meanwhile', async () => {
    const { core, quoteDto } = await sales()
    const productForm = core.schema.form('product').id
    const before = { lines: [{ product: null, quantity: 1, unitPrice: null }] }
    const after = { lines: [{ product: { id: 7, title: '服务器' }, quantity: 1, unitPrice: null }] }
    const fills = pendingFills(quoteDto.fields, before, after)
    expect(fills).toEqual([{ table: 'lines', row: 0, fieldKey: 'unitPrice', relationKey: 'product', formId: productForm, id: 7, targetFieldKey: 'price' }])
    expect((applyFill(after, fills[0]!, 12000).lines as Array<Record<string, unknown>>)[0]!.unitPrice).toBe(12000)
    const typed = { lines: [{ product: { id: 7, title: '服务器' }, quantity: 1, unitPrice: 99 }] }
    expect(applyFill(typed, fills[0]!, 12000)).toBe(typed)
    // The same product again (another field edited) asks nothing.
    expect(pendingFills(quoteDto.fields, after, { lines: [{ ...after.lines[0], quantity: 2 }] })).toEqual([])
  })

  it('has no 合计 for unit prices, rates or percentages; quantities and line totals do', async () => {
    const { quoteDto } = await sales()
    const byKey = (k: string) => quoteDto.fields.find((f) => f.apiKey === k)!
    expect(['quantity', 'unitPrice', 'discount', 'lineTotal'].map((k) => isSummableField(byKey(k)))).toEqual([true, false, false, true])
    expect(isSummableField({ type: 'amount', apiKey: 'price', label: '标准单价', config: {} })).toBe(false)
    expect(isSummableField({ type: 'amount', apiKey: 'amount', label: '金额', config: {} })).toBe(true)
    expect(isSummableField({ type: 'number', apiKey: 'taxRate', label: '税率', config: {} })).toBe(false)
    expect(isSummableField({ type: 'number', apiKey: 'taxRate', label: '税率', config: { summable: true } })).toBe(true)
  })

  it('shows 最大折扣 as a percentage (10%, not 0.1000) in exports and lists', async () => {
    const { core } = await sales()
    const field = core.schema.form('quote').byKey.get('maxDiscount')!
    expect(fieldType(field).format(0.1, field, 'zh-CN')).toBe('10%')
    expect(fieldType(field).format(0.125, field, 'zh-CN')).toBe('12.5%')
  })
})
