import type { Browser, Locator, Page } from '@playwright/test'
import { createAdmin, expect, rpc, test } from './fixtures'

// The flow engine end to end, in Chinese: an administrator draws the contract flow in the
// designer (< 50,000 → sales director; ≥ 50,000 → sales director, then legal and the general
// manager in parallel) and publishes it; a rep submits a 30,000 and an 80,000 contract from the
// record page; the director, legal and the GM approve in their own sessions from 待办; the rep
// sees the statuses and the history. Screenshots of the designer and an instance view.

test.use({ actionTimeout: 15_000 })

const ADMIN = { name: '管理员', login: 'admin', password: 'secret123' }
const PEOPLE = {
  director: { name: '李总监', login: 'lizongjian', password: 'secret123' },
  legal: { name: '赵法务', login: 'zhaofawu', password: 'secret123' },
  gm: { name: '王总', login: 'wangzong', password: 'secret123' },
  rep: { name: '张三', login: 'zhangsan', password: 'secret123' }
}

async function signIn(browser: Browser, baseURL: string, who: { login: string; password: string }): Promise<Page> {
  const context = await browser.newContext({ baseURL, viewport: { width: 1440, height: 960 }, locale: 'zh-CN' })
  const page = await context.newPage()
  await page.goto('/')
  await page.getByLabel('登录名').fill(who.login)
  await page.getByLabel('密码', { exact: true }).fill(who.password)
  await page.getByRole('button', { name: '登录', exact: true }).click()
  await expect(page.getByTestId('user-menu')).toBeVisible({ timeout: 20_000 })
  return page
}

const node = (page: Page, label: string): Locator => page.locator('.react-flow__node').filter({ has: page.getByText(label, { exact: true }) })

/** Select a node on the canvas (its settings drawer opens) and close the drawer again. */
async function select(page: Page, label: string) {
  await node(page, label).click()
  await expect(page.getByTestId('node-config')).toBeVisible()
}

async function closeDrawer(page: Page) {
  await page.getByRole('dialog').getByRole('button', { name: '关闭' }).click()
  await expect(page.getByTestId('node-config')).toBeHidden()
}

/** Add a node of a type under the selected one and name it. */
async function addNode(page: Page, paletteType: string, label: string) {
  await page.getByTestId(`palette-${paletteType}`).click()
  const input = page.getByTestId('node-label')
  await input.fill(label)
  await expect(node(page, label)).toBeVisible()
}

async function pickPeople(page: Page, name: string) {
  await page.getByTestId('add-source').click()
  const picker = page.getByTestId('node-config').getByTestId('source-users').last()
  await picker.click()
  await page.getByRole('option', { name }).click()
  await page.keyboard.press('Escape')
}

/** Connect two nodes: click the source's bottom handle, then the target's top handle. */
async function connect(page: Page, from: string, to: string) {
  if (await page.getByTestId('node-config').isVisible()) await closeDrawer(page)
  await page.getByTestId('flow-layout').click()
  await page.waitForTimeout(600)
  await node(page, from).locator('.react-flow__handle.source').click()
  await node(page, to).locator('.react-flow__handle.target').click()
}

