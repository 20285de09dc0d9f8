import { mkdirSync } from 'node:fs'
import type { Page } from '@playwright/test'
import { createAdmin, expect, rpc, test } from './fixtures'

// Reports on imported history (issue 20): opportunities from a spreadsheet with day-first text
// close dates (one blank), a formula turning them into dates, and a dashboard with a quarter
// pivot on that formula, a 全部时间 KPI and a funnel — read a month after the import, in Chinese
// and English, then a widget added in the designer lands in the first free spot of the grid.

const admin = { name: '王经理', login: 'wang', password: 'secret123' }
const SHOTS = 'test-results/reports20'
const STAGES = [{ id: 'lead', label: '初步接洽' }, { id: 'proposal', label: '方案报价' }, { id: 'won', label: '赢单' }]

async function widgetsLoaded(page: Page) {
  await expect(page.locator('[data-testid^="widget-"][data-loaded="false"]')).toHaveCount(0, { timeout: 45_000 })
}

test.describe.configure({ timeout: 120_000 })

test('a quarter bucket on a formula date, an all-time KPI and a labelled funnel on imported history', async ({ page }) => {
  mkdirSync(SHOTS, { recursive: true })
  await page.setViewportSize({ width: 1440, height: 900 })
  await createAdmin(page, admin)
  const app = await rpc<{ id: number }>(page, 'apps.create', { label: '历史数据' })
  const form = await rpc<{ id: number }>(page, 'forms.create', {
    appId: app.id,
    label: '历史商机',
    apiKey: 'deal',
    fields: [
      { label: '商机名称', apiKey: 'name', type: 'text' },
      { label: '金额', apiKey: 'amount', type: 'amount' },
      { label: '销售阶段', apiKey: 'stage', type: 'select', config: { options: STAGES } },
      { label: '成交日期文本', apiKey: 'closeText', type: 'text' },
      { label: '成交日期', apiKey: 'closeDate', type: 'formula', config: { expression: 'DATE(VALUE(MID({成交日期文本}, 7, 2)) + 2000, VALUE(MID({成交日期文本}, 4, 2)), VALUE(MID({成交日期文本}, 1, 2)))' } }
    ]
  })
  // The history as the import writes it: 5 won in 2016 Q4, 3 in 2017 Q1, 2 open deals without a close date.
  const rows = [
    ...Array.from({ length: 5 }, (_, i) => ({ name: `H${i}`, amount: 1000, stage: 'won', closeText: `${String(10 + i)}-11-16` })),
    ...Array.from({ length: 3 }, (_, i) => ({ name: `J${i}`, amount: 2000, stage: 'won', closeText: `0${i + 1}-02-17` })),
    { name: 'O1', amount: null, stage: 'proposal', closeText: '' },
    { name: 'O2', amount: null, stage: 'lead', closeText: null }
  ]
  await rpc(page, 'records.bulkCreate', { form: form.id, rows })
  const query = (extra: Record<string, unknown>) => ({ form: form.id, ...extra })
  await rpc(page, 'reports.createDashboard', {
    name: '历史业绩',
    widgets: [
      { key: 'kpi', title: '历史成交额', type: 'kpi', query: query({ measures: [{ agg: 'sum', field: 'amount' }], period: 'all' }), layout: { x: 0, y: 0, w: 6, h: 4 } },
      { key: 'funnel', title: '阶段漏斗', type: 'funnel', query: query({ dimensions: [{ field: 'stage' }] }), layout: { x: 6, y: 0, w: 6, h: 4 } },
      { key: 'quarters', title: '按季度成交', type: 'pivot', query: query({ dimensions: [{ field: 'closeDate', bucket: 'quarter' }], measures: [{ agg: 'count' }] }), layout: { x: 0, y: 4, w: 6, h: 5 } }
    ]
  })

  await page.reload()
  await page.getByTestId('nav-dashboards').click()
  await page.getByTestId('dashboard-switch').click()
  await page.getByRole('menuitem', { name: '历史业绩' }).click()
  await expect(page.getByTestId('dashboard-switch')).toContainText('历史业绩')
  await widgetsLoaded(page)

  // The formula date groups by quarter, and the blank close dates are blank, not 1999年第4季度.
  const quarters = page.getByTestId('widget-quarters')
  await expect(quarters).toContainText('2016年第4季度')
  await expect(quarters).toContainText('2017年第1季度')
  await expect(quarters).not.toContainText('1999')
  // 全部时间: every imported deal, whatever month it is now.
  const kpi = page.getByTestId('widget-kpi')
  await expect(kpi.getByTestId('kpi-all-time')).toHaveText('全部时间')
  await expect(kpi.getByTestId('kpi')).toContainText('11,000')
  // The funnel: every figure is "reached this stage", as its caption says; conversion between them.
  const funnel = page.getByTestId('widget-funnel')
  await expect(funnel.getByTestId('funnel-caption')).toContainText('到达各阶段')
  await expect(funnel.getByTestId('funnel-stage-lead')).toHaveText('10')
  await expect(funnel.getByTestId('funnel-stage-proposal')).toHaveText('9')
  await expect(funnel.getByTestId('funnel-stage-won')).toHaveText('8')
  await expect(funnel.getByTestId('funnel-conversion-proposal')).toHaveText('转化 90.0%')
  await expect(funnel.getByTestId('funnel-conversion-won')).toHaveText('转化 88.9%')
  await funnel.getByTestId('funnel-stage-proposal').hover()
  await expect(page.getByRole('tooltip')).toContainText('到达此阶段 9，当前处于此阶段 1')
  await page.screenshot({ path: `${SHOTS}/history-zh-1440.png` })

  // A new widget from the designer takes the free right half of the second row.
  await page.getByTestId('dashboard-edit').click()
  await page.getByTestId('widget-add').click()
  const editor = page.getByTestId('widget-editor')
  await editor.getByTestId('widget-title').fill('新图表')
  await editor.getByTestId('widget-form').click()
  await page.getByRole('option', { name: '历史商机', exact: true }).click()
  await editor.getByTestId('chart-type-kpi').click()
  await expect(editor.getByTestId('widget-period')).toHaveValue('全部时间')
  await editor.getByTestId('widget-save').click()
  await expect(page.getByTestId('widget-w4')).toBeVisible()
  const list = await rpc<Array<{ id: number; name: string }>>(page, 'reports.dashboards')
  const saved = await rpc<{ widgets: Array<{ key: string; layout: { x: number; y: number }; query: { period?: string } }> }>(page, 'reports.dashboard', { id: list.find((d) => d.name === '历史业绩')!.id })
  const added = saved.widgets.find((w) => w.key === 'w4')!
  expect(added.layout).toMatchObject({ x: 6, y: 4 })
  expect(added.query.period).toBe('all')
  await widgetsLoaded(page)
  await page.screenshot({ path: `${SHOTS}/history-zh-added-1440.png` })

  // A ratio's numerator filter stays open while its field and operator are picked.
  await page.getByTestId('widget-add').click()
  await editor.getByTestId('widget-form').click()
  await page.getByRole('option', { name: '历史商机', exact: true }).click()
  await editor.getByTestId('measure-agg-0').click()
  await page.getByRole('option', { name: '比率（计算指标）' }).click()
  await editor.getByTestId('ratio-numerator-0').click()
  const panel = page.getByTestId('ratio-numerator-0-panel')
  await expect(panel).toBeVisible()
  await panel.getByRole('button', { name: '添加条件' }).click()
  await panel.getByLabel('字段').click()
  await page.getByRole('option', { name: '销售阶段', exact: true }).click()
  await expect(panel).toBeVisible()
  await panel.getByRole('combobox', { name: '条件', exact: true }).click()
  await page.getByRole('option').first().click()
  await expect(panel).toBeVisible()
  await expect(panel.getByTestId('filter-condition')).toHaveCount(1)
  await page.screenshot({ path: `${SHOTS}/ratio-filter-zh-1440.png` })
  await panel.getByTestId('ratio-numerator-0-done').click()
  await expect(panel).toBeHidden()
  await editor.getByRole('button', { name: '取消' }).click()
  await expect(editor).toBeHidden()

  // English, and the phone width.
  await page.getByText('English', { exact: true }).click()
  await widgetsLoaded(page)
  await expect(page.getByTestId('widget-quarters')).toContainText('2016 Q4')
  await expect(page.getByTestId('widget-kpi').getByTestId('kpi-all-time')).toHaveText('All time')
  await expect(page.getByTestId('widget-funnel').getByTestId('funnel-caption')).toContainText('reached each stage')
  await page.screenshot({ path: `${SHOTS}/history-en-1440.png` })
  await page.setViewportSize({ width: 390, height: 844 })
  await widgetsLoaded(page)
  await page.screenshot({ path: `${SHOTS}/history-en-390.png`, fullPage: true })
})
