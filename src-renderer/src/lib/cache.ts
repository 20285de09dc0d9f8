import { useEffect, useState } from 'react'
import type { FormDto } from '@shared/api/contracts'
import type { MethodOutput } from '@shared/api/contracts'
import { api, dropPrefetched } from '../api/client'

// Small look-ups many inputs share (the user list for member fields, target forms of relation
// fields) are fetched once per session and reused; `clearCache` runs on login and logout.

type User = MethodOutput<'users.list'>[number]

let usersPromise: Promise<User[]> | null = null
const formPromises = new Map<number, Promise<FormDto>>()

export function clearCache(): void {
  dropPrefetched()
  usersPromise = null
  formPromises.clear()
}

/** After users were added or changed (organization page), member pickers load the list again. */
export function invalidateUsers(): void {
  usersPromise = null
}

export function loadUsers(): Promise<User[]> {
  if (!usersPromise) {
    usersPromise = api.users.list().catch((error: unknown) => {
      usersPromise = null
      throw error
    })
  }
  return usersPromise
}

export function loadForm(id: number): Promise<FormDto> {
  let promise = formPromises.get(id)
  if (!promise) {
    promise = api.forms.get({ form: id }).catch((error: unknown) => {
      formPromises.delete(id)
      throw error
    })
    formPromises.set(id, promise)
  }
  return promise
}

export function useUsers(): User[] {
  const [users, setUsers] = useState<User[]>([])
  useEffect(() => {
    let live = true
    loadUsers().then(
      (list) => live && setUsers(list),
      () => live && setUsers([])
    )
    return () => {
      live = false
    }
  }, [])
  return users
}
