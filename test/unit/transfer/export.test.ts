import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { STAGES, testCore } from '../../support/core'
import { toActor } from '../../../src-main/access/auth'
import type { Actor } from '../../../src-main/access/actor'
import { importSettings } from '../../../src-main/shared/api/transfer'
import { readXlsx, sheetRows } from './fixtures'

// Export of a view (filter, columns, order; scope and field masks), CSV with a BOM, sub-tables on
// a second sheet, formula injection escaped, permission and audit; the round trip back through
// the import; the import template with drop-downs.

let t: Awaited<ReturnType<typeof testCore>>
let form: number
let rep: Actor
let viewer: Actor

beforeAll(async () => {
  t = await testCore()
  const { core, actor: boss } = t
  const role = (key: string) => core.org.roles().find((r) => r.key === key)!.id
  const user = async (name: string, login: string, roles: number[]) => toActor(core.auth.user(await core.org.createUser(boss.id, { name, login, password: 'secret123', roleIds: roles }))!)
  const viewers = core.org.createRole(boss.id, { name: '只看' })
  rep = await user('张三', 'zhang', [role('sales_rep')])
  viewer = await user('赵六', 'zhao', [viewers.id])
  form = t.form('商机', [
    { label: '商机名称', apiKey: 'name', type: 'text' },
    { label: '销售阶段', apiKey: 'stage', type: 'select', config: { options: STAGES } },
    { label: '预计金额', apiKey: 'amount', type: 'amount' },
    { label: '底价', apiKey: 'floor', type: 'amount' },
    { label: '成交日期', apiKey: 'closeDate', type: 'date' },
    { label: '重要', apiKey: 'important', type: 'checkbox' },
    { label: '跟进人', apiKey: 'follower', type: 'member' },
    { label: '明细', apiKey: 'lines', type: 'subtable', children: [{ label: '产品', apiKey: 'product', type: 'text' }, { label: '数量', apiKey: 'qty', type: 'number' }] }
  ]).id
  const floor = String(core.schema.form(form).byKey.get('floor')!.id)
  core.org.setPermission(boss.id, role('sales_rep'), { formId: form, actions: ['view', 'create', 'edit', 'export', 'import'], scope: 'own', fieldRules: { [floor]: 'hidden' } })
  core.org.setPermission(boss.id, viewers.id, { formId: form, actions: ['view'], scope: 'all', fieldRules: {} })
  core.writes.create(rep, form, { name: '甲 ERP', stage: '谈判', amount: 120000, closeDate: '2024-05-01', important: true, follower: rep.id, lines: [{ product: '服务器', qty: 2 }, { product: '=HYPERLINK("http://evil")', qty: 1 }] })
  core.writes.create(rep, form, { name: '=1+2', stage: '初步接洽', amount: 5000, closeDate: '2024-06-01' })
  core.writes.create(rep, form, { name: '丙 赢单', stage: '赢单', amount: 800 })
  core.writes.create(boss, form, { name: '老板的商机', stage: '谈判', amount: 1 })
})
afterAll(() => t.close())

