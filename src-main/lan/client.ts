import { X509Certificate, randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import type { ClientRequest } from 'node:http'
import { request } from 'node:https'
import type { TLSSocket } from 'node:tls'
import { join } from 'node:path'
import { DomainError, ValidationError } from '../shared/errors'
import { fingerprintOf } from './ca'
import { DEVICE_HEADER } from './gate'
import { commitmentOf, pairingCode, sameText, sha256Hex } from './pairing-code'

// The desktop client's side of the office network ("连接到办公室的电脑"): pair with a host,
// pin its office CA, then call its API over HTTPS trusting that CA alone (not the system's
// roots, not any other certificate). Plain Node, so the Electron shell only wires it in.
//
// Pairing (see pairing-code.ts for why it resists a LAN attacker):
//  1. start: over TLS that is not yet trusted, send a commitment to a random nonce and the hash
//     of a fresh device secret; receive the host's CA and nonce. The certificate the server
//     presented must be issued by that CA.
//  2. reveal the nonce; both sides now derive the six-digit code. The user types the code the host
//     shows; a different code means another CA was slipped in, and nothing is kept.
//  3. wait, now over the pinned CA, until the host's administrator approves (or refuses).

export interface PairedHost {
  url: string
  caPem: string
  fingerprint: string
  deviceId: string
  deviceSecret: string
  /** The host's name as the list showed it (the office name and its PC), for the window. */
  name?: string
}

export interface Answer {
  status: number
  body: unknown
}

export type ConnectionState = 'connected' | 'unreachable'

const FILE = 'office-host.json'

interface HttpsCall {
  url: string
  path: string
  body: unknown
  /** The pinned CA; absent only for the first pairing step (which checks the chain itself). */
  ca?: string
  headers?: Record<string, string>
  /** Give up when the TCP+TLS connection is not up by then (a switched-off host never answers). */
  connectTimeoutMs?: number
}

/** How long a connection to the host may take before the host counts as unreachable. */
export const CONNECT_TIMEOUT_MS = 5000

/** A connection that did not come up in time: reported like any network failure. */
function connectTimer(req: ClientRequest, ms: number): void {
  req.on('socket', (socket) => {
    // agent: false, so every request has a fresh socket that still has to connect.
    const timer = setTimeout(() => req.destroy(Object.assign(new Error('connect timeout'), { code: 'ETIMEDOUT' })), ms)
    socket.once('secureConnect', () => clearTimeout(timer))
    socket.once('close', () => clearTimeout(timer))
  })
}

function post(call: HttpsCall): Promise<Answer & { peer: X509Certificate | null }> {
  const text = JSON.stringify(call.body ?? {})
  const target = new URL(call.path, call.url)
  return new Promise((resolve, reject) => {
    const req = request(target, {
      method: 'POST',
      agent: false,
      // Only the pinned office CA is trusted: `ca` replaces the system's roots for this request.
      ...(call.ca ? { ca: call.ca } : { rejectUnauthorized: false }),
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), accept: 'application/json', ...call.headers }
    }, (res) => {
      const socket = res.socket as TLSSocket
      const raw = socket.getPeerCertificate?.()?.raw
      const peer = raw ? new X509Certificate(raw) : null
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => {
        let body: unknown = null
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8'))
        } catch {
          body = null
        }
        resolve({ status: res.statusCode ?? 0, body, peer })
      })
      res.on('error', reject)
    })
    connectTimer(req, call.connectTimeoutMs ?? CONNECT_TIMEOUT_MS)
    req.on('error', reject)
    req.end(text)
  })
}

function hostError(answer: Answer): DomainError {
  const body = answer.body as { code?: string; messageKey?: string; params?: Record<string, string | number> } | null
  return new DomainError((body?.code as DomainError['code']) ?? 'INTERNAL', body?.messageKey ?? 'lan.client.hostError', body?.params ?? { status: answer.status })
}

