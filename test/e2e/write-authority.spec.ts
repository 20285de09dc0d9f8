import type { Page } from '@playwright/test'
import { createAdmin, expect, rpc, test } from './fixtures'

// A rep in the Chinese UI, on the ready sales app: a new lead that a rule hands to a colleague is
// saved, and the drawer says so and closes (no 找不到记录, nothing left to save twice); the
// contract's 审批状态 cannot be filled in by hand; the owner cannot be changed without the right.

const ADMIN = { name: '王经理', login: 'admin', password: 'jimu-secret-1' }
const REP = { name: '张伟', login: 'zhangwei', password: 'rep-pass-123' }
const COLLEAGUE = { name: '李娜', login: 'lina', password: 'rep-pass-456' }

async function signIn(page: Page, who: { login: string; password: string }): Promise<void> {
  await page.goto('/')
  await page.getByLabel('登录名').fill(who.login)
  await page.getByLabel('密码', { exact: true }).fill(who.password)
  await page.getByRole('button', { name: '登录', exact: true }).click()
  await expect(page.getByTestId('user-menu')).toBeVisible()
}

test('a rep’s lead assigned away by a rule is saved and let go; 审批状态 and the owner are not theirs to set', async ({ page }) => {
  test.setTimeout(120_000)
  await page.setViewportSize({ width: 1440, height: 900 })
  await createAdmin(page, ADMIN, { salesApp: true })
  await expect(page.getByRole('link', { name: '线索' })).toBeVisible({ timeout: 30_000 })
  const roles = await rpc<Array<{ id: number; key: string }>>(page, 'roles.list')
  const repRole = roles.find((r) => r.key === 'sales_rep')!.id
  await rpc(page, 'users.create', { ...REP, roleIds: [repRole] })
  const colleague = await rpc<{ id: number }>(page, 'users.create', { ...COLLEAGUE, roleIds: [repRole] })
  await rpc(page, 'rules.create', {
    name: '上海线索归李娜', form: 'lead', enabled: true, trigger: { type: 'created' },
    condition: { filter: { field: 'city', op: 'eq', value: '上海' } }, actions: [{ type: 'assign', mode: 'user', userId: colleague.id }]
  })
  await rpc(page, 'auth.logout')
  await page.context().clearCookies()

  await signIn(page, REP)
  await page.getByRole('link', { name: '线索' }).click()
  await page.getByRole('button', { name: '新建记录' }).first().click()
  const drawer = page.getByRole('dialog', { name: '新建记录 · 线索' })
  await drawer.getByRole('textbox', { name: '姓名' }).fill('王强')
  await drawer.getByLabel('城市').fill('上海')
  await drawer.getByRole('button', { name: '保存' }).click()
  await expect(page.getByText('已保存；现已分配给 李娜，您将无法再打开此记录')).toBeVisible()
  await expect(drawer).toBeHidden()
  // No question about unsaved edits, and no error.
  await expect(page.getByText('找不到记录')).toHaveCount(0)
  await expect(page.getByRole('dialog')).toHaveCount(0)
  const leads = await rpc<{ records: unknown[] }>(page, 'records.list', { form: 'lead', limit: 10 })
  expect(leads.records).toHaveLength(0)

  // A lead that stays the rep's: the owner is shown, and not theirs to change.
  await page.getByRole('button', { name: '新建记录' }).first().click()
  await drawer.getByRole('textbox', { name: '姓名' }).fill('赵六')
  await drawer.getByLabel('城市').fill('杭州')
  await drawer.getByRole('button', { name: '保存' }).click()
  await expect(page.getByText('记录已创建')).toBeVisible()
  await page.getByRole('link', { name: '合同' }).click()
  await page.getByRole('button', { name: '新建记录' }).first().click()
  const contract = page.getByRole('dialog', { name: '新建记录 · 合同' })
  await expect(contract.locator('[data-locked="true"]').filter({ hasText: '审批状态' })).toBeVisible()
  await page.screenshot({ path: 'test-results/write-authority.png' })
})
