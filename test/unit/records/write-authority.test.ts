import { afterEach, describe, expect, it } from 'vitest'
import { handlers } from '../../../src-main/api/handlers'
import type { CallContext } from '../../../src-main/api/handler-kit'
import type { CoreHost } from '../../../src-main/api/host'
import { bundledApp } from '../../../src-main/apps/bundled'
import { SYSTEM_ACTOR, type Actor } from '../../../src-main/access/actor'
import { MIGRATIONS } from '../../../src-main/db/migrations'
import { ident } from '../../../src-main/db/connection'
import type { MethodInput, MethodName } from '../../../src-main/shared/api/contracts'
import { translate } from '../../../src-main/shared/locales'
import { servedCore } from '../../support/http'
import { caught, testCore } from '../../support/core'

// Who may write what (the write side of the access issue): fields only a flow or the system
// writes (审批状态), the owner of a record (only with the transfer right), a save that a rule moves
// out of the saver's sight (a success, never 找不到记录 after the commit), dashboard sharing, and
// the length of text values. All as the shipped roles on the shipped sales app.

let ctx: Awaited<ReturnType<typeof testCore>> | null = null
afterEach(() => {
  ctx?.close()
  ctx = null
})

async function salesCore() {
  ctx = await testCore()
  const { core, actor } = ctx
  core.crm.install(actor, bundledApp('crm').pkg, 'zh-CN')
  const role = (key: string) => core.org.roles().find((r) => r.key === key)!.id
  const east = core.org.createDepartment(actor.id, { name: '华东销售部' }).id
  const user = async (name: string, login: string, roleKey: string, departmentId: number | null = east): Promise<Actor> => {
    const id = await core.org.createUser(actor.id, { name, login, password: 'secret123', departmentId, roleIds: [role(roleKey)] })
    return { id, name, isAdmin: false, locale: 'zh-CN' }
  }
  const zhang = await user('张伟', 'zhangwei', 'sales_rep')
  const li = await user('李娜', 'lina', 'sales_rep')
  const manager = await user('徐明', 'xuming', 'sales_manager')
  // A rep of another department: outside the manager's sight.
  const wang = await user('王芳', 'wangfang', 'sales_rep', null)
  const call = <M extends MethodName>(method: M, input: MethodInput<M>, as: Actor) =>
    (handlers[method] as (i: unknown, c: CallContext) => unknown)(input, { host: { core } as unknown as CoreHost, actor: as, token: null, locale: as.locale } satisfies CallContext)
  const count = (form: string) => core.db.prepare(`SELECT COUNT(*) FROM ${ident(core.schema.form(form).table)}`).pluck().get() as number
  const row = (form: string, id: number) => core.db.prepare(`SELECT * FROM ${ident(core.schema.form(form).table)} WHERE id = ?`).get(id) as Record<string, unknown>
  return { core, admin: actor, zhang, li, wang, manager, call, count, row, role }
}

/** Every field of the shipped app that only a flow or the system writes, as `form.field`. */
function systemOwned(core: Awaited<ReturnType<typeof salesCore>>['core']): string[] {
  const out: string[] = []
  for (const id of core.schema.formIds()) {
    const form = core.schema.form(id)
    const owned = core.writes.systemOwnedFields(form)
    for (const f of form.fields) if (owned.has(f.id)) out.push(`${form.apiKey}.${f.apiKey}`)
  }
  return out.sort()
}

/** A value a person might try: an option other than the one a new record gets. */
const forged = 'approved'

