import { translate, type Locale } from '../shared/locales'

// The application menu and the text-field context menu as plain data, built in the app's language;
// src-main/app turns them into Electron menus (Menu.buildFromTemplate) and runs the commands.
// Standard editing, zoom and window items use Electron's roles (the OS's own behaviour and
// shortcuts); the app's own items name a command the shell carries out.

/** What an app item asks the shell to do. */
export type MenuCommand = 'newRecord' | 'import' | 'backupNow' | 'openDataFolder' | 'about' | 'quit' | 'showWindow' | 'openTodos' | 'openNotifications' | 'toggleStartWithSystem'

/** The subset of Electron's MenuItem roles used here. */
export type MenuRole = 'undo' | 'redo' | 'cut' | 'copy' | 'paste' | 'pasteAndMatchStyle' | 'selectAll' | 'reload' | 'forceReload' | 'toggleDevTools' | 'resetZoom' | 'zoomIn' | 'zoomOut' | 'togglefullscreen' | 'minimize' | 'zoom' | 'close' | 'front' | 'appMenu'

export interface MenuItemModel {
  label?: string
  role?: MenuRole
  command?: MenuCommand
  accelerator?: string
  type?: 'separator' | 'checkbox'
  checked?: boolean
  enabled?: boolean
  submenu?: MenuItemModel[]
}

const SEP: MenuItemModel = { type: 'separator' }

export interface AppMenuOptions {
  locale: Locale
  platform: NodeJS.Platform
  /** Developer tools only in development builds. */
  packaged: boolean
}

export function applicationMenu({ locale, platform, packaged }: AppMenuOptions): MenuItemModel[] {
  const t = (key: string) => translate(locale, `desktop.menu.${key}`)
  const mac = platform === 'darwin'
  const file: MenuItemModel = {
    label: t('file'),
    submenu: [
      { label: t('newRecord'), command: 'newRecord', accelerator: 'CmdOrCtrl+N' },
      { label: t('import'), command: 'import', accelerator: 'CmdOrCtrl+I' },
      SEP,
      { label: t('backupNow'), command: 'backupNow' },
      { label: t('openDataFolder'), command: 'openDataFolder' },
      ...(mac ? [] : [SEP, { label: t('quit'), command: 'quit' as const, accelerator: 'Ctrl+Q' }])
    ]
  }
  const edit: MenuItemModel = {
    label: t('edit'),
    submenu: [
      { label: t('undo'), role: 'undo' },
      { label: t('redo'), role: 'redo' },
      SEP,
      { label: t('cut'), role: 'cut' },
      { label: t('copy'), role: 'copy' },
      { label: t('paste'), role: 'paste' },
      { label: t('selectAll'), role: 'selectAll' }
    ]
  }
  const view: MenuItemModel = {
    label: t('view'),
    submenu: [
      { label: t('reload'), role: 'reload' },
      ...(packaged ? [] : [{ label: t('devTools'), role: 'toggleDevTools' as const }]),
      SEP,
      { label: t('resetZoom'), role: 'resetZoom' },
      { label: t('zoomIn'), role: 'zoomIn' },
      { label: t('zoomOut'), role: 'zoomOut' },
      SEP,
      { label: t('fullscreen'), role: 'togglefullscreen' }
    ]
  }
  const window: MenuItemModel = {
    label: t('window'),
    submenu: [{ label: t('minimize'), role: 'minimize' }, { label: t('close'), role: 'close' }, ...(mac ? [SEP, { label: t('front'), role: 'front' as const }] : [])]
  }
  const help: MenuItemModel = { label: t('help'), submenu: [{ label: t('about'), command: 'about' }] }
  const appMenu: MenuItemModel[] = mac
    ? [{ label: translate(locale, 'app.name'), submenu: [{ label: t('about'), command: 'about' }, SEP, { label: t('quit'), command: 'quit', accelerator: 'Cmd+Q' }] }]
    : []
  return [...appMenu, file, edit, view, window, help]
}

/** What Electron's context-menu event says about where the user right-clicked. */
export interface ContextParams {
  isEditable: boolean
  selectionText: string
  editFlags: { canCut: boolean; canCopy: boolean; canPaste: boolean; canSelectAll: boolean }
}

/**
 * The right-click menu: cut/copy/paste/select all in text inputs, copy on selected text, nothing
 * elsewhere (an empty list: no menu is shown).
 */
export function contextMenu(params: ContextParams, locale: Locale): MenuItemModel[] {
  const t = (key: string) => translate(locale, `desktop.menu.${key}`)
  if (params.isEditable) {
    return [
      { label: t('cut'), role: 'cut', enabled: params.editFlags.canCut },
      { label: t('copy'), role: 'copy', enabled: params.editFlags.canCopy },
      { label: t('paste'), role: 'paste', enabled: params.editFlags.canPaste },
      SEP,
      { label: t('selectAll'), role: 'selectAll', enabled: params.editFlags.canSelectAll }
    ]
  }
  if (params.selectionText.trim()) return [{ label: t('copy'), role: 'copy' }]
  return []
}

/** The about box: the version and where the data lives. */
export function aboutBox(locale: Locale, info: { version: string; dataDir: string; electron?: string }): { title: string; message: string; detail: string } {
  return {
    title: translate(locale, 'desktop.menu.about'),
    message: translate(locale, 'desktop.about.message', { version: info.version }),
    detail: translate(locale, 'desktop.about.detail', { dataDir: info.dataDir, electron: info.electron ?? '—' })
  }
}

/**
 * Every command of a menu tree, so the shell can check it handles them all (a command without a
 * handler would be an item that does nothing).
 */
export function commandsOf(items: MenuItemModel[]): Set<MenuCommand> {
  const out = new Set<MenuCommand>()
  const walk = (list: MenuItemModel[]) => {
    for (const item of list) {
      if (item.command) out.add(item.command)
      if (item.submenu) walk(item.submenu)
    }
  }
  walk(items)
  return out
}
