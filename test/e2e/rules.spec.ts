import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { Locator, Page } from '@playwright/test'
import { test as base, setUpAdmin, expect, rpc, type JimuServer } from './fixtures'

// The rule engine end to end, in Chinese: the server starts with a demo clock (--now), an
// administrator builds "商机 7 天未跟进提醒" as a sentence, dry-runs it, enables it, moves the
// clock forward a week, and sees the notification in the bell and the to-do the rule created.

const SERVE = resolve(process.env.JIMU_SERVE ?? 'out/main/serve.js')
const NOW = '2024-03-04T09:00:00+08:00'
const DAY = 24 * 3600_000

function startServer(dataDir: string): Promise<{ url: string; child: ChildProcess }> {
  return new Promise((done, reject) => {
    const child = spawn(process.execPath, [SERVE, '--data', dataDir, '--port', '0', '--now', NOW], { stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`serve did not start:\n${output}`))
    }, 30_000)
    child.stdout?.on('data', (c: Buffer) => {
      output += c.toString()
      const ready = /Jimu CRM serving at (http:\/\/\S+)/.exec(output)
      if (ready) {
        clearTimeout(timer)
        done({ url: ready[1]!, child })
      }
    })
    child.stderr?.on('data', (c: Buffer) => (output += c.toString()))
  })
}

// The same fixtures, with a server whose clock starts at NOW and may be moved (serve --now).
const test = base.extend<{ server: JimuServer }>({
  // oxlint-disable-next-line no-empty-pattern -- Playwright fixtures must destructure their first argument
  server: async ({}, use) => {
    if (!existsSync(SERVE)) throw new Error(`${SERVE} is missing: run \`npm run build\` first`)
    const dataDir = mkdtempSync(join(tmpdir(), 'jimu-e2e-rules-'))
    const { url, child } = await startServer(dataDir)
    try {
      await use({ url, dataDir })
    } finally {
      child.kill('SIGTERM')
      await new Promise((r) => child.once('exit', r))
      rmSync(dataDir, { recursive: true, force: true })
    }
  }
})

async function choose(page: Page, input: Locator, option: string) {
  await input.click()
  await page.getByRole('option', { name: option, exact: true }).click()
}

