import type { Locator, Page } from '@playwright/test'
import { createAdmin, expect, rpc, test } from './fixtures'

// The form designer as a new owner uses it, in the Chinese UI: a form made from a template, a
// form built from scratch by dragging one field of every type onto the canvas, a conditional
// field tried in the preview, a type change and a deletion with data present (each showing
// what happens to the data first), recovering the deleted field; and a form made from the
// header row of a CSV file.

const ADMIN = { name: '王经理', login: 'admin', password: 'jimu-secret-1' }

interface FormInfo {
  id: number
  label: string
  layout?: { tabs: Array<{ label: string; sections: Array<{ columns: number; fieldIds: number[] }> }> } | null
  fields: Array<{ id: number; label: string; apiKey: string; type: string; parentFieldId: number | null; deletedAt: number | null }>
}

async function setUp(page: Page): Promise<{ appId: number }> {
  await page.setViewportSize({ width: 1600, height: 1000 })
  await createAdmin(page, ADMIN)
  const app = await rpc<{ id: number }>(page, 'apps.create', { label: '销售管理' })
  await page.reload()
  return { appId: app.id }
}

/** Drags with the mouse in small steps, as dnd-kit's pointer sensor needs. */
async function drag(page: Page, source: Locator, target: Locator, where: 'center' | 'bottom' = 'bottom') {
  const from = await source.boundingBox()
  const to = await target.boundingBox()
  if (!from || !to) throw new Error('drag: element not visible')
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2)
  await page.mouse.down()
  await page.mouse.move(from.x + from.width / 2 + 12, from.y + from.height / 2 + 6, { steps: 4 })
  const y = where === 'bottom' ? to.y + to.height - 4 : to.y + to.height / 2
  await page.mouse.move(to.x + to.width / 2, y, { steps: 12 })
  await page.mouse.move(to.x + to.width / 2 + 2, y, { steps: 2 })
  await page.mouse.up()
}

async function pick(page: Page, input: Locator, option: string) {
  await input.click()
  await page.getByRole('option', { name: option, exact: true }).click()
}

