import { useCallback, useEffect, useState } from 'react'
import type { MethodOutput } from '@shared/api/contracts'
import { api, errorMessage } from '../api/client'

// The organization as the renderer sees it: users, the department tree (flat from the API, with
// parent ids) and roles, loaded together because every admin screen needs all three. Only
// administrators get the full user list; everyone else gets colleagues (users.list).

/** A user as administrators see them (organization page): login, contact data, roles, lock status. */
export type UserInfo = MethodOutput<'users.listFull'>[number]
/** A colleague as everyone sees them (pickers): id, name, department, active. */
export type Colleague = MethodOutput<'users.list'>[number]
export type Department = MethodOutput<'departments.list'>[number]
export type Role = MethodOutput<'roles.list'>[number]

export interface DepartmentNode {
  department: Department
  depth: number
  children: DepartmentNode[]
}

const byPosition = (a: Department, b: Department) => a.position - b.position || a.name.localeCompare(b.name, 'zh-CN') || a.id - b.id

/** The tree from the flat list. A department whose parent is missing (or forms a cycle) is shown at the top. */
export function departmentTree(list: readonly Department[]): DepartmentNode[] {
  const ids = new Set(list.map((d) => d.id))
  const childrenOf = new Map<number | null, Department[]>()
  for (const d of list) {
    const parent = d.parentId !== null && ids.has(d.parentId) && d.parentId !== d.id ? d.parentId : null
    const siblings = childrenOf.get(parent) ?? []
    siblings.push(d)
    childrenOf.set(parent, siblings)
  }
  const seen = new Set<number>()
  const build = (parent: number | null, depth: number): DepartmentNode[] =>
    (childrenOf.get(parent) ?? [])
      .filter((d) => !seen.has(d.id))
      .sort(byPosition)
      .map((department) => {
        seen.add(department.id)
        return { department, depth, children: build(department.id, depth + 1) }
      })
  const roots = build(null, 0)
  // Anything not reached is part of a cycle: show it at the top rather than lose it.
  for (const d of list) if (!seen.has(d.id)) roots.push({ department: d, depth: 0, children: build(d.id, 1) })
  return roots
}

/** Depth-first, parents before their children: the order of an indented list. */
export function flattenTree(nodes: readonly DepartmentNode[]): DepartmentNode[] {
  return nodes.flatMap((n) => [n, ...flattenTree(n.children)])
}

/** A department and everything under it. */
export function subtreeIds(list: readonly Department[], id: number): Set<number> {
  const out = new Set<number>([id])
  let grew = true
  while (grew) {
    grew = false
    for (const d of list) {
      if (d.parentId !== null && out.has(d.parentId) && !out.has(d.id)) {
        out.add(d.id)
        grew = true
      }
    }
  }
  return out
}

/** "总公司 / 华东销售部 / 杭州组" */
export function departmentPath(list: readonly Department[], id: number | null): string {
  const byId = new Map(list.map((d) => [d.id, d]))
  const names: string[] = []
  const seen = new Set<number>()
  let current = id === null ? undefined : byId.get(id)
  while (current && !seen.has(current.id)) {
    seen.add(current.id)
    names.unshift(current.name)
    current = current.parentId === null ? undefined : byId.get(current.parentId)
  }
  return names.join(' / ')
}

export function isLocked(user: UserInfo, now = Date.now()): boolean {
  return user.lockedUntil !== null && Date.parse(user.lockedUntil) > now
}

export interface OrgData {
  users: UserInfo[]
  departments: Department[]
  roles: Role[]
}

export function useOrgData(): { data: OrgData | null; failure: string | null; reload(): Promise<void> } {
  const [data, setData] = useState<OrgData | null>(null)
  const [failure, setFailure] = useState<string | null>(null)
  const reload = useCallback(async () => {
    try {
      const [users, departments, roles] = await Promise.all([api.users.listFull(), api.departments.list(), api.roles.list()])
      setData({ users, departments, roles })
      setFailure(null)
    } catch (error) {
      setFailure(errorMessage(error))
    }
  }, [])
  useEffect(() => {
    void reload()
  }, [reload])
  return { data, failure, reload }
}
