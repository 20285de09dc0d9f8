import { randomBytes } from 'node:crypto'
import type { Sqlite } from '../db/connection'
import type { Clock } from '../clock'
import type { AuditEntry } from '../access/audit'
import { ConflictError, NotFoundError, ValidationError } from '../shared/errors'
import { commitmentOf, pairingCode, sameText, sha256Hex } from './pairing-code'

// Paired PCs and the sessions signed in over the LAN server (tables lan_devices, lan_sessions,
// migration 14). A device is 'pending' from its pairing request until an administrator approves
// or refuses it; 'approved' devices may call the host; 'revoked' ones are refused and their
// sessions are gone. A pairing request that nobody decided expires after PENDING_MINUTES.

export const PENDING_MINUTES = 10
/** Open pairing requests at most: a flood from the LAN cannot fill the administrator's list. */
export const MAX_PENDING = 10

export type DeviceStatus = 'pending' | 'approved' | 'revoked' | 'refused'

interface DeviceRow {
  id: string; name: string; address: string | null; status: DeviceStatus; secret_hash: string; commitment: string
  server_nonce: string; code: string | null; user_id: number | null; created_at: number; decided_at: number | null; last_seen_at: number | null
}

export interface DeviceView {
  id: string
  name: string
  address: string | null
  status: DeviceStatus
  /** The pairing code, while pending and once the client revealed its nonce. */
  code: string | null
  user: string | null
  requestedAt: string
  lastSeenAt: string | null
}

export interface ConnectedView {
  user: string
  address: string | null
  device: string | null
  client: string | null
  lastSeenAt: string
}

const iso = (ms: number) => new Date(ms).toISOString()

export class LanDevices {
  /** `audit`: the trail an administrator's decision and a revoke are written to, in their transaction. */
  constructor(private readonly db: Sqlite, private readonly clock: Clock, private readonly audit?: { append(entry: AuditEntry): void }) {}

  private row(id: string): DeviceRow | undefined {
    return this.db.prepare('SELECT * FROM lan_devices WHERE id = ?').get(id) as DeviceRow | undefined
  }

  private expire(): void {
    this.db.prepare("DELETE FROM lan_devices WHERE status = 'pending' AND created_at < ?").run(this.clock.now() - PENDING_MINUTES * 60_000)
  }

  /** Step 1: a PC asks to pair, committing to its nonce; answered with the host's nonce. */
  request(input: { name: string; commitment: string; secretHash: string; address: string | null }): { id: string; serverNonce: string } {
    this.expire()
    const pending = this.db.prepare("SELECT COUNT(*) FROM lan_devices WHERE status = 'pending'").pluck().get() as number
    if (pending >= MAX_PENDING) throw new ConflictError('lan.error.tooManyPending', { max: MAX_PENDING })
    const id = randomBytes(12).toString('base64url')
    const serverNonce = randomBytes(32).toString('base64url')
    this.db.prepare("INSERT INTO lan_devices (id, name, address, status, secret_hash, commitment, server_nonce, created_at) VALUES (?, ?, ?, 'pending', ?, ?, ?, ?)")
      .run(id, input.name, input.address, input.secretHash, input.commitment, serverNonce, this.clock.now())
    return { id, serverNonce }
  }

  /** Step 2: the client reveals its nonce; the host derives the code it will show. */
  reveal(id: string, clientNonce: string, caFingerprint: string): void {
    this.expire()
    const row = this.row(id)
    if (!row || row.status !== 'pending') throw new NotFoundError()
    if (row.code !== null) throw new ConflictError('lan.error.alreadyRevealed')
    if (!sameText(commitmentOf(clientNonce), row.commitment)) throw new ValidationError('lan.error.badReveal', {}, 'clientNonce')
    this.db.prepare('UPDATE lan_devices SET code = ? WHERE id = ?').run(pairingCode(caFingerprint, row.server_nonce, clientNonce), id)
  }

  /** The device behind an id and secret, or null when either is wrong. */
  authenticate(id: string, secret: string): DeviceRow | null {
    const row = this.row(id)
    return row && sameText(sha256Hex(secret), row.secret_hash) ? row : null
  }

  /** Step 3 (client, over the pinned CA): where its request stands. */
  status(id: string, secret: string): DeviceStatus {
    this.expire()
    const row = this.authenticate(id, secret)
    if (!row) throw new NotFoundError()
    return row.status
  }

