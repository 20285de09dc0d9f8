import type { Locator, Page } from '@playwright/test'
import { createAdmin, expect, rpc, test } from './fixtures'

// Views of a 商机 (opportunity) form, as a sales manager uses them in the Chinese UI: a table
// sorted, filtered with an OR group, grouped, edited in place and in bulk, saved as a personal
// view; a kanban by 销售阶段 where a card is dragged to the next stage; a calendar by the
// expected close date where a record is dragged to another day.

const ADMIN = { name: '王经理', login: 'admin', password: 'jimu-secret-1' }
const STAGES = [
  { id: 'lead', label: '初步接洽', color: 'blue' },
  { id: 'quote', label: '方案报价', color: 'violet' },
  { id: 'deal', label: '谈判', color: 'orange' },
  { id: 'won', label: '赢单', color: 'green' }
]
const CITIES = ['杭州', '上海', '北京', '深圳']
const NAMES = ['云栖科技', '明远制造', '华信贸易', '博远物流', '瑞丰食品', '天成建筑', '鼎盛医疗', '智联软件', '恒通电子', '新锐教育', '金桥咨询', '宏图传媒']

/** This year and month where the browser is (playwright.config.ts: Asia/Shanghai). */
function browserMonth(): { year: number; month: number } {
  const [year, month] = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit' }).format(new Date()).split('-').map(Number)
  return { year: year!, month: month! }
}

