import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Actor } from '../../../src-main/access/actor'
import { toActor } from '../../../src-main/access/auth'
import { handlers } from '../../../src-main/api/handlers'
import type { CoreHost } from '../../../src-main/api/host'
import { viewConfig } from '../../../src-main/shared/api/contracts'
import { translate } from '../../../src-main/shared/locales'
import { caught, STAGES, testCore } from '../../support/core'

// Saved views: personal views exist only for their owner; shared views are seen by every viewer
// of the form and changed only by designers; configs are checked against the form as the actor
// sees it. And records.count with sums, overall and per group, within the actor's row scope.

type T = Awaited<ReturnType<typeof testCore>>
let t: T
let form: number
let rep: Actor
let other: Actor
let designer: Actor

beforeAll(async () => {
  t = await testCore()
  const { core, actor: boss } = t
  const role = (key: string) => core.org.roles().find((r) => r.key === key)!.id
  const user = async (name: string, login: string, roles: number[]) => toActor(core.auth.user(await core.org.createUser(boss.id, { name, login, password: 'secret123', roleIds: roles }))!)
  const designers = core.org.createRole(boss.id, { name: '表单设计' })
  rep = await user('张三', 'zhang', [role('sales_rep')])
  other = await user('李四', 'li', [role('sales_rep')])
  designer = await user('王设计', 'wang', [designers.id])
  form = t.form('商机', [
    { label: '商机名称', apiKey: 'name', type: 'text' },
    { label: '销售阶段', apiKey: 'stage', type: 'select', config: { options: STAGES } },
    { label: '标签', apiKey: 'tags', type: 'multiselect', config: { options: [{ id: 'a', label: '重点' }] } },
    { label: '预计金额', apiKey: 'amount', type: 'amount' },
    { label: '底价', apiKey: 'floor', type: 'amount' },
    { label: '成交日期', apiKey: 'closeDate', type: 'date' },
    { label: '赢率', apiKey: 'winRate', type: 'percent' },
    { label: '加权金额', apiKey: 'weighted', type: 'formula', config: { expression: '{预计金额} * {赢率}' } }
  ]).id
  const floor = String(core.schema.form(form).byKey.get('floor')!.id)
  core.org.setPermission(boss.id, role('sales_rep'), { formId: form, actions: ['view', 'create', 'edit'], scope: 'own', fieldRules: { [floor]: 'hidden' } })
  core.org.setPermission(boss.id, designers.id, { formId: form, actions: ['view', 'design'], scope: 'all', fieldRules: {} })
  const rows = [
    [rep, '甲', '谈判', 100, 0.5], [rep, '乙', '谈判', 200, 0.5], [rep, '丙', '赢单', 50, 1], [rep, '丁', '初步接洽', null, null],
    [other, '戊', '谈判', 1000, 0.5]
  ] as const
  for (const [who, name, stage, amount, rate] of rows) {
    const id = core.writes.create(who, form, { name, stage, amount, winRate: rate })
    core.writes.update(boss, form, id, { floor: 1 })
  }
})
afterAll(() => t.close())

const cfg = (c: Record<string, unknown> = {}) => viewConfig.parse(c)

