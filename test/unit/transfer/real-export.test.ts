import { afterEach, describe, expect, it } from 'vitest'
import { testCore } from '../../support/core'
import { importSettings } from '../../../src-main/shared/api/transfer'

// A real public CRM export, as an owner would import it on the first try: English snake_case
// headers, DD-MM-YY dates whose order only a row far down tells, blank close dates and values on
// open deals, accounts named as in the customer form, and a column made into a new select whose
// later values are not in the first rows.

type T = Awaited<ReturnType<typeof testCore>>
let t: T | null = null
afterEach(() => { t?.close(); t = null })

const STAGES = [{ id: 'p', label: 'Prospecting', color: 'blue' as const }, { id: 'e', label: 'Engaging', color: 'green' as const }, { id: 'w', label: 'Won', color: 'red' as const }, { id: 'l', label: 'Lost', color: 'gray' as const }]

async function setup() {
  t = await testCore()
  const customer = t.form('客户', [
    { label: '客户名称', apiKey: 'name', type: 'text', required: true },
    { label: '所属行业', apiKey: 'industry', type: 'select', config: { options: [{ id: 'tech', label: 'technolgy', color: 'blue' }] } },
    { label: '城市', apiKey: 'city', type: 'text' }
  ])
  const product = t.form('产品', [{ label: '产品名称', apiKey: 'name', type: 'text', required: true }])
  const opp = t.form('商机', [
    { label: '商机名称', apiKey: 'name', type: 'text', required: true },
    { label: '关联客户', apiKey: 'customer', type: 'relation', config: { targetFormId: customer.id, multiple: false } },
    { label: '意向产品', apiKey: 'products', type: 'relation', config: { targetFormId: product.id, multiple: true } },
    { label: '预计成交金额', apiKey: 'amount', type: 'amount', config: { precision: 2, currency: 'CNY' } },
    { label: '预计成交日期', apiKey: 'closeDate', type: 'date' },
    { label: '销售阶段', apiKey: 'stage', type: 'select', config: { options: STAGES } }
  ])
  for (const name of ['Acme Corporation', 'Betatech', 'Cancity']) t.core.writes.create(t.actor, customer.id, { name })
  for (const name of ['GTX Basic', 'MG Special']) t.core.writes.create(t.actor, product.id, { name })
  return { t, customer, product, opp }
}

/** 2,400 opportunities; every date before row 2,300 has day and month ≤ 12 (05-06-16 is either). */
function pipelineCsv(rows = 2400): Buffer {
  const lines = ['opportunity_id,sales_agent,product,account,deal_stage,engage_date,close_date,close_value,regional_office']
  const accounts = ['Acme Corporation', 'Betatech', 'Cancity']
  for (let i = 0; i < rows; i++) {
    const open = i % 4 === 3
    const late = i >= 2300
    const day = late ? 13 + (i % 15) : 1 + (i % 12)
    const month = 1 + ((i * 7) % 12)
    const d = `${String(day).padStart(2, '0')}-${String(month).padStart(2, '0')}-${i % 2 ? '16' : '17'}`
    const office = i === 2350 ? 'Central' : i % 2 ? 'East' : 'West'
    lines.push([`OPP${i}`, '管理员', i % 2 ? 'GTX Basic' : 'MG Special', accounts[i % 3], open ? 'Engaging' : 'Won', d, open ? '' : d, open ? '' : String(1000 + i), office].join(','))
  }
  return Buffer.from(lines.join('\r\n') + '\r\n')
}

