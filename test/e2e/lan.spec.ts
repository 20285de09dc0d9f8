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