describe('fields only a flow or the system writes', () => {
  it('are the approval states the shipped flows write back, marked in the app and declared by the flows', async () => {
    const { core } = await salesCore()
    expect(systemOwned(core)).toEqual(['contract.approvalStatus', 'opportunity.approvalStatus', 'quote.approvalStatus'])
    // Marked in the app definition too (the designer shows 系统维护), not only by the published flows.
    for (const form of ['contract', 'opportunity', 'quote']) expect(core.schema.form(form).byKey.get('approvalStatus')!.config.systemOwned).toBe(true)
  })

  it('are refused, named, to a rep on records.create and records.update (drawer, cell, kanban, bulk edit), nothing written', async () => {
    const { core, zhang, call, count, row } = await salesCore()
    const base: Record<string, Record<string, unknown>> = { contract: { name: '测试合同', amount: 30000 }, opportunity: { name: '测试商机' }, quote: { title: '测试报价' } }
    for (const key of systemOwned(core)) {
      const [form, field] = key.split('.') as [string, string]
      const before = count(form)
      const e = caught(() => call('records.create', { form, fields: { ...base[form], [field]: forged } }, zhang))
      expect(e).toMatchObject({ code: 'VALIDATION', messageKey: 'value.systemOwned', field })
      expect(translate('zh-CN', e.messageKey as string, e.params as Record<string, string>)).toBe('“审批状态”由流程或系统维护，不能手动填写或修改')
      expect(count(form)).toBe(before)
      // The label works as a key too, and is refused the same way.
      expect(caught(() => call('records.create', { form, fields: { ...base[form], 审批状态: '已通过' } }, zhang)).messageKey).toBe('value.systemOwned')

      const created = (await call('records.create', { form, fields: base[form]! }, zhang)) as { id: number; version: number }
      const stored = row(form, created.id)
      for (const value of [forged, '已通过', null]) {
        const refused = caught(() => call('records.update', { form, id: created.id, fields: { [field]: value } }, zhang))
        expect(refused).toMatchObject({ messageKey: 'value.systemOwned', field })
      }
      expect(row(form, created.id)).toEqual(stored)
      // Sending back the value it has changes nothing and is not an error (a form that posts every field).
      const current = core.reads.get(zhang, form, created.id).fields[field]
      await call('records.update', { form, id: created.id, fields: { [field]: current, ...base[form] } }, zhang)
      expect(row(form, created.id).version).toBe(stored.version)
    }
  })

  it('are refused to administrators and managers too, in imports row by row, and the rest of the import is kept', async () => {
    const { core, admin, manager, call, count } = await salesCore()
    const before = count('contract')
    const e = caught(() => call('records.bulkCreate', { form: 'contract', rows: [{ name: '甲' }, { name: '乙', approvalStatus: '已通过' }] }, manager))
    expect(e).toMatchObject({ messageKey: 'value.systemOwned', field: 'approvalStatus', row: 2 })
    expect(count('contract')).toBe(before)
    const outcomes = core.writes.bulkWrite(admin, 'contract', [{ values: { name: '丙' } }, { values: { name: '丁', approvalStatus: 'approved' } }], { action: 'import', skipBad: true })
    expect(outcomes[0]).toMatchObject({ ok: true, op: 'create' })
    expect(outcomes[1]).toMatchObject({ ok: false, error: { messageKey: 'value.systemOwned', field: 'approvalStatus' } })
    expect(count('contract')).toBe(before + 1)
    const id = (outcomes[0] as { id: number }).id
    const status = core.reads.get(admin, 'contract', id).fields.approvalStatus
    expect(status).not.toBe('已通过')
    const updated = core.writes.bulkWrite(admin, 'contract', [{ id, values: { approvalStatus: 'approved' } }], { action: 'import', skipBad: true })
    expect(updated[0]).toMatchObject({ ok: false, error: { messageKey: 'value.systemOwned' } })
    expect(core.reads.get(admin, 'contract', id).fields.approvalStatus).toBe(status)
  })

  it('are still written by the flow (submit, approve) and by the system actor rules and engines use', async () => {
    const { core, zhang, manager } = await salesCore()
    const id = core.writes.create(zhang, 'contract', { name: '小额合同', amount: 20000 })
    const flow = core.flows.available(zhang, 'contract')[0]!
    core.flows.start(zhang, { flowId: flow.id, form: 'contract', recordId: id })
    expect(core.reads.get(zhang, 'contract', id).fields.approvalStatus).toBe('审批中')
    const task = core.flows.todo(manager, { tab: 'todo', limit: 10, offset: 0 }).tasks[0]!
    core.flows.approve(manager, { taskId: task.id })
    expect(core.reads.get(zhang, 'contract', id).fields.approvalStatus).toBe('已通过')
    core.writes.update({ ...SYSTEM_ACTOR, name: '规则：测试' }, 'contract', id, { approvalStatus: 'rejected' })
    expect(core.reads.get(zhang, 'contract', id).fields.approvalStatus).toBe('已驳回')
  })

  it('include a field the form marks 系统维护 in the designer, and forms.access lists them read-only (the record page greys them out)', async () => {
    const { core, admin, zhang, call } = await salesCore()
    const field = core.schema.form('customer').byKey.get('level')!
    core.schema.updateField({ id: field.id, config: { ...field.config, systemOwned: true } })
    expect(caught(() => core.writes.create(admin, 'customer', { name: '甲公司', level: 'A 重点客户' })).messageKey).toBe('value.systemOwned')
    const access = (await call('forms.access', { form: 'customer' }, zhang)) as { readonly: string[] }
    expect(access.readonly).toContain('level')
    expect(((await call('forms.access', { form: 'contract' }, admin)) as { readonly: string[] }).readonly).toEqual(['approvalStatus'])
  })

  it('are refused over REST with the field named in the caller’s language', async () => {
    const served = await servedCore()
    try {
      const core = served.host.core
      const { user } = await core.auth.setup({ name: '管理员', login: 'admin', password: 'secret123' })
      core.crm.install({ id: user.id, name: user.name, isAdmin: true, locale: 'zh-CN' }, bundledApp('crm').pkg, 'zh-CN')
      const repRole = core.org.roles().find((r) => r.key === 'sales_rep')!.id
      await core.org.createUser(user.id, { name: '张伟', login: 'zhangwei', password: 'secret123', roleIds: [repRole] })
      const login = await fetch(`${served.base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login: 'zhangwei', password: 'secret123' }) })
      const { token } = (await login.json()) as { token: string }
      const post = (body: unknown, language = 'zh-CN') =>
        fetch(`${served.base}/api/v1/forms/contract/records`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'accept-language': language }, body: JSON.stringify(body) })
      const refused = await post({ name: '想跳过审批', amount: 500000, approvalStatus: '已通过' }, 'en')
      expect(refused.status).toBe(422)
      expect(await refused.json()).toMatchObject({ code: 'VALIDATION', field: 'approvalStatus', message: '"审批状态" is maintained by a flow or the system and cannot be set by hand' })
      expect(core.db.prepare(`SELECT COUNT(*) FROM ${ident(core.schema.form('contract').table)}`).pluck().get()).toBe(0)
      expect((await post({ name: '正常合同', amount: 500000 })).status).toBe(201)
    } finally {
      await served.close()
    }
  })
})

describe('the owner of a record', () => {
  it('is the rep themselves or nobody on a rep’s create; someone else is refused, nothing written', async () => {
    const { zhang, li, call, count, row } = await salesCore()
    const before = count('customer')
    const e = caught(() => call('records.create', { form: 'customer', fields: { name: '甲公司', owner: li.id } }, zhang))
    expect(e).toMatchObject({ code: 'VALIDATION', messageKey: 'value.ownerAssign', field: 'owner' })
    expect(count('customer')).toBe(before)
    const own = (await call('records.create', { form: 'customer', fields: { name: '乙公司', owner: zhang.id } }, zhang)) as { id: number }
    const empty = (await call('records.create', { form: 'customer', fields: { name: '丙公司', owner: null } }, zhang)) as { id: number }
    expect(row('customer', own.id).owner_id).toBe(zhang.id)
    expect(row('customer', empty.id).owner_id).toBe(zhang.id)
  })

  it('is not changed by a rep outside the transfer action: update and records.transfer refused', async () => {
    const { core, zhang, li, call, row } = await salesCore()
    const id = core.writes.create(zhang, 'customer', { name: '甲公司' })
    const stored = row('customer', id)
    expect(caught(() => call('records.update', { form: 'customer', id, fields: { owner: li.id } }, zhang))).toMatchObject({ messageKey: 'value.ownerAssign', field: 'owner' })
    expect(caught(() => call('records.update', { form: 'customer', id, fields: { owner: null } }, zhang)).messageKey).toBe('value.ownerAssign')
    expect(caught(() => call('records.transfer', { form: 'customer', ids: [id], toUserId: li.id }, zhang))).toMatchObject({ code: 'PERMISSION' })
    expect(caught(() => core.writes.bulkWrite(zhang, 'customer', [{ values: { name: '乙公司', owner: li.id } }], { action: 'create' }))).toMatchObject({ messageKey: 'value.ownerAssign' })
    expect(row('customer', id)).toEqual(stored)
    // Sending the owner it has is no change.
    await call('records.update', { form: 'customer', id, fields: { owner: zhang.id, phone: '13900000000' } }, zhang)
    expect(row('customer', id).owner_id).toBe(zhang.id)
  })

  it('is assigned by a manager (the transfer right) and an administrator, on create, update and transfer', async () => {
    const { core, admin, zhang, li, manager, call, row } = await salesCore()
    expect(core.access.can(manager, 'transfer', core.schema.form('customer'))).toBe(true)
    expect(core.access.can(zhang, 'transfer', core.schema.form('customer'))).toBe(false)
    const id = core.writes.create(manager, 'customer', { name: '甲公司', owner: zhang.id })
    expect(row('customer', id).owner_id).toBe(zhang.id)
    await call('records.transfer', { form: 'customer', ids: [id], toUserId: li.id }, manager)
    expect(row('customer', id).owner_id).toBe(li.id)
    core.writes.update(admin, 'customer', id, { owner: zhang.id })
    expect(row('customer', id).owner_id).toBe(zhang.id)
  })

  it('is still set by the system: claim from the pool, release, lead conversion, a rule’s assignment', async () => {
    const { core, admin, zhang, li, row } = await salesCore()
    const pooled = core.writes.create(admin, 'lead', { name: '公海线索', company: '公海公司', owner: null })
    core.writes.update(admin, 'lead', pooled, { owner: null })
    core.crm.pool.claim(zhang, 'lead', [pooled])
    expect(row('lead', pooled).owner_id).toBe(zhang.id)
    const converted = core.crm.conversions.convertLead(zhang, { leadId: pooled })
    expect(row('customer', converted.customerId).owner_id).toBe(zhang.id)
    const other = core.writes.create(zhang, 'lead', { name: '退回线索' })
    core.crm.pool.release(zhang, 'lead', [other], '暂无需求')
    expect(row('lead', other).owner_id).toBeNull()
    core.rules.create({ name: '分给李娜', form: 'lead', enabled: true, trigger: { type: 'created' }, actions: [{ type: 'assign', mode: 'user', userId: li.id }] }, admin.id)
    const assigned = core.writes.create(zhang, 'lead', { name: '新线索' })
    expect(row('lead', assigned).owner_id).toBe(li.id)
  })

  it('needs the transfer right, which the upgrade grants to roles editing beyond their own records and to nobody else', async () => {
    const { core, role } = await salesCore()
    // As before the upgrade: no role holds 'transfer'.
    core.db.prepare(`UPDATE permissions SET actions = (SELECT json_group_array(value) FROM json_each(permissions.actions) WHERE value <> 'transfer')`).run()
    core.db.exec(MIGRATIONS.find((m) => m.name === 'transfer permission')!.sql)
    const holders = core.db.prepare(`SELECT DISTINCT p.role_id FROM permissions p, json_each(p.actions) a WHERE a.value = 'transfer'`).pluck().all() as number[]
    expect(holders).toContain(role('sales_manager'))
    expect(holders).not.toContain(role('sales_rep'))
    const wrong = core.db.prepare(`SELECT COUNT(*) FROM permissions p WHERE EXISTS (SELECT 1 FROM json_each(p.actions) WHERE value = 'transfer')
      AND (p.scope = 'own' OR NOT EXISTS (SELECT 1 FROM json_each(p.actions) WHERE value = 'edit'))`).pluck().get()
    expect(wrong).toBe(0)
    // The shipped app gives new installs the same rights the upgrade gives old ones.
    const shipped = bundledApp('crm').pkg.app.permissions
    for (const p of shipped) expect(p.actions.includes('transfer')).toBe(p.actions.includes('edit') && p.scope !== 'own')
  })
})

describe('a unique value held by a record the writer cannot see', () => {
  it('is refused as a colleague’s, naming the field and whom to ask, and nothing of that record', async () => {
    const { zhang, li, manager, call, count } = await salesCore()
    await call('records.create', { form: 'customer', fields: { name: '杭州明达科技有限公司', phone: '13800001111' } }, li)
    const before = count('customer')
    const e = caught(() => call('records.create', { form: 'customer', fields: { name: '杭州明达科技有限公司' } }, zhang))
    expect(e).toMatchObject({ code: 'VALIDATION', messageKey: 'value.duplicateElsewhere', field: 'name' })
    expect(translate('zh-CN', e.messageKey as string, e.params as Record<string, string | number>)).toBe('“客户名称”为“杭州明达科技有限公司”的记录已存在，由其他同事负责；如需跟进，请联系您的经理')
    expect(JSON.stringify(e.params)).not.toMatch(/李娜|13800001111/)
    expect(count('customer')).toBe(before)
    // The manager sees 李娜's customer: for them it is a plain duplicate.
    expect(caught(() => call('records.create', { form: 'customer', fields: { name: '杭州明达科技有限公司' } }, manager))).toMatchObject({ messageKey: 'value.duplicate', field: 'name' })
  })
})

describe('a save that moves the record out of the saver’s sight', () => {
  it('answers saved, naming the new owner, when a rule assigns a rep’s new lead to another rep', async () => {
    const { core, admin, zhang, li, call, row, count } = await salesCore()
    core.rules.create({ name: '按城市分配', form: 'lead', enabled: true, trigger: { type: 'created' }, condition: { filter: { field: 'city', op: 'eq', value: '上海' } }, actions: [{ type: 'assign', mode: 'user', userId: li.id }] }, admin.id)
    const before = count('lead')
    const result = (await call('records.create', { form: 'lead', fields: { name: '王强', city: '上海' } }, zhang)) as Record<string, unknown>
    expect(result).toEqual({ id: expect.any(Number), outOfScope: true, owner: { id: li.id, name: '李娜' }, message: '已保存；现已分配给 李娜，您将无法再打开此记录' })
    expect(count('lead')).toBe(before + 1)
    expect(row('lead', result.id as number)).toMatchObject({ owner_id: li.id, created_by: zhang.id })
    const en = (await call('records.create', { form: 'lead', fields: { name: 'Wang', city: '上海' } }, { ...zhang, locale: 'en' })) as Record<string, unknown>
    expect(en.message).toBe('Saved; now assigned to 李娜 — you can no longer open it')
    // Outside the rule, the rep gets the record as usual.
    expect(await call('records.create', { form: 'lead', fields: { name: '赵六', city: '杭州' } }, zhang)).toMatchObject({ fields: { name: '赵六' }, owner: { id: zhang.id } })
  })

  it('answers saved on an update a rule follows with an assignment (cell edit, kanban drag, bulk edit all use records.update)', async () => {
    const { core, admin, zhang, li, call, row } = await salesCore()
    const id = core.writes.create(zhang, 'lead', { name: '王强' })
    core.rules.create({ name: '上海归李娜', form: 'lead', enabled: true, trigger: { type: 'updated', fields: ['city'] }, condition: { filter: { field: 'city', op: 'eq', value: '上海' } }, actions: [{ type: 'assign', mode: 'user', userId: li.id }] }, admin.id)
    const result = await call('records.update', { form: 'lead', id, fields: { city: '上海' } }, zhang)
    expect(result).toMatchObject({ id, outOfScope: true, owner: { name: '李娜' } })
    expect(row('lead', id)).toMatchObject({ owner_id: li.id, [core.schema.form('lead').byKey.get('city')!.column!]: '上海' })
  })

  it('answers saved when a manager hands a record to someone outside their own sight', async () => {
    const { core, manager, zhang, wang, call } = await salesCore()
    const id = core.writes.create(manager, 'customer', { name: '甲公司' })
    // Inside the department: the record as usual.
    expect(await call('records.update', { form: 'customer', id, fields: { owner: zhang.id } }, manager)).toMatchObject({ id, owner: { id: zhang.id }, fields: { name: '甲公司' } })
    expect(await call('records.update', { form: 'customer', id, fields: { owner: wang.id } }, manager)).toEqual({ id, outOfScope: true, owner: { id: wang.id, name: '王芳' }, message: '已保存；现已分配给 王芳，您将无法再打开此记录' })
    expect(core.reads.get(wang, 'customer', id).owner?.id).toBe(wang.id)
  })
})

describe('dashboard sharing', () => {
  it('is publishing: a rep keeps dashboards personal, an administrator shares with roles, the owner may take a share back', async () => {
    const { core, admin, zhang, li, role } = await salesCore()
    const reports = core.reports
    const adminRole = core.org.roles().find((r) => r.isAdmin)?.id
    for (const roleIds of [[role('sales_rep')], ...(adminRole ? [[adminRole]] : [])]) {
      expect(caught(() => reports.create(zhang, { name: '我的看板', roleIds, widgets: [] }))).toMatchObject({ code: 'PERMISSION', messageKey: 'reports.error.shareAdminOnly' })
    }
    const before = reports.dashboards.list(admin).length
    const mine = reports.create(zhang, { name: '我的看板', widgets: [] })
    expect(reports.dashboards.list(admin)).toHaveLength(before + 1)
    expect(caught(() => reports.update(zhang, mine.id, { roleIds: [role('sales_rep')] })).messageKey).toBe('reports.error.shareAdminOnly')
    expect(reports.dashboards.list(li).map((d) => d.id)).not.toContain(mine.id)
    reports.update(admin, mine.id, { roleIds: [role('sales_rep')] })
    expect(reports.dashboards.list(li).map((d) => d.id)).toContain(mine.id)
    expect(caught(() => reports.update(zhang, mine.id, { roleIds: [role('sales_rep'), role('sales_manager')] })).messageKey).toBe('reports.error.shareAdminOnly')
    reports.update(zhang, mine.id, { roleIds: [] })
    expect(reports.dashboards.list(li).map((d) => d.id)).not.toContain(mine.id)
  })
})

describe('text length', () => {
  it('refuses a value past the field’s limit with the field named, and writes nothing', async () => {
    const { core, zhang, call, count } = await salesCore()
    const before = count('customer')
    const huge = 'x'.repeat(10_000_000)
    const started = Date.now()
    const e = caught(() => call('records.create', { form: 'customer', fields: { name: huge } }, zhang))
    expect(Date.now() - started).toBeLessThan(2000)
    expect(e).toMatchObject({ code: 'VALIDATION', messageKey: 'value.tooLong', field: 'name', params: { field: '客户名称', max: 500 } })
    expect(caught(() => call('records.create', { form: 'customer', fields: { name: '名'.repeat(501) } }, zhang)).messageKey).toBe('value.tooLong')
    expect(caught(() => call('records.create', { form: 'customer', fields: { name: '甲', notes: '备'.repeat(20_001) } }, zhang))).toMatchObject({ messageKey: 'value.tooLong', field: 'notes', params: { max: 20_000 } })
    expect(caught(() => call('records.create', { form: 'customer', fields: { name: '甲', phone: '1'.repeat(200) } }, zhang)).field).toBe('phone')
    expect(caught(() => call('records.create', { form: 'contact', fields: { name: '甲', email: `${'a'.repeat(300)}@example.com` } }, zhang))).toMatchObject({ field: 'email' })
    expect(count('customer')).toBe(before)
    // Exactly at the limit is fine; characters are counted, not bytes (an emoji is one).
    const ok = (await call('records.create', { form: 'customer', fields: { name: '😀'.repeat(500), notes: '备'.repeat(20_000) } }, zhang)) as { id: number }
    expect(core.reads.get(zhang, 'customer', ok.id).fields.name).toBe('😀'.repeat(500))
    // An update past the limit leaves the record as it was.
    expect(caught(() => call('records.update', { form: 'customer', id: ok.id, fields: { name: huge } }, zhang)).messageKey).toBe('value.tooLong')
    expect(core.reads.get(zhang, 'customer', ok.id).fields.name).toBe('😀'.repeat(500))
  })

  it('applies to sub-table text cells and imports, follows the designer’s maxLength, never past the ceiling', async () => {
    const { core, admin, zhang, manager } = await salesCore()
    // 回款计划's 说明 is a text cell of a sub-table row.
    const plan = [{ dueDate: '2024-04-01', amount: 1000, note: '首付款' }, { dueDate: '2024-05-01', amount: 1000, note: 'x'.repeat(300_000) }]
    const before = core.db.prepare(`SELECT COUNT(*) FROM ${ident(core.schema.form('contract').table)}`).pluck().get()
    const e = caught(() => core.writes.create(zhang, 'contract', { name: '分期合同', plan }))
    expect(e).toMatchObject({ messageKey: 'value.tooLong', field: 'plan', params: { field: '回款计划第2行 说明', max: 500 } })
    expect(core.db.prepare(`SELECT COUNT(*) FROM ${ident(core.schema.form('contract').table)}`).pluck().get()).toBe(before)
    const outcomes = core.writes.bulkWrite(manager, 'customer', [{ values: { name: '正常' } }, { values: { name: 'x'.repeat(600) } }], { action: 'import', skipBad: true })
    expect(outcomes.map((o) => o.ok)).toEqual([true, false])
    const city = core.schema.form('customer').byKey.get('city')!
    core.schema.updateField({ id: city.id, config: { ...city.config, maxLength: 10 } })
    expect(caught(() => core.writes.create(admin, 'customer', { name: '甲', city: '很长很长很长很长的城市名' })).params).toMatchObject({ field: '城市', max: 10 })
    expect(caught(() => core.schema.updateField({ id: city.id, config: { maxLength: 10_000_000 } })).messageKey).toBe('schema.badConfig')
  })
})
