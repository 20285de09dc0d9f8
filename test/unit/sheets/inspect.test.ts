import ExcelJS from 'exceljs'
import { describe, expect, it } from 'vitest'
import { decodeText, readSheets } from '../../../src-main/sheets/read-sheets'
import { inspectSheet, inspectSheets } from '../../../src-main/sheets/inspect'
import { caught } from '../../support/core'

// sheets.inspect: reading .xlsx and .csv (UTF-8 with and without BOM, GBK from Chinese Excel)
// into rows of strings, and guessing each column's field type from its header and values.

/** `客户名称,合同金额,阶段,是否重点\n杭州云栖科技,"￥12,000.50",谈判,是\n` as Chinese Excel saves it (GBK). */
const GBK_CSV = Buffer.from('bfcdbba7c3fbb3c62cbacfcdacbdf0b6ee2cbdd7b6ce2ccac7b7f1d6d8b5e30ababcd6ddd4c6c6dcbfc6bcbc2c22a3a431322c3030302e3530222cccb8c5d02ccac70a', 'hex')

describe('reading sheets', () => {
  it('decodes GBK, UTF-8 with and without BOM, and UTF-16', () => {
    const text = '客户名称,合同金额\n杭州,100\n'
    expect(decodeText(GBK_CSV).split('\n')[0]).toBe('客户名称,合同金额,阶段,是否重点')
    expect(decodeText(Buffer.from(text))).toBe(text)
    expect(decodeText(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]))).toBe(text)
    expect(decodeText(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]))).toBe(text)
  })

  it('reads a GBK CSV into rows of strings, quoted commas kept', async () => {
    const [sheet] = await readSheets('客户.csv', GBK_CSV)
    expect(sheet).toEqual({ name: '客户', rows: [['客户名称', '合同金额', '阶段', '是否重点'], ['杭州云栖科技', '￥12,000.50', '谈判', '是']] })
  })

  it('reads every sheet of a workbook as Excel shows the cells', async () => {
    const wb = new ExcelJS.Workbook()
    const ws = wb.addWorksheet('客户')
    ws.addRow(['客户名称', '签约日期', '跟进时间', '折扣', '重点客户', '网址'])
    ws.addRow(['云栖科技', new Date(Date.UTC(2024, 2, 5)), new Date(Date.UTC(2024, 2, 5, 14, 30)), 0.15, true, { text: '官网', hyperlink: 'https://yunqi.cn' }])
    ws.getCell('D2').numFmt = '0%'
    ws.addRow([])
    wb.addWorksheet('空表')
    const data = Buffer.from(await wb.xlsx.writeBuffer())
    const sheets = await readSheets('客户.xlsx', data)
    expect(sheets.map((s) => s.name)).toEqual(['客户', '空表'])
    expect(sheets[0]!.rows).toEqual([['客户名称', '签约日期', '跟进时间', '折扣', '重点客户', '网址'], ['云栖科技', '2024-03-05', '2024-03-05 14:30', '15%', 'TRUE', '官网']])
    expect(sheets[1]!.rows).toEqual([])
  })

  it('refuses other files and unreadable workbooks with a message naming the file', async () => {
    const wrongType = await readSheets('合同.pdf', Buffer.from('x')).catch((e: unknown) => e as Record<string, unknown>)
    expect(wrongType).toMatchObject({ messageKey: 'sheet.unsupported', params: { name: '合同.pdf' } })
    const broken = await readSheets('客户.xlsx', Buffer.from('not a zip')).catch((e: unknown) => e as Record<string, unknown>)
    expect(broken).toMatchObject({ messageKey: 'transfer.error.badZip', params: { name: '客户.xlsx' } })
    const empty = await inspectSheets('空.csv', Buffer.from('\n\n').toString('base64')).catch((e: unknown) => e as Record<string, unknown>)
    expect(empty).toMatchObject({ messageKey: 'sheet.empty' })
    expect(caught(() => { throw new Error('x') }).message).toBe('x')
  })
})

describe('guessing field types', () => {
  const column = (header: string, values: string[]) => inspectSheet({ name: 's', rows: [[header], ...values.map((v) => [v])] }).columns[0]!

  it('guesses the types a sales office sheet has', () => {
    expect(column('签约日期', ['2024/3/5', '2024-03-06', '2024年3月7日'])).toMatchObject({ type: 'date' })
    expect(column('跟进时间', ['2024-03-05 14:30', '2024/3/6 9:05'])).toMatchObject({ type: 'datetime' })
    expect(column('数量', ['12', '3', '45'])).toMatchObject({ type: 'number', config: { precision: 0 } })
    expect(column('重量', ['1.25', '3.5'])).toMatchObject({ type: 'number', config: { precision: 2 } })
    expect(column('合同额', ['12000', '3500.5'])).toMatchObject({ type: 'amount', config: { precision: 2, currency: 'CNY' } })
    expect(column('报', ['¥1,200', '￥300'])).toMatchObject({ type: 'amount' })
    expect(column('毛利', ['15%', '22.5%'])).toMatchObject({ type: 'percent', config: { precision: 1 } })
    expect(column('手机', ['13800138000', '139 1234 5678'])).toMatchObject({ type: 'phone' })
    expect(column('座机', ['021-12345678', '0571-8888888', '400-123-4567'])).toMatchObject({ type: 'phone' })
    expect(column('邮箱', ['a@yunqi.cn', 'li.si@example.com'])).toMatchObject({ type: 'email' })
    expect(column('官网', ['https://yunqi.cn', 'www.example.com'])).toMatchObject({ type: 'url' })
    expect(column('是否重点', ['是', '否', '是'])).toMatchObject({ type: 'checkbox' })
    expect(column('编号', ['0001', '0002', '0003'])).toMatchObject({ type: 'text' })
    expect(column('客户名称', ['云栖科技', '西湖贸易', '钱塘物流'])).toMatchObject({ type: 'text' })
    expect(column('备注', ['第一行\n第二行'])).toMatchObject({ type: 'textarea' })
    expect(column('空列', [])).toMatchObject({ type: 'text', samples: [] })
  })

  it('makes a select of few repeated values, options in order of appearance with cycled colours', () => {
    const stages = ['谈判', '初步接洽', '谈判', '赢单', '初步接洽', '谈判', '输单', '谈判']
    const col = column('销售阶段', stages)
    expect(col.type).toBe('select')
    const options = col.config.options as Array<{ id: string; label: string; color: string }>
    expect(options.map((o) => o.label)).toEqual(['谈判', '初步接洽', '赢单', '输单'])
    expect(new Set(options.map((o) => o.id)).size).toBe(4)
    expect(new Set(options.map((o) => o.color)).size).toBe(4)
    expect(col.samples).toEqual(stages.slice(0, 5))
  })

  it('counts data rows, names blank headers by column letter and numbers repeated ones', () => {
    const sheet = inspectSheet({ name: '客户', rows: [['名称', '', '名称'], ['a', '1', 'x'], ['', '', ''], ['b', '2', 'y']] })
    expect(sheet.rows).toBe(2)
    expect(sheet.columns.map((c) => c.header)).toEqual(['名称', 'B', '名称(2)'])
  })

  it('inspects a base64 file end to end', async () => {
    const [sheet] = await inspectSheets('客户.csv', GBK_CSV.toString('base64'))
    expect(sheet!.rows).toBe(1)
    expect(sheet!.columns.map((c) => [c.header, c.type])).toEqual([['客户名称', 'text'], ['合同金额', 'amount'], ['阶段', 'text'], ['是否重点', 'checkbox']])
    expect(sheet!.columns[1]!.samples).toEqual(['￥12,000.50'])
  })
})