test('design a form with every field type, conditions, type change, delete and restore', async ({ page }) => {
  test.setTimeout(300_000)
  const { appId } = await setUp(page)

  // A second form from a template: 客户.
  await page.getByTestId(`nav-new-form-${appId}`).click()
  await expect(page.getByRole('heading', { name: '新建表单' })).toBeVisible()
  await page.getByTestId('mode-template').click()
  await page.getByTestId('template-customer').click()
  await page.getByTestId('template-create').click()
  await expect(page.getByTestId('designer-title')).toHaveText('客户')
  await expect(page.getByTestId('designer-field-客户名称')).toBeVisible()

  // A form from scratch.
  await page.goto(`/#/apps/${appId}/new-form`)
  await page.getByTestId('new-form-label').fill('商机跟踪')
  await page.getByTestId('new-form-create').click()
  await expect(page.getByTestId('designer-title')).toHaveText('商机跟踪')
  await expect(page.getByText('把字段拖到这里')).toBeVisible()

  const props = page.getByTestId('designer-properties')
  const label = props.getByTestId('prop-label')
  const header = page.getByTestId('designer-section-header-0')
  /** Drops a palette item onto the first section (appended at its end) and names the new field. */
  const dropField = async (type: string, name?: string) => {
    await header.scrollIntoViewIfNeeded()
    await drag(page, page.getByTestId(`palette-${type}`), header, 'center')
    await expect(props.getByTestId('field-properties')).toBeVisible()
    if (name) await label.fill(name)
  }

  // One field of every type, dragged from the palette.
  await dropField('text', '客户名称')
  await expect(props.getByTestId('prop-apikey')).toHaveAttribute('placeholder', '自动生成：keHuMingCheng')
  await props.getByTestId('prop-required').check()
  await dropField('select', '销售阶段')
  for (const option of ['初步接洽', '赢单', '输单']) {
    await props.getByTestId('option-add').click()
    await props.getByTestId('option-row').last().getByRole('textbox').fill(option)
  }
  await dropField('textarea', '输单原因')
  await dropField('number', '数量')
  await props.getByTestId('prop-unit').fill('台')
  await dropField('amount', '预算')
  await dropField('percent', '赢率')
  await dropField('phone')
  await dropField('email')
  await dropField('url')
  await dropField('multiselect', '标签')
  await props.getByTestId('option-add').click()
  await props.getByTestId('option-add').click()
  await dropField('checkbox', '重点商机')
  await dropField('member', '负责人')
  await dropField('date', '预计成交日期')
  await dropField('datetime', '下次拜访')
  await dropField('relation', '客户')
  await pick(page, props.getByTestId('prop-target-form'), '客户')
  await dropField('subtable', '产品明细')
  await page.getByTestId('designer-children-产品明细').getByTestId('designer-add-child').click()
  await page.getByRole('menuitem', { name: '数字' }).click()
  await label.fill('台数')
  await dropField('formula', '加权预算')
  const formulaEditor = props.getByTestId('formula-editor')
  await formulaEditor.getByTestId('formula-editor-fields').click()
  await page.getByRole('button', { name: '预算 金额' }).click()
  await formulaEditor.getByRole('textbox').press('End')
  await formulaEditor.getByRole('textbox').pressSequentially('*')
  await formulaEditor.getByTestId('formula-editor-fields').click()
  await page.getByRole('button', { name: '赢率 百分比' }).click()
  await expect(formulaEditor.getByRole('textbox')).toHaveValue('{预算}*{赢率}')
  await dropField('autonumber', '商机编号')
  await props.getByTestId('prop-pattern').fill('SJ-{YYYY}-{0000}')
  await expect(props.getByTestId('autonumber-preview')).toHaveText(/^SJ-\d{4}-0001$/)
  await dropField('attachment', '附件')
  await dropField('text', '预计台数')

  // 输单原因 shows only when 销售阶段 = 输单.
  await page.getByTestId('designer-field-输单原因').click()
  const visibleWhen = props.getByTestId('visible-when')
  await visibleWhen.getByRole('button', { name: '添加条件' }).click()
  await pick(page, visibleWhen.getByLabel('字段'), '销售阶段')
  await pick(page, visibleWhen.getByLabel('值'), '输单')
  await expect(page.getByTestId('designer-field-输单原因')).toContainText('条件显示')
  await page.screenshot({ path: 'resources/screenshots/designer-canvas.png' })

  // Undo and redo over the draft.
  await page.getByTestId('designer-undo').click()
  await expect(visibleWhen.getByLabel('值')).toHaveValue('')
  await page.getByTestId('designer-redo').click()
  await expect(visibleWhen.getByLabel('值')).toHaveValue('输单')

  await page.getByTestId('designer-save').click()
  await expect(page.getByText('表单设计已保存')).toBeVisible()
  await expect(page.getByTestId('designer-dirty')).toHaveCount(0)
  await page.screenshot({ path: 'resources/screenshots/designer-saved.png' })

  // Saved formulas are checked by the server as they are typed.
  await page.getByTestId('designer-field-加权预算').click()
  await expect(props.getByTestId('formula-ok')).toHaveText('公式正确，结果为数字')
  await formulaEditor.getByRole('textbox').fill('{预算}*')
  await expect(props.getByTestId('formula-error')).toBeVisible()
  await formulaEditor.getByRole('textbox').fill('ROUND({预算}*{赢率}, 2)')
  await expect(props.getByTestId('formula-ok')).toBeVisible()

  // A second tab with a three-column section; 预算 moves there.
  await page.getByTestId('designer-add-tab').click()
  await props.getByTestId('prop-tab-label').fill('财务信息')
  await page.getByTestId('designer-section-header-0').click()
  await props.getByText('3 列').click()
  await page.getByRole('tab', { name: '基本信息' }).click()
  await page.getByTestId('designer-field-预算').click()
  await pick(page, props.getByTestId('prop-placement'), '财务信息 · 分组 1')
  await expect(page.getByTestId('designer-field-预算')).toHaveCount(0)
  await page.getByRole('tab', { name: '财务信息' }).click()
  await expect(page.getByTestId('designer-field-预算')).toBeVisible()
  await page.getByTestId('designer-save').click()
  await expect(page.getByTestId('designer-dirty')).toHaveCount(0)
  await page.getByRole('tab', { name: '基本信息' }).click()

  // A roll-up needs a form that links here: 客户 gets a relation to 商机跟踪, then 商机跟踪 counts them.
  const forms = await rpc<FormInfo[]>(page, 'forms.list')
  const customer = forms.find((f) => f.label === '客户')!
  const deal = forms.find((f) => f.label === '商机跟踪')!
  await page.goto(`/#/forms/${customer.id}/design`)
  await expect(page.getByTestId('designer-title')).toHaveText('客户')
  await dropField('relation', '跟进商机')
  await pick(page, props.getByTestId('prop-target-form'), '商机跟踪')
  await props.getByText('关联多条').click()
  await page.getByTestId('designer-save').click()
  await expect(page.getByTestId('designer-dirty')).toHaveCount(0)
  await page.goto(`/#/forms/${deal.id}/design`)
  await expect(page.getByTestId('designer-title')).toHaveText('商机跟踪')
  await dropField('rollup', '关联客户数')
  await expect(props.getByTestId('prop-rollup-relation')).toHaveValue('客户 · 跟进商机')
  await expect(props.getByTestId('prop-rollup-aggregate')).toHaveValue('计数')
  await page.getByTestId('designer-save').click()
  await expect(page.getByTestId('designer-dirty')).toHaveCount(0)
  const designed = await rpc<FormInfo>(page, 'forms.get', { form: deal.id })
  const live = designed.fields.filter((f) => f.deletedAt === null)
  const budgetId = live.find((f) => f.label === '预算')!.id
  expect(designed.layout?.tabs.map((t) => t.label)).toEqual(['基本信息', '财务信息'])
  expect(designed.layout?.tabs[1].sections[0]).toMatchObject({ columns: 3, fieldIds: [budgetId] })
  expect(new Set(live.map((f) => f.type))).toEqual(new Set(['text', 'textarea', 'number', 'amount', 'percent', 'phone', 'email', 'url', 'select', 'multiselect', 'checkbox', 'member', 'date', 'datetime', 'relation', 'subtable', 'formula', 'autonumber', 'attachment', 'rollup']))

  // The preview: 输单原因 appears only once 销售阶段 is 输单.
  await page.getByTestId('designer-preview-open').click()
  const preview = page.getByTestId('designer-preview')
  await expect(preview.getByTestId('preview-field-客户名称')).toBeVisible()
  await expect(preview.getByTestId('preview-field-输单原因')).toHaveCount(0)
  await pick(page, preview.getByLabel('销售阶段', { exact: true }), '输单')
  await expect(preview.getByTestId('preview-field-输单原因')).toBeVisible()
  await preview.getByLabel('输单原因').fill('预算不足，选择了竞品')
  await expect(page.getByText('表单设计已保存')).toHaveCount(0, { timeout: 10_000 })
  await preview.getByText('这是成员填写记录时看到的样子', { exact: false }).scrollIntoViewIfNeeded()
  await page.screenshot({ path: 'resources/screenshots/designer-preview.png' })
  await page.keyboard.press('Escape')
  await expect(preview).toBeHidden()

  // Records (through the API).
  const key = (name: string) => live.find((f) => f.label === name && f.parentFieldId === null)!.apiKey
  const won = await rpc<{ id: number }>(page, 'records.create', {
    form: deal.id,
    fields: { [key('客户名称')]: '杭州云栖科技', [key('预计台数')]: '12', [key('网址')]: 'https://yunqi.example.com', [key('销售阶段')]: '赢单' }
  })
  const lost = await rpc<{ id: number }>(page, 'records.create', {
    form: deal.id,
    fields: { [key('客户名称')]: '上海明远制造', [key('预计台数')]: '二十台', [key('网址')]: 'https://mingyuan.example.com', [key('销售阶段')]: '输单', [key('输单原因')]: '价格偏高' }
  })

  // Removing an option records use warns first, with their number.
  await page.getByTestId('designer-field-销售阶段').click()
  await props.getByTestId('option-row').filter({ has: page.locator('input[value="输单"]') }).getByRole('button', { name: '删除选项' }).click()
  const inUse = page.getByRole('dialog', { name: '删除正在使用的选项？' })
  await expect(inUse.getByTestId('option-in-use')).toHaveText('有 1 条记录的值是“输单”。')
  await inUse.getByRole('button', { name: '取消' }).click()
  await expect(props.getByTestId('option-row')).toHaveCount(3)
  // Merging options changes the records at once (here 赢单 absorbs 初步接洽, which no record holds).
  await props.getByRole('button', { name: '合并选项' }).click()
  const merge = page.getByRole('dialog', { name: '合并选项' })
  await pick(page, merge.getByLabel('要合并的选项'), '初步接洽')
  await pick(page, merge.getByLabel('合并到'), '赢单')
  await merge.getByRole('button', { name: '合并', exact: true }).click()
  await expect(page.getByText('已把“初步接洽”合并到“赢单”，修改了 0 条记录')).toBeVisible()
  await expect(props.getByTestId('option-row')).toHaveCount(2)
  await expect(page.getByTestId('designer-dirty')).toHaveCount(0)

  // A type change with data present: the report says what converts and what does not, before saving.
  await page.getByTestId('designer-field-预计台数').click()
  await pick(page, props.getByTestId('prop-type'), '数字')
  await expect(props.getByTestId('type-change-warning')).toBeVisible()
  await page.getByTestId('designer-save').click()
  const review = page.getByTestId('save-review')
  await expect(review.getByTestId('type-change-report')).toContainText('1 个值可以转换，1 个值无法转换')
  await expect(review.getByTestId('conversion-failures')).toContainText(`#${lost.id}`)
  await expect(review.getByTestId('conversion-failures')).toContainText('“预计台数”的值“二十台”不是有效数字')
  await expect(page.getByText('表单设计已保存')).toHaveCount(0, { timeout: 10_000 })
  await page.waitForTimeout(300)
  await page.screenshot({ path: 'resources/screenshots/designer-type-change.png' })
  await review.getByTestId('save-review-confirm').click()
  await expect(review).toBeHidden()
  await expect(page.getByTestId('designer-dirty')).toHaveCount(0)
  const converted = await rpc<{ fields: Record<string, unknown> }>(page, 'records.get', { form: deal.id, id: won.id })
  expect(converted.fields[key('预计台数')]).toBe(12)

  // Delete a field with data: the review says the data is kept; then recover it with its data.
  await page.getByTestId('designer-field-网址').click()
  await props.getByTestId('prop-delete').click()
  await expect(page.getByTestId('designer-field-网址')).toHaveCount(0)
  await page.getByTestId('designer-save').click()
  await expect(review).toContainText('删除字段“网址”')
  await expect(review).toContainText('数据仍保留')
  await review.getByTestId('save-review-confirm').click()
  await expect(review).toBeHidden()
  await expect(page.getByTestId('designer-dirty')).toHaveCount(0)
  await page.getByTestId('designer-deleted').click()
  const deleted = page.getByTestId('deleted-field-网址')
  await expect(deleted).toBeVisible()
  await expect(page.getByText('表单设计已保存')).toHaveCount(0, { timeout: 10_000 })
  await page.waitForTimeout(400)
  await page.screenshot({ path: 'resources/screenshots/designer-deleted.png' })
  await deleted.getByRole('button', { name: '恢复' }).click()
  await expect(page.getByTestId('designer-field-网址')).toBeVisible()
  const restored = await rpc<{ fields: Record<string, unknown> }>(page, 'records.get', { form: deal.id, id: lost.id })
  expect(restored.fields[key('网址')]).toBe('https://mingyuan.example.com')

  // Leaving the designer with unsaved changes asks first.
  await page.getByTestId('designer-field-网址').click()
  await label.fill('公司网址')
  await page.getByRole('button', { name: '返回数据' }).click()
  await expect(page.getByRole('dialog', { name: '离开表单设计？' })).toBeVisible()
  await page.getByRole('button', { name: '取消' }).click()
  await expect(page.getByTestId('designer-title')).toBeVisible()
  await page.getByTestId('designer-save').click()
  await expect(page.getByTestId('designer-dirty')).toHaveCount(0)
  await page.getByRole('button', { name: '返回数据' }).click()
  await expect(page.getByRole('heading', { name: '商机跟踪' })).toBeVisible()
  await page.getByTestId('design-form').click()
  await expect(page.getByTestId('designer-title')).toHaveText('商机跟踪')
  await expect(page.getByTestId('designer-field-公司网址')).toBeVisible()
})

