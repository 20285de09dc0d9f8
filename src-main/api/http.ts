import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import { existsSync, statSync } from 'node:fs'
import { isIP } from 'node:net'
import { hostname, networkInterfaces } from 'node:os'
import { extname, join, normalize, resolve } from 'node:path'
import { answerFileRequest } from '../attachments'
import { toActor } from '../access/auth'
import { DomainError } from '../shared/errors'
import { pickLocale, type Locale } from '../shared/locales'
import { errorBody, type Dispatcher, type RpcResult } from './dispatcher'
import type { CoreHost } from './host'
import { openApiDocument } from './openapi'
import { matchRoute } from './rest'
import { RateLimiter } from './rate-limit'
import type { LanGate } from '../lan/gate'
import { publicFormRoute } from '../publicforms/route'
import { isHashedAsset, sendAsset, sendCompressible } from './compression'
import { afterCall, LiveStream, openEventStream } from './events-stream'

// The HTTP transport: POST /rpc/<method> for the app (session cookie), REST /api/v1/... and
// /api/openapi.json for integrations (Bearer token only), attachment downloads, and the built
// renderer. It only translates HTTP to dispatcher calls; no handler knows it exists.
//
// Trust boundaries, checked on every request before anything else:
// - Host: only the names this server is reached by (loopback, this machine's addresses, the
//   configured public names). A DNS-rebinding page reaches us under its own name and is refused,
//   even on a fresh server where auth.setup would make it the administrator.
// - Origin: the app's calls (rpc, session cookie) must come from the app's own origin (scheme,
//   host and port); REST ignores the cookie altogether, so no page can ride a signed-in browser.
// - Files are served so that they can never run as the app (src-main/attachments/downloads.ts).

/** Over TLS the cookie carries the __Host- prefix (Secure, Path=/, no Domain: no other host or
 * plain-http page can set or shadow it). Over plain http — loopback only — browsers drop Secure
 * cookies on http://127.0.0.1, so the name stays unprefixed there. */
const COOKIE_TLS = '__Host-jimu_session'
const COOKIE_PLAIN = 'jimu_session'
const MAX_BODY = 100 * 1024 * 1024
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.woff2': 'font/woff2', '.woff': 'font/woff'
}

/**
 * The app's pages: scripts only from this origin, no inline script; Mantine injects <style> tags
 * and components set style attributes, so styles allow 'unsafe-inline'; image previews and the
 * PNG export of dashboards (html-to-image) draw from data: and blob: URLs. Never framed.
 */
export const PAGE_CSP = [
  "default-src 'self'", "script-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src 'self' data: blob:", "font-src 'self' data:",
  "connect-src 'self' data: blob:", "media-src 'self' blob:", "object-src 'none'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'"
].join('; ')

export interface HttpOptions {
  dispatcher: Dispatcher
  host: CoreHost
  rendererDir: string | null
  /** Serve HTTPS with this key and certificate (LAN mode). */
  tls?: { key: string; cert: string }
  /** Login attempts allowed per client address per minute. */
  loginsPerMinute?: number
  /** Host names (without port) this server is also reached by, besides loopback and its own addresses: `--public-host`. */
  publicHosts?: string[]
  /** The office network: pairing endpoints, the paired-device check and LAN sessions (src-main/lan/gate.ts). */
  lan?: LanGate
}

/** A client mistake at the HTTP layer, with its status (the body is the usual translated error). */
class HttpError extends DomainError {
  constructor(readonly status: number, messageKey: string, params: Record<string, string | number> = {}) {
    super(status === 403 ? 'PERMISSION' : 'BAD_REQUEST', messageKey, params)
  }
}

const LOGIN_METHODS = new Set(['auth.login', 'auth.setup'])
const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]'])

function bearerOf(req: IncomingMessage): string | null {
  const auth = req.headers.authorization
  return auth?.startsWith('Bearer ') ? auth.slice(7).trim() || null : null
}

function cookieOf(req: IncomingMessage, name: string): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=')
    if (k !== name) continue
    try {
      return decodeURIComponent(v.join('='))
    } catch {
      return null
    }
  }
  return null
}

const decode = (text: string): string => {
  try {
    return decodeURIComponent(text)
  } catch {
    throw new HttpError(400, 'http.badUrl')
  }
}

