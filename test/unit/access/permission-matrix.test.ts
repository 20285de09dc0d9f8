import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Actor } from '../../../src-main/access/actor'
import { toActor } from '../../../src-main/access/auth'
import { caught, rejected, testCore } from '../../support/core'

// The permission matrix: for each role and each read path, a sales rep can never see or infer
// another rep's records or a hidden field, and cannot write a read-only field.

type T = Awaited<ReturnType<typeof testCore>>
let t: T
const who: Record<string, Actor> = {}
let customers: number
let contracts: number
const ids: Record<string, number> = {}

beforeAll(async () => {
  t = await testCore()
  const { core, actor: boss } = t
  const org = core.org
  const role = (key: string) => org.roles().find((r) => r.key === key)!.id
  const east = org.createDepartment(boss.id, { name: '华东销售部' })
  const hz = org.createDepartment(boss.id, { name: '杭州组', parentId: east.id })
  const north = org.createDepartment(boss.id, { name: '华北销售部' })
  const user = async (name: string, login: string, departmentId: number | null, roleKeys: string[]) => {
    const id = await org.createUser(boss.id, { name, login, password: 'secret123', departmentId, roleIds: roleKeys.map(role) })
    who[login] = toActor(core.auth.user(id)!)
  }
  await user('张三', 'zhang', hz.id, ['sales_rep'])
  await user('李四', 'li', east.id, ['sales_rep'])
  await user('赵六', 'zhao', north.id, ['sales_rep'])
  await user('王经理', 'wang', east.id, ['sales_manager'])
  await user('钱会计', 'qian', null, ['finance'])
  const eastOnly = org.createRole(boss.id, { name: '华东专员' })
  await user('孙专员', 'sun', null, [])
  org.updateUser(boss.id, who.sun!.id, { roleIds: [eastOnly.id] })

  customers = t.form('客户', [
    { label: '客户名称', type: 'text' },
    { label: '区域', type: 'select', config: { options: [{ id: 'e', label: '华东' }, { id: 'n', label: '华北' }] } },
    { label: '底价', type: 'amount' },
    { label: '内部评价', type: 'text' },
    { label: '备注', type: 'textarea' }
  ]).id
  contracts = t.form('合同', [{ label: '合同名称', type: 'text' }, { label: '客户', type: 'relation', config: { targetFormId: customers } }, { label: '金额', type: 'amount' }]).id
  const relId = core.schema.form(contracts).byKey.get('keHu')!.id
  const amountId = core.schema.form(contracts).byKey.get('jinE')!.id
  core.schema.addField(customers, { label: '合同总额', type: 'rollup', config: { relationFieldId: relId, targetFieldId: amountId, aggregate: 'sum' } })
  // Formulas over a hidden field and over the roll-up: hidden wherever their inputs are.
  core.schema.addField(customers, { label: '报价下限', type: 'formula', config: { expression: '{底价}+40' } })
  core.schema.addField(customers, { label: '合同万元', type: 'formula', config: { expression: '{合同总额}/10000' } })
  const f = core.schema.form(customers)
  const fid = (key: string) => String(f.byKey.get(key)!.id)
  const repRules = { [fid('diJia')]: 'hidden' as const, [fid('neiBuPingJia')]: 'hidden' as const, [fid('beiZhu')]: 'readonly' as const }
  org.setPermission(boss.id, role('sales_rep'), { formId: customers, actions: ['view', 'create', 'edit', 'delete'], scope: 'own', fieldRules: repRules })
  org.setPermission(boss.id, role('sales_rep'), { formId: contracts, actions: ['view', 'create', 'edit'], scope: 'own', fieldRules: {} })
  org.setPermission(boss.id, role('sales_manager'), { formId: customers, actions: ['view', 'edit'], scope: 'departmentTree', fieldRules: {} })
  org.setPermission(boss.id, role('finance'), { formId: customers, actions: ['view'], scope: 'all', fieldRules: {} })
  org.setPermission(boss.id, role('finance'), { formId: contracts, actions: ['view', 'edit'], scope: 'all', fieldRules: {} })
  org.setPermission(boss.id, eastOnly.id, { formId: customers, actions: ['view'], scope: 'custom', scopeFilter: { field: 'quYu', op: 'eq', value: '华东' }, fieldRules: {} })

  const add = (login: string, name: string, quYu: string, diJia: number, ping: string) => {
    ids[name] = core.writes.create(who[login]!, customers, { 客户名称: name, 区域: quYu })
    core.writes.update(boss, customers, ids[name]!, { 底价: diJia, 内部评价: ping })
  }
  add('zhang', '张三的杭州云栖科技', '华东', 100, '回款慢需谨慎')
  add('zhang', '张三的宁波港务', '华东', 200, '大客户优先保障')
  add('li', '李四的上海远景贸易', '华东', 300, '价格敏感客户')
  add('zhao', '赵六的北京华科', '华北', 400, '竞争对手在跟进')
  core.writes.create(boss, contracts, { 合同名称: '赵六的合同', 客户: ids['赵六的北京华科'], 金额: 5000 })
  // A contract 张三 owns that links a customer he cannot see (assigned to him by the boss).
  core.writes.create(boss, contracts, { 合同名称: '张三的合同', 客户: ids['赵六的北京华科'], 金额: 10, owner: who.zhang!.id })
})
afterAll(() => t.close())

