import type { CoreHost } from '../api/host'
import { NotFoundError } from '../shared/errors'
import { FILE_SCHEME } from '../desktop/schemes'

// Attachments for the desktop window, which has no HTTP server: the main process answers
// jimu-file://files/<hash> from the content-addressed store, only while a user is signed in.
// A file is shown as data, never as a page of the app: sniffing off, and a sandbox policy so an
// uploaded HTML or SVG file runs no script even when opened on its own (PDFs are left to Chromium's
// viewer, which a sandboxed document cannot use and which runs no page script).

export { FILE_SCHEME }

export const ATTACHMENT_CSP = "sandbox; default-src 'none'; img-src 'self' data:; media-src 'self'; style-src 'unsafe-inline'"

export function serveAttachment(host: CoreHost, url: string, tokens: string[]): Response {
  if (!tokens.some((token) => host.core.auth.resolve(token))) return new Response('Please log in first', { status: 401 })
  const hash = new URL(url).pathname.replace(/^\/+/, '')
  try {
    const { meta, data } = host.core.attachments.get(hash)
    return new Response(new Uint8Array(data), {
      headers: {
        'content-type': meta.mime,
        'content-length': String(data.length),
        'content-disposition': `inline; filename*=UTF-8''${encodeURIComponent(meta.name)}`,
        'cache-control': 'private, max-age=31536000, immutable',
        'x-content-type-options': 'nosniff',
        ...(meta.mime === 'application/pdf' ? {} : { 'content-security-policy': ATTACHMENT_CSP })
      }
    })
  } catch (e) {
    if (e instanceof NotFoundError) return new Response('Not found', { status: 404 })
    throw e
  }
}