export function normalizeHostUrl(input: string): string {
  const text = input.trim()
  let url: URL
  try {
    url = new URL(/^https?:\/\//i.test(text) ? text : `https://${text}`)
  } catch {
    throw new ValidationError('lan.client.badAddress', { address: text }, 'address')
  }
  if (url.protocol !== 'https:' || !url.hostname) throw new ValidationError('lan.client.badAddress', { address: text }, 'address')
  return `https://${url.host}`
}

export interface PairingSession {
  url: string
  id: string
  caPem: string
  fingerprint: string
  /** Expected code; compared with what the user types, never shown before. */
  code: string
  deviceSecret: string
  /** The office's name as the host gives it (company and computer, as its mDNS advert), for an address typed by hand. */
  hostName: string | null
}

/** Steps 1 and 2: ask the host to pair; the host now shows a code for this request. */
export async function startPairing(address: string, deviceName: string): Promise<PairingSession> {
  const url = normalizeHostUrl(address)
  const clientNonce = randomBytes(32).toString('base64url')
  const deviceSecret = randomBytes(32).toString('base64url')
  const started = await post({ url, path: '/lan/pair/start', body: { name: deviceName, commitment: commitmentOf(clientNonce), secretHash: sha256Hex(deviceSecret) } })
  if (started.status !== 200) throw hostError(started)
  const { id, serverNonce, ca, name } = started.body as { id: string; serverNonce: string; ca: string; name?: unknown }
  let caCert: X509Certificate
  try {
    caCert = new X509Certificate(ca)
  } catch {
    throw new DomainError('CONFLICT', 'lan.client.notAHost')
  }
  // The server must present a certificate from the CA it hands over; otherwise it is not a host.
  if (!started.peer || !started.peer.checkIssued(caCert) || !started.peer.verify(caCert.publicKey) || !caCert.ca) throw new DomainError('CONFLICT', 'lan.client.notAHost')
  const revealed = await post({ url, path: '/lan/pair/reveal', body: { id, clientNonce }, ca })
  if (revealed.status !== 200) throw hostError(revealed)
  const fingerprint = fingerprintOf(ca)
  const hostName = typeof name === 'string' && name.trim() ? name.trim().slice(0, 120) : null
  return { url, id, caPem: ca, fingerprint, code: pairingCode(fingerprint, serverNonce, clientNonce), deviceSecret, hostName }
}

/** The user typed the host's code: equal, or this pairing is abandoned (another CA answered). */
export function confirmCode(session: PairingSession, typed: string): void {
  if (!sameText(typed.replace(/\s+/g, ''), session.code)) throw new ValidationError('lan.client.codeMismatch', {}, 'code')
}

/** Step 3, after confirmCode: where the request stands at the host, asked over the pinned CA. */
export async function pairingStatus(session: PairingSession): Promise<'pending' | 'approved' | 'refused' | 'revoked'> {
  const answer = await post({ url: session.url, path: '/lan/pair/status', body: { id: session.id, secret: session.deviceSecret }, ca: session.caPem })
  if (answer.status !== 200) throw hostError(answer)
  return (answer.body as { status: 'pending' | 'approved' | 'refused' | 'revoked' }).status
}

export function pairedHostOf(session: PairingSession): PairedHost {
  return { url: session.url, caPem: session.caPem, fingerprint: session.fingerprint, deviceId: session.id, deviceSecret: session.deviceSecret }
}

/** The paired host of a client's data folder (keys/office-host.json, 0600), or null. */
export function loadPairedHost(dataDir: string): PairedHost | null {
  const file = join(dataDir, 'keys', FILE)
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as PairedHost) : null
}

export function savePairedHost(dataDir: string, paired: PairedHost): void {
  const dir = join(dataDir, 'keys')
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  writeFileSync(join(dir, `${FILE}.tmp`), JSON.stringify(paired, null, 1), { mode: 0o600 })
  renameSync(join(dir, `${FILE}.tmp`), join(dir, FILE))
}

export function forgetPairedHost(dataDir: string): void {
  rmSync(join(dataDir, 'keys', FILE), { force: true })
}

/**
 * The renderer's transport on a client PC: every API call goes to the paired host over HTTPS
 * trusting only the pinned CA, naming the device. When the host cannot be reached the state turns
 * 'unreachable' (the window says so plainly) and the call is tried again until it gets through
 * or `retries` is spent; the state turns back to 'connected' on the first answer.
 */
export class HostTransport {
  private token: string | null = null
  private current: ConnectionState = 'connected'
  private readonly listeners = new Set<(state: ConnectionState) => void>()

  constructor(readonly paired: PairedHost, private readonly retry: { retries: number; delayMs: number } = { retries: Infinity, delayMs: 2000 }) {}

  get state(): ConnectionState {
    return this.current
  }

  onState(listener: (state: ConnectionState) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  private set(state: ConnectionState): void {
    if (state === this.current) return
    this.current = state
    for (const l of this.listeners) l(state)
  }

  setToken(token: string | null): void {
    this.token = token
  }

  /** The session signed in over this transport (the event stream rides it too). */
  get sessionToken(): string | null {
    return this.token
  }

  /** The header naming this paired device, on every request to the host. */
  get deviceHeader(): Record<string, string> {
    return { [DEVICE_HEADER]: `${this.paired.deviceId}.${this.paired.deviceSecret}` }
  }

  /** One API call: the dispatcher's { ok, data } / { ok: false, error } answer from the host. */
  async call(method: string, input: unknown, locale?: string): Promise<{ ok: boolean; data?: unknown; error?: unknown }> {
    const headers: Record<string, string> = { ...this.deviceHeader }
    if (this.token) headers.authorization = `Bearer ${this.token}`
    if (locale) headers['accept-language'] = locale
    for (let attempt = 0; ; attempt++) {
      try {
        const answer = await post({ url: this.paired.url, path: `/rpc/${encodeURIComponent(method)}`, body: input, ca: this.paired.caPem, headers })
        this.set('connected')
        if (answer.status === 200) {
          const result = answer.body as { ok: boolean; data?: unknown; error?: unknown }
          if (result.ok && (method === 'auth.login' || method === 'auth.setup')) this.token = (result.data as { token: string }).token
          if (method === 'auth.logout') this.token = null
          return result
        }
        return { ok: false, error: answer.body }
      } catch (e) {
        // A certificate the pinned CA did not issue is not a network failure: never retried.
        const code = (e as { code?: string }).code ?? ''
        if (/CERT|SELF_SIGNED|UNABLE_TO|ERR_TLS/.test(code)) throw new DomainError('PERMISSION', 'lan.client.wrongCertificate')
        this.set('unreachable')
        if (attempt >= this.retry.retries) throw new DomainError('CONFLICT', 'lan.client.unreachable', { url: this.paired.url })
        await new Promise((r) => setTimeout(r, this.retry.delayMs))
      }
    }
  }
}
