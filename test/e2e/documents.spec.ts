import { mkdirSync, writeFileSync } from 'node:fs'
import type { Locator, Page } from '@playwright/test'
import PizZip from 'pizzip'
import { chineseAmount } from '../../src-main/shared/chinese-amount'
import { loopbackSmtp, mailAttachments } from '../support/smtp'
import { expect, rpc, test } from './fixtures'

// Documents, e-mail and stage changes in the sales app with sample data, in Chinese, as a sales rep:
// 生成合同 on a contract (the .docx unzipped: filled text, the uppercase amount, one row per payment),
// 生成报价单 then 发送邮件 to an SMTP server on loopback (the message and its attachment arrive; the
// 跟进记录 (邮件) is in the list), and dragging a deal to 输单 on the board: a dialog asks for 输单原因,
// cancel leaves it, filled it moves; to 赢单: it asks for 签约合同扫描件, uploaded in the dialog. Screenshots zh/en at 1440 and 390 in test-results/docs19/.

const ADMIN = { name: '王经理', login: 'admin', password: 'jimu-secret-1' }
const REP = { login: 'zhangwei', password: 'demo12345' }
const SHOTS = 'test-results/docs19'

interface Rec { id: number; fields: Record<string, unknown> }

async function formId(page: Page, apiKey: string): Promise<number> {
  const forms = await rpc<Array<{ id: number; apiKey: string; fields: Array<{ id: number; apiKey: string }> }>>(page, 'forms.list')
  return forms.find((f) => f.apiKey === apiKey)!.id
}

async function signIn(page: Page, who: { login: string; password: string }): Promise<void> {
  await page.goto('/')
  await expect(page.getByRole('heading', { name: '登录' })).toBeVisible({ timeout: 20_000 })
  await page.getByLabel('登录名').fill(who.login)
  await page.getByLabel('密码', { exact: true }).fill(who.password)
  await page.getByRole('button', { name: '登录' }).click()
  // Signing in hashes the password on purpose slowly; the machine may be busy.
  await expect(page.getByTestId('user-menu')).toBeVisible({ timeout: 60_000 })
}

async function drag(page: Page, from: Locator, to: Locator) {
  const a = (await from.boundingBox())!
  const b = (await to.boundingBox())!
  // The last lanes of a wide board may be partly off screen: aim at the visible part.
  const x = Math.min(b.x + b.width / 2, page.viewportSize()!.width - 30)
  await page.mouse.move(a.x + a.width / 2, a.y + Math.min(a.height / 2, 14))
  await page.mouse.down()
  await page.mouse.move(a.x + a.width / 2 + 10, a.y + 20, { steps: 4 })
  await page.mouse.move(x, b.y + Math.min(b.height / 2, 60), { steps: 12 })
  await page.mouse.move(x + 2, b.y + Math.min(b.height / 2, 60) + 2, { steps: 2 })
  await page.mouse.up()
}

/** The text of a .docx body, a line per paragraph. */
const docText = (data: Buffer) => new PizZip(data).file('word/document.xml')!.asText().replace(/<w:p[ >][^]*?<\/w:p>/g, (p) => `${p.replace(/<[^>]+>/g, '')}\n`).replace(/<[^>]+>/g, '')

