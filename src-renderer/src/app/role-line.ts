import type { MethodOutput } from '@shared/api/contracts'

type User = MethodOutput<'auth.me'>

/**
 * Under the name: the user's roles (销售经理、财务), 管理员 first for an administrator, 成员 for one
 * with no role; nothing that only repeats the name (the first administrator is often called 管理员).
 */
export function roleLine(user: Pick<User, 'name' | 'isAdmin' | 'roleNames'>, admin: string, member: string, separator: string): string {
  const names = [...new Set([...(user.isAdmin ? [admin] : []), ...user.roleNames])].filter((n) => n !== user.name)
  if (names.length) return names.join(separator)
  return user.isAdmin ? '' : member
}