describe('export', () => {
  it('exports a view: its filter, columns and order, the rep scope, hidden fields left out, labels and names', async () => {
    const view = t.core.views.create(rep, { form, name: '进行中', type: 'table', shared: false, config: { filter: { field: 'stage', op: 'neq', value: '赢单' }, sort: [{ field: 'amount', dir: 'desc' }], columns: [{ field: 'name' }, { field: 'amount' }, { field: 'stage' }, { field: 'closeDate', hidden: true }] } as never })
    const out = await t.core.transfer.exports.export(rep, { form, view: view.id, format: 'xlsx' }, 'zh-CN')
    expect(out.rows).toBe(2)
    expect(out.name).toMatch(/^商机-进行中-\d{8}-\d{4}\.xlsx$/)
    const wb = await readXlsx(out.data)
    const rows = sheetRows(wb.worksheets[0]!)
    expect(rows[0]).toEqual(['商机名称', '预计金额', '销售阶段', '重要', '跟进人', '负责人'])
    expect(rows[1]).toEqual(['甲 ERP', '120000', '谈判', '是', '张三', '张三'])
    // Formula-looking text is escaped.
    expect(rows[2]![0]).toBe("'=1+2")
    // Sub-table rows on their own sheet, under the record's title.
    const lines = sheetRows(wb.worksheets[1]!)
    expect(lines).toEqual([['商机名称', '产品', '数量'], ['甲 ERP', '服务器', '2'], ['甲 ERP', '\'=HYPERLINK("http://evil")', '1']])
    // Logged in the audit trail.
    const entry = t.core.db.prepare("SELECT detail FROM change_log WHERE op = 'export' ORDER BY id DESC LIMIT 1").pluck().get() as string
    expect(JSON.parse(entry)).toMatchObject({ what: 'records', view: view.id, format: 'xlsx', rows: 2 })
  })

  it('CSV has a UTF-8 BOM for Excel', async () => {
    const out = await t.core.transfer.exports.export(t.actor, { form, format: 'csv', columns: ['name', 'stage', 'amount'] }, 'zh-CN')
    expect([...out.data.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    const text = out.data.toString('utf8').slice(1)
    expect(text.split('\r\n')[0]).toBe('商机名称,销售阶段,预计金额')
    expect(text).toContain("'=1+2,初步接洽,5000")
    expect(out.rows).toBe(4)
  })

  it('is a permission', async () => {
    await expect(t.core.transfer.exports.export(viewer, { form, format: 'xlsx' }, 'zh-CN')).rejects.toMatchObject({ code: 'PERMISSION' })
  })

  it('round trip: what is exported imports back as the same values', async () => {
    const out = await t.core.transfer.exports.export(t.actor, { form, format: 'xlsx', columns: ['name', 'stage', 'amount', 'closeDate', 'important', 'follower', 'owner'] }, 'zh-CN')
    const copy = t.form('商机副本', [
      { label: '商机名称', apiKey: 'name', type: 'text' },
      { label: '销售阶段', apiKey: 'stage', type: 'select', config: { options: STAGES } },
      { label: '预计金额', apiKey: 'amount', type: 'amount' },
      { label: '成交日期', apiKey: 'closeDate', type: 'date' },
      { label: '重要', apiKey: 'important', type: 'checkbox' },
      { label: '跟进人', apiKey: 'follower', type: 'member' }
    ]).id
    const imports = t.core.transfer.imports
    const opened = await imports.open(t.actor, copy, out.name, out.data)
    const { columns } = await imports.columns(t.actor, opened.session, 0, 0)
    const settings = importSettings.parse({ sheet: 0, headerRow: 0, columns: columns.map((c) => ({ column: c.column, target: c.target })) })
    expect(settings.columns.map((c) => (c.target.action === 'field' ? c.target.field : '-'))).toEqual(['name', 'stage', 'amount', 'closeDate', 'important', 'follower', 'owner'])
    await imports.run(t.actor, opened.session, settings, 'zh-CN')
    expect(await imports.settle(t.actor, opened.session)).toMatchObject({ phase: 'done', created: 4 })
    const strip = (r: { fields: Record<string, unknown>; owner: { id: number } | null }): Record<string, unknown> => ({ ...r.fields, owner: r.owner?.id })
    const a = t.core.reads.list(t.actor, { form, limit: 10, sort: [{ field: 'id', dir: 'asc' }] }).records.map((r) => { const { floor: _f, lines: _l, ...rest } = strip(r); return rest })
    const b = t.core.reads.list(t.actor, { form: copy, limit: 10, sort: [{ field: 'id', dir: 'asc' }] }).records.map(strip)
    const byName = (x: Record<string, unknown>, y: Record<string, unknown>) => String(x.name).localeCompare(String(y.name))
    expect(b.sort(byName)).toEqual(a.sort(byName))
  })

  it('template: the importable columns, required marked, options as drop-down lists', async () => {
    const tpl = await t.core.transfer.exports.template(t.actor, form, 'zh-CN')
    expect(tpl.name).toBe('商机-导入模板.xlsx')
    const wb = await readXlsx(tpl.data)
    const ws = wb.worksheets[0]!
    expect(sheetRows(ws)[0]).toEqual(['商机名称', '销售阶段', '预计金额', '底价', '成交日期', '重要', '跟进人', '负责人'])
    const model = (ws as unknown as { dataValidations: { model: Record<string, { type: string; formulae: string[] }> } }).dataValidations.model
    const stage = Object.entries(model).find(([range]) => range.startsWith('B2'))![1]
    expect(stage.type).toBe('list')
    const options = wb.worksheets[1]!
    expect(options.state).toBe('veryHidden')
    expect(sheetRows(options).map((r) => r[0])).toEqual(STAGES.map((s) => s.label))
    expect(Object.entries(model).find(([range]) => range.startsWith('F2'))![1].type).toBe('list')
  })

  it('a filled-in template imports with every column mapped', async () => {
    const tpl = await t.core.transfer.exports.template(t.actor, form, 'zh-CN')
    const wb = await readXlsx(tpl.data)
    wb.worksheets[0]!.addRow(['模板商机', '谈判', '1.5万', '', '2024/9/1', '是', '张三', '张三'])
    const filled = Buffer.from(await wb.xlsx.writeBuffer())
    const imports = t.core.transfer.imports
    const opened = await imports.open(t.actor, form, tpl.name, filled)
    const { columns } = await imports.columns(t.actor, opened.session, 0, 0)
    expect(columns.map((c) => (c.target.action === 'field' ? c.target.field : '-'))).toEqual(['name', 'stage', 'amount', 'floor', 'closeDate', 'important', 'follower', 'owner'])
    const settings = importSettings.parse({ sheet: 0, headerRow: 0, columns: columns.map((c) => ({ column: c.column, target: c.target })) })
    await imports.run(t.actor, opened.session, settings, 'zh-CN')
    expect(await imports.settle(t.actor, opened.session)).toMatchObject({ phase: 'done', created: 1 })
    const [record] = t.core.reads.list(t.actor, { form, limit: 1, search: '模板商机' }).records
    expect(record).toMatchObject({ fields: { stage: '谈判', amount: 15000, closeDate: '2024-09-01', important: true, follower: { id: rep.id } }, owner: { id: rep.id } })
  })
})
