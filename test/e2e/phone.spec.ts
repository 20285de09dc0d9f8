import { mkdirSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import type { Browser, BrowserContext, Page, Response } from '@playwright/test'
import { setUpAdmin, expect, rpc, test } from './fixtures'

// The app on a phone (390×844, Chromium) over the real server with the sample data: what the
// first screen downloads (the JavaScript budget), then every shipped role in Chinese and English
// — the list as cards, a record, the to-do center (销售经理 approves one), a dashboard in one
// column, the navigation drawer and a designer that stays on the computer. Screenshots land in
// test-results/phone/<role>/<locale>-<page>.png.

const ADMIN = { name: '王经理', login: 'admin', password: 'jimu-secret-1' }
const DEMO_PASSWORD = 'demo12345'
const PHONE = { width: 390, height: 844 }

/** The sample data's users (src-main/crm/seed.ts). */
type Locale = 'zh-CN' | 'en'

// Each role walks the phone once, the languages alternating (both languages are walked by every
// page of test/e2e/text-scan.spec.ts; all eight pairs cost CI a minute for little more).
const ROLES = [
  { dir: 'sales_rep', login: 'zhangwei', password: DEMO_PASSWORD, locale: 'zh-CN' },
  { dir: 'sales_manager', login: 'wuhaiyan', password: DEMO_PASSWORD, locale: 'en' },
  { dir: 'finance', login: 'zhaoli', password: DEMO_PASSWORD, locale: 'en' },
  { dir: 'admin', login: ADMIN.login, password: ADMIN.password, locale: 'zh-CN' }
] as const satisfies ReadonlyArray<{ dir: string; login: string; password: string; locale: Locale }>

/** The JavaScript a phone may download before its first screen shows, compressed, on the wire. */
const FIRST_SCREEN_JS_BUDGET = 700 * 1024

const TEXT = {
  'zh-CN': { login: '登录名', password: '密码', submit: '登录', dashboards: '仪表盘', todoTab: '待办' },
  en: { login: 'Login name', password: 'Password', submit: 'Sign in', dashboards: 'Dashboards', todoTab: 'To do' }
} as const

async function phoneContext(browser: Browser, url: string, locale: Locale): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL: url, viewport: PHONE, locale, timezoneId: 'Asia/Shanghai' })
  await context.addInitScript((lng) => {
    try {
      if (!sessionStorage.getItem('phone-spec-locale')) {
        localStorage.setItem('jimu.locale', lng)
        sessionStorage.setItem('phone-spec-locale', '1')
      }
    } catch {
      // Storage disabled: the app starts in Chinese.
    }
  }, locale)
  return context
}

async function signIn(page: Page, locale: Locale, login: string, password: string): Promise<void> {
  const text = TEXT[locale]
  await page.goto('/')
  await page.getByLabel(text.login).fill(login)
  await page.getByLabel(text.password, { exact: true }).fill(password)
  await page.getByRole('button', { name: text.submit, exact: true }).click()
  await expect(page.getByTestId('user-menu')).toBeVisible({ timeout: 30_000 })
}

/**
 * 张伟 submits a contract for approval (the sample data holds no running approval), so his
 * manager has a to-do to approve at the thumb.
 */
async function submitContractAsRep(browser: Browser, url: string): Promise<void> {
  const context = await browser.newContext({ baseURL: url })
  const call = async <T,>(method: string, input: unknown): Promise<T> => {
    const body = (await (await context.request.post(`/rpc/${method}`, { data: input })).json()) as { ok: boolean; data: T; error?: unknown }
    expect(body.ok, `${method}: ${JSON.stringify(body.error)}`).toBe(true)
    return body.data
  }
  await call('auth.login', { login: 'zhangwei', password: DEMO_PASSWORD })
  const contract = await call<{ id: number }>('records.create', { form: 'contract', fields: { name: '手机审批测试合同', amount: 30000 } })
  const flows = await call<Array<{ id: number }>>('flows.available', { form: 'contract' })
  await call('flows.start', { flowId: flows[0]!.id, recordId: contract.id })
  await context.close()
}

async function settled(page: Page): Promise<void> {
  await expect(page.locator('main .mantine-Loader-root')).toHaveCount(0, { timeout: 30_000 })
  await expect(page.locator('[data-testid^="widget-"][data-loaded="false"]')).toHaveCount(0, { timeout: 45_000 })
}

