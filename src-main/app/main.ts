import { app, BrowserWindow, Notification, protocol, shell } from 'electron'
import { join } from 'node:path'
import { CoreHost } from '../api/host'
import { Dispatcher } from '../api/dispatcher'
import { registerIpc } from './ipc'
import { FILE_SCHEME, serveAttachment } from './files'

// The Electron shell: single instance, one window, the IPC transport. The core runs here in the
// main process with its data in the OS's per-user app data directory.

let mainWindow: BrowserWindow | null = null

// Attachments are served to the window as jimu-file://files/<hash> (over HTTP: /files/<hash>).
protocol.registerSchemesAsPrivileged([{ scheme: FILE_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } }])

function rendererUrl(): string | null {
  return !app.isPackaged && process.env.ELECTRON_RENDERER_URL ? process.env.ELECTRON_RENDERER_URL : null
}

function createWindow(): void {
  mainWindow = new BrowserWindow({
    width: 1360,
    height: 860,
    minWidth: 1024,
    minHeight: 640,
    title: '积木 CRM',
    show: false,
    webPreferences: {
      preload: join(__dirname, '../preload/index.js'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false
    }
  })
  mainWindow.once('ready-to-show', () => mainWindow?.show())
  // Links open in the user's browser, never inside the app window.
  mainWindow.webContents.setWindowOpenHandler(({ url }) => {
    void shell.openExternal(url)
    return { action: 'deny' }
  })
  const dev = rendererUrl()
  if (dev) void mainWindow.loadURL(dev)
  else void mainWindow.loadFile(join(__dirname, '../renderer/index.html'))
}

if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  app.on('second-instance', () => {
    if (mainWindow?.isMinimized()) mainWindow.restore()
    mainWindow?.focus()
  })

  app.whenReady().then(async () => {
    const host = await CoreHost.open({ dataDir: process.env.JIMU_DATA_DIR ?? app.getPath('userData') })
    const dispatcher = new Dispatcher(host)
    const sessions = registerIpc(dispatcher, (_contents, url) => {
      const dev = rendererUrl()
      return url.startsWith('file://') || (dev !== null && url.startsWith(dev))
    })
    protocol.handle(FILE_SCHEME, (request) => serveAttachment(host, request.url, sessions.tokens()))
    createWindow()
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) createWindow()
    })
    // The rule engine's scheduler runs in the main process; desktop notifications from rules
    // are handed over here and shown natively, a click opens the record.
    void host.core.scheduler.start()
    const desktop = setInterval(() => {
      if (!Notification.isSupported()) return
      for (const n of host.core.notifications.takeDesktop()) {
        const shown = new Notification({ title: n.title, body: n.body })
        shown.on('click', () => {
          if (!mainWindow) return
          if (mainWindow.isMinimized()) mainWindow.restore()
          mainWindow.focus()
          if (n.formId !== null && n.recordId !== null) void mainWindow.webContents.executeJavaScript(`location.hash = ${JSON.stringify(`#/forms/${n.formId}/records/${n.recordId}`)}`)
        })
        shown.show()
      }
    }, 5000)
    app.on('will-quit', () => {
      clearInterval(desktop)
      host.close()
    })
  }).catch((e: unknown) => {
    console.error(e)
    app.exit(1)
  })

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })
}
