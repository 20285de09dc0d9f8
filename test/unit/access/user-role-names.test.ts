import { afterEach, describe, expect, it } from 'vitest'
import { testCore } from '../../support/core'

// The signed-in user's DTO names their roles, so the header shows 销售经理 rather than 成员.

describe('user DTO role names', () => {
  let close: (() => void) | undefined
  afterEach(() => close?.())

  it('lists the names of the user roles in the order of their ids', async () => {
    const t = await testCore()
    close = t.close
    const roles = t.core.org.roles()
    const id = (key: string) => roles.find((r) => r.key === key)!.id
    const user = await t.core.org.createUser(t.actor.id, { name: '王经理', login: 'wang', password: 'secret123', roleIds: [id('sales_manager'), id('sales_rep')] })
    const dto = t.core.auth.toDto(t.core.auth.user(user)!)
    const expected = [id('sales_manager'), id('sales_rep')].sort((a, b) => a - b).map((r) => roles.find((x) => x.id === r)!.name)
    expect(dto.roleNames).toEqual(expected)
    expect(dto.roleNames).toContain('销售经理')
  })

  it('leaves out the administrator role: the header says 管理员 / Administrator in the reader language', async () => {
    const t = await testCore()
    close = t.close
    const adminRole = t.core.org.roles().find((r) => r.isAdmin)!
    const manager = t.core.org.roles().find((r) => r.key === 'sales_manager')!
    const user = await t.core.org.createUser(t.actor.id, { name: '张总', login: 'zhang', password: 'secret123', roleIds: [adminRole.id, manager.id] })
    const dto = t.core.auth.toDto(t.core.auth.user(user)!)
    expect(dto.roleIds).toContain(adminRole.id)
    expect(dto.roleNames).toEqual([manager.name])
  })
})
