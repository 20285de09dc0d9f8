import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs'
import { extname, isAbsolute, relative, resolve, sep } from 'node:path'
import { APP_HOST, APP_SCHEME } from './origin'

// The app:// protocol: the desktop window's pages, answered from the built renderer folder
// (out/renderer). Only that folder is reachable — a request that would leave it (`..`, encoded
// slashes, a symlink pointing out) is refused — and every answer carries the page's Content
// Security Policy, so an injected <script> from anywhere else never runs next to the preload bridge.

/** The scheme's privileges (protocol.registerSchemesAsPrivileged), given before the app is ready. */
export const APP_SCHEME_PRIVILEGES = { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true } as const

/**
 * The renderer's policy. Scripts only from the app itself (no inline script, no eval); Mantine
 * writes style attributes and <style> tags, hence 'unsafe-inline' for styles only. Attachments come
 * from jimu-file:, exported images are built as data:/blob: URLs. Nothing is loaded from the network.
 */
export const RENDERER_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob: jimu-file:",
  "font-src 'self' data:",
  "media-src 'self' blob: jimu-file:",
  "connect-src 'self' data: blob: jimu-file:",
  "worker-src 'self' blob:",
  "frame-src 'none'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'"
].join('; ')

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8'
}

function refuse(status: 400 | 403 | 404 | 405, text: string): Response {
  return new Response(text, { status, headers: { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' } })
}

/** The file under `rendererDir` that `url` names, or a refusal. */
export function resolveRendererFile(rendererDir: string, url: string): { file: string } | { status: 400 | 403 | 404; reason: string } {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return { status: 400, reason: 'Bad URL' }
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST) return { status: 404, reason: 'Unknown host' }
  let path: string
  try {
    path = decodeURIComponent(parsed.pathname)
  } catch {
    return { status: 400, reason: 'Bad path' }
  }
  // A decoded backslash or NUL has no business in a web path; on Windows a backslash is a separator.
  if (path.includes('\\') || path.includes('\0')) return { status: 403, reason: 'Refused path' }
  if (path === '/' || path === '') path = '/index.html'
  const root = resolve(rendererDir)
  const file = resolve(root, `.${path}`)
  if (!inside(root, file)) return { status: 403, reason: 'Refused path' }
  if (!existsSync(file) || !statSync(file).isFile()) return { status: 404, reason: 'Not found' }
  // A symlink inside the folder must not lead out of it either.
  if (!inside(realpathSync(root), realpathSync(file))) return { status: 403, reason: 'Refused path' }
  return { file }
}

function inside(root: string, file: string): boolean {
  const rel = relative(root, file)
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel)
}

/** Answer one app:// request (protocol.handle's handler). */
export function serveRendererRequest(rendererDir: string, request: { url: string; method: string }): Response {
  if (request.method !== 'GET' && request.method !== 'HEAD') return refuse(405, 'Method not allowed')
  const found = resolveRendererFile(rendererDir, request.url)
  if ('status' in found) return refuse(found.status, found.reason)
  const type = TYPES[extname(found.file).toLowerCase()] ?? 'application/octet-stream'
  const isHtml = type.startsWith('text/html')
  const headers: Record<string, string> = {
    'content-type': type,
    'x-content-type-options': 'nosniff',
    'cache-control': isHtml ? 'no-cache' : 'public, max-age=31536000, immutable'
  }
  if (isHtml) headers['content-security-policy'] = RENDERER_CSP
  const body = request.method === 'HEAD' ? null : new Uint8Array(readFileSync(found.file))
  return new Response(body, { status: 200, headers })
}
