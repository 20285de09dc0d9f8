import { mkdirSync } from 'node:fs'
import type { Browser, Page } from '@playwright/test'
import { setUpAdmin, expect, rpc, test } from './fixtures'

// 外链表单, 市场活动 and 满意度回访 end to end, in Chinese: the administrator publishes the lead
// form from the designer's 外链发布 panel; an unauthenticated phone-width browser fills it in from
// a trade-show link (来源=展会, 市场活动=2026春季展), is refused for a field the form does not
// publish and for a second fast submission; the sales manager finds the lead in the 公海 and the
// campaign's figures on the 市场活动效果 dashboard; a customer answers a satisfaction survey
// through its one-time link. Screenshots (zh/en, 1440 and 390) go to test-results/forms19.

const SHOTS = 'test-results/forms19'
const admin = { name: '王经理', login: 'wang', password: 'secret123' }
const MANAGER = { login: 'wuhaiyan', password: 'demo12345' }

test.describe.configure({ timeout: 240_000 })

/** A browser with no session at all, as a visitor's phone. */
async function visitor(browser: Browser, width: number, height: number, locale = 'zh-CN'): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height }, locale, extraHTTPHeaders: { 'accept-language': locale } })
  return context.newPage()
}

async function widgetsLoaded(page: Page) {
  await expect(page.locator('[data-testid^="widget-"][data-loaded="false"]')).toHaveCount(0, { timeout: 60_000 })
}

