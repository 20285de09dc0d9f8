import { app, BrowserWindow, dialog, Menu, nativeImage, Notification, protocol, screen, session, shell, Tray, type MenuItemConstructorOptions, type WebContents } from 'electron'
import { join } from 'node:path'
import { CoreHost } from '../api/host'
import { Dispatcher } from '../api/dispatcher'
import { LanShare } from '../lan/share'
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
import { aboutBox, applicationMenu, contextMenu, type MenuCommand, type MenuItemModel } from '../desktop/menu'
import { closeAction, startWithSystemSupported, trayModel, waitingFor } from '../desktop/tray'
import { TRAY_ICON_PNG } from '../desktop/tray-icon'
import { clampToDisplays, loadWindowState, saveWindowState, stateOf } from '../desktop/window-state'
import { toActor } from '../access/auth'
import { registerIpc } from './ipc'
import { LiveStream } from '../api/events-stream'
import { ClientAlerts, POLL_MS as CLIENT_POLL_MS, touchesAlerts, type ClientNotification } from '../lan/client-alerts'
import type { Waiting } from '../desktop/tray'
import { FILE_SCHEME, serveWindowFile } from './files'
import { registerPdfMaker } from './print'

// The Electron shell, wiring only: every decision (which origin is trusted, which link opens
// where, which permission is granted, whose notification is shown, the data folder lock, the
// start-up failure report, the menus and the tray, where the window goes) lives in
// src-main/desktop/*, plain Node with its tests.

let mainWindow: BrowserWindow | null = null
let dataLock: DataDirLock | null = null
let tray: Tray | null = null
/** Set when the user quits (tray, menu, OS shutdown): only then does closing the window close it. */
let quitting = false
/** What the menu and tray items do; filled in once the core is open. */
let commands: Partial<Record<MenuCommand, () => void>> = {}

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

const windowStateFile = () => join(app.getPath('userData'), 'window-state.json')

