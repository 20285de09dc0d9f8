import { mkdirSync } from 'node:fs'
import type { Page } from '@playwright/test'
import { translate, type Locale } from '../../src-main/shared/locales'
import { expect, rpc, setUpAdmin, test } from './fixtures'

// Offline laptops (issue 18), the user's side, as 销售代表 张伟 on the sample data: his laptop
// edited a customer offline — its tier and its address — while the office changed the same
// customer's tier. The laptop's push (sync.push, as the desktop client sends it, with the base
// version it saw) merges the address and leaves the tier in his 冲突 inbox. His open browser's
// status chip turns to 冲突 1 without a reload; he opens the inbox from the chip, sees both tiers
// by their labels with who changed the office's, keeps his, the record shows it, and the chip is
// back to 在线. JIMU_E2E_LOCALE=en runs the same in English. Screenshots (1440 and 390) of the
// popover and the inbox in test-results/sync18/.

const LOCALE = (process.env.JIMU_E2E_LOCALE === 'en' ? 'en' : 'zh-CN') as Locale
const ADMIN = { name: '王经理', login: 'admin', password: 'jimu-secret-1' }
const REP = { login: 'zhangwei', password: 'demo12345' }
const SHOTS = 'test-results/sync18'
const t = (key: string, params: Record<string, string | number> = {}) => translate(LOCALE, key, params)

interface Field { apiKey: string; label: string; config: { options?: Array<{ id: string; label: string }> } }
interface Pulled { cursor: number; more: boolean; resume: unknown; records: Array<{ form: number; seq: number; record: { id: number; fields: Record<string, unknown> } }> }

