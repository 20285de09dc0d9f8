import { afterEach, describe, expect, it } from 'vitest'
import { client, directTransport, hostView, replicaView, syncWorld, type World } from './harness'

let w: World
afterEach(() => w?.close())

describe('offline sync', () => {
  it('a first pull replicates exactly the records the rep may see, without hidden fields', async () => {
    w = await syncWorld()
    const [a, b] = w.users
    const mine = w.core.writes.create(a!, w.form.id, { [w.key('名称')]: 'A 的商机', [w.key('金额')]: 100 })
    w.core.writes.create(b!, w.form.id, { [w.key('名称')]: 'B 的商机' })
    w.core.org.setPermission(w.actor.id, w.role.id, { formId: w.form.id, actions: ['view', 'create', 'edit', 'delete'], scope: 'own', fieldRules: { [w.noteField.id]: 'hidden' } })
    const c = client(w, a!)
    await c.sync()
    expect([...replicaView(c, w.form.id).keys()]).toEqual([mine])
    expect(replicaView(c, w.form.id)).toEqual(hostView(w, a!))
    expect(Object.keys(c.records(w.form.id)[0]!.fields)).not.toContain(w.noteField.apiKey)
    expect(JSON.stringify(c.db.prepare('SELECT * FROM forms').all())).not.toContain('"备注"')
  })

  it('a record transferred away or a field newly hidden is removed from the replica', async () => {
    w = await syncWorld()
    const [a, b] = w.users
    const id = w.core.writes.create(a!, w.form.id, { [w.key('名称')]: '要转走的', [w.key('备注')]: '秘密' })
    const c = client(w, a!)
    await c.sync()
    expect(c.records(w.form.id)[0]!.fields[w.noteField.apiKey]).toBe('秘密')
    w.core.org.setPermission(w.actor.id, w.role.id, { formId: w.form.id, actions: ['view', 'create', 'edit', 'delete'], scope: 'own', fieldRules: { [w.noteField.id]: 'hidden' } })
    await c.sync()
    expect(JSON.stringify(c.db.prepare('SELECT data FROM records').all())).not.toContain('秘密')
    w.core.writes.transfer(w.actor, w.form.id, { ids: [id], toUserId: b!.id })
    await c.sync()
    expect(c.records(w.form.id)).toEqual([])
  })

  it('offline: edits are checked like the host, a create shows 待分配 until pushed, then gets the host number', async () => {
    w = await syncWorld()
    const [a] = w.users
    const c = client(w, a!)
    await c.sync()
    expect(() => c.create(w.form.id, { [w.key('金额')]: 5 })).toThrow(expect.objectContaining({ messageKey: 'value.required' }))
    expect(() => c.create(w.form.id, { [w.key('名称')]: 'x', [w.key('金额')]: 'abc' })).toThrow()
    const local = c.create(w.form.id, { [w.key('名称')]: '离线新建', [w.key('金额')]: 21 })
    const rec = c.records(w.form.id).find((r) => r.id === local)!
    expect(rec.provisional).toBe(true)
    expect(rec.fields[w.key('合计')]).toBe(42)
    expect(rec.fields[w.key('编号')]).toBeNull()
    c.update(w.form.id, local, { [w.key('备注')]: '又改了' })
    expect(c.pending()).toBe(2)
    await c.sync()
    expect(c.pending()).toBe(0)
    const after = c.records(w.form.id)
    expect(after).toHaveLength(1)
    expect(after[0]!.provisional).toBe(false)
    expect(after[0]!.fields[w.key('编号')]).toMatch(/^SJ\d{4}$/)
    expect(after[0]!.fields[w.key('备注')]).toBe('又改了')
    expect(replicaView(c, w.form.id)).toEqual(hostView(w, a!))
  })

  it('different fields merge; the same field is a conflict: the host keeps its value, the inbox holds both, resolve picks per field', async () => {
    w = await syncWorld()
    const [a] = w.users
    const id = w.core.writes.create(a!, w.form.id, { [w.key('名称')]: '合并', [w.key('金额')]: 10, [w.key('备注')]: '原来' })
    const c = client(w, a!)
    await c.sync()
    c.update(w.form.id, id, { [w.key('金额')]: 20, [w.key('备注')]: '我的' })
    w.core.writes.update(w.actor, w.form.id, id, { [w.key('备注')]: '办公室的', [w.key('数量')]: 3 })
    await c.sync()
    const host = hostView(w, a!).get(id)!
    expect(host[w.key('金额')]).toBe(20)
    expect(host[w.key('数量')]).toBe(3)
    expect(host[w.key('备注')]).toBe('办公室的')
    expect(replicaView(c, w.form.id).get(id)).toEqual(host)
    const [conflict] = w.host.conflicts(a!, true, 10)
    expect(conflict!.kind).toBe('field')
    expect(conflict!.fields).toEqual([expect.objectContaining({ key: w.key('备注'), mine: '我的', theirs: '办公室的', theirsBy: '管理员' })])
    expect(() => w.host.resolve(a!, { id: conflict!.id, fields: {} })).toThrow(expect.objectContaining({ messageKey: 'sync.chooseField' }))
    w.host.resolve(a!, { id: conflict!.id, fields: { [w.key('备注')]: 'mine' } })
    expect(hostView(w, a!).get(id)![w.key('备注')]).toBe('我的')
    expect(w.host.conflicts(a!, true, 10)).toEqual([])
  })

  it('a delete against an edit, and an edit of a deleted record, are conflicts', async () => {
    w = await syncWorld()
    const [a] = w.users
    const x = w.core.writes.create(a!, w.form.id, { [w.key('名称')]: '被改的' })
    const y = w.core.writes.create(a!, w.form.id, { [w.key('名称')]: '被删的' })
    const c = client(w, a!)
    await c.sync()
    c.remove(w.form.id, x)
    c.update(w.form.id, y, { [w.key('备注')]: '我改的' })
    w.core.writes.update(w.actor, w.form.id, x, { [w.key('数量')]: 9 })
    w.core.writes.delete(w.actor, w.form.id, [y])
    await c.sync()
    expect(hostView(w, a!).has(x)).toBe(true)
    const kinds = w.host.conflicts(a!, true, 10).map((k) => k.kind).sort()
    expect(kinds).toEqual(['delete', 'deleted'])
    expect(replicaView(c, w.form.id)).toEqual(hostView(w, a!))
  })

  it('a push retried after its answer was lost applies once; a refusal is translated and keeps the values', async () => {
    w = await syncWorld()
    const [a] = w.users
    const real = directTransport(w, a!)
    let drop = true
    const c = client(w, a!, {
      pull: real.pull,
      push: async (input) => {
        const out = await real.push(input)
        if (drop) {
          drop = false
          throw new Error('connection reset')
        }
        return out
      }
    })
    await c.sync()
    c.create(w.form.id, { [w.key('名称')]: '只建一次', [w.key('金额')]: 1 })
    await expect(c.sync()).rejects.toThrow('connection reset')
    expect(c.pending()).toBe(1)
    await c.sync()
    expect([...hostView(w, a!).values()].filter((f) => f[w.key('名称')] === '只建一次')).toHaveLength(1)
    // A unique clash the laptop could not know of: refused by the host, the values kept in the inbox.
    w.core.schema.updateField({ id: w.form.fields.find((f) => f.label === '名称')!.id, unique: true })
    w.core.writes.create(w.actor, w.form.id, { [w.key('名称')]: '撞名' })
    await c.sync()
    c.create(w.form.id, { [w.key('名称')]: '撞名' })
    await c.sync()
    const refused = w.host.conflicts(a!, true, 10)
    expect(refused).toEqual([expect.objectContaining({ kind: 'refused', op: 'create', reason: expect.stringContaining('撞名') })])
    expect(refused[0]!.fields).toEqual([expect.objectContaining({ mine: '撞名' })])
  })

  it('a schema change on the host makes the client rebase before its operations apply', async () => {
    w = await syncWorld()
    const [a] = w.users
    const id = w.core.writes.create(a!, w.form.id, { [w.key('名称')]: '改设计' })
    const c = client(w, a!)
    await c.sync()
    c.update(w.form.id, id, { [w.key('数量')]: 7 })
    w.core.schema.addField(w.form.id, { label: '新字段', type: 'text' })
    await c.sync()
    expect(hostView(w, a!).get(id)![w.key('数量')]).toBe(7)
    expect(Object.keys(c.records(w.form.id)[0]!.fields)).toContain(w.core.schema.form(w.form.id).fields.find((f) => f.label === '新字段')!.apiKey)
    expect(replicaView(c, w.form.id)).toEqual(hostView(w, a!))
  })
})