test('create a form from the header row of a CSV file', async ({ page }) => {
  test.setTimeout(120_000)
  const { appId } = await setUp(page)
  await page.getByTestId(`nav-new-form-${appId}`).click()
  await page.getByTestId('mode-sheet').click()
  const csv = '客户名称,签约日期,合同金额,联系电话,行业\n杭州云栖科技,2026-03-01,120000,13800138000,互联网\n上海明远制造,2026-04-15,86000.5,13900139000,制造业\n'
  await page.locator('input[type=file]').setInputFiles({ name: '合同台账.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') })
  const columns = page.getByTestId('sheet-columns')
  await expect(columns).toBeVisible()
  await expect(page.getByTestId('sheet-form-label')).toHaveValue('合同台账')
  await expect(page.getByTestId('sheet-column-0').getByLabel('字段名称')).toHaveValue('客户名称')
  await expect(page.getByTestId('sheet-column-1').getByLabel('字段类型')).toHaveValue('日期')
  // The user changes a guessed type: 行业 becomes a single select of the values found.
  await pick(page, page.getByTestId('sheet-column-4').getByLabel('字段类型'), '单选')
  await page.screenshot({ path: 'resources/screenshots/designer-from-csv.png' })
  await page.getByTestId('sheet-create').click()
  await expect(page.getByTestId('designer-title')).toHaveText('合同台账')
  for (const name of ['客户名称', '签约日期', '合同金额', '联系电话', '行业']) await expect(page.getByTestId(`designer-field-${name}`)).toBeVisible()
  const forms = await rpc<FormInfo[]>(page, 'forms.list')
  const created = forms.find((f) => f.label === '合同台账')!
  expect(created.fields.find((f) => f.label === '行业')?.type).toBe('select')
  await page.screenshot({ path: 'resources/screenshots/designer-csv-form.png' })

  // Mid-drag: the dragged type follows the pointer and a line shows where it lands; Escape cancels.
  await expect(page.getByText('已创建表单', { exact: false })).toHaveCount(0, { timeout: 10_000 })
  const from = (await page.getByTestId('palette-email').boundingBox())!
  const over = (await page.getByTestId('designer-field-合同金额').boundingBox())!
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2)
  await page.mouse.down()
  await page.mouse.move(from.x + 40, from.y + 20, { steps: 4 })
  await page.mouse.move(over.x + over.width / 2, over.y + over.height / 2, { steps: 12 })
  await expect(page.getByTestId('designer-field-合同金额')).toHaveAttribute('data-drop-target', 'true')
  await page.screenshot({ path: 'resources/screenshots/designer-drag.png' })
  await page.keyboard.press('Escape')
  await page.mouse.up()
  await expect(page.getByTestId('designer-field-邮箱')).toHaveCount(0)

  // The same designer in English, with a field selected.
  await page.getByText('English', { exact: true }).click()
  await expect(page.getByTestId('designer-title')).toBeVisible()
  await expect(page.getByText('Form designer')).toBeVisible()
  await page.getByTestId('designer-field-行业').click()
  await expect(page.getByTestId('options-editor')).toBeVisible()
  await expect(page.getByText('已创建表单', { exact: false })).toHaveCount(0, { timeout: 10_000 })
  await page.screenshot({ path: 'resources/screenshots/designer-en.png' })

  // And in the dark colour scheme.
  await page.evaluate(() => localStorage.setItem('jimu.colorScheme', 'dark'))
  await page.reload()
  await page.getByTestId('designer-field-行业').click()
  await expect(page.getByTestId('options-editor')).toBeVisible()
  await page.screenshot({ path: 'resources/screenshots/designer-dark.png' })
})
