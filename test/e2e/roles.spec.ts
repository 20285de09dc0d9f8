import { mkdirSync } from 'node:fs'
import type { Browser, Page } from '@playwright/test'
import { setUpAdmin, expect, rpc, test } from './fixtures'

// Every shipped role walks the app as it sees it, on the sample data: signs in, opens every page of
// its navigation, every saved view of every form and the new-record form where it may create, and
// meets no error alert and no console error. A screenshot per page per role lands in
// test-results/roles/<role>/<page>.png (1440×900). One server for all roles (loaded once), one
// test and one browser context (its own session) per role.

const ADMIN = { name: '王经理', login: 'admin', password: 'jimu-secret-1' }
const DEMO_PASSWORD = 'demo12345'

/** The sample data's users (src-main/crm/seed.ts): one per shipped role. */
const ROLES = [
  { dir: 'admin', name: '管理员', login: ADMIN.login, password: ADMIN.password },
  { dir: 'sales_rep', name: '销售代表', login: 'zhangwei', password: DEMO_PASSWORD },
  { dir: 'sales_manager', name: '销售经理', login: 'wuhaiyan', password: DEMO_PASSWORD },
  { dir: 'finance', name: '财务', login: 'zhaoli', password: DEMO_PASSWORD },
  { dir: 'service', name: '客服', login: 'sunlei', password: DEMO_PASSWORD }
] as const

/** Records what went wrong on the page being walked: console errors, uncaught errors, alerts shown (even briefly). */
class Watch {
  problems: string[] = []
  constructor(private readonly page: Page) {
    page.on('console', (message) => {
      if (message.type() === 'error') this.problems.push(`console: ${message.text()}`)
    })
    page.on('pageerror', (error) => this.problems.push(`page error: ${error.message}`))
  }

  /** What went wrong since the last call, alerts included (a toast closes itself: the page keeps a log). */
  async take(): Promise<string[]> {
    const alerts = await this.page.evaluate(() => {
      const w = window as unknown as { __jimuAlerts?: string[] }
      return (w.__jimuAlerts ?? []).splice(0)
    })
    const out = [...this.problems, ...alerts.map((a) => `alert: ${a}`)]
    this.problems = []
    return out
  }
}

/** Logs every role=alert element (Mantine notifications, inline alerts) that ever appears, before it closes. */
function logAlerts(): void {
  const w = window as unknown as { __jimuAlerts: string[] }
  w.__jimuAlerts = []
  const seen = new WeakSet<Element>()
  const scan = () => {
    for (const el of document.querySelectorAll('[role="alert"]')) {
      if (seen.has(el)) continue
      seen.add(el)
      w.__jimuAlerts.push((el.textContent ?? '').trim())
    }
  }
  new MutationObserver(scan).observe(document, { subtree: true, childList: true })
}

/** The page has settled: no loader, no widget still loading. */
async function settled(page: Page): Promise<void> {
  await expect(page.locator('main .mantine-Loader-root')).toHaveCount(0, { timeout: 20_000 })
  await expect(page.locator('[data-testid^="widget-"][data-loaded="false"]')).toHaveCount(0, { timeout: 45_000 })
}

const SHOWN = '[data-testid="records-total"], [data-testid="view-empty"], [data-testid="kanban"], [data-testid="calendar"]'

/** Waits for what a page shows; when it never comes, that is one of the page's problems (a broken page is reported, not thrown). */
async function shows(page: Page, selector: string | null, problems: string[]): Promise<void> {
  // A page without a selector shows its heading, or its empty state (“还没有仪表盘” for a role with no dashboard yet).
  const target = selector ? page.locator(selector).first() : page.locator('main').getByRole('heading').or(page.locator('main').getByText(/^还没有/)).first()
  await expect(target).toBeVisible({ timeout: 10_000 }).catch(() => problems.push(`never showed ${selector ? 'its records' : 'its heading or empty state'}`))
}

