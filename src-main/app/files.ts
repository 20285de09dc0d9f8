import type { CoreHost } from '../api/host'
import { NotFoundError } from '../shared/errors'

// Attachments for the desktop window, which has no HTTP server: the main process answers
// jimu-file://files/<hash> from the content-addressed store, only while a user is signed in.

export const FILE_SCHEME = 'jimu-file'

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
        'cache-control': 'private, max-age=31536000, immutable'
      }
    })
  } catch (e) {
    if (e instanceof NotFoundError) return new Response('Not found', { status: 404 })
    throw e
  }
}
