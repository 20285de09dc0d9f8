import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto'
import type { Sqlite } from '../db/connection'
import type { Clock } from '../clock'
import { AuthError, ConflictError, NotFoundError, ValidationError } from '../shared/errors'
import type { Locale } from '../shared/locales'
import type { ColleagueDto, UserDto } from '../shared/api/contracts'
import type { Actor } from './actor'
import type { AuditLog } from './audit'

// Passwords: scrypt with a per-user salt, derived on libuv's thread pool (never on the main
// thread, which serves every other request meanwhile). Sessions and API tokens: random secrets of
// which only the SHA-256 is stored, so a copied database file hands out nothing usable. Repeated
// failed logins lock that login for the address they came from; every login, failure, logout and
// password change is in the audit trail.

/** A session ends this long after sign-in, however active it is (the cookie lives no longer). */
export const SESSION_MAX_DAYS = 30
export const SESSION_MAX_AGE_SECONDS = SESSION_MAX_DAYS * 86_400
/**
 * …and when unused for this long (the sliding expiry sessions always had). Equal to the absolute
 * lifetime today, so only the absolute end bites; kept apart so either can be tuned.
 */
export const SESSION_IDLE_DAYS = 30
export const MAX_FAILED_LOGINS = 5
export const LOCK_MINUTES = 15
/**
 * The last active administrator signing in on this machine (loopback or the desktop app) is never
 * locked out, or nobody could administer the installation for a quarter of an hour: after
 * MAX_FAILED_LOGINS failures they wait this long between rounds instead.
 */
export const LOCAL_ADMIN_PAUSE_SECONDS = 60
/** The address the desktop app's IPC transport reports: the person at this computer. */
export const DESKTOP_ADDRESS = 'desktop'

export interface ScryptCost { N: number; r: number; p: number }
/** OWASP Password Storage Cheat Sheet (scrypt): N=2^17, r=8, p=1 — about 128 MiB per derivation. */
export const PASSWORD_COST: ScryptCost = { N: 2 ** 17, r: 8, p: 1 }
const KEYLEN = 64

/** Loopback or the desktop app: someone at the machine the core runs on. */
export function isLocalAddress(address: string | undefined): boolean {
  if (!address) return false
  return address === DESKTOP_ADDRESS || address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.')
}

/**
 * Hashes and verifies passwords as `scrypt$N$r$p$salt$key`: the parameters travel with the hash,
 * so a hash made under older (cheaper) parameters still verifies and is replaced on the next
 * successful sign-in.
 */
export class PasswordHasher {
  /** Stands in for the hash of a login that names nobody: the current parameters, a random key. */
  private readonly dummy: string

  constructor(readonly cost: ScryptCost = PASSWORD_COST) {
    this.dummy = `scrypt$${cost.N}$${cost.r}$${cost.p}$${randomBytes(16).toString('base64')}$${randomBytes(KEYLEN).toString('base64')}`
  }

  async hash(password: string): Promise<string> {
    const salt = randomBytes(16)
    const key = await this.derive(password, salt, KEYLEN, this.cost)
    return `scrypt$${this.cost.N}$${this.cost.r}$${this.cost.p}$${salt.toString('base64')}$${key.toString('base64')}`
  }

  async verify(password: string, stored: string): Promise<boolean> {
    const parsed = parseHash(stored)
    // An account without a password (a colleague who does not sign in) costs a stranger the same
    // time as a real one: the answer must not tell which logins exist.
    if (!parsed) return this.verifyNobody(password)
    const actual = await this.derive(password, parsed.salt, parsed.key.length, parsed.cost)
    return timingSafeEqual(parsed.key, actual)
  }

  /**
   * The same work as checking a real account's password, for a login that names nobody: answering
   * faster would tell a stranger which logins exist.
   */
  async verifyNobody(password: string): Promise<false> {
    await this.verify(password, this.dummy)
    return false
  }

  /** A hash made with weaker parameters than the current ones. */
  needsRehash(stored: string): boolean {
    const parsed = parseHash(stored)
    return !parsed || parsed.cost.N < this.cost.N || parsed.cost.r < this.cost.r || parsed.cost.p < this.cost.p || parsed.key.length < KEYLEN
  }

