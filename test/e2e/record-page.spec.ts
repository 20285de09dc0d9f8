import { createAdmin, expect, rpc, test } from './fixtures'
import type { Page } from '@playwright/test'

// The record page as a sales office uses it, in the Chinese UI: a 客户 (customer) form laid out
// in two tabs with a conditional field, a sub-table and attachments; 联系人 (contacts) linked to
// it. Open a customer, fill it in, save with Ctrl+S, see the history, quick-create a contact
// from the related list, leave with unsaved edits, find it with Ctrl+K, and switch to dark mode.

const ADMIN = { name: '王经理', login: 'admin', password: 'jimu-secret-1' }

interface FormOut {
  id: number
  fields: { id: number; apiKey: string }[]
}

async function setUp(page: Page) {
  const app = await rpc<{ id: number }>(page, 'apps.create', { label: '销售管理' })
  const customer = await rpc<FormOut>(page, 'forms.create', {
    appId: app.id,
    label: '客户',
    apiKey: 'customer',
    fields: [
      { label: '客户名称', apiKey: 'name', type: 'text', required: true },
      {
        label: '客户等级',
        apiKey: 'level',
        type: 'select',
        config: { options: [{ id: 'a', label: 'A 类', color: 'red' }, { id: 'b', label: 'B 类', color: 'orange' }, { id: 'c', label: 'C 类', color: 'gray' }] }
      },
      {
        label: '客户状态',
        apiKey: 'status',
        type: 'select',
        config: { options: [{ id: 'active', label: '合作中', color: 'green' }, { id: 'lost', label: '已流失', color: 'gray' }] }
      },
      { label: '流失原因', apiKey: 'lostReason', type: 'textarea', visibleWhen: { field: 'status', op: 'eq', value: '已流失' }, requiredWhen: { field: 'status', op: 'eq', value: '已流失' } },
      { label: '年采购额', apiKey: 'revenue', type: 'amount' },
      {
        label: '产品明细',
        apiKey: 'items',
        type: 'subtable',
        children: [
          { label: '产品', apiKey: 'product', type: 'text' },
          { label: '数量', apiKey: 'qty', type: 'number' },
          { label: '金额', apiKey: 'lineAmount', type: 'amount' }
        ]
      },
      { label: '资料附件', apiKey: 'files', type: 'attachment' }
    ]
  })
  const id = (key: string) => {
    const found = customer.fields.find((f) => f.apiKey === key)
    if (!found) throw new Error(`no field ${key}`)
    return found.id
  }
  await rpc(page, 'forms.update', {
    form: customer.id,
    layout: {
      tabs: [
        {
          id: 'basic',
          label: '基本信息',
          sections: [
            { id: 'profile', label: '客户资料', columns: 2, fieldIds: [id('name'), id('level'), id('status'), id('lostReason')] },
            { id: 'money', label: '采购情况', columns: 1, fieldIds: [id('revenue')] }
          ]
        },
        {
          id: 'detail',
          label: '明细与附件',
          sections: [
            { id: 'items', label: '产品明细', columns: 1, fieldIds: [id('items')] },
            { id: 'files', label: '附件', columns: 1, fieldIds: [id('files')] }
          ]
        }
      ]
    }
  })
  const contact = await rpc<FormOut>(page, 'forms.create', {
    appId: app.id,
    label: '联系人',
    apiKey: 'contact',
    fields: [
      { label: '姓名', apiKey: 'name', type: 'text', required: true },
      { label: '手机', apiKey: 'mobile', type: 'phone' },
      { label: '所属客户', apiKey: 'customer', type: 'relation', config: { targetFormId: customer.id } }
    ]
  })
  const record = await rpc<{ id: number }>(page, 'records.create', {
    form: customer.id,
    fields: { name: '杭州云栖科技有限公司', level: 'A 类', status: '合作中', revenue: 880000, items: [{ product: '云服务器', qty: 2, lineAmount: 30000 }] }
  })
  await rpc(page, 'records.create', { form: contact.id, fields: { name: '张伟', mobile: '13800138000', customer: record.id } })
  const other = await rpc<{ id: number }>(page, 'records.create', { form: customer.id, fields: { name: '云栖小镇文旅集团', level: 'B 类', status: '合作中' } })
  await rpc(page, 'records.create', { form: contact.id, fields: { name: '陈云栖', mobile: '13900139000', customer: other.id } })
  return { customer, contact, recordId: record.id }
}

