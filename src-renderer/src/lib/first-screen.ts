import { prefetch } from '../api/client'
import { preloadShell } from '../app/lazy-pages'
import { preloadTableView } from '../components/views/lazy-views'
import { firstCardsInput } from '../components/mobile/cards-query'
import { storedViewId } from '../components/views/useViews'
import { PHONE_QUERY } from './phone'
import { parseRoute } from './route'

/**
 * Sends the requests the first screen will make, as the page starts (before React and the shell
 * have rendered), instead of one after the other as each component mounts: who is signed in
 * (system.status; then the shell's chunk), the apps and forms of the navigation, and for a form's list the user's views,
 * what they may do, and — on a phone — the first page of cards, as soon as the forms and views it
 * depends on are in. The components then make the same calls and take these answers (api/client.ts
 * `prefetch`): real answers for this session, nothing shown that the server did not send them.
 * Returns when system.status has answered (main.tsx waits a moment for it before the first render).
 * Without a session these calls fail and their answers are dropped at sign-in (clearCache).
 */
export function startFirstScreen(): Promise<unknown> {
  // Someone is signed in: the shell's chunk is fetched and evaluated now, not after React has
  // rendered (the sign-in page preloads it itself; it is not fetched before that page shows).
  const status = prefetch('system.status').then((answer) => {
    if (answer?.user) preloadShell()
    return answer
  })
  const catalog = Promise.all([prefetch('apps.list'), prefetch('forms.list')])
  const route = parseRoute(window.location.hash)
  if (route.formId === null || route.section || route.design || route.drill || route.crm) return status
  const formId = route.formId
  void prefetch('forms.access', { form: formId })
  void prefetch('auth.me')
  const views = prefetch('views.list', { form: formId })
  if (!window.matchMedia(PHONE_QUERY).matches) {
    preloadTableView()
    return status
  }
  void Promise.all([catalog, views]).then(([[, forms], list]) => {
    const form = forms?.find((f) => f.id === formId)
    if (form && list) void prefetch('records.list', firstCardsInput(form, list, storedViewId(formId)))
  })
  return status
}
