import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testCore } from '../../support/core'

// People's names in records (creator, editor, owner, member fields) are kept between pages while
// the organization is unchanged (src-main/records/serialize.ts): a renamed colleague must read
// under the new name on the very next page, and an id that had nobody must not stay nameless.

type T = Awaited<ReturnType<typeof testCore>>
let t: T
let form: number
let colleague: number
beforeAll(async () => {
  t = await testCore()
  form = t.form('跟进', [{ label: '主题', type: 'text' }, { label: '跟进人', type: 'member' }]).id
  colleague = await t.core.org.createUser(t.actor.id, { name: '王芳', login: 'wangfang', password: 'secret-123' })
  t.core.writes.create(t.actor, form, { 主题: '拜访', 跟进人: colleague, owner: colleague })
})
afterAll(() => t.close())

const first = () => t.core.reads.list(t.actor, { form, limit: 10 }).records[0]!

describe('names in records', () => {
  it('follow a rename on the next page', () => {
    expect(first().owner).toEqual({ id: colleague, name: '王芳' })
    expect(first().fields.genJinRen).toEqual({ id: colleague, name: '王芳' })
    t.core.org.updateUser(t.actor.id, colleague, { name: '王芳芳' })
    expect(first().owner).toEqual({ id: colleague, name: '王芳芳' })
    expect(first().fields.genJinRen).toEqual({ id: colleague, name: '王芳芳' })
    expect(first().createdBy).toEqual({ id: t.actor.id, name: t.actor.name })
  })

  it('are the same on a record page and in a list', () => {
    const listed = first()
    expect(t.core.reads.get(t.actor, form, listed.id)).toEqual(listed)
  })
})
