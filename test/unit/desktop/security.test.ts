import { describe, expect, it } from 'vitest'
import { APP_ENTRY_URL, isAppPage, isTrustedSender, rendererEntryUrl, type OriginContext } from '../../../src-main/desktop/origin'
import { attachmentUrl, decideNavigation, decideWindowOpen, externalUrl, openExternalGuarded } from '../../../src-main/desktop/links'
import { allowPermission } from '../../../src-main/desktop/permissions'

// The desktop window's trust boundary (Electron's security checklist): which pages may use the IPC
// bridge, where the window may navigate, what opens outside the app, which permissions are granted.

const packaged: OriginContext = { packaged: true, devServerUrl: null }
const dev: OriginContext = { packaged: false, devServerUrl: 'http://localhost:5173/' }
const HASH = 'a'.repeat(64)

describe('the IPC sender check', () => {
  it('trusts the main frame of app://jimu pages only', () => {
    expect(isTrustedSender({ frameUrl: 'app://jimu/index.html#/forms/3', isMainFrame: true }, packaged)).toBe(true)
    expect(isTrustedSender({ frameUrl: 'app://jimu/index.html', isMainFrame: false }, packaged)).toBe(false)
  })

  it('refuses file:// pages — a dropped or downloaded HTML file is not the app', () => {
    expect(isTrustedSender({ frameUrl: 'file:///C:/Users/wang/Downloads/evil.html', isMainFrame: true }, packaged)).toBe(false)
    expect(isTrustedSender({ frameUrl: 'file:///opt/jimu/resources/app.asar/out/renderer/index.html', isMainFrame: true }, packaged)).toBe(false)
  })

  it('compares the origin exactly: no look-alike hosts, prefixes, other schemes or attachments', () => {
    for (const url of ['app://jimu.evil/index.html', 'app://jimuu/', 'app://evil/jimu', 'app://x@evil/', 'jimu-file://files/' + HASH, 'https://jimu/', 'about:blank', 'data:text/html,hi', 'not a url']) {
      expect(isTrustedSender({ frameUrl: url, isMainFrame: true }, packaged), url).toBe(false)
    }
  })

  it('trusts the electron-vite dev server only while the app is not packaged, and only on loopback', () => {
    expect(isTrustedSender({ frameUrl: 'http://localhost:5173/#/', isMainFrame: true }, dev)).toBe(true)
    expect(isTrustedSender({ frameUrl: 'http://localhost:5173/', isMainFrame: true }, { ...dev, packaged: true })).toBe(false)
    expect(isTrustedSender({ frameUrl: 'http://localhost:5174/', isMainFrame: true }, dev)).toBe(false)
    const remote = { packaged: false, devServerUrl: 'http://192.168.1.5:5173/' }
    expect(isTrustedSender({ frameUrl: 'http://192.168.1.5:5173/', isMainFrame: true }, remote)).toBe(false)
    expect(rendererEntryUrl(remote)).toBe(APP_ENTRY_URL)
  })

  it('loads the renderer from app://jimu when packaged and from the dev server in development', () => {
    expect(rendererEntryUrl(packaged)).toBe('app://jimu/index.html')
    expect(rendererEntryUrl({ packaged: true, devServerUrl: 'http://localhost:5173/' })).toBe('app://jimu/index.html')
    expect(rendererEntryUrl(dev)).toBe('http://localhost:5173/')
  })
})

describe('navigation and new windows', () => {
  it('keeps in-app navigation and never lets the window leave the app', () => {
    expect(decideNavigation('app://jimu/index.html#/tasks', packaged)).toEqual({ action: 'stay' })
    expect(decideNavigation('file:///tmp/evil.html', packaged)).toEqual({ action: 'deny' })
    expect(decideNavigation('https://example.com/', packaged)).toEqual({ action: 'external', url: 'https://example.com/' })
    expect(decideNavigation('javascript:alert(1)', packaged)).toEqual({ action: 'deny' })
  })

  it('opens no windows: web and mail links go outside, attachments to the app viewer, the rest nowhere', () => {
    expect(decideWindowOpen('https://www.example.com/a?b=1')).toEqual({ action: 'external', url: 'https://www.example.com/a?b=1' })
    expect(decideWindowOpen('mailto:wang@example.com')).toEqual({ action: 'external', url: 'mailto:wang@example.com' })
    expect(decideWindowOpen(`jimu-file://files/${HASH}`)).toEqual({ action: 'attachment', url: `jimu-file://files/${HASH}` })
    for (const url of ['app://jimu/index.html', 'file:///C:/Windows/System32/calc.exe', 'smb://server/share', 'ms-msdt:/id', 'jimu-file://files/../../etc/passwd', 'jimu-file://other/' + HASH, 'javascript:alert(1)']) {
      expect(decideWindowOpen(url).action, url).toBe('deny')
    }
  })

  it('hands only http, https and mailto to the operating system, without credentials in the link', () => {
    expect(externalUrl('HTTPS://Example.com')).toBe('https://example.com/')
    expect(externalUrl('http://bank.example@evil.example/')).toBeNull()
    expect(externalUrl('file:///etc/passwd')).toBeNull()
    expect(externalUrl('jimu-file://files/' + HASH)).toBeNull()
    expect(externalUrl('mailto:')).toBeNull()
    expect(attachmentUrl('jimu-file://files/' + HASH.toUpperCase())).toBeNull()
  })

  it('opens an external link only after the user confirmed it, and never a refused one', async () => {
    const opened: string[] = []
    const asked: string[] = []
    const opener = (answer: boolean) => ({ confirm: async (url: string) => (asked.push(url), answer), open: async (url: string) => void opened.push(url) })
    expect(await openExternalGuarded('https://example.com/x', opener(false))).toBe(false)
    expect(await openExternalGuarded('https://example.com/x', opener(true))).toBe(true)
    expect(await openExternalGuarded('file:///C:/evil.exe', opener(true))).toBe(false)
    expect(asked).toEqual(['https://example.com/x', 'https://example.com/x'])
    expect(opened).toEqual(['https://example.com/x'])
  })
})

describe('web permissions', () => {
  it('grants notifications and clipboard writes to the app, nothing else, to nobody else', () => {
    expect(allowPermission('notifications', 'app://jimu/index.html', packaged)).toBe(true)
    expect(allowPermission('clipboard-sanitized-write', 'app://jimu', packaged)).toBe(true)
    for (const p of ['media', 'geolocation', 'clipboard-read', 'hid', 'usb', 'serial', 'display-capture', 'openExternal', 'fullscreen', 'unknown']) {
      expect(allowPermission(p, 'app://jimu/index.html', packaged), p).toBe(false)
    }
    expect(allowPermission('notifications', `jimu-file://files/${HASH}`, packaged)).toBe(false)
    expect(allowPermission('notifications', 'https://example.com', packaged)).toBe(false)
    expect(allowPermission('notifications', '', packaged)).toBe(false)
    expect(allowPermission('notifications', undefined, packaged)).toBe(false)
    expect(isAppPage('http://localhost:5173', dev)).toBe(true)
  })
})
