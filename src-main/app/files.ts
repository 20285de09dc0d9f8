import type { CoreHost } from '../api/host'
import { desktopFileResponse } from '../attachments'
import type { DesktopBridge } from '../lan/desktop-bridge'

// Attachments for the desktop window, which has no HTTP server: the main process answers
// jimu-file://files/<hash>?<reference> — on a single PC with the HTTP route's decision over this
// PC's core (src-main/attachments), in client mode with the paired host's answer for the window's
// user there (src-main/lan/host-files.ts). Plain Node: no electron import, tested as is.

export { FILE_SCHEME } from '../desktop/schemes'

export function serveAttachment(host: CoreHost, url: string, tokens: string[]): Response {
  return desktopFileResponse(host.core, url, tokens)
}

/** The window's file request, wherever its data lives now (this PC's core or the office host). */
export async function serveWindowFile(host: CoreHost, bridge: Pick<DesktopBridge, 'mode' | 'file' | 'localTokens'>, request: { url: string; headers: { get(name: string): string | null } }, locale?: string): Promise<Response> {
  if (bridge.mode !== 'client') return serveAttachment(host, request.url, bridge.localTokens())
  const answer = await bridge.file(request.url, locale, request.headers.get('if-none-match') ?? undefined)
  return new Response(answer.status === 304 ? null : new Uint8Array(answer.body), { status: answer.status, headers: answer.headers })
}