async function shoot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${SHOTS}/${name}-${LOCALE}-${page.viewportSize()!.width}.png` })
}

test('a conflict from an offline laptop reaches the chip and is resolved in the 冲突 inbox', async ({ page, browser, baseURL }) => {
  test.setTimeout(120_000)
  mkdirSync(SHOTS, { recursive: true })
  await setUpAdmin(page, ADMIN)
  await rpc(page, 'crm.install', { locale: LOCALE, sampleData: true, seed: 11 })
  const customerForm = await rpc<{ id: number; fields: Field[] }>(page, 'forms.get', { form: 'customer' })
  const tiers = customerForm.fields.find((f) => f.apiKey === 'level')!.config.options!

  // 张伟 in his own browser, in his language.
  const context = await browser.newContext({ baseURL, viewport: { width: 1440, height: 900 }, locale: LOCALE })
  await context.addInitScript((lang) => localStorage.setItem('jimu.locale', lang), LOCALE)
  const rep = await context.newPage()
  const repUser = (await rpc<{ user: { id: number } }>(rep, 'auth.login', REP)).user

  // The laptop's replica: the records it holds, each with the host sequence of what it saw.
  let pulled: Pulled['records'][number] | undefined
  let cursor = 0
  let resume: unknown = null
  let forms: Record<string, string> = {}
  for (;;) {
    const page1 = await rpc<Pulled & { forms: Array<{ form: { id: number }; key: string }> }>(rep, 'sync.pull', { cursor, forms, resume, limit: 2000 })
    pulled ??= page1.records.find((r) => r.form === customerForm.id)
    forms = { ...forms, ...Object.fromEntries(page1.forms.map((f) => [String(f.form.id), f.key])) }
    if (pulled || !page1.more) break
    cursor = page1.cursor
    resume = page1.resume
  }
  expect(pulled, 'the rep has a customer in his share of the sample data').toBeDefined()
  const customer = pulled!.record
  const title = String(customer.fields.name)
  const office = tiers.find((o) => o.id !== customer.fields.level)!
  const mine = tiers.find((o) => o.id !== customer.fields.level && o.id !== office.id)!
  const schema = await rpc<{ schemaVersion: number }>(rep, 'forms.get', { form: customerForm.id })

  await rep.goto('/')
  await expect(rep.getByTestId('user-menu')).toBeVisible({ timeout: 60_000 })
  await expect(rep.locator('html[data-live="on"]')).toHaveCount(1)
  const chip = rep.getByTestId('sync-chip')
  await expect(chip).toHaveAttribute('data-state', 'online')
  await expect(chip).toContainText(t('sync.chip.online'))

  // Meanwhile at the office: the manager sets the tier.
  await rpc(page, 'records.update', { form: 'customer', id: customer.id, fields: { level: office.id } })

  // The laptop comes back and pushes what was typed offline, based on what it had seen.
  const address = LOCALE === 'en' ? '88 Jiangnan Avenue, Binjiang' : '滨江区江南大道 88 号'
  const pushed = await rpc<{ results: Array<{ status: string; conflictId: number | null }> }>(rep, 'sync.push', {
    device: 'zhangwei-laptop',
    ops: [{
      opId: crypto.randomUUID(), hlc: `${Date.now() - 60_000}-0`, form: customerForm.id, schemaVersion: schema.schemaVersion, kind: 'update', record: customer.id,
      values: { level: mine.id, address }, base: { level: pulled!.seq, address: pulled!.seq }
    }]
  })
  expect(pushed.results[0]).toMatchObject({ status: 'conflict' })

  // The address merged (a live event); the chip counts the conflict without a reload.
  await expect(chip).toHaveAttribute('data-state', 'conflicts')
  await expect(chip).toContainText(t('sync.chip.conflicts', { count: 1 }))
  await chip.click()
  const popover = rep.getByTestId('sync-popover')
  await expect(popover.getByTestId('sync-popover-conflicts')).toHaveText(t('sync.chip.conflictsOpen', { count: 1 }))
  await expect(popover.getByTestId('sync-popover-state')).toHaveText(t('sync.chip.online'))
  // Shoot once the popover has faded in.
  await expect(popover).toHaveCSS('opacity', '1')
  await shoot(rep, 'popover')
  await rep.setViewportSize({ width: 390, height: 844 })
  await expect(popover).toHaveCSS('opacity', '1')
  await shoot(rep, 'popover')
  await popover.getByTestId('sync-open-inbox').click()

  // The inbox: the record, the reason, both tiers by their labels, who changed the office's.
  const card = rep.getByTestId('conflict-card')
  await expect(card).toHaveCount(1)
  await expect(card.getByTestId('conflict-record')).toHaveText(title)
  await expect(card.getByTestId('conflict-reason')).toHaveText(t('sync.inbox.kind.field'))
  const tier = card.getByTestId('conflict-field-level')
  await expect(tier.getByTestId('conflict-side-mine')).toContainText(mine.label)
  await expect(tier.getByTestId('conflict-side-theirs')).toContainText(office.label)
  await expect(tier.getByTestId('conflict-side-theirs')).toContainText(ADMIN.name)
  await expect(card.getByTestId('conflict-field-address')).toHaveCount(0)
  await shoot(rep, 'inbox')
  await rep.setViewportSize({ width: 1440, height: 900 })
  // The navigation slides back in at desktop width: shoot once it is there.
  await expect.poll(async () => (await rep.getByTestId('nav-home').boundingBox())?.x ?? -1).toBeGreaterThanOrEqual(0)
  await shoot(rep, 'inbox')

  // 解决 with no choice names the field; then keep mine.
  await card.getByTestId('conflict-resolve').click()
  await expect(tier.getByTestId('conflict-field-error')).toHaveText(t('sync.chooseField', { field: customerForm.fields.find((f) => f.apiKey === 'level')!.label }))
  await tier.getByTestId('conflict-side-mine').click()
  await card.getByTestId('conflict-resolve').click()
  await expect(card.getByTestId('conflict-resolved')).toBeVisible()
  await expect(card.getByTestId('conflict-after-level')).toContainText(mine.label)
  await expect(chip).toHaveAttribute('data-state', 'online')
  await expect(chip).toContainText(t('sync.chip.online'))
  await shoot(rep, 'resolved')

  // The record shows his tier, and the merged address.
  await card.getByTestId('conflict-record').click()
  const form = rep.getByTestId('record-form')
  await expect(form.locator('[data-field="level"] input').first()).toHaveValue(mine.label)
  await expect(form.locator('[data-field="address"] input').first()).toHaveValue(address)

  // Nothing left: the inbox (from the user menu) says so.
  await rep.keyboard.press('Escape')
  await expect(form).toHaveCount(0)
  await rep.getByTestId('user-menu').click()
  await rep.getByTestId('menu-conflicts').click()
  await expect(rep.getByTestId('conflicts-empty')).toBeVisible()
  await shoot(rep, 'empty')
  await context.close()

  // An approval taken offline: 吴海燕 (销售经理) approved 张伟's quote on her laptop while, from her
  // desk PC, she had handed that to-do to the administrator. The laptop's push is refused into her
  // inbox; the card names the quote, what she decided and wrote, the reason, and 重新提交 / 放弃.
  const me = await rpc<{ id: number }>(page, 'auth.me')
  const quoteTitle = LOCALE === 'en' ? 'Quote approved on the road' : '路上审批的报价'
  const quote = await rpc<{ id: number; fields: Record<string, unknown> }>(page, 'records.create', { form: 'quote', fields: { title: quoteTitle, quotedOn: '2026-12-01', owner: repUser.id } })
  const quoteFlow = (await rpc<Array<{ id: number }>>(page, 'flows.list', { form: 'quote' }))[0]!
  const instance = await rpc<{ id: number; title: string }>(page, 'flows.start', { flowId: quoteFlow.id, recordId: quote.id })
  const managerContext = await browser.newContext({ baseURL, viewport: { width: 1440, height: 900 }, locale: LOCALE })
  await managerContext.addInitScript((lang) => localStorage.setItem('jimu.locale', lang), LOCALE)
  const manager = await managerContext.newPage()
  await rpc(manager, 'auth.login', { login: 'wuhaiyan', password: 'demo12345' })
  const todo = await rpc<{ tasks: Array<{ id: number; instanceId: number }> }>(manager, 'flows.todo', { tab: 'todo', limit: 50 })
  const taskId = todo.tasks.find((x) => x.instanceId === instance.id)!.id
  await rpc(manager, 'flows.transfer', { taskId, toUserId: me.id })
  const quoteSchema = await rpc<{ id: number; schemaVersion: number }>(manager, 'forms.get', { form: 'quote' })
  const comment = LOCALE === 'en' ? 'Agreed with the customer on site' : '在客户那里谈妥了，同意'
  const refused = await rpc<{ results: Array<{ status: string; message: string | null }> }>(manager, 'sync.push', {
    device: 'wuhaiyan-laptop',
    ops: [{ opId: crypto.randomUUID(), hlc: `${Date.now() - 120_000}-0`, form: quoteSchema.id, schemaVersion: quoteSchema.schemaVersion, kind: 'approval', task: taskId, decision: 'approve', comment }]
  })
  expect(refused.results[0]).toMatchObject({ status: 'refused' })
  await manager.goto('/#/sync/conflicts')
  const approvalCard = manager.getByTestId('conflict-card')
  await expect(approvalCard).toHaveCount(1, { timeout: 60_000 })
  await expect(approvalCard.getByTestId('conflict-record')).toHaveText(instance.title)
  await expect(approvalCard.getByTestId('conflict-reason')).toHaveText(t('sync.inbox.refusedReason', { reason: t('flows.error.taskClosed') }))
  await expect(approvalCard.getByTestId('conflict-typed-*decision')).toContainText(t('sync.approval.approve'))
  await expect(approvalCard.getByTestId('conflict-typed-*comment')).toContainText(comment)
  await expect(approvalCard.getByTestId('conflict-side-mine')).toHaveText(t('sync.inbox.approval.mine'))
  await expect(approvalCard.getByTestId('conflict-side-theirs')).toHaveText(t('sync.inbox.approval.theirs'))
  await shoot(manager, 'approval')
  await manager.setViewportSize({ width: 390, height: 844 })
  // The navigation slides away at phone width: shoot once the card has the screen's width.
  await expect.poll(async () => (await approvalCard.boundingBox())?.width ?? 0).toBeGreaterThan(340)
  await shoot(manager, 'approval')
  // 放弃: the card says the office's approval stays as it is.
  await approvalCard.getByTestId('conflict-side-theirs').click()
  await approvalCard.getByTestId('conflict-resolve').click()
  await expect(approvalCard.getByTestId('conflict-after')).toContainText(t('sync.inbox.approval.dropped'))
  await shoot(manager, 'approval-resolved')
  await managerContext.close()
})
