import type { Page } from '@playwright/test'
import { createAdmin, expect, rpc, test } from './fixtures'

// The owner sets up the firm in the Chinese UI: a department, a manager who heads it and two
// sales reps; gives 销售代表 "own records" and 销售经理 "own department" on 客户; then signs
// in as each of them and sees exactly the records the roles allow.

const OWNER = { name: '王老板', login: 'owner', password: 'owner-secret-1' }
const MANAGER = { name: '李经理', login: 'lijl', password: 'manager-pass-1' }
const REP_A = { name: '张三', login: 'zhangsan', password: 'rep-a-pass-1' }
const REP_B = { name: '赵四', login: 'zhaosi', password: 'rep-b-pass-1' }

async function signIn(page: Page, who: { login: string; password: string }): Promise<void> {
  await page.goto('/')
  await page.getByLabel('登录名').fill(who.login)
  await page.getByLabel('密码', { exact: true }).fill(who.password)
  await page.getByRole('button', { name: '登录', exact: true }).click()
  await expect(page.getByTestId('user-menu')).toBeVisible()
}

async function signOut(page: Page): Promise<void> {
  await rpc(page, 'auth.logout')
  await page.context().clearCookies()
}

async function addMember(page: Page, who: { name: string; login: string; password: string }, role: string, manager?: string): Promise<void> {
  await page.getByRole('button', { name: '添加成员' }).click()
  const drawer = page.getByRole('dialog', { name: '添加成员' })
  await drawer.getByLabel('姓名').fill(who.name)
  await drawer.getByLabel('登录名').fill(who.login)
  await drawer.getByLabel('初始密码').fill(who.password)
  await drawer.getByLabel('部门').click()
  await page.getByRole('option', { name: '华东销售部' }).click()
  if (manager) {
    await drawer.getByLabel('直属上级').click()
    await page.getByRole('option', { name: manager }).click()
  }
  await drawer.getByLabel('角色').click()
  await page.getByRole('option', { name: role }).click()
  await drawer.getByTestId('user-save').click()
  await expect(page.getByText(`已添加成员“${who.name}”`)).toBeVisible()
  await expect(drawer).toBeHidden()
}

async function visibleCustomers(page: Page): Promise<string[]> {
  // The navigation entry, not a record link whose title contains the word (赵四的客户).
  await page.getByRole('link', { name: '客户', exact: true }).click()
  await expect(page.getByRole('heading', { name: '客户' })).toBeVisible()
  const result = await rpc<{ records: Array<{ fields: { name: string } }> }>(page, 'records.list', { form: 'customer', limit: 100 })
  return result.records.map((r) => r.fields.name).sort()
}