test('publish the lead form, fill it in at 390 px unauthenticated, find it in the pool, campaign figures, a CSAT survey', async ({ page, browser, server }) => {
  mkdirSync(SHOTS, { recursive: true })
  await page.setViewportSize({ width: 1440, height: 900 })
  await setUpAdmin(page, admin)
  await rpc(page, 'crm.install', { sampleData: true, seed: 11 })
  await page.goto('/')
  await expect(page.getByTestId('user-menu')).toContainText(admin.name)
  const forms = await rpc<Array<{ id: number; apiKey: string }>>(page, 'forms.list')
  const leadForm = forms.find((f) => f.apiKey === 'lead')!.id

  // ---- 外链发布 in the designer ----
  await rpc(page, 'publicForms.save', {
    form: 'lead', published: true,
    config: {
      title: '2026春季展 · 索取产品资料', intro: '留下联系方式，展会后我们寄送门禁与考勤新品资料。', thanks: '提交成功，谢谢！我们会在两个工作日内联系您。', showLogo: true,
      fields: [{ field: 'name', required: true }, { field: 'company', required: false }, { field: 'phone', required: true }, { field: 'city', required: false }],
      hidden: [{ field: 'source', param: '来源', value: '' }, { field: 'campaign', param: '市场活动', value: '' }],
      duplicateField: 'phone'
    }
  })
  const saved = await rpc<{ config: unknown; path: string }>(page, 'publicForms.get', { form: 'lead' })
  await page.goto(`/#/forms/${leadForm}/design`)
  await page.getByTestId('designer-publish-open').click()
  const panel = page.getByTestId('publish-modal')
  await expect(panel.getByTestId('publish-status')).toHaveText('收集中')
  await expect(panel.getByTestId('publish-link')).toHaveValue(`${server.url}${saved.path}`)
  await expect(panel.getByTestId('publish-qr')).toBeVisible()
  await expect(panel.getByTestId('publish-title')).toHaveValue('2026春季展 · 索取产品资料')
  await page.screenshot({ path: `${SHOTS}/publish-panel-zh-1440.png` })
  // Open + save without a change keeps every setting.
  await panel.getByTestId('publish-save').click()
  await expect(page.getByText('外链表单已保存')).toBeVisible()
  expect((await rpc<{ config: unknown }>(page, 'publicForms.get', { form: 'lead' })).config).toEqual(saved.config)
  await page.keyboard.press('Escape')

  // ---- the public page at 390 px, no session ----
  const link = `${server.url}${saved.path}?${new URLSearchParams({ 来源: '展会', 市场活动: '2026春季展' })}`
  const phone = await visitor(browser, 390, 844)
  await phone.goto(link)
  await expect(phone.getByRole('heading', { name: '2026春季展 · 索取产品资料' })).toBeVisible()
  expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390)
  // A field the form does not publish is refused, named, and nothing is written.
  const refused = await phone.request.post(`${server.url}${saved.path}`, { form: { name: '黑客', phone: '13900009999', score: '100' } })
  expect(refused.status()).toBe(422)
  expect(await refused.text()).toContain('字段「线索评分」不在此表单中，提交未被接受')
  await phone.getByLabel('姓名').fill('钱展会')
  await phone.getByLabel('公司名称').fill('杭州钱塘智能科技有限公司')
  await phone.getByLabel('手机').fill('13812345678')
  await phone.getByLabel('城市').fill('杭州')
  await phone.screenshot({ path: `${SHOTS}/public-form-zh-390.png`, fullPage: true })
  await phone.getByRole('button', { name: '提交' }).click()
  await expect(phone.getByTestId('public-form-thanks')).toContainText('提交成功，谢谢！我们会在两个工作日内联系您。')
  await phone.screenshot({ path: `${SHOTS}/public-form-thanks-zh-390.png` })
  // A second submission right after is over the rate limit.
  await phone.goto(link)
  await phone.getByLabel('姓名').fill('钱展会')
  await phone.getByLabel('手机').fill('13812345678')
  await phone.getByRole('button', { name: '提交' }).click()
  await expect(phone.getByTestId('public-form-error')).toHaveText('提交过于频繁，请稍后再试')

  // English and desktop width.
  const desk = await visitor(browser, 1440, 900, 'en-US')
  await desk.goto(link)
  await expect(desk.getByRole('button', { name: 'Submit' })).toBeVisible()
  await desk.screenshot({ path: `${SHOTS}/public-form-en-1440.png` })
  const deskZh = await visitor(browser, 1440, 900)
  await deskZh.goto(link)
  await deskZh.screenshot({ path: `${SHOTS}/public-form-zh-1440.png` })
  const phoneEn = await visitor(browser, 390, 844, 'en-US')
  await phoneEn.goto(link)
  await phoneEn.screenshot({ path: `${SHOTS}/public-form-en-390.png`, fullPage: true })

  // ---- the sales manager finds it in the 公海 ----
  const manager = await visitor(browser, 1440, 900)
  await manager.goto(server.url)
  await expect(manager.getByRole('heading', { name: '登录' })).toBeVisible({ timeout: 20_000 })
  await manager.getByLabel('登录名').fill(MANAGER.login)
  await manager.getByLabel('密码', { exact: true }).fill(MANAGER.password)
  await manager.getByRole('button', { name: '登录' }).click()
  await expect(manager.getByTestId('user-menu')).toBeVisible({ timeout: 20_000 })
  const leads = await rpc<{ records: Array<{ id: number; owner: unknown; fields: Record<string, unknown> }> }>(manager, 'records.list', { form: 'lead', search: '钱展会' })
  expect(leads.records).toHaveLength(1)
  expect(leads.records[0]).toMatchObject({ owner: null, fields: { source: '展会', status: '新线索', campaign: { title: '2026春季展' } } })
  await manager.goto(`${server.url}/#/crm/pool`)
  await manager.getByText('公海线索', { exact: true }).click()
  await manager.getByRole('textbox', { name: '搜索公海' }).fill('钱展会')
  await expect(manager.getByRole('row').filter({ hasText: '钱展会' })).toContainText('2026春季展', { timeout: 20_000 })
  await manager.screenshot({ path: `${SHOTS}/pool-manager-zh-1440.png` })

  // ---- campaign dashboard figures (roll-ups over every lead: the administrator's dashboard) ----
  const campaigns = await rpc<{ records: Array<{ fields: Record<string, unknown> }> }>(page, 'records.list', { form: 'campaign', search: '2026春季展' })
  const spring = campaigns.records[0]!.fields
  expect(Number(spring.leadCount)).toBeGreaterThanOrEqual(1)
  const dashboards = await rpc<Array<{ id: number; name: string }>>(page, 'reports.dashboards')
  const dashboard = dashboards.find((d) => d.name === '市场活动效果')!
  await page.goto(`/#/dashboards/${dashboard.id}`)
  await widgetsLoaded(page)
  const row = page.getByTestId('widget-perCampaign').locator('tr').filter({ hasText: '2026春季展' })
  await expect(row).toBeVisible()
  await expect(row).toContainText(String(spring.leadCount))
  await page.screenshot({ path: `${SHOTS}/campaign-dashboard-zh-1440.png`, fullPage: true })
  await page.setViewportSize({ width: 390, height: 844 })
  await widgetsLoaded(page)
  await page.screenshot({ path: `${SHOTS}/campaign-dashboard-zh-390.png`, fullPage: true })
  await page.setViewportSize({ width: 1440, height: 900 })

  // ---- 满意度回访 through its one-time link ----
  const ticket = await rpc<{ id: number }>(page, 'records.create', { form: 'ticket', fields: { title: '门禁读头无法识别', status: 'closed' } })
  const survey = await rpc<{ path: string }>(page, 'publicForms.surveyLink', { form: 'ticket', id: ticket.id, origin: server.url })
  const customer = await visitor(browser, 390, 844)
  await customer.goto(`${server.url}${survey.path}`)
  await expect(customer.getByRole('heading', { name: '服务满意度回访' })).toBeVisible()
  await customer.getByText('5', { exact: true }).click()
  await customer.getByLabel('您的意见或建议').fill('工程师当天上门，问题解决了')
  await customer.screenshot({ path: `${SHOTS}/survey-zh-390.png`, fullPage: true })
  await customer.getByRole('button', { name: '提交' }).click()
  await expect(customer.getByRole('heading', { name: '感谢您的评价' })).toBeVisible()
  const answered = await rpc<{ fields: Record<string, unknown> }>(page, 'records.get', { form: 'ticket', id: ticket.id })
  expect(answered.fields).toMatchObject({ csatScore: 5, csatComment: '工程师当天上门，问题解决了' })
  await customer.goto(`${server.url}${survey.path}`)
  await expect(customer.getByText('您的评价已收到，本次回访已完成。')).toBeVisible()

  // ---- stop collecting ----
  await page.goto(`/#/forms/${leadForm}/design`)
  await page.getByTestId('designer-publish-open').click()
  await page.getByTestId('publish-stop').click()
  await expect(page.getByTestId('publish-status')).toHaveText('未发布')
  await phone.goto(link)
  await expect(phone.getByRole('heading', { name: '此表单已停止收集' })).toBeVisible()
  await phone.screenshot({ path: `${SHOTS}/public-form-closed-zh-390.png` })
})