const names = (actor: Actor, q: Record<string, unknown> = {}) =>
  t.core.reads.list(actor, { form: customers, limit: 100, ...q }).records.map((r) => r.fields.keHuMingCheng as string).sort()

describe('a sales rep (scope: own; 底价 and 内部评价 hidden; 备注 read-only)', () => {
  const rep = () => who.zhang!
  it('lists, counts and pages only their own records', () => {
    expect(names(rep())).toEqual(['张三的宁波港务', '张三的杭州云栖科技'])
    expect(t.core.reads.count(rep(), { form: customers }).total).toBe(2)
    expect(t.core.reads.list(rep(), { form: customers, limit: 1, withTotal: true }).total).toBe(2)
    const grouped = t.core.reads.count(rep(), { form: customers, groupBy: 'quYu' })
    expect(grouped.groups).toEqual([{ value: '华东', count: 2 }])
  })

  it('cannot find other reps’ records or hidden values by search, here or across forms', () => {
    expect(names(rep(), { search: '远景贸易' })).toEqual([])
    expect(names(rep(), { search: '华科' })).toEqual([])
    // 内部评价 is hidden: its text must not make a record match, even the rep's own.
    expect(names(rep(), { search: '回款慢' })).toEqual([])
    expect(names(rep(), { search: '谨慎' })).toEqual([])
    expect(names(rep(), { search: '云栖科技' })).toEqual(['张三的杭州云栖科技'])
    expect(t.core.reads.searchAll(rep(), { q: '张三的', limit: 50 }).flatMap((g) => g.hits.map((h) => h.title)).sort()).toEqual(['张三的合同', '张三的宁波港务', '张三的杭州云栖科技'])
    expect(t.core.reads.searchAll(rep(), { q: '赵六', limit: 50 })).toEqual([])
  })

  it('cannot read, filter, sort, total or group by a hidden field', () => {
    const rec = t.core.reads.get(rep(), customers, ids['张三的杭州云栖科技']!)
    expect(Object.keys(rec.fields).sort()).toEqual(['beiZhu', 'keHuMingCheng', 'quYu'])
    for (const q of [{ filter: { field: 'diJia', op: 'gt', value: 0 } }, { sort: [{ field: 'diJia', dir: 'asc' }] }, { totals: ['diJia'] }, { filter: { field: '底价', op: 'gt', value: 0 } }]) {
      expect(caught(() => t.core.reads.list(rep(), { form: customers, limit: 10, ...(q as object) })).messageKey).toBe('value.unknownField')
    }
    expect(caught(() => t.core.reads.count(rep(), { form: customers, groupBy: 'neiBuPingJia' })).messageKey).toBe('value.unknownField')
    const dto = t.core.schema.toDto(t.core.schema.form(customers), t.core.access.hiddenFieldIds(rep(), t.core.schema.form(customers)))
    expect(dto.fields.map((f) => f.apiKey)).not.toContain('diJia')
  })

  it('does not see hidden fields in the history, nor roll-ups over records they cannot see', () => {
    const entries = t.core.reads.history(rep(), customers, ids['张三的杭州云栖科技']!)
    expect(entries.flatMap((e) => Object.keys(e.changes))).not.toContain('diJia')
    expect(entries.flatMap((e) => Object.keys(e.changes))).not.toContain('neiBuPingJia')
    expect(Object.keys(t.core.reads.get(rep(), customers, ids['张三的杭州云栖科技']!).fields)).not.toContain('heTongZongE')
    expect(Object.keys(t.core.reads.get(who.qian!, customers, ids['张三的杭州云栖科技']!).fields)).toContain('heTongZongE')
  })

  it('does not see, filter, sort or total a formula over a hidden field or over a roll-up they may not read', () => {
    const form = t.core.schema.form(customers)
    const listed = t.core.schema.toDto(form, t.core.access.hiddenFieldIds(rep(), form)).fields.map((f) => f.apiKey)
    for (const k of ['heTongZongE', 'baoJiaXiaXian', 'heTongWanYuan']) expect(listed).not.toContain(k)
    for (const q of [{ filter: { field: 'heTongZongE', op: 'gt', value: 0 } }, { sort: [{ field: 'heTongWanYuan', dir: 'desc' }] }, { totals: ['baoJiaXiaXian'] }]) {
      expect(caught(() => t.core.reads.list(rep(), { form: customers, limit: 10, ...(q as object) })).messageKey).toBe('query.fieldNotReadable')
    }
    expect(caught(() => t.core.reads.count(rep(), { form: customers, sums: ['heTongZongE'] })).messageKey).toBe('query.fieldNotReadable')
    // The manager sees a department, not every contract: no roll-up either; finance sees them all.
    expect(t.core.access.readableFields(who.wang!, form).map((f) => f.apiKey)).not.toContain('heTongWanYuan')
    const finance = t.core.reads.get(who.qian!, customers, ids['赵六的北京华科']!).fields
    expect(finance).toMatchObject({ heTongZongE: 5010, heTongWanYuan: 0.501, baoJiaXiaXian: 440 })
    expect(t.core.reads.count(who.qian!, { form: customers, sums: ['heTongZongE'] }).sums).toEqual({ heTongZongE: 5010 })
  })

  it('sees related records they cannot view only as #id', () => {
    const [mine] = t.core.reads.list(rep(), { form: contracts, limit: 10 }).records
    expect(mine!.fields.keHu).toEqual({ id: ids['赵六的北京华科'], title: `#${ids['赵六的北京华科']}` })
    expect((t.core.reads.list(who.qian!, { form: contracts, limit: 10, search: '张三的合同' }).records[0]!.fields.keHu as { title: string }).title).toBe('赵六的北京华科')
  })

  it('cannot link a record they cannot see (no probing by id)', () => {
    const hidden = ids['赵六的北京华科']!
    expect(caught(() => t.core.writes.create(rep(), contracts, { 合同名称: 'x', 客户: hidden })).messageKey).toBe('value.invalidRelation')
    expect(t.core.writes.create(rep(), contracts, { 合同名称: 'y', 客户: ids['张三的宁波港务'] })).toBeGreaterThan(0)
  })

  it('cannot open, edit or delete another rep’s record (it does not exist for them)', () => {
    const other = ids['李四的上海远景贸易']!
    expect(caught(() => t.core.reads.get(rep(), customers, other)).messageKey).toBe('error.recordNotFound')
    expect(caught(() => t.core.writes.update(rep(), customers, other, { 客户名称: 'x' })).messageKey).toBe('error.recordNotFound')
    expect(caught(() => t.core.writes.delete(rep(), customers, [other])).messageKey).toBe('error.recordNotFound')
    expect(caught(() => t.core.reads.history(rep(), customers, other)).messageKey).toBe('error.recordNotFound')
  })

  it('cannot write a read-only field, nor a hidden one, through any write', () => {
    const mine = ids['张三的杭州云栖科技']!
    expect(caught(() => t.core.writes.update(rep(), customers, mine, { 备注: '改' })).messageKey).toBe('value.readOnly')
    expect(caught(() => t.core.writes.update(rep(), customers, mine, { diJia: 1 })).messageKey).toBe('value.unknownField')
    expect(caught(() => t.core.writes.create(rep(), customers, { 客户名称: 'x', 备注: 'y' })).messageKey).toBe('value.readOnly')
    expect(caught(() => t.core.writes.bulkCreate(rep(), customers, [{ 客户名称: 'x', 底价: 1 }], 'create')).messageKey).toBe('value.unknownField')
    expect(t.core.reads.get(t.actor, customers, mine).fields.diJia).toBe(100)
  })

  it('may not import or export without those actions', () => {
    expect(caught(() => t.core.writes.bulkCreate(rep(), customers, [{ 客户名称: 'x' }])).messageKey).toBe('error.formPermission')
  })
})

