import type { AuthService } from '../access/auth'
import { toActor } from '../access/auth'
import { answerFileRequest, type DownloadDeps } from './downloads'

/**
 * The desktop window's jimu-file://files/<hash>?<reference>, answered with the same decision as
 * the HTTP route, as the users signed in to the app's windows (`tokens`): a file is served when
 * any of them may read it there. A web Response, for Electron's protocol.handle.
 */
export function desktopFileResponse(deps: DownloadDeps & { auth: AuthService }, url: string, tokens: string[]): Response {
  const parsed = new URL(url)
  const hash = parsed.pathname.replace(/^\/+/, '')
  const actors = tokens.map((token) => deps.auth.resolve(token)).filter((p) => p !== null).map((p) => toActor(p.user))
  let answer = answerFileRequest(deps, null, hash, parsed.searchParams)
  for (const actor of actors) {
    answer = answerFileRequest(deps, actor, hash, parsed.searchParams)
    if (answer.status < 400) break
  }
  const body = answer.status === 200 ? new Uint8Array(answer.body as Buffer) : answer.status === 304 ? null : String(answer.body)
  return new Response(body, { status: answer.status, headers: answer.headers })
}