function createWindow(): void {
  // Where the window was, on a display that is still there (src-main/desktop/window-state.ts).
  const workAreas = [screen.getPrimaryDisplay(), ...screen.getAllDisplays().filter((d) => d.id !== screen.getPrimaryDisplay().id)].map((d) => d.workArea)
  const state = clampToDisplays(loadWindowState(windowStateFile()), workAreas)
  mainWindow = new BrowserWindow({
    ...state.bounds,
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
  const win = mainWindow
  win.once('ready-to-show', () => {
    if (state.maximized) win.maximize()
    win.show()
  })
  const remember = () => {
    try {
      saveWindowState(windowStateFile(), stateOf({ normalBounds: win.getNormalBounds(), maximized: win.isMaximized() }))
    } catch (e) {
      console.error('window state not saved', e)
    }
  }
  // Closing hides to the tray: the scheduler, rules and reminders keep running (tray.ts).
  win.on('close', (event) => {
    remember()
    if (closeAction({ quitting, hasTray: tray !== null }) === 'hide') {
      event.preventDefault()
      win.hide()
    }
  })
  // Windows logging off or shutting down: the window must close, not hide, or it holds up the OS.
  win.on('session-end', () => {
    quitting = true
  })
  win.on('closed', () => {
    mainWindow = null
  })
  win.webContents.on('context-menu', (_event, params) => {
    const items = contextMenu(params, locale())
    if (items.length) Menu.buildFromTemplate(template(items)).popup({ window: win })
  })
  void win.loadURL(rendererEntryUrl(origins))
}

/** The plain-data menus of src-main/desktop as Electron templates; commands run what `commands` holds. */
function template(items: MenuItemModel[]): MenuItemConstructorOptions[] {
  return items.map((item) => {
    if (item.type === 'separator') return { type: 'separator' }
    const command = item.command
    return {
      label: item.label,
      role: item.role,
      accelerator: item.accelerator,
      type: item.type,
      checked: item.checked,
      enabled: item.enabled,
      submenu: item.submenu ? template(item.submenu) : undefined,
      click: command ? () => commands[command]?.() : undefined
    }
  })
}

function showWindow(): void {
  if (!mainWindow) createWindow()
  else {
    if (mainWindow.isMinimized()) mainWindow.restore()
    mainWindow.show()
    mainWindow.focus()
  }
}

/** A command the page carries out (src-renderer/src/lib/desktop-commands.ts). */
function toPage(command: 'newRecord' | 'import' | 'openNotifications'): void {
  showWindow()
  void mainWindow?.webContents.executeJavaScript(`window.dispatchEvent(new CustomEvent('jimu:command', { detail: ${JSON.stringify(command)} }))`)
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
  // The window's live events over IPC (local core or, in client mode, the office host's stream);
  // in client mode the tray and desktop notifications follow the host (src-main/lan/client-alerts.ts).
  const live = new LiveStream(host)
  let onClientEvent: (data: string) => void = () => undefined
  const sessions = registerIpc(dispatcher, origins, live, { dataDir, onClientEvent: (data) => onClientEvent(data) })
  registerPdfMaker(origins, sessions)
  // Attachments: from this PC's core, or in client mode from the office host (src-main/app/files.ts).
  protocol.handle(FILE_SCHEME, (request) => serveWindowFile(host, sessions.bridge, request, locale()))
  const t = (key: string, params: Record<string, string | number> = {}) => translate(locale(), key, params)
  const backupNow = () => {
    host.core.backupService.run('manual').then(
      (entry) => {
        const failed = entry.copies.find((c) => !c.ok)
        new Notification({ title: t('desktop.menu.backupNow'), body: failed ? t('desktop.backup.copyFailed', { path: failed.path, error: failed.error ?? '' }) : t('desktop.backup.done', { file: entry.file }) }).show()
      },
      (error: unknown) => dialog.showErrorBox(t('desktop.menu.backupNow'), t('desktop.backup.failed', { error: error instanceof Error ? error.message : String(error) }))
    )
  }
  const loginItems = startWithSystemSupported(process.platform)
  commands = {
    newRecord: () => toPage('newRecord'),
    import: () => toPage('import'),
    backupNow,
    openDataFolder: () => void shell.openPath(dataDir),
    about: () => {
      const box = aboutBox(locale(), { version: VERSION, dataDir, electron: process.versions.electron })
      const options = { type: 'info' as const, title: box.title, message: box.message, detail: box.detail }
      void (mainWindow ? dialog.showMessageBox(mainWindow, options) : dialog.showMessageBox(options))
    },
    quit: () => {
      quitting = true
      app.quit()
    },
    showWindow,
    openTodos: () => {
      showWindow()
      void mainWindow?.webContents.executeJavaScript(`location.hash = '#/todo'`)
    },
    openNotifications: () => toPage('openNotifications'),
    // Off by default: the OS's login item is only set when the user ticks it in the tray menu.
    toggleStartWithSystem: () => {
      if (loginItems) app.setLoginItemSettings({ openAtLogin: !app.getLoginItemSettings().openAtLogin })
      refreshTray()
    }
  }
  Menu.setApplicationMenu(Menu.buildFromTemplate(template(applicationMenu({ locale: locale(), platform: process.platform, packaged: app.isPackaged }))))
  // What waits for the users signed in on this PC, in the tray's tooltip and menu.
  const counts = {
    todos: (id: number) => {
      const user = host.core.auth.user(id)
      return user ? host.core.flows.counts(toActor(user)).todo : 0
    },
    unread: (id: number) => host.core.notifications.unread(id)
  }
  const clientAlerts = new ClientAlerts((m, i) => sessions.bridge.connection.call(m, i))
  let clientWaiting: Waiting | null = null
  const refreshTray = () => {
    if (!tray) return
    const userIds = sessions.tokens().flatMap((token) => {
      const principal = host.core.auth.resolve(token)
      return principal ? [principal.user.id] : []
    })
    const waiting = sessions.bridge.mode === 'client' ? clientWaiting ?? { todos: 0, notifications: 0 } : waitingFor(userIds, counts)
    const model = trayModel({ locale: locale(), waiting, startWithSystem: loginItems ? app.getLoginItemSettings().openAtLogin : null })
    tray.setToolTip(model.tooltip)
    tray.setContextMenu(Menu.buildFromTemplate(template(model.items)))
  }
  try {
    tray = new Tray(nativeImage.createFromBuffer(TRAY_ICON_PNG))
    tray.on('click', showWindow)
    refreshTray()
  } catch (e) {
    // No notification area (some Linux desktops): closing the window then quits (tray.ts).
    console.error('tray not available', e)
    tray = null
  }
  createWindow()
  app.on('activate', showWindow)
  app.on('before-quit', () => {
    quitting = true
  })
  // The rule engine's scheduler runs in the main process; desktop notifications from rules are
  // shown natively to the users signed in on this PC, a click opens the record.
  void host.core.scheduler.start()
  // 设置 → 系统 → 局域网共享: the LAN server runs in this process, so it keeps serving while the
  // window sits in the tray; turned on again at start when it was on (src-main/lan/share.ts).
  const lan = new LanShare({ host, dispatcher, rendererDir, dataDir })
  host.lan = lan
  lan.resume().catch((e: unknown) => console.error('office network sharing could not resume', e))
  const source = {
    resolve: (token: string) => host.core.auth.resolve(token),
    takeDesktop: (limit: number, userIds: readonly number[]) => host.core.notifications.takeDesktop(limit, userIds)
  }
  const showNative = (n: Pick<ClientNotification, 'title' | 'body' | 'formId' | 'recordId'>) => {
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
  const checkClient = () => {
    if (sessions.bridge.mode !== 'client' || !sessions.bridge.connection.view().signedIn) {
      clientAlerts.reset()
      clientWaiting = null
      return
    }
    clientAlerts.check().then((r) => {
      if (!r) return
      clientWaiting = r.waiting
      refreshTray()
      if (Notification.isSupported()) r.show.forEach(showNative)
    }, (e: unknown) => console.error('office host check failed', e))
  }
  onClientEvent = (data) => {
    if (touchesAlerts(data)) checkClient()
  }
  let ticks = 0
  const desktop = setInterval(() => {
    refreshTray()
    if (++ticks % Math.round(CLIENT_POLL_MS / 5000) === 0) checkClient()
    if (!Notification.isSupported() || sessions.bridge.mode === 'client') return
    for (const n of takeNotificationsForThisPc(sessions.tokens(), source)) showNative(n)
  }, 5000)
  app.on('will-quit', () => {
    clearInterval(desktop)
    void sessions.bridge.close()
    live.close()
    void lan.shutdown()
    tray?.destroy()
    host.close()
    dataLock?.release()
  })
}

if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  app.on('second-instance', () => {
    if (mainWindow?.isMinimized()) mainWindow.restore()
    mainWindow?.show()
    mainWindow?.focus()
  })
  app.whenReady().then(start).catch(failStartup)
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })
}