  /** An administrator's decision on a pending request that has its code. */
  decide(id: string, approve: boolean, actorId: number | null = null): DeviceView {
    this.expire()
    const row = this.row(id)
    if (!row || row.status !== 'pending') throw new NotFoundError()
    if (row.code === null) throw new ConflictError('lan.error.noCodeYet')
    this.db.transaction(() => {
      this.db.prepare('UPDATE lan_devices SET status = ?, decided_at = ? WHERE id = ?').run(approve ? 'approved' : 'refused', this.clock.now(), id)
      this.audit?.append({ op: approve ? 'lan.approve' : 'lan.refuse', actorId, detail: { device: row.name, address: row.address } })
    })()
    return this.view(this.row(id)!)
  }

  /** Revoke an approved device: refused from now on, and its sessions end in the same transaction. */
  revoke(id: string, actorId: number | null = null): number {
    const row = this.row(id)
    if (!row || row.status !== 'approved') throw new NotFoundError()
    return this.db.transaction(() => {
      this.db.prepare("UPDATE lan_devices SET status = 'revoked', decided_at = ? WHERE id = ?").run(this.clock.now(), id)
      const sessions = this.dropSessions(id)
      this.audit?.append({ op: 'lan.revoke', actorId, detail: { device: row.name, sessions } })
      return sessions
    })()
  }

  /** A request from an approved device: remember when it was last seen (at most once a minute). */
  touch(row: DeviceRow): void {
    const now = this.clock.now()
    if (row.last_seen_at === null || now - row.last_seen_at > 60_000) this.db.prepare('UPDATE lan_devices SET last_seen_at = ? WHERE id = ?').run(now, row.id)
  }

  /** A sign-in over the LAN server: the session is tied to the device (if any) and to sharing. */
  sessionStarted(token: string, deviceId: string | null, userId: number, address: string | null): void {
    this.db.transaction(() => {
      this.db.prepare('INSERT OR REPLACE INTO lan_sessions (token_hash, device_id, address, created_at) VALUES (?, ?, ?, ?)').run(sha256Hex(token), deviceId, address, this.clock.now())
      if (deviceId) this.db.prepare('UPDATE lan_devices SET user_id = ?, last_seen_at = ? WHERE id = ?').run(userId, this.clock.now(), deviceId)
    })()
  }

  /** End the sessions signed in over the LAN (all, or one device's). How many ended. */
  dropSessions(deviceId?: string): number {
    return this.db.transaction(() => {
      const where = deviceId === undefined ? '' : ' WHERE device_id = ?'
      const args = deviceId === undefined ? [] : [deviceId]
      const n = this.db.prepare(`DELETE FROM sessions WHERE token_hash IN (SELECT token_hash FROM lan_sessions${where})`).run(...args).changes
      this.db.prepare(`DELETE FROM lan_sessions${where}`).run(...args)
      return n
    })()
  }

  list(): DeviceView[] {
    this.expire()
    const rows = this.db.prepare("SELECT * FROM lan_devices WHERE status IN ('pending', 'approved') ORDER BY status DESC, created_at DESC").all() as DeviceRow[]
    return rows.map((r) => this.view(r))
  }

  /** Sessions over the LAN server that made a request in the last five minutes. */
  connected(): ConnectedView[] {
    const since = this.clock.now() - 5 * 60_000
    const rows = this.db.prepare(`
      SELECT u.name AS user, l.address, d.name AS device, s.client, s.last_seen_at
      FROM lan_sessions l JOIN sessions s ON s.token_hash = l.token_hash JOIN users u ON u.id = s.user_id
      LEFT JOIN lan_devices d ON d.id = l.device_id
      WHERE s.last_seen_at >= ? ORDER BY s.last_seen_at DESC`).all(since) as Array<{ user: string; address: string | null; device: string | null; client: string | null; last_seen_at: number }>
    return rows.map((r) => ({ user: r.user, address: r.address, device: r.device, client: r.client, lastSeenAt: iso(r.last_seen_at) }))
  }

  private view(r: DeviceRow): DeviceView {
    const user = r.user_id === null ? null : (this.db.prepare('SELECT name FROM users WHERE id = ?').pluck().get(r.user_id) as string | undefined) ?? null
    return { id: r.id, name: r.name, address: r.address, status: r.status, code: r.status === 'pending' ? r.code : null, user, requestedAt: iso(r.created_at), lastSeenAt: r.last_seen_at === null ? null : iso(r.last_seen_at) }
  }
}
