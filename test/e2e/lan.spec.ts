import { spawn } from 'node:child_process'
import { resolve } from 'node:path'
import { HostTransport, confirmCode, pairedHostOf, pairingStatus, startPairing } from '../../src-main/lan/client'
import { createAdmin, expect, rpc, test } from './fixtures'

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
  try {
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
    relaying = false
    await relay.catch(() => undefined)
    await win.close()
    await shell.stop()
  }
})
