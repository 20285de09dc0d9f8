import { mkdirSync } from 'node:fs'
import type { Page } from '@playwright/test'
import { setUpAdmin, expect, rpc, test } from './fixtures'

// Dashboards as a sales manager uses them, in Chinese: the shipped 销售驾驶舱 on the sample data,
// building a funnel and a leaderboard in the designer, drilling down from a funnel stage to its
// records, and a dashboard-wide filter. Screenshots of the sales dashboard go to
// resources/screenshots (the README shows them).

const admin = { name: '王经理', login: 'wang', password: 'secret123' }
const SHOTS = 'resources/screenshots'
const REP = '张伟'

/** Every widget on the page has drawn its data (or its error). */
async function widgetsLoaded(page: Page) {
  await expect(page.locator('[data-testid^="widget-"][data-loaded="false"]')).toHaveCount(0, { timeout: 45_000 })
}

// Installing the sales app with two years of sample data takes a while on a busy machine.
test.describe.configure({ timeout: 120_000 })

test.beforeEach(async ({ page }) => {
  mkdirSync(SHOTS, { recursive: true })
  await page.setViewportSize({ width: 1440, height: 1000 })
  await setUpAdmin(page, admin)
  await rpc(page, 'crm.install', { sampleData: true, seed: 11 })
  await page.goto('/')
  await expect(page.getByTestId('user-menu')).toContainText(admin.name)
})

test('the shipped sales dashboard shows every widget on the sample data', async ({ page }) => {
  await page.getByTestId('nav-dashboards').click()
  await expect(page.getByTestId('dashboard-switch')).toContainText('销售驾驶舱')
  await widgetsLoaded(page)
  for (const title of ['销售漏斗', '业绩排行榜', '目标达成', '回款情况', '新增客户趋势', '客户来源分布', '行业分布', '输单原因']) {
    await expect(page.getByText(title, { exact: true })).toBeVisible()
  }
  await expect(page.getByTestId('ranking').locator('tbody tr').first()).toBeVisible()
  await page.waitForTimeout(300)
  await page.screenshot({ path: `${SHOTS}/dashboard-sales.png`, fullPage: true })

  await page.getByTestId('dashboard-tv').click()
  await expect(page.getByTestId('tv-mode')).toBeVisible()
  await widgetsLoaded(page)
  await page.screenshot({ path: `${SHOTS}/dashboard-tv.png` })
  await page.keyboard.press('Escape')
  await expect(page.getByTestId('tv-mode')).toHaveCount(0)

  // English: the page and the engine's labels (buckets, totals) follow the language.
  await page.getByText('English', { exact: true }).click()
  await expect(page.getByTestId('dashboard-tv')).toContainText('Full screen')
  await page.getByTestId('dashboard-tv').click()
  await page.keyboard.press('Escape')
  await widgetsLoaded(page)
  await page.screenshot({ path: 'test-results/dashboard-sales-en.png', fullPage: true })
})