test('draw the contract flow, submit two contracts, approve in separate sessions, see statuses and history', async ({ page, browser, baseURL }) => {
  test.setTimeout(240_000)
  await page.setViewportSize({ width: 1440, height: 960 })
  await createAdmin(page, ADMIN)
  const roles = await rpc<Array<{ id: number; key: string }>>(page, 'roles.list')
  const repRole = roles.find((r) => r.key === 'sales_rep')!.id
  const ids: Record<string, number> = {}
  for (const [key, who] of Object.entries(PEOPLE)) {
    const user = await rpc<{ id: number }>(page, 'users.create', { ...who, roleIds: key === 'rep' ? [repRole] : [] })
    ids[key] = user.id
  }
  const apps = await rpc<Array<{ id: number }>>(page, 'apps.list')
  const appId = apps[0]?.id ?? (await rpc<{ id: number }>(page, 'apps.create', { label: '销售管理' })).id
  const form = await rpc<{ id: number }>(page, 'forms.create', {
    appId, label: '合同', apiKey: 'contract', fields: [
      { label: '合同名称', apiKey: 'name', type: 'text', required: true },
      { label: '合同金额', apiKey: 'amount', type: 'amount' },
      { label: '审批状态', apiKey: 'approvalStatus', type: 'select', config: { options: [
        { id: 'none', label: '无需审批', color: 'gray' }, { id: 'pending', label: '审批中', color: 'blue' },
        { id: 'approved', label: '已通过', color: 'green' }, { id: 'rejected', label: '已驳回', color: 'red' }
      ] } }
    ]
  })
  await rpc(page, 'permissions.set', { roleId: repRole, formId: form.id, actions: ['view', 'create', 'edit'], scope: 'own', fieldRules: {} })

  // 流程设计 → 新建流程
  await page.reload()
  await page.getByTestId('nav-flows').click()
  await expect(page.getByRole('heading', { name: '流程设计' })).toBeVisible()
  await page.getByTestId('flow-new').click()
  await page.getByTestId('flow-name').fill('合同审批')
  await page.getByTestId('flow-form').click()
  await page.getByRole('option', { name: '合同' }).click()
  await page.getByTestId('flow-create').click()
  await expect(page.getByTestId('flow-canvas')).toBeVisible()

  // The starter's approval becomes 销售总监审批; its end node goes (a new one comes after the join).
  await select(page, '审批')
  await page.getByTestId('node-label').fill('销售总监审批')
  await page.getByTestId('source-0').getByRole('button', { name: '移除' }).click()
  await pickPeople(page, PEOPLE.director.name)
  await expect(node(page, '销售总监审批')).toContainText(PEOPLE.director.name)
  await closeDrawer(page)
  await select(page, '结束')
  await page.getByTestId('node-delete').click()

  await select(page, '销售总监审批')
  await addNode(page, 'condition', '金额判断')
  await addNode(page, 'parallel', '法务与总经理会审')
  await addNode(page, 'approval', '法务审批')
  await pickPeople(page, PEOPLE.legal.name)
  await page.getByTestId('node-config').getByTestId('approval-mode').click()
  await page.getByRole('option', { name: '会签（需全部同意）' }).click()
  await page.screenshot({ path: 'resources/screenshots/flow-node-config.png' })
  await closeDrawer(page)
  await select(page, '法务与总经理会审')
  await addNode(page, 'approval', '总经理审批')
  await pickPeople(page, PEOPLE.gm.name)
  await closeDrawer(page)
  await select(page, '法务审批')
  await addNode(page, 'join', '会审完成')
  await addNode(page, 'end', '审批结束')
  await closeDrawer(page)

  // Checking now names what is missing, on the nodes themselves.
  await page.getByTestId('flow-validate').click()
  await expect(page.getByTestId('flow-issues')).toContainText('从发起节点走不到')
  await expect(node(page, '金额判断').locator('[data-state="issue"]')).toHaveCount(1)

  await connect(page, '销售总监审批', '金额判断')
  await connect(page, '金额判断', '法务与总经理会审')
  await connect(page, '金额判断', '审批结束')
  await connect(page, '法务与总经理会审', '法务审批')
  await connect(page, '法务与总经理会审', '总经理审批')
  await connect(page, '法务审批', '会审完成')
  await connect(page, '总经理审批', '会审完成')
  await connect(page, '会审完成', '审批结束')

  // The condition's branches: ≥ 5 万 by a formula, the other is the default.
  await page.getByTestId('flow-validate').click()
  await expect(page.getByTestId('flow-issues')).toContainText('需要一个默认分支')
  await select(page, '金额判断')
  const branches = page.getByTestId('node-config').locator('[data-testid^="branch-e-"]')
  await expect(branches).toHaveCount(2)
  const toParallel = page.getByTestId('node-config').locator('[data-testid*="branch-e-"]').filter({ hasText: '法务与总经理会审' })
  await toParallel.getByTestId('branch-label').fill('金额 ≥ 5 万')
  await toParallel.getByLabel('或公式（结果为真时满足）').fill('{合同金额} >= 50000')
  const toEnd = page.getByTestId('node-config').locator('[data-testid*="branch-e-"]').filter({ hasText: '审批结束' })
  await toEnd.getByTestId('branch-label').fill('金额 < 5 万')
  await toEnd.getByLabel('默认').check()
  await page.screenshot({ path: 'test-results/flows-branches.png' })
  await closeDrawer(page)
  await page.getByTestId('flow-layout').click()
  await page.getByTestId('flow-validate').click()
  await expect(page.getByTestId('flow-valid')).toBeVisible()
  await page.getByTestId('flow-publish').click()
  await expect(page.getByText('已发布第 1 版')).toBeVisible()
  await expect(page.getByText('已发布第 1 版')).toBeHidden({ timeout: 10_000 })
  await page.screenshot({ path: 'resources/screenshots/flow-designer.png' })
  await page.screenshot({ path: 'test-results/flows-designer.png' })

  // The rep submits two contracts from their record pages (提交审批).
  const rep = await signIn(browser, baseURL!, PEOPLE.rep)
  // Signed in, the app opens 我的工作台 once the forms are in. Wait for it: a CI run that opened the
  // list before that and reloaded it reloaded #/home (the trail it printed: the list's address,
  // then the reload starting at #/home while the workbench's chunks were still on their way).
  await expect(rep).toHaveURL(/#\/home$/)
  await expect(rep.getByTestId('workbench')).toBeVisible()
  const small = await rpc<{ id: number }>(rep, 'records.create', { form: 'contract', fields: { name: '杭州云栖小额合同', amount: 30000 } })
  const big = await rpc<{ id: number }>(rep, 'records.create', { form: 'contract', fields: { name: '上海浦江大额合同', amount: 80000 } })
  // The contracts were created after 我的工作台 loaded: open the list.
  await rep.goto(`/#/forms/${form.id}`)
  for (const id of [small.id, big.id]) {
    // The row's open button shows on hover, as for a user moving the mouse over the row.
    await rep.getByTestId(`record-row-${id}`).hover()
    await rep.getByTestId(`record-row-${id}`).locator('.jimu-expand').click()
    await rep.getByTestId('record-submit').click()
    await expect(rep.getByTestId('record-flow-status')).toHaveText('审批中')
    // In approval, the submitter's record page greys out the fields: nothing to change until it is decided.
    const amount = rep.getByTestId('record-form').locator('[data-field="amount"]')
    await expect(amount.locator('fieldset[data-locked="true"]')).toHaveCount(1)
    await expect(amount.locator('input').first()).toBeDisabled()
    if (id === big.id) await rep.screenshot({ path: 'test-results/flows-record-locked.png' })
    await rep.getByRole('dialog').getByRole('button', { name: '关闭' }).first().click()
    await expect(rep.getByTestId('record-flow')).toBeHidden()
  }

  // The director approves both from 待办.
  const director = await signIn(browser, baseURL!, PEOPLE.director)
  await expect(director.getByTestId('todo-badge')).toHaveText('2')
  await director.getByTestId('nav-todo').click()
  await expect(director.getByTestId('todo-table').getByText('上海浦江大额合同')).toBeVisible()
  await director.screenshot({ path: 'resources/screenshots/flow-todo.png' })
  for (const title of ['上海浦江大额合同', '杭州云栖小额合同']) {
    await director.getByTestId('nav-todo').click()
    await director.getByTestId('todo-table').getByText(title).click()
    await director.getByTestId('act-approve').click()
    await director.getByTestId('act-comment-text').fill('同意，请按合同执行')
    await director.getByTestId('act-confirm').click()
    await expect(director.getByTestId('instance-history')).toContainText('同意，请按合同执行')
  }
  await director.getByTestId('nav-todo').click()
  await expect(director.getByTestId('todo-empty')).toBeVisible()

  // Legal and the GM, each in their own session, approve the large one.
  for (const who of [PEOPLE.legal, PEOPLE.gm]) {
    const p = await signIn(browser, baseURL!, who)
    await expect(p.getByTestId('todo-badge')).toHaveText('1')
    await p.getByTestId('nav-todo').click()
    await p.getByTestId('todo-table').getByText('上海浦江大额合同').click()
    await expect(p.getByTestId('instance-status')).toHaveText('审批中')
    await p.getByTestId('act-approve').click()
    if (who === PEOPLE.legal) {
      // 法务 approves with an opinion and a file.
      await p.getByTestId('act-comment-text').fill('条款已审，可以签署')
      await p.locator('input[type=file]').setInputFiles({ name: '法务审核意见.txt', mimeType: 'text/plain', buffer: Buffer.from('条款已审') })
      await expect(p.getByRole('dialog').getByText('法务审核意见.txt')).toBeVisible()
    }
    await p.getByTestId('act-confirm').click()
    await expect(p.getByTestId('instance-history')).toContainText(who.name)
    await p.context().close()
  }

  // The rep sees both approved, with the full history.
  await rep.goto('/#/todo')
  await rep.getByTestId('todo-tab-mine').click()
  await expect(rep.getByTestId('todo-table').getByText('已通过')).toHaveCount(2)
  await rep.getByTestId('todo-table').getByText('上海浦江大额合同').click()
  await expect(rep.getByTestId('instance-status')).toHaveText('已通过')
  const history = rep.getByTestId('instance-history')
  for (const text of ['提交了审批', PEOPLE.director.name, PEOPLE.legal.name, '条款已审，可以签署', '法务审核意见.txt', PEOPLE.gm.name, '审批通过']) await expect(history).toContainText(text)
  await expect(rep.locator('.react-flow__node[data-id]').filter({ hasText: '法务审批' }).locator('[data-state="visited"]')).toHaveCount(1)
  await rep.waitForTimeout(400)
  await rep.screenshot({ path: 'resources/screenshots/flow-instance.png', fullPage: true })
  await rep.screenshot({ path: 'test-results/flows-instance.png', fullPage: true })

  // The record page shows the outcome written back.
  await rep.goto(`/#/forms/${form.id}/records/${small.id}`)
  await expect(rep.getByTestId('record-flow-status')).toHaveText('已通过')
  await rep.context().close()
  await director.context().close()
})
