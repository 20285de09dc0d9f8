import { ipcMain, webContents } from 'electron'
import type { Dispatcher } from '../api/dispatcher'
import type { LiveStream } from '../api/events-stream'
import { isTrustedSender, type OriginContext } from '../desktop/origin'
import { DesktopBridge, type DesktopBridgeOptions } from '../lan/desktop-bridge'

// The IPC transport, wiring only (the logic is src-main/lan/desktop-bridge.ts, plain Node with its
// tests): 'jimu:rpc' carries the API calls — to this PC's core, or to the paired office host in
// client mode; 'jimu:office' the 连接到办公室的电脑 commands; 'jimu:event' pushes live events and
// office state to the window. Only the main frame of a window showing the app's own origin
// (app://jimu, or the dev server while not packaged) may call — src-main/desktop/origin.ts; the
// session token lives in the main process, per window, and never has to be kept by the renderer.

/** The sessions the IPC transport holds on this PC's own core: whoever asks for a file must be signed in. */
export interface IpcSessions {
  tokens(): string[]
  /** A window the shell opens for a signed-in user (the hidden print window) calls as them. */
  adopt(webContentsId: number, token: string): void
  forget(webContentsId: number): void
  bridge: DesktopBridge
}

export function registerIpc(dispatcher: Dispatcher, origins: OriginContext, live: LiveStream, options: Pick<DesktopBridgeOptions, 'dataDir' | 'onClientEvent'>): IpcSessions {
  const windows = new Set<number>()
  const bridge = new DesktopBridge({
    dispatcher,
    live,
    dataDir: options.dataDir,
    onClientEvent: options.onClientEvent,
    windows: () => [...windows],
    send: (id, event) => {
      const contents = webContents.fromId(id)
      if (contents && !contents.isDestroyed()) contents.send('jimu:event', event)
    }
  })
  bridge.resume()
  const trusted = (event: Electron.IpcMainInvokeEvent) => {
    const frame = event.senderFrame
    if (!frame || !isTrustedSender({ frameUrl: frame.url, isMainFrame: frame === event.sender.mainFrame }, origins)) return false
    const id = event.sender.id
    if (!windows.has(id)) {
      windows.add(id)
      event.sender.once('destroyed', () => {
        windows.delete(id)
        bridge.forgetWindow(id)
      })
    }
    return true
  }
  ipcMain.handle('jimu:rpc', async (event, method: unknown, input: unknown, requestedLocale: unknown) => {
    if (!trusted(event)) return { ok: false, error: { code: 'PERMISSION', message: 'Untrusted sender' } }
    if (typeof method !== 'string') return { ok: false, error: { code: 'BAD_REQUEST', message: 'method' } }
    return bridge.invoke(event.sender.id, method, input, typeof requestedLocale === 'string' ? requestedLocale : undefined)
  })
  ipcMain.handle('jimu:office', async (event, command: unknown, args: unknown) => {
    if (!trusted(event) || typeof command !== 'string') return null
    return bridge.office(command, args)
  })
  return {
    tokens: () => bridge.localTokens(),
    adopt: (id, token) => bridge.adoptWindow(id, token),
    forget: (id) => bridge.forgetWindow(id),
    bridge
  }
}
