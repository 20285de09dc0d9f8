import { test, setUpAdmin, expect, rpc } from './fixtures'

// Configuration survives its designer: the administrator opens each shipped rule and saves it
// without a change; the stored definition is identical. The auto-assignment rule's condition
// 负责人为空 (a system field) is shown in the builder, not dropped on save.

interface Rule {
  id: number
  name: string
  enabled: boolean
  trigger: unknown
  condition: unknown
  actions: unknown
  rateLimit: number | null
  description: string | null
}

const definition = (r: Rule) => ({ name: r.name, enabled: r.enabled, trigger: r.trigger, condition: r.condition, actions: r.actions, rateLimit: r.rateLimit, description: r.description })

test('opening and saving each shipped rule without a change stores the identical definition; 负责人为空 is shown', async ({ page }) => {
  test.setTimeout(120_000)
  await page.setViewportSize({ width: 1440, height: 1000 })
  await setUpAdmin(page, { name: '王经理', login: 'wang', password: 'secret123' })
  await rpc(page, 'crm.install', {})
  const before = await rpc<Rule[]>(page, 'rules.list', {})
  expect(before.length).toBeGreaterThan(0)

  await page.goto('/')
  await page.getByTestId('nav-rules').click()
  await expect(page.getByRole('heading', { name: '自动化规则' })).toBeVisible()

  for (const rule of before) {
    await page.getByTestId(`rule-row-${rule.id}`).click()
    const editor = page.getByTestId('rule-editor')
    await expect(editor).toBeVisible()
    if (rule.name === '新线索按城市自动分配') {
      const condition = editor.getByTestId('filter-condition')
      await expect(condition).toHaveCount(1)
      await expect(condition.getByRole('combobox', { name: '字段' })).toHaveValue('负责人')
      await expect(condition.getByRole('combobox', { name: '条件' })).toHaveValue('为空')
      await expect(editor.getByTestId('kept-condition')).toHaveCount(0)
    }
    if (rule.name === '初步接洽商机 7 天未跟进提醒') {
      // The follow-ups' link to the opportunity is shown, not silently kept.
      await expect(editor.getByTestId('trigger-activity-field')).toHaveValue(/\S/)
      await expect(editor.getByTestId('trigger-activity-field')).not.toHaveValue('自动（第一个关联字段）')
    }
    if (rule.name === '线索评分：每次跟进加 5 分') {
      // The score goes to the lead the follow-up points to: shown, not a blank field.
      await expect(editor.getByTestId('score-field')).toHaveValue('线索评分')
      await expect(editor.getByTestId('score-via')).not.toHaveValue('本记录')
    }
    await page.getByTestId('rule-save').click()
    await expect(page.getByText('规则已保存').last()).toBeVisible()
    const after = await rpc<Rule>(page, 'rules.get', { id: rule.id })
    expect(definition(after), rule.name).toEqual(definition(rule))
    await editor.getByRole('button', { name: '返回规则列表' }).click()
    await expect(page.getByTestId('rule-list')).toBeVisible()
  }

  // A window narrowed to phone width shows the designer's desktop-only notice and keeps the
  // unsaved edit underneath: widened again, the draft is still there.
  await page.getByTestId(`rule-row-${before[0]!.id}`).click()
  await page.getByTestId('rule-name').fill('改了一半的规则名')
  await page.setViewportSize({ width: 390, height: 844 })
  await expect(page.getByTestId('desktop-only')).toBeVisible()
  await expect(page.getByTestId('rule-editor')).toBeHidden()
  await page.setViewportSize({ width: 1440, height: 1000 })
  await expect(page.getByTestId('rule-name')).toHaveValue('改了一半的规则名')
})

