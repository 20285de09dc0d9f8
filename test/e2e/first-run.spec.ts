import { expect, rpc, test } from './fixtures'

// The first day with Jimu CRM: the administrator is created on first run, a 商机 (opportunity)
// form exists (made through the API until the designer ships), and records are created,
// edited, searched, validated, deleted (with undo) in the Chinese UI; then log out and in.

const ADMIN = { name: '王经理', login: 'admin', password: 'jimu-secret-1' }

test('first run, then create, edit, search, validate and delete 商机 records; log out and in', async ({ page }) => {
  await page.goto('/')

  // First run: create the administrator and land in the app, which has no apps yet.
  await expect(page.getByRole('heading', { name: '欢迎使用积木 CRM' })).toBeVisible()
  await page.getByLabel('姓名').fill(ADMIN.name)
  await page.getByLabel('登录名').fill(ADMIN.login)
  await page.getByLabel('密码', { exact: true }).fill(ADMIN.password)
  await page.getByLabel('确认密码').fill(ADMIN.password)
  // This scenario builds its own form: the ready sales app offered on first run is declined.
  await page.getByTestId('setup-install-crm').uncheck()
  await page.getByRole('button', { name: '创建管理员并登录' }).click()
  await expect(page.getByText('还没有任何应用')).toBeVisible()
  await expect(page.getByTestId('user-menu')).toContainText(ADMIN.name)

  // Set-up through the API with the browser's session cookie.
  const app = await rpc<{ id: number }>(page, 'apps.create', { label: '销售管理' })
  const form = await rpc<{ id: number }>(page, 'forms.create', {
    appId: app.id,
    label: '商机',
    apiKey: 'opportunity',
    fields: [
      { label: '客户名称', apiKey: 'customerName', type: 'text', required: true },
      {
        label: '销售阶段',
        apiKey: 'stage',
        type: 'select',
        config: {
          options: [
            { id: 'lead', label: '初步接洽', color: 'gray' },
            { id: 'quote', label: '方案报价', color: 'violet' },
            { id: 'won', label: '赢单', color: 'green' }
          ]
        }
      },
      { label: '金额', apiKey: 'amount', type: 'amount' },
      { label: '预计成交日期', apiKey: 'closeDate', type: 'date' }
    ]
  })
  await page.reload()

  // Open the form from the navigation.
  await page.getByRole('link', { name: '商机' }).click()
  await expect(page.getByRole('heading', { name: '商机' })).toBeVisible()
  await expect(page.getByText('还没有记录')).toBeVisible()

  // Create a record.
  await page.getByRole('button', { name: '新建记录' }).first().click()
  const createDrawer = page.getByRole('dialog', { name: '新建记录 · 商机' })
  await createDrawer.getByLabel('客户名称').fill('杭州云栖科技有限公司')
  await createDrawer.getByLabel('销售阶段').click()
  await page.getByRole('option', { name: '方案报价' }).click()
  await createDrawer.getByLabel('金额').fill('12000.5')
  await createDrawer.getByLabel('预计成交日期').fill('2026-12-31')
  await createDrawer.getByLabel('预计成交日期').press('Tab')
  await createDrawer.getByRole('button', { name: '保存' }).click()
  await expect(createDrawer).toBeHidden()

  const row = page.getByRole('row').filter({ hasText: '杭州云栖科技有限公司' })
  await expect(row).toContainText('方案报价')
  await expect(row).toContainText('¥12,000.50')
  await expect(row).toContainText('2026-12-31')
  await expect(page.getByTestId('records-total')).toHaveText('共 1 条')

  // Edit it: change the amount; the row and the footer sum follow.
  await row.getByText('杭州云栖科技有限公司').click()
  const editDrawer = page.getByRole('dialog', { name: '商机', exact: true })
  await expect(editDrawer.getByLabel('客户名称')).toHaveValue('杭州云栖科技有限公司')
  await editDrawer.getByLabel('金额').fill('50000')
  await editDrawer.getByRole('button', { name: '保存' }).click()
  await expect(editDrawer).toBeHidden()
  await expect(row).toContainText('¥50,000.00')
  await expect(page.getByTestId('records-totals')).toContainText('¥50,000.00')

  // Its history shows the change.
  await row.getByText('杭州云栖科技有限公司').click()
  await editDrawer.getByRole('tab', { name: '历史' }).click()
  await expect(editDrawer.getByTestId('record-history')).toContainText('王经理 修改了记录')
  await expect(editDrawer.getByTestId('record-history')).toContainText('¥50,000.00')
  await editDrawer.getByRole('button', { name: '取消' }).click()
  await expect(editDrawer).toBeHidden()

  // Search: another record exists now; the search box finds only the matching one.
  await rpc(page, 'records.create', { form: form.id, fields: { customerName: '上海明远制造有限公司', stage: '初步接洽', amount: 8000 } })
  const search = page.getByPlaceholder('搜索本表单…')
  const otherRow = page.getByRole('row').filter({ hasText: '上海明远制造有限公司' })
  await search.fill('明远')
  await expect(otherRow).toBeVisible()
  await expect(row).toHaveCount(0)
  await search.fill('云栖')
  await expect(row).toBeVisible()
  await expect(otherRow).toHaveCount(0)
  await expect(page.getByTestId('records-total')).toHaveText('共 1 条')
  await search.fill('')
  await expect(otherRow).toBeVisible()
  await expect(row).toBeVisible()
  await expect(page.getByTestId('records-total')).toHaveText('共 2 条')

  // Saving without the required 客户名称 shows the message under that field.
  await page.getByRole('button', { name: '新建记录' }).click()
  await createDrawer.getByLabel('金额').fill('100')
  await createDrawer.getByRole('button', { name: '保存' }).click()
  await expect(createDrawer.getByText('“客户名称”不能为空')).toBeVisible()
  await expect(createDrawer.getByLabel('客户名称')).toHaveAttribute('aria-invalid', 'true')
  await createDrawer.getByRole('button', { name: '取消' }).click()
  await page.getByRole('button', { name: '放弃修改' }).click()
  await expect(createDrawer).toBeHidden()
  await expect(page.getByTestId('records-total')).toHaveText('共 2 条')

  // Delete with the row checkbox; 撤销 brings it back; deleting again from the record form removes it.
  await row.getByRole('checkbox').check()
  await page.getByRole('button', { name: '删除所选' }).click()
  await page.getByRole('dialog', { name: '删除记录' }).getByRole('button', { name: '删除' }).click()
  await expect(row).toHaveCount(0)
  await expect(page.getByTestId('records-total')).toHaveText('共 1 条')
  await page.getByRole('button', { name: '撤销' }).click()
  await expect(row).toBeVisible()
  await expect(page.getByTestId('records-total')).toHaveText('共 2 条')

  await row.getByText('杭州云栖科技有限公司').click()
  await editDrawer.getByRole('button', { name: '删除' }).click()
  await page.getByRole('dialog', { name: '删除这条记录？' }).getByRole('button', { name: '删除' }).click()
  await expect(editDrawer).toBeHidden()
  await expect(row).toHaveCount(0)
  await expect(page.getByTestId('records-total')).toHaveText('共 1 条')

  // The deleted record waits in the recycle bin.
  await page.getByRole('button', { name: '回收站' }).click()
  await expect(page.getByTestId('trash-table')).toContainText('杭州云栖科技有限公司')
  await page.getByRole('button', { name: '返回列表' }).click()

  // Log out, and log in again: the app comes back to the same form.
  await page.getByTestId('user-menu').click()
  await page.getByRole('menuitem', { name: '退出登录' }).click()
  await expect(page.getByRole('heading', { name: '登录' })).toBeVisible()
  await page.getByLabel('登录名').fill(ADMIN.login)
  await page.getByLabel('密码', { exact: true }).fill(ADMIN.password)
  await page.getByRole('button', { name: '登录' }).click()
  await expect(page.getByRole('heading', { name: '商机' })).toBeVisible()
  await expect(otherRow).toBeVisible()

  await expect(page.getByRole('alert')).toHaveCount(0)
  await page.screenshot({ path: 'test-results/e2e-first-run.png', fullPage: true })
})