/** This machine's interface addresses now (an IP changed by DHCP is picked up at the next request). */
function ownAddresses(): Set<string> {
  const out = new Set<string>()
  for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) out.add(a.address.toLowerCase().replace(/%.*$/, ''))
  return out
}

const bare = (address: string) => address.toLowerCase().replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '').replace(/%.*$/, '')

/**
 * Whether the Host header names this server: a loopback name, this PC's host name, one of its
 * addresses (an IP literal cannot be a DNS-rebinding name), or a configured public name — always
 * with the port the request arrived on.
 */
export function hostAllowed(req: IncomingMessage, scheme: 'http' | 'https', publicHosts: ReadonlySet<string>): boolean {
  const raw = req.headers.host
  if (!raw || /[\s/\\?#@]/.test(raw)) return false
  let url: URL
  try {
    url = new URL(`${scheme}://${raw}`)
  } catch {
    return false
  }
  const port = url.port ? Number(url.port) : scheme === 'https' ? 443 : 80
  if (port !== req.socket.localPort) return false
  const name = url.hostname
  if (LOOPBACK_NAMES.has(name) || publicHosts.has(name)) return true
  // This PC's own name (as Windows networking and mDNS announce it): not a name a page can rebind.
  const own = hostname().toLowerCase()
  if (name === own || name === `${own}.local`) return true
  const ip = name.replace(/^\[|\]$/g, '')
  if (!isIP(ip)) return false
  return bare(ip) === bare(req.socket.localAddress ?? '') || ownAddresses().has(bare(ip))
}

/** Refuse a cookie-authenticated call that does not come from the app's own origin. */
function checkSameOrigin(req: IncomingMessage, scheme: 'http' | 'https'): void {
  const site = req.headers['sec-fetch-site']
  if (site !== undefined && site !== 'same-origin' && site !== 'none') throw new HttpError(403, 'http.originRefused')
  const origin = req.headers.origin
  if (origin === undefined) return
  let from: string
  try {
    from = new URL(origin).origin
  } catch {
    throw new HttpError(403, 'http.originRefused')
  }
  // The Host header was checked first, so this is one of our own names.
  if (from === 'null' || from !== new URL(`${scheme}://${req.headers.host}`).origin) throw new HttpError(403, 'http.originRefused')
}

function requireJson(req: IncomingMessage): void {
  const type = String(req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase()
  if (type !== 'application/json') throw new HttpError(415, 'http.unsupportedType')
}

/**
 * The request's JSON body. Read with the stream's events rather than `for await` (an async
 * iterator and a promise per chunk: a visible share of a small call's time under load); a body
 * past MAX_BODY is refused at once, a request cut off before its end fails the call.
 */
function readJson(req: IncomingMessage): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? 0)
  if (declared > MAX_BODY) return Promise.reject(new HttpError(413, 'http.bodyTooLarge', { max: MAX_BODY / 1024 / 1024 }))
  return new Promise((done, fail) => {
    const chunks: Buffer[] = []
    let size = 0
    const stop = (error: Error | null) => {
      req.off('data', onData).off('end', onEnd).off('error', stop).off('close', onClose)
      if (error) {
        req.pause()
        return fail(error)
      }
      if (!size) return done({})
      try {
        done(JSON.parse((chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)).toString('utf8')))
      } catch {
        fail(new HttpError(400, 'http.invalidJson'))
      }
    }
    const onData = (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_BODY) stop(new HttpError(413, 'http.bodyTooLarge', { max: MAX_BODY / 1024 / 1024 }))
      else chunks.push(chunk)
    }
    const onEnd = () => stop(null)
    const onClose = () => stop(new Error('request closed before its body ended'))
    req.on('data', onData).once('end', onEnd).once('error', stop).once('close', onClose)
  })
}

const STATUS: Record<string, number> = { VALIDATION: 422, PERMISSION: 403, NOT_FOUND: 404, CONFLICT: 409, UNAUTHENTICATED: 401, BAD_REQUEST: 400, INTERNAL: 500 }

