import type { IncomingMessage } from 'node:http'
import { z } from 'zod'
import { RateLimiter } from '../api/rate-limit'
import { DomainError, PermissionError, ValidationError } from '../shared/errors'
import { LanDevices } from './devices'
import type { CoreHost } from '../api/host'

// What the LAN server adds to the HTTP transport (src-main/api/http.ts calls in at two points):
// the pairing endpoints under /lan/pair/, the device check on every request that names a paired
// device, and the note of each sign-in over the LAN, so that sharing off or a revoked device
// ends those sessions.
//
// The pairing endpoints are for the desktop client only: a request carrying an Origin or a
// Sec-Fetch-Site other than "none" (any web page) is refused, the body must be JSON, and every
// client address gets PAIR_PER_MINUTE calls a minute across all of them.

export const DEVICE_HEADER = 'x-jimu-device'
export const PAIR_PER_MINUTE = 6
/** Status polls of a waiting PC per client address per minute (the client polls every 2 s). */
export const STATUS_PER_MINUTE = 90
const MAX_BODY = 16 * 1024

const token = z.string().regex(/^[A-Za-z0-9_-]{16,128}$/)
const hex64 = z.string().regex(/^[0-9a-f]{64}$/)
const startBody = z.object({ name: z.string().trim().min(1).max(60), commitment: hex64, secretHash: hex64 })
const revealBody = z.object({ id: token, clientNonce: token })
const statusBody = z.object({ id: token, secret: token })

export interface LanGateOptions {
  host: CoreHost
  /** The office CA (PEM) and its fingerprint, handed to a pairing client. */
  ca: { certPem: string; fingerprint: string }
  pairPerMinute?: number
  /** The office's name for a PC that typed this host's address (the same as the mDNS advert's). */
  officeName?: () => string
}

type Reply = (status: number, body: unknown) => void

export class LanGate {
  private readonly limiter: RateLimiter
  private readonly statusLimiter = new RateLimiter(STATUS_PER_MINUTE, 60_000)

  constructor(private readonly options: LanGateOptions) {
    this.limiter = new RateLimiter(options.pairPerMinute ?? PAIR_PER_MINUTE, 60_000)
  }

  private get devices(): LanDevices {
    const { core } = this.options.host
    return new LanDevices(core.db, core.clock)
  }

  /** Called after the Host check, before routing. True when the request was answered here. */
  async handle(req: IncomingMessage, pathname: string, reply: Reply): Promise<boolean> {
    if (pathname.startsWith('/lan/pair/')) {
      await this.pair(req, pathname.slice(10), reply)
      return true
    }
    this.admitDevice(req)
    return false
  }

  /** A request naming a device must name an approved one: a revoked PC is cut off at once. */
  private admitDevice(req: IncomingMessage): void {
    const raw = req.headers[DEVICE_HEADER]
    if (raw === undefined) return
    const [id, secret] = String(raw).split('.')
    const row = id && secret ? this.devices.authenticate(id, secret) : null
    if (!row || row.status !== 'approved') throw new PermissionError('lan.error.deviceRefused')
    this.devices.touch(row)
  }

  /** The device a request comes from, when it names an approved one. */
  deviceOf(req: IncomingMessage): string | null {
    const raw = req.headers[DEVICE_HEADER]
    if (raw === undefined) return null
    const [id, secret] = String(raw).split('.')
    const row = id && secret ? this.devices.authenticate(id, secret) : null
    return row?.status === 'approved' ? row.id : null
  }

  /** After auth.login / auth.setup answered a session over this server. */
  signedIn(req: IncomingMessage, data: unknown): void {
    const { token: session, user } = data as { token: string; user: { id: number } }
    this.devices.sessionStarted(session, this.deviceOf(req), user.id, req.socket.remoteAddress ?? null)
  }

  private async pair(req: IncomingMessage, step: string, reply: Reply): Promise<void> {
    if (req.method !== 'POST') throw new DomainError('BAD_REQUEST', 'http.postOnly')
    const site = req.headers['sec-fetch-site']
    if (req.headers.origin !== undefined || (site !== undefined && site !== 'none')) throw new PermissionError('http.originRefused')
    if (String(req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase() !== 'application/json') throw new DomainError('BAD_REQUEST', 'http.unsupportedType')
    // Asking for a pairing (start, reveal) is rate-limited hard; a waiting PC's status polls (one
    // every two seconds, authenticated by its device secret) have their own, looser budget.
    const limiter = step === 'status' ? this.statusLimiter : this.limiter
    if (!limiter.take(req.socket.remoteAddress ?? '?')) throw new PermissionError('lan.error.tooManyPairing')
    const body = await readBody(req)
    const address = req.socket.remoteAddress ?? null
    if (step === 'start') {
      const input = parse(startBody, body)
      const { id, serverNonce } = this.devices.request({ ...input, address })
      return reply(200, { id, serverNonce, ca: this.options.ca.certPem, ...(this.options.officeName ? { name: this.options.officeName() } : {}) })
    }
    if (step === 'reveal') {
      const input = parse(revealBody, body)
      this.devices.reveal(input.id, input.clientNonce, this.options.ca.fingerprint)
      return reply(200, { ok: true })
    }
    if (step === 'status') {
      const input = parse(statusBody, body)
      return reply(200, { status: this.devices.status(input.id, input.secret) })
    }
    throw new DomainError('BAD_REQUEST', 'http.noEndpoint')
  }
}

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body)
  if (!result.success) throw new ValidationError('lan.error.badPairing', { field: result.error.issues[0]?.path.join('.') || 'input' }, result.error.issues[0]?.path.join('.'))
  return result.data
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > MAX_BODY) throw new DomainError('BAD_REQUEST', 'lan.error.badPairing', { field: 'body' })
    chunks.push(chunk as Buffer)
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}')
  } catch {
    throw new DomainError('BAD_REQUEST', 'http.invalidJson')
  }
}
