import { test, createAdmin, expect, rpc } from './fixtures'

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
  await createAdmin(page, { name: '王经理', login: 'wang', password: 'secret123' })
  await rpc(page, 'crm.install', {})
  const before = await rpc<Rule[]>(page, 'rules.list', {})
  expect(before.length).toBeGreaterThan(0)

  await page.reload()
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
})

test('a field added in the designer of a long form is scrolled into view and highlighted', async ({ page }) => {
  test.setTimeout(90_000)
  await page.setViewportSize({ width: 1280, height: 600 })
  await createAdmin(page, { name: '王经理', login: 'wang', password: 'secret123' })
  await rpc(page, 'crm.install', {})
  const forms = await rpc<Array<{ id: number; apiKey: string }>>(page, 'forms.list', {})
  const lead = forms.find((f) => f.apiKey === 'lead')!
  await page.goto(`/#/forms/${lead.id}/design`)
  await page.reload()
  await expect(page.getByTestId('designer-field-姓名')).toBeVisible()
  await page.getByTestId('palette-text').click()
  const fresh = page.locator('[data-fresh]')
  await expect(fresh).toHaveCount(1)
  await expect(fresh).toBeInViewport()
  await expect(page.getByTestId('field-properties')).toBeVisible()
})
