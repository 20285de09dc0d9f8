import { describe, expect, it } from 'vitest'
import ExcelJS from 'exceljs'
import { readWorkbook } from '../../../src-main/sheets/read-workbook'

// The guarded reader behind imports: cells as Excel shows them, merged ranges, line numbers, and
// Chinese text intact however long the sheet (a decoder working chunk by chunk splits characters).

describe('readWorkbook', () => {
  it('keeps every Chinese character intact across a large sheet', async () => {
    const wb = new ExcelJS.Workbook()
    const ws = wb.addWorksheet('客户')
    ws.addRow(['客户名称', '金额'])
    for (let i = 0; i < 20_000; i++) ws.addRow([`上海云帆贸易第${i}分公司`, `¥${i}`])
    const [sheet] = await readWorkbook('客户.xlsx', Buffer.from(await wb.xlsx.writeBuffer()))
    expect(sheet!.rows).toHaveLength(20_001)
    const bad = sheet!.rows.slice(1).findIndex((r, i) => r[0] !== `上海云帆贸易第${i}分公司` || r[1] !== `¥${i}`)
    expect(bad).toBe(-1)
  })

  it('reads dates, percentages, ¥ formats, booleans and formulas as Excel shows them, with merges and line numbers', async () => {
    const wb = new ExcelJS.Workbook()
    const ws = wb.addWorksheet('表')
    ws.addRow(['名单'])
    ws.mergeCells('A1:D1')
    ws.addRow([])
    ws.addRow(['日期', '比例', '金额', '是否', '合计'])
    const row = ws.addRow([new Date(Date.UTC(2024, 2, 5)), 0.15, 3000, true, { formula: 'C4*2', result: 6000 }])
    row.getCell(2).numFmt = '0%'
    row.getCell(3).numFmt = '"¥"#,##0.00'
    ws.addRow([new Date(Date.UTC(2024, 2, 5, 14, 30))])
    const [sheet] = await readWorkbook('表.xlsx', Buffer.from(await wb.xlsx.writeBuffer()))
    expect(sheet!.lines).toEqual([1, 3, 4, 5])
    expect(sheet!.merges).toEqual([{ top: 1, left: 1, bottom: 1, right: 4 }])
    expect(sheet!.rows[2]).toEqual(['2024-03-05', '15%', '¥3000', 'TRUE', '6000'])
    expect(sheet!.rows[3]![0]).toBe('2024-03-05 14:30')
  })

  it('reads dates of a workbook that counts from 1904 (Excel for Mac)', async () => {
    const wb = new ExcelJS.Workbook()
    wb.properties.date1904 = true
    const ws = wb.addWorksheet('表')
    ws.addRow(['签约日期'])
    ws.addRow([new Date(Date.UTC(2024, 2, 5))])
    const [sheet] = await readWorkbook('mac.xlsx', Buffer.from(await wb.xlsx.writeBuffer()))
    expect(sheet!.rows[1]).toEqual(['2024-03-05'])
  })
})
