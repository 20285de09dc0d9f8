import { mkdirSync } from 'node:fs'
import { createAdmin, expect, rpc, test } from './fixtures'

// Ctrl+K as a sales rep on the sales app with its sample data: results grouped by form, the
// customer before the deal before leads that match only in their company name, each lead showing
// the text that matched, and a "more" that loads the rest of a group in place.

const ADMIN = { name: '王经理', login: 'admin', password: 'jimu-secret-1' }
const REP = { login: 'zhangwei', password: 'demo12345' }
const WORD = '明达星'

for (const locale of ['zh-CN', 'en'] as const) {
  test(`global search as a sales rep (${locale}): ranked, grouped, with the matched text and "more"`, async ({ page }) => {
    test.setTimeout(240_000)
    await page.setViewportSize({ width: 1440, height: 900 })
    await createAdmin(page, ADMIN)
    await rpc(page, 'crm.install', { locale, sampleData: true, seed: 11 })
    await page.context().clearCookies()
    const login = await page.request.post('/rpc/auth.login', { data: REP })
    expect(login.ok(), await login.text()).toBe(true)

    // Eight leads whose company carries the word, then the customer and its deal (newer than the leads).
    for (let i = 1; i <= 8; i++) await rpc(page, 'records.create', { form: 'lead', fields: { name: `测试联系人${i}`, company: `杭州${WORD}机械第${i}厂` } })
    const customer = await rpc<{ id: number }>(page, 'records.create', { form: 'customer', fields: { name: `杭州${WORD}科技有限公司` } })
    await rpc(page, 'records.create', { form: 'opportunity', fields: { name: `${WORD} ERP 二期`, customer: customer.id } })

    await page.evaluate((l) => localStorage.setItem('jimu.locale', l), locale)
    await page.goto('/')
    await expect(page.getByTestId('user-menu')).toBeVisible({ timeout: 30_000 })
    await page.keyboard.press('Control+k')
    const palette = page.getByPlaceholder(locale === 'en' ? /Search records/ : '搜索记录，或输入命令…')
    await expect(palette).toBeFocused()
    await palette.fill(WORD)

    const groups = page.getByTestId('palette-group')
    const labels = locale === 'en' ? ['Customers', 'Opportunities', 'Leads'] : ['客户', '商机', '线索']
    await expect(groups).toHaveCount(3)
    for (const [i, label] of labels.entries()) await expect(groups.nth(i)).toHaveAttribute('aria-label', new RegExp(`${label}$`))
    await expect(groups.nth(0).getByTestId('palette-record')).toHaveText([`杭州${WORD}科技有限公司`])
    await expect(groups.nth(1).getByTestId('palette-record')).toHaveText([`${WORD} ERP 二期`])
    const leads = groups.nth(2)
    await expect(leads.getByTestId('palette-record')).toHaveCount(5)
    // The matched text, from the field that matched, the match marked.
    const snippet = leads.getByTestId('palette-snippet').first()
    await expect(snippet).toContainText(locale === 'en' ? 'Company' : '公司名称')
    await expect(snippet.locator('mark')).toHaveText(WORD)

    const dir = `test-results/screens21/${locale}`
    mkdirSync(dir, { recursive: true })
    await page.screenshot({ path: `${dir}/search-1440.png` })

    await leads.getByTestId('palette-more').click()
    await expect(leads.getByTestId('palette-record')).toHaveCount(8)
    await expect(leads.getByTestId('palette-more')).toHaveCount(0)
    // The palette stays open; a result opens its record.
    await groups.nth(0).getByTestId('palette-record').click()
    await expect(page).toHaveURL(new RegExp(`/records/${customer.id}$`))

    await page.setViewportSize({ width: 390, height: 844 })
    await page.keyboard.press('Control+k')
    await palette.fill(WORD)
    await expect(page.getByTestId('palette-group')).toHaveCount(3)
    await page.screenshot({ path: `${dir}/search-390.png` })
  })
}