const fileName = (name: string) => name.replace(/[\\/:*?"<>|\s]+/g, '_')

async function walkRole(browser: Browser, url: string, role: (typeof ROLES)[number]): Promise<Map<string, string[]>> {
  const results = new Map<string, string[]>()
  const dir = `test-results/roles/${role.dir}`
  mkdirSync(dir, { recursive: true })
  const context = await browser.newContext({ baseURL: url, viewport: { width: 1440, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })
  await context.addInitScript(logAlerts)
  const page = await context.newPage()
  const watch = new Watch(page)
  try {
    await page.goto('/')
    await expect(page.getByRole('heading', { name: '登录' })).toBeVisible({ timeout: 20_000 })
    await page.getByLabel('登录名').fill(role.login)
    await page.getByLabel('密码', { exact: true }).fill(role.password)
    await page.getByRole('button', { name: '登录' }).click()
    await expect(page.getByTestId('user-menu')).toBeVisible({ timeout: 20_000 })
    await settled(page)
    await watch.take()

    const links = await page.locator('nav a[href][data-testid^="nav-"]').evaluateAll((els) =>
      els.map((el) => ({ testId: el.getAttribute('data-testid')!, label: (el.textContent ?? '').trim() })).filter((l) => !l.testId.startsWith('nav-new-form-'))
    )
    expect(links.length, `${role.name} sees no navigation`).toBeGreaterThan(0)
    for (const link of links) {
      // Badges (to-do counts) follow the label: the page is named by its label alone.
      const name = link.label.replace(/\d+$/, '').trim() || link.testId
      await page.getByTestId(link.testId).click()
      await settled(page)
      const isForm = link.testId.startsWith('nav-form-')
      const problems: string[] = []
      await shows(page, isForm ? SHOWN : null, problems)
      await page.screenshot({ path: `${dir}/${fileName(name)}.png` })
      problems.push(...(await watch.take()))

      // A page that is already broken is reported once; its views and form would only repeat it.
      if (isForm && problems.length === 0) {
        // Every saved view the role sees, then the new-record form where it may create.
        const views = page.getByTestId('view-tab')
        const count = await views.count()
        for (let i = 0; i < count; i++) {
          const view = views.nth(i)
          const viewName = (await view.textContent())?.trim() ?? String(i)
          await view.click()
          const shown: string[] = []
          await expect(view).toHaveAttribute('data-active', 'true', { timeout: 10_000 }).catch(() => shown.push('did not open'))
          await settled(page)
          await shows(page, SHOWN, shown)
          problems.push(...shown.map((p) => `view ${viewName}: ${p}`))
          problems.push(...(await watch.take()).map((p) => `view ${viewName}: ${p}`))
        }
        const create = page.getByRole('button', { name: '新建记录' }).first()
        if ((await create.isVisible()) && (await create.isEnabled())) {
          await create.click()
          const dialog = page.getByRole('dialog', { name: `新建记录 · ${name}` })
          await expect(dialog).toBeVisible()
          await settled(page)
          await page.keyboard.press('Escape')
          await expect(dialog).toBeHidden()
          problems.push(...(await watch.take()).map((p) => `new record: ${p}`))
        }
      }
      results.set(name, problems)
    }
  } finally {
    await context.close()
  }
  return results
}

test.describe.configure({ mode: 'serial' })
test.use({ sharedServerName: 'roles' })

// The sample data is loaded once; each role then walks it in its own test (and its own session).
test.beforeAll(async ({ browser, sharedServer }) => {
  test.setTimeout(120_000)
  const context = await browser.newContext({ baseURL: sharedServer.url, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })
  const page = await context.newPage()
  await setUpAdmin(page, ADMIN)
  await rpc(page, 'crm.install', { sampleData: true, seed: 11 })
  await context.close()
})

for (const role of ROLES) {
  test(`${role.name} (${role.login}) opens every page, view and form it sees without an error`, { tag: '@walk' }, async ({ browser, sharedServer }) => {
    // Under a minute per role on an idle machine; the margin is for a busy one.
    test.setTimeout(150_000)
    const results = await walkRole(browser, sharedServer.url, role)
    const failures: string[] = []
    for (const [name, problems] of results) for (const p of problems) failures.push(`${name}: ${p}`)
    expect(failures, `errors ${role.name} met`).toEqual([])
  })
}
