import { describe, expect, it } from 'vitest'
import { aboutBox, applicationMenu, commandsOf, contextMenu, type MenuItemModel } from '../../../src-main/desktop/menu'

// The application menu and the context menu as plain data, in Chinese and English.

const labels = (items: MenuItemModel[]) => items.filter((i) => i.type !== 'separator').map((i) => i.label)
const flat = (items: MenuItemModel[]): MenuItemModel[] => items.flatMap((i) => [i, ...flat(i.submenu ?? [])])

describe('application menu', () => {
  it('has 文件/编辑/视图/窗口/帮助 in Chinese and File/Edit/View/Window/Help in English', () => {
    expect(labels(applicationMenu({ locale: 'zh-CN', platform: 'win32', packaged: true }))).toEqual(['文件', '编辑', '视图', '窗口', '帮助'])
    expect(labels(applicationMenu({ locale: 'en', platform: 'win32', packaged: true }))).toEqual(['File', 'Edit', 'View', 'Window', 'Help'])
  })

  it('offers new record, import, backup now, open data folder, zoom, reload and about; quit on Windows and Linux in 文件', () => {
    const menu = applicationMenu({ locale: 'zh-CN', platform: 'linux', packaged: true })
    expect([...commandsOf(menu)].sort()).toEqual(['about', 'backupNow', 'import', 'newRecord', 'openDataFolder', 'quit'])
    const roles = flat(menu).map((i) => i.role).filter(Boolean)
    expect(roles).toEqual(expect.arrayContaining(['zoomIn', 'zoomOut', 'resetZoom', 'reload', 'copy', 'paste']))
    expect(flat(menu).every((i) => i.type === 'separator' || (i.label && !i.label.startsWith('desktop.')))).toBe(true)
  })

  it('keeps developer tools out of packaged builds, and puts about/quit in the app menu on macOS', () => {
    expect(flat(applicationMenu({ locale: 'en', platform: 'win32', packaged: true })).some((i) => i.role === 'toggleDevTools')).toBe(false)
    expect(flat(applicationMenu({ locale: 'en', platform: 'win32', packaged: false })).some((i) => i.role === 'toggleDevTools')).toBe(true)
    const mac = applicationMenu({ locale: 'zh-CN', platform: 'darwin', packaged: true })
    expect(mac[0]!.label).toBe('积木 CRM')
    expect(mac[0]!.submenu!.map((i) => i.command).filter(Boolean)).toEqual(['about', 'quit'])
    expect(mac[1]!.submenu!.some((i) => i.command === 'quit')).toBe(false)
  })
})

describe('context menu', () => {
  const flags = { canCut: true, canCopy: true, canPaste: true, canSelectAll: true }
  it('offers cut, copy, paste and select all in an input, enabled as the page says', () => {
    const items = contextMenu({ isEditable: true, selectionText: '', editFlags: { ...flags, canCut: false, canCopy: false } }, 'zh-CN')
    expect(items.filter((i) => i.role).map((i) => [i.label, i.enabled])).toEqual([['剪切', false], ['复制', false], ['粘贴', true], ['全选', true]])
  })
  it('offers copy on selected text, and nothing elsewhere', () => {
    expect(contextMenu({ isEditable: false, selectionText: '宁波海曙贸易', editFlags: flags }, 'en').map((i) => i.label)).toEqual(['Copy'])
    expect(contextMenu({ isEditable: false, selectionText: ' ', editFlags: flags }, 'en')).toEqual([])
  })
})

describe('about', () => {
  it('names the version and the data folder', () => {
    const box = aboutBox('zh-CN', { version: '0.1.0', dataDir: 'C:\\Users\\wang\\AppData\\Roaming\\Jimu CRM', electron: '45.4.1' })
    expect(box.message).toBe('积木 CRM 0.1.0')
    expect(box.detail).toContain('C:\\Users\\wang\\AppData\\Roaming\\Jimu CRM')
  })
})
