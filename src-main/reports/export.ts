import ExcelJS from 'exceljs'
import type { WidgetResult } from '../shared/api/reports'

// A widget's result as an Excel workbook: dimension labels and measure values as numbers, with
// the number format of each measure (amounts with two decimals, ratios as percentages).

const FORMATS = { amount: '#,##0.00', percent: '0.0%', number: '#,##0.##', date: 'yyyy-mm-dd hh:mm', text: '@' } as const

export async function widgetWorkbook(title: string, result: WidgetResult): Promise<Buffer> {
  const book = new ExcelJS.Workbook()
  book.creator = 'Jimu CRM'
  const sheet = book.addWorksheet(title.replace(/[\\/?*[\]:]/g, ' ').slice(0, 31) || 'Sheet1')
  sheet.columns = result.columns.map((c) => ({ header: c.label, key: c.key, width: c.kind === 'dimension' ? 24 : 16 }))
  sheet.getRow(1).font = { bold: true }
  const dims = result.columns.filter((c) => c.kind === 'dimension').length
  for (const row of result.rows) {
    const cells: unknown[] = [...row.labels.slice(0, dims), ...row.values.map((v, i) => (result.columns[dims + i]?.format === 'date' && v !== null ? new Date(v) : v))]
    sheet.addRow(cells)
  }
  result.columns.forEach((c, i) => {
    if (c.kind === 'measure') sheet.getColumn(i + 1).numFmt = FORMATS[c.format]
  })
  sheet.views = [{ state: 'frozen', ySplit: 1 }]
  return Buffer.from(await book.xlsx.writeBuffer())
}