test('a field added in the designer of a long form is scrolled into view and highlighted', async ({ page }) => {
  test.setTimeout(90_000)
  await page.setViewportSize({ width: 1280, height: 600 })
  await setUpAdmin(page, { name: '王经理', login: 'wang', password: 'secret123' })
  await rpc(page, 'crm.install', {})
  const forms = await rpc<Array<{ id: number; apiKey: string }>>(page, 'forms.list', {})
  const lead = forms.find((f) => f.apiKey === 'lead')!
  await page.goto(`/#/forms/${lead.id}/design`)
  await expect(page.getByTestId('designer-field-姓名')).toBeVisible()
  await page.getByTestId('palette-text').click()
  const fresh = page.locator('[data-fresh]')
  await expect(fresh).toHaveCount(1)
  await expect(fresh).toBeInViewport()
  await expect(page.getByTestId('field-properties')).toBeVisible()
})

test('a view’s filter the builder cannot fully show survives an edit on the form page; so does a role’s custom scope', async ({ page }) => {
  test.setTimeout(120_000)
  await page.setViewportSize({ width: 1440, height: 900 })
  await setUpAdmin(page, { name: '王经理', login: 'wang', password: 'secret123' })
  await rpc(page, 'crm.install', {})
  // A group inside a group: the builder shows one level, so the inner group is kept aside.
  const deep = { or: [{ field: 'amount', op: 'gt', value: 100000 }, { and: [{ field: 'owner', op: 'isMe' }, { field: 'closeDate', op: 'thisMonth' }] }] }
  const filter = { and: [{ field: 'stage', op: 'in', value: ['initial', 'needs'] }, deep] }
  const forms = await rpc<Array<{ id: number; apiKey: string }>>(page, 'forms.list')
  const formId = forms.find((f) => f.apiKey === 'opportunity')!.id
  const view = await rpc<{ id: number }>(page, 'views.create', { form: formId, name: '深层筛选', type: 'table', shared: false, config: { filter } })

  await page.goto(`/#/forms/${formId}`)
  await page.getByTestId('view-tab').filter({ hasText: '深层筛选' }).getByRole('button').first().click()
  await page.getByTestId('filter-toggle').click()
  await expect(page.getByTestId('kept-condition')).toHaveCount(1)
  await expect(page.getByTestId('filter-condition')).toHaveCount(1)
  // Removing the condition it shows saves the rest as it was (the personal view saves as it changes).
  await page.getByTestId('filter-condition').getByRole('button', { name: '删除条件' }).click()
  await expect
    .poll(async () => (await rpc<Array<{ id: number; config: { filter?: unknown } }>>(page, 'views.list', { form: formId })).find((v) => v.id === view.id)?.config.filter)
    .toEqual({ and: [deep] })
  await expect(page.getByTestId('kept-condition')).toHaveCount(1)

  // 角色权限: a custom scope with the same shape, opened and saved with one action more, keeps its condition.
  const role = await rpc<{ id: number }>(page, 'roles.create', { name: '深层范围' })
  await rpc(page, 'permissions.set', { roleId: role.id, formId, actions: ['view'], scope: 'custom', scopeFilter: filter, fieldRules: {} })
  await page.goto('/#/admin/roles')
  await page.getByRole('button', { name: /^深层范围/ }).first().click()
  const row = page.getByTestId(`perm-row-${formId}`)
  await row.getByRole('button', { name: '展开“商机”的字段权限和条件' }).click()
  const details = page.getByTestId(`perm-details-${formId}`)
  await expect(details.getByTestId('kept-condition')).toHaveCount(1)
  await expect(details.getByTestId('filter-condition')).toHaveCount(1)
  await row.getByLabel('商机：导出').check()
  await row.getByRole('button', { name: '保存“商机”的权限' }).click()
  await expect(page.getByText('已保存“深层范围”在“商机”上的权限')).toBeVisible()
  await expect
    .poll(async () => (await rpc<Array<{ formId: number; actions: string[]; scopeFilter: unknown }>>(page, 'permissions.get', { roleId: role.id })).find((p) => p.formId === formId))
    .toMatchObject({ actions: ['view', 'export'], scopeFilter: filter })
})
