import { BrowserWindow } from 'electron'
import { join } from 'node:path'
import { rendererEntryUrl, type OriginContext } from '../desktop/origin'
import { PDF_OPTIONS, printRoute, READY_PROBE, waitUntilReady } from '../print/pdf-file'
import { setPdfMaker, type PdfRequest } from '../print/pdf-maker'
import { ValidationError } from '../shared/errors'
import type { IpcSessions } from './ipc'

// 导出 PDF in the desktop app, wiring only: the print view is loaded in a hidden window that calls
// the API with the caller's session (so it shows what they may see), and once it has painted its
// data, webContents.printToPDF makes the A4 PDF. Naming, checks, storage and the audit entry are in
// src-main/print (plain Node, tested without Electron).

export function registerPdfMaker(origins: OriginContext, sessions: IpcSessions): void {
  setPdfMaker({
    async make(request: PdfRequest): Promise<Buffer> {
      const win = new BrowserWindow({
        show: false,
        width: 900,
        height: 1200,
        webPreferences: { preload: join(__dirname, '../preload/index.js'), contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true }
      })
      const contents = win.webContents
      sessions.adopt(contents.id, request.token)
      try {
        await win.loadURL(`${rendererEntryUrl(origins)}${printRoute(request.formId, request.recordId)}`)
        const ready = await waitUntilReady(() => contents.executeJavaScript(READY_PROBE, true) as Promise<unknown>)
        if (!ready.ok) throw new ValidationError(ready.reason === 'timeout' ? 'print.error.timeout' : 'print.error.renderFailed', { error: ready.message }, 'record')
        return await contents.printToPDF({ ...PDF_OPTIONS })
      } finally {
        sessions.forget(contents.id)
        win.destroy()
      }
    }
  })
}
