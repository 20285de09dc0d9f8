import type { FirstAsk } from './lib/first-requests'
import { askFirstScreen } from './lib/first-requests'
import { PHONE_QUERY } from './lib/phone-query'
import { requestKey, type EarlyAnswer } from './lib/early-requests'

// The page's first script: asks the server for what the first screen shows (lib/first-requests.ts:
// who is signed in, the apps and forms, on a form's page its views, rights and the user, and on a
// phone the first page of cards) with plain fetch and nothing else loaded, so the answers are on
// their way while the browser still parses and runs React and Mantine (on a phone, most of a
// second). The api client takes them as it starts and as they are asked (api/client.ts): the
// same request, once, while fresh. In the desktop window the calls go over IPC (window.jimu) and
// this does nothing. A classic script of its own, bundled apart from the app and put first in
// index.html (electron.vite.config.ts `earlyScript`): it runs as soon as it has arrived, not after
// the app's modules.

function locale(): string {
  try {
    return localStorage.getItem('jimu.locale') ?? 'zh-CN'
  } catch {
    return 'zh-CN'
  }
}

if (typeof window !== 'undefined' && !window.jimu && !window.__jimuEarly) {
  const early: Record<string, EarlyAnswer> = {}
  window.__jimuEarly = early
  const ask: FirstAsk = (method, input) => {
    const body = fetch(`/rpc/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'accept-language': locale() },
      body: JSON.stringify(input ?? {}),
      credentials: 'same-origin'
    }).then((r) => r.json() as Promise<unknown>).catch(() => null)
    early[requestKey(method, input)] = { at: Date.now(), body }
    return body.then((b) => (b && typeof b === 'object' && (b as { ok?: unknown }).ok === true ? (b as { data: never }).data : undefined))
  }
  // A form's list or record, as lib/first-screen.ts reads the route (a drill-down's filter aside).
  const form = /^#\/forms\/(\d+)(?:\/records\/-?\d+)?\/?$/.exec(window.location.hash)
  void askFirstScreen(ask, form ? Number(form[1]) : null, window.matchMedia(PHONE_QUERY).matches)
}
