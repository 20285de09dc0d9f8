import { prefetch } from '../api/client'
import { preloadShell } from '../app/lazy-pages'
import { preloadTableView } from '../components/views/lazy-views'
import { askFirstScreen } from './first-requests'
import { PHONE_QUERY } from './phone-query'
import { parseRoute } from './route'

/**
 * Sends the requests the first screen will make as the app starts (before React and the shell
 * have rendered; lib/first-requests.ts lists them) — in a browser most were sent already by the
 * page's first script and are taken from it. The components then make the same calls and take
 * these answers (api/client.ts `prefetch`): real answers for this session, nothing shown that the
 * server did not send them. Someone signed in: the shell's chunk is fetched and evaluated now,
 * not after React has rendered (the sign-in page preloads it itself). On a computer, a form's
 * table view chunk too. Returns when system.status has answered and, someone signed in, the
 * shell's chunk is evaluated (main.tsx waits a moment for both before the first render: the shell
 * is then drawn at once, lazy-pages.tsx `Shell`). Without a session these calls fail
 * and their answers are dropped at sign-in (clearCache).
 */
export function startFirstScreen(): Promise<unknown> {
  const route = parseRoute(window.location.hash)
  const list = route.formId !== null && !route.section && !route.design && !route.drill && !route.crm ? route.formId : null
  const phone = window.matchMedia(PHONE_QUERY).matches
  const status = askFirstScreen(prefetch, list, phone).then(async (answer) => {
    if (answer?.user) await preloadShell()
  })
  if (list !== null && !phone) preloadTableView()
  return status
}
