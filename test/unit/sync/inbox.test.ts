import { afterEach, describe, expect, it } from 'vitest'
import { client, hostView, syncWorld, type World } from './harness'

// The 冲突 inbox as the page shows it: both sides of a field in records.get's shape, so the page
// formats them with the same field renderers (an option, an amount), never raw input.

let w: World
afterEach(() => w?.close())

describe('the 冲突 inbox shows both values as the record shows them', () => {
  it('my value of an option and an amount is in the read shape, and keeping mine makes the record show exactly it', async () => {
    w = await syncWorld()
    const [a] = w.users
    const id = w.core.writes.create(a!, w.form.id, { [w.key('名称')]: '形状', [w.key('金额')]: 10 })
    const c = client(w, a!)
    await c.sync()
    c.update(w.form.id, id, { [w.key('金额')]: '1,250.5', [w.key('阶段')]: 'b' })
    w.core.writes.update(w.actor, w.form.id, id, { [w.key('金额')]: 99, [w.key('阶段')]: 'a' })
    await c.sync()
    const [conflict] = w.host.conflicts(a!, true, 10)
    const byKey = new Map(conflict!.fields.map((f) => [f.key, f]))
    expect(conflict!.recordTitle).toBe('形状')
    expect(byKey.get(w.key('金额'))).toMatchObject({ theirs: 99, theirsBy: '管理员' })
    // Typed as text offline ('1,250.5'): shown as the number the host would store.
    expect(byKey.get(w.key('金额'))!.mine).toBe(1250.5)
    const mineStage = byKey.get(w.key('阶段'))!.mine
    w.host.resolve(a!, { id: conflict!.id, fields: { [w.key('金额')]: 'mine', [w.key('阶段')]: 'mine' } })
    const after = hostView(w, a!).get(id)!
    expect(after[w.key('阶段')]).toEqual(mineStage)
    expect(after[w.key('金额')]).toBe(1250.5)
    expect(w.host.openCount(a!)).toBe(0)
  })

  it('keeping the office’s value changes nothing on the record and closes the entry', async () => {
    w = await syncWorld()
    const [a] = w.users
    const id = w.core.writes.create(a!, w.form.id, { [w.key('名称')]: '办公室赢', [w.key('备注')]: '原来' })
    const c = client(w, a!)
    await c.sync()
    c.update(w.form.id, id, { [w.key('备注')]: '我的' })
    w.core.writes.update(w.actor, w.form.id, id, { [w.key('备注')]: '办公室的' })
    await c.sync()
    expect(w.host.openCount(a!)).toBe(1)
    const [conflict] = w.host.conflicts(a!, true, 10)
    const version = w.core.reads.get(a!, w.form.id, id).version
    const resolved = w.host.resolve(a!, { id: conflict!.id, fields: { [w.key('备注')]: 'theirs' } })
    expect(resolved.resolvedAt).not.toBeNull()
    expect(w.core.reads.get(a!, w.form.id, id).version).toBe(version)
    expect(hostView(w, a!).get(id)![w.key('备注')]).toBe('办公室的')
    expect(w.host.conflicts(a!, false, 10)).toHaveLength(1)
    // Another user never sees (or resolves) someone else's entry.
    expect(w.host.conflicts(w.users[1]!, false, 10)).toEqual([])
  })

  it('a field hidden from the role after the conflict is left out of the entry (neither value is shown) and needs no choice', async () => {
    w = await syncWorld()
    const [a] = w.users
    const id = w.core.writes.create(a!, w.form.id, { [w.key('名称')]: '隐藏', [w.key('金额')]: 1, [w.key('备注')]: '原来' })
    const c = client(w, a!)
    await c.sync()
    c.update(w.form.id, id, { [w.key('金额')]: 2, [w.key('备注')]: '我的秘密' })
    w.core.writes.update(w.actor, w.form.id, id, { [w.key('金额')]: 3, [w.key('备注')]: '办公室的秘密' })
    await c.sync()
    w.core.org.setPermission(w.actor.id, w.role.id, { formId: w.form.id, actions: ['view', 'create', 'edit', 'delete'], scope: 'own', fieldRules: { [w.noteField.id]: 'hidden' } })
    const [conflict] = w.host.conflicts(a!, true, 10)
    expect(conflict!.fields.map((f) => f.key)).toEqual([w.key('金额')])
    expect(JSON.stringify(conflict)).not.toContain('秘密')
    w.host.resolve(a!, { id: conflict!.id, fields: { [w.key('金额')]: 'mine' } })
    expect(w.core.reads.get(w.actor, w.form.id, id).fields[w.key('备注')]).toBe('办公室的秘密')
    expect(w.core.reads.get(w.actor, w.form.id, id).fields[w.key('金额')]).toBe(2)
  })

  it('a refused value that does not convert is shown as typed, so it can be copied', async () => {
    w = await syncWorld()
    const [a] = w.users
    const c = client(w, a!)
    await c.sync()
    w.core.schema.updateField({ id: w.form.fields.find((f) => f.label === '名称')!.id, unique: true })
    w.core.writes.create(w.actor, w.form.id, { [w.key('名称')]: '撞名' })
    c.create(w.form.id, { [w.key('名称')]: '撞名', [w.key('金额')]: 5 })
    await c.sync()
    const [refused] = w.host.conflicts(a!, true, 10)
    expect(refused!.kind).toBe('refused')
    expect(new Map(refused!.fields.map((f) => [f.key, f.mine]))).toEqual(new Map<string, unknown>([[w.key('名称'), '撞名'], [w.key('金额'), 5]]))
  })
})
