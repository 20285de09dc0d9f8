import { navigate, type Route } from './route'

// Edits in an open record must never vanish because the user clicked elsewhere: a link in the
// navigation, a search hit, a related record. Every open form with unsaved edits registers a
// guard; anything that would leave (navigation, closing the window) asks the guards first.
// Guards stack (a quick-create drawer on top of a record): the newest asks first.

/** Asks the user; calls `proceed` only if they agree to drop their edits. */
export type UnsavedGuard = (proceed: () => void) => void

const guards: UnsavedGuard[] = []
/** Navigation the guards already agreed to passes the address-bar check below. */
let agreedUntil = 0

/** Registers a guard while a form has unsaved edits; the returned function removes it. */
export function addUnsavedGuard(guard: UnsavedGuard): () => void {
  guards.push(guard)
  return () => {
    const index = guards.lastIndexOf(guard)
    if (index >= 0) guards.splice(index, 1)
  }
}

export function hasUnsavedEdits(): boolean {
  return guards.length > 0
}

/** Runs `action` once every open form with edits has agreed to let them go. */
export function whenSafe(action: () => void): void {
  const pending = [...guards]
  const next = (): void => {
    const guard = pending.pop()
    if (guard) guard(next)
    else {
      // The forms drop their guards on their next render; the address change comes before that.
      if (pending.length === 0 && guards.length > 0) agreedUntil = Date.now() + 1000
      action()
    }
  }
  next()
}

export function guardedNavigate(route: Route): void {
  whenSafe(() => navigate(route))
}

/**
 * Catches clicks on in-app links (`href="#/…"`, the navigation), the back and forward buttons and
 * the window closing while edits are unsaved. Installed once by the shell; returns the uninstaller.
 */
export function installUnsavedLinkGuard(): () => void {
  let shown = window.location.hash
  // Back / forward cannot be cancelled: the address is put back before the app renders the new
  // place, and the user is asked. popstate comes in the same task as the address change (the
  // later hashchange may follow a render that already read the new address).
  const onHashChange = () => {
    const target = window.location.hash
    if (!hasUnsavedEdits() || Date.now() < agreedUntil || target === shown) {
      shown = target
      return
    }
    history.replaceState(history.state, '', `${window.location.pathname}${window.location.search}${shown}`)
    whenSafe(() => {
      shown = target
      window.location.hash = target
    })
  }
  const onClick = (event: MouseEvent) => {
    if (!hasUnsavedEdits() || event.defaultPrevented || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) return
    const link = (event.target as Element | null)?.closest?.('a[href^="#/"]')
    if (!link) return
    const href = link.getAttribute('href') ?? ''
    if (href === window.location.hash) return
    event.preventDefault()
    event.stopPropagation()
    whenSafe(() => {
      window.location.hash = href
    })
  }
  const onBeforeUnload = (event: BeforeUnloadEvent) => {
    if (!hasUnsavedEdits()) return
    event.preventDefault()
  }
  document.addEventListener('click', onClick, true)
  window.addEventListener('beforeunload', onBeforeUnload)
  window.addEventListener('popstate', onHashChange)
  window.addEventListener('hashchange', onHashChange)
  return () => {
    window.removeEventListener('popstate', onHashChange)
    document.removeEventListener('click', onClick, true)
    window.removeEventListener('beforeunload', onBeforeUnload)
    window.removeEventListener('hashchange', onHashChange)
  }
}