describe('views', () => {
  it('keeps personal views to their owner and shows shared views to every viewer', () => {
    const mine = t.core.views.create(rep, { form, name: '我的谈判', type: 'table', shared: false, config: cfg({ filter: { field: 'stage', op: 'eq', value: '谈判' } }) })
    const shared = t.core.views.create(designer, { form, name: '销售看板', type: 'kanban', shared: true, config: cfg({ kanbanField: '销售阶段', sumField: 'amount', cardFields: ['name', 'amount'] }) })
    expect(shared.config.kanbanField).toBe('stage')
    expect(t.core.views.list(rep, form).map((v) => v.name)).toEqual(['我的谈判', '销售看板'])
    expect(t.core.views.list(other, form).map((v) => v.name)).toEqual(['销售看板'])
    expect(mine.ownerId).toBe(rep.id)
    // Someone else's personal view does not exist for them.
    expect(caught(() => t.core.views.update(other, { id: mine.id, name: '改名' })).messageKey).toBe('view.notFound')
    expect(caught(() => t.core.views.delete(other, mine.id)).messageKey).toBe('view.notFound')
    // Shared views are the designers'.
    expect(caught(() => t.core.views.update(rep, { id: shared.id, name: '改名' })).messageKey).toBe('error.adminOnly')
    expect(caught(() => t.core.views.create(rep, { form, name: '共享', type: 'table', shared: true, config: cfg() })).messageKey).toBe('error.adminOnly')
    expect(caught(() => t.core.views.update(rep, { id: mine.id, shared: true })).messageKey).toBe('error.adminOnly')
    expect(t.core.views.update(rep, { id: mine.id, name: '谈判中', position: 0.5 }).name).toBe('谈判中')
    expect(t.core.views.list(rep, form).map((v) => v.name)).toEqual(['谈判中', '销售看板'])
    expect(t.core.views.update(designer, { id: shared.id, config: cfg({ kanbanField: 'stage', cardFields: ['name'] }) }).config.cardFields).toEqual(['name'])
    t.core.views.delete(rep, mine.id)
    t.core.views.delete(designer, shared.id)
    expect(t.core.views.list(rep, form)).toEqual([])
  })

  it('checks the config against the form, naming the wrong field, and saves nothing', () => {
    const bad = (config: Record<string, unknown>, type: 'table' | 'kanban' | 'calendar' = 'table') => caught(() => t.core.views.create(designer, { form, name: 'x', type, shared: true, config: cfg(config) }))
    const unknown = bad({ columns: [{ field: '不存在' }] })
    expect(unknown.messageKey).toBe('view.unknownField')
    expect(translate('zh-CN', unknown.messageKey as string, unknown.params as Record<string, string>)).toContain('不存在')
    expect(bad({ kanbanField: 'tags' }, 'kanban').messageKey).toBe('view.kanbanField')
    expect(bad({ calendarField: 'amount' }, 'calendar').messageKey).toBe('view.calendarField')
    expect(bad({ sumField: 'name' }, 'kanban').messageKey).toBe('view.sumField')
    expect(bad({ filter: { field: 'stage', op: 'gt', value: 1 } }).messageKey).toBe('query.badOperator')
    expect(t.core.views.list(designer, form)).toEqual([])
    // A calendar by date, totals of a number formula: fine.
    const ok = t.core.views.create(designer, { form, name: '日历', type: 'calendar', shared: true, config: cfg({ calendarField: 'closeDate', sumField: 'weighted' }) })
    expect(ok.config).toMatchObject({ calendarField: 'closeDate', sumField: 'weighted', calendarMode: 'month' })
    t.core.views.delete(designer, ok.id)
  })

  it('hides fields the actor may not read: refused in their configs, left out of shared ones', () => {
    expect(caught(() => t.core.views.create(rep, { form, name: 'x', type: 'table', shared: false, config: cfg({ columns: [{ field: 'floor' }] }) })).messageKey).toBe('view.unknownField')
    const shared = t.core.views.create(designer, { form, name: '全部列', type: 'kanban', shared: true, config: cfg({
      columns: [{ field: 'name' }, { field: 'floor' }], kanbanField: 'stage', sumField: 'floor', cardFields: ['floor', 'name'],
      filter: { and: [{ field: 'floor', op: 'gt', value: 100 }, { field: 'stage', op: 'notEmpty' }] }
    }) })
    expect(t.core.views.list(designer, form).find((v) => v.id === shared.id)!.config.filter).toEqual({ and: [{ field: 'floor', op: 'gt', value: 100 }, { field: 'stage', op: 'notEmpty' }] })
    const seen = t.core.views.list(rep, form).find((v) => v.id === shared.id)!
    expect(seen.config.filter).toEqual({ and: [{ field: 'stage', op: 'notEmpty' }] })
    expect(() => t.core.reads.list(rep, { form, filter: seen.config.filter!, limit: 5 })).not.toThrow()
    expect(seen.config.columns).toEqual([{ field: 'name' }])
    expect(seen.config.cardFields).toEqual(['name'])
    expect(seen.config.sumField).toBeNull()
    expect(JSON.stringify(seen)).not.toContain('floor')
    t.core.views.delete(designer, shared.id)
  })

  it('leaves out fields deleted since the view was saved', () => {
    const extra = t.core.schema.addField(form, { label: '临时', apiKey: 'temp', type: 'number' })
    const view = t.core.views.create(designer, { form, name: '临时', type: 'table', shared: true, config: cfg({ columns: [{ field: 'temp' }, { field: 'name' }], sort: [{ field: 'temp', dir: 'desc' }], filter: { field: 'temp', op: 'gt', value: 1 } }) })
    t.core.schema.deleteField(extra.id)
    const seen = t.core.views.list(designer, form).find((v) => v.id === view.id)!
    expect(seen.config).toMatchObject({ columns: [{ field: 'name' }], sort: [], filter: null })
    t.core.schema.restoreField(extra.id)
    expect(t.core.views.list(designer, form).find((v) => v.id === view.id)!.config.filter).toEqual({ field: 'temp', op: 'gt', value: 1 })
    t.core.views.delete(designer, view.id)
  })

  it('is reachable through the API handlers with the same rules', async () => {
    const host = { core: t.core } as unknown as CoreHost
    const ctx = (actor: Actor) => ({ host, actor, token: null, locale: 'zh-CN' as const })
    const created = await handlers['views.create']({ form, name: 'API', type: 'table', shared: false, config: cfg() }, ctx(rep))
    expect((await handlers['views.list']({ form }, ctx(rep))).map((v) => v.id)).toContain(created.id)
    expect(await handlers['views.list']({ form }, ctx(other))).toEqual([])
    await handlers['views.delete']({ id: created.id }, ctx(rep))
  })

  it('lets only designers merge options and set the layout through the API', async () => {
    const host = { core: t.core } as unknown as CoreHost
    const ctx = (actor: Actor) => ({ host, actor, token: null, locale: 'zh-CN' as const })
    const tags = t.core.schema.form(form).byKey.get('tags')!
    t.core.schema.updateField({ id: tags.id, config: { options: [{ id: 'a', label: '重点' }, { id: 'b', label: '重要' }] } })
    const e = await Promise.resolve().then(() => handlers['fields.mergeOptions']({ id: tags.id, from: ['重要'], into: '重点' }, ctx(rep))).catch((x: unknown) => x as Record<string, unknown>)
    expect(e).toMatchObject({ messageKey: 'error.adminOnly' })
    const merged = await handlers['fields.mergeOptions']({ id: tags.id, from: ['重要'], into: '重点' }, ctx(designer))
    expect(merged).toMatchObject({ updated: 0, field: { apiKey: 'tags' } })
    expect((merged.field.config.options as unknown[]).length).toBe(1)
    const name = t.core.schema.form(form).byKey.get('name')!
    const layout = { tabs: [{ id: 't', label: '基本信息', sections: [{ id: 's', label: null, columns: 3, fieldIds: [name.id] }] }] }
    expect((await handlers['forms.update']({ form, layout }, ctx(designer))).layout).toEqual(layout)
    const sheets = await handlers['sheets.inspect']({ name: 'a.csv', data: Buffer.from('名称,数量\n甲,1\n').toString('base64') }, ctx(rep))
    expect(sheets[0]!.columns.map((c) => c.type)).toEqual(['text', 'number'])
  })
})

