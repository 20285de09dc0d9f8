import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { extname, join, normalize, resolve } from 'node:path'
import { DomainError } from '../shared/errors'
import { pickLocale, type Locale } from '../shared/locales'
import { errorBody, type Dispatcher, type RpcResult } from './dispatcher'
import type { CoreHost } from './host'
import { openApiDocument } from './openapi'
import { matchRoute } from './rest'
import { RateLimiter } from './rate-limit'

// The HTTP transport: POST /rpc/<method> for the app (session cookie), REST /api/v1/... and
// /api/openapi.json for integrations (Bearer token), attachment downloads, and the built renderer.
// It only translates HTTP to dispatcher calls; no handler knows it exists.

const COOKIE = 'jimu_session'
const MAX_BODY = 100 * 1024 * 1024
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.woff2': 'font/woff2', '.woff': 'font/woff'
}

export interface HttpOptions {
  dispatcher: Dispatcher
  host: CoreHost
  rendererDir: string | null
  /** Serve HTTPS with this key and certificate (LAN mode). */
  tls?: { key: string; cert: string }
  /** Login attempts allowed per client address per minute. */
  loginsPerMinute?: number
}

const LOGIN_METHODS = new Set(['auth.login', 'auth.setup'])

function tokenOf(req: IncomingMessage): string | null {
  const auth = req.headers.authorization
  if (auth?.startsWith('Bearer ')) return auth.slice(7).trim()
  const cookie = req.headers.cookie ?? ''
  for (const part of cookie.split(';')) {
    const [k, ...v] = part.trim().split('=')
    if (k === COOKIE) return decodeURIComponent(v.join('='))
  }
  return null
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > MAX_BODY) throw new DomainError('BAD_REQUEST', 'error.badRequest', { detail: 'body too large' })
    chunks.push(chunk as Buffer)
  }
  if (!size) return {}
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'))
  } catch {
    throw new DomainError('BAD_REQUEST', 'error.badRequest', { detail: 'invalid JSON' })
  }
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string | string[]> = {}): void {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers })
  res.end(text)
}

const STATUS: Record<string, number> = { VALIDATION: 422, PERMISSION: 403, NOT_FOUND: 404, CONFLICT: 409, UNAUTHENTICATED: 401, BAD_REQUEST: 400, INTERNAL: 500 }

export function createHttpServer(options: HttpOptions): Server {
  const { dispatcher, host } = options
  const logins = new RateLimiter(options.loginsPerMinute ?? 10, 60_000)
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((e: unknown) => {
      const locale = pickLocale(req.headers['accept-language'])
      if (e instanceof DomainError) send(res, STATUS[e.code] ?? 400, errorBody(locale, e))
      else {
        console.error('HTTP request failed', e)
        send(res, 500, { code: 'INTERNAL', message: 'Internal error' })
      }
    })
  }
  const server = options.tls ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, listener) : createServer(listener)

  function limited(method: string, req: IncomingMessage, res: ServerResponse, locale: Locale): boolean {
    if (!LOGIN_METHODS.has(method) || logins.take(req.socket.remoteAddress ?? '?')) return false
    send(res, 429, errorBody(locale, new DomainError('PERMISSION', 'auth.tooManyAttempts')), { 'retry-after': '60' })
    return true
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost')
    const locale: Locale = pickLocale(req.headers['accept-language'])
    const token = tokenOf(req)
    const method = req.method ?? 'GET'

    if (url.pathname.startsWith('/rpc/')) {
      if (method !== 'POST') return send(res, 405, { code: 'BAD_REQUEST', message: 'POST only' })
      // Cookie-authenticated calls must come from our own pages: a JSON content type cannot be
      // sent cross-site without a preflight, and a foreign Origin is refused outright.
      const origin = req.headers.origin
      if (!String(req.headers['content-type'] ?? '').includes('application/json') || (origin && new URL(origin).host !== req.headers.host)) {
        return send(res, 403, { code: 'PERMISSION', message: 'Cross-origin request refused' })
      }
      const name = decodeURIComponent(url.pathname.slice(5))
      if (limited(name, req, res, locale)) return
      const result = await dispatcher.call(name, await readJson(req), { token, locale, client: req.headers['user-agent'], address: req.socket.remoteAddress })
      return send(res, 200, result, sessionCookie(name, result, !!options.tls))
    }

    if (url.pathname === '/api/openapi.json') return send(res, 200, openApiDocument())

    if (url.pathname.startsWith('/api/')) {
      const match = matchRoute(method, url.pathname)
      if (!match) return send(res, 404, { code: 'NOT_FOUND', message: 'No such endpoint' })
      if (limited(match.route.rpc, req, res, locale)) return
      const body = method === 'POST' || method === 'PATCH' ? await readJson(req) : undefined
      const input = match.route.input(match.params, url.searchParams, body)
      const result = await dispatcher.call(match.route.rpc, input, { token, locale, client: req.headers['user-agent'], address: req.socket.remoteAddress })
      if (!result.ok) return send(res, STATUS[result.error.code] ?? 400, result.error)
      return send(res, match.route.status ?? 200, match.route.output ? match.route.output(result.data) : result.data)
    }

    if (url.pathname.startsWith('/files/') && method === 'GET') {
      const principal = token ? host.core.auth.resolve(token) : null
      if (!principal) return send(res, 401, { code: 'UNAUTHENTICATED', message: 'Please log in first' })
      const { meta, data } = host.core.attachments.get(url.pathname.slice(7))
      res.writeHead(200, {
        'content-type': meta.mime, 'content-length': String(data.length),
        'content-disposition': `inline; filename*=UTF-8''${encodeURIComponent(meta.name)}`, 'cache-control': 'private, max-age=31536000, immutable'
      })
      res.end(data)
      return
    }

    return serveStatic(url.pathname, res)
  }

  return server

  function serveStatic(pathname: string, res: ServerResponse): void {
    const root = options.rendererDir
    if (!root || !existsSync(join(root, 'index.html'))) {
      res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' })
      res.end('The renderer is not built. Run `npm run build` first.')
      return
    }
    const file = resolve(root, normalize(`.${decodeURIComponent(pathname)}`))
    const inside = file.startsWith(resolve(root))
    const target = inside && existsSync(file) && statSync(file).isFile() ? file : join(root, 'index.html')
    const isIndex = target.endsWith('index.html')
    res.writeHead(200, {
      'content-type': TYPES[extname(target)] ?? 'application/octet-stream',
      'cache-control': isIndex ? 'no-cache' : 'public, max-age=31536000, immutable',
      'x-content-type-options': 'nosniff'
    })
    res.end(readFileSync(target))
  }
}

/** Sign-in and first-run set the session cookie; sign-out clears it. */
function sessionCookie(method: string, result: RpcResult, secure: boolean): Record<string, string> {
  if (!result.ok) return {}
  const flags = `HttpOnly; SameSite=Strict; Path=/${secure ? '; Secure' : ''}`
  if (method === 'auth.login' || method === 'auth.setup') {
    const token = (result.data as { token: string }).token
    return { 'set-cookie': `${COOKIE}=${encodeURIComponent(token)}; ${flags}; Max-Age=${30 * 86400}` }
  }
  if (method === 'auth.logout' || method === 'auth.logoutEverywhere') return { 'set-cookie': `${COOKIE}=; ${flags}; Max-Age=0` }
  return {}
}
