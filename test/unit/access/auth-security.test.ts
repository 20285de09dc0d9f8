import { afterEach, describe, expect, it, vi } from 'vitest'
import { DESKTOP_ADDRESS, LOCK_MINUTES, MAX_FAILED_LOGINS, PASSWORD_COST, PasswordHasher, SESSION_IDLE_DAYS, SESSION_MAX_DAYS } from '../../../src-main/access/auth'
import { rejected, testCore } from '../../support/core'

// Sign-in security as a sales rep (销售代表) and as the administrator sees it: equal work for
// unknown logins, lockout per login and address, the local last administrator, API tokens that
// end with the password, session lifetimes, and the scrypt parameters.

type T = Awaited<ReturnType<typeof testCore>>
const cores: T[] = []
afterEach(() => {
  vi.restoreAllMocks()
  while (cores.length) cores.pop()!.close()
})

async function withRep(options: { passwordCost?: { N: number; r: number; p: number } } = {}) {
  const t = await testCore(options)
  cores.push(t)
  const repRole = t.core.org.roles().find((r) => r.key === 'sales_rep')!.id
  const rep = await t.core.org.createUser(t.actor.id, { name: '张伟', login: 'zhangwei', password: 'secret123', roleIds: [repRole] })
  return { ...t, rep }
}

const costOf = (hash: string) => hash.split('$').slice(1, 4).map(Number)

describe('login existence', () => {
  it('an unknown login costs one key derivation with the same parameters as a real one', async () => {
    const t = await withRep()
    const derive = vi.spyOn(t.core.auth.passwords, 'derive')
    expect((await rejected(t.core.auth.login('zhangwei', 'wrong-pass'))).messageKey).toBe('auth.badCredentials')
    expect(derive).toHaveBeenCalledTimes(1)
    const known = derive.mock.calls[0]!
    derive.mockClear()
    expect((await rejected(t.core.auth.login('nobody', 'wrong-pass'))).messageKey).toBe('auth.badCredentials')
    expect(derive).toHaveBeenCalledTimes(1)
    const unknown = derive.mock.calls[0]!
    // Same key length and the same N, r, p: the same work, whatever the machine's speed.
    expect(unknown[2]).toBe(known[2])
    expect(unknown[3]).toEqual(known[3])
  })

  it('an unknown login is locked after five failures exactly like a real one', async () => {
    const t = await withRep()
    for (const login of ['zhangwei', 'nobody']) {
      for (let i = 0; i < MAX_FAILED_LOGINS; i++) await rejected(t.core.auth.login(login, 'wrong-pass', { address: '10.0.0.8' }))
      expect((await rejected(t.core.auth.login(login, 'secret123', { address: '10.0.0.8' }))).messageKey).toBe('auth.locked')
    }
  })
})

describe('lockout per login and address', () => {
  it('five wrong passwords from one PC lock that PC only; the rep still signs in from their own', async () => {
    const t = await withRep()
    for (let i = 0; i < MAX_FAILED_LOGINS; i++) await rejected(t.core.auth.login('zhangwei', 'guess', { address: '10.0.0.66' }))
    const locked = await rejected(t.core.auth.login('zhangwei', 'secret123', { address: '10.0.0.66' }))
    expect(locked.messageKey).toBe('auth.locked')
    expect((await t.core.auth.login('zhangwei', 'secret123', { address: '10.0.0.12' })).user.id).toBe(t.rep)
    t.clock.advance((LOCK_MINUTES + 1) * 60_000)
    expect((await t.core.auth.login('zhangwei', 'secret123', { address: '10.0.0.66' })).user.id).toBe(t.rep)
  })

  it('a colleague on the LAN cannot lock the administrator out of their own computer', async () => {
    const t = await withRep()
    for (let i = 0; i < MAX_FAILED_LOGINS; i++) await rejected(t.core.auth.login('admin', 'guess', { address: '192.168.1.23' }))
    expect((await rejected(t.core.auth.login('admin', 'secret123', { address: '192.168.1.23' }))).messageKey).toBe('auth.locked')
    expect((await t.core.auth.login('admin', 'secret123', { address: '192.168.1.5' })).user.is_admin).toBe(1)
    expect((await t.core.auth.login('admin', 'secret123', { address: DESKTOP_ADDRESS })).user.is_admin).toBe(1)
  })

  it('the last active administrator on this machine is slowed down, never locked out', async () => {
    const t = await withRep()
    for (const address of ['127.0.0.1', '::1', DESKTOP_ADDRESS]) {
      for (let i = 0; i < MAX_FAILED_LOGINS; i++) await rejected(t.core.auth.login('admin', 'guess', { address }))
      const paused = await rejected(t.core.auth.login('admin', 'secret123', { address }))
      expect(paused.messageKey).toBe('auth.locked')
      expect(paused.params).toEqual({ minutes: 1 })
      t.clock.advance(61_000)
      expect((await t.core.auth.login('admin', 'secret123', { address })).user.is_admin).toBe(1)
    }
  })

  it('with a second active administrator, loopback gets the normal lock', async () => {
    const t = await withRep()
    const adminRole = t.core.org.roles().find((r) => r.isAdmin)!.id
    await t.core.org.createUser(t.actor.id, { name: '副管理员', login: 'admin2', password: 'secret123', roleIds: [adminRole] })
    for (let i = 0; i < MAX_FAILED_LOGINS; i++) await rejected(t.core.auth.login('admin', 'guess', { address: '127.0.0.1' }))
    t.clock.advance(61_000)
    expect((await rejected(t.core.auth.login('admin', 'secret123', { address: '127.0.0.1' }))).messageKey).toBe('auth.locked')
    // A sales rep on loopback is locked as anywhere else.
    for (let i = 0; i < MAX_FAILED_LOGINS; i++) await rejected(t.core.auth.login('zhangwei', 'guess', { address: '127.0.0.1' }))
    t.clock.advance(61_000)
    expect((await rejected(t.core.auth.login('zhangwei', 'secret123', { address: '127.0.0.1' }))).messageKey).toBe('auth.locked')
  })

  it('guesses sent all at once cannot exceed the limit before any has failed', async () => {
    const t = await withRep()
    const derive = vi.spyOn(t.core.auth.passwords, 'derive')
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => t.core.auth.login('zhangwei', 'guess', { address: '10.0.0.99' })))
    expect(results.every((r) => r.status === 'rejected')).toBe(true)
    expect(derive.mock.calls.length).toBe(MAX_FAILED_LOGINS)
  })

  it('an administrator password reset unlocks the login for every address', async () => {
    const t = await withRep()
    for (let i = 0; i < MAX_FAILED_LOGINS; i++) await rejected(t.core.auth.login('zhangwei', 'guess', { address: '10.0.0.66' }))
    expect(t.core.auth.toDto(t.core.auth.user(t.rep)!).lockedUntil).not.toBeNull()
    await t.core.auth.resetPassword(t.actor.id, t.rep, 'newsecret1')
    expect(t.core.auth.toDto(t.core.auth.user(t.rep)!).lockedUntil).toBeNull()
    expect((await t.core.auth.login('zhangwei', 'newsecret1', { address: '10.0.0.66' })).user.id).toBe(t.rep)
  })
})

