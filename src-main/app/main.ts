import { app, BrowserWindow, dialog, Notification, protocol, session, shell, type WebContents } from 'electron'
import { join } from 'node:path'
import { CoreHost } from '../api/host'
import { Dispatcher } from '../api/dispatcher'
import { pickLocale, translate, type Locale } from '../shared/locales'
import { VERSION } from '../version'
import { APP_SCHEME, rendererEntryUrl, type OriginContext } from '../desktop/origin'
import { APP_SCHEME_PRIVILEGES, serveRendererRequest } from '../desktop/app-protocol'
import { decideNavigation, decideWindowOpen, openExternalGuarded, type ExternalOpener, type LinkDecision } from '../desktop/links'
import { allowPermission } from '../desktop/permissions'
import { notificationRoute, takeNotificationsForThisPc } from '../desktop/notification-routing'
import { lockDataDir, type DataDirLock } from '../desktop/data-lock'
import { reportStartupFailure } from '../desktop/startup-failure'
import { APP_ID } from '../desktop/identity'
import { registerIpc } from './ipc'
import { FILE_SCHEME, serveAttachment } from './files'

// The Electron shell, wiring only: every decision (which origin is trusted, which link opens
// where, which permission is granted, whose notification is shown, the data folder lock, the
// start-up failure report) lives in src-main/desktop/*, plain Node with its tests.

let mainWindow: BrowserWindow | null = null
let dataLock: DataDirLock | null = null

// Before `ready`: the app's pages come from app://jimu (standard + secure, so it has an origin, a
// secure context and fetch), attachments from jimu-file://files/<hash>.
protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: APP_SCHEME_PRIVILEGES },
  { scheme: FILE_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } }
])

const origins: OriginContext = { packaged: app.isPackaged, devServerUrl: process.env.ELECTRON_RENDERER_URL ?? null }
const rendererDir = join(__dirname, '../renderer')
const dataDir = process.env.JIMU_DATA_DIR ?? app.getPath('userData')

// Windows shows toasts only for an app with an AppUserModelID matching its shortcut (appId).
if (process.platform === 'win32') app.setAppUserModelId(APP_ID)

const locale = (): Locale => pickLocale(app.isReady() ? app.getLocale() : process.env.LANG)

const externalOpener: ExternalOpener = {
  async confirm(url) {
    const t = (key: string) => translate(locale(), key)
    const options = {
      type: 'question' as const,
      buttons: [t('desktop.openExternal.open'), t('desktop.openExternal.cancel')],
      defaultId: 0,
      cancelId: 1,
      title: t('desktop.openExternal.title'),
      message: t('desktop.openExternal.message'),
      detail: url
    }
    const answer = mainWindow ? await dialog.showMessageBox(mainWindow, options) : await dialog.showMessageBox(options)
    return answer.response === 0
  },
  open: (url) => shell.openExternal(url)
}

function follow(decision: LinkDecision): void {
  if (decision.action === 'external') void openExternalGuarded(decision.url, externalOpener)
  else if (decision.action === 'attachment') openAttachment(decision.url)
}

/** Attachments open in a window of their own: no preload, sandboxed, the file's own sandbox policy. */
function openAttachment(url: string): void {
  const viewer = new BrowserWindow({
    width: 960,
    height: 720,
    autoHideMenuBar: true,
    webPreferences: { sandbox: true, contextIsolation: true, nodeIntegration: false }
  })
  void viewer.loadURL(url)
}

/** Every web contents the app creates: no navigation away, no new windows, no <webview>. */
function guard(contents: WebContents): void {
  contents.on('will-navigate', (event) => {
    const decision = decideNavigation(event.url, origins)
    if (decision.action === 'stay') return
    event.preventDefault()
    follow(decision)
  })
  contents.setWindowOpenHandler(({ url }) => {
    follow(decideWindowOpen(url))
    return { action: 'deny' }
  })
  contents.on('will-attach-webview', (event) => event.preventDefault())
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
      nodeIntegration: false,
      webSecurity: true
    }
  })
  mainWindow.once('ready-to-show', () => mainWindow?.show())
  mainWindow.on('closed', () => {
    mainWindow = null
  })
  void mainWindow.loadURL(rendererEntryUrl(origins))
}

function failStartup(error: unknown): void {
  const report = reportStartupFailure(error, {
    dataDir,
    locale: locale(),
    now: Date.now(),
    versions: { 'jimu-crm': VERSION, electron: process.versions.electron, node: process.versions.node }
  })
  console.error(report.body)
  dialog.showErrorBox(report.title, report.body)
  dataLock?.release()
  app.exit(1)
}

async function start(): Promise<void> {
  app.on('web-contents-created', (_event, contents) => guard(contents))
  session.defaultSession.setPermissionRequestHandler((_contents, permission, callback, details) => callback(allowPermission(permission, details.requestingUrl, origins)))
  session.defaultSession.setPermissionCheckHandler((_contents, permission, requestingOrigin) => allowPermission(permission, requestingOrigin, origins))
  session.defaultSession.setDevicePermissionHandler(() => false)
  protocol.handle(APP_SCHEME, (request) => serveRendererRequest(rendererDir, request))

  dataLock = lockDataDir(dataDir, { app: 'desktop' })
  const host = await CoreHost.open({ dataDir })
  const dispatcher = new Dispatcher(host)
  const sessions = registerIpc(dispatcher, origins)
  protocol.handle(FILE_SCHEME, (request) => serveAttachment(host, request.url, sessions.tokens()))
  createWindow()
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow()
  })
  // The rule engine's scheduler runs in the main process; desktop notifications from rules are
  // shown natively to the users signed in on this PC, a click opens the record.
  void host.core.scheduler.start()
  const source = {
    resolve: (token: string) => host.core.auth.resolve(token),
    takeDesktop: (limit: number, userIds: readonly number[]) => host.core.notifications.takeDesktop(limit, userIds)
  }
  const desktop = setInterval(() => {
    if (!Notification.isSupported()) return
    for (const n of takeNotificationsForThisPc(sessions.tokens(), source)) {
      const shown = new Notification({ title: n.title, body: n.body })
      shown.on('click', () => {
        if (!mainWindow) return
        if (mainWindow.isMinimized()) mainWindow.restore()
        mainWindow.focus()
        const route = notificationRoute(n)
        if (route) void mainWindow.webContents.executeJavaScript(`location.hash = ${JSON.stringify(route)}`)
      })
      shown.show()
    }
  }, 5000)
  app.on('will-quit', () => {
    clearInterval(desktop)
    host.close()
    dataLock?.release()
  })
}

if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  app.on('second-instance', () => {
    if (mainWindow?.isMinimized()) mainWindow.restore()
    mainWindow?.focus()
  })
  app.whenReady().then(start).catch(failStartup)
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })
}
