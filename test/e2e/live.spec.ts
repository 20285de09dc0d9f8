import type { Browser, Page } from '@playwright/test'
import { mkdirSync } from 'node:fs'
import { createAdmin, expect, rpc, test } from './fixtures'

// Everyone sees changes live (the /events stream), with two people in their own browsers:
// a rep submits a contract for approval and keeps its record open; the sales manager approves it in
// another session; the rep's open record turns from 审批中 to 已通过 without a reload, and the
// to-do badge of the manager follows. Then a conflict: the rep is editing a customer when the
// administrator changes it — the rep sees who changed what, keeps their edit, and the save neither
// fails nor undoes the administrator's change.

test.use({ actionTimeout: 15_000 })
test.setTimeout(240_000)

const ADMIN = { name: '管理员', login: 'admin', password: 'secret123' }
const REP = { name: '张伟', login: 'zhangwei', password: 'secret123' }
const MANAGER = { name: '吴海燕', login: 'wuhaiyan', password: 'secret123' }
const SHOTS = 'test-results/live17'

async function signIn(browser: Browser, baseURL: string, who: { login: string; password: string }, size = { width: 1440, height: 900 }, locale = 'zh-CN'): Promise<Page> {
  const context = await browser.newContext({ baseURL, viewport: size, locale })
  // The app's language is the user's choice, kept in the browser.
  await context.addInitScript((lang) => localStorage.setItem('jimu.locale', lang), locale)
  const page = await context.newPage()
  await page.goto('/')
  await page.getByLabel(locale === 'en' ? 'Login name' : '登录名').fill(who.login)
  await page.getByLabel(locale === 'en' ? 'Password' : '密码', { exact: true }).fill(who.password)
  await page.getByRole('button', { name: locale === 'en' ? 'Sign in' : '登录', exact: true }).click()
  await expect(page.getByTestId('user-menu')).toBeVisible({ timeout: 20_000 })
  // The stream is open once the server greeted it.
  await expect(page.locator('html[data-live="on"]')).toHaveCount(1)
  return page
}

test('an approval and a colleague’s edit reach open records without reloading', async ({ page, browser, baseURL }) => {
  mkdirSync(SHOTS, { recursive: true })
  await createAdmin(page, ADMIN, { salesApp: true })
  const roles = await rpc<{ id: number; key: string }[]>(page, 'roles.list')
  const role = (key: string) => roles.find((r) => r.key === key)!.id
  await rpc(page, 'users.create', { ...MANAGER, roleIds: [role('sales_manager')] })
  await rpc(page, 'users.create', { ...REP, roleIds: [role('sales_rep')] })
  const contractForm = await rpc<{ id: number }>(page, 'forms.get', { form: 'contract' })
  const customerForm = await rpc<{ id: number; fields: { apiKey: string; label: string }[] }>(page, 'forms.get', { form: 'customer' })

  // The rep submits a 30,000 contract and keeps its record open.
  const rep = await signIn(browser, baseURL!, REP)
  const contract = await rpc<{ id: number }>(rep, 'records.create', { form: 'contract', fields: { name: '杭州云栖服务合同', amount: 30000 } })
  await rep.goto(`/#/forms/${contractForm.id}/records/${contract.id}`)
  await rep.getByTestId('record-submit').click()
  await expect(rep.getByTestId('record-flow-status')).toHaveText('审批中')

  // The manager, signed in elsewhere, sees the new to-do arrive and approves it.
  const manager = await signIn(browser, baseURL!, MANAGER)
  await expect(manager.getByTestId('todo-badge')).toHaveText('1')
  await manager.getByTestId('nav-todo').click()
  await manager.getByTestId('todo-table').getByText('杭州云栖服务合同').click()
  await manager.getByTestId('act-approve').click()
  await manager.getByTestId('act-comment-text').fill('同意')
  await manager.getByTestId('act-confirm').click()
  await expect(manager.getByTestId('instance-history')).toContainText('同意')

  // The rep's open record shows the outcome, no reload.
  await expect(rep.getByTestId('record-flow-status')).toHaveText('已通过')
  await expect(rep.getByTestId('live-conflict')).toHaveCount(0)
  await rep.screenshot({ path: `${SHOTS}/approved-live-1440.png` })

  // A conflict: the rep edits a customer's city while the administrator changes its phone.
  const customer = await rpc<{ id: number; version: number }>(rep, 'records.create', { form: 'customer', fields: { name: '杭州西湖贸易有限公司', city: '杭州', phone: '0571-88886666' } })
  await rep.goto(`/#/forms/${customerForm.id}/records/${customer.id}`)
  const city = rep.getByTestId('record-form').locator('[data-field="city"] input').first()
  await expect(city).toHaveValue('杭州')
  // Untouched first: the administrator's change simply shows.
  await rpc(page, 'records.update', { form: 'customer', id: customer.id, fields: { address: '文三路 100 号' } })
  await expect(rep.getByTestId('record-form').locator('[data-field="address"] input').first()).toHaveValue('文三路 100 号')
  await expect(rep.getByTestId('live-conflict')).toHaveCount(0)

  await city.fill('宁波')
  await rpc(page, 'records.update', { form: 'customer', id: customer.id, fields: { phone: '0571-12345678' } })
  const banner = rep.getByTestId('live-conflict')
  const phoneLabel = customerForm.fields.find((f) => f.apiKey === 'phone')!.label
  await expect(banner).toContainText(`管理员 修改了 ${phoneLabel} 刚刚`)
  await rep.screenshot({ path: `${SHOTS}/conflict-1440.png` })
  await rep.getByTestId('live-keep').click()
  await expect(banner).toHaveCount(0)
  // My edit stays, their change shows.
  await expect(city).toHaveValue('宁波')
  await expect(rep.getByTestId('record-form').locator('[data-field="phone"] input').first()).toHaveValue('0571-12345678')
  await rep.getByTestId('record-save').click()
  await expect(rep.getByText('已保存')).toBeVisible()
  const saved = await rpc<{ fields: Record<string, unknown> }>(page, 'records.get', { form: 'customer', id: customer.id })
  expect(saved.fields).toMatchObject({ city: '宁波', phone: '0571-12345678', address: '文三路 100 号' })

  // 重新加载 drops my edit and shows theirs.
  await rep.goto(`/#/forms/${customerForm.id}/records/${customer.id}`)
  await expect(city).toHaveValue('宁波')
  await city.fill('温州')
  await rpc(page, 'records.update', { form: 'customer', id: customer.id, fields: { city: '绍兴' } })
  await expect(banner).toBeVisible()
  await rep.getByTestId('live-reload').click()
  await expect(city).toHaveValue('绍兴')
  await rep.context().close()
  await manager.context().close()

  // The banner on a phone and in English.
  const phone = await signIn(browser, baseURL!, REP, { width: 390, height: 844 }, 'en')
  await rpc(phone, 'auth.me')
  await phone.goto(`/#/forms/${customerForm.id}/records/${customer.id}`)
  const phoneCity = phone.getByTestId('record-form').locator('[data-field="city"] input').first()
  await expect(phoneCity).toHaveValue('绍兴')
  await phoneCity.fill('台州')
  await rpc(page, 'records.update', { form: 'customer', id: customer.id, fields: { phone: '0571-87654321' } })
  await expect(phone.getByTestId('live-conflict')).toBeVisible()
  await phone.screenshot({ path: `${SHOTS}/conflict-390-en.png` })
  await phone.context().close()
})