describe('API tokens end with the password', () => {
  const token = (t: Awaited<ReturnType<typeof withRep>>) => t.core.auth.createToken(t.rep, { name: 'ERP', scope: 'write', expiresInDays: null }).token

  it('changing my password revokes all my API tokens and my other sessions', async () => {
    const t = await withRep()
    const api = token(t)
    const { token: other } = await t.core.auth.login('zhangwei', 'secret123')
    const { token: here } = await t.core.auth.login('zhangwei', 'secret123')
    await t.core.auth.changePassword(t.rep, 'secret123', 'newsecret1', here)
    expect(t.core.auth.resolve(api)).toBeNull()
    expect(t.core.auth.resolve(other)).toBeNull()
    expect(t.core.auth.resolve(here)?.user.id).toBe(t.rep)
    expect(t.core.auth.tokens(t.rep).every((x) => x.revoked)).toBe(true)
  })

  it('an administrator reset revokes them', async () => {
    const t = await withRep()
    const api = token(t)
    await t.core.auth.resetPassword(t.actor.id, t.rep, 'newsecret1')
    expect(t.core.auth.resolve(api)).toBeNull()
  })

  it('signing out everywhere revokes them', async () => {
    const t = await withRep()
    const api = token(t)
    t.core.auth.logoutEverywhere(t.rep)
    expect(t.core.auth.resolve(api)).toBeNull()
  })

  it('disabling the user revokes them', async () => {
    const t = await withRep()
    const api = token(t)
    t.core.org.updateUser(t.actor.id, t.rep, { active: false })
    t.core.org.updateUser(t.actor.id, t.rep, { active: true })
    expect(t.core.auth.resolve(api)).toBeNull()
  })
})

describe('session lifetime', () => {
  it('a session used every day still ends 30 days after sign-in', async () => {
    const t = await withRep()
    const { token } = await t.core.auth.login('zhangwei', 'secret123')
    for (let day = 1; day < SESSION_MAX_DAYS; day++) {
      t.clock.advance(86_400_000)
      expect(t.core.auth.resolve(token)?.user.id).toBe(t.rep)
    }
    t.clock.advance(86_400_000 + 1000)
    expect(t.core.auth.resolve(token)).toBeNull()
    expect(t.core.auth.sessions(t.rep, null)).toEqual([])
  })

  it('an unused session ends after the idle timeout', async () => {
    const t = await withRep()
    const { token } = await t.core.auth.login('zhangwei', 'secret123')
    t.clock.advance(SESSION_IDLE_DAYS * 86_400_000 + 1000)
    expect(t.core.auth.resolve(token)).toBeNull()
  })
})

describe('password hashing', () => {
  it('uses the OWASP scrypt parameters by default and off the main thread', async () => {
    expect(PASSWORD_COST).toEqual({ N: 2 ** 17, r: 8, p: 1 })
    const hasher = new PasswordHasher()
    expect(hasher.cost).toEqual(PASSWORD_COST)
    let ticks = 0
    const timer = setInterval(() => ticks++, 1)
    const hash = await hasher.hash('secret123')
    clearInterval(timer)
    // The main thread kept serving while the key was derived.
    expect(ticks).toBeGreaterThan(0)
    expect(costOf(hash)).toEqual([2 ** 17, 8, 1])
    expect(await hasher.verify('secret123', hash)).toBe(true)
  }, 30_000)

  it('a hash made with the old parameters still verifies and is upgraded at the next sign-in', async () => {
    const t = await testCore({ passwordCost: PASSWORD_COST })
    cores.push(t)
    // What earlier versions stored: scrypt N=16384, r=8, p=1.
    const old = await new PasswordHasher({ N: 16384, r: 8, p: 1 }).hash('secret123')
    t.core.db.prepare('UPDATE users SET password_hash = ? WHERE id = ?').run(old, t.actor.id)
    expect((await t.core.auth.login('admin', 'secret123')).user.id).toBe(t.actor.id)
    const upgraded = t.core.db.prepare('SELECT password_hash FROM users WHERE id = ?').pluck().get(t.actor.id) as string
    expect(costOf(upgraded)).toEqual([2 ** 17, 8, 1])
    expect((await t.core.auth.login('admin', 'secret123')).user.id).toBe(t.actor.id)
  }, 30_000)
})
