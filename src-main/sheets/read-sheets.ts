import Papa from 'papaparse'
import { DomainError, ValidationError } from '../shared/errors'
import { readWorkbook } from './read-workbook'

// Spreadsheet files → rows of strings, one list per sheet. Shared by sheets.inspect (form from a
// header row) and the Excel import: both read a cell as the text a person sees in Excel, so the
// field types' own parsers (numbers, dates, phones…) do the rest.

export interface SheetRows {
  name: string
  /** Every row as strings, header row included; trailing empty rows and columns removed. */
  rows: string[][]
}

/** Read an .xlsx or .csv file. Throws a ValidationError naming the file when it cannot be read. */
export async function readSheets(fileName: string, data: Buffer): Promise<SheetRows[]> {
  const lower = fileName.toLowerCase()
  try {
    if (lower.endsWith('.csv') || lower.endsWith('.txt')) return [{ name: fileName.replace(/\.(csv|txt)$/i, ''), rows: trim(parseCsv(decodeText(data))) }]
    if (lower.endsWith('.xlsx') || lower.endsWith('.xlsm')) return (await readWorkbook(fileName, data)).map((s) => ({ name: s.name, rows: s.rows }))
  } catch (e) {
    if (e instanceof DomainError) throw e
    throw new ValidationError('sheet.unreadable', { name: fileName }, 'data')
  }
  throw new ValidationError('sheet.unsupported', { name: fileName }, 'name')
}

/**
 * Text files from Chinese Excel are often GBK (Excel's "CSV" on a Chinese Windows), sometimes
 * UTF-8 with or without a BOM, or UTF-16 ("Unicode text"). Bytes that are valid UTF-8 are read as
 * UTF-8; anything else as GB18030 (a superset of GBK and GB2312).
 */
export function decodeText(data: Uint8Array): string {
  if (data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf) return new TextDecoder('utf-8').decode(data.subarray(3))
  if (data[0] === 0xff && data[1] === 0xfe) return new TextDecoder('utf-16le').decode(data.subarray(2))
  if (data[0] === 0xfe && data[1] === 0xff) return new TextDecoder('utf-16be').decode(data.subarray(2))
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(data)
  } catch {
    return new TextDecoder('gb18030').decode(data)
  }
}

export function parseCsv(text: string): string[][] {
  const result = Papa.parse<string[]>(text, { skipEmptyLines: 'greedy' })
  return result.data.map((row) => row.map((cell) => (cell ?? '').trim()))
}

/** Drop empty rows at the end and empty columns at the right; pad rows to the same width. */
function trim(rows: string[][]): string[][] {
  const nonEmpty = (row: string[]) => row.some((c) => c !== '')
  let end = rows.length
  while (end > 0 && !nonEmpty(rows[end - 1]!)) end--
  const kept = rows.slice(0, end)
  let width = 0
  for (const row of kept) for (let c = row.length; c > width; c--) if (row[c - 1] !== '') { width = c; break }
  return kept.map((row) => Array.from({ length: width }, (_, i) => row[i] ?? ''))
}
