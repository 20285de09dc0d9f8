import { mkdirSync } from 'node:fs'
import type { Page } from '@playwright/test'
import { expect, sampleOffice, signInAs, test } from './fixtures'

// 我的工作台 on the sample data: a 销售代表 lands on their day after signing in (their follow-ups,
// deals, tasks; a record opened shows up under 最近打开), the administrator also gets the
// first-run checklist with links to where each step is done. Screenshots at desktop and phone
// width, Chinese and English, land in test-results/home19/.

const SHOTS = 'test-results/home19'
const ADMIN = { name: '王经理', login: 'admin', password: 'jimu-secret-1' }
const REP = { login: 'zhangwei', password: 'demo12345' }

test.describe.configure({ mode: 'serial' })
test.use({ sharedServerName: 'workbench' })

test.beforeAll(async ({ browser, sharedServer }) => {
  test.setTimeout(120_000)
  mkdirSync(SHOTS, { recursive: true })
  await sampleOffice(browser, sharedServer.url, ADMIN)
})

async function shoot(page: Page, name: string, englishText: string): Promise<void> {
  await page.screenshot({ path: `${SHOTS}/${name}-1440-zh.png`, fullPage: true })
  await page.setViewportSize({ width: 390, height: 844 })
  await expect(page.getByTestId('workbench')).toBeVisible()
  // The navigation slides away at phone width: shoot once it is gone.
  await expect(page.getByTestId('nav-home')).not.toBeInViewport()
  await page.screenshot({ path: `${SHOTS}/${name}-390-zh.png`, fullPage: true })
  await page.setViewportSize({ width: 1440, height: 900 })
  await page.getByText('English', { exact: true }).click()
  await expect(page.getByText(englishText).first()).toBeVisible()
  await page.screenshot({ path: `${SHOTS}/${name}-1440-en.png`, fullPage: true })
  await page.setViewportSize({ width: 390, height: 844 })
  await expect(page.getByTestId('workbench')).toBeVisible()
  // The navigation slides away at phone width: shoot once it is gone.
  await expect(page.getByTestId('nav-home')).not.toBeInViewport()
  await page.screenshot({ path: `${SHOTS}/${name}-390-en.png`, fullPage: true })
}

test('a 销售代表 lands on their day; a record opened from it is listed under 最近打开', async ({ browser, sharedServer }) => {
  test.setTimeout(120_000)
  const page = await signInAs(browser, sharedServer.url, REP)
  await expect(page).toHaveURL(/#\/home$/)
  await expect(page.getByTestId('workbench')).toBeVisible()
  for (const s of ['approvals', 'followups', 'deals', 'tasks', 'reminders', 'recent']) await expect(page.getByTestId(`workbench-${s}`)).toBeVisible()
  await expect(page.getByRole('heading', { name: '我的工作台' })).toBeVisible()
  await expect(page.getByTestId('workbench-checklist')).toHaveCount(0)
  await expect(page.getByTestId('workbench-recent-empty')).toBeVisible()

  // Follow the first link of the day (a follow-up due, a deal or a task): it opens that record.
  const link = page.locator('[data-testid="workbench-followups"] a, [data-testid="workbench-deals"] a, [data-testid="workbench-tasks"] a').first()
  const title = (await link.textContent())!.trim()
  const remembered = page.waitForResponse((r) => r.url().endsWith('/rpc/workbench.opened') && r.ok())
  await link.click()
  await expect(page).toHaveURL(/#\/forms\/\d+\/records\/\d+$/)
  await expect(page.getByRole('dialog')).toBeVisible()
  await remembered
  await page.keyboard.press('Escape')
  await expect(page.getByRole('dialog')).toHaveCount(0)
  await page.getByTestId('nav-home').click()
  await expect(page.getByTestId('workbench-recent').getByRole('link').first()).toBeVisible()
  await expect(page.getByTestId('workbench-recent-empty')).toHaveCount(0)
  expect(title.length).toBeGreaterThan(0)

  await shoot(page, 'rep', 'Follow up today')
  await page.context().close()
})

test('the administrator gets the first-run checklist, derived from the data, with links to each step', async ({ browser, sharedServer }) => {
  test.setTimeout(120_000)
  const page = await signInAs(browser, sharedServer.url, { login: ADMIN.login, password: ADMIN.password })
  await expect(page).toHaveURL(/#\/home$/)
  const checklist = page.getByTestId('workbench-checklist')
  await expect(checklist).toBeVisible()
  // The sample data added colleagues; no Excel import and no backup place yet.
  await expect(page.getByTestId('workbench-checklist-colleagues')).toHaveAttribute('data-done', 'true')
  await expect(page.getByTestId('workbench-checklist-backup')).toHaveAttribute('data-done', 'false')
  await shoot(page, 'admin', 'Getting started: a few steps left')

  await page.setViewportSize({ width: 1440, height: 900 })
  await page.getByText('中文', { exact: true }).click()
  await page.getByTestId('workbench-checklist-backup').getByRole('link', { name: '去设置' }).click()
  await expect(page).toHaveURL(/#\/admin\/backups$/)
  await page.getByTestId('nav-home').click()
  await page.getByTestId('workbench-checklist-dismiss').click()
  await expect(page.getByTestId('workbench-checklist')).toHaveCount(0)
  await page.reload()
  await expect(page.getByTestId('workbench')).toBeVisible()
  await expect(page.getByTestId('workbench-checklist')).toHaveCount(0)
  await page.context().close()
})
