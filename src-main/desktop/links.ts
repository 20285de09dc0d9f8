import { FILE_SCHEME } from './schemes'
import { isAppPage, type OriginContext } from './origin'

// What the window may do with a URL it did not load itself: navigate to it (will-navigate), open
// it in a new window (setWindowOpenHandler) or hand it to the operating system (shell.openExternal).
// The window stays on the app's own pages; web and mail links go to the user's browser or mail
// program after a check; attachments open in the app's own viewer; everything else is dropped.

const EXTERNAL_PROTOCOLS = new Set(['http:', 'https:', 'mailto:'])

/** The URL to hand to the OS, normalized, or null when it is not a web or mail link. */
export function externalUrl(url: string): string | null {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return null
  }
  if (!EXTERNAL_PROTOCOLS.has(parsed.protocol)) return null
  if (parsed.protocol === 'mailto:') return parsed.pathname.length > 0 ? parsed.href : null
  // Credentials in a link (http://bank.com@evil.example) only serve to mislead the reader.
  if (!parsed.hostname || parsed.username || parsed.password) return null
  return parsed.href
}

/** jimu-file://files/<hash>: an attachment, shown by the app itself (the OS knows no such scheme). */
export function attachmentUrl(url: string): string | null {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return null
  }
  if (parsed.protocol !== `${FILE_SCHEME}:` || parsed.host !== 'files') return null
  return /^\/[0-9a-f]{64}$/.test(parsed.pathname) ? parsed.href : null
}

export type LinkDecision =
  | { action: 'stay' }
  | { action: 'external'; url: string }
  | { action: 'attachment'; url: string }
  | { action: 'deny' }

/** will-navigate: in-app navigation stays; anything else never replaces the app in its window. */
export function decideNavigation(url: string, ctx: OriginContext): LinkDecision {
  if (isAppPage(url, ctx)) return { action: 'stay' }
  return decideWindowOpen(url)
}

/** setWindowOpenHandler: the app opens no windows of its own kind. */
export function decideWindowOpen(url: string): Exclude<LinkDecision, { action: 'stay' }> {
  const attachment = attachmentUrl(url)
  if (attachment) return { action: 'attachment', url: attachment }
  const external = externalUrl(url)
  if (external) return { action: 'external', url: external }
  return { action: 'deny' }
}

/** What opening a link outside the app needs from Electron: a confirmation, then shell.openExternal. */
export interface ExternalOpener {
  /** Ask the user; resolves true when they chose to open it. */
  confirm(url: string): Promise<boolean>
  open(url: string): Promise<void>
}

/**
 * The one way the app hands a URL to the OS: only http(s) and mailto, only after the user saw
 * where it goes. Returns whether it was opened.
 */
export async function openExternalGuarded(url: string, opener: ExternalOpener): Promise<boolean> {
  const safe = externalUrl(url)
  if (!safe) return false
  if (!(await opener.confirm(safe))) return false
  await opener.open(safe)
  return true
}
