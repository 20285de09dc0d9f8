import { describe, expect, it } from 'vitest'
import ExcelJS from 'exceljs'
import fc from 'fast-check'
import { readWorkbook } from '../../../src-main/sheets/read-workbook'
import { xlsxParts } from '../transfer/fixtures'

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

  it('any text written by Excel reads back as it was (XML entities, Chinese, emoji, shared and inline strings)', async () => {
    const cell = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 30 }), fc.constantFrom('<a href="x">&amp;</a>', '客户 & 合作伙伴', '“引号”‘单引号’', '😀👍 北京', '1,2万', 'A&B<C>D"E\'F'))
    await fc.assert(fc.asyncProperty(fc.array(fc.array(cell, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 8 }), fc.boolean(), async (rows, shared) => {
      // XML 1.0 cannot hold control characters or lone surrogates: Excel never writes them.
      const xmlChar = (ch: string) => { const n = ch.codePointAt(0)!; return (n >= 0x20 || n === 9 || n === 10 || n === 13) && !(n >= 0xd800 && n <= 0xdfff) && n !== 0xfffe && n !== 0xffff }
      const clean = rows.map((r) => r.map((c) => [...c].filter(xmlChar).join('')))
      const wb = new ExcelJS.Workbook()
      const ws = wb.addWorksheet('s')
      for (const r of clean) ws.addRow(r.map((c) => (shared ? c : { richText: [{ text: c }] })))
      const [sheet] = await readWorkbook('p.xlsx', Buffer.from(await wb.xlsx.writeBuffer())).catch(() => [{ rows: [] as string[][] }])
      const expected = clean.map((r) => r.map((c) => c.trim())).filter((r) => r.some((c) => c !== ''))
      const got = (sheet?.rows ?? []).map((r) => r.slice(0, 4))
      const strip = (r: string[]) => { const a = [...r]; while (a.length && a[a.length - 1] === '') a.pop(); return a }
      expect(got.map(strip)).toEqual(expected.map(strip))
    }), { numRuns: 60 })
  })

  it('reads sheet XML with a namespace prefix, entities, _xHHHH_ escapes, formulas, phonetic runs and CDATA', async () => {
    const ns = 'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    const prefixed = `<?xml version="1.0"?><x:worksheet ${ns}><x:sheetData>` +
      '<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>A&amp;B &lt;公司&gt; &#x1F600;</x:t></x:is></x:c><x:c r="C1" t="inlineStr"><x:is><x:t>一行_x000D_两行</x:t></x:is></x:c></x:row>' +
      '<x:row r="3"><x:c r="B3"><x:f>1+1</x:f><x:v>2</x:v></x:c><x:c r="C3" t="str"><x:f>A1</x:f><x:v>算出</x:v></x:c>' +
      '<x:c r="D3" t="inlineStr"><x:is><x:r><x:t>张</x:t></x:r><x:r><x:t>三</x:t></x:r><x:rPh sb="0" eb="1"><x:t>ZHANG</x:t></x:rPh></x:is></x:c></x:row>' +
      '</x:sheetData><x:mergeCells count="1"><x:mergeCell ref="A1:B1"/></x:mergeCells></x:worksheet>'
    const [sheet] = await readWorkbook('ns.xlsx', xlsxParts(prefixed))
    expect(sheet!.rows).toEqual([['A&B <公司> 😀', '', '一行\r两行', ''], ['', '2', '算出', '张三']])
    expect(sheet!.lines).toEqual([1, 3])
    expect(sheet!.merges).toEqual([{ top: 1, left: 1, bottom: 1, right: 2 }])
    const cdata = '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t><![CDATA[<原样>]]></t></is></c></row></sheetData></worksheet>'
    const [viaSaxes] = await readWorkbook('cdata.xlsx', xlsxParts(cdata))
    expect(viaSaxes!.rows).toEqual([['<原样>']])
  })
})