async function shoot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${SHOTS}/${name}.png` })
}

test('documents, e-mail and stage dialogs as a sales rep on the sample data', async ({ page, browser, server }) => {
  test.setTimeout(900_000)
  mkdirSync(SHOTS, { recursive: true })
  const smtp = await loopbackSmtp()
  try {
    await page.setViewportSize({ width: 1440, height: 900 })
    await page.goto('/')
    await expect(page.getByRole('heading', { name: '欢迎使用积木 CRM' })).toBeVisible({ timeout: 20_000 })
    await page.getByLabel('姓名').fill(ADMIN.name)
    await page.getByLabel('登录名').fill(ADMIN.login)
    await page.getByLabel('密码', { exact: true }).fill(ADMIN.password)
    await page.getByLabel('确认密码').fill(ADMIN.password)
    await page.getByTestId('setup-sample-data').check()
    await page.getByRole('button', { name: '创建管理员并登录' }).click()
    await expect(page.getByTestId('nav-crm-pool')).toBeVisible({ timeout: 300_000 })
    await rpc(page, 'settings.updateCompany', { name: '杭州积木软件有限公司', address: '杭州市西湖区文三路 90 号', bankName: '招商银行杭州分行', bankAccount: '5719 0000 1234' })
    await rpc(page, 'notify.smtpSet', { host: '127.0.0.1', port: smtp.port, secure: false, user: '', from: 'sales@jimu.example' })

    // A sales rep, in a context of their own.
    const context = await browser.newContext({ baseURL: server.url, viewport: { width: 1440, height: 900 } })
    const rep = await context.newPage()
    await signIn(rep, REP)

    // 生成合同 on one of the rep's contracts with a payment plan.
    const contractForm = await formId(rep, 'contract')
    const contracts = await rpc<{ records: Rec[] }>(rep, 'records.list', { form: 'contract', filter: { field: 'owner', op: 'isMe' }, limit: 50 })
    const contract = contracts.records.find((r) => Array.isArray(r.fields.plan) && (r.fields.plan as unknown[]).length >= 2 && typeof r.fields.amount === 'number')!
    expect(contract, 'the rep owns a contract with a payment plan').toBeTruthy()
    await rep.goto(`/#/forms/${contractForm}/records/${contract.id}`)
    const drawer = rep.getByRole('dialog').filter({ has: rep.getByTestId('record-heading') })
    await drawer.getByRole('button', { name: '生成合同' }).click()
    // The made file shows in 合同附件 (the toast saying so closes itself after a few seconds).
    await expect(drawer.getByText(`销售合同-${String(contract.fields.name)}.docx`)).toBeVisible({ timeout: 30_000 })
    const after = await rpc<Rec>(rep, 'records.get', { form: 'contract', id: contract.id })
    const made = (after.fields.files as Array<{ hash: string; name: string }>).at(-1)!
    expect(made.name).toBe(`销售合同-${String(contract.fields.name)}.docx`)
    const fields = (await rpc<{ fields: Array<{ id: number; apiKey: string }> }>(rep, 'forms.get', { form: 'contract' })).fields
    const filesField = fields.find((f) => f.apiKey === 'files')!.id
    const download = await rep.request.get(`/files/${made.hash}?form=${contractForm}&record=${contract.id}&field=${filesField}`)
    expect(download.ok()).toBe(true)
    const text = docText(Buffer.from(await download.body()))
    expect(text).toContain(String(contract.fields.name))
    expect(text).toContain(chineseAmount(contract.fields.amount as number))
    expect(text).toContain('杭州积木软件有限公司')
    expect(text).toContain('招商银行杭州分行')
    for (const row of contract.fields.plan as Array<{ note: string | null }>) if (row.note) expect(text).toContain(row.note)
    expect(text).not.toMatch(/\{[^}]*\}/)
    await expect(drawer.getByText(made.name)).toBeVisible()
    await shoot(rep, 'contract-generated-zh-1440')

    // 打印: the print view opens in a new tab and opens the print dialog itself; the A4 sheet has the
    // letterhead from the system settings and one row per payment; headless Chromium's page.pdf stands
    // in for the desktop app's printToPDF.
    await context.addInitScript(() => {
      const w = window as unknown as { printed: number }
      w.printed = 0
      window.print = () => void w.printed++
    })
    const [sheetPage] = await Promise.all([context.waitForEvent('page'), drawer.getByTestId('record-print-view').click()])
    await expect(sheetPage.getByTestId('print-sheet')).toHaveAttribute('data-print-state', 'ready', { timeout: 30_000 })
    await expect(sheetPage.getByTestId('print-company')).toHaveText('杭州积木软件有限公司')
    await expect(sheetPage.getByTestId('print-title')).toHaveText(String(contract.fields.name))
    await expect(sheetPage.getByTestId('print-subtable-plan').locator('tbody tr')).toHaveCount((contract.fields.plan as unknown[]).length)
    await expect(sheetPage.getByTestId('print-sheet')).toContainText('招商银行杭州分行')
    await expect.poll(() => sheetPage.evaluate(() => (window as unknown as { printed: number }).printed)).toBe(1)
    await sheetPage.screenshot({ path: `${SHOTS}/print-view-zh-1440.png`, fullPage: true })
    await sheetPage.emulateMedia({ media: 'print' })
    await sheetPage.screenshot({ path: `${SHOTS}/print-media-zh-1440.png`, fullPage: true })
    const pdf = await sheetPage.pdf({ preferCSSPageSize: true, printBackground: true })
    writeFileSync(`${SHOTS}/contract-print.pdf`, pdf)
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-')
    await sheetPage.emulateMedia({ media: 'screen' })
    await sheetPage.setViewportSize({ width: 390, height: 844 })
    await sheetPage.screenshot({ path: `${SHOTS}/print-view-zh-390.png`, fullPage: true })
    await sheetPage.close()

    // The made contract itself, printed from its file in 合同附件: the firm's own wording and the
    // plan as a table, converted on the host (no script, no images).
    const madeCard = drawer.getByTestId('attachment-file').filter({ hasText: made.name })
    const [wordPage] = await Promise.all([context.waitForEvent('page'), madeCard.getByTestId('attachment-print').click()])
    await expect(wordPage.getByTestId('print-sheet')).toHaveAttribute('data-print-state', 'ready', { timeout: 30_000 })
    const word = wordPage.getByTestId('print-document')
    await expect(word).toContainText(String(contract.fields.name))
    await expect(word).toContainText(chineseAmount(contract.fields.amount as number))
    for (const row of contract.fields.plan as Array<{ note: string | null }>) if (row.note) await expect(word.locator('tr').filter({ hasText: row.note })).toHaveCount(1)
    await expect.poll(() => wordPage.evaluate(() => (window as unknown as { printed: number }).printed)).toBe(1)
    await wordPage.screenshot({ path: `${SHOTS}/print-word-zh-1440.png`, fullPage: true })
    await wordPage.close()
    await rep.keyboard.press('Escape')

    // 生成报价单 on a quote, then 发送邮件: the message and the attachment arrive, the 跟进记录 is written.
    const quoteForm = await formId(rep, 'quote')
    const quotes = await rpc<{ records: Rec[] }>(rep, 'records.list', { form: 'quote', filter: { field: 'owner', op: 'isMe' }, limit: 50 })
    const quote = quotes.records.find((r) => Array.isArray(r.fields.lines) && (r.fields.lines as unknown[]).length > 0)!
    await rep.goto(`/#/forms/${quoteForm}/records/${quote.id}`)
    const quoteDrawer = rep.getByRole('dialog').filter({ has: rep.getByTestId('record-heading') })
    await quoteDrawer.getByRole('button', { name: '生成报价单' }).click()
    await expect(quoteDrawer.getByText(`报价单-${String(quote.fields.code)}.docx`)).toBeVisible({ timeout: 30_000 })
    await quoteDrawer.getByTestId('document-send').click()
    const send = rep.getByRole('dialog', { name: '通过邮件发送' })
    await expect(send.getByLabel('主题')).toHaveValue(/^报价单：/)
    await send.getByTestId('send-to').fill('buyer@example.com')
    await shoot(rep, 'send-dialog-zh-1440')
    await send.getByTestId('send-submit').click()
    await expect(send).toBeHidden({ timeout: 30_000 })
    await expect.poll(() => smtp.messages.length).toBe(1)
    expect(smtp.messages[0]!.to).toEqual(['buyer@example.com'])
    const [attached] = mailAttachments(smtp.messages[0]!.raw)
    expect(attached!.header).toMatch(/wordprocessingml/)
    expect(docText(attached!.data)).toContain(((quote.fields.lines as Array<{ product: { title: string } }>)[0]!.product.title))
    const subject = String(quote.fields.code)
    const followUps = await rpc<{ records: Rec[] }>(rep, 'records.list', { form: 'followUp', search: subject, limit: 5 })
    const logged = followUps.records.find((r) => String(r.fields.subject).includes(subject))!
    expect(logged.fields).toMatchObject({ method: '邮件' })
    expect((logged.fields.files as unknown[]).length).toBe(1)
    await rep.keyboard.press('Escape')
    await rep.goto(`/#/forms/${await formId(rep, 'followUp')}/records/${logged.id}`)
    await expect(rep.getByTestId('record-heading')).toContainText(subject)
    await rep.keyboard.press('Escape')

    // Drag an open deal to 输单: the dialog asks for 输单原因; cancel leaves it, filled it moves.
    const oppForm = await formId(rep, 'opportunity')
    const open = await rpc<{ records: Rec[] }>(rep, 'records.list', { form: 'opportunity', filter: { and: [{ field: 'owner', op: 'isMe' }, { field: 'stage', op: 'notIn', value: ['won', 'lost'] }] }, limit: 50 })
    // Wide enough for all six lanes, so a card can travel from the first to the last.
    await rep.setViewportSize({ width: 2200, height: 900 })
    await rep.goto(`/#/forms/${oppForm}`)
    await rep.getByRole('button', { name: '销售漏斗' }).click()
    const kanban = rep.getByTestId('kanban')
    await expect(kanban.getByTestId(/^kanban-card-/).first()).toBeVisible()
    // The first card of an open lane (the board shows the rep's own deals).
    const card = kanban.locator(['初步接洽', '需求分析', '方案报价', '商务谈判'].map((s) => `[data-testid="kanban-column-${s}"] [data-testid^="kanban-card-"]`).join(', ')).first()
    const dealId = Number((await card.getAttribute('data-testid'))!.replace('kanban-card-', ''))
    const from = String((await rpc<Rec>(rep, 'records.get', { form: 'opportunity', id: dealId })).fields.stage)
    const deal = { id: dealId }
    await card.scrollIntoViewIfNeeded()
    await drag(rep, card, rep.getByTestId('kanban-column-输单'))
    const ask = rep.getByTestId('stage-dialog')
    await expect(ask).toContainText('输单原因')
    await ask.getByTestId('stage-cancel').click()
    await expect(ask).toBeHidden()
    expect((await rpc<Rec>(rep, 'records.get', { form: 'opportunity', id: deal.id })).fields.stage).toBe(from)
    const moving = kanban.getByTestId(`kanban-card-${deal.id}`)
    await drag(rep, moving, rep.getByTestId('kanban-column-输单'))
    // (The modal's root box has no size of its own: its buttons are what a user sees.)
    await expect(ask.getByTestId('stage-confirm')).toBeVisible()
    await ask.getByTestId('stage-confirm').click()
    await expect(ask.getByText('“输单原因”不能为空')).toBeVisible()
    await ask.getByLabel(/^输单原因/).click()
    await rep.getByRole('option', { name: '价格' }).click()
    await shoot(rep, 'stage-dialog-zh-1440')
    await ask.getByTestId('stage-confirm').click()
    await expect(ask).toBeHidden()
    await expect(rep.getByTestId('kanban-column-输单').getByTestId(`kanban-card-${deal.id}`)).toBeVisible()
    await expect.poll(async () => (await rpc<Rec>(rep, 'records.get', { form: 'opportunity', id: deal.id })).fields).toMatchObject({ stage: '输单', lossReason: '价格' })

    // Drag another open deal (not one the steps below open) to 赢单: 签约合同扫描件 is required on
    // entering 赢单, so the dialog asks for it; a PDF uploaded in the dialog, the deal moves.
    const later = new Set([deal.id, ...open.records.filter((r) => r.id !== deal.id).slice(0, 2).map((r) => r.id)])
    const openCards = kanban.locator(['初步接洽', '需求分析', '方案报价', '商务谈判'].map((s) => `[data-testid="kanban-column-${s}"] [data-testid^="kanban-card-"]`).join(', '))
    const winId = (await openCards.evaluateAll((cards) => cards.map((c) => Number(c.getAttribute('data-testid')!.replace('kanban-card-', ''))))).find((id) => !later.has(id))!
    const winning = kanban.getByTestId(`kanban-card-${winId}`)
    await winning.scrollIntoViewIfNeeded()
    await drag(rep, winning, rep.getByTestId('kanban-column-赢单'))
    await expect(ask.getByTestId('dropzone-contractScan')).toBeVisible()
    await expect(ask).toContainText('签约合同扫描件')
    await ask.getByTestId('dropzone-contractScan').locator('input[type="file"]').setInputFiles({ name: '签约合同.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n') })
    await expect(ask.getByTestId('attachment-file')).toContainText('签约合同.pdf')
    await shoot(rep, 'stage-dialog-won-zh-1440')
    await ask.getByTestId('stage-confirm').click()
    await expect(ask).toBeHidden()
    await expect(rep.getByTestId('kanban-column-赢单').getByTestId(`kanban-card-${winId}`)).toBeVisible()
    const won = (await rpc<Rec>(rep, 'records.get', { form: 'opportunity', id: winId })).fields
    expect(won.stage).toBe('赢单')
    expect((won.contractScan as Array<{ name: string }>).map((f) => f.name)).toEqual(['签约合同.pdf'])

    await rep.setViewportSize({ width: 1440, height: 900 })

    // The stage path on an open deal: where it is and what the next stage needs.
    const other = open.records.find((r) => r.id !== deal.id)!
    await rep.goto(`/#/forms/${oppForm}/records/${other.id}`)
    const path = rep.getByTestId('stage-path')
    await expect(path.locator('[data-current="true"]')).toHaveText(String(other.fields.stage))
    await expect(rep.getByTestId('stage-next')).toContainText('移到')
    await shoot(rep, 'stage-path-zh-1440')
    await rep.setViewportSize({ width: 390, height: 844 })
    await expect(path.getByTestId(/^stage-step-/).first()).toBeVisible()
    await shoot(rep, 'stage-path-zh-390')
    await rep.goto(`/#/forms/${contractForm}/records/${contract.id}`)
    await expect(rep.getByRole('button', { name: '生成合同' })).toBeVisible()
    await shoot(rep, 'contract-zh-390')

    // English.
    await rep.evaluate(() => localStorage.setItem('jimu.locale', 'en'))
    await rep.reload()
    // The button says what the owner named it (生成合同); the rest of the page is in English.
    await expect(rep.getByRole('button', { name: 'Send by e-mail' })).toBeVisible({ timeout: 20_000 })
    await shoot(rep, 'contract-en-390')
    await rep.setViewportSize({ width: 1440, height: 900 })
    await rep.goto(`/#/forms/${oppForm}/records/${other.id}`)
    await expect(rep.getByTestId('stage-next')).toContainText('Moving to')
    await shoot(rep, 'stage-path-en-1440')
    await rep.goto(`/#/forms/${oppForm}/records/${open.records.filter((r) => r.id !== deal.id)[1]!.id}`)
    await rep.getByTestId('stage-step-输单').click()
    await expect(rep.getByTestId('stage-dialog')).toContainText('needs the following first')
    await shoot(rep, 'stage-dialog-en-1440')
    await rep.getByTestId('stage-cancel').click()
    await context.close()
  } finally {
    await smtp.close()
  }
})

