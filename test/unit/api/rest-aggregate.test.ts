import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Actor } from '../../../src-main/access/actor'
import { toActor } from '../../../src-main/access/auth'
import { servedCore } from '../../support/http'
import { STAGES } from '../../support/core'

// The REST aggregate route (GET /api/v1/forms/{form}/aggregate) and page numbers for lists, over
// real HTTP with Bearer tokens: as the administrator, a sales rep (own records) and a custom role
// that sees one stage with the cost hidden — whose margin (a formula over the cost) must be
// refused by name, like the cost itself. Same rules as records.count over rpc.

let served: Awaited<ReturnType<typeof servedCore>>
const tokens: Record<string, string> = {}

async function get(who: string, path: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${served.base}${path}`, { headers: { authorization: `Bearer ${tokens[who]}`, ...headers } })
  return { status: res.status, body: (await res.json()) as any }
}
const q = (o: Record<string, unknown>) => new URLSearchParams(Object.fromEntries(Object.entries(o).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]))).toString()

/** The deals: [owner, stage, amount, cost]. */
const DEALS: Array<['admin' | 'rep' | 'other', string, number | null, number]> = [
  ['rep', '谈判', 100, 60], ['rep', '谈判', 50, 20], ['rep', '赢单', 300, 100], ['rep', '初步接洽', null, 5],
  ['other', '谈判', 1000, 900], ['other', '赢单', 2000, 1500], ['admin', '谈判', 7, 1]
]

beforeAll(async () => {
  served = await servedCore()
  const core = served.host.core
  const { user } = await core.auth.setup({ name: '王总', login: 'wang', password: 'secret123' })
  const admin: Actor = toActor(core.auth.user(user.id)!)
  const repRole = core.org.roles().find((r) => r.key === 'sales_rep')!.id
  const app = core.schema.createApp({ label: '销售' })
  const form = core.schema.createForm({
    appId: app.id, label: '商机', apiKey: 'deal', fields: [
      { label: '名称', apiKey: 'name', type: 'text' },
      { label: '阶段', apiKey: 'stage', type: 'select', config: { options: STAGES } },
      { label: '金额', apiKey: 'amount', type: 'amount' },
      { label: '成本', apiKey: 'cost', type: 'amount' },
      { label: '毛利', apiKey: 'margin', type: 'formula', config: { expression: '{金额} - {成本}' } }
    ]
  })
  const model = core.schema.form(form.id)
  core.org.setPermission(admin.id, repRole, { formId: form.id, actions: ['view', 'create', 'edit'], scope: 'own', scopeFilter: null, fieldRules: {} })
  const custom = core.org.createRole(admin.id, { name: '谈判专员' })
  core.org.setPermission(admin.id, custom.id, {
    formId: form.id, actions: ['view'], scope: 'custom', scopeFilter: { field: 'stage', op: 'eq', value: '谈判' }, fieldRules: { [String(model.byKey.get('cost')!.id)]: 'hidden' }
  })
  const ids = {
    admin: admin.id,
    rep: await core.org.createUser(admin.id, { name: '张三', login: 'zhang', password: 'secret123', roleIds: [repRole] }),
    other: await core.org.createUser(admin.id, { name: '李四', login: 'li', password: 'secret123', roleIds: [repRole] })
  }
  await core.org.createUser(admin.id, { name: '钱专员', login: 'qian', password: 'secret123', roleIds: [custom.id] })
  core.writes.bulkCreate(admin, form.id, DEALS.map(([owner, stage, amount, cost], i) => ({ name: `商机${i + 1}`, stage, amount, cost, owner: ids[owner] })))
  for (const [who, login] of [['admin', 'wang'], ['rep', 'zhang'], ['custom', 'qian']] as const) {
    const res = await fetch(`${served.base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login, password: 'secret123' }) })
    tokens[who] = ((await res.json()) as { token: string }).token
  }
})
afterAll(() => served?.close())