/** A day of the current month (YYYY-MM-DD), as the browser's calendar shows it. */
function dayOfMonth(day: number): string {
  const { year, month } = browserMonth()
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`
}

async function setUp(page: Page) {
  await createAdmin(page, ADMIN)
  const app = await rpc<{ id: number }>(page, 'apps.create', { label: '销售管理' })
  const form = await rpc<{ id: number }>(page, 'forms.create', {
    appId: app.id,
    label: '商机',
    apiKey: 'opportunity',
    fields: [
      { label: '客户名称', apiKey: 'customer', type: 'text', required: true },
      { label: '销售阶段', apiKey: 'stage', type: 'select', config: { options: STAGES } },
      { label: '金额', apiKey: 'amount', type: 'amount', config: { min: 0 } },
      { label: '预计成交日期', apiKey: 'closeDate', type: 'date' },
      { label: '城市', apiKey: 'city', type: 'text' },
      { label: '备注', apiKey: 'notes', type: 'textarea' }
    ]
  })
  const rows = NAMES.map((name, i) => ({
    customer: `${CITIES[i % 4]}${name}有限公司`,
    stage: STAGES[i % 4]!.label,
    amount: 10000 * (i + 1),
    closeDate: dayOfMonth(3 + ((i * 2) % 24)),
    city: CITIES[i % 4],
    notes: i % 3 === 0 ? '下周上门拜访，等待采购审批' : null
  }))
  await rpc(page, 'records.bulkCreate', { form: form.id, rows })
  await page.reload()
  await page.getByRole('link', { name: '商机' }).click()
  await expect(page.getByRole('heading', { name: '商机' })).toBeVisible()
  return form.id
}

/** Picks an option of a Mantine Select (opened by clicking it). */
async function choose(page: Page, input: Locator, option: string) {
  await input.click()
  await page.getByRole('option', { name: option, exact: true }).click()
}

/** Drags with the mouse in small steps, as dnd-kit's pointer sensor expects. */
async function drag(page: Page, from: Locator, to: Locator) {
  const a = (await from.boundingBox())!
  const b = (await to.boundingBox())!
  await page.mouse.move(a.x + a.width / 2, a.y + Math.min(a.height / 2, 14))
  await page.mouse.down()
  await page.mouse.move(a.x + a.width / 2 + 10, a.y + 20, { steps: 4 })
  await page.mouse.move(b.x + b.width / 2, b.y + Math.min(b.height / 2, 60), { steps: 12 })
  await page.mouse.move(b.x + b.width / 2 + 2, b.y + Math.min(b.height / 2, 60) + 2, { steps: 2 })
  await page.mouse.up()
}

async function createView(page: Page, type: '表格' | '看板' | '日历', name: string) {
  await page.getByTestId('view-new').click()
  await page.getByRole('menuitem', { name: new RegExp(`^${type}`) }).click()
  const dialog = page.getByRole('dialog', { name: '新建视图' })
  await dialog.getByLabel('视图名称').fill(name)
  await dialog.getByRole('button', { name: '创建' }).click()
  await expect(dialog).toBeHidden()
  await expect(page.locator('.mantine-Modal-overlay')).toHaveCount(0)
  await expect(page.getByTestId('view-tab').filter({ hasText: name })).toHaveAttribute('data-active', 'true')
}

test('table view: sort, filter with an OR group, group by, inline and bulk edit, delete with undo, hide and freeze, saved personal view', async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 })
  const formId = await setUp(page)
  const table = page.getByTestId('records-table')
  const total = page.getByTestId('records-total')
  await expect(total).toHaveText('共 12 条')
  await expect(page.getByTestId('records-totals')).toContainText('¥780,000.00')

  // A personal view: what is changed in it is saved as it happens.
  await createView(page, '表格', '我的商机')

  // Sort by 金额, ascending.
  await page.getByTestId('sort-toggle').click()
  await page.getByTestId('sort-add').click()
  await choose(page, page.getByTestId('sort-panel').getByRole('combobox', { name: '字段' }), '金额')
  await page.keyboard.press('Escape')
  await expect(page.getByTestId('sort-toggle')).toHaveText('排序 · 1')
  await expect(table.getByRole('row').nth(1)).toContainText('杭州云栖科技有限公司')
  await expect(table.getByRole('row').nth(2)).toContainText('上海明远制造有限公司')

  // Filter: 城市 包含 杭州 OR 城市 包含 上海, as a condition group.
  await page.getByTestId('filter-toggle').click()
  const group = page.getByTestId('filter-group')
  // Once CI saw the group never appear after this click (a busy machine; not reproduced with the CPU
  // slowed 16×, the view's autosave or the scripts delayed): the click is made again only while no group is drawn.
  await expect(async () => {
    if ((await group.count()) === 0) await page.getByRole('button', { name: '添加条件组' }).click()
    await expect(group.getByRole('combobox', { name: '字段' })).toHaveCount(1, { timeout: 5000 })
  }).toPass({ timeout: 30_000 })
  await choose(page, group.getByRole('combobox', { name: '字段' }).first(), '城市')
  await group.getByLabel('值').first().fill('杭州')
  await group.getByRole('button', { name: '在组内添加条件' }).click()
  await choose(page, group.getByRole('combobox', { name: '字段' }).nth(1), '城市')
  await group.getByLabel('值').nth(1).fill('上海')
  await expect(group.getByTestId('filter-group-conj')).toBeVisible()
  await expect(total).toHaveText('共 6 条')
  await expect(page.getByTestId('filter-toggle')).toHaveText('筛选 · 2')
  await page.getByTestId('filter-toggle').click()
  await expect(table).not.toContainText('北京')

  // Group by 销售阶段: a header per stage with its count and the sum of 金额.
  await page.getByTestId('group-toggle').click()
  await page.getByRole('menuitem', { name: '销售阶段' }).click()
  const headers = page.getByTestId('group-header')
  await expect(headers).toHaveCount(2)
  await expect(headers.first()).toContainText('初步接洽')
  await expect(headers.first().getByTestId('group-count')).toHaveText('3')
  await expect(headers.first().getByTestId('group-sum-amount')).toContainText('¥150,000.00')
  await expect(headers.nth(1)).toContainText('方案报价')
  await expect(headers.nth(1).getByTestId('group-sum-amount')).toContainText('¥180,000.00')
  await page.screenshot({ path: 'resources/screenshots/table.png' })
  await page.getByTestId('group-toggle').click()
  await page.getByRole('menuitem', { name: '取消分组' }).click()
  await expect(headers).toHaveCount(0)

  // Inline edit: a negative 金额 is refused at the cell with the reason; a good one is saved.
  const yunqi = table.getByRole('row').filter({ hasText: '杭州云栖科技有限公司' })
  await yunqi.locator('[data-field="amount"]').dblclick()
  const editor = page.getByTestId('cell-editor')
  await editor.getByLabel('金额').fill('-5')
  await editor.getByLabel('金额').press('Enter')
  await expect(editor).toContainText('“金额”不能小于 ¥0.00')
  await expect(editor.getByLabel('金额')).toHaveAttribute('aria-invalid', 'true')
  await page.screenshot({ path: 'test-results/e2e-views-cell-error.png' })
  await editor.getByLabel('金额').fill('15000')
  await editor.getByLabel('金额').press('Enter')
  await expect(editor).toBeHidden()
  await expect(yunqi).toContainText('¥15,000.00')

  // Keyboard, as in a spreadsheet: an arrow moves to the next row, Enter edits, Esc leaves it unchanged.
  await yunqi.locator('[data-field="city"]').click()
  await page.keyboard.press('ArrowDown')
  await page.keyboard.press('Enter')
  await expect(editor.getByLabel('城市')).toHaveValue('上海')
  await page.keyboard.press('Escape')
  await expect(editor).toBeHidden()

  // Bulk edit: the two 上海 records move to 赢单.
  const shanghai = table.getByRole('row').filter({ hasText: '上海' })
  await shanghai.nth(0).getByRole('checkbox').check()
  await shanghai.nth(1).getByRole('checkbox').check()
  await page.getByTestId('bulk-edit').click()
  const bulk = page.getByRole('dialog', { name: '批量修改 2 条记录' })
  await choose(page, bulk.getByRole('combobox', { name: '要修改的字段' }), '销售阶段')
  await choose(page, bulk.getByRole('combobox', { name: '销售阶段' }), '赢单')
  await page.screenshot({ path: 'test-results/e2e-views-bulk-edit.png' })
  await bulk.getByRole('button', { name: '修改 2 条' }).click()
  await expect(bulk).toBeHidden()
  await expect(shanghai.nth(0)).toContainText('赢单')
  await expect(shanghai.nth(1)).toContainText('赢单')

  // Bulk delete, then 撤销 brings the records back.
  await shanghai.nth(0).getByRole('checkbox').check()
  await shanghai.nth(1).getByRole('checkbox').check()
  await page.getByTestId('bulk-delete').click()
  await page.getByRole('dialog', { name: '删除记录' }).getByRole('button', { name: '删除' }).click()
  await expect(total).toHaveText('共 4 条')
  await page.getByRole('button', { name: '撤销' }).click()
  await expect(total).toHaveText('共 6 条')

  // Hide 备注 from its column menu; freeze up to 销售阶段.
  await page.getByTestId('column-notes').getByRole('button').first().click()
  await page.getByRole('menuitem', { name: '隐藏字段' }).click()
  await expect(page.getByTestId('column-notes')).toHaveCount(0)
  await expect(page.getByTestId('fields-toggle')).toHaveText('已隐藏 1 个字段')
  await page.getByTestId('column-stage').getByRole('button').first().click()
  await page.getByRole('menuitem', { name: '冻结到此列' }).click()
  await expect(page.getByTestId('column-stage')).toHaveCSS('position', 'sticky')

  // Reload: the personal view kept its sort, filter, hidden column and frozen columns.
  await page.waitForTimeout(800)
  await page.reload()
  await expect(page.getByTestId('view-tab').filter({ hasText: '我的商机' })).toHaveAttribute('data-active', 'true')
  await expect(total).toHaveText('共 6 条')
  await expect(page.getByTestId('sort-toggle')).toHaveText('排序 · 1')
  await expect(page.getByTestId('filter-toggle')).toHaveText('筛选 · 2')
  await expect(page.getByTestId('column-notes')).toHaveCount(0)
  await expect(page.getByTestId('column-stage')).toHaveCSS('position', 'sticky')
  await expect(table.getByRole('row').nth(1)).toContainText('杭州云栖科技有限公司')

  // The built-in view is untouched.
  await page.getByTestId('view-tab').filter({ hasText: '全部记录' }).getByRole('button').first().click()
  await expect(total).toHaveText('共 12 条')
  const views = await rpc<Array<{ name: string; shared: boolean }>>(page, 'views.list', { form: formId })
  expect(views.map((v) => [v.name, v.shared])).toEqual([['我的商机', false]])
  await expect(page.getByRole('alert')).toHaveCount(0)
})

test('kanban view: drag a card to the next stage; column counts and sums follow', async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 })
  const formId = await setUp(page)
  await rpc(page, 'fields.create', { form: formId, label: '赢单原因', apiKey: 'winReason', type: 'text', requiredWhen: { field: 'stage', op: 'eq', value: '赢单' } })
  await page.reload()
  await createView(page, '看板', '销售看板')
  const kanban = page.getByTestId('kanban')
  const lane = (stage: string) => page.getByTestId('kanban-lane').filter({ has: page.getByTestId(`kanban-column-${stage}`) })
  await expect(lane('初步接洽').getByTestId('kanban-count')).toHaveText('3')
  await expect(lane('方案报价').getByTestId('kanban-count')).toHaveText('3')
  await expect(lane('unset').getByTestId('kanban-count')).toHaveText('0')

  // Total 金额 per column.
  await page.getByTestId('kanban-settings').click()
  await choose(page, page.getByRole('textbox', { name: '每列合计的金额字段' }).or(page.getByRole('combobox', { name: '每列合计的金额字段' })).first(), '金额')
  await page.keyboard.press('Escape')
  await expect(lane('初步接洽').getByTestId('kanban-sum')).toHaveText('¥150,000.00')
  await expect(lane('方案报价').getByTestId('kanban-sum')).toHaveText('¥180,000.00')

  // A move to a lane that asks for more (赢单 needs 赢单原因) asks for it first; cancelled, the card stays.
  const card = kanban.getByTestId(/^kanban-card-/).filter({ hasText: '杭州云栖科技有限公司' })
  await drag(page, card, page.getByTestId('kanban-column-赢单'))
  const ask = page.getByTestId('stage-dialog')
  await expect(ask).toContainText('赢单原因')
  await ask.getByTestId('stage-cancel').click()
  await expect(ask).toBeHidden()
  await expect(lane('初步接洽')).toContainText('杭州云栖科技有限公司')
  await expect(lane('赢单')).not.toContainText('杭州云栖科技有限公司')
  await expect(lane('初步接洽').getByTestId('kanban-count')).toHaveText('3')
  await expect(lane('赢单').getByTestId('kanban-count')).toHaveText('3')

  // Drag 杭州云栖 (¥10,000) from 初步接洽 to 方案报价 — once the dialog's overlay has gone (while it
  // fades out it still takes the mouse).
  await expect(page.locator('.mantine-Modal-overlay')).toHaveCount(0)
  await drag(page, card, page.getByTestId('kanban-column-方案报价'))
  await expect(lane('方案报价')).toContainText('杭州云栖科技有限公司')
  await expect(lane('初步接洽').getByTestId('kanban-count')).toHaveText('2')
  await expect(lane('方案报价').getByTestId('kanban-count')).toHaveText('4')
  await expect(lane('初步接洽').getByTestId('kanban-sum')).toHaveText('¥140,000.00')
  await expect(lane('方案报价').getByTestId('kanban-sum')).toHaveText('¥190,000.00')
  const list = await rpc<{ records: Array<{ fields: Record<string, unknown> }> }>(page, 'records.list', { form: formId, filter: { field: 'customer', op: 'eq', value: '杭州云栖科技有限公司' } })
  expect(list.records[0]!.fields.stage).toBe('方案报价')
  await page.mouse.move(10, 10)
  await kanban.locator('.mantine-ScrollArea-viewport').first().evaluate((el) => el.scrollTo({ left: 0 }))
  await page.screenshot({ path: 'resources/screenshots/kanban.png' })
  await expect(page.getByRole('alert')).toHaveCount(0)
})

test('calendar view: records on their close dates; drag one to another day to reschedule', async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 })
  const formId = await setUp(page)
  await createView(page, '日历', '成交日历')
  const calendar = page.getByTestId('calendar')
  const { year, month } = browserMonth()
  await expect(page.getByTestId('calendar-title')).toHaveText(`${year}年${month}月`)
  const from = page.getByTestId(`calendar-day-${dayOfMonth(3)}`)
  await expect(from).toContainText('杭州云栖科技有限公司')

  await drag(page, calendar.getByTestId(/^calendar-event-/).filter({ hasText: '杭州云栖科技有限公司' }), page.getByTestId(`calendar-day-${dayOfMonth(4)}`))
  await expect(page.getByTestId(`calendar-day-${dayOfMonth(4)}`)).toContainText('杭州云栖科技有限公司')
  await expect(from).not.toContainText('杭州云栖科技有限公司')
  const list = await rpc<{ records: Array<{ fields: Record<string, unknown> }> }>(page, 'records.list', { form: formId, filter: { field: 'customer', op: 'eq', value: '杭州云栖科技有限公司' } })
  expect(list.records[0]!.fields.closeDate).toBe(dayOfMonth(4))

  // Month navigation and 今天; a click opens the record the way the table does.
  await page.getByTestId('calendar-next').click()
  await expect(calendar).not.toContainText('杭州云栖科技有限公司')
  await page.getByTestId('calendar-today').click()
  await page.mouse.move(10, 10)
  await page.screenshot({ path: 'resources/screenshots/calendar.png' })
  await calendar.getByTestId(/^calendar-event-/).filter({ hasText: '杭州云栖科技有限公司' }).click()
  await expect(page.getByRole('dialog', { name: '商机', exact: true })).toBeVisible()
  await expect(page.getByRole('alert')).toHaveCount(0)
})

test('table view: columns resized and reordered by dragging; a shared view keeps changes as a draft until 保存', async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 })
  await setUp(page)

  // A shared view: changes wait for an explicit save.
  await page.getByTestId('view-new').click()
  await page.getByRole('menuitem', { name: /^表格/ }).click()
  const dialog = page.getByRole('dialog', { name: '新建视图' })
  await dialog.getByLabel('视图名称').fill('全员客户表')
  await dialog.getByRole('switch', { name: '共享视图' }).check({ force: true })
  await dialog.getByRole('button', { name: '创建' }).click()
  await expect(dialog).toBeHidden()
  await expect(page.locator('.mantine-Modal-overlay')).toHaveCount(0)

  // Resize 客户名称 by dragging the right edge of its header.
  const customer = page.getByTestId('column-customer')
  const before = (await customer.boundingBox())!
  const handle = (await customer.locator('.jimu-resize-handle').boundingBox())!
  await page.mouse.move(handle.x + handle.width / 2, handle.y + handle.height / 2)
  await page.mouse.down()
  await page.mouse.move(handle.x + handle.width / 2 + 60, handle.y + handle.height / 2, { steps: 5 })
  await page.mouse.move(handle.x + handle.width / 2 + 100, handle.y + handle.height / 2, { steps: 5 })
  await page.mouse.up()
  await expect.poll(async () => Math.round((await customer.boundingBox())!.width)).toBe(Math.round(before.width) + 100)

  // Drag the 城市 header in front of 金额.
  await drag(page, page.getByTestId('column-city'), page.getByTestId('column-amount'))
  const order = async () => page.locator('[data-testid^="column-"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')))
  await expect.poll(order).toEqual(['column-customer', 'column-stage', 'column-city', 'column-amount', 'column-closeDate', 'column-notes'])
  await expect(page.getByTestId('view-unsaved')).toBeVisible()

  // Row height; then 保存 and reload: all of it is kept.
  await page.getByTestId('row-height').click()
  await page.getByRole('menuitem', { name: '行高：高' }).click()
  await page.getByTestId('view-save').click()
  await expect(page.getByTestId('view-unsaved')).toBeHidden()
  await page.reload()
  await expect(page.getByTestId('view-tab').filter({ hasText: '全员客户表' })).toHaveAttribute('data-active', 'true')
  await expect(page.getByTestId('row-height')).toHaveText('行高：高')
  await expect.poll(order).toEqual(['column-customer', 'column-stage', 'column-city', 'column-amount', 'column-closeDate', 'column-notes'])
  await expect.poll(async () => Math.round((await customer.boundingBox())!.width)).toBe(Math.round(before.width) + 100)
  await expect(page.getByRole('alert')).toHaveCount(0)
})
