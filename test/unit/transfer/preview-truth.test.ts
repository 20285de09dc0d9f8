import { afterEach, describe, expect, it } from 'vitest'
import { testCore } from '../../support/core'
import { importSettings } from '../../../src-main/shared/api/transfer'

// The preview runs the checks the write runs: "N 行可导入" is the number of rows the run writes.
// Conditional required (输单原因 when the stage is 输单), unique values within the file and
// against the database, and a duplicate marked 仍然导入 on a unique field are all found by the
// preview, not by the run on some early line.

type T = Awaited<ReturnType<typeof testCore>>
let t: T | null = null
afterEach(() => { t?.close(); t = null })

const STAGES = [{ id: 'talk', label: '洽谈', color: 'blue' as const }, { id: 'lost', label: '输单', color: 'gray' as const }]
const REASONS = [{ id: 'price', label: '价格', color: 'red' as const }]

async function setup() {
  t = await testCore()
  const form = t.form('商机', [
    { label: '商机名称', apiKey: 'name', type: 'text', required: true },
    { label: '编号', apiKey: 'code', type: 'text', unique: true },
    { label: '销售阶段', apiKey: 'stage', type: 'select', config: { options: STAGES } },
    { label: '输单原因', apiKey: 'lossReason', type: 'select', config: { options: REASONS }, requiredWhen: { field: 'stage', op: 'eq', value: 'lost' } }
  ])
  t.core.writes.create(t.actor, form.id, { name: '已有', code: 'C-1' })
  return { t, form }
}

const csv = [
  '商机名称,编号,销售阶段,输单原因',
  'A,C-10,洽谈,',
  'B,C-11,输单,', // 输单 without a reason: the pipeline refuses it
  'C,C-1,洽谈,', // the code is taken in the database
  'D,C-12,输单,价格',
  'E,C-10,洽谈,', // the same code earlier in the file
  'F,C-13,洽谈,'
].join('\n')

describe('the preview tells the truth', () => {
  it('counts the rows the write would refuse, and the run writes exactly the rows it said', async () => {
    const { t, form } = await setup()
    const imports = t.core.transfer.imports
    const opened = await imports.open(t.actor, form.id, 'deals.csv', Buffer.from(csv))
    const { columns } = await imports.columns(t.actor, opened.session, 0, 0)
    const settings = importSettings.parse({ sheet: 0, headerRow: 0, onError: 'skip', columns: columns.map((c) => ({ column: c.column, target: c.target })) })
    const preview = await imports.preview(t.actor, opened.session, settings, 'zh-CN')
    expect(preview).toMatchObject({ total: 6, valid: 3, invalid: 3 })
    expect(preview.errors.map((e) => e.line)).toEqual([3, 4, 6])
    expect(preview.errors[0]!.errors[0]!.message).toContain('输单原因')
    expect(preview.rows.find((r) => r.line === 4)!.errors[0]).toMatchObject({ field: 'code', column: 1 })
    // Nothing of the trial is left: no record, no change-log entry.
    expect(t.core.reads.list(t.actor, { form: form.id, limit: 10 }).records).toHaveLength(1)
    expect(t.core.audit.verify().ok).toBe(true)
    await imports.run(t.actor, opened.session, settings, 'zh-CN')
    const status = await imports.settle(t.actor, opened.session)
    expect(status).toMatchObject({ phase: 'done', created: preview.valid, failed: 0, skipped: 3 })
    expect(t.core.reads.list(t.actor, { form: form.id, limit: 10 }).records.map((r) => r.fields.name).sort()).toEqual(['A', 'D', 'F', '已有'])
    // The error report lists the three rows the preview named.
    const report = await imports.errorReport(t.actor, opened.session, 'zh-CN')
    expect(report.data.length).toBeGreaterThan(0)
    expect(t.core.audit.verify().ok).toBe(true)
  })

  it('all or nothing: the run refuses up front instead of failing on an early line', async () => {
    const { t, form } = await setup()
    const imports = t.core.transfer.imports
    const opened = await imports.open(t.actor, form.id, 'deals.csv', Buffer.from(csv))
    const { columns } = await imports.columns(t.actor, opened.session, 0, 0)
    const settings = importSettings.parse({ sheet: 0, headerRow: 0, columns: columns.map((c) => ({ column: c.column, target: c.target })) })
    expect((await imports.preview(t.actor, opened.session, settings, 'zh-CN')).invalid).toBe(3)
    await expect(imports.run(t.actor, opened.session, settings, 'zh-CN')).rejects.toMatchObject({ messageKey: 'transfer.error.rowsInvalid' })
    expect(t.core.reads.list(t.actor, { form: form.id, limit: 10 }).records).toHaveLength(1)
  })
})

describe('the trial write and values the run creates', () => {
  it('a new option for a conditionally required select counts as filled', async () => {
    const { t, form } = await setup()
    const imports = t.core.transfer.imports
    const data = Buffer.from('商机名称,编号,销售阶段,输单原因\nA,C-20,输单,竞品更便宜\nB,C-21,输单,\n')
    const opened = await imports.open(t.actor, form.id, 'lost.csv', data)
    const { columns } = await imports.columns(t.actor, opened.session, 0, 0)
    const settings = importSettings.parse({ sheet: 0, headerRow: 0, onError: 'skip', options: { lossReason: { 竞品更便宜: '__new__' } }, columns: columns.map((c) => ({ column: c.column, target: c.target })) })
    const preview = await imports.preview(t.actor, opened.session, settings, 'zh-CN')
    expect(preview).toMatchObject({ total: 2, valid: 1, invalid: 1 })
    expect(preview.errors.map((e) => e.line)).toEqual([3])
    await imports.run(t.actor, opened.session, settings, 'zh-CN')
    expect(await imports.settle(t.actor, opened.session)).toMatchObject({ phase: 'done', created: 1 })
    const a = t.core.reads.list(t.actor, { form: form.id, limit: 5, filter: { field: 'name', op: 'eq', value: 'A' } }).records[0]!
    expect(a.fields.lossReason).toBe('竞品更便宜')
  })
})
