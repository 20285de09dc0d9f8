import { describe, expect, it } from 'vitest'
import { roleLine } from '../../../src-renderer/src/app/role-line'

// The header names what the user is: their roles, not 成员 for everyone, and never 管理员 twice.

describe('the role line under the user name', () => {
  const line = (name: string, isAdmin: boolean, roleNames: string[]) => roleLine({ name, isAdmin, roleNames }, '管理员', '成员', '、')
  it('shows the roles of a member, 管理员 first for an administrator', () => {
    expect(line('王经理', false, ['销售经理'])).toBe('销售经理')
    expect(line('李娜', false, ['销售代表', '财务'])).toBe('销售代表、财务')
    expect(line('张总', true, ['销售经理'])).toBe('管理员、销售经理')
  })
  it('says 成员 only for a member with no role, and never repeats the name', () => {
    expect(line('小王', false, [])).toBe('成员')
    expect(line('管理员', true, [])).toBe('')
    expect(line('管理员', true, ['管理员'])).toBe('')
  })
})
