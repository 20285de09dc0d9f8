import type { Locator, Page } from '@playwright/test'
import { createAdmin, expect, rpc, test } from './fixtures'

// The ready sales app as a new user meets it, in Chinese: first run with the app, a lead that goes
// to the public pool and is claimed back, converted in one step, its opportunity moved through the
// stages (输单 refused without a reason), a won deal, quote → contract → payment plan → payments,
// and 已回款 / 未回款 on the contract and on the customer's 360° page.

const ADMIN = { name: '王经理', login: 'admin', password: 'jimu-secret-1' }

async function formId(page: Page, apiKey: string): Promise<number> {
  const forms = await rpc<Array<{ id: number; apiKey: string }>>(page, 'forms.list')
  return forms.find((f) => f.apiKey === apiKey)!.id
}

async function pick(page: Page, scope: Locator, label: string, option: string, search?: string): Promise<void> {
  // Required fields show an asterisk after their label.
  const input = scope.getByLabel(new RegExp(`^${label}( \\*)?$`))
  await input.click()
  if (search) await input.fill(search)
  await page.getByRole('option', { name: option }).first().click()
}

test('sales app: lead → pool → claim → convert → stages → quote → contract → payments', async ({ page }) => {
  test.setTimeout(180_000)
  await page.setViewportSize({ width: 1440, height: 900 })
  await createAdmin(page, ADMIN, { salesApp: true })
  await expect(page.getByTestId('nav-crm-pool')).toBeVisible({ timeout: 30_000 })
  await expect(page.getByRole('link', { name: '线索' })).toBeVisible()

  // A lead, entered by hand.
  const leadForm = await formId(page, 'lead')
  await page.getByRole('link', { name: '线索' }).click()
  await page.getByRole('button', { name: '新建记录' }).first().click()
  const newLead = page.getByRole('dialog', { name: '新建记录 · 线索' })
  await newLead.getByRole('textbox', { name: '姓名' }).fill('王强')
  await newLead.getByLabel('公司名称').fill('苏州恒达机械有限公司')
  await newLead.getByLabel('手机').fill('13912345678')
  await pick(page, newLead, '线索来源', '展会')
  await newLead.getByRole('button', { name: '保存' }).click()
  await expect(newLead).toBeHidden()

  // Released to the pool: a reason is required.
  const leads = await rpc<{ records: Array<{ id: number }> }>(page, 'records.list', { form: 'lead' })
  const leadId = leads.records[0]!.id
  await page.goto(`/#/forms/${leadForm}/records/${leadId}`)
  const lead = page.getByRole('dialog').filter({ has: page.getByTestId('record-heading') })
  await lead.getByTestId('record-release').click()
  const release = page.getByRole('dialog', { name: '退回公海' })
  await release.getByTestId('release-confirm').click()
  await expect(release.getByText('请填写退回公海的原因')).toBeVisible()
  await release.getByText('客户暂无需求').click()
  await release.getByTestId('release-confirm').click()
  await expect(release).toBeHidden()
  await expect(lead.getByTestId('record-claim')).toBeVisible()
  await page.keyboard.press('Escape')

  // The pool lists it; claim it back from there.
  await page.getByTestId('nav-crm-pool').click()
  await expect(page.getByRole('heading', { name: '公海' })).toBeVisible()
  await page.getByText('公海线索').click()
  await expect(page.getByText('王强')).toBeVisible()
  await page.getByText('王强').click()
  const pooled = page.getByRole('dialog').filter({ has: page.getByTestId('record-heading') })
  await pooled.getByTestId('record-claim').click()
  await expect(page.getByText('已领取 1 条')).toBeVisible()
  await expect(pooled.getByTestId('record-release')).toBeVisible()
  // Both moves are logged, with the reason.
  await pooled.getByTestId('pool-history').click()
  await expect(page.getByText('王经理 退回公海：客户暂无需求')).toBeVisible()
  await expect(page.getByText('王经理 从公海领取')).toBeVisible()
  await page.keyboard.press('Escape')
  await page.keyboard.press('Escape')
  await expect(page.getByTestId('pool-total')).toHaveText('0')

  // Convert the lead in one step: customer + contact + opportunity, nothing retyped.
  await page.goto(`/#/forms/${leadForm}/records/${leadId}`)
  await lead.getByTestId('record-convert').click()
  const convert = page.getByRole('dialog', { name: '转化线索' })
  await expect(convert.getByTestId('convert-customer-name')).toHaveValue('苏州恒达机械有限公司')
  await convert.getByTestId('convert-opportunity-name').fill('数控车间门禁改造')
  await convert.getByTestId('convert-amount').fill('280000')
  await convert.getByTestId('convert-confirm').click()
  await expect(page.getByTestId('customer-360-name')).toHaveText('苏州恒达机械有限公司')
  await expect(page.getByTestId('customer-360')).toContainText('王强')
  await expect(page.getByTestId('customer-360')).toContainText('数控车间门禁改造')

  // Entering the same company again, written differently, warns before saving.
  const customerForm = await formId(page, 'customer')
  await page.goto(`/#/forms/${customerForm}`)
  await page.getByRole('button', { name: '新建记录' }).first().click()
  const newCustomer = page.getByRole('dialog', { name: '新建记录 · 客户' })
  await newCustomer.getByRole('textbox', { name: '客户名称' }).fill('苏州 恒达机械（有限公司）')
  await expect(newCustomer.getByTestId('duplicate-warning')).toContainText('苏州恒达机械有限公司')
  await expect(newCustomer.getByTestId('duplicate-warning')).toContainText('名称相同')
  await page.screenshot({ path: 'test-results/crm-duplicate-warning.png' })
  await newCustomer.getByRole('button', { name: '取消' }).click()
  // What was typed is not dropped silently: the record page asks first.
  await page.getByRole('button', { name: '放弃修改' }).click()
  await expect(newCustomer).toBeHidden()

  // The opportunity moves through the stages; the probability follows.
  const oppForm = await formId(page, 'opportunity')
  const opps = await rpc<{ records: Array<{ id: number }> }>(page, 'records.list', { form: 'opportunity' })
  const oppId = opps.records[0]!.id
  await page.goto(`/#/forms/${oppForm}/records/${oppId}`)
  const opp = page.getByRole('dialog').filter({ has: page.getByTestId('record-heading') })
  await expect(opp.getByLabel('赢单率')).toHaveValue('10%')
  for (const [stage, probability] of [['需求分析', '25%'], ['方案报价', '50%'], ['商务谈判', '75%']]) {
    await pick(page, opp, '销售阶段', stage!)
    await opp.getByRole('button', { name: '保存' }).click()
    await expect(opp).toBeHidden()
    await page.goto(`/#/forms/${oppForm}/records/${oppId}`)
    await expect(opp.getByLabel('赢单率')).toHaveValue(probability!)
  }
  // 输单 without a reason is refused; with one it is saved.
  await pick(page, opp, '销售阶段', '输单')
  await opp.getByRole('button', { name: '保存' }).click()
  await expect(opp.locator('[data-field="lossReason"]')).toContainText('“输单原因”不能为空')
  await expect(opp).toBeVisible()
  await pick(page, opp, '输单原因', '竞争对手')
  await opp.getByRole('button', { name: '保存' }).click()
  await expect(opp).toBeHidden()
  const lost = await rpc<{ fields: Record<string, unknown> }>(page, 'records.get', { form: 'opportunity', id: oppId })
  expect(lost.fields).toMatchObject({ stage: '输单', lossReason: '竞争对手', probability: 0 })

  // A second opportunity for the same customer is won.
  const customers = await rpc<{ records: Array<{ id: number }> }>(page, 'records.list', { form: 'customer' })
  const customerId = customers.records[0]!.id
  await page.goto(`/#/forms/${oppForm}`)
  await page.getByRole('button', { name: '新建记录' }).first().click()
  const newOpp = page.getByRole('dialog', { name: '新建记录 · 商机' })
  await newOpp.getByLabel('商机名称').fill('办公楼人脸门禁')
  await pick(page, newOpp, '关联客户', '苏州恒达机械有限公司', '恒达')
  await newOpp.getByLabel('预计成交金额').fill('56000')
  await pick(page, newOpp, '销售阶段', '赢单')
  // A deal created at 赢单 enters it: the signed contract scan is required.
  await newOpp.getByTestId('dropzone-contractScan').locator('input[type="file"]').setInputFiles({ name: '签约合同.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n%%EOF\n') })
  await expect(newOpp.getByTestId('attachment-contractScan').getByTestId('attachment-file')).toContainText('签约合同.pdf')
  await newOpp.getByRole('button', { name: '保存' }).click()
  await expect(newOpp).toBeHidden()

  // Quote with two lines, accepted, turned into a contract.
  await rpc(page, 'records.create', { form: 'product', fields: { name: '人脸识别门禁一体机 F3', price: 3680, unit: '台' } })
  await rpc(page, 'records.create', { form: 'product', fields: { name: '上门安装调试', price: 800, unit: '次' } })
  const quoteForm = await formId(page, 'quote')
  await page.goto(`/#/forms/${quoteForm}`)
  await page.getByRole('button', { name: '新建记录' }).first().click()
  const newQuote = page.getByRole('dialog', { name: '新建记录 · 报价单' })
  await newQuote.getByLabel('报价主题').fill('办公楼人脸门禁')
  await pick(page, newQuote, '客户', '苏州恒达机械有限公司', '恒达')
  const lines = newQuote.getByTestId('subtable-lines')
  await newQuote.getByRole('button', { name: '添加一行' }).click()
  await pick(page, lines, '产品', '人脸识别门禁一体机 F3', 'F3')
  await lines.getByLabel('数量').first().fill('15')
  await lines.getByLabel('单价').first().fill('3680')
  await lines.getByLabel('折扣').first().fill('10%')
  await newQuote.getByRole('button', { name: '添加一行' }).click()
  await lines.getByLabel('产品').nth(1).click()
  await lines.getByLabel('产品').nth(1).fill('安装')
  await page.getByRole('option', { name: '上门安装调试' }).click()
  await lines.getByLabel('数量').nth(1).fill('1')
  await lines.getByLabel('单价').nth(1).fill('800')
  await newQuote.getByRole('button', { name: '保存' }).click()
  await expect(newQuote).toBeHidden()
  const quotes = await rpc<{ records: Array<{ id: number; fields: Record<string, unknown> }> }>(page, 'records.list', { form: 'quote' })
  const quote = quotes.records[0]!
  expect(quote.fields.total).toBe(50480)
  await page.goto(`/#/forms/${quoteForm}/records/${quote.id}`)
  const q = page.getByRole('dialog').filter({ has: page.getByTestId('record-heading') })
  await expect(q.getByTestId('record-to-contract')).toBeDisabled()
  await pick(page, q, '报价状态', '已接受')
  await q.getByRole('button', { name: '保存' }).click()
  await expect(q).toBeHidden()
  await page.goto(`/#/forms/${quoteForm}/records/${quote.id}`)
  await q.getByTestId('record-to-contract').click()
  await expect(page.getByText('已生成合同')).toBeVisible()

  // The print view shows the firm and the lines.
  await q.getByTestId('record-print').click()
  await expect(page.getByTestId('quote-sheet')).toContainText('人脸识别门禁一体机 F3')
  await expect(page.getByTestId('quote-total')).toHaveText('¥50,480.00')
  await page.getByTestId('company-settings').click()
  await page.getByTestId('company-name').fill('杭州积木智能科技有限公司')
  await page.getByTestId('company-save').click()
  await expect(page.getByTestId('quote-sheet')).toContainText('杭州积木智能科技有限公司')
  await expect(page.getByTestId('quote-sheet')).toContainText('伍万零肆佰捌拾元整')
  await page.screenshot({ path: 'test-results/crm-quote-print.png' })

  // The contract: payment plan, then two payments.
  const contractForm = await formId(page, 'contract')
  const contracts = await rpc<{ records: Array<{ id: number; fields: Record<string, unknown> }> }>(page, 'records.list', { form: 'contract' })
  const contract = contracts.records[0]!
  expect(contract.fields.amount).toBe(50480)
  await page.goto(`/#/forms/${contractForm}/records/${contract.id}`)
  const c = page.getByRole('dialog').filter({ has: page.getByTestId('record-heading') })
  const plan = c.getByTestId('subtable-plan')
  await c.getByRole('button', { name: '添加一行' }).click()
  await plan.getByLabel('计划回款日期').first().fill('2026-12-31')
  await plan.getByLabel('计划金额').first().fill('30000')
  await c.getByRole('button', { name: '添加一行' }).click()
  await plan.getByLabel('计划回款日期').nth(1).fill('2027-03-31')
  await plan.getByLabel('计划金额').nth(1).fill('20480')
  await c.getByRole('button', { name: '保存' }).click()
  await expect(c).toBeHidden()

  const paymentForm = await formId(page, 'payment')
  for (const amount of ['20000', '10000']) {
    await page.goto(`/#/forms/${paymentForm}`)
    await page.getByRole('button', { name: '新建记录' }).first().click()
    const pay = page.getByRole('dialog', { name: '新建记录 · 回款记录' })
    await pick(page, pay, '合同', '办公楼人脸门禁', '门禁')
    await pick(page, pay, '客户', '苏州恒达机械有限公司', '恒达')
    await pay.getByLabel('回款金额').fill(amount)
    await pick(page, pay, '回款方式', '银行转账')
    await pay.getByRole('button', { name: '保存' }).click()
    await expect(pay).toBeHidden()
  }

  // 已回款 / 未回款 on the contract…
  await page.goto(`/#/forms/${contractForm}/records/${contract.id}`)
  await expect(c.getByRole('textbox', { name: '已回款金额' })).toHaveValue('30,000.00')
  await expect(c.getByRole('textbox', { name: '未回款金额' })).toHaveValue('20,480.00')
  await expect(c.getByRole('textbox', { name: '计划回款总额' })).toHaveValue('50,480.00')
  await page.keyboard.press('Escape')

  // …and on the customer's 360° page.
  await page.goto(`/#/crm/customers/${customerId}`)
  await expect(page.getByTestId('stat-received')).toContainText('¥30,000.00')
  await expect(page.getByTestId('stat-outstanding')).toContainText('¥20,480.00')
  await expect(page.getByTestId('customer-360-receivables')).toContainText('计划 ¥50,480.00')
  await expect(page.getByTestId('customer-360')).toContainText('办公楼人脸门禁')
  await expect(page.getByText('记录已创建')).toHaveCount(0, { timeout: 15_000 })
  await page.screenshot({ path: 'resources/screenshots/crm-customer-360.png', fullPage: true })
})