/** Neither the page nor any part of it is wider than the phone. */
async function fitsThePhone(page: Page, where: string): Promise<void> {
  const width = await page.evaluate(() => document.documentElement.scrollWidth)
  expect(width, `${where}: the page scrolls sideways`).toBeLessThanOrEqual(PHONE.width)
}

test.describe.configure({ mode: 'serial' })
test.use({ sharedServerName: 'phone' })

test.beforeAll(async ({ browser, sharedServer }) => {
  // Loading the sample data takes a minute on an idle machine; the margin is for a busy one.
  test.setTimeout(420_000)
  const context = await browser.newContext({ baseURL: sharedServer.url, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })
  const page = await context.newPage()
  await setUpAdmin(page, ADMIN)
  await rpc(page, 'crm.install', { sampleData: true, seed: 11 })
  await context.close()
})

test('the first screen on a phone downloads under 700 kB of compressed JavaScript', async ({ browser, sharedServer }) => {
  test.setTimeout(120_000)
  const context = await phoneContext(browser, sharedServer.url, 'zh-CN')
  const page = await context.newPage()
  const fetched: Array<Promise<{ url: string; raw: number; wire: number; encoding: string | null }>> = []
  const measure = async (response: Response) => {
    const body = await response.body()
    const encoding = response.headers()['content-encoding'] ?? null
    // With compression on the server, what crossed the wire; without it, what gzip would send.
    const wire = encoding ? (await response.request().sizes()).responseBodySize : gzipSync(body).length
    return { url: new URL(response.url()).pathname, raw: body.length, wire, encoding }
  }
  page.on('response', (response) => {
    if (response.request().resourceType() === 'script') fetched.push(measure(response))
  })

  await page.goto('/')
  await expect(page.getByLabel('登录名')).toBeVisible({ timeout: 30_000 })
  const loginScripts = await Promise.all(fetched)
  await page.getByLabel('登录名').fill('zhangwei')
  await page.getByLabel('密码', { exact: true }).fill(DEMO_PASSWORD)
  await page.getByRole('button', { name: '登录', exact: true }).click()
  // The first screen: 我的工作台 (the day's to-dos, follow-ups and deals).
  await expect(page.getByTestId('workbench')).toBeVisible({ timeout: 30_000 })
  await expect(page.getByTestId('page-loading')).toHaveCount(0)
  const scripts = await Promise.all(fetched)

  const sum = (list: typeof scripts, key: 'raw' | 'wire') => list.reduce((n, s) => n + s[key], 0)
  const report = {
    compressedByServer: scripts.every((s) => s.encoding !== null),
    loginPage: { requests: loginScripts.length, rawKB: Math.round(sum(loginScripts, 'raw') / 1024), wireKB: Math.round(sum(loginScripts, 'wire') / 1024) },
    firstScreen: { requests: scripts.length, rawKB: Math.round(sum(scripts, 'raw') / 1024), wireKB: Math.round(sum(scripts, 'wire') / 1024) },
    largest: [...scripts].sort((a, b) => b.raw - a.raw).slice(0, 5).map((s) => `${s.url} ${Math.round(s.raw / 1024)} kB (${Math.round(s.wire / 1024)} kB ${s.encoding ?? 'gzip, measured'})`)
  }
  console.log(`[phone] first-screen JavaScript: ${JSON.stringify(report)}`)
  await test.info().attach('first-screen-js.json', { body: JSON.stringify({ ...report, scripts }, null, 2), contentType: 'application/json' })
  // None of the designers' libraries is among them.
  expect(scripts.map((s) => s.url).filter((u) => /FlowCanvas|DashboardsPage|DesignerPage|WidgetEditor|RulesPage/.test(u))).toEqual([])
  expect(sum(scripts, 'wire')).toBeLessThan(FIRST_SCREEN_JS_BUDGET)
  await context.close()
})

