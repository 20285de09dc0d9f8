// The page's first script (index.html, before main.tsx): asks the server for what the first
// screen shows — who is signed in, the apps and forms, and on a form's page its views, rights and
// the user — with plain fetch and nothing else loaded, so the answers are on their way while the
// browser still parses and runs React and Mantine (on a phone, most of a second). The api client
// takes them as it starts (api/client.ts): the same request, once, while fresh. In the desktop
// window the calls go over IPC (window.jimu) and this does nothing. Its own chunk, injected into
// index.html before the app's (electron.vite.config.ts `earlyScript`); it imports nothing, and
// the api client imports its requestKey from it (the same module: it runs once).

export function requestKey(method: string, input: unknown): string {
  return `${method} ${JSON.stringify(input ?? {}, (_k, v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v))}`
}

/** An answer the earliest script asked for: the parsed body (an envelope, or whatever came), null when the request failed. */
export interface EarlyAnswer {
  at: number
  body: Promise<unknown>
}

declare global {
  interface Window {
    __jimuEarly?: Record<string, EarlyAnswer>
  }
}

function locale(): string {
  try {
    return localStorage.getItem('jimu.locale') ?? 'zh-CN'
  } catch {
    return 'zh-CN'
  }
}

function ask(into: Record<string, EarlyAnswer>, method: string, input: Record<string, unknown> = {}): void {
  const body = fetch(`/rpc/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'accept-language': locale() },
    body: JSON.stringify(input),
    credentials: 'same-origin'
  }).then((r) => r.json() as Promise<unknown>).catch(() => null)
  into[requestKey(method, input)] = { at: Date.now(), body }
}

if (typeof window !== 'undefined' && !window.jimu && !window.__jimuEarly) {
  const early: Record<string, EarlyAnswer> = {}
  ask(early, 'system.status')
  ask(early, 'apps.list')
  ask(early, 'forms.list')
  // A form's list or record, as lib/first-screen.ts reads the route (a drill-down's filter aside).
  const form = /^#\/forms\/(\d+)(?:\/records\/-?\d+)?\/?$/.exec(window.location.hash)
  if (form) {
    const id = Number(form[1])
    ask(early, 'forms.access', { form: id })
    ask(early, 'auth.me')
    ask(early, 'views.list', { form: id })
  }
  window.__jimuEarly = early
}