test('builds the 7-day no-follow-up rule in Chinese, dry-runs it, enables it, and after a week the owner gets the notification and the to-do', async ({ page }) => {
  test.setTimeout(120_000)
  await page.setViewportSize({ width: 1440, height: 1000 })
  await setUpAdmin(page, { name: '王经理', login: 'wang', password: 'secret123' })
  await rpc(page, 'crm.install', {})
  // The shipped rules are switched off, so only the rule built here acts.
  for (const rule of await rpc<Array<{ id: number }>>(page, 'rules.list', {})) await rpc(page, 'rules.setEnabled', { id: rule.id, enabled: false })
  const forms = await rpc<Array<{ id: number; apiKey: string }>>(page, 'forms.list', {})
  const taskForm = forms.find((f) => f.apiKey === 'task')!
  await rpc(page, 'records.create', { form: 'opportunity', fields: { name: '华东区 ERP 项目', stage: 'initial', amount: 120000 } })
  // A deal won long ago, as history (bulk create is the import path: 赢单 asks for the contract scan only on a move).
  await rpc(page, 'records.bulkCreate', { form: 'opportunity', rows: [{ name: '已赢单的老项目', stage: 'won', amount: 50000 }] })
  await rpc(page, 'clock.advance', { ms: 8 * DAY })
  await rpc(page, 'records.create', { form: 'opportunity', fields: { name: '华南区 CRM 项目', stage: 'initial', amount: 80000 } })

  // 自动化规则 → 新建规则
  await page.goto('/')
  await page.getByTestId('nav-rules').click()
  await expect(page.getByRole('heading', { name: '自动化规则' })).toBeVisible()
  await expect(page.getByTestId('demo-clock-now')).toHaveText('2024-03-12 09:00', { timeout: 10_000 }).catch(async () => {
    // The demo clock keeps running; only the date matters here.
    await expect(page.getByTestId('demo-clock-now')).toContainText('2024-03-12')
  })
  await page.getByTestId('new-rule').click()
  const editor = page.getByTestId('rule-editor')
  await page.getByTestId('rule-name').fill('商机 7 天未跟进提醒')

  // 当 商机 的记录 超过 7 天没有关联的 跟进记录
  await choose(page, page.getByTestId('rule-form'), '商机')
  await choose(page, page.getByTestId('trigger-type'), '长时间没有跟进')
  await expect(page.getByTestId('trigger-days')).toHaveValue('7')

  // 如果 销售阶段 等于 初步接洽
  await editor.getByRole('button', { name: '添加条件', exact: true }).click()
  const condition = editor.getByTestId('filter-condition').first()
  await choose(page, condition.getByRole('combobox', { name: '字段' }), '销售阶段')
  await condition.getByLabel('值').click()
  await page.getByRole('option', { name: '初步接洽', exact: true }).click()
  await page.keyboard.press('Escape')

  // 那么 通知负责人和上级，并新建一条待办
  const notify = page.getByTestId('action-0')
  await notify.getByTestId('action-title').fill('商机「{{商机名称}}」已 7 天未跟进')
  await notify.getByTestId('recipient-manager').check()
  await page.getByTestId('add-action').click()
  await page.getByRole('menuitem', { name: '新建记录' }).click()
  const create = page.getByTestId('action-1')
  await expect(create.getByRole('textbox', { name: '值' }).first()).toHaveValue(/跟进：\{\{商机名称\}\}/)
  await choose(page, create.getByRole('combobox', { name: '新建记录，并通过' }), '商机')

  // 试运行: one record is idle now (the other initial one is new, the won one does not match).
  await page.getByTestId('dry-run-button').click()
  await expect(page.getByTestId('dry-run-now-count')).toHaveText('1 条')
  await expect(page.getByTestId('dry-run')).toContainText('华东区 ERP 项目')
  await expect(page.getByTestId('dry-run')).not.toContainText('华南区 CRM 项目')
  await page.screenshot({ path: 'resources/screenshots/rule-editor.png', fullPage: true })

  // 保存并启用
  await page.getByTestId('rule-save').click()
  await expect(page.getByText('规则已保存')).toBeVisible()
  await page.getByTestId('rule-enabled').click()
  await expect(page.getByText('规则已启用')).toBeVisible()

  // The idle one is handled at the next scheduler tick.
  await expect.poll(async () => (await rpc<{ unread: number }>(page, 'notifications.list', {})).unread, { timeout: 15_000 }).toBe(1)

  // A week later the second one is idle too.
  await page.getByRole('button', { name: '返回规则列表' }).click()
  await expect(page.getByTestId('rule-list')).toContainText('商机 7 天未跟进提醒')
  await expect(page.getByTestId('rule-list')).toContainText('超过 7 天没有跟进记录')
  await page.getByTestId('advance-7').click()
  await expect(page.getByTestId('demo-clock-now')).toContainText('2024-03-19')
  await expect.poll(async () => (await rpc<{ unread: number }>(page, 'notifications.list', {})).unread, { timeout: 15_000 }).toBe(2)

  // The bell shows the count; the center lists both with a link to the record.
  await page.reload()
  await expect(page.getByTestId('notification-badge')).toContainText('2')
  await page.getByTestId('notification-bell').click()
  const center = page.getByTestId('notification-center')
  await expect(center.getByTestId('notification-item')).toHaveCount(2)
  await expect(center).toContainText('商机「华南区 CRM 项目」已 7 天未跟进')
  await expect(center).toContainText('商机「华东区 ERP 项目」已 7 天未跟进')
  // Let the popover's opening transition finish before the picture.
  await page.waitForTimeout(500)
  await page.screenshot({ path: 'resources/screenshots/notification-center.png' })
  await center.getByTestId('notification-item').filter({ hasText: '华南区 CRM 项目' }).click()
  await expect(page).toHaveURL(/#\/forms\/\d+\/records\/\d+$/)
  await expect(page.getByText('华南区 CRM 项目').first()).toBeVisible()

  // The to-dos the rule created, linked to their opportunities.
  await page.goto(`/#/forms/${taskForm.id}`)
  await expect(page.getByText('跟进：华南区 CRM 项目')).toBeVisible()
  await expect(page.getByText('跟进：华东区 ERP 项目')).toBeVisible()

  // The run log says what ran.
  await page.getByTestId('nav-rules').click()
  await page.getByTestId('rule-list').getByText('商机 7 天未跟进提醒', { exact: true }).click()
  await page.getByTestId('tab-run-log').click()
  await expect(page.getByTestId('run-log')).toContainText('未跟进扫描')
  await page.screenshot({ path: 'test-results/rules-run-log.png', fullPage: true })

  // Background jobs and the email / webhook settings.
  await page.getByRole('button', { name: '返回规则列表' }).click()
  await page.getByTestId('tab-jobs').click()
  await expect(page.getByTestId('jobs-panel')).toContainText('没有失败的任务')
  await page.getByTestId('tab-notify-settings').click()
  await expect(page.getByText('发信邮箱（SMTP）')).toBeVisible()
  await page.screenshot({ path: 'test-results/rules-settings.png' })
})