export function createHttpServer(options: HttpOptions): Server {
  const { dispatcher, host } = options
  const scheme = options.tls ? 'https' : 'http'
  const cookieName = options.tls ? COOKIE_TLS : COOKIE_PLAIN
  const publicHosts = new Set((options.publicHosts ?? []).map((h) => h.trim().toLowerCase()).filter(Boolean))
  const logins = new RateLimiter(options.loginsPerMinute ?? 10, 60_000)
  const live = new LiveStream(host)
  /** On every response: no sniffing, never framed, no referrer, own browsing-context group; HSTS only over TLS. */
  const baseHeaders: Record<string, string> = {
    'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY', 'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin', 'cross-origin-resource-policy': 'same-origin',
    ...(options.tls ? { 'strict-transport-security': 'max-age=31536000' } : {})
  }

  function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string | string[]> = {}, req?: IncomingMessage): void | Promise<void> {
    const text = JSON.stringify(body)
    const all = { ...baseHeaders, 'content-security-policy': "default-src 'none'; frame-ancestors 'none'", 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers }
    // API answers: compressed when large and the client accepts it (./compression.ts).
    if (req) return sendCompressible(req, res, status, all, text)
    res.writeHead(status, all)
    res.end(text)
  }

  const listener = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((e: unknown) => {
      const locale = pickLocale(req.headers['accept-language'])
      if (res.headersSent) {
        res.destroy()
        return
      }
      // A refused body is not read to its end: close the connection rather than drain it.
      if (e instanceof HttpError) send(res, e.status, errorBody(locale, e), e.status === 413 ? { connection: 'close' } : {})
      else if (e instanceof DomainError) send(res, STATUS[e.code] ?? 400, errorBody(locale, e))
      else if (e instanceof URIError) send(res, 400, errorBody(locale, new HttpError(400, 'http.badUrl')))
      else {
        console.error('HTTP request failed', e)
        send(res, 500, errorBody(locale, new DomainError('INTERNAL', 'error.internal')))
      }
    })
  }
  const publicForms = publicFormRoute({ core: () => host.core, baseHeaders })
  const server = options.tls ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, listener) : createServer(listener)

  function limited(method: string, req: IncomingMessage, res: ServerResponse, locale: Locale): boolean {
    if (!LOGIN_METHODS.has(method) || logins.take(req.socket.remoteAddress ?? '?')) return false
    send(res, 429, errorBody(locale, new DomainError('PERMISSION', 'auth.tooManyAttempts')), { 'retry-after': '60' })
    return true
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!hostAllowed(req, scheme, publicHosts)) throw new HttpError(421, 'http.hostRefused')
    const url = new URL(req.url ?? '/', 'http://localhost')
    const locale: Locale = pickLocale(req.headers['accept-language'])
    const method = req.method ?? 'GET'
    const client = req.headers['user-agent']
    if (options.lan && (await options.lan.handle(req, url.pathname, (status, body) => send(res, status, body)))) return
    // Public forms (外链表单): their own minimal route, no session (src-main/publicforms/route.ts).
    if (url.pathname.startsWith('/p/')) return publicForms(req, res, url, locale)

    if (url.pathname.startsWith('/rpc/')) {
      if (method !== 'POST') throw new HttpError(405, 'http.postOnly')
      // The app's calls ride the session cookie: only from our own origin, and only as JSON
      // (which a foreign page cannot send without a preflight).
      checkSameOrigin(req, scheme)
      requireJson(req)
      const name = decode(url.pathname.slice(5))
      if (limited(name, req, res, locale)) return
      const token = bearerOf(req) ?? cookieOf(req, cookieName)
      const result = await dispatcher.call(name, await readJson(req), { token, locale, client, address: req.socket.remoteAddress })
      if (options.lan && result.ok && LOGIN_METHODS.has(name)) options.lan.signedIn(req, result.data)
      if (result.ok) afterCall(live, name)
      return send(res, 200, result, sessionCookie(name, result, cookieName, !!options.tls), req)
    }

    if (url.pathname === '/api/openapi.json') return send(res, 200, openApiDocument())

    if (url.pathname.startsWith('/api/')) {
      const match = matchRoute(method, url.pathname)
      if (!match) throw new HttpError(404, 'http.noEndpoint')
      if (limited(match.route.rpc, req, res, locale)) return
      let body: unknown
      if (method === 'POST' || method === 'PATCH') {
        requireJson(req)
        body = await readJson(req)
      }
      const input = match.route.input(match.params, url.searchParams, body)
      // Integrations authenticate with a Bearer token; the browser's session cookie is ignored,
      // so a form posted from another page cannot act as the signed-in user.
      const result = await dispatcher.call(match.route.rpc, input, { token: bearerOf(req), locale, client, address: req.socket.remoteAddress })
      if (options.lan && result.ok && LOGIN_METHODS.has(match.route.rpc)) options.lan.signedIn(req, result.data)
      if (!result.ok) return send(res, STATUS[result.error.code] ?? 400, result.error)
      return send(res, match.route.status ?? 200, match.route.output ? match.route.output(result.data) : result.data, {}, req)
    }

    // The live event stream (./events-stream.ts): the session cookie, from our own origin only, or
    // a paired desktop client's session as a Bearer token (src-main/lan/host-events.ts).
    if (url.pathname === '/events') {
      if (method !== 'GET') throw new HttpError(405, 'http.noEndpoint')
      checkSameOrigin(req, scheme)
      return openEventStream(live, req, res, bearerOf(req) ?? cookieOf(req, cookieName), baseHeaders)
    }

    if (url.pathname.startsWith('/files/')) {
      if (method !== 'GET') return send(res, 405, errorBody(locale, new HttpError(405, 'http.noEndpoint')), { allow: 'GET' })
      // An <img> or link from another site (or another port of this host) gets nothing.
      const site = req.headers['sec-fetch-site']
      if (site !== undefined && site !== 'same-origin' && site !== 'none') throw new HttpError(403, 'http.originRefused')
      const token = bearerOf(req) ?? cookieOf(req, cookieName)
      const principal = token ? host.core.auth.resolve(token) : null
      const answer = answerFileRequest(host.core, principal ? toActor(principal.user) : null, decode(url.pathname.slice(7)), url.searchParams, req.headers['if-none-match'])
      res.writeHead(answer.status, { ...baseHeaders, ...answer.headers })
      res.end(answer.body)
      return
    }

    return serveStatic(url.pathname, req, res)
  }

  // Open event streams would keep close() waiting forever: they end first.
  const closeServer = server.close.bind(server)
  server.close = (callback?: (err?: Error) => void) => {
    live.close()
    return closeServer(callback)
  }
  return server

  function serveStatic(pathname: string, req: IncomingMessage, res: ServerResponse): void | Promise<void> {
    const root = options.rendererDir
    if (!root || !existsSync(join(root, 'index.html'))) {
      res.writeHead(503, { ...baseHeaders, 'content-type': 'text/plain; charset=utf-8' })
      res.end('The renderer is not built. Run `npm run build` first.')
      return
    }
    const file = resolve(root, normalize(`.${decode(pathname)}`))
    const inside = file.startsWith(resolve(root))
    const target = inside && existsSync(file) && statSync(file).isFile() ? file : join(root, 'index.html')
    // Hashed build output never changes under its name: cached for a year; index.html (which names
    // the current hashes) and unhashed files are revalidated on every load.
    return sendAsset(req, res, target, {
      ...baseHeaders,
      'content-security-policy': PAGE_CSP,
      'content-type': TYPES[extname(target)] ?? 'application/octet-stream',
      'cache-control': isHashedAsset(target) ? 'public, max-age=31536000, immutable' : 'no-cache'
    })
  }
}

/** Sign-in and first-run set the session cookie; sign-out clears it. */
function sessionCookie(method: string, result: RpcResult, name: string, secure: boolean): Record<string, string> {
  if (!result.ok) return {}
  const flags = `HttpOnly; SameSite=Strict; Path=/${secure ? '; Secure' : ''}`
  if (method === 'auth.login' || method === 'auth.setup') {
    const token = (result.data as { token: string }).token
    return { 'set-cookie': `${name}=${encodeURIComponent(token)}; ${flags}; Max-Age=${30 * 86400}` }
  }
  if (method === 'auth.logout' || method === 'auth.logoutEverywhere') return { 'set-cookie': `${name}=; ${flags}; Max-Age=0` }
  return {}
}
