import { ipcMain } from 'electron'
import { DESKTOP_ADDRESS } from '../access/auth'
import type { Dispatcher } from '../api/dispatcher'
import { pickLocale } from '../shared/locales'
import { isTrustedSender, type OriginContext } from '../desktop/origin'

// The IPC transport: one channel. Only the main frame of a window showing the app's own origin
// (app://jimu, or the dev server while not packaged) may call it — src-main/desktop/origin.ts; the
// session token lives here, per window, and never has to be kept by the renderer.

/** The sessions the IPC transport holds, per window: whoever asks for a file must be signed in. */
export interface IpcSessions {
  tokens(): string[]
  /** A window the shell opens for a signed-in user (the hidden print window) calls as them. */
  adopt(webContentsId: number, token: string): void
  forget(webContentsId: number): void
}

export function registerIpc(dispatcher: Dispatcher, origins: OriginContext): IpcSessions {
  const tokens = new Map<number, string>()
  ipcMain.handle('jimu:rpc', async (event, method: unknown, input: unknown, requestedLocale: unknown) => {
    const frame = event.senderFrame
    if (!frame || !isTrustedSender({ frameUrl: frame.url, isMainFrame: frame === event.sender.mainFrame }, origins)) {
      return { ok: false, error: { code: 'PERMISSION', message: 'Untrusted sender' } }
    }
    if (typeof method !== 'string') return { ok: false, error: { code: 'BAD_REQUEST', message: 'method' } }
    const id = event.sender.id
    const locale = pickLocale(typeof requestedLocale === 'string' ? requestedLocale : undefined)
    const result = await dispatcher.call(method, input, { token: tokens.get(id) ?? null, locale, address: DESKTOP_ADDRESS })
    if (result.ok && (method === 'auth.login' || method === 'auth.setup')) tokens.set(id, (result.data as { token: string }).token)
    if (method === 'auth.logout') tokens.delete(id)
    return result
  })
  return {
    tokens: () => [...new Set(tokens.values())],
    adopt: (id, token) => void tokens.set(id, token),
    forget: (id) => void tokens.delete(id)
  }
}
