import { afterEach, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { testCore } from '../../support/core'
import { DB_FILE } from '../../../src-main/core'
import { appInstaller } from '../../../src-main/apps/installer'
import type { ImportSettingsInput, PreviewDto } from '../../../src-main/shared/api/transfer'
import { importSettings } from '../../../src-main/shared/api/transfer'
import { encodeGbk, readXlsx, sheetRows, xlsx } from './fixtures'

// Import end to end in-process (the worker thread is real): a messy Chinese customer sheet with a
// title row, merged two-level header, dates in four formats plus an Excel serial, 1.2万 and ¥3,000,
// full-width digits, 是/否, a near-duplicate company name, an unknown option and bad cells.

type T = Awaited<ReturnType<typeof testCore>>
let t: T | null = null
afterEach(() => { t?.close(); t = null })

const LEVELS = [{ id: 'a', label: 'A', color: 'red' as const }, { id: 'b', label: 'B', color: 'blue' as const }, { id: 'c', label: 'C', color: 'gray' as const }]
const INDUSTRIES = [{ id: 'mfg', label: '制造', color: 'blue' as const }, { id: 'retail', label: '零售', color: 'green' as const }, { id: 'fin', label: '金融', color: 'orange' as const }]

async function setup() {
  t = await testCore()
  const customer = t.form('客户', [
    { label: '名称', apiKey: 'name', type: 'text', required: true },
    { label: '等级', apiKey: 'level', type: 'select', config: { options: LEVELS } },
    { label: '行业', apiKey: 'industry', type: 'select', config: { options: INDUSTRIES } },
    { label: '电话', apiKey: 'phone', type: 'phone' },
    { label: '邮箱', apiKey: 'email', type: 'email' },
    { label: '签约日期', apiKey: 'signedOn', type: 'date' },
    { label: '重点客户', apiKey: 'important', type: 'checkbox' },
    { label: '预计金额', apiKey: 'amount', type: 'amount', config: { precision: 2, currency: 'CNY' } }
  ])
  return { t, customer }
}

/** The messy sheet: title row, two-level merged header, then data. */
async function messyCustomers(): Promise<Buffer> {
  return xlsx((wb) => {
    const ws = wb.addWorksheet('客户名单')
    ws.addRow(['2024年客户名单'])
    ws.mergeCells('A1:I1')
    ws.addRow(['序号', '客户信息', '', '', '联系方式', '', '签约日期', '是否重点', '预计金额'])
    ws.mergeCells('A2:A3'); ws.mergeCells('B2:D2'); ws.mergeCells('E2:F2'); ws.mergeCells('G2:G3'); ws.mergeCells('H2:H3'); ws.mergeCells('I2:I3')
    ws.getCell('B3').value = '客户名称'; ws.getCell('C3').value = '等级'; ws.getCell('D3').value = '行业'
    ws.getCell('E3').value = '联系电话'; ws.getCell('F3').value = '邮箱'
    ws.addRow([1, '北京积木科技有限公司', 'A', '制造', '13800138000', 'a@jimu.cn', '2024年3月5日', '是', '1.2万'])
    ws.addRow([2, '上海云帆贸易', 'B', '零售', '１３９００１３９０００', 'b@yf.cn', '2024/3/6', '否', '¥3,000'])
    ws.addRow([3, '深圳星河', 'c', '金融', '13700137000', 'c@xh.cn', '2024.03.07', '是', '３０００'])
    ws.addRow([4, '北京积木科技', 'A', '制造', '13600136000', 'd@jimu.cn', 45359, '否', 500])
    ws.addRow([5, '广州蓝海教育', 'Z', '教育', '12345', 'bad-mail', '2024-13-45', '是', 'abc'])
    ws.addRow([6, '成都天府', 'B', '教育', '13500135000', '', '2024-03-10', '否', '2.5万'])
  })
}

const settingsFrom = (columns: Awaited<ReturnType<T['core']['transfer']['imports']['columns']>>['columns'], extra: ImportSettingsInput | object = {}) =>
  importSettings.parse({ sheet: 0, headerRow: 1, columns: columns.map((c) => ({ column: c.column, target: c.target })), ...extra })

describe('import of a messy Chinese spreadsheet', () => {
  it('finds the header under a title row, fills merged header cells and guesses the mapping by label', async () => {
    const { t, customer } = await setup()
    const imports = t.core.transfer.imports
    const opened = await imports.open(t.actor, customer.id, '客户名单.xlsx', await messyCustomers())
    expect(opened.sheets[0]).toMatchObject({ name: '客户名单', headerRow: 2, rows: 6 })
    const { columns } = await imports.columns(t.actor, opened.session, 0, 2)
    expect(columns.map((c) => c.header)).toEqual(['序号', '客户名称', '等级', '行业', '联系电话', '邮箱', '签约日期', '是否重点', '预计金额'])
    expect(columns.map((c) => (c.target.action === 'field' ? c.target.field : '-'))).toEqual(['-', 'name', 'level', 'industry', 'phone', 'email', 'signedOn', 'important', 'amount'])
  })

  it('previews per-cell errors and unknown options, writes only after run, and undoes as one unit', async () => {
    const { t, customer } = await setup()
    const imports = t.core.transfer.imports
    const opened = await imports.open(t.actor, customer.id, '客户名单.xlsx', await messyCustomers())
    const { columns } = await imports.columns(t.actor, opened.session, 0, 2)
    let settings = importSettingsAt(columns, 2)
    let preview: PreviewDto = await imports.preview(t.actor, opened.session, settings, 'zh-CN')
    expect(preview).toMatchObject({ total: 6, valid: 4, invalid: 2 })
    expect(preview.unknownOptions).toEqual(expect.arrayContaining([
      expect.objectContaining({ field: 'industry', value: '教育', count: 2 }),
      expect.objectContaining({ field: 'level', value: 'Z', count: 1 })
    ]))
    const bad = preview.errors.find((e) => e.line === 8)!
    expect(bad.errors.map((e) => e.field).sort()).toEqual(['amount', 'email', 'industry', 'level', 'phone', 'signedOn'])
    expect(bad.errors.find((e) => e.field === 'amount')!.message).toContain('abc')
    // The near-duplicate (北京积木科技 ~ 北京积木科技有限公司) is flagged against the earlier row.
    expect(preview.duplicates).toEqual([expect.objectContaining({ line: 7, firstLine: 4 })])
    // Nothing is written by a preview.
    expect(t.core.reads.count(t.actor, { form: customer.id }).total).toBe(0)

    // 教育 becomes an option; Z is read as C.
    settings = importSettingsAt(columns, 2, { options: { industry: { 教育: '__new__' }, level: { Z: 'c' } }, onError: 'skip' })
    preview = await imports.preview(t.actor, opened.session, settings, 'zh-CN')
    expect(preview.unknownOptions).toEqual([])
    // all-or-nothing refuses while a row has errors
    await expect(imports.run(t.actor, opened.session, { ...settings, onError: 'abort' }, 'zh-CN')).rejects.toMatchObject({ messageKey: 'transfer.error.rowsInvalid' })
    await imports.run(t.actor, opened.session, settings, 'zh-CN')
    const status = await imports.settle(t.actor, opened.session)
    expect(status).toMatchObject({ phase: 'done', created: 5, failed: 0, skipped: 1 })
    const records = t.core.reads.list(t.actor, { form: customer.id, limit: 50, sort: [{ field: 'id', dir: 'asc' }] }).records
    expect(records.map((r) => r.fields.name)).toEqual(['北京积木科技有限公司', '上海云帆贸易', '深圳星河', '北京积木科技', '成都天府'])
    expect(records.map((r) => r.fields.signedOn)).toEqual(['2024-03-05', '2024-03-06', '2024-03-07', '2024-03-08', '2024-03-10'])
    expect(records.map((r) => r.fields.amount)).toEqual([12000, 3000, 3000, 500, 25000])
    expect(records.map((r) => r.fields.important)).toEqual([true, false, true, false, false])
    expect(records[1]!.fields.phone).toContain('139')
    expect(records[2]!.fields.level).toBe('C')
    expect(records[4]!.fields.industry).toBe('教育')
    // The change log tags every record with the import batch.
    const tagged = t.core.db.prepare("SELECT COUNT(*) FROM change_log WHERE op = 'create' AND json_extract(detail, '$.importId') = ?").pluck().get(status.batchId)
    expect(tagged).toBe(5)

    // The error report: original columns + an error column, the bad row only.
    const report = await imports.errorReport(t.actor, opened.session, 'zh-CN')
    const wb = await readXlsx(report.data)
    const rows = sheetRows(wb.worksheets[0]!)
    expect(rows[0]!.at(-1)).toBe('错误原因')
    expect(rows).toHaveLength(2)
    expect(rows[1]![1]).toBe('广州蓝海教育')
    expect(rows[1]!.at(-1)).toMatch(/^第 8 行：/)

    // Undo takes the whole import back (recoverable delete), logged.
    const undone = await imports.undo(t.actor, status.batchId!)
    expect(undone).toEqual({ deleted: 5, restored: 0 })
    expect(t.core.reads.count(t.actor, { form: customer.id }).total).toBe(0)
    expect(t.core.reads.trash(t.actor, customer.id, 50)).toHaveLength(5)
    await expect(imports.undo(t.actor, status.batchId!)).rejects.toMatchObject({ messageKey: 'transfer.error.alreadyUndone' })
  })

  it('re-imports a fixed error report as it is', async () => {
    const { t, customer } = await setup()
    const imports = t.core.transfer.imports
    const opened = await imports.open(t.actor, customer.id, '客户名单.xlsx', await messyCustomers())
    const { columns } = await imports.columns(t.actor, opened.session, 0, 2)
    const settings = importSettingsAt(columns, 2, { onError: 'skip', options: { industry: { 教育: '__new__' } } })
    await imports.run(t.actor, opened.session, settings, 'zh-CN')
    await imports.settle(t.actor, opened.session)
    const report = await imports.errorReport(t.actor, opened.session, 'zh-CN')
    // Fix the row in the report as a user would, keep the error column.
    const wb = await readXlsx(report.data)
    const ws = wb.worksheets[0]!
    ws.getCell('C2').value = 'B'; ws.getCell('E2').value = '13300133000'; ws.getCell('F2').value = 'lanhai@edu.cn'
    ws.getCell('G2').value = '2024-03-09'; ws.getCell('I2').value = '8000'
    const fixed = Buffer.from(await wb.xlsx.writeBuffer())
    const again = await imports.open(t.actor, customer.id, report.name, fixed)
    expect(again.sheets[0]!.headerRow).toBe(0)
    const cols = await imports.columns(t.actor, again.session, 0, 0)
    expect(cols.columns.at(-1)).toMatchObject({ header: '错误原因', target: { action: 'skip' } })
    const s2 = importSettings.parse({ sheet: 0, headerRow: 0, columns: cols.columns.map((c) => ({ column: c.column, target: c.target })) })
    const preview = await imports.preview(t.actor, again.session, s2, 'zh-CN')
    expect(preview).toMatchObject({ total: 1, invalid: 0 })
    await imports.run(t.actor, again.session, s2, 'zh-CN')
    expect(await imports.settle(t.actor, again.session)).toMatchObject({ phase: 'done', created: 1 })
    expect(t.core.reads.count(t.actor, { form: customer.id }).total).toBe(6)
  })

  it('reads a GBK CSV and updates by key, restoring the old values on undo', async () => {
    const { t, customer } = await setup()
    const id = t.core.writes.create(t.actor, customer.id, { name: '北京积木科技有限公司', level: 'B', amount: 100 })
    const csv = encodeGbk('客户名称,等级,预计金额\r\n北京积木科技,A,1.5万\r\n不存在的公司,C,1\r\n')
    const imports = t.core.transfer.imports
    const opened = await imports.open(t.actor, customer.id, '更新.csv', csv)
    const { columns } = await imports.columns(t.actor, opened.session, 0, 0)
    expect(columns.map((c) => c.header)).toEqual(['客户名称', '等级', '预计金额'])
    const settings = importSettings.parse({ sheet: 0, headerRow: 0, columns: columns.map((c) => ({ column: c.column, target: c.target })), mode: 'update', onError: 'skip' })
    const preview = await imports.preview(t.actor, opened.session, settings, 'zh-CN')
    expect(preview).toMatchObject({ total: 2, matched: 1, invalid: 1 })
    expect(preview.errors[0]!.errors[0]!.message).toContain('不存在的公司')
    await imports.run(t.actor, opened.session, settings, 'zh-CN')
    const status = await imports.settle(t.actor, opened.session)
    expect(status).toMatchObject({ phase: 'done', updated: 1, created: 0 })
    expect(t.core.reads.get(t.actor, customer.id, id).fields).toMatchObject({ name: '北京积木科技有限公司', level: 'A', amount: 15000 })
    expect(await imports.undo(t.actor, status.batchId!)).toEqual({ deleted: 0, restored: 1 })
    expect(t.core.reads.get(t.actor, customer.id, id).fields).toMatchObject({ level: 'B', amount: 100 })
  })

  it('upserts: updates the matches and creates the rest', async () => {
    const { t, customer } = await setup()
    t.core.writes.create(t.actor, customer.id, { name: '深圳星河', amount: 1 })
    const data = await xlsx((wb) => { const ws = wb.addWorksheet('s'); ws.addRow(['客户名称', '金额']); ws.addRow(['深圳星河有限公司', 2]); ws.addRow(['杭州西子', 3]) })
    const imports = t.core.transfer.imports
    const opened = await imports.open(t.actor, customer.id, 'u.xlsx', data)
    const settings = importSettings.parse({ sheet: 0, headerRow: 0, mode: 'upsert', columns: [{ column: 0, target: { action: 'field', field: 'name' } }, { column: 1, target: { action: 'field', field: 'amount' } }] })
    await imports.run(t.actor, opened.session, settings, 'zh-CN')
    expect(await imports.settle(t.actor, opened.session)).toMatchObject({ phase: 'done', created: 1, updated: 1 })
    const names = t.core.reads.list(t.actor, { form: customer.id, limit: 10, sort: [{ field: 'id', dir: 'asc' }] }).records.map((r) => [r.fields.name, r.fields.amount])
    expect(names).toEqual([['深圳星河', 2], ['杭州西子', 3]])
  })

  it('all or nothing: a row the pipeline refuses (unique) takes back the earlier batches', async () => {
    const { t } = await setup()
    const form = t.form('产品', [{ label: '编码', apiKey: 'code', type: 'text', unique: true }, { label: '名称', apiKey: 'name', type: 'text' }])
    const data = await xlsx((wb) => {
      const ws = wb.addWorksheet('s')
      ws.addRow(['编码', '名称'])
      for (let i = 0; i < 1300; i++) ws.addRow([`P-${i}`, `产品${i}`])
    })
    const imports = t.core.transfer.imports
    const opened = await imports.open(t.actor, form.id, 'p.xlsx', data)
    const settings = importSettings.parse({ sheet: 0, headerRow: 0, columns: [{ column: 0, target: { action: 'field', field: 'code' } }, { column: 1, target: { action: 'field', field: 'name' } }], keyField: 'name' })
    expect(await imports.preview(t.actor, opened.session, settings, 'zh-CN')).toMatchObject({ valid: 1300, invalid: 0 })
    // A colleague takes a code between the preview and the run: the write finds it.
    t.core.writes.create(t.actor, form.id, { code: 'P-1200', name: '已有' })
    await imports.run(t.actor, opened.session, settings, 'zh-CN')
    const status = await imports.settle(t.actor, opened.session)
    expect(status.phase).toBe('failed')
    expect(status.message).toMatch(/第 1202 行/)
    expect(t.core.reads.count(t.actor, { form: form.id }).total).toBe(1)
    // One transaction: nothing was written, not even to the trash.
    expect(t.core.reads.trash(t.actor, form.id, 10)).toHaveLength(0)
  })

  it('all or nothing in batches (large files): the earlier batches are taken back', async () => {
    const { t } = await setup()
    const { IMPORT_LIMITS } = await import('../../../src-main/transfer/import-service')
    const saved = { ...IMPORT_LIMITS }
    Object.assign(IMPORT_LIMITS, { batch: 100, atomic: 50 })
    try {
      const form = t.form('产品', [{ label: '编码', apiKey: 'code', type: 'text', unique: true }])
      const data = await xlsx((wb) => { const ws = wb.addWorksheet('s'); ws.addRow(['编码']); for (let i = 0; i < 400; i++) ws.addRow([`P-${i}`]) })
      const imports = t.core.transfer.imports
      const opened = await imports.open(t.actor, form.id, 'p.xlsx', data)
      const settings = importSettings.parse({ sheet: 0, headerRow: 0, columns: [{ column: 0, target: { action: 'field', field: 'code' } }] })
      expect((await imports.preview(t.actor, opened.session, settings, 'zh-CN')).invalid).toBe(0)
      t.core.writes.create(t.actor, form.id, { code: 'P-250' }) // taken after the preview
      await imports.run(t.actor, opened.session, settings, 'zh-CN')
      const status = await imports.settle(t.actor, opened.session)
      expect(status).toMatchObject({ phase: 'failed', created: 0 })
      expect(status.message).toMatch(/第 252 行/)
      expect(t.core.reads.count(t.actor, { form: form.id }).total).toBe(1)
      expect(t.core.db.prepare('SELECT status FROM import_batches').pluck().get()).toBe('failed')
    } finally {
      Object.assign(IMPORT_LIMITS, saved)
    }
  })

  it('creates a new field from a column with the guessed type, and links records by customer name', async () => {
    const { t, customer } = await setup()
    t.core.writes.create(t.actor, customer.id, { name: '北京积木科技有限公司' })
    const opp = t.form('商机', [
      { label: '商机名称', apiKey: 'name', type: 'text' },
      { label: '客户', apiKey: 'customer', type: 'relation', config: { targetFormId: customer.id, multiple: false } }
    ])
    const data = await xlsx((wb) => { const ws = wb.addWorksheet('s'); ws.addRow(['商机名称', '客户名称', '预计成交']); ws.addRow(['ERP 升级', '北京积木科技', '2024-05-01']); ws.addRow(['CRM', '不存在', '2024-06-01']) })
    const imports = t.core.transfer.imports
    const opened = await imports.open(t.actor, opp.id, 'o.xlsx', data)
    const { columns } = await imports.columns(t.actor, opened.session, 0, 0)
    expect(columns[1]!.target).toEqual({ action: 'field', field: 'customer' })
    expect(columns[2]).toMatchObject({ target: { action: 'skip' }, guessType: 'date' })
    const settings = importSettings.parse({ sheet: 0, headerRow: 0, onError: 'skip', columns: [
      { column: 0, target: columns[0]!.target }, { column: 1, target: columns[1]!.target },
      { column: 2, target: { action: 'new', label: '预计成交', type: columns[2]!.guessType, config: columns[2]!.guessConfig } }
    ] })
    const preview = await imports.preview(t.actor, opened.session, settings, 'zh-CN')
    expect(preview.errors[0]!.errors[0]!.message).toBe('“客户”：找不到客户“不存在”')
    await imports.run(t.actor, opened.session, settings, 'zh-CN')
    expect(await imports.settle(t.actor, opened.session)).toMatchObject({ phase: 'done', created: 1 })
    const fresh = t.core.schema.form(opp.id)
    const field = fresh.fields.find((f) => f.label === '预计成交')!
    expect(field.type).toBe('date')
    const [record] = t.core.reads.list(t.actor, { form: opp.id, limit: 5 }).records
    expect(record!.fields.customer).toMatchObject({ title: '北京积木科技有限公司' })
    expect(record!.fields[field.apiKey]).toBe('2024-05-01')
  })

  it('skip mode: a row the pipeline refuses is rolled back alone and reported; rules run only when asked', async () => {
    const { t } = await setup()
    const form = t.form('产品', [{ label: '编码', apiKey: 'code', type: 'text', unique: true }, { label: '名称', apiKey: 'name', type: 'text' }])
    t.core.writes.create(t.actor, form.id, { code: 'P-2', name: '已有' })
    const events: string[] = []
    t.core.events.on((e) => { if (e.type === 'record.created') events.push(e.type) })
    const data = await xlsx((wb) => { const ws = wb.addWorksheet('s'); ws.addRow(['编码', '名称']); for (let i = 0; i < 5; i++) ws.addRow([`P-${i}`, `产品${i}`]) })
    const imports = t.core.transfer.imports
    const settings = (rules: boolean) => importSettings.parse({ sheet: 0, headerRow: 0, onError: 'skip', rules, keyField: 'name', columns: [{ column: 0, target: { action: 'field', field: 'code' } }, { column: 1, target: { action: 'field', field: 'name' } }] })
    const opened = await imports.open(t.actor, form.id, 'p.xlsx', data)
    await imports.run(t.actor, opened.session, settings(false), 'zh-CN')
    // The preview's trial write found the taken code: the row is left out up front, not failed in the run.
    expect(await imports.settle(t.actor, opened.session)).toMatchObject({ phase: 'done', created: 4, failed: 0, skipped: 1, hasReport: true })
    expect(events).toHaveLength(0)
    const wb = await readXlsx((await imports.errorReport(t.actor, opened.session, 'zh-CN')).data)
    const rows = sheetRows(wb.worksheets[0]!)
    expect(rows).toHaveLength(2)
    expect(rows[1]!.slice(0, 2)).toEqual(['P-2', '产品2'])
    expect(rows[1]![2]).toContain('已存在')
    // The change log is intact after the rolled-back row (the chain still verifies).
    expect(t.core.audit.verify().ok).toBe(true)
    const again = await imports.open(t.actor, form.id, 'p.xlsx', await xlsx((wb2) => { const ws = wb2.addWorksheet('s'); ws.addRow(['编码', '名称']); ws.addRow(['Q-1', '新品']) }))
    await imports.run(t.actor, again.session, settings(true), 'zh-CN')
    await imports.settle(t.actor, again.session)
    expect(events).toHaveLength(1)
  })

  it('reads in the background: status shows the reading phase, sheets waits for it; a refused file ends the session', async () => {
    const { t, customer } = await setup()
    const imports = t.core.transfer.imports
    const id = imports.start(t.actor, customer.id, '客户名单.xlsx', await messyCustomers())
    expect(imports.status(t.actor, id).phase).toBe('reading')
    const sheets = await imports.sheets(t.actor, id)
    expect(sheets[0]!.rows).toBe(6)
    expect(imports.status(t.actor, id).phase).toBe('ready')
    const bad = imports.start(t.actor, customer.id, '坏.xlsx', Buffer.from('PK\u0003\u0004broken'))
    await expect(imports.sheets(t.actor, bad)).rejects.toMatchObject({ messageKey: 'transfer.error.badZip' })
    expect(() => imports.status(t.actor, bad)).toThrow(expect.objectContaining({ messageKey: 'transfer.error.sessionNotFound' }))
  })

  it('cancel takes back what was written', async () => {
    const { t } = await setup()
    const form = t.form('线索', [{ label: '姓名', apiKey: 'name', type: 'text' }])
    const data = await xlsx((wb) => { const ws = wb.addWorksheet('s'); ws.addRow(['姓名']); for (let i = 0; i < 3000; i++) ws.addRow([`线索${i}`]) })
    const imports = t.core.transfer.imports
    const opened = await imports.open(t.actor, form.id, 'l.xlsx', data)
    const settings = importSettings.parse({ sheet: 0, headerRow: 0, columns: [{ column: 0, target: { action: 'field', field: 'name' } }] })
    await imports.run(t.actor, opened.session, settings, 'zh-CN')
    const status = await imports.cancel(t.actor, opened.session)
    expect(status.phase).toBe('cancelled')
    expect(t.core.reads.count(t.actor, { form: form.id }).total).toBe(0)
  })

  it('an import cut short by closing the app is marked interrupted and can be undone', async () => {
    const { t, customer } = await setup()
    const id = t.core.writes.create(t.actor, customer.id, { name: '半途' })
    const batch = Number(t.core.db.prepare("INSERT INTO import_batches (form_id, actor_id, file_name, mode, status, created, started_at) VALUES (?, ?, 'a.xlsx', 'create', 'running', 1, 0)").run(customer.id, t.actor.id).lastInsertRowid)
    t.core.db.prepare("INSERT INTO import_batch_rows (batch_id, record_id, op) VALUES (?, ?, 'create')").run(batch, id)
    const { ImportService } = await import('../../../src-main/transfer/import-service')
    const restarted = new ImportService({ apps: appInstaller(t.core), databaseFile: join(t.dataDir, DB_FILE), db: t.core.db, dataDir: t.core.dataDir, clock: t.core.clock, schema: t.core.schema, access: t.core.access, audit: t.core.audit, writes: t.core.writes, reads: t.core.reads, views: t.core.views, org: t.core.org })
    expect(restarted.batches(t.actor, customer.id)[0]).toMatchObject({ id: batch, status: 'interrupted', created: 1 })
    expect(await restarted.undo(t.actor, batch)).toEqual({ deleted: 1, restored: 0 })
  })

  it('needs the import permission', async () => {
    const { t, customer } = await setup()
    const userId = await t.core.org.createUser(t.actor.id, { name: '小王', login: 'wang', password: 'secret123' })
    const rep = { id: userId, name: '小王', isAdmin: false, locale: 'zh-CN' as const }
    await expect(t.core.transfer.imports.open(rep, customer.id, 'a.csv', Buffer.from('名称\n甲\n'))).rejects.toMatchObject({ code: 'PERMISSION' })
  })
})

function importSettingsAt(columns: Parameters<typeof settingsFrom>[0], headerRow: number, extra: object = {}) {
  return importSettings.parse({ sheet: 0, headerRow, columns: columns.map((c) => ({ column: c.column, target: c.target })), ...extra })
}