  /** The one place a key is derived (on the thread pool). */
  derive(password: string, salt: Buffer, keylen: number, cost: ScryptCost): Promise<Buffer> {
    // scrypt needs 128·N·r bytes; node refuses more than 32 MiB unless told.
    const maxmem = 256 * cost.N * cost.r + 1024 * 1024
    return new Promise((resolve, reject) => {
      scrypt(password.normalize('NFKC'), salt, keylen, { N: cost.N, r: cost.r, p: cost.p, maxmem }, (err, key) => (err ? reject(err) : resolve(key)))
    })
  }
}

function parseHash(stored: string): { cost: ScryptCost; salt: Buffer; key: Buffer } | null {
  const [scheme, n, r, p, salt, key] = stored.split('$')
  const cost = { N: Number(n), r: Number(r), p: Number(p) }
  if (scheme !== 'scrypt' || !salt || !key || ![cost.N, cost.r, cost.p].every((x) => Number.isInteger(x) && x > 0)) return null
  return { cost, salt: Buffer.from(salt, 'base64'), key: Buffer.from(key, 'base64') }
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex')
/** A session's public id: a prefix of its hash (enough to pick it from a list, useless to sign in). */
const sessionId = (tokenHash: string) => tokenHash.slice(0, 16)

export interface UserRow {
  id: number; name: string; login: string; is_admin: number; active: number; locale: string; password_hash: string
  phone: string | null; email: string | null; department_id: number | null; manager_id: number | null; failed_logins: number; locked_until: number | null
}

export function toActor(u: UserRow): Actor {
  return { id: u.id, name: u.name, isAdmin: !!u.is_admin, locale: u.locale === 'en' ? 'en' : 'zh-CN' }
}

/** Who is calling, and through what: a session (full rights) or an API token (its scope). */
export interface Principal {
  user: UserRow
  via: 'session' | 'token'
  scope: 'read' | 'write'
}

/** Where a sign-in comes from: the client software (user agent) and the network address. */
export interface LoginSource {
  client?: string
  address?: string
}

/** Failed sign-ins of one login from one address. */
interface Attempts { failed: number; lastAt: number; lockedUntil: number }

export class AuthService {
  /** Failed sign-ins per login and address; in memory, so a restart forgives them. */
  private readonly attempts = new Map<string, Attempts>()

  constructor(private readonly db: Sqlite, private readonly clock: Clock, private readonly audit: AuditLog, readonly passwords: PasswordHasher = new PasswordHasher()) {}

  needsSetup(): boolean {
    return (this.db.prepare('SELECT COUNT(*) FROM users').pluck().get() as number) === 0
  }

  /** First run: the administrator. Refused once any user exists. */
  async setup(input: { name: string; login: string; password: string }): Promise<{ user: UserRow; token: string }> {
    if (!this.needsSetup()) throw new ConflictError('auth.setupDone')
    const hash = await this.passwords.hash(input.password)
    return this.tx(() => {
      // Checked again: another setup may have finished while the hash was computed.
      if (!this.needsSetup()) throw new ConflictError('auth.setupDone')
      const id = Number(this.db.prepare('INSERT INTO users (name, login, password_hash, is_admin, created_at) VALUES (?, ?, ?, 1, ?)')
        .run(input.name, input.login, hash, this.clock.now()).lastInsertRowid)
      this.db.prepare("INSERT OR IGNORE INTO user_roles (user_id, role_id) SELECT ?, id FROM roles WHERE key = 'admin'").run(id)
      this.audit.append({ op: 'auth.setup', actorId: id, detail: { login: input.login } })
      return { user: this.user(id)!, token: this.startSession(id, 'setup') }
    })
  }

  /**
   * Sign in. Failures count per login and address: five from one address lock that login for
   * that address only, so a stranger cannot lock a colleague (or the administrator) out of their
   * own computer. Unknown logins are counted, locked and hashed exactly like real ones.
   */
  async login(login: string, password: string, from: LoginSource = {}): Promise<{ user: UserRow; token: string }> {
    const { client, address } = from
    const now = this.clock.now()
    const key = `${login}\u0000${address ?? ''}`
    let attempts = this.attempts.get(key)
    if (attempts && now - attempts.lastAt > LOCK_MINUTES * 60_000 && attempts.lockedUntil <= now) attempts = undefined
    const user = this.db.prepare('SELECT * FROM users WHERE login = ?').get(login) as UserRow | undefined
    if (attempts && attempts.lockedUntil > now) {
      this.record('auth.loginFailed', user?.id ?? null, { login, reason: 'locked', client: client ?? null, address: address ?? null })
      throw new AuthError('auth.locked', { minutes: Math.ceil((attempts.lockedUntil - now) / 60_000) })
    }
    // Count the attempt before the (slow) check, so attempts sent all at once cannot all slip
    // under the limit while none has failed yet.
    attempts ??= { failed: 0, lastAt: now, lockedUntil: 0 }
    if (attempts.failed >= MAX_FAILED_LOGINS) throw new AuthError('auth.tooManyAttempts')
    attempts.failed++
    attempts.lastAt = now
    this.remember(key, attempts)
    const ok = user ? await this.passwords.verify(password, user.password_hash) : await this.passwords.verifyNobody(password)
    if (!user || !ok) {
      const at = this.clock.now()
      if (attempts.failed >= MAX_FAILED_LOGINS) {
        const pause = user && isLocalAddress(address) && this.isLastAdmin(user) ? LOCAL_ADMIN_PAUSE_SECONDS * 1000 : LOCK_MINUTES * 60_000
        attempts.lockedUntil = at + pause
        attempts.failed = 0
      }
      this.tx(() => {
        // Shown to administrators (用户列表 “已锁定”), who can unlock with a password reset.
        if (user && attempts.lockedUntil > at) this.db.prepare('UPDATE users SET locked_until = MAX(COALESCE(locked_until, 0), ?) WHERE id = ?').run(attempts.lockedUntil, user.id)
        this.audit.append({ op: 'auth.loginFailed', actorId: user?.id ?? null, detail: { login, reason: 'password', client: client ?? null, address: address ?? null } })
      })
      throw new AuthError('auth.badCredentials')
    }
    this.attempts.delete(key)
    if (!user.active) {
      this.record('auth.loginFailed', user.id, { login, reason: 'disabled', client: client ?? null, address: address ?? null })
      throw new AuthError('auth.disabled')
    }
    // A hash made under older, cheaper parameters is replaced now that the password is at hand.
    const rehash = this.passwords.needsRehash(user.password_hash) ? await this.passwords.hash(password) : null
    return this.tx(() => {
      if (rehash) this.db.prepare('UPDATE users SET password_hash = ? WHERE id = ? AND password_hash = ?').run(rehash, user.id, user.password_hash)
      this.db.prepare('UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = ?').run(user.id)
      this.audit.append({ op: 'auth.login', actorId: user.id, detail: { client: client ?? null, address: address ?? null } })
      return { user: this.user(user.id)!, token: this.startSession(user.id, client) }
    })
  }

  logout(token: string): void {
    const session = this.db.prepare('SELECT user_id FROM sessions WHERE token_hash = ?').get(sha256(token)) as { user_id: number } | undefined
    if (!session) return
    this.tx(() => {
      this.db.prepare('DELETE FROM sessions WHERE token_hash = ?').run(sha256(token))
      this.audit.append({ op: 'auth.logout', actorId: session.user_id })
    })
  }

  /** Other sessions end and every API token is revoked: whoever knew the old password is out. */
  async changePassword(userId: number, oldPassword: string, newPassword: string, keepToken: string | null): Promise<void> {
    const user = this.user(userId)
    if (!user || !(await this.passwords.verify(oldPassword, user.password_hash))) throw new ValidationError('auth.wrongPassword', {}, 'oldPassword')
    const hash = await this.passwords.hash(newPassword)
    this.tx(() => {
      this.db.prepare('UPDATE users SET password_hash = ? WHERE id = ?').run(hash, userId)
      this.db.prepare('DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?').run(userId, keepToken ? sha256(keepToken) : '')
      const tokensRevoked = this.revokeAllTokens(userId)
      this.audit.append({ op: 'auth.passwordChanged', actorId: userId, detail: { tokensRevoked } })
    })
  }

  /**
   * An administrator sets a new password: the account is unlocked (for every address), and all
   * its sessions and API tokens end.
   */
  async resetPassword(actorId: number, id: number, password: string): Promise<void> {
    const user = this.user(id)
    if (!user) throw new NotFoundError('error.userNotFound', { id })
    const hash = await this.passwords.hash(password)
    this.tx(() => {
      this.db.prepare('UPDATE users SET password_hash = ?, failed_logins = 0, locked_until = NULL WHERE id = ?').run(hash, id)
      this.db.prepare('DELETE FROM sessions WHERE user_id = ?').run(id)
      const tokensRevoked = this.revokeAllTokens(id)
      this.audit.append({ op: 'user.resetPassword', actorId, detail: { userId: id, tokensRevoked } })
    })
    for (const key of [...this.attempts.keys()]) if (key.startsWith(`${user.login}\u0000`)) this.attempts.delete(key)
  }

  sessions(userId: number, currentToken: string | null) {
    const current = currentToken ? sha256(currentToken) : ''
    const now = this.clock.now()
    const rows = this.db.prepare('SELECT token_hash, created_at, last_seen_at, client FROM sessions WHERE user_id = ? AND expires_at > ? AND created_at > ? ORDER BY last_seen_at DESC')
      .all(userId, now, now - SESSION_MAX_DAYS * 86_400_000) as Array<{ token_hash: string; created_at: number; last_seen_at: number; client: string | null }>
    return rows.map((r) => ({ id: sessionId(r.token_hash), createdAt: iso(r.created_at), lastSeenAt: iso(r.last_seen_at), client: r.client, current: r.token_hash === current }))
  }

  revokeSession(userId: number, id: string): void {
    const n = this.db.prepare('DELETE FROM sessions WHERE user_id = ? AND substr(token_hash, 1, 16) = ?').run(userId, id).changes
    if (!n) throw new NotFoundError()
    this.record('auth.sessionRevoked', userId, { session: id })
  }

  /** Every session ends and every API token is revoked. */
  logoutEverywhere(userId: number): void {
    this.tx(() => {
      this.db.prepare('DELETE FROM sessions WHERE user_id = ?').run(userId)
      const tokensRevoked = this.revokeAllTokens(userId)
      this.audit.append({ op: 'auth.logoutEverywhere', actorId: userId, detail: { tokensRevoked } })
    })
  }

  /** Revoke all of a user's live API tokens (inside the caller's transaction); how many were. */
  revokeAllTokens(userId: number): number {
    return this.db.prepare('UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL').run(this.clock.now(), userId).changes
  }

  createToken(userId: number, input: { name: string; scope: 'read' | 'write'; expiresInDays: number | null }): { id: number; token: string } {
    const token = `jimu_${randomBytes(24).toString('base64url')}`
    return this.tx(() => {
      const expires = input.expiresInDays ? this.clock.now() + input.expiresInDays * 86_400_000 : null
      const id = Number(this.db.prepare('INSERT INTO api_tokens (user_id, name, token_hash, scope, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(userId, input.name, sha256(token), input.scope, expires, this.clock.now()).lastInsertRowid)
      this.audit.append({ op: 'token.create', actorId: userId, detail: { id, name: input.name, scope: input.scope, expiresAt: expires } })
      return { id, token }
    })
  }

  tokens(userId: number) {
    const rows = this.db.prepare('SELECT id, name, scope, created_at, expires_at, last_used_at, revoked_at FROM api_tokens WHERE user_id = ? ORDER BY id DESC').all(userId) as
      Array<{ id: number; name: string; scope: 'read' | 'write'; created_at: number; expires_at: number | null; last_used_at: number | null; revoked_at: number | null }>
    return rows.map((r) => ({ id: r.id, name: r.name, scope: r.scope, createdAt: iso(r.created_at), expiresAt: r.expires_at ? iso(r.expires_at) : null, lastUsedAt: r.last_used_at ? iso(r.last_used_at) : null, revoked: r.revoked_at !== null }))
  }

  revokeToken(userId: number, id: number): void {
    const n = this.db.prepare('UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL').run(this.clock.now(), id, userId).changes
    if (!n) throw new NotFoundError()
    this.record('token.revoke', userId, { id })
  }

  /** The principal behind a session or API token; null when unknown, expired, revoked or disabled. */
  resolve(secret: string): Principal | null {
    const now = this.clock.now()
    const hash = sha256(secret)
    if (secret.startsWith('jimu_')) {
      const t = this.db.prepare('SELECT id, user_id, scope, expires_at, revoked_at, last_used_at FROM api_tokens WHERE token_hash = ?').get(hash) as
        { id: number; user_id: number; scope: 'read' | 'write'; expires_at: number | null; revoked_at: number | null; last_used_at: number | null } | undefined
      if (!t || t.revoked_at !== null || (t.expires_at !== null && t.expires_at < now)) return null
      const user = this.user(t.user_id)
      if (!user?.active) return null
      if (!t.last_used_at || now - t.last_used_at > 60_000) this.db.prepare('UPDATE api_tokens SET last_used_at = ? WHERE id = ?').run(now, t.id)
      return { user, via: 'token', scope: t.scope }
    }
    const session = this.db.prepare('SELECT user_id, created_at, expires_at, last_seen_at FROM sessions WHERE token_hash = ?').get(hash) as
      { user_id: number; created_at: number; expires_at: number; last_seen_at: number } | undefined
    if (!session) return null
    const end = session.created_at + SESSION_MAX_DAYS * 86_400_000
    if (session.expires_at < now || end < now) {
      this.db.prepare('DELETE FROM sessions WHERE token_hash = ?').run(hash)
      return null
    }
    const user = this.user(session.user_id)
    if (!user?.active) return null
    // Touch at most once a minute: reads must not turn into a write per request. Activity extends
    // the idle deadline, never past the absolute end.
    if (now - session.last_seen_at > 60_000) {
      this.db.prepare('UPDATE sessions SET last_seen_at = ?, expires_at = ? WHERE token_hash = ?').run(now, Math.min(now + SESSION_IDLE_DAYS * 86_400_000, end), hash)
    }
    return { user, via: 'session', scope: 'write' }
  }

  user(id: number): UserRow | undefined {
    return this.db.prepare('SELECT * FROM users WHERE id = ?').get(id) as UserRow | undefined
  }

  users(): UserRow[] {
    return this.db.prepare('SELECT * FROM users ORDER BY id').all() as UserRow[]
  }

  /** Everything about a user: for administrators and for the user themself. */
  toDto(u: UserRow): UserDto {
    const roles = this.db.prepare('SELECT r.id, r.name, r.is_admin FROM user_roles ur JOIN roles r ON r.id = ur.role_id WHERE ur.user_id = ? ORDER BY ur.role_id').all(u.id) as Array<{ id: number; name: string; is_admin: number }>
    const roleIds = roles.map((r) => r.id)
    const locked = u.locked_until && u.locked_until > this.clock.now() ? iso(u.locked_until) : null
    return {
      id: u.id, name: u.name, login: u.login, isAdmin: !!u.is_admin, active: !!u.active, locale: (u.locale === 'en' ? 'en' : 'zh-CN') as Locale,
      phone: u.phone, email: u.email, departmentId: u.department_id, managerId: u.manager_id, roleIds, roleNames: roles.filter((r) => !r.is_admin).map((r) => r.name), lockedUntil: locked
    }
  }

  /** What any colleague may know about a user: enough to pick them from a list, nothing more. */
  toColleagueDto(u: UserRow): ColleagueDto {
    return { id: u.id, name: u.name, departmentId: u.department_id, active: !!u.active }
  }

  private isLastAdmin(user: UserRow): boolean {
    if (!user.is_admin || !user.active) return false
    return (this.db.prepare('SELECT COUNT(*) FROM users WHERE is_admin = 1 AND active = 1').pluck().get() as number) === 1
  }

  private remember(key: string, attempts: Attempts): void {
    // Re-inserted so the map stays in order of last attempt: the oldest are forgotten first.
    this.attempts.delete(key)
    this.attempts.set(key, attempts)
    if (this.attempts.size <= 10_000) return
    const now = this.clock.now()
    for (const [k, a] of this.attempts) if (a.lockedUntil <= now && now - a.lastAt > LOCK_MINUTES * 60_000) this.attempts.delete(k)
    // Still full (a spray of guesses from many addresses): forget the oldest rather than grow.
    for (const k of this.attempts.keys()) {
      if (this.attempts.size <= 10_000) break
      this.attempts.delete(k)
    }
  }

  private record(op: string, actorId: number | null, detail: Record<string, unknown>): void {
    this.tx(() => this.audit.append({ op, actorId, detail }))
  }

  private tx<T>(fn: () => T): T {
    try {
      return this.db.transaction(fn)()
    } catch (e) {
      this.audit.reset()
      throw e
    }
  }

  private startSession(userId: number, client?: string): string {
    const token = randomBytes(32).toString('base64url')
    const now = this.clock.now()
    this.db.prepare('INSERT INTO sessions (token_hash, user_id, created_at, expires_at, last_seen_at, client) VALUES (?, ?, ?, ?, ?, ?)')
      .run(sha256(token), userId, now, now + SESSION_IDLE_DAYS * 86_400_000, now, client ?? null)
    return token
  }
}

const iso = (ms: number) => new Date(ms).toISOString()
