import { afterEach, beforeEach, expect, it } from 'vitest'
import { testCore } from '../../support/core'

type T = Awaited<ReturnType<typeof testCore>>
let t: T
beforeEach(async () => {
  t = await testCore()
})
afterEach(() => t.close())

it('a multi-relation change in the history shows the linked records’ titles, not #ids', () => {
  const product = t.form('产品', [{ label: '名称', apiKey: 'name', type: 'text' }] as never)
  const deal = t.form('商机', [
    { label: '名称', apiKey: 'name', type: 'text' },
    { label: '意向产品', apiKey: 'products', type: 'relation', config: { targetFormId: product.id, multiple: true } }
  ] as never)
  const a = t.core.writes.create(t.actor, product.id, { name: '服务器' })
  const b = t.core.writes.create(t.actor, product.id, { name: '存储' })
  const id = t.core.writes.create(t.actor, deal.id, { name: '明达扩容', products: [a] })
  t.core.writes.update(t.actor, deal.id, id, { products: [a, b] })
  const change = t.core.reads.history(t.actor, deal.id, id)[0]!.changes.products as { old: unknown; new: unknown }
  expect(change.old).toEqual([{ id: a, title: '服务器' }])
  expect(change.new).toEqual([{ id: a, title: '服务器' }, { id: b, title: '存储' }])
})