describe('records.count with sums', () => {
  it('sums number fields overall and per group within the row scope', () => {
    const all = t.core.reads.count(t.actor, { form, groupBy: 'stage', sums: ['amount', 'weighted'] })
    expect(all.total).toBe(5)
    expect(all.sums).toEqual({ amount: 1350, weighted: 700 })
    expect(all.groups).toContainEqual({ value: '谈判', count: 3, sums: { amount: 1300, weighted: 650 } })
    // A group whose records have no value sums to null, not 0.
    expect(all.groups!.find((g) => g.value === '初步接洽')).toMatchObject({ count: 1, sums: { amount: null } })
    // The rep sees only their own records.
    const mine = t.core.reads.count(rep, { form, groupBy: 'stage', sums: ['amount'] })
    expect(mine.total).toBe(4)
    expect(mine.groups).toContainEqual({ value: '谈判', count: 2, sums: { amount: 300 } })
    const filtered = t.core.reads.count(rep, { form, filter: { field: 'stage', op: 'eq', value: '谈判' }, sums: ['amount'] })
    expect(filtered).toEqual({ total: 2, sums: { amount: 300 } })
  })

  it('refuses hidden and non-numeric fields', () => {
    expect(caught(() => t.core.reads.count(rep, { form, sums: ['floor'] })).messageKey).toBe('value.unknownField')
    expect(caught(() => t.core.reads.count(t.actor, { form, sums: ['name'] })).messageKey).toBe('query.notNumeric')
    expect(t.core.reads.count(t.actor, { form })).toEqual({ total: 5 })
  })
})
