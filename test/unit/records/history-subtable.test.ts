import { afterEach, beforeEach, expect, it } from 'vitest'
import { testCore } from '../../support/core'

type T = Awaited<ReturnType<typeof testCore>>
let t: T
beforeEach(async () => {
  t = await testCore()
})
afterEach(() => t.close())

it('the history of a record whose sub-table rows changed loads, with the rows as logged', () => {
  const form = t.form('客户', [
    { label: '名称', apiKey: 'name', type: 'text' },
    { label: '明细', apiKey: 'items', type: 'subtable', children: [{ label: '产品', apiKey: 'product', type: 'text' }, { label: '数量', apiKey: 'qty', type: 'number' }] }
  ] as never)
  const id = t.core.writes.create(t.actor, form.id, { name: '云栖', items: [{ product: '服务器', qty: 2 }] })
  const rows = t.core.reads.get(t.actor, form.id, id).fields.items as Array<{ id: number }>
  t.core.writes.update(t.actor, form.id, id, { items: [{ id: rows[0]!.id, product: '服务器', qty: 3 }, { product: '存储', qty: 1 }] })
  const history = t.core.reads.history(t.actor, form.id, id)
  expect(history.map((e) => e.op)).toEqual(['update', 'create'])
  const change = history[0]!.changes.items as { old: unknown[]; new: unknown[] }
  expect(change.old).toHaveLength(1)
  expect(change.new).toHaveLength(2)
})