test('the record page: layout, conditions, sub-table, attachments, related lists, history, keyboard, search, dark mode', async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 })
  await createAdmin(page, ADMIN)
  const { customer, recordId } = await setUp(page)
  await page.goto(`/#/forms/${customer.id}/records/${recordId}`)
  // The navigation was loaded before the forms existed.
  await page.reload()

  const drawer = page.getByRole('dialog', { name: '客户', exact: true })
  await expect(drawer.getByTestId('record-heading')).toHaveText('杭州云栖科技有限公司')

  // Tabs and sections from the layout, then the related list and the history.
  for (const name of ['基本信息', '明细与附件', '相关记录', '历史']) await expect(drawer.getByRole('tab', { name })).toBeVisible()
  await expect(drawer.getByText('客户资料')).toBeVisible()
  await expect(drawer.getByText('采购情况')).toBeVisible()

  // 流失原因 shows only while 客户状态 is 已流失, and is then required.
  await expect(drawer.getByLabel('流失原因')).toHaveCount(0)
  await drawer.getByLabel('客户状态').click()
  await page.getByRole('option', { name: '已流失' }).click()
  await expect(drawer.getByLabel('流失原因')).toBeVisible()
  await expect(drawer.locator('[data-field="lostReason"] .mantine-InputWrapper-required')).toBeVisible()
  await drawer.getByLabel('流失原因').fill('预算削减，改用自建机房')

  // The sub-table on the second tab: change a row, add one; the total follows.
  await drawer.getByRole('tab', { name: '明细与附件' }).click()
  const grid = drawer.getByTestId('subtable-items')
  await grid.getByLabel('数量').first().fill('3')
  await drawer.getByRole('button', { name: '添加一行' }).click()
  await grid.getByLabel('产品').nth(1).fill('对象存储')
  await grid.getByLabel('金额').nth(1).fill('12000')
  await expect(drawer.getByTestId('subtable-items-totals')).toContainText('¥42,000.00')
  // Rows reorder by dragging their handle.
  const handle = await grid.getByRole('button', { name: '拖动以调整第 2 行的顺序' }).boundingBox()
  const firstRow = await grid.getByRole('button', { name: '拖动以调整第 1 行的顺序' }).boundingBox()
  if (!handle || !firstRow) throw new Error('sub-table handles not visible')
  await page.mouse.move(handle.x + handle.width / 2, handle.y + handle.height / 2)
  await page.mouse.down()
  await page.mouse.move(handle.x + handle.width / 2, handle.y - 10, { steps: 5 })
  await page.mouse.move(firstRow.x + firstRow.width / 2, firstRow.y - 4, { steps: 10 })
  await page.mouse.up()
  await expect(grid.getByLabel('产品').first()).toHaveValue('对象存储')
  await expect(grid.getByLabel('产品').nth(1)).toHaveValue('云服务器')

  // An image dropped on the attachment field is uploaded and shown as a thumbnail.
  const png = await page.screenshot({ clip: { x: 0, y: 0, width: 160, height: 100 } })
  await drawer.getByTestId('dropzone-files').locator('input[type="file"]').setInputFiles({ name: '名片.png', mimeType: 'image/png', buffer: png })
  await expect(drawer.getByTestId('attachment-file')).toHaveCount(1)
  await expect(drawer.getByTestId('attachment-file').getByRole('img', { name: '名片.png' })).toBeVisible()
  await drawer.getByRole('button', { name: '预览“名片.png”' }).click()
  await expect(page.getByRole('dialog', { name: /名片\.png（1\/1）/ })).toBeVisible()
  await page.keyboard.press('Escape')
  await expect(page.getByRole('dialog', { name: /名片\.png（1\/1）/ })).toBeHidden()
  await expect(drawer).toBeVisible()

  await page.screenshot({ path: 'test-results/record-page-subtable.png' })
  await drawer.getByRole('tab', { name: '基本信息' }).click()
  await page.screenshot({ path: 'resources/screenshots/record-page.png' })

  // Ctrl+S saves (and closes, as 保存 does).
  await page.keyboard.press('Control+s')
  await expect(page.getByText('已保存')).toBeVisible()
  await expect(drawer).toBeHidden()

  // The history shows who changed what, from what to what, with option labels and amounts.
  await page.goto(`/#/forms/${customer.id}/records/${recordId}`)
  await drawer.getByRole('tab', { name: '历史' }).click()
  const history = drawer.getByTestId('record-history')
  await expect(history).toContainText('今天')
  await expect(history).toContainText('王经理 修改了记录')
  await expect(history.getByTestId('history-change').filter({ hasText: '客户状态' }).first()).toHaveText('客户状态：合作中已流失')
  await expect(history).toContainText('预算削减，改用自建机房')
  await expect(history).toContainText('名片.png')
  await expect(history).toContainText('新增第 1 行：产品 对象存储 · 金额 ¥12,000.00')
  await expect(history).toContainText('第 2 行：数量 2 → 3')

  // Related list: the contact is there; quick-create another one already linked to this customer.
  await drawer.getByRole('tab', { name: /相关记录/ }).click()
  const related = drawer.getByTestId('related-contact-customer')
  await expect(related).toContainText('张伟')
  await expect(related).toContainText('13800138000')
  await related.getByRole('button', { name: '新建联系人' }).click()
  const quick = page.getByRole('dialog', { name: '新建记录 · 联系人' })
  await expect(quick.getByTestId('relation-links-customer')).toContainText('杭州云栖科技有限公司')
  await quick.getByLabel('姓名').fill('李娜')
  await quick.getByRole('button', { name: '保存' }).click()
  await expect(quick).toBeHidden()
  await expect(related).toContainText('李娜')
  await expect(related.getByRole('row')).toHaveCount(3)
  await expect(drawer.getByTestId('tab-related')).toContainText('2')
  await page.screenshot({ path: 'test-results/record-page-related.png' })
  await drawer.getByRole('tab', { name: '历史' }).click()
  await expect(history).toContainText('王经理 修改了记录')
  await page.screenshot({ path: 'test-results/record-page-history.png' })
  // The record can take the whole window, and go back.
  await drawer.getByTestId('record-widen').click()
  await expect(drawer.getByRole('button', { name: '退出全屏' })).toBeVisible()
  await page.screenshot({ path: 'test-results/record-page-wide.png' })
  await drawer.getByRole('button', { name: '退出全屏' }).click()

  // Esc with unsaved edits asks first; 继续编辑 keeps them, 放弃修改 closes.
  await drawer.getByRole('tab', { name: '基本信息' }).click()
  await drawer.getByLabel('客户名称').fill('杭州云栖科技股份有限公司')
  await page.keyboard.press('Escape')
  const ask = page.getByRole('dialog', { name: '放弃未保存的修改？' })
  await expect(ask).toBeVisible()
  await ask.getByRole('button', { name: '继续编辑' }).click()
  await expect(ask).toBeHidden()
  await expect(drawer.getByLabel('客户名称')).toHaveValue('杭州云栖科技股份有限公司')
  // The browser's back button asks too, and 继续编辑 keeps the record and its edits on screen.
  await page.goBack()
  await expect(ask).toBeVisible()
  await ask.getByRole('button', { name: '继续编辑' }).click()
  await expect(ask).toBeHidden()
  await expect(drawer.getByLabel('客户名称')).toHaveValue('杭州云栖科技股份有限公司')
  await page.keyboard.press('Escape')
  await ask.getByRole('button', { name: '放弃修改' }).click()
  await expect(drawer).toBeHidden()

  // Ctrl+K finds the customer across forms and opens it.
  await page.keyboard.press('Control+k')
  const palette = page.getByPlaceholder('搜索记录，或输入命令…')
  await expect(palette).toBeFocused()
  await palette.fill('云栖科技')
  await expect(page.getByTestId('palette-record')).toHaveCount(1)
  // Enter opens the first result.
  await palette.press('Enter')
  await expect(drawer).toBeVisible()
  await drawer.getByRole('button', { name: '取消' }).click()
  await expect(drawer).toBeHidden()
  await page.keyboard.press('Control+k')
  await palette.fill('云栖')
  await expect(page.getByTestId('palette-record').filter({ hasText: '杭州云栖科技有限公司' })).toBeVisible()
  await expect(page.getByRole('group', { name: '记录 · 客户' })).toBeVisible()
  await expect(page.getByRole('group', { name: '记录 · 联系人' })).toContainText('陈云栖')
  await page.screenshot({ path: 'resources/screenshots/search.png' })
  await page.getByTestId('palette-record').filter({ hasText: '杭州云栖科技有限公司' }).click()
  await expect(drawer).toBeVisible()
  await drawer.getByRole('button', { name: '取消' }).click()
  await expect(drawer).toBeHidden()

  // Dark mode from the user menu, remembered across a reload.
  await page.getByTestId('user-menu').click()
  await page.getByTestId('color-scheme').getByText('深色').click()
  await expect(page.locator('html')).toHaveAttribute('data-mantine-color-scheme', 'dark')
  await page.keyboard.press('Escape')
  await page.reload()
  await expect(page.locator('html')).toHaveAttribute('data-mantine-color-scheme', 'dark')
  await page.goto(`/#/forms/${customer.id}/records/${recordId}`)
  await expect(drawer.getByTestId('record-heading')).toBeVisible()
  await expect(drawer.getByTestId('tab-related')).toContainText('2')
  await page.screenshot({ path: 'resources/screenshots/record-page-dark.png' })

  // Ctrl+N on the form page opens a new record.
  await drawer.getByRole('button', { name: '取消' }).click()
  await page.keyboard.press('Control+n')
  await expect(page.getByRole('dialog', { name: '新建记录 · 客户' })).toBeVisible()
})