describe('REST aggregate route', () => {
  it('groups with counts and sums, overall totals from the groups', async () => {
    const res = await get('admin', `/api/v1/forms/deal/aggregate?groupBy=stage&sums=amount,cost`)
    expect(res.status).toBe(200)
    expect(res.body.total).toBe(7)
    expect(res.body.sums).toEqual({ amount: 3457, cost: 2586 })
    const byStage = Object.fromEntries(res.body.groups.map((g: any) => [g.value, g]))
    expect(byStage['谈判']).toEqual({ value: '谈判', count: 4, sums: { amount: 1157, cost: 981 } })
    expect(byStage['初步接洽']).toEqual({ value: '初步接洽', count: 1, sums: { amount: null, cost: 5 } })
    // Repeated sums and a filter.
    const filtered = await get('admin', `/api/v1/forms/deal/aggregate?${q({ groupBy: 'stage', filter: { field: 'amount', op: 'gte', value: 100 } })}&sums=amount&sums=margin`)
    expect(filtered.body.total).toBe(4)
    expect(filtered.body.sums).toEqual({ amount: 3400, margin: 840 })
    // Nothing matches: zero, and sums are empty rather than 0.
    const none = await get('admin', `/api/v1/forms/deal/aggregate?${q({ groupBy: 'stage', filter: { field: 'amount', op: 'gt', value: 1e9 } })}&sums=amount`)
    expect(none.body).toEqual({ total: 0, sums: { amount: null }, groups: [] })
    // Without a grouping: the totals only.
    expect((await get('admin', `/api/v1/forms/deal/aggregate?sums=amount`)).body).toEqual({ total: 7, sums: { amount: 3457 } })
  })

  it('a sales rep aggregates their own records only', async () => {
    const res = await get('rep', `/api/v1/forms/deal/aggregate?groupBy=stage&sums=amount`)
    expect(res.status).toBe(200)
    expect(res.body.total).toBe(4)
    expect(res.body.sums).toEqual({ amount: 450 })
    expect(res.body.groups.find((g: any) => g.value === '谈判')).toEqual({ value: '谈判', count: 2, sums: { amount: 150 } })
    expect(res.body.groups.map((g: any) => g.value).sort()).toEqual(['初步接洽', '谈判', '赢单'].sort())
  })

  it('a custom role sees its scope, and a hidden field or one computed from it is refused by name, translated', async () => {
    const res = await get('custom', `/api/v1/forms/deal/aggregate?groupBy=stage&sums=amount`)
    expect(res.body).toEqual({ total: 4, sums: { amount: 1157 }, groups: [{ value: '谈判', count: 4, sums: { amount: 1157 } }] })
    const hiddenSum = await get('custom', `/api/v1/forms/deal/aggregate?sums=cost`, { 'accept-language': 'en' })
    expect(hiddenSum.status).toBe(422)
    expect(hiddenSum.body).toMatchObject({ code: 'VALIDATION', field: 'cost', message: 'The form has no field "cost"' })
    const hiddenGroup = await get('custom', `/api/v1/forms/deal/aggregate?groupBy=cost`)
    expect(hiddenGroup.body).toMatchObject({ code: 'VALIDATION', field: 'cost', message: '表单没有字段“cost”' })
    const derived = await get('custom', `/api/v1/forms/deal/aggregate?groupBy=stage&sums=margin`, { 'accept-language': 'en' })
    expect(derived.status).toBe(422)
    expect(derived.body).toMatchObject({ code: 'VALIDATION', field: 'margin' })
    expect(derived.body.message).toContain('毛利')
    const derivedGroup = await get('custom', `/api/v1/forms/deal/aggregate?groupBy=margin`)
    expect(derivedGroup.body).toMatchObject({ code: 'VALIDATION', field: 'margin' })
    // A filter on the hidden field reveals nothing either.
    const filtered = await get('custom', `/api/v1/forms/deal/aggregate?${q({ filter: { field: 'cost', op: 'gt', value: 100 } })}`)
    expect(filtered.body).toMatchObject({ code: 'VALIDATION', field: 'cost' })
    // The rep cannot total the custom role's hidden field's neighbour by a label either: not a number field.
    expect((await get('rep', `/api/v1/forms/deal/aggregate?sums=name`)).body).toMatchObject({ code: 'VALIDATION', field: 'name' })
  })

  it('refuses without a token', async () => {
    const res = await fetch(`${served.base}/api/v1/forms/deal/aggregate?groupBy=stage`)
    expect(res.status).toBe(401)
  })

  it('is in the OpenAPI document with its parameters', async () => {
    const doc = (await (await fetch(`${served.base}/api/openapi.json`)).json()) as any
    const op = doc.paths['/api/v1/forms/{form}/aggregate'].get
    expect(op.operationId).toBe('records.count')
    expect(op.parameters.map((p: any) => p.name)).toEqual(['form', 'groupBy', 'sums', 'filter', 'search'])
    expect(op.security).toEqual([{ bearer: [] }])
    const list = doc.paths['/api/v1/forms/{form}/records'].get
    expect(list.parameters.map((p: any) => p.name)).toEqual(expect.arrayContaining(['cursor', 'page', 'offset']))
  })
})

