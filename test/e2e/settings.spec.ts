import { existsSync, mkdtempSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createAdmin, expect, rpc, test } from './fixtures'

// 设置 → 系统 and 备份与恢复 in the Chinese UI, in serve mode: the company printed on quotes, a
// backup copied to a second place and verified, a restore after a preview and typing 恢复, the
// data folder exported as one .zip — and a new installation started from that .zip on its
// first-run screen (从备份恢复).

const ADMIN = { name: '王经理', login: 'admin', password: 'jimu-secret-1' }
const second = mkdtempSync(join(tmpdir(), 'jimu-e2e-usb-'))
let archive = ''

test.describe.serial('system settings and backups', () => {
  test('company, backups with a second place, restore with preview and typed confirmation, data folder export', async ({ page }) => {
    await createAdmin(page, ADMIN)
    await page.getByTestId('nav-system').click()
    await expect(page.getByRole('heading', { name: '系统设置' })).toBeVisible()
    await page.getByTestId('company-name').fill('杭州积木智能科技有限公司')
    await page.getByTestId('company-taxId').fill('91330106MA2H7K3X5P')
    await page.getByTestId('company-bankName').fill('招商银行杭州文三路支行')
    await page.getByTestId('company-bankAccount').fill('5719 0812 3456 0001')
    await page.getByTestId('company-save').click()
    await expect(page.getByText('公司信息已保存')).toBeVisible()
    expect(await rpc<{ name: string; taxId: string }>(page, 'settings.company')).toMatchObject({ name: '杭州积木智能科技有限公司', taxId: '91330106MA2H7K3X5P' })

    await page.getByTestId('system-tab-about').click()
    await expect(page.getByTestId('system-about')).toContainText('数据文件夹')

    // A form with one record, so the preview has something to count.
    const app = await rpc<{ id: number }>(page, 'apps.create', { label: '销售管理' })
    await rpc(page, 'forms.create', { appId: app.id, label: '客户', apiKey: 'customer', fields: [{ label: '客户名称', apiKey: 'name', type: 'text' }] })
    await rpc(page, 'records.create', { form: 'customer', fields: { name: '宁波海曙贸易' } })

    await page.getByTestId('nav-backups').click()
    await page.getByTestId('backup-copy-to').fill(join(second, '不存在'))
    await page.getByTestId('backup-save').click()
    await expect(page.getByText('无法使用文件夹')).toBeVisible()
    await page.getByTestId('backup-copy-to').fill(second)
    await page.getByTestId('backup-save').click()
    await expect(page.getByText('备份设置已保存')).toBeVisible()
    await page.getByTestId('backup-now').click()
    await expect(page.getByTestId('backup-list')).toContainText('手动备份')
    await expect(page.getByTestId('backup-list')).toContainText('已复制并校验')
    expect(readdirSync(second).filter((f) => f.endsWith('-manual.db'))).toHaveLength(1)

    // A second record, then the backup taken before it is restored.
    await rpc(page, 'records.create', { form: 'customer', fields: { name: '杭州云栖科技' } })
    await page.getByTestId('backup-list').getByRole('button', { name: '恢复' }).first().click()
    const dialog = page.getByRole('dialog')
    await expect(dialog.getByTestId('restore-preview')).toContainText('1 条记录')
    await expect(dialog.getByTestId('restore-run')).toBeDisabled()
    await dialog.getByTestId('restore-confirm').fill('恢复')
    await page.screenshot({ path: 'test-results/settings-restore-preview.png' })
    await dialog.getByTestId('restore-run').click()
    await expect(page.getByText('已恢复备份。')).toBeVisible()
    // The backup was taken while this session existed, so it is still signed in afterwards.
    expect((await rpc<{ total: number }>(page, 'records.count', { form: 'customer' })).total).toBe(1)

    // The whole data folder as one .zip.
    await page.getByTestId('archive-folder').fill(second)
    await page.getByTestId('archive-export').click()
    await expect(page.getByText('已导出到')).toBeVisible()
    archive = join(second, readdirSync(second).find((f) => f.startsWith('jimu-data-') && f.endsWith('.zip'))!)
    expect(existsSync(archive)).toBe(true)
    await page.screenshot({ path: 'test-results/settings-backups.png' })
  })

  test('a new installation starts from the exported data folder on its first-run screen', async ({ page }) => {
    expect(archive).not.toBe('')
    await page.goto('/')
    await expect(page.getByRole('heading', { name: '欢迎使用积木 CRM' })).toBeVisible({ timeout: 20_000 })
    await page.locator('input[type=file]').setInputFiles(archive)
    await expect(page.getByText(/已恢复：1 个用户/)).toBeVisible({ timeout: 20_000 })
    await page.getByLabel('登录名').fill(ADMIN.login)
    await page.getByLabel('密码').fill(ADMIN.password)
    await page.getByRole('button', { name: '登录' }).click()
    await expect(page.getByTestId('user-menu')).toContainText(ADMIN.name)
    expect(await rpc<{ name: string }>(page, 'settings.company')).toMatchObject({ name: '杭州积木智能科技有限公司' })
    await page.screenshot({ path: 'test-results/settings-first-run-restore.png' })
  })
})