test('the owner builds the organization; each role signs in and sees the right records', async ({ page }) => {
  // First run: the owner becomes the administrator.
  await createAdmin(page, OWNER)

  const app = await rpc<{ id: number }>(page, 'apps.create', { label: '销售管理' })
  const form = await rpc<{ id: number }>(page, 'forms.create', {
    appId: app.id, label: '客户', apiKey: 'customer',
    fields: [{ label: '客户名称', apiKey: 'name', type: 'text', required: true }, { label: '区域', apiKey: 'region', type: 'text' }]
  })

  // 组织架构: a department, then the manager and two reps in it.
  await page.reload()
  await page.getByRole('link', { name: '组织架构' }).click()
  await expect(page.getByRole('heading', { name: '组织架构' })).toBeVisible()
  await page.getByRole('button', { name: '新建部门' }).first().click()
  const deptModal = page.getByRole('dialog', { name: '新建部门' })
  await deptModal.getByLabel('部门名称').fill('华东销售部')
  await deptModal.getByRole('button', { name: '保存' }).click()
  await expect(page.getByText('已创建部门“华东销售部”')).toBeVisible()

  // A department made by mistake is removed again (it has no members yet).
  await page.getByRole('button', { name: '新建部门' }).first().click()
  await deptModal.getByLabel('部门名称').fill('临时小组')
  await deptModal.getByRole('button', { name: '保存' }).click()
  await expect(page.getByRole('heading', { name: '临时小组' })).toBeVisible()
  await page.getByRole('button', { name: '删除部门' }).click()
  await page.getByRole('dialog', { name: '删除部门“临时小组”？' }).getByRole('button', { name: '删除' }).click()
  await expect(page.getByText('已删除部门“临时小组”')).toBeVisible()
  await expect(page.getByRole('button', { name: /^临时小组/ })).toHaveCount(0)
  await page.getByRole('button', { name: /^华东销售部/ }).click()

  await addMember(page, MANAGER, '销售经理')
  await addMember(page, REP_A, '销售代表', MANAGER.name)
  await addMember(page, REP_B, '销售代表', MANAGER.name)
  await expect(page.getByRole('row', { name: new RegExp(`${REP_B.name} ${REP_B.login} .*华东销售部 ${MANAGER.name} 销售代表`) })).toBeVisible()
  await page.screenshot({ path: 'resources/screenshots/organization.png', fullPage: true })

  // 角色权限: 销售代表 sees own records, 销售经理 the department's.
  await page.getByRole('link', { name: '角色权限' }).click()
  for (const [role, scope] of [['销售代表', '本人'], ['销售经理', '本部门']] as const) {
    await page.getByRole('button', { name: new RegExp(`^${role}`) }).first().click()
    const row = page.getByTestId(`perm-row-${form.id}`)
    for (const action of ['查看', '新增', '编辑']) {
      const box = row.getByLabel(`客户：${action}`)
      if (!(await box.isChecked())) await box.check()
    }
    await row.getByLabel('客户：数据范围').click()
    await page.getByRole('option', { name: scope, exact: true }).click()
    await row.getByRole('button', { name: '保存“客户”的权限' }).click()
    await expect(page.getByText(`已保存“${role}”在“客户”上的权限`)).toBeVisible()
  }
  await page.screenshot({ path: 'resources/screenshots/roles.png', fullPage: true })

  // Records: one owned by each rep, one by the owner (outside the department).
  const users = await rpc<Array<{ id: number; login: string }>>(page, 'users.listFull')
  const idOf = (login: string) => users.find((u) => u.login === login)!.id
  for (const [name, owner] of [['张三的客户', REP_A.login], ['赵四的客户', REP_B.login], ['老板的客户', OWNER.login]] as const) {
    await rpc(page, 'records.create', { form: 'customer', fields: { name, region: '华东', owner: idOf(owner) } })
  }
  await signOut(page)

  // Each rep sees only their own customer, in the list and in the count.
  await signIn(page, REP_A)
  expect(await visibleCustomers(page)).toEqual(['张三的客户'])
  await expect(page.getByRole('gridcell', { name: '张三的客户' })).toBeVisible()
  await expect(page.getByRole('gridcell', { name: '赵四的客户' })).toHaveCount(0)
  await page.screenshot({ path: 'resources/screenshots/rep-view.png' })
  await signOut(page)

  await signIn(page, REP_B)
  expect(await visibleCustomers(page)).toEqual(['赵四的客户'])
  // The administration pages are not offered to a rep.
  await expect(page.getByRole('link', { name: '组织架构' })).toHaveCount(0)
  await signOut(page)

  // The manager sees the department's records (both reps), not the owner's.
  await signIn(page, MANAGER)
  expect(await visibleCustomers(page)).toEqual(['张三的客户', '赵四的客户'])
  await expect(page.getByRole('gridcell', { name: '赵四的客户' })).toBeVisible()
  await signOut(page)

  // The owner sees everything, and the audit trail recorded the set-up.
  await signIn(page, OWNER)
  expect(await visibleCustomers(page)).toEqual(['张三的客户', '老板的客户', '赵四的客户'].sort())
  await page.getByRole('link', { name: '审计日志' }).click()
  await expect(page.getByRole('heading', { name: '审计日志' })).toBeVisible()
  const audit = await rpc<{ entries: Array<{ op: string }> }>(page, 'audit.list', { limit: 500 })
  const ops = audit.entries.map((e) => e.op)
  expect(ops).toEqual(expect.arrayContaining(['department.create', 'user.create', 'permission.change', 'auth.login']))
  const verify = await rpc<{ ok: boolean }>(page, 'audit.verify')
  expect(verify.ok).toBe(true)
  await page.screenshot({ path: 'resources/screenshots/audit.png' })

  // 个人设置 → API 令牌: a token is listed once created, and revoked through its confirmation.
  await page.goto('/#/settings')
  await page.getByRole('tab', { name: 'API 令牌' }).click()
  await page.getByRole('button', { name: '新建令牌' }).click()
  const tokenDialog = page.getByRole('dialog', { name: '新建 API 令牌' })
  await tokenDialog.getByLabel('名称').fill('财务报表同步')
  await tokenDialog.getByRole('button', { name: '创建' }).click()
  await expect(page.getByText('令牌已创建')).toBeVisible()
  await page.keyboard.press('Escape')
  await expect(page.getByTestId('tokens-table')).toContainText('财务报表同步')
  await page.getByTestId('tokens-table').getByRole('button', { name: '吊销' }).click()
  await page.getByRole('dialog', { name: '吊销令牌“财务报表同步”？' }).getByRole('button', { name: '吊销' }).click()
  await expect(page.getByText('已吊销“财务报表同步”')).toBeVisible()
  await expect(page.getByTestId('tokens-table')).toContainText('已吊销')

  // 个人设置 → 登录设备: signing out everywhere ends this session too, back to the login screen.
  await page.getByRole('tab', { name: '登录设备' }).click()
  await page.getByRole('button', { name: '退出所有设备' }).click()
  await page.getByRole('dialog', { name: '退出所有设备？' }).getByRole('button', { name: '退出所有设备' }).click()
  await expect(page.getByText('已在所有设备上退出登录')).toBeVisible()
  await expect(page.getByRole('button', { name: '登录', exact: true })).toBeVisible()
  const me = (await (await page.request.post('/rpc/auth.me', { data: {} })).json()) as { ok: boolean; error?: { code: string } }
  expect(me).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } })
})
