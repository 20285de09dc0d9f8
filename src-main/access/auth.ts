import { createHash, randomBytes, scryptSync, timingSafeEqual } from 'node:crypto'
import type { Sqlite } from '../db/connection'
import type { Clock } from '../clock'
import { AuthError, ConflictError } from '../shared/errors'
import type { Locale } from '../shared/locales'
import type { Actor } from './actor'

// Passwords: scrypt with a per-user salt. Sessions: random 32-byte tokens; only their SHA-256 is
// stored, so a copied database file does not hand out live sessions.

const SESSION_DAYS = 30
const SCRYPT = { N: 16384, r: 8, p: 1, keylen: 64 }

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

export interface UserRow { id: number; name: string; login: string; is_admin: number; active: number; locale: string; password_hash: string }

export function toUserDto(u: UserRow) {
  return { id: u.id, name: u.name, login: u.login, isAdmin: !!u.is_admin, active: !!u.active, locale: (u.locale === 'en' ? 'en' : 'zh-CN') as Locale }
}

export function toActor(u: UserRow): Actor {
  return { id: u.id, name: u.name, isAdmin: !!u.is_admin, locale: u.locale === 'en' ? 'en' : 'zh-CN' }
}

export class AuthService {
  constructor(private readonly db: Sqlite, private readonly clock: Clock) {}

  needsSetup(): boolean {
    return (this.db.prepare('SELECT COUNT(*) FROM users').pluck().get() as number) === 0
  }

  /** First run: the administrator. Refused once any user exists. */
  setup(input: { name: string; login: string; password: string }): { user: UserRow; token: string } {
    return this.db.transaction(() => {
      if (!this.needsSetup()) throw new ConflictError('auth.setupDone')
      const id = Number(this.db.prepare('INSERT INTO users (name, login, password_hash, is_admin, created_at) VALUES (?, ?, ?, 1, ?)')
        .run(input.name, input.login, hashPassword(input.password), this.clock.now()).lastInsertRowid)
      const user = this.user(id)!
      return { user, token: this.startSession(id, 'setup') }
    })()
  }

  login(login: string, password: string, client?: string): { user: UserRow; token: string } {
    const user = this.db.prepare('SELECT * FROM users WHERE login = ?').get(login) as UserRow | undefined
    if (!user || !verifyPassword(password, user.password_hash)) throw new AuthError('auth.badCredentials')
    if (!user.active) throw new AuthError('auth.disabled')
    return { user, token: this.startSession(user.id, client) }
  }

  logout(token: string): void {
    this.db.prepare('DELETE FROM sessions WHERE token_hash = ?').run(sha256(token))
  }

  /** The user behind a session token, sliding its expiry; null when unknown or expired. */
  resolve(token: string): UserRow | null {
    const now = this.clock.now()
    const session = this.db.prepare('SELECT user_id, expires_at, last_seen_at FROM sessions WHERE token_hash = ?').get(sha256(token)) as { user_id: number; expires_at: number; last_seen_at: number } | undefined
    if (!session) return null
    if (session.expires_at < now) {
      this.logout(token)
      return null
    }
    const user = this.user(session.user_id)
    if (!user || !user.active) return null
    // Touch at most once a minute: reads must not turn into a write per request.
    if (now - session.last_seen_at > 60_000) {
      this.db.prepare('UPDATE sessions SET last_seen_at = ?, expires_at = ? WHERE token_hash = ?').run(now, now + SESSION_DAYS * 86_400_000, sha256(token))
    }
    return user
  }

  user(id: number): UserRow | undefined {
    return this.db.prepare('SELECT * FROM users WHERE id = ?').get(id) as UserRow | undefined
  }

  users(): UserRow[] {
    return this.db.prepare('SELECT * FROM users ORDER BY id').all() as UserRow[]
  }

  private startSession(userId: number, client?: string): string {
    const token = randomBytes(32).toString('base64url')
    const now = this.clock.now()
    this.db.prepare('INSERT INTO sessions (token_hash, user_id, created_at, expires_at, last_seen_at, client) VALUES (?, ?, ?, ?, ?, ?)')
      .run(sha256(token), userId, now, now + SESSION_DAYS * 86_400_000, now, client ?? null)
    return token
  }
}
