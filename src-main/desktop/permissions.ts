import { isAppPage, type OriginContext } from './origin'

// Web permissions (session.setPermissionRequestHandler / setPermissionCheckHandler). Electron
// grants every permission by default; the app needs two — desktop notifications and writing to
// the clipboard (copy buttons) — and only for its own pages. Camera, microphone, location, HID,
// USB, serial, MIDI, screen capture, fullscreen, openExternal: all refused.

export const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set(['notifications', 'clipboard-sanitized-write'])

/**
 * The answer for both handlers. `origin` is the requesting frame's URL or origin; a permission
 * asked by anything but the app's own pages, or one the app does not use, is denied.
 */
export function allowPermission(permission: string, origin: string | null | undefined, ctx: OriginContext): boolean {
  if (!ALLOWED_PERMISSIONS.has(permission)) return false
  return typeof origin === 'string' && isAppPage(origin, ctx)
}