test('a phone opening a form asks for its first screen once, the first cards included, and draws the cards from that answer', async ({ browser, sharedServer }) => {
  test.setTimeout(120_000)
  const context = await phoneContext(browser, sharedServer.url, 'zh-CN')
  const page = await context.newPage()
  const login = await context.request.post('/rpc/auth.login', { data: { login: 'zhangwei', password: DEMO_PASSWORD } })
  expect(login.ok()).toBe(true)
  const opportunity = (await rpc<Array<{ id: number; apiKey: string }>>(page, 'forms.list')).find((f) => f.apiKey === 'opportunity')!
  // Each rpc the page sends (method and input), in order, and which were sent by the page's first script.
  const asked: string[] = []
  page.on('request', (request) => {
    const path = new URL(request.url()).pathname
    if (path.startsWith('/rpc/')) asked.push(`${path.slice(5)} ${request.postData() ?? ''}`)
  })
  await page.goto(`/#/forms/${opportunity.id}`)
  await expect(page.getByTestId('record-card').first()).toBeVisible({ timeout: 30_000 })
  const beforeCards = [...asked]
  const count = (method: string) => beforeCards.filter((a) => a.startsWith(`${method} `)).length
  // The page's first script (early.ts) and the app ask through one list: nothing twice.
  for (const method of ['system.status', 'apps.list', 'forms.list', 'views.list', 'records.list']) expect(count(method), `${method} asked once: ${beforeCards.join(' | ')}`).toBe(1)
  expect(beforeCards.filter((a) => a === `forms.access {"form":${opportunity.id}}`)).toHaveLength(1)
  expect(beforeCards.find((a) => a.startsWith('records.list '))).toContain(`"form":${opportunity.id}`)
  // The cards were drawn from that one page; the total (records.count) is asked for after them.
  await expect(page.getByTestId('records-total')).toBeVisible()
  expect(asked.filter((a) => a.startsWith('records.list ')).length).toBe(1)
  await context.close()
})

