import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createHash } from 'node:crypto'
import { entryHash } from '../../../src-main/access/audit'
import { testCore } from '../../support/core'

// The audit chain: every stored entry is linked to the previous one by hash, so altering,
// deleting or reordering any entry is detected at that entry.

type T = Awaited<ReturnType<typeof testCore>>
let t: T
let ids: number[]
beforeEach(async () => {
  t = await testCore()
  const form = t.form('客户', [{ label: '名称', type: 'text' }, { label: '金额', type: 'amount' }])
  const a = t.core.writes.create(t.actor, form.id, { 名称: '甲', 金额: 100 })
  t.core.writes.update(t.actor, form.id, a, { 金额: 200 })
  t.core.writes.bulkCreate(t.actor, form.id, [{ 名称: '乙' }, { 名称: '丙' }])
  // A rolled-back write must not leave a gap or a dangling link in the chain.
  expect(() => t.core.writes.bulkCreate(t.actor, form.id, [{ 名称: '丁' }, { 不存在: 1 }])).toThrow()
  t.core.writes.delete(t.actor, form.id, [a])
  ids = t.core.db.prepare('SELECT id FROM change_log ORDER BY id').pluck().all() as number[]
})
afterEach(() => t.close())

describe('audit chain', () => {
  it('hashes an entry as SHA-256 over the previous hash, a newline and its content (the stored format never changes)', () => {
    const e = { op: 'create', form_id: 3, record_id: 7, changes: '{"12":[null,"杭州云栖"]}', actor_id: 1, at: 1700000000000, clock: 42, detail: null }
    const content = JSON.stringify([e.op, e.form_id, e.record_id, e.changes, e.actor_id, e.at, e.clock, e.detail])
    expect(entryHash('ab12', e)).toBe(createHash('sha256').update('ab12').update('\n').update(content).digest('hex'))
  })

  it('verifies an untouched log', () => {
    expect(t.core.audit.verify()).toEqual({ ok: true, checked: ids.length, brokenAt: null })
    // auth.setup, create, update, two bulk creates, delete: the rolled-back import left nothing.
    expect(ids.length).toBe(6)
  })

  it('detects an altered value, actor, time or operation at that entry', () => {
    for (const [column, value] of [['changes', '{"2":[null,999]}'], ['actor_id', 99], ['at', 0], ['op', 'restore']] as const) {
      const row = t.core.db.prepare(`SELECT ${column} AS v FROM change_log WHERE id = ?`).get(ids[1]) as { v: unknown }
      t.core.db.prepare(`UPDATE change_log SET ${column} = ? WHERE id = ?`).run(value, ids[1])
      expect(t.core.audit.verify(), column).toMatchObject({ ok: false, brokenAt: ids[1] })
      t.core.db.prepare(`UPDATE change_log SET ${column} = ? WHERE id = ?`).run(row.v, ids[1])
      expect(t.core.audit.verify().ok).toBe(true)
    }
  })

  it('detects a deleted entry at the entry after it', () => {
    t.core.db.prepare('DELETE FROM change_log WHERE id = ?').run(ids[2])
    expect(t.core.audit.verify()).toMatchObject({ ok: false, brokenAt: ids[3] })
  })

  it('detects a recomputed hash that no longer links to the next entry', () => {
    t.core.db.prepare("UPDATE change_log SET changes = '{}', hash = 'forged' WHERE id = ?").run(ids[0])
    expect(t.core.audit.verify()).toMatchObject({ ok: false, brokenAt: ids[0] })
  })
})
