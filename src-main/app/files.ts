import type { CoreHost } from '../api/host'
import { desktopFileResponse } from '../attachments'

// Attachments for the desktop window, which has no HTTP server: the main process answers
// jimu-file://files/<hash>?<reference> with the HTTP route's decision (src-main/attachments).

export { FILE_SCHEME } from '../desktop/schemes'

export function serveAttachment(host: CoreHost, url: string, tokens: string[]): Response {
  return desktopFileResponse(host.core, url, tokens)
}