test('first run with sample data: pipeline kanban with stage totals, a customer on one page, duplicates', async ({ page }) => {
  test.setTimeout(180_000)
  await page.setViewportSize({ width: 1440, height: 900 })
  await page.goto('/')
  await expect(page.getByRole('heading', { name: '欢迎使用积木 CRM' })).toBeVisible({ timeout: 20_000 })
  await page.getByLabel('姓名').fill(ADMIN.name)
  await page.getByLabel('登录名').fill(ADMIN.login)
  await page.getByLabel('密码', { exact: true }).fill(ADMIN.password)
  await page.getByLabel('确认密码').fill(ADMIN.password)
  await expect(page.getByTestId('setup-install-crm')).toBeChecked()
  await page.getByTestId('setup-sample-data').check()
  await page.screenshot({ path: 'test-results/crm-setup.png' })
  await page.getByRole('button', { name: '创建管理员并登录' }).click()
  await expect(page.getByTestId('nav-crm-pool')).toBeVisible({ timeout: 90_000 })

  const oppForm = await formId(page, 'opportunity')
  await page.goto(`/#/forms/${oppForm}`)
  await page.getByRole('button', { name: '销售漏斗' }).click()
  for (const stage of ['初步接洽', '需求分析', '方案报价', '商务谈判', '赢单', '输单']) await expect(page.getByText(stage, { exact: true }).first()).toBeVisible()
  await expect(page.getByText(/¥[\d,]+\.\d\d/).first()).toBeVisible()
  await page.screenshot({ path: 'resources/screenshots/crm-pipeline-kanban.png' })

  const top = await rpc<{ records: Array<{ id: number }> }>(page, 'records.list', { form: 'customer', filter: { field: 'contractTotal', op: 'gt', value: 0 }, sort: [{ field: 'contractTotal', dir: 'desc' }], limit: 1 })
  await page.goto(`/#/crm/customers/${top.records[0]!.id}`)
  await expect(page.getByTestId('customer-360-timeline')).toBeVisible()
  await expect(page.getByTestId('related-contact-customer')).toBeVisible()
  await page.screenshot({ path: 'resources/screenshots/crm-customer-360-sample.png', fullPage: true })

  await page.getByTestId('nav-crm-duplicates').click()
  await expect(page.getByRole('heading', { name: '客户查重' })).toBeVisible()
  await page.getByTestId('nav-crm-pool').click()
  await expect(page.getByTestId('pool-total')).not.toHaveText('0')
  const before = Number(await page.getByTestId('pool-total').textContent())
  // Claim two at once from the selection bar.
  await page.getByRole('checkbox').nth(1).check()
  await page.getByRole('checkbox').nth(2).check()
  await page.screenshot({ path: 'test-results/crm-pool.png' })
  await page.getByTestId('pool-claim-selected').click()
  await expect(page.getByText('已领取 2 条')).toBeVisible()
  await expect(page.getByTestId('pool-total')).toHaveText(String(before - 2))
  await expect(page.getByTestId('pool-quota')).toContainText('我已拥有 2 条')
})
