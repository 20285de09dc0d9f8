import { randomUUID } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import type { SyncOp } from '../../../src-main/shared/api/sync'
import { hostView, syncWorld, type World } from './harness'

// The push applies operations in chunks, one transaction each, with the chunk's change-log and
// operation look-ups made once (host.ts ChunkCache). These drive sync.push directly with more
// operations than a chunk holds, refusals scattered through it, duplicates and a rebase.

let w: World
afterEach(() => w?.close())

const head = () => w.core.db.prepare('SELECT ifnull(MAX(id), 0) FROM change_log').pluck().get() as number
const hlc = (i: number) => `${String(1_700_000_000_000 + i)}-0`

function update(record: number, values: Record<string, unknown>, base: number, i: number, schemaVersion = w.core.schema.form(w.form.id).schemaVersion): SyncOp {
  return { opId: randomUUID(), hlc: hlc(i), form: w.form.id, schemaVersion, kind: 'update', record, values, base: Object.fromEntries(Object.keys(values).map((k) => [k, base])) }
}

describe('sync.push in chunks', () => {
  it('more operations than a chunk, refusals scattered through it: every other operation applies exactly once, each refusal is stored alone', async () => {
    w = await syncWorld()
    const [a, b] = w.users
    const n = 1300
    const rows = Array.from({ length: n }, (_, i) => ({ values: { [w.key('名称')]: `商机 ${i}`, owner: a!.id } }))
    const ids = w.core.writes.bulkWrite(w.actor, w.form.id, rows, { action: 'import', events: false }).map((o) => (o.ok ? o.id : 0))
    const theirs = w.core.writes.create(w.actor, w.form.id, { [w.key('名称')]: '别人的', owner: b!.id })
    const base = head()
    const refusedAt = new Set([0, 1, 249, 250, 251, 999, 1000, 1299])
    const ops: SyncOp[] = ids.map((id, i) => refusedAt.has(i)
      ? (i % 2 ? update(theirs, { [w.key('数量')]: i }, base, i) : update(id, { [w.key('数量')]: 'abc' }, base, i))
      : update(id, { [w.key('数量')]: i + 1 }, base, i))
    // The same operation twice in one push (a client's retry folded in): answered the same, applied once.
    ops.splice(600, 0, { ...ops[500]! })
    const results = w.host.push(a!, 'laptop', ops, 'zh-CN')
    expect(results.map((r) => r.opId)).toEqual(ops.map((o) => o.opId))
    const refused = results.flatMap((r, i) => (r.status === 'refused' ? [i] : []))
    expect(refused).toEqual([...refusedAt].map((i) => (i >= 600 ? i + 1 : i)))
    expect(results.filter((r) => r.status === 'applied')).toHaveLength(ops.length - refusedAt.size)
    expect(results[600]).toEqual(results[500])
    const view = hostView(w, a!)
    ids.forEach((id, i) => expect(view.get(id)![w.key('数量')]).toBe(refusedAt.has(i) ? null : i + 1))
    // One change-log entry per applied operation: nothing applied twice.
    expect(w.core.db.prepare('SELECT COUNT(*) FROM change_log WHERE id > ?').pluck().get(base)).toBe(n - refusedAt.size)
    expect(w.core.db.prepare('SELECT COUNT(*) FROM sync_ops').pluck().get()).toBe(n)
    expect(w.host.conflicts(a!, true, 100).filter((c) => c.kind === 'refused')).toHaveLength(refusedAt.size)
    expect(hostView(w, b!).get(theirs)![w.key('数量')]).toBeNull()
    // The same push again (its answer lost): the stored results, nothing written.
    const again = w.host.push(a!, 'laptop', ops, 'zh-CN')
    expect(again.map((r) => [r.status, r.id])).toEqual(results.map((r) => [r.status, r.id]))
    expect(w.core.db.prepare('SELECT COUNT(*) FROM change_log WHERE id > ?').pluck().get(base)).toBe(n - refusedAt.size)
  })

  it('from an operation answered rebase on, every later one is answered rebase and none applies', async () => {
    w = await syncWorld()
    const [a] = w.users
    const ids = Array.from({ length: 5 }, (_, i) => w.core.writes.create(a!, w.form.id, { [w.key('名称')]: `记录 ${i}` }))
    const version = w.core.schema.form(w.form.id).schemaVersion
    const base = head()
    w.core.schema.addField(w.form.id, { label: '新字段', type: 'text' })
    const current = w.core.schema.form(w.form.id).schemaVersion
    const ops = ids.map((id, i) => update(id, { [w.key('数量')]: i + 1 }, base, i, i === 2 ? version : current))
    const results = w.host.push(a!, 'laptop', ops, 'zh-CN')
    expect(results.map((r) => r.status)).toEqual(['applied', 'applied', 'rebase', 'rebase', 'rebase'])
    const view = hostView(w, a!)
    expect(ids.map((id) => view.get(id)![w.key('数量')])).toEqual([1, 2, null, null, null])
  })

  it('an operation that writes nothing still needs the record: a conflict-only edit or a delete of a deleted record out of the rep’s scope is refused as not found, showing nothing of it', async () => {
    w = await syncWorld()
    const [a, b] = w.users
    const theirs = w.core.writes.create(w.actor, w.form.id, { [w.key('名称')]: '别人的', [w.key('备注')]: '机密', owner: b!.id })
    const gone = w.core.writes.create(w.actor, w.form.id, { [w.key('名称')]: '删掉的', owner: b!.id })
    w.core.writes.delete(w.actor, w.form.id, [gone])
    // Base 0: the host changed 备注 since, so the edit alone would be a conflict (no pipeline write).
    const edit = update(theirs, { [w.key('备注')]: '我的' }, 0, 1)
    const del: SyncOp = { opId: randomUUID(), hlc: hlc(2), form: w.form.id, schemaVersion: w.core.schema.form(w.form.id).schemaVersion, kind: 'delete', record: gone, values: {}, base: { '*': head() } }
    const results = w.host.push(a!, 'laptop', [edit, del], 'zh-CN')
    expect(results.map((r) => r.status)).toEqual(['refused', 'refused'])
    const inbox = w.host.conflicts(a!, true, 10)
    expect(inbox.every((c) => c.kind === 'refused')).toBe(true)
    expect(JSON.stringify(inbox)).not.toContain('机密')
    expect(w.core.db.prepare("SELECT COUNT(*) FROM sync_conflicts WHERE kind != 'refused'").pluck().get()).toBe(0)
  })
})