for (const role of ROLES) {
  {
    const locale: Locale = role.locale
    test(`${role.dir} on a phone (${locale}): cards, a record, to-dos, a dashboard, the navigation`, { tag: '@walk' }, async ({ browser, sharedServer }) => {
      test.setTimeout(180_000)
      const dir = `test-results/phone/${role.dir}`
      mkdirSync(dir, { recursive: true })
      const shot = (name: string) => page.screenshot({ path: `${dir}/${locale}-${name}.png` })
      const text = TEXT[locale]
      const context = await phoneContext(browser, sharedServer.url, locale)
      const page = await context.newPage()
      const errors: string[] = []
      page.on('pageerror', (error) => errors.push(error.message))

      await signIn(page, locale, role.login, role.password)
      // Signing in lands on 我的工作台, one column at this width.
      await expect(page.getByTestId('workbench')).toBeVisible({ timeout: 30_000 })
      await settled(page)
      await fitsThePhone(page, 'workbench')
      await shot('workbench')

      // The first form's records, as cards (no table at this width).
      const firstForm = (await rpc<Array<{ id: number }>>(page, 'forms.list'))[0]!
      await page.goto(`/#/forms/${firstForm.id}`)
      await expect(page.getByTestId('record-card').first()).toBeVisible({ timeout: 30_000 })
      await expect(page.getByTestId('records-table')).toHaveCount(0)
      await settled(page)
      await fitsThePhone(page, 'list')
      await shot('list')

      // The search box filters the cards.
      const firstTitle = (await page.getByTestId('record-card').first().locator('p').first().textContent())?.trim() ?? ''
      await page.getByTestId('records-search').fill(firstTitle)
      await expect(page.getByTestId('record-card').first()).toContainText(firstTitle)
      await page.getByTestId('records-search').fill('')

      // A record: one column, full screen, the save bar at the bottom.
      await page.getByTestId('record-card').first().getByRole('button').first().click()
      const record = page.getByRole('dialog').filter({ has: page.getByTestId('record-heading') })
      await expect(record.getByTestId('record-heading')).toBeVisible()
      await settled(page)
      const box = await record.boundingBox()
      expect(box?.width ?? 0, 'the record fills the phone').toBeGreaterThanOrEqual(PHONE.width - 1)
      await shot('record')
      await page.keyboard.press('Escape')
      await expect(record).toBeHidden()

      // A customer's record: call and map links, 写跟进 with the customer and the time filled in.
      const forms = await rpc<Array<{ id: number; apiKey: string }>>(page, 'forms.list')
      const customerForm = forms.find((f) => f.apiKey === 'customer')
      if (customerForm) {
        const customers = await rpc<{ records: Array<{ id: number; fields: Record<string, unknown> }> }>(page, 'records.list', { form: 'customer', limit: 1 })
        const customer = customers.records[0]
        if (customer) {
          await page.goto(`/#/forms/${customerForm.id}/records/${customer.id}`)
          const page360 = page.getByRole('dialog').filter({ has: page.getByTestId('record-heading') })
          await expect(page360.getByTestId('record-heading')).toBeVisible()
          if (typeof customer.fields.phone === 'string' && customer.fields.phone) {
            await expect(page360.getByTestId('contact-call-phone')).toHaveAttribute('href', /^tel:\+?\d+$/)
          }
          if (typeof customer.fields.address === 'string' && customer.fields.address) {
            await expect(page360.getByTestId('contact-map-address')).toHaveAttribute('href', /^https:\/\/uri\.amap\.com\/search\?keyword=/)
          }
          await settled(page)
          await shot('customer')
          const followUp = page360.getByTestId('record-follow-up')
          if (await followUp.isVisible()) {
            await followUp.click()
            const entry = page.getByRole('dialog').filter({ has: page.getByTestId('record-form') }).last()
            await expect(entry.getByTestId('record-save')).toBeVisible()
            await settled(page)
            await shot('follow-up')
            await page.keyboard.press('Escape')
          }
          await page.goto('/#/')
        }
      }

      // The navigation: a burger opens it as a drawer.
      await page.getByRole('button', { name: locale === 'en' ? 'Show/hide navigation' : '显示/隐藏导航' }).click()
      await expect(page.getByTestId('nav-dashboards')).toBeVisible()
      await shot('navigation')
      await page.getByTestId('nav-dashboards').click()

      // A dashboard, one column.
      await settled(page)
      await expect(page.getByTestId('dashboard-stack').or(page.locator('main').getByText(/^还没有|^No /)).first()).toBeVisible({ timeout: 30_000 })
      if (await page.getByTestId('dashboard-stack').isVisible()) {
        const lefts = await page.locator('[data-testid="dashboard-stack"] > div').evaluateAll((els) => els.map((el) => Math.round(el.getBoundingClientRect().left)))
        expect(new Set(lefts).size, 'widgets side by side').toBe(1)
        // No blank gap under a card: each fills its place in the column, or the place is the card's own height (a funnel).
        const gaps = await page.locator('[data-testid="dashboard-stack"] > div').evaluateAll((els) => els.map((el) => {
          const card = el.querySelector('[data-testid^="widget-"]')
          return card ? Math.round(el.getBoundingClientRect().bottom - card.getBoundingClientRect().bottom) : 0
        }))
        expect(gaps.filter((g) => g > 2), 'blank space under a widget').toEqual([])
      }
      await fitsThePhone(page, 'dashboard')
      await shot('dashboard')

      // The to-do center, as cards; 销售经理 approves one with the button under the thumb.
      if (role.dir === 'sales_manager') await submitContractAsRep(browser, sharedServer.url)
      await page.goto('/#/todo')
      await expect(page.getByRole('tab', { name: new RegExp(text.todoTab) }).first()).toBeVisible()
      await expect(page.getByTestId('todo-cards').or(page.getByTestId('todo-empty')).first()).toBeVisible({ timeout: 30_000 })
      await expect(page.getByTestId('todo-table')).toHaveCount(0)
      await fitsThePhone(page, 'to-dos')
      await shot('todo')
      const first = page.getByTestId('todo-cards').locator('[data-testid^="todo-row-"]').first()
      if (role.dir === 'sales_manager') await expect(first).toBeVisible()
      if (await first.isVisible()) {
        const instanceId = Number((await first.getAttribute('data-testid'))!.replace('todo-row-', ''))
        await first.getByRole('button').first().click()
        await expect(page.getByTestId('instance-view')).toBeVisible()
        await settled(page)
        await shot('approval')
        const approve = page.getByTestId('act-approve')
        if (role.dir === 'sales_manager' && locale === 'zh-CN') {
          // The actions sit in the bottom bar, within thumb reach.
          const bar = await page.getByTestId('instance-actions').boundingBox()
          expect(bar && bar.y + bar.height).toBeGreaterThan(PHONE.height * 0.6)
          await approve.click()
          await page.getByTestId('act-confirm').click()
          await expect(page.getByTestId('act-confirm')).toBeHidden()
          const instance = await rpc<{ tasks: Array<{ id: number; status: string; assignee: { name: string } | null }> }>(page, 'flows.instance', { id: instanceId })
          expect(instance.tasks.some((t) => t.status === 'approved' && t.assignee?.name === '吴海燕')).toBe(true)
          await shot('approved')
        }
      }

      // A designer stays on the computer, politely.
      if (role.dir === 'admin') {
        await page.goto('/#/admin/roles')
        await expect(page.getByTestId('desktop-only')).toBeVisible()
        await shot('designer')
      }

      expect(errors).toEqual([])
      await context.close()
    })
  }
}
