import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { DomainEvent } from '../../../src-main/events'
import { testCore } from '../../support/core'

// An import's preview tries its rows through tryBulkWrite: the same answers as the real bulk
// write, and nothing left behind — no rows, no change-log entries (the audit chain continues
// from what is committed), no search entries, no events.

type T = Awaited<ReturnType<typeof testCore>>
let t: T
beforeEach(async () => {
  t = await testCore()
})
afterEach(() => t.close())

const count = (sql: string) => t.core.db.prepare(sql).pluck().get() as number

describe('tryBulkWrite', () => {
  it('answers what bulkWrite would, including unique values within the rows, and leaves nothing behind', () => {
    const form = t.form('客户', [{ label: '名称', type: 'text', required: true, unique: true }, { label: '电话', type: 'phone' }])
    t.core.writes.create(t.actor, form.id, { 名称: '已有公司' })
    const table = form.table
    const before = { rows: count(`SELECT COUNT(*) FROM "${table}"`), log: count('SELECT COUNT(*) FROM change_log'), search: count(`SELECT COUNT(*) FROM "${form.ftsTable}"`) }
    const events: DomainEvent[] = []
    const off = t.core.events.on((e) => events.push(e))
    const rows = [{ values: { 名称: '新公司' } }, { values: { 名称: '已有公司' } }, { values: { 名称: '新公司' } }, { values: { 名称: '' } }, { values: { 名称: '另一家', 电话: '138-0000' } }]
    const tried = t.core.writes.tryBulkWrite(t.actor, form.id, rows, { skipBad: true })
    off()
    expect(tried.map((o) => (o.ok ? 'ok' : o.error.field))).toEqual(['ok', 'mingCheng', 'mingCheng', 'mingCheng', 'dianHua'])
    expect({ rows: count(`SELECT COUNT(*) FROM "${table}"`), log: count('SELECT COUNT(*) FROM change_log'), search: count(`SELECT COUNT(*) FROM "${form.ftsTable}"`) }).toEqual(before)
    expect(events).toEqual([])
    // The chain continues from what is committed: a real write after the trial verifies.
    t.core.writes.create(t.actor, form.id, { 名称: '新公司' })
    expect(t.core.audit.verify().ok).toBe(true)
  })

  it('refuses to run inside a write transaction, where it could not roll back alone', () => {
    const form = t.form('客户', [{ label: '名称', type: 'text' }])
    expect(() => t.core.writes.transaction(() => t.core.writes.tryBulkWrite(t.actor, form.id, [{ values: { 名称: '甲' } }]))).toThrow(/inside a write transaction/)
  })
})
