import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { closeAction, startWithSystemSupported, trayModel, waitingFor } from '../../../src-main/desktop/tray'
import { testCore } from '../../support/core'
import { TRAY_ICON_PNG } from '../../../src-main/desktop/tray-icon'

// The tray: what waits for the users signed in on this PC, in the tooltip and the menu; closing
// the window hides it unless quitting; start with the system where the OS has login items.

describe('tray model', () => {
  it('shows the to-dos and unread notifications in the tooltip and the menu, and quits only from its menu', () => {
    const tray = trayModel({ locale: 'zh-CN', waiting: { todos: 3, notifications: 5 }, startWithSystem: false })
    expect(tray.tooltip).toBe('积木 CRM — 3 项待办，5 条未读通知')
    const items = tray.items.filter((i) => i.type !== 'separator')
    expect(items.map((i) => i.label)).toEqual(['打开积木 CRM', '待办（3）', '通知（5）', '立即备份', '开机时启动', '退出'])
    expect(items.find((i) => i.command === 'toggleStartWithSystem')).toMatchObject({ type: 'checkbox', checked: false })
    expect(items.at(-1)!.command).toBe('quit')
  })

  it('says only the name when nothing waits, and leaves out start-with-system where the OS has none', () => {
    const tray = trayModel({ locale: 'en', waiting: { todos: 0, notifications: 0 }, startWithSystem: null })
    expect(tray.tooltip).toBe('Jimu CRM')
    expect(tray.items.some((i) => i.command === 'toggleStartWithSystem')).toBe(false)
    expect(startWithSystemSupported('linux')).toBe(false)
    expect(startWithSystemSupported('win32')).toBe(true)
    expect(startWithSystemSupported('darwin')).toBe(true)
  })

  it('closing the window hides it to the tray; quitting or having no tray closes it', () => {
    expect(closeAction({ quitting: false, hasTray: true })).toBe('hide')
    expect(closeAction({ quitting: true, hasTray: true })).toBe('close')
    expect(closeAction({ quitting: false, hasTray: false })).toBe('close')
  })
})

describe('tray icon', () => {
  it('is the app icon of resources/icons (32×32 PNG)', () => {
    expect(TRAY_ICON_PNG.equals(readFileSync(resolve(import.meta.dirname, '../../../resources/icons/32x32.png')))).toBe(true)
  })
})

describe('what waits, from the core', () => {
  let t: Awaited<ReturnType<typeof testCore>>
  beforeEach(async () => {
    t = await testCore()
  })
  afterEach(() => t.close())

  it('adds up the unread notifications of each signed-in user once', async () => {
    const rep = await t.core.org.createUser(t.actor.id, { name: '张三', login: 'zhang', password: 'secret123' })
    t.core.notifications.add({ userId: rep, title: '跟进提醒' })
    t.core.notifications.add({ userId: rep, title: '跟进提醒 2' })
    t.core.notifications.add({ userId: t.actor.id, title: '审批' })
    const source = { todos: () => 0, unread: (id: number) => t.core.notifications.unread(id) }
    expect(waitingFor([rep, rep, t.actor.id], source)).toEqual({ todos: 0, notifications: 3 })
    expect(waitingFor([], source)).toEqual({ todos: 0, notifications: 0 })
  })
})
