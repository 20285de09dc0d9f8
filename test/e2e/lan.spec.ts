import { spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { resolve } from 'node:path'
import { HostTransport, confirmCode, pairedHostOf, pairingStatus, startPairing } from '../../src-main/lan/client'
import { createAdmin, expect, rpc, test } from './fixtures'
import type { Browser, Page } from '@playwright/test'

// 设置 → 系统 → 局域网共享 in serve mode on loopback: the switch starts the LAN server beside the
// app (on free ports, bound to loopback, without multicast), shows the address, the QR code and
// the fingerprint; the QR code's page explains the certificate install; off stops it. Screenshots
// at desktop and phone width, Chinese and English.
process.env.JIMU_LAN_PORT = '0'
process.env.JIMU_LAN_HELP_PORT = '0'
process.env.JIMU_LAN_BIND = '127.0.0.1'
process.env.JIMU_LAN_MDNS = 'off'

const ADMIN = { name: '王经理', login: 'admin', password: 'jimu-secret-1' }
const SHOTS = 'test-results/lan17'

test('the share switch serves the LAN with the office certificate, shows the QR code page, and stops', async ({ page, browser }) => {
  await createAdmin(page, ADMIN)
  await page.getByTestId('nav-system').click()
  await page.getByTestId('system-tab-lan').click()
  await expect(page.getByTestId('lan-panel')).toBeVisible()
  await page.getByTestId('lan-switch').click()
  await expect(page.getByText('局域网共享已开启')).toBeVisible()
  await expect(page.getByTestId('lan-qr')).toBeVisible()
  const status = await rpc<{ sharing: boolean; helpUrl: string; fingerprint: string; urls: string[] }>(page, 'lan.status')
  expect(status.sharing).toBe(true)
  await expect(page.getByTestId('lan-fingerprint')).toHaveText(status.fingerprint)
  await page.setViewportSize({ width: 1440, height: 900 })
  await page.screenshot({ path: `${SHOTS}/lan-panel-1440-zh.png`, fullPage: true })

  // The QR code's page, as a phone opens it.
  const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' })
  await phone.goto(status.helpUrl)
  await expect(phone.getByRole('heading', { name: '安装办公室证书' })).toBeVisible()
  await expect(phone.locator('#fingerprint')).toHaveText(status.fingerprint)
  await phone.screenshot({ path: `${SHOTS}/cert-page-390-zh.png`, fullPage: true })
  await phone.goto(`${status.helpUrl}?lang=en`)
  await expect(phone.getByRole('heading', { name: 'Install the office certificate' })).toBeVisible()
  await phone.screenshot({ path: `${SHOTS}/cert-page-390-en.png`, fullPage: true })
  expect((await phone.request.get(`${status.helpUrl}index.html`)).status()).toBe(404)
  await phone.close()

  await page.setViewportSize({ width: 390, height: 844 })
  await page.screenshot({ path: `${SHOTS}/lan-panel-390-zh.png`, fullPage: true })
  await page.setViewportSize({ width: 1440, height: 900 })
  await page.getByText('English', { exact: true }).click()
  await expect(page.getByText('Share on the office network')).toBeVisible()
  await page.screenshot({ path: `${SHOTS}/lan-panel-1440-en.png`, fullPage: true })
  await page.setViewportSize({ width: 390, height: 844 })
  await page.screenshot({ path: `${SHOTS}/lan-panel-390-en.png`, fullPage: true })
  await page.setViewportSize({ width: 1440, height: 900 })
  await page.getByTestId('lan-switch').click()
  await expect(page.getByText('Office network sharing is off. Other devices were signed out')).toBeVisible()
  expect((await rpc<{ sharing: boolean }>(page, 'lan.status')).sharing).toBe(false)
})

test('a colleague\'s PC asks to pair, the administrator compares the code and approves, sees it connected, and revokes it', async ({ page }) => {
  await createAdmin(page, ADMIN)
  await page.getByTestId('nav-system').click()
  await page.getByTestId('system-tab-lan').click()
  await page.getByTestId('lan-switch').click()
  await expect(page.getByTestId('lan-qr')).toBeVisible()
  const status = await rpc<{ urls: string[] }>(page, 'lan.status')

  // The client PC's side (src-main/lan/client.ts, what the desktop client runs).
  const session = await startPairing(status.urls[0]!, '前台的电脑')
  const pending = page.getByTestId('lan-pending')
  await expect(pending).toContainText('前台的电脑')
  await expect(pending).toContainText(session.code)
  await page.setViewportSize({ width: 1440, height: 900 })
  await page.screenshot({ path: `${SHOTS}/lan-pairing-request-1440-zh.png`, fullPage: true })
  confirmCode(session, session.code)
  await page.getByTestId('lan-approve').click()
  await expect(page.getByTestId('lan-devices')).toContainText('前台的电脑')
  expect(await pairingStatus(session)).toBe('approved')

  const transport = new HostTransport(pairedHostOf(session), { retries: 0, delayMs: 0 })
  expect((await transport.call('auth.login', { login: ADMIN.login, password: ADMIN.password })).ok).toBe(true)
  await expect(page.getByTestId('lan-connected')).toContainText('前台的电脑')
  await expect(page.getByTestId('lan-devices')).toContainText(ADMIN.name)
  await page.screenshot({ path: `${SHOTS}/lan-paired-1440-zh.png`, fullPage: true })

  await page.getByTestId('lan-devices').getByRole('button', { name: '撤销配对' }).click()
  await page.getByRole('dialog').getByRole('button', { name: '撤销配对' }).click()
  await expect(page.getByText('已撤销“前台的电脑”的配对')).toBeVisible()
  const after = await transport.call('auth.me', {})
  expect((after.error as { messageKey: string }).messageKey).toBe('lan.error.deviceRefused')
})

test('the first-run screen explains 连接到办公室的电脑 in a browser', async ({ page }) => {
  await page.goto('/')
  await page.getByTestId('setup-connect-office').click()
  await expect(page.getByTestId('setup-connect-office-help')).toContainText('局域网共享')
  await page.setViewportSize({ width: 1440, height: 900 })
  await page.screenshot({ path: `${SHOTS}/setup-connect-1440-zh.png`, fullPage: true })
})

/** The desktop shell's main-process side (test/support/desktop-shell.ts) in a child process. */
async function startDesktopShell(): Promise<{ url: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [resolve('test/support/desktop-shell-run.mjs')], { stdio: ['ignore', 'pipe', 'inherit'] })
  const url = await new Promise<string>((done, fail) => {
    let out = ''
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString()
      const m = /desktop shell at (http:\S+)/.exec(out)
      if (m) done(m[1]!)
    })
    child.once('exit', (code) => fail(new Error(`desktop shell exited ${code}: ${out}`)))
  })
  return { url, stop: () => new Promise<void>((done) => {
    child.once('exit', () => done())
    child.kill('SIGTERM')
  }) }
}

