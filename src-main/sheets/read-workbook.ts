import Papa from 'papaparse'
import { DomainError, ValidationError } from '../shared/errors'
import { decodeText, type SheetRows } from './read-sheets'
import { parseXlsx } from './xlsx-parse'
import { cellAddress, inspectZip } from './zip-guard'

// The guarded reader behind imports (and sheets.inspect): a spreadsheet file → its non-empty rows
// as strings, each with its line number in the file, plus the merged ranges of each sheet.
// Malformed input is refused with a clear, translated error before anything else happens: an
// old .xls, a damaged or truncated zip, a zip bomb, a cell longer than Excel allows, more rows
// than an import takes, a text file in an encoding we cannot read. xlsx parts are parsed by
// xlsx-parse.ts from the entries the zip guard inflated.

export const READ_LIMITS = {
  /** Data rows per sheet an import takes. */
  maxRows: 300_000,
  /** Excel's own limit on the text of one cell. */
  maxCell: 32_767,
  /** Excel's last row. */
  maxLine: 1_048_576
}

export interface Merge { top: number; left: number; bottom: number; right: number }

export interface WorkbookSheet extends SheetRows {
  /** 1-based line in the file of each row of `rows` (empty rows are left out). */
  lines: number[]
  merges: Merge[]
}

export type FileKind = 'xlsx' | 'csv'

/** What the bytes are, by their signature first and the name second. */
export function fileKind(fileName: string, data: Uint8Array): FileKind {
  const lower = fileName.toLowerCase()
  if (data[0] === 0x50 && data[1] === 0x4b && data[2] === 0x03 && data[3] === 0x04) return 'xlsx'
  if (data[0] === 0xd0 && data[1] === 0xcf && data[2] === 0x11 && data[3] === 0xe0) throw new ValidationError('transfer.error.xls', { name: fileName }, 'data')
  if (/\.(xlsx|xlsm)$/.test(lower)) throw new ValidationError('transfer.error.badZip', { name: fileName }, 'data')
  if (/\.xls$/.test(lower)) throw new ValidationError('transfer.error.xls', { name: fileName }, 'data')
  if (/\.(csv|txt|tsv)$/.test(lower)) return 'csv'
  throw new ValidationError('sheet.unsupported', { name: fileName }, 'name')
}

export interface ReadOptions {
  /** Called every few thousand rows with the number read so far. */
  onRows?: (rows: number) => void
}

export async function readWorkbook(fileName: string, data: Buffer, options: ReadOptions = {}): Promise<WorkbookSheet[]> {
  const kind = fileKind(fileName, data)
  try {
    const sheets = kind === 'csv' ? [readCsv(fileName, data)] : await readXlsx(fileName, data, options)
    if (!sheets.some((s) => s.rows.length > 0)) throw new ValidationError('sheet.empty', { name: fileName }, 'data')
    return sheets
  } catch (e) {
    if (e instanceof DomainError) throw e
    throw new ValidationError('sheet.unreadable', { name: fileName }, 'data')
  }
}

function readCsv(fileName: string, data: Buffer): WorkbookSheet {
  const text = decodeText(data)
  // Bytes that are neither UTF-8 nor GB18030 decode to U+FFFD; NULs mean a binary or UTF-16 file.
  const sample = text.length > 200_000 ? text.slice(0, 200_000) : text
  let broken = 0
  for (let i = 0; i < sample.length; i++) {
    const c = sample.charCodeAt(i)
    if (c === 0xfffd || c === 0) broken++
  }
  if (broken > 0 && broken >= Math.max(3, sample.length / 1000)) throw new ValidationError('transfer.error.encoding', { name: fileName }, 'data')
  const tab = /\.tsv$/i.test(fileName) || (!sample.split('\n', 1)[0]!.includes(',') && sample.split('\n', 1)[0]!.includes('\t'))
  const parsed = Papa.parse<string[]>(text, { delimiter: tab ? '\t' : '', skipEmptyLines: false })
  const rows: string[][] = []
  const lines: number[] = []
  parsed.data.forEach((row, i) => {
    const cells = row.map((c) => (c ?? '').trim())
    if (!cells.some((c) => c !== '')) return
    cells.forEach((c, col) => { if (c.length > READ_LIMITS.maxCell) throw hugeCell(fileName, `${columnName(col + 1)}${i + 1}`) })
    rows.push(cells)
    lines.push(i + 1)
    if (rows.length > READ_LIMITS.maxRows + 1) throw tooMany(fileName)
  })
  return { name: fileName.replace(/\.(csv|txt|tsv)$/i, ''), rows: padRows(rows), lines, merges: [] }
}

async function readXlsx(fileName: string, data: Buffer, options: ReadOptions): Promise<WorkbookSheet[]> {
  const zip = inspectZip(data, fileName)
  let lastReport = 0
  const parsed = parseXlsx(zip.entries, {
    maxCell: READ_LIMITS.maxCell,
    onHugeCell: (sheet, ref) => { throw hugeCell(fileName, `${sheet}!${ref}`) },
    onRow: (line) => {
      if (line > READ_LIMITS.maxLine) throw tooMany(fileName)
      if (line - lastReport >= 5000) { lastReport = line; options.onRows?.(line) }
    }
  })
  zip.entries.clear()
  return parsed.map((sheet) => {
    if (sheet.rows.length > READ_LIMITS.maxRows + 1) throw tooMany(fileName)
    const merges = sheet.merges.map((ref): Merge => {
      const [a, b] = ref.split(':').map(cellAddress)
      return { top: a!.row, left: a!.col, bottom: b!.row, right: b!.col }
    })
    return { name: sheet.name, rows: padRows(sheet.rows.map((r) => r.cells)), lines: sheet.rows.map((r) => r.line), merges }
  })
}

const hugeCell = (name: string, cell: string) => new ValidationError('transfer.error.hugeCell', { name, cell, max: READ_LIMITS.maxCell }, 'data')
const tooMany = (name: string) => new ValidationError('transfer.error.tooManyRows', { name, max: READ_LIMITS.maxRows }, 'data')

/** Same width for every row (the widest non-empty column), so columns line up with the header. */
function padRows(rows: string[][]): string[][] {
  let width = 0
  for (const row of rows) for (let c = row.length; c > width; c--) if (row[c - 1] !== '') { width = c; break }
  return rows.map((row) => (row.length === width ? row : Array.from({ length: width }, (_, i) => row[i] ?? '')))
}

export function columnName(col: number): string {
  let s = ''
  for (let n = col; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s
  return s
}
