import { contextBridge, ipcRenderer } from 'electron'
import { METHOD_NAMES } from '../src-main/shared/api/contracts'
import { OFFICE_COMMANDS } from '../src-main/shared/office'

// The preload exposes three things: `invoke` (the API; only methods declared in the contracts
// pass), `onEvent` (live events and the office connection's state, pushed by the main process)
// and `office` (the 连接到办公室的电脑 commands). The main process validates the sender and the
// input again (src-main/app/ipc.ts, src-main/lan/desktop-bridge.ts).
const allowed = new Set<string>(METHOD_NAMES)
const commands = new Set<string>(OFFICE_COMMANDS)

contextBridge.exposeInMainWorld('jimu', {
  /** `locale` plays the part of HTTP's Accept-Language: error messages come back in it. */
  invoke(method: string, input: unknown, locale?: string): Promise<unknown> {
    if (!allowed.has(method)) return Promise.resolve({ ok: false, error: { code: 'BAD_REQUEST', message: `Unknown method ${method}` } })
    return ipcRenderer.invoke('jimu:rpc', method, input, locale)
  },
  onEvent(listener: (event: unknown) => void): () => void {
    const handler = (_e: unknown, event: unknown) => listener(event)
    ipcRenderer.on('jimu:event', handler)
    return () => {
      ipcRenderer.removeListener('jimu:event', handler)
    }
  },
  office(command: string, args?: unknown): Promise<unknown> {
    if (!commands.has(command)) return Promise.resolve(null)
    return ipcRenderer.invoke('jimu:office', command, args ?? {})
  }
})