test('build a funnel and a ranking, drill down from a stage, apply a dashboard filter', async ({ page }) => {
  await page.getByTestId('nav-dashboards').click()
  await widgetsLoaded(page)
  await page.getByTestId('dashboard-switch').click()
  await page.getByTestId('dashboard-create').click()
  await page.getByTestId('dashboard-name').fill('我的销售看板')
  await page.getByTestId('dashboard-name-save').click()
  await expect(page.getByTestId('dashboard-switch')).toContainText('我的销售看板')

  // A funnel of opportunities by stage.
  await page.getByTestId('dashboard-edit').click()
  await page.getByTestId('widget-add').click()
  const editor = page.getByTestId('widget-editor')
  await editor.getByTestId('widget-title').fill('商机漏斗')
  await editor.getByTestId('widget-form').click()
  await page.getByRole('option', { name: '商机', exact: true }).click()
  await editor.getByTestId('chart-type-funnel').click()
  await editor.getByTestId('dimension-0').click()
  await page.getByRole('option', { name: '销售阶段', exact: true }).click()
  await expect(editor.getByTestId('funnel')).toBeVisible()
  await editor.getByTestId('widget-save').click()
  await expect(page.getByTestId('widget-w1')).toBeVisible()

  // A leaderboard: won amount per owner, top 5.
  await page.getByTestId('widget-add').click()
  await editor.getByTestId('widget-title').fill('赢单金额排行')
  await editor.getByTestId('widget-form').click()
  await page.getByRole('option', { name: '商机', exact: true }).click()
  await editor.getByTestId('chart-type-ranking').click()
  await editor.getByTestId('dimension-0').click()
  await page.getByRole('option', { name: '负责人', exact: true }).first().click()
  await editor.getByTestId('measure-agg-0').click()
  await page.getByRole('option', { name: '求和' }).click()
  await editor.getByTestId('measure-field-0').click()
  await page.getByRole('option', { name: '预计成交金额', exact: true }).click()
  await editor.getByTestId('widget-sort').click()
  await page.getByRole('option', { name: /从大到小/ }).first().click()
  await editor.getByTestId('widget-limit').fill('5')
  await expect(editor.getByTestId('ranking').locator('tbody tr')).toHaveCount(5)
  await editor.getByTestId('widget-title').scrollIntoViewIfNeeded()
  await page.screenshot({ path: `${SHOTS}/dashboard-widget-editor.png` })
  await editor.getByTestId('widget-save').click()
  await expect(page.getByTestId('widget-w2').getByTestId('ranking').locator('tbody tr')).toHaveCount(5)
  // Drag the leaderboard beside the funnel and make the funnel taller; the layout is saved.
  const dashboardId = Number(/#\/dashboards\/(\d+)/.exec(page.url())![1])
  const w1 = (await page.getByTestId('widget-w1').boundingBox())!
  const handle = (await page.getByTestId('widget-w2').locator('.widget-drag').boundingBox())!
  await page.mouse.move(handle.x + 40, handle.y + handle.height / 2)
  await page.mouse.down()
  await page.mouse.move(w1.x + w1.width + 60, w1.y + 20, { steps: 12 })
  await page.mouse.move(w1.x + w1.width + 70, w1.y + 14, { steps: 4 })
  await page.mouse.up()
  // Wait for the drop's animation to settle before taking the resize handle's position.
  await expect.poll(async () => (await page.getByTestId('widget-w2').boundingBox())!.y).toBeLessThan(w1.y + 20)
  await page.waitForTimeout(400)
  const handleEl = page.getByTestId('widget-w1').locator('xpath=..').locator('.react-resizable-handle')
  await handleEl.hover()
  const resize = (await handleEl.boundingBox())!
  await page.mouse.down()
  await page.mouse.move(resize.x + 4, resize.y + 140, { steps: 10 })
  await page.mouse.up()
  await expect
    .poll(async () => {
      const d = await rpc<{ widgets: Array<{ key: string; layout: { x: number; y: number; h: number } }> }>(page, 'reports.dashboard', { id: dashboardId })
      const [funnel, board] = [d.widgets.find((w) => w.key === 'w1')!, d.widgets.find((w) => w.key === 'w2')!]
      return { boardBeside: board.layout.x >= 6 && board.layout.y === 0, funnelTaller: funnel.layout.h > 5 }
    })
    .toEqual({ boardBeside: true, funnelTaller: true })
  await page.getByTestId('dashboard-done').click()
  await widgetsLoaded(page)
  await page.screenshot({ path: `${SHOTS}/dashboard-built.png`, fullPage: true })

  // Drill down: the 方案报价 stage opens the opportunity list with exactly its records — those at
  // the stage now (data-own; the bar reads how many reached it, later stages included).
  const stage = page.getByTestId('widget-w1').getByTestId('funnel-stage-proposal')
  const count = Number(await stage.getAttribute('data-own'))
  expect(Number((await stage.innerText()).replace(/[^\d]/g, ''))).toBeGreaterThanOrEqual(count)
  expect(count).toBeGreaterThan(0)
  await stage.click()
  await expect(page).toHaveURL(/#\/forms\/\d+\?filter=/)
  await expect(page.getByTestId('records-total')).toContainText(String(count))
  await expect(page.getByTestId('filter-toggle')).toContainText('1')
  await expect(page.getByTestId('filter-condition').getByLabel('值')).toHaveValue('方案报价')
  await page.screenshot({ path: `${SHOTS}/dashboard-drilldown.png` })
  await page.goBack()

  // A dashboard filter: one owner; the funnel shrinks to that owner's opportunities.
  await widgetsLoaded(page)
  const before = Number((await page.getByTestId('widget-w1').getByTestId('funnel-stage-initial').innerText()).replace(/[^\d]/g, ''))
  await page.getByTestId('filter-owners').click()
  await page.getByRole('option', { name: REP }).click()
  await page.keyboard.press('Escape')
  await widgetsLoaded(page)
  await expect(page.getByTestId('widget-w2').getByTestId('ranking').locator('tbody tr')).toHaveCount(1)
  await expect(page.getByTestId('widget-w2').getByTestId('ranking')).toContainText(REP)
  const after = Number((await page.getByTestId('widget-w1').getByTestId('funnel-stage-initial').innerText()).replace(/[^\d]/g, ''))
  expect(after).toBeLessThan(before)
  await page.screenshot({ path: `${SHOTS}/dashboard-filtered.png`, fullPage: true })

  // Cross-filter: with 联动筛选 on, a click on the funnel's 赢单 stage filters the leaderboard.
  await page.getByTestId('cross-mode').click()
  await page.getByTestId('widget-w1').getByTestId('funnel-stage-won').click()
  await expect(page.getByTestId('cross-badge')).toContainText('商机漏斗：赢单')
  await widgetsLoaded(page)
  await expect(page).toHaveURL(/#\/dashboards\/\d+$/)
  await page.getByTestId('cross-badge').locator('svg').click()
  await expect(page.getByTestId('cross-badge')).toHaveCount(0)

  // Export: the leaderboard's data to Excel, the funnel to PNG.
  await page.getByTestId('widget-menu-w2').click()
  const [xlsx] = await Promise.all([page.waitForEvent('download'), page.getByRole('menuitem', { name: '导出 Excel' }).click()])
  expect(xlsx.suggestedFilename()).toBe('赢单金额排行.xlsx')
  await expect(page.getByRole('menu')).toHaveCount(0)
  await page.getByTestId('widget-menu-w1').click()
  const [png] = await Promise.all([page.waitForEvent('download'), page.getByRole('menuitem', { name: '导出图片' }).click()])
  expect(png.suggestedFilename()).toBe('商机漏斗.png')
})

test('every chart type draws on the sample data', async ({ page }) => {
  const opp = (q: Record<string, unknown>) => ({ form: 'opportunity', ...q })
  const won = { field: 'stage', op: 'eq', value: 'won' }
  const widgets = [
    { key: 'column', title: '各阶段金额（堆叠）', type: 'column', query: opp({ dimensions: [{ field: 'closeDate', bucket: 'quarter' }, { field: 'stage' }], measures: [{ agg: 'sum', field: 'amount' }], filter: { field: 'closeDate', op: 'notEmpty' } }), layout: { x: 0, y: 0, w: 6, h: 5 }, options: { stacked: true } },
    { key: 'line', title: '月度赢单金额', type: 'line', query: opp({ dimensions: [{ field: 'closeDate', bucket: 'month' }], measures: [{ agg: 'sum', field: 'amount', filter: won, label: '赢单金额' }, { agg: 'avg', field: 'amount', label: '平均金额' }], filter: { field: 'closeDate', op: 'lastNDays', value: 365 } }), layout: { x: 6, y: 0, w: 6, h: 5 } },
    { key: 'kpi', title: '本月赢单金额', type: 'kpi', query: opp({ measures: [{ agg: 'sum', field: 'amount', filter: won }], dateField: 'closeDate', period: 'thisMonth' }), layout: { x: 0, y: 5, w: 3, h: 4 } },
    { key: 'kpi2', title: '本季度新增商机', type: 'kpi', query: opp({ measures: [{ agg: 'count' }], dateField: 'closeDate', period: 'thisQuarter' }), layout: { x: 3, y: 5, w: 3, h: 4 } },
    { key: 'gauge', title: '本月团队目标', type: 'gauge', query: opp({ measures: [{ agg: 'sum', field: 'amount', filter: won }], dateField: 'closeDate', period: 'thisMonth' }), layout: { x: 6, y: 5, w: 3, h: 4 }, options: { goal: 2000000 } },
    { key: 'radar', title: '各行业赢单与输单', type: 'radar', query: opp({ dimensions: [{ field: 'customer.industry' }], measures: [{ agg: 'count', filter: won, label: '赢单' }, { agg: 'count', filter: { field: 'stage', op: 'eq', value: 'lost' }, label: '输单' }] }), layout: { x: 9, y: 5, w: 3, h: 9 } },
    { key: 'scatter', title: '客户商机数与金额', type: 'scatter', query: opp({ dimensions: [{ field: 'customer' }], measures: [{ agg: 'count' }, { agg: 'sum', field: 'amount' }] }), layout: { x: 0, y: 9, w: 5, h: 5 } },
    { key: 'pivot', title: '负责人 × 阶段', type: 'pivot', query: opp({ dimensions: [{ field: 'owner' }, { field: 'stage' }], measures: [{ agg: 'count' }] }), layout: { x: 5, y: 9, w: 4, h: 5 } },
    { key: 'table', title: '最近赢单', type: 'table', query: opp({ columns: ['name', 'customer', 'amount', 'owner'], filter: won, sort: { by: 'd2', dir: 'desc' }, limit: 20 }), layout: { x: 0, y: 14, w: 6, h: 5 } },
    { key: 'pieAmount', title: '金额区间', type: 'pie', query: opp({ dimensions: [{ field: 'amount', ranges: [50000, 100000, 200000] }] }), layout: { x: 6, y: 14, w: 6, h: 5 } }
  ]
  const created = await rpc<{ id: number }>(page, 'reports.createDashboard', { name: '图表类型一览', widgets })
  await page.goto(`/#/dashboards/${created.id}`)
  await expect(page.getByTestId('dashboard-switch')).toContainText('图表类型一览')
  await widgetsLoaded(page)
  await expect(page.getByTestId('kpi')).toHaveCount(2)
  await expect(page.getByTestId('pivot')).toContainText('合计')
  await expect(page.getByTestId('detail-table').locator('tbody tr').first()).toBeVisible()
  await expect(page.locator('.recharts-surface').first()).toBeVisible()
  await page.waitForTimeout(300)
  await page.screenshot({ path: `${SHOTS}/dashboard-chart-types.png`, fullPage: true })
})