const post = async (url: string, body: unknown) => (await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json() as Promise<unknown>

/**
 * The desktop window of a second PC: the renderer gets `window.jimu` as the preload exposes it,
 * each call, event and office command going through the shell's plain-Node bridge.
 */
async function desktopWindow(browser: Browser, shell: { url: string }): Promise<{ win: Page; stop: () => Promise<void> }> {
  const win = await browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' })
  // The main process pushes events to the window ('jimu:event'): here, relayed from the shell.
  let since = 0
  let relaying = true
  const relay = (async () => {
    while (relaying) {
      const got = (await (await fetch(`${shell.url}/events?since=${since}`)).json()) as { next: number; events: unknown[] }
      since = got.next
      for (const event of got.events) await win.evaluate((e) => (window as unknown as { __jimuEmit?: (x: unknown) => void }).__jimuEmit?.(e), event).catch(() => undefined)
      await new Promise((r) => setTimeout(r, 100))
    }
  })()
  await win.exposeBinding('__jimuInvoke', (_src, method: string, input: unknown, locale?: string) => post(`${shell.url}/invoke`, { method, input, locale }))
  await win.exposeBinding('__jimuOffice', (_src, command: string, args: unknown) => post(`${shell.url}/office`, { command, args }))
  await win.addInitScript(() => {
    const listeners = new Set<(e: unknown) => void>()
    const w = window as unknown as Record<string, unknown> & { __jimuInvoke: (...a: unknown[]) => Promise<unknown>; __jimuOffice: (...a: unknown[]) => Promise<unknown> }
    w.__jimuEmit = (e: unknown) => listeners.forEach((l) => l(e))
    w.jimu = {
      invoke: (method: string, input: unknown, locale?: string) => w.__jimuInvoke(method, input, locale),
      office: (command: string, args?: unknown) => w.__jimuOffice(command, args ?? {}),
      onEvent: (l: (e: unknown) => void) => {
        listeners.add(l)
        return () => listeners.delete(l)
      }
    }
  })
  return {
    win,
    stop: async () => {
      relaying = false
      await relay.catch(() => undefined)
      await win.close()
    }
  }
}

// The desktop client's window on a second PC. The Electron shell cannot run here, so this test
// plays its part with the same plain-Node bridge the shell's IPC forwards to (desktop-bridge.ts,
// over the client PC's own core in a temporary data folder): the renderer (served by the host,
// only for its files) gets `window.jimu` as the preload exposes it, and every call, event and
// office command goes through the bridge — to the local core first, to the host once paired.
test('a second PC connects through the desktop window: host list, code, approval, sign-in at the host, live, unreachable', async ({ page, browser, server }) => {
  test.setTimeout(90_000)
  await createAdmin(page, ADMIN)
  const status = await rpc<{ urls: string[]; fingerprint: string }>(page, 'lan.setSharing', { on: true })
  const hostUrl = status.urls[0]!

  const shell = await startDesktopShell()
  await post(`${shell.url}/advertise`, { name: '示例公司 (office-pc)', port: Number(new URL(hostUrl).port), fingerprint: status.fingerprint })
  const { win, stop } = await desktopWindow(browser, shell)
  try {
    await win.goto(server.url)
    await win.getByTestId('setup-connect-office').click()
    await expect(win.getByTestId('office-hosts')).toContainText('示例公司 (office-pc)')
    await win.screenshot({ path: `${SHOTS}/client-connect-1440-zh.png` })
    await win.setViewportSize({ width: 390, height: 844 })
    await win.screenshot({ path: `${SHOTS}/client-connect-390-zh.png` })
    await win.setViewportSize({ width: 1440, height: 900 })

    await win.getByTestId('office-address').fill(hostUrl)
    await win.getByTestId('office-pair').click()
    await expect(win.getByTestId('office-code')).toBeVisible()
    await expect(page.getByTestId('nav-system')).toBeVisible()
    const pending = (await rpc<{ devices: Array<{ id: string; name: string; status: string; code: string | null }> }>(page, 'lan.status')).devices.find((d) => d.status === 'pending' && d.code)!
    expect(pending.name).toBe('前台的电脑')
    await win.screenshot({ path: `${SHOTS}/client-code-1440-zh.png` })
    await win.getByTestId('office-code').locator('input').first().click()
    await win.keyboard.type(pending.code!)
    await expect(win.getByTestId('office-waiting')).toBeVisible()
    await win.screenshot({ path: `${SHOTS}/client-waiting-1440-zh.png` })
    await rpc(page, 'lan.decide', { id: pending.id, approve: true })

    // The window now runs over the pinned HTTPS transport to the host: its sign-in screen, its users.
    await expect(win.getByRole('button', { name: '登录', exact: true })).toBeVisible({ timeout: 15_000 })
    await win.getByLabel('登录名').fill(ADMIN.login)
    await win.getByLabel('密码', { exact: true }).fill(ADMIN.password)
    await win.getByRole('button', { name: '登录', exact: true }).click()
    await expect(win.locator('html[data-live="on"]')).toBeAttached({ timeout: 15_000 })
    await expect(win.getByTestId('nav-system')).toBeVisible()
    expect(((await (await fetch(`${shell.url}/snapshot`)).json()) as { connection: unknown }).connection).toMatchObject({ mode: 'client', status: 'connected', signedIn: true })

    // The host stops sharing: the window says so plainly and keeps retrying.
    await rpc(page, 'lan.setSharing', { on: false })
    await expect(win.getByTestId('office-unreachable')).toBeVisible({ timeout: 15_000 })
    await win.screenshot({ path: `${SHOTS}/client-unreachable-1440-zh.png` })
    await win.setViewportSize({ width: 390, height: 844 })
    await win.screenshot({ path: `${SHOTS}/client-unreachable-390-zh.png` })
  } finally {
    await stop()
    await shell.stop()
  }
})

// The laptop on the road (issue 18), as its user sees it in the desktop window: signed in at the
// office, the office goes away, a change is typed into a record anyway (the chip: 离线 · 1 条待同步),
// the office changes the same field meanwhile, the office comes back: the chip turns to 冲突 1, the
// inbox shows both values, 保留我的 — and the office holds the laptop's value.
test.describe('on the road', () => {
// The office keeps its port across a restart of sharing (5171 in use; any free one in the other
// tests of this file): the laptop finds it again where it was.
test.beforeAll(async () => {
  process.env.JIMU_LAN_PORT = String(await new Promise<number>((done) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const port = (probe.address() as { port: number }).port
      probe.close(() => done(port))
    })
  }))
})
test.afterAll(() => {
  process.env.JIMU_LAN_PORT = '0'
})
test('a laptop goes offline, edits a record, comes back and resolves the conflict in the window', async ({ page, browser, server }) => {
  test.setTimeout(120_000)
  await createAdmin(page, ADMIN)
  const app = await rpc<{ id: number }>(page, 'apps.create', { label: '客户管理' })
  const form = await rpc<{ id: number }>(page, 'forms.create', { appId: app.id, label: '客户', apiKey: 'client', fields: [{ label: '客户名称', apiKey: 'name', type: 'text', required: true }, { label: '备注', apiKey: 'notes', type: 'text' }] })
  const record = await rpc<{ id: number }>(page, 'records.create', { form: form.id, fields: { name: '杭州云栖科技有限公司', notes: '初次拜访' } })
  const status = await rpc<{ urls: string[]; fingerprint: string }>(page, 'lan.setSharing', { on: true })
  const hostUrl = status.urls[0]!

  const shell = await startDesktopShell()
  const { win, stop } = await desktopWindow(browser, shell)
  try {
    // Paired and signed in at the office (the steps the test above walks through on screen).
    await win.goto(server.url)
    await win.getByTestId('setup-connect-office').click()
    await win.getByTestId('office-address').fill(hostUrl)
    await win.getByTestId('office-pair').click()
    await expect(win.getByTestId('office-code')).toBeVisible()
    const pending = (await rpc<{ devices: Array<{ id: string; status: string; code: string | null }> }>(page, 'lan.status')).devices.find((d) => d.status === 'pending' && d.code)!
    await win.getByTestId('office-code').locator('input').first().click()
    await win.keyboard.type(pending.code!)
    await rpc(page, 'lan.decide', { id: pending.id, approve: true })
    await expect(win.getByRole('button', { name: '登录', exact: true })).toBeVisible({ timeout: 15_000 })
    await win.getByLabel('登录名').fill(ADMIN.login)
    await win.getByLabel('密码', { exact: true }).fill(ADMIN.password)
    await win.getByRole('button', { name: '登录', exact: true }).click()
    const chip = win.getByTestId('sync-chip')
    await expect(chip).toHaveAttribute('data-state', 'online', { timeout: 15_000 })
    await win.getByRole('link', { name: '客户', exact: true }).click()
    const row = win.getByRole('row').filter({ hasText: '杭州云栖科技有限公司' })
    await expect(row).toContainText('初次拜访')

    // The office goes away; the window works from its copy.
    await rpc(page, 'lan.setSharing', { on: false })
    await expect(win.getByTestId('office-unreachable')).toBeVisible({ timeout: 15_000 })
    await row.getByText('杭州云栖科技有限公司').click()
    const drawer = win.getByRole('dialog', { name: '客户', exact: true })
    await expect(drawer.getByLabel('备注')).toHaveValue('初次拜访')
    await drawer.getByLabel('备注').fill('路上改的：下周二再访')
    await drawer.getByRole('button', { name: '保存' }).click()
    await expect(drawer).toBeHidden()
    // Saved here, not at the office: the message says where, not just 已保存.
    await expect(win.getByText('已保存在本机：连上办公室的电脑后自动同步')).toBeVisible()
    await expect(row).toContainText('路上改的：下周二再访')
    await expect(chip).toHaveAttribute('data-state', 'offline')
    await expect(chip).toContainText('离线 · 1 条待同步')
    await win.screenshot({ path: `${SHOTS}/laptop-offline-1440-zh.png` })

    // Meanwhile at the office the same field changes; then the office shares again.
    const current = await rpc<{ version: number }>(page, 'records.get', { form: form.id, id: record.id })
    await rpc(page, 'records.update', { form: form.id, id: record.id, fields: { notes: '办公室改的：已签约' }, version: current.version })
    const back = await rpc<{ urls: string[] }>(page, 'lan.setSharing', { on: true })
    expect(back.urls[0]).toBe(hostUrl)
    // The user does not wait for the next try: 立即重试.
    await win.getByTestId('office-retry').click()
    await expect(win.getByTestId('office-unreachable')).toBeHidden({ timeout: 15_000 })
    // Turning sharing off ended every other device's session: the office asks him to sign in
    // again before his changes go (one user's queue is never pushed under another's session).
    await expect(win.getByText('登录已过期，请重新登录')).toBeVisible({ timeout: 15_000 })
    await win.getByLabel('登录名').fill(ADMIN.login)
    await win.getByLabel('密码', { exact: true }).fill(ADMIN.password)
    await win.getByRole('button', { name: '登录', exact: true }).click()
    await expect(chip).toHaveAttribute('data-state', 'conflicts', { timeout: 30_000 })
    await expect(chip).toContainText('冲突 1')

    // The inbox: both values; keep mine; the office holds it.
    await chip.click()
    await win.getByTestId('sync-popover').getByTestId('sync-open-inbox').click()
    const card = win.getByTestId('conflict-card')
    await expect(card).toHaveCount(1)
    await expect(card.getByTestId('conflict-record')).toHaveText('杭州云栖科技有限公司')
    const field = card.getByTestId('conflict-field-notes')
    await expect(field.getByTestId('conflict-side-mine')).toContainText('路上改的：下周二再访')
    await expect(field.getByTestId('conflict-side-theirs')).toContainText('办公室改的：已签约')
    await win.screenshot({ path: `${SHOTS}/laptop-conflict-1440-zh.png` })
    await field.getByTestId('conflict-side-mine').click()
    await card.getByTestId('conflict-resolve').click()
    await expect(card.getByTestId('conflict-resolved')).toBeVisible()
    await expect(chip).toHaveAttribute('data-state', 'online')
    expect((await rpc<{ fields: { notes: string } }>(page, 'records.get', { form: form.id, id: record.id })).fields.notes).toBe('路上改的：下周二再访')
  } finally {
    await stop()
    await shell.stop()
    await rpc(page, 'lan.setSharing', { on: false }).catch(() => undefined)
  }
})
})