describe('other roles and scopes', () => {
  it('a manager sees their department and its sub-departments', () => {
    expect(names(who.wang!)).toEqual(['张三的宁波港务', '张三的杭州云栖科技', '李四的上海远景贸易'])
  })

  it('finance sees every customer but cannot edit or create them', () => {
    expect(names(who.qian!)).toHaveLength(4)
    expect(caught(() => t.core.writes.update(who.qian!, customers, ids['赵六的北京华科']!, { 客户名称: 'x' })).messageKey).toBe('error.formPermission')
    expect(caught(() => t.core.writes.create(who.qian!, customers, { 客户名称: 'x' })).messageKey).toBe('error.formPermission')
  })

  it('a custom scope selects by condition (区域 = 华东)', () => {
    expect(names(who.sun!)).toEqual(['张三的宁波港务', '张三的杭州云栖科技', '李四的上海远景贸易'])
  })

  it('a role with no permission on a form sees nothing of it', () => {
    expect(caught(() => t.core.reads.list(who.sun!, { form: contracts, limit: 10 })).messageKey).toBe('error.formPermission')
    expect(t.core.reads.searchAll(who.sun!, { q: '合同', limit: 10 })).toEqual([])
  })

  it('collaborators see the record; a transfer hands everything over in one logged step', () => {
    t.core.writes.setCollaborators(t.actor, customers, ids['张三的宁波港务']!, [who.zhao!.id])
    expect(names(who.zhao!)).toEqual(['张三的宁波港务', '赵六的北京华科'])
    const n = t.core.writes.transfer(t.actor, customers, { fromUserId: who.zhang!.id, toUserId: who.li!.id })
    expect(n).toBe(2)
    expect(names(who.zhang!)).toEqual([])
    expect(names(who.li!)).toEqual(['张三的宁波港务', '张三的杭州云栖科技', '李四的上海远景贸易'])
    const ops = t.core.db.prepare("SELECT op FROM change_log WHERE op IN ('records.transfer', 'records.collaborators')").pluck().all()
    expect(ops).toEqual(['records.collaborators', 'records.transfer'])
    expect(t.core.audit.verify().ok).toBe(true)
  })
})

