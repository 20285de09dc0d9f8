import { contextBridge, ipcRenderer } from 'electron'
import { METHOD_NAMES } from '../src-main/shared/api/contracts'

// The preload exposes exactly one function. Only methods declared in the contracts pass;
// the main process validates the sender and the input again (src-main/app/ipc.ts).
const allowed = new Set<string>(METHOD_NAMES)

contextBridge.exposeInMainWorld('jimu', {
  /** `locale` plays the part of HTTP's Accept-Language: error messages come back in it. */
  invoke(method: string, input: unknown, locale?: string): Promise<unknown> {
    if (!allowed.has(method)) return Promise.resolve({ ok: false, error: { code: 'BAD_REQUEST', message: `Unknown method ${method}` } })
    return ipcRenderer.invoke('jimu:rpc', method, input, locale)
  }
})
