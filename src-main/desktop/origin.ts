// Where the desktop window's pages come from, and which of them the main process trusts.
// The renderer is served from a custom privileged scheme (app://jimu/…), never from file://: a file://
// page can be anything on the disk (a dropped file, a downloaded HTML attachment), while app://jimu
// answers only the files of the built renderer. Exactly that origin — and, in development only, the
// electron-vite dev server — may call the IPC channel, keep the preload's bridge or be navigated to.

export const APP_SCHEME = 'app'
export const APP_HOST = 'jimu'
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`

/** What decides the trusted origin: the dev server counts only while the app is not packaged. */
export interface OriginContext {
  packaged: boolean
  /** ELECTRON_RENDERER_URL, set by `electron-vite dev`. */
  devServerUrl?: string | null
}

/** The origin of a URL, or null when it has none (about:blank, data:, garbage). */
export function originOf(url: string): string | null {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return null
  }
  // URL.origin is "null" for non-special schemes; app:// is registered as standard in Electron, so
  // build the origin ourselves the way Chromium does for it.
  if (parsed.protocol === `${APP_SCHEME}:`) return parsed.host ? `${APP_SCHEME}://${parsed.host}` : null
  return parsed.origin === 'null' ? null : parsed.origin
}

/** The dev server's origin when it may be used: never in a packaged app. */
export function devServerOrigin(ctx: OriginContext): string | null {
  if (ctx.packaged || !ctx.devServerUrl) return null
  const origin = originOf(ctx.devServerUrl)
  if (!origin) return null
  const { protocol, hostname } = new URL(origin)
  // electron-vite serves on loopback; anything else in that variable is not our dev server.
  return (protocol === 'http:' || protocol === 'https:') && (hostname === 'localhost' || hostname === '127.0.0.1' || hostname === '[::1]') ? origin : null
}

/** The URL the window loads. */
export function rendererEntryUrl(ctx: OriginContext): string {
  return devServerOrigin(ctx) !== null ? ctx.devServerUrl! : APP_ENTRY_URL
}

/** True when `url` belongs to the app's own pages (the one origin, compared exactly). */
export function isAppPage(url: string, ctx: OriginContext): boolean {
  const origin = originOf(url)
  if (origin === null) return false
  return origin === APP_ORIGIN || origin === devServerOrigin(ctx)
}

/** The IPC sender check: the main frame of a window, showing one of our pages. */
export function isTrustedSender(sender: { frameUrl: string; isMainFrame: boolean }, ctx: OriginContext): boolean {
  return sender.isMainFrame && isAppPage(sender.frameUrl, ctx)
}