describe('accounts', () => {
  it('locks an account after five failed logins, and an administrator reset unlocks it', async () => {
    for (let i = 0; i < 5; i++) expect((await rejected(t.core.auth.login('zhao', 'wrong'))).messageKey).toBe('auth.badCredentials')
    expect((await rejected(t.core.auth.login('zhao', 'secret123'))).messageKey).toBe('auth.locked')
    t.clock.advance(16 * 60_000)
    expect((await t.core.auth.login('zhao', 'secret123')).user.login).toBe('zhao')
    for (let i = 0; i < 5; i++) await rejected(t.core.auth.login('zhao', 'wrong'))
    await t.core.auth.resetPassword(t.actor.id, who.zhao!.id, 'newsecret1')
    expect((await t.core.auth.login('zhao', 'newsecret1')).user.login).toBe('zhao')
    expect(t.core.db.prepare("SELECT COUNT(*) FROM change_log WHERE op = 'auth.loginFailed'").pluck().get()).toBe(11)
  })

  it('API tokens carry a scope and an expiry; disabling a user revokes everything', async () => {
    const { token } = t.core.auth.createToken(who.li!.id, { name: 'ERP', scope: 'read', expiresInDays: 1 })
    expect(t.core.auth.resolve(token)).toMatchObject({ via: 'token', scope: 'read' })
    t.clock.advance(2 * 86_400_000)
    expect(t.core.auth.resolve(token)).toBeNull()
    const { token: session } = await t.core.auth.login('li', 'secret123')
    const { token: write } = t.core.auth.createToken(who.li!.id, { name: 'ERP', scope: 'write', expiresInDays: null })
    t.core.org.updateUser(t.actor.id, who.li!.id, { active: false })
    expect(t.core.auth.resolve(session)).toBeNull()
    expect(t.core.auth.resolve(write)).toBeNull()
  })

  it('the manager chain climbs direct managers, then department heads', () => {
    t.core.org.updateDepartment(t.actor.id, { id: t.core.org.departments().find((d) => d.name === '华东销售部')!.id, headUserId: who.wang!.id })
    expect(t.core.org.managerChain(who.zhang!.id)).toEqual([who.wang!.id])
  })
})
