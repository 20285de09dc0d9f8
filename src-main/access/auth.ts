import { createHash, randomBytes, scryptSync, timingSafeEqual } from 'node:crypto'
import type { Sqlite } from '../db/connection'
import type { Clock } from '../clock'
import { AuthError, ConflictError, NotFoundError, ValidationError } from '../shared/errors'
import type { Locale } from '../shared/locales'
import type { UserDto } from '../shared/api/contracts'
import type { Actor } from './actor'
import type { AuditLog } from './audit'

// Passwords: scrypt with a per-user salt. Sessions and API tokens: random secrets of which only
// the SHA-256 is stored, so a copied database file hands out nothing usable. Repeated failed
// logins lock the account for a while; every login, failure, logout and password change is in
// the audit trail.

const SESSION_DAYS = 30
const SCRYPT = { N: 16384, r: 8, p: 1, keylen: 64 }
export const MAX_FAILED_LOGINS = 5
export const LOCK_MINUTES = 15

export function hashPassword(password: string): string {
  const salt = randomBytes(16)
  const key = scryptSync(password.normalize('NFKC'), salt, SCRYPT.keylen, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p })
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64')}$${key.toString('base64')}`
}

export function verifyPassword(password: string, stored: string): boolean {
  const [scheme, n, r, p, salt, key] = stored.split('$')
  if (scheme !== 'scrypt' || !salt || !key) return false
  const expected = Buffer.from(key, 'base64')
  const actual = scryptSync(password.normalize('NFKC'), Buffer.from(salt, 'base64'), expected.length, { N: Number(n), r: Number(r), p: Number(p) })
  return timingSafeEqual(expected, actual)
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

export class AuthService {
  constructor(private readonly db: Sqlite, private readonly clock: Clock, private readonly audit: AuditLog) {}

  needsSetup(): boolean {
    return (this.db.prepare('SELECT COUNT(*) FROM users').pluck().get() as number) === 0
  }

  /** First run: the administrator. Refused once any user exists. */
  setup(input: { name: string; login: string; password: string }): { user: UserRow; token: string } {
    return this.tx(() => {
      if (!this.needsSetup()) throw new ConflictError('auth.setupDone')
      const id = Number(this.db.prepare('INSERT INTO users (name, login, password_hash, is_admin, created_at) VALUES (?, ?, ?, 1, ?)')
        .run(input.name, input.login, hashPassword(input.password), this.clock.now()).lastInsertRowid)
      this.db.prepare("INSERT OR IGNORE INTO user_roles (user_id, role_id) SELECT ?, id FROM roles WHERE key = 'admin'").run(id)
      this.audit.append({ op: 'auth.setup', actorId: id, detail: { login: input.login } })
      return { user: this.user(id)!, token: this.startSession(id, 'setup') }
    })
  }

  login(login: string, password: string, client?: string): { user: UserRow; token: string } {
    const now = this.clock.now()
    const user = this.db.prepare('SELECT * FROM users WHERE login = ?').get(login) as UserRow | undefined
    if (user?.locked_until && user.locked_until > now) {
      this.record('auth.loginFailed', user.id, { login, reason: 'locked', client })
      throw new AuthError('auth.locked', { minutes: Math.ceil((user.locked_until - now) / 60_000) })
    }
    if (!user || !verifyPassword(password, user.password_hash)) {
      this.tx(() => {
        if (user) {
          const failed = user.failed_logins + 1
          const lock = failed >= MAX_FAILED_LOGINS ? now + LOCK_MINUTES * 60_000 : null
          this.db.prepare('UPDATE users SET failed_logins = ?, locked_until = ? WHERE id = ?').run(lock ? 0 : failed, lock, user.id)
        }
        this.audit.append({ op: 'auth.loginFailed', actorId: user?.id ?? null, detail: { login, reason: 'password', client: client ?? null } })
      })
      throw new AuthError('auth.badCredentials')
    }
    if (!user.active) {
      this.record('auth.loginFailed', user.id, { login, reason: 'disabled', client })
      throw new AuthError('auth.disabled')
    }
    return this.tx(() => {
      this.db.prepare('UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = ?').run(user.id)
      this.audit.append({ op: 'auth.login', actorId: user.id, detail: { client: client ?? null } })
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

  changePassword(userId: number, oldPassword: string, newPassword: string, keepToken: string | null): void {
    const user = this.user(userId)
    if (!user || !verifyPassword(oldPassword, user.password_hash)) throw new ValidationError('auth.wrongPassword', {}, 'oldPassword')
    this.tx(() => {
      this.db.prepare('UPDATE users SET password_hash = ? WHERE id = ?').run(hashPassword(newPassword), userId)
      // Other sessions end: whoever knew the old password is signed out.
      this.db.prepare('DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?').run(userId, keepToken ? sha256(keepToken) : '')
      this.audit.append({ op: 'auth.passwordChanged', actorId: userId })
    })
  }

  sessions(userId: number, currentToken: string | null) {
    const current = currentToken ? sha256(currentToken) : ''
    const rows = this.db.prepare('SELECT token_hash, created_at, last_seen_at, client FROM sessions WHERE user_id = ? AND expires_at > ? ORDER BY last_seen_at DESC')
      .all(userId, this.clock.now()) as Array<{ token_hash: string; created_at: number; last_seen_at: number; client: string | null }>
    return rows.map((r) => ({ id: sessionId(r.token_hash), createdAt: iso(r.created_at), lastSeenAt: iso(r.last_seen_at), client: r.client, current: r.token_hash === current }))
  }

  revokeSession(userId: number, id: string): void {
    const n = this.db.prepare('DELETE FROM sessions WHERE user_id = ? AND substr(token_hash, 1, 16) = ?').run(userId, id).changes
    if (!n) throw new NotFoundError()
    this.record('auth.sessionRevoked', userId, { session: id })
  }

  logoutEverywhere(userId: number): void {
    this.tx(() => {
      this.db.prepare('DELETE FROM sessions WHERE user_id = ?').run(userId)
      this.audit.append({ op: 'auth.logoutEverywhere', actorId: userId })
    })
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
    const session = this.db.prepare('SELECT user_id, expires_at, last_seen_at FROM sessions WHERE token_hash = ?').get(hash) as { user_id: number; expires_at: number; last_seen_at: number } | undefined
    if (!session) return null
    if (session.expires_at < now) {
      this.db.prepare('DELETE FROM sessions WHERE token_hash = ?').run(hash)
      return null
    }
    const user = this.user(session.user_id)
    if (!user?.active) return null
    // Touch at most once a minute: reads must not turn into a write per request.
    if (now - session.last_seen_at > 60_000) {
      this.db.prepare('UPDATE sessions SET last_seen_at = ?, expires_at = ? WHERE token_hash = ?').run(now, now + SESSION_DAYS * 86_400_000, hash)
    }
    return { user, via: 'session', scope: 'write' }
  }

  user(id: number): UserRow | undefined {
    return this.db.prepare('SELECT * FROM users WHERE id = ?').get(id) as UserRow | undefined
  }

  users(): UserRow[] {
    return this.db.prepare('SELECT * FROM users ORDER BY id').all() as UserRow[]
  }

  toDto(u: UserRow): UserDto {
    const roleIds = this.db.prepare('SELECT role_id FROM user_roles WHERE user_id = ? ORDER BY role_id').pluck().all(u.id) as number[]
    const locked = u.locked_until && u.locked_until > this.clock.now() ? iso(u.locked_until) : null
    return {
      id: u.id, name: u.name, login: u.login, isAdmin: !!u.is_admin, active: !!u.active, locale: (u.locale === 'en' ? 'en' : 'zh-CN') as Locale,
      phone: u.phone, email: u.email, departmentId: u.department_id, managerId: u.manager_id, roleIds, lockedUntil: locked
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
      .run(sha256(token), userId, now, now + SESSION_DAYS * 86_400_000, now, client ?? null)
    return token
  }
}

const iso = (ms: number) => new Date(ms).toISOString()
