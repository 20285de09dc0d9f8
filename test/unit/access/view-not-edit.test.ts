import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Actor } from '../../../src-main/access/actor'
import { caught, testCore } from '../../support/core'

// A user whose roles grant viewing and changing over different scopes (a custom role that sees
// every customer, the rep's role that changes only their own): a change of a record they can see
// but not change is refused saying so, in their language; a record they cannot see still reads
// as not found, so its existence is not disclosed. (A laptop's offline edit of such a record is
// refused with this message on push, into the 冲突 inbox.)

type T = Awaited<ReturnType<typeof testCore>>
let t: T
let form: number
let rep: Actor
let theirs: number
let others: number
let hidden: number
beforeAll(async () => {
  t = await testCore()
  const f = t.form('客户', [{ label: '客户名称', type: 'text' }, { label: '城市', type: 'text' }])
  form = f.id
  const org = t.core.org
  const viewer = org.createRole(t.actor.id, { name: '客户查看' })
  org.setPermission(t.actor.id, viewer.id, { formId: form, actions: ['view'], scope: 'custom', scopeFilter: { field: 'chengShi', op: 'eq', value: '上海' }, fieldRules: {} })
  const editor = org.createRole(t.actor.id, { name: '客户维护' })
  org.setPermission(t.actor.id, editor.id, { formId: form, actions: ['view', 'edit', 'delete'], scope: 'own', fieldRules: {} })
  const id = await org.createUser(t.actor.id, { name: '陈静', login: 'chenjing', password: 'secret-123', roleIds: [viewer.id, editor.id] })
  rep = { id, name: '陈静', isAdmin: false, locale: 'zh-CN' }
  theirs = t.core.writes.create(t.actor, form, { 客户名称: '陈静的客户', 城市: '杭州', owner: id })
  others = t.core.writes.create(t.actor, form, { 客户名称: '上海客户', 城市: '上海' })
  hidden = t.core.writes.create(t.actor, form, { 客户名称: '北京客户', 城市: '北京' })
})
afterAll(() => t.close())

describe('a record one may view but not change', () => {
  it('is refused with what the user may do, naming the form', () => {
    expect(t.core.reads.get(rep, form, others).fields.keHuMingCheng).toBe('上海客户')
    const edit = caught(() => t.core.writes.update(rep, form, others, { 城市: '苏州' }))
    expect(edit.name).toBe('PermissionError')
    expect(edit.messageKey).toBe('error.recordEditDenied')
    expect(edit.params).toEqual({ id: others, form: '客户' })
    const remove = caught(() => t.core.writes.delete(rep, form, [others]))
    expect(remove.messageKey).toBe('error.recordDeleteDenied')
    expect(t.core.reads.get(t.actor, form, others).fields.chengShi).toBe('上海')
  })

  it('outside what one may view, reads as not found', () => {
    expect(caught(() => t.core.writes.update(rep, form, hidden, { 城市: '苏州' })).name).toBe('NotFoundError')
  })

  it('one’s own record is changed', () => {
    t.core.writes.update(rep, form, theirs, { 城市: '宁波' })
    expect(t.core.reads.get(rep, form, theirs).fields.chengShi).toBe('宁波')
  })
})
