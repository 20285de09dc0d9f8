import { translate, type Locale } from '../shared/locales'
import type { MenuItemModel } from './menu'

// The tray (notification area) icon as plain data: the tooltip and menu carry what waits for the
// users signed in on this PC (to-dos, unread notifications). Closing the window hides it to the
// tray — the scheduler, rules and reminders keep running in the main process — and the app quits
// only from the tray or the menu.

export interface Waiting {
  todos: number
  notifications: number
}

export interface CountSource {
  todos(userId: number): number
  unread(userId: number): number
}

/** To-dos and unread notifications of the users signed in on this PC (each user counted once). */
export function waitingFor(userIds: readonly number[], source: CountSource): Waiting {
  let todos = 0
  let notifications = 0
  for (const id of new Set(userIds)) {
    todos += source.todos(id)
    notifications += source.unread(id)
  }
  return { todos, notifications }
}

export interface TrayOptions {
  locale: Locale
  waiting: Waiting
  /** Whether the app starts with the system (shown as a checkbox where the OS supports it). */
  startWithSystem: boolean | null
}

export function trayModel({ locale, waiting, startWithSystem }: TrayOptions): { tooltip: string; items: MenuItemModel[] } {
  const t = (key: string, params: Record<string, number> = {}) => translate(locale, `desktop.tray.${key}`, params)
  const busy = waiting.todos + waiting.notifications > 0
  const tooltip = busy ? `${translate(locale, 'app.name')} — ${t('waiting', { todos: waiting.todos, notifications: waiting.notifications })}` : translate(locale, 'app.name')
  const items: MenuItemModel[] = [
    { label: t('open'), command: 'showWindow' },
    { type: 'separator' },
    { label: t('todos', { count: waiting.todos }), command: 'openTodos' },
    { label: t('notifications', { count: waiting.notifications }), command: 'openNotifications' },
    { type: 'separator' },
    { label: t('backupNow'), command: 'backupNow' },
    ...(startWithSystem === null ? [] : [{ label: t('startWithSystem'), type: 'checkbox' as const, checked: startWithSystem, command: 'toggleStartWithSystem' as const }]),
    { type: 'separator' },
    { label: t('quit'), command: 'quit' }
  ]
  return { tooltip, items }
}

/** Electron's login items exist on Windows and macOS only. */
export function startWithSystemSupported(platform: NodeJS.Platform): boolean {
  return platform === 'win32' || platform === 'darwin'
}

/**
 * What closing the window does: hide it to the tray while the app keeps running, unless the user
 * is quitting (from the tray or the menu) or there is no tray to come back from.
 */
export function closeAction({ quitting, hasTray }: { quitting: boolean; hasTray: boolean }): 'hide' | 'close' {
  return !quitting && hasTray ? 'hide' : 'close'
}

