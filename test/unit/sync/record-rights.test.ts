import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Actor } from '../../../src-main/access/actor'
import { caught } from '../../support/core'
import { client, syncWorld, type World } from './harness'

// Each record a laptop holds comes with the actions its user has on the form but not on that
// record (a role that sees every 商机 beside the rep's role that changes only their own): offline,
// a change of such a record is refused at once with the office's own message, nothing queued —
// before, it waited for the push and landed in the 冲突 inbox. The rights follow the record
// (a transfer to the user) and the role (a wider edit scope resends the form).

let w: World
let rep: Actor
let mine: number
let theirs: number
let viewer: number
beforeAll(async () => {
  w = await syncWorld(2)
  rep = w.users[0]!
  const role = w.core.org.createRole(w.actor.id, { name: '商机查看' })
  viewer = role.id
  w.core.org.setPermission(w.actor.id, role.id, { formId: w.form.id, actions: ['view'], scope: 'all', fieldRules: {} })
  w.core.org.updateUser(w.actor.id, rep.id, { roleIds: [w.role.id, role.id] })
  mine = w.core.writes.create(w.actor, w.form.id, { 名称: '我的商机', owner: rep.id })
  theirs = w.core.writes.create(w.actor, w.form.id, { 名称: '同事的商机', owner: w.users[1]!.id })
})
afterAll(() => w.close())

describe('per-record rights on a laptop', () => {
  it('refuses offline a change of a record the user may see but not change, saying so; their own record changes', async () => {
    const c = client(w, rep)
    await c.sync()
    expect(c.record(w.form.id, theirs)?.fields[w.key('名称')]).toBe('同事的商机')
    const edit = caught(() => c.update(w.form.id, theirs, { [w.key('备注')]: '路上改的' }))
    expect(edit.name).toBe('PermissionError')
    expect(edit.messageKey).toBe('error.recordEditDenied')
    expect(edit.params).toEqual({ id: theirs, form: '商机' })
    expect(caught(() => c.remove(w.form.id, theirs)).messageKey).toBe('error.recordDeleteDenied')
    expect(c.pending()).toBe(0)
    expect(c.record(w.form.id, theirs)?.fields[w.key('备注')]).toBeNull()
    c.update(w.form.id, mine, { [w.key('备注')]: '路上改的' })
    expect(c.pending()).toBe(1)
    await c.sync()
    expect(w.core.reads.get(w.actor, w.form.id, mine).fields[w.key('备注')]).toBe('路上改的')
    c.db.close()
  })

  it('follows the record: transferred to the user, it may be changed offline', async () => {
    const c = client(w, rep)
    await c.sync()
    expect(caught(() => c.update(w.form.id, theirs, { [w.key('备注')]: 'x' })).messageKey).toBe('error.recordEditDenied')
    w.core.writes.update(w.actor, w.form.id, theirs, { owner: rep.id })
    await c.sync()
    c.update(w.form.id, theirs, { [w.key('备注')]: '转给我了' })
    await c.sync()
    expect(w.core.reads.get(w.actor, w.form.id, theirs).fields[w.key('备注')]).toBe('转给我了')
    w.core.writes.update(w.actor, w.form.id, theirs, { owner: w.users[1]!.id })
    await c.sync()
    expect(caught(() => c.update(w.form.id, theirs, { [w.key('备注')]: 'y' })).messageKey).toBe('error.recordEditDenied')
    c.db.close()
  })

  it('follows the role: a wider edit scope resends the form and lifts the refusal; delete stays narrower', async () => {
    const c = client(w, rep)
    await c.sync()
    w.core.org.setPermission(w.actor.id, viewer, { formId: w.form.id, actions: ['view', 'edit'], scope: 'all', fieldRules: {} })
    await c.sync()
    c.update(w.form.id, theirs, { [w.key('备注')]: '全部可改' })
    expect(caught(() => c.remove(w.form.id, theirs)).messageKey).toBe('error.recordDeleteDenied')
    await c.sync()
    expect(w.core.reads.get(w.actor, w.form.id, theirs).fields[w.key('备注')]).toBe('全部可改')
    w.core.org.setPermission(w.actor.id, viewer, { formId: w.form.id, actions: ['view'], scope: 'all', fieldRules: {} })
    c.db.close()
  })

  it('sends no rights when the user changes all they see (the pull stays as it was)', () => {
    const other = w.users[1]!
    const page = w.host.pull(other, { cursor: 0, forms: {}, resume: null, limit: 100, refresh: [], todos: false, todosKey: null })
    expect(page.records.length).toBeGreaterThan(0)
    expect(page.records.every((r) => r.denied === undefined)).toBe(true)
    const mineToo = w.host.pull(rep, { cursor: 0, forms: {}, resume: null, limit: 100, refresh: [], todos: false, todosKey: null })
    expect(mineToo.records.find((r) => r.record.id === mine)?.denied).toBeUndefined()
    expect(mineToo.records.find((r) => r.record.id === theirs)?.denied).toEqual(['edit', 'delete'])
  })
})