describe('page numbers and offsets for lists', () => {
  const names = (body: any) => body.records.map((r: any) => r.fields.name)

  it('pages by number and by offset in the same order as the cursor', async () => {
    const all = await get('admin', `/api/v1/forms/deal/records?sort=name&limit=100`)
    const order = names(all.body)
    expect(order).toHaveLength(7)
    const page2 = await get('admin', `/api/v1/forms/deal/records?sort=name&limit=3&page=2&withTotal=true`)
    expect(names(page2.body)).toEqual(order.slice(3, 6))
    expect(page2.body.total).toBe(7)
    // The next page's cursor still works from a numbered page.
    const next = await get('admin', `/api/v1/forms/deal/records?sort=name&limit=3&cursor=${page2.body.nextCursor}`)
    expect(names(next.body)).toEqual(order.slice(6))
    expect(next.body.nextCursor).toBeNull()
    expect(names((await get('admin', `/api/v1/forms/deal/records?sort=name&limit=2&offset=5`)).body)).toEqual(order.slice(5, 7))
    expect(names((await get('admin', `/api/v1/forms/deal/records?sort=name&limit=2&offset=50`)).body)).toEqual([])
  })

  it('keeps the row scope on numbered pages', async () => {
    const res = await get('rep', `/api/v1/forms/deal/records?sort=name&limit=2&page=2&withTotal=true`)
    expect(res.body.total).toBe(4)
    expect(res.body.records).toHaveLength(2)
    const own = (await get('rep', `/api/v1/forms/deal/records?sort=name&limit=100`)).body
    expect(names(res.body)).toEqual(names(own).slice(2, 4))
  })

  it('refuses bad page numbers, offset with a cursor and page with offset, naming the parameter', async () => {
    const zero = await get('admin', `/api/v1/forms/deal/records?page=0`, { 'accept-language': 'en' })
    expect(zero.status).toBe(422)
    expect(zero.body).toMatchObject({ code: 'VALIDATION', field: 'page', message: 'The page number "page" must be a whole number from 1' })
    expect((await get('admin', `/api/v1/forms/deal/records?offset=-1`)).body).toMatchObject({ code: 'VALIDATION', field: 'offset', message: '参数“offset”必须是不小于 0 的整数' })
    expect((await get('admin', `/api/v1/forms/deal/records?offset=5&page=2`)).body).toMatchObject({ code: 'VALIDATION', field: 'page' })
    const first = await get('admin', `/api/v1/forms/deal/records?limit=2`)
    const both = await get('admin', `/api/v1/forms/deal/records?limit=2&offset=2&cursor=${first.body.nextCursor}`, { 'accept-language': 'en' })
    expect(both.body).toMatchObject({ code: 'VALIDATION', field: 'offset' })
    expect(both.body.message).toContain('not both')
    expect((await get('admin', `/api/v1/forms/deal/records?offset=100001`)).body).toMatchObject({ code: 'VALIDATION', field: 'offset' })
  })
})