describe('a real CRM export imports on the first try', () => {
  it('maps English CRM headers, reads DD-MM-YY from the whole column, and imports every row', async () => {
    const { t, opp } = await setup()
    const imports = t.core.transfer.imports
    const opened = await imports.open(t.actor, opp.id, 'sales_pipeline.csv', pipelineCsv())
    const { columns } = await imports.columns(t.actor, opened.session, 0, 0)
    const byHeader = Object.fromEntries(columns.map((c) => [c.header, c]))
    const targetOf = (h: string) => { const c = byHeader[h]!.target; return c.action === 'field' ? c.field : c.action }
    expect(targetOf('opportunity_id')).toBe('name')
    expect(targetOf('sales_agent')).toBe('owner')
    expect(targetOf('product')).toBe('products')
    expect(targetOf('account')).toBe('customer')
    expect(targetOf('deal_stage')).toBe('stage')
    expect(targetOf('close_date')).toBe('closeDate')
    expect(targetOf('close_value')).toBe('amount')
    expect(byHeader.deal_stage!.guess).toEqual({ source: 'synonym', confidence: 0.9 })
    // The first 2,300 rows are ambiguous; rows further down hold days above 12 first.
    expect(byHeader.close_date!.dateOrder).toEqual({ order: 'dmy', candidates: ['dmy'] })
    expect(byHeader.engage_date!.guessType).toBe('date')

    const settings = importSettings.parse({ sheet: 0, headerRow: 0, columns: columns.map((c) => ({ column: c.column, target: c.target })) })
    const preview = await imports.preview(t.actor, opened.session, settings, 'zh-CN')
    expect(preview).toMatchObject({ total: 2400, valid: 2400, invalid: 0 })
    expect(preview.dateOrders).toEqual([expect.objectContaining({ header: 'close_date', order: 'dmy', needsChoice: false })])
    await imports.run(t.actor, opened.session, settings, 'zh-CN')
    expect(await imports.settle(t.actor, opened.session)).toMatchObject({ phase: 'done', created: 2400 })
    const rows = t.core.db.prepare(`SELECT * FROM ${t.core.schema.form(opp.id).table} ORDER BY id`).all() as Array<Record<string, unknown>>
    const form = t.core.schema.form(opp.id)
    const col = (k: string) => form.byKey.get(k)!.column!
    // Row 0: 01-01-17 → 2017-01-01; row 2: 03-03-17 (month 1 + 14 % 12 = 3).
    expect(rows[0]![col('closeDate')]).toBe('2017-01-01')
    expect(rows[2]![col('closeDate')]).toBe('2017-03-03')
    expect(rows[3]![col('closeDate')]).toBeNull() // an open deal: blank close date and value
    expect(rows[2300]![col('closeDate')]).toBe('2017-09-18') // 18-09-17
  })

  it('an ambiguous date column asks: the preview marks it, the run refuses until an order is chosen', async () => {
    const { t, opp } = await setup()
    const csv = Buffer.from('商机名称,预计成交日期\nA,05/06/16\nB,01/02/17\n')
    const imports = t.core.transfer.imports
    const opened = await imports.open(t.actor, opp.id, 'a.csv', csv)
    const { columns } = await imports.columns(t.actor, opened.session, 0, 0)
    expect(columns[1]!.dateOrder).toEqual({ order: null, candidates: ['dmy', 'mdy'] })
    const base = { sheet: 0, headerRow: 0, columns: columns.map((c) => ({ column: c.column, target: c.target })) }
    const preview = await imports.preview(t.actor, opened.session, importSettings.parse(base), 'zh-CN')
    expect(preview.dateOrders).toEqual([expect.objectContaining({ column: 1, order: null, needsChoice: true, candidates: ['dmy', 'mdy'] })])
    await expect(imports.run(t.actor, opened.session, importSettings.parse(base), 'zh-CN')).rejects.toMatchObject({ messageKey: 'transfer.error.dateOrder' })
    expect(t.core.reads.list(t.actor, { form: opp.id, limit: 5 }).records).toHaveLength(0)
    const chosen = importSettings.parse({ ...base, columns: [base.columns[0], { ...base.columns[1], dateOrder: 'mdy' }] })
    await imports.run(t.actor, opened.session, chosen, 'zh-CN')
    expect(await imports.settle(t.actor, opened.session)).toMatchObject({ phase: 'done', created: 2 })
    const records = t.core.reads.list(t.actor, { form: opp.id, limit: 5, sort: [{ field: 'name', dir: 'asc' }] }).records
    expect(records.map((r) => r.fields.closeDate)).toEqual(['2016-05-06', '2017-01-02'])
  })

  it('a select the wizard creates from a column has every value of the column, not the first rows', async () => {
    const { t, opp } = await setup()
    const imports = t.core.transfer.imports
    const opened = await imports.open(t.actor, opp.id, 'sales_pipeline.csv', pipelineCsv())
    const { columns } = await imports.columns(t.actor, opened.session, 0, 0)
    const office = columns.find((c) => c.header === 'regional_office')!
    expect(office.guessType).toBe('select')
    expect((office.guessConfig.options as Array<{ label: string }>).map((o) => o.label).sort()).toEqual(['Central', 'East', 'West'])
    // Even with a guess that lacks a value (as an older wizard sent it), the new field takes them all.
    const settings = importSettings.parse({ sheet: 0, headerRow: 0, columns: columns.map((c) => c === office
      ? { column: c.column, target: { action: 'new', label: '区域办事处', type: 'select', config: { options: [{ id: 'o1', label: 'West', color: 'blue' }] } } }
      : { column: c.column, target: c.target }) })
    const preview = await imports.preview(t.actor, opened.session, settings, 'zh-CN')
    expect(preview).toMatchObject({ invalid: 0, unknownOptions: [] })
    await imports.run(t.actor, opened.session, settings, 'zh-CN')
    expect(await imports.settle(t.actor, opened.session)).toMatchObject({ phase: 'done', created: 2400 })
    const field = t.core.schema.form(opp.id).fields.find((f) => f.label === '区域办事处')!
    expect(((field.config as { options: Array<{ label: string }> }).options).map((o) => o.label)).toEqual(['West', 'East', 'Central'])
  })
})

describe('mapping like a person', () => {
  it('knows the accounts and sales-team vocabulary in English and Chinese, plural and case aside, and close spellings with their confidence', async () => {
    const { t, customer } = await setup()
    const imports = t.core.transfer.imports
    const csv = Buffer.from('Accounts,SECTOR,office_location,所属行业 \nAcme Corporation,technolgy,Paris,\n')
    const opened = await imports.open(t.actor, customer.id, 'accounts.csv', csv)
    const { columns } = await imports.columns(t.actor, opened.session, 0, 0)
    expect(columns.map((c) => (c.target.action === 'field' ? c.target.field : '-'))).toEqual(['name', 'industry', 'city', '-'])
    const fuzzy = await imports.open(t.actor, customer.id, 'f.csv', Buffer.from('客户名,所属行,城市名\nA,B,C\n'))
    const guessed = (await imports.columns(t.actor, fuzzy.session, 0, 0)).columns
    expect(guessed[0]).toMatchObject({ target: { field: 'name' }, guess: { source: 'synonym' } })
    expect(guessed[1]).toMatchObject({ target: { field: 'industry' }, guess: { source: 'fuzzy' } })
    expect(guessed[1]!.guess!.confidence).toBeGreaterThanOrEqual(0.75)
    expect(guessed[1]!.guess!.confidence).toBeLessThan(1)
  })
})
