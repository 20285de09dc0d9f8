import { mkdirSync } from 'node:fs'
import type { Page } from '@playwright/test'
import { setUpAdmin, expect, rpc, signInHere, test } from './fixtures'

// 销售预测 as a sales manager (吴海燕, 华东销售组) on the sample data: the page loads with their
// group's reps, a total matches what the forecast method answers, switching to quarters and
// teams works, and clicking a rep's 已赢单 opens the opportunity list with exactly that rep's
// won deals of the period. Screenshots in Chinese and English at 1440 and 390 px.

const admin = { name: '王经理', login: 'wang', password: 'secret123' }
const MANAGER = { login: 'wuhaiyan', password: 'demo12345' }
const SHOTS = 'test-results/forecast19'

interface Row { period: string; key: number | null; label: string; pipeline: number | null; won: number | null; target: number | null }
interface Result { rows: Row[]; totals: Row[] }

test.describe.configure({ timeout: 180_000 })

async function signIn(page: Page, who: { login: string; password: string }) {
  await page.context().clearCookies()
  await signInHere(page, who)
}

const yuan = (n: number) => `¥${n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`

test('a sales manager reads the forecast of their group and drills down to the deals behind a figure', async ({ page }) => {
  mkdirSync(SHOTS, { recursive: true })
  await page.setViewportSize({ width: 1440, height: 900 })
  await setUpAdmin(page, admin)
  await rpc(page, 'crm.install', { sampleData: true, seed: 11 })
  await signIn(page, MANAGER)

  await page.getByTestId('nav-crm-forecast').click()
  await expect(page.getByTestId('forecast-page')).toBeVisible()
  await expect(page.getByRole('heading', { name: '销售预测' })).toBeVisible()
  const year = new Date().getFullYear()
  await page.getByTestId('forecast-bucket').getByText('按季度').click()
  const data = await rpc<Result>(page, 'forecast.run', { year, bucket: 'quarter', by: 'owner' })
  expect(data.rows.length).toBeGreaterThan(0)
  // Only the manager's group: 张伟, 王芳, 李强.
  expect(new Set(data.rows.map((r) => r.label))).toEqual(new Set(['张伟', '王芳', '李强']))
  const last = data.totals[data.totals.length - 1]!
  await expect(page.getByTestId(`forecast-period-${last.period}`)).toBeVisible()
  await expect(page.getByTestId(`forecast-period-${last.period}`)).toContainText(yuan(last.pipeline ?? 0))

  // A rep's won deals of a quarter: the figure, then the list behind it.
  const cellRow = data.rows.find((r) => (r.won ?? 0) > 0)!
  const cell = page.getByTestId(`forecast-cell-${cellRow.period}-${cellRow.key}-won`)
  await expect(cell).toHaveText(yuan(cellRow.won!))
  await page.screenshot({ path: `${SHOTS}/forecast-zh-1440.png`, fullPage: true })

  const q = Number(cellRow.period.slice(-1))
  const from = `${cellRow.period.slice(0, 4)}-${String((q - 1) * 3 + 1).padStart(2, '0')}-01`
  const to = q === 4 ? `${Number(cellRow.period.slice(0, 4)) + 1}-01-01` : `${cellRow.period.slice(0, 4)}-${String(q * 3 + 1).padStart(2, '0')}-01`
  const expected = await rpc<{ records: Array<{ fields: { name: string; amount: number } }>; total: number }>(page, 'records.list', {
    form: 'opportunity',
    filter: { and: [{ field: 'owner', op: 'eq', value: cellRow.key }, { field: 'stage', op: 'eq', value: 'won' }, { field: 'closeDate', op: 'gte', value: from }, { field: 'closeDate', op: 'lt', value: to }] },
    limit: 500,
    withTotal: true
  })
  expect(expected.records.reduce((s, r) => s + r.fields.amount, 0)).toBeCloseTo(cellRow.won!, 2)

  await cell.click()
  await expect(page.getByTestId('records-total')).toHaveText(`共 ${expected.records.length} 条`)
  for (const r of expected.records.slice(0, 5)) await expect(page.locator('main').getByText(r.fields.name, { exact: true }).first()).toBeVisible()
  await page.screenshot({ path: `${SHOTS}/forecast-drill-zh-1440.png`, fullPage: true })

  // By team, then the phone width and English.
  await page.getByTestId('nav-crm-forecast').click()
  await page.getByTestId('forecast-by').getByText('按部门').click()
  await expect(page.locator('[data-testid^="forecast-row-"]').first()).toContainText('华东销售组')
  await page.setViewportSize({ width: 390, height: 844 })
  await expect(page.getByTestId('forecast-page')).toBeVisible()
  await page.screenshot({ path: `${SHOTS}/forecast-zh-390.png`, fullPage: true })

  await page.setViewportSize({ width: 1440, height: 900 })
  await page.getByText('English', { exact: true }).click()
  await expect(page.getByRole('heading', { name: 'Sales forecast' })).toBeVisible()
  await page.getByTestId('forecast-by').getByText('By rep').click()
  await expect(page.locator('[data-testid^="forecast-row-"]').first()).toBeVisible()
  await page.screenshot({ path: `${SHOTS}/forecast-en-1440.png`, fullPage: true })
  await page.setViewportSize({ width: 390, height: 844 })
  await expect(page.getByTestId('forecast-page')).toBeVisible()
  await page.screenshot({ path: `${SHOTS}/forecast-en-390.png`, fullPage: true })
})
