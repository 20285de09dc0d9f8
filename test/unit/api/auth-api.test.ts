import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { MAX_FAILED_LOGINS, SESSION_MAX_AGE_SECONDS } from '../../../src-main/access/auth'
import { Dispatcher } from '../../../src-main/api/dispatcher'
import { servedCore } from '../../support/http'

// The sign-in and user-list side of the API, as a sales rep (销售代表) and as the administrator:
// what users.list tells colleagues, that the transports hand the caller's address to the
// lockout, that API tokens die with the password, and the session cookie's lifetime.

let served: Awaited<ReturnType<typeof servedCore>>
let dispatcher: Dispatcher
let admin: string
let rep: string
let repId: number

async function rpc(method: string, input: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${served.base}/rpc/${method}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(input) })
  return { status: res.status, body: (await res.json()) as { ok: boolean; data?: any; error?: any }, cookie: res.headers.get('set-cookie') }
}
async function call(method: string, input: unknown, token: string | null, address?: string) {
  return dispatcher.call(method, input, { token, address }) as Promise<{ ok: boolean; data?: any; error?: any }>
}

beforeAll(async () => {
  served = await servedCore()
  dispatcher = new Dispatcher(served.host, () => {})
  admin = (await call('auth.setup', { name: '王总', login: 'wang', password: 'secret123' }, null)).data.token
  const roles = (await call('roles.list', {}, admin)).data as Array<{ id: number; key: string }>
  const dept = (await call('departments.create', { name: '华东销售部' }, admin)).data
  const created = await call('users.create', {
    name: '张伟', login: 'zhangwei', password: 'secret123', phone: '13800000001', email: 'zw@example.com', departmentId: dept.id, roleIds: [roles.find((r) => r.key === 'sales_rep')!.id]
  }, admin)
  expect(created.ok).toBe(true)
  repId = created.data.id
  await call('users.create', { name: '李娜', login: 'lina', password: 'secret123', phone: '13900000002', email: 'ln@example.com', departmentId: dept.id }, admin)
  rep = (await call('auth.login', { login: 'zhangwei', password: 'secret123' }, null)).data.token
})
afterAll(() => served.close())

describe('users.list', () => {
  it('gives a sales rep what a colleague picker needs and nothing else', async () => {
    const list = await call('users.list', {}, rep)
    expect(list.ok).toBe(true)
    for (const u of list.data) expect(Object.keys(u).sort()).toEqual(['active', 'departmentId', 'id', 'name'])
    expect(list.data.find((u: { name: string }) => u.name === '李娜')).toMatchObject({ active: true, departmentId: expect.any(Number) })
    expect(JSON.stringify(list.data)).not.toMatch(/139000|ln@example|lina|lockedUntil|roleIds/)
  })

  it('keeps the full list (contact data, login, roles, lock status) for administrators', async () => {
    expect((await call('users.listFull', {}, rep)).error).toMatchObject({ code: 'PERMISSION' })
    const full = await call('users.listFull', {}, admin)
    expect(full.data.find((u: { login: string }) => u.login === 'lina')).toMatchObject({ name: '李娜', phone: '13900000002', email: 'ln@example.com', roleIds: [], lockedUntil: null })
    // Over HTTP with the admin's cookie, the same.
    expect((await rpc('users.listFull', {}, { cookie: `jimu_session=${admin}` })).body.data).toHaveLength(3)
  })
})

describe('sign-in', () => {
  it('the HTTP transport passes the peer address, so the lockout is per login and address', async () => {
    const login = vi.spyOn(served.host.core.auth, 'login')
    await rpc('auth.login', { login: 'lina', password: 'wrong-pass' })
    expect(login.mock.calls[0]![2]).toMatchObject({ address: '127.0.0.1' })
    login.mockRestore()
    for (let i = 1; i < MAX_FAILED_LOGINS; i++) await rpc('auth.login', { login: 'lina', password: 'wrong-pass' })
    expect((await rpc('auth.login', { login: 'lina', password: 'secret123' })).body.error.messageKey).toBe('auth.locked')
    // From another PC the colleague signs in as usual.
    expect((await call('auth.login', { login: 'lina', password: 'secret123' }, null, '192.168.1.40')).ok).toBe(true)
  })

  it('the session cookie does not outlive the session', async () => {
    const res = await rpc('auth.login', { login: 'wang', password: 'secret123' })
    const maxAge = Number(/Max-Age=(\d+)/.exec(res.cookie ?? '')?.[1])
    expect(maxAge).toBeGreaterThan(0)
    expect(maxAge).toBeLessThanOrEqual(SESSION_MAX_AGE_SECONDS)
  })

  it('changing the password over the API revokes the rep\'s API tokens', async () => {
    const { token } = (await call('tokens.create', { name: 'Excel', scope: 'read' }, rep)).data
    expect((await call('auth.me', {}, token)).data.id).toBe(repId)
    expect((await call('auth.changePassword', { oldPassword: 'secret123', newPassword: 'newsecret1' }, rep)).ok).toBe(true)
    expect((await call('auth.me', {}, token)).error).toMatchObject({ code: 'UNAUTHENTICATED' })
    expect((await call('auth.me', {}, rep)).data.id).toBe(repId)
    expect((await call('tokens.list', {}, rep)).data.every((t: { revoked: boolean }) => t.revoked)).toBe(true)
  })

  it('an administrator reset revokes them too, and sign-out-everywhere does', async () => {
    const first = (await call('tokens.create', { name: 'ERP', scope: 'write' }, rep)).data.token
    expect((await call('users.resetPassword', { id: repId, password: 'resetpass1' }, admin)).ok).toBe(true)
    expect((await call('auth.me', {}, first)).error).toMatchObject({ code: 'UNAUTHENTICATED' })
    const session = (await call('auth.login', { login: 'zhangwei', password: 'resetpass1' }, null)).data.token
    const second = (await call('tokens.create', { name: 'ERP', scope: 'write' }, session)).data.token
    expect((await call('auth.logoutEverywhere', {}, session)).ok).toBe(true)
    expect((await call('auth.me', {}, second)).error).toMatchObject({ code: 'UNAUTHENTICATED' })
  })
})
