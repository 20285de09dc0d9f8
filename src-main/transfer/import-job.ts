import { PassThrough } from 'node:stream'
import ExcelJS from 'exceljs'
import type { Sqlite } from '../db/connection'
import type { Clock } from '../clock'
import { SchemaService } from '../forms/schema-service'
import { relationConfig } from '../forms/field-types/relation'
import { optionsOf } from '../forms/field-types/select'
import { COMPUTED_TYPES } from '../shared/field-types'
import type { FieldType } from '../shared/field-types'
import type { Locale } from '../shared/locales'
import { translate } from '../shared/locales'
import { ValidationError } from '../shared/errors'
import { guessType } from '../sheets/inspect'
import { readWorkbook, type WorkbookSheet } from '../sheets/read-workbook'
import type { ColumnMapping, ImportSettings, PreviewDto } from '../shared/api/transfer'
import { detectHeaderRow, headerLabels } from './header'
import { guessFieldScored, mappableFields, type Remembered } from './mapping'
import { guessDateOrder, type DateOrder } from '../shared/values'
import { RowConverter, newFieldKey, type CellError, type Scopes } from './convert'

// The part of an import that runs off the main thread, on its own read-only connection: read the
// file, find the header, guess the mapping, convert and check every row, and write the error
// report. The main thread only writes (through the pipeline) the rows this prepared. The class
// is plain code, so tests can drive it in-process; worker.ts wraps it in a worker thread.

/** A row ready for the pipeline: its values, and the record it updates (update / upsert). */
export interface PreparedRow { line: number; values: Record<string, unknown>; id?: number }

const PREVIEW_ROWS = 100
const ERROR_LIST = 500
const DUPLICATE_LIST = 500

export class ImportJob {
  private sheets: WorkbookSheet[] = []
  private schema: SchemaService
  /** After preview: the rows to write, and why the others are left out (line → messages). */
  private prepared: PreparedRow[] = []
  private rejected = new Map<number, string[]>()
  private errorCells = new Map<number, Set<number>>()
  private used: { sheet: number; headerRow: number } = { sheet: 0, headerRow: 0 }
  /** After preview: per new select field (stand-in key), the column's values its options lack. */
  newOptions: Record<string, string[]> = {}
  /** Names the last preview found chosen to be added as colleagues. */
  newPeople: string[] = []

  constructor(private readonly db: Sqlite, private readonly clock: Clock) {
    this.schema = new SchemaService(db, clock)
  }

  async open(fileName: string, data: Buffer, onRows?: (n: number) => void) {
    this.sheets = await readWorkbook(fileName, data, { onRows })
    return this.sheets.map((s) => {
      const headerRow = detectHeaderRow(s.rows, s.lines, s.merges)
      return { name: s.name, rows: Math.max(0, s.rows.length - headerRow - 1), headerRow, preview: s.rows.slice(0, 20), lines: s.lines.slice(0, 20) }
    })
  }

  private sheet(index: number): WorkbookSheet {
    const s = this.sheets[index]
    if (!s) throw new ValidationError('transfer.error.noSheet', { sheet: index + 1 }, 'sheet')
    return s
  }

  headers(sheet: number, headerRow: number): string[] {
    const s = this.sheet(sheet)
    if (headerRow >= s.rows.length) throw new ValidationError('transfer.error.noSheet', { sheet: s.name }, 'headerRow')
    return headerLabels(s.rows, s.lines, s.merges, headerRow)
  }

  /**
   * The header's columns with a guessed target each. Types, select options and date orders are
   * decided from every row of the column, not a sample: a select made from a column has all the
   * column's values, and one 20-10-16 at row 5,000 tells the order of the whole column.
   * `remembered`: what this user mapped these headers to before on this form (header → target).
   */
  columns(formId: number, sheet: number, headerRow: number, remembered: Remembered = {}) {
    this.schema.invalidate()
    const form = this.schema.form(formId)
    const s = this.sheet(sheet)
    const headers = this.headers(sheet, headerRow)
    const fields = mappableFields(form).map((f) => ({ ...f, formLabel: form.label }))
    const taken = new Set<string>()
    // Remembered targets are claimed first, so a synonym guess does not take them.
    for (const h of headers) {
      const r = remembered[h]?.target
      if (r?.action === 'field' && fields.some((f) => f.apiKey === r.field)) taken.add(r.field)
    }
    const body = s.rows.slice(headerRow + 1)
    const columns = headers.map((header, column) => {
      const values: string[] = []
      for (const r of body) {
        const v = r[column]
        if (v !== undefined && v !== '') values.push(v)
      }
      const guess = guessType(header, values)
      const dates = guessDateOrder(new Set(values))
      const r = remembered[header]?.target
      let target: ColumnMapping['target'] = { action: 'skip' }
      let how: { source: 'exact' | 'synonym' | 'fuzzy' | 'remembered'; confidence: number } | null = null
      if (r && (r.action !== 'field' || fields.some((f) => f.apiKey === r.field))) {
        target = r
        how = { source: 'remembered', confidence: 1 }
      } else {
        const scored = guessFieldScored(header, fields, taken)
        if (scored) {
          taken.add(scored.field.apiKey)
          target = { action: 'field', field: scored.field.apiKey }
          how = { source: scored.source, confidence: scored.confidence }
        }
      }
      return {
        column, header, samples: values.slice(0, 5), guessType: guess.type, guessConfig: guess.config, target, guess: how,
        // An order this user chose for this header before is kept while the values allow it.
        dateOrder: dates.ordered > 0 ? { order: rememberedOrder(remembered[header]?.dateOrder, dates.candidates) ?? dates.order, candidates: dates.candidates } : null
      }
    })
    const described = fields.map((f) => {
      const model = f.apiKey === 'owner' ? null : form.byKey.get(f.apiKey)!
      const out: { apiKey: string; label: string; type: FieldType; options?: Array<{ id: string; label: string }>; keys?: Array<{ apiKey: string; label: string }>; targetForm?: string } = { apiKey: f.apiKey, label: f.label, type: f.type as FieldType }
      if (model && (model.type === 'select' || model.type === 'multiselect')) out.options = optionsOf(model).map((o) => ({ id: o.id, label: o.label }))
      if (model?.type === 'relation') {
        const target = this.schema.form(relationConfig(model).targetFormId)
        out.targetForm = target.label
        out.keys = target.fields.filter((t) => t.column && !COMPUTED_TYPES.has(t.type) && ['text', 'phone', 'email', 'autonumber', 'url'].includes(t.type)).map((t) => ({ apiKey: t.apiKey, label: t.label }))
      }
      return out
    })
    return { columns, fields: described, titleField: form.titleField?.apiKey ?? null, rows: Math.max(0, s.rows.length - headerRow - 1) }
  }

  /**
   * Convert every row; keep the rows to write. Errors are per cell; a row with any error is not
   * written. In update mode a row must match a record by the key field; in upsert it may.
   */
  preview(formId: number, settings: ImportSettings, scopes: Scopes, locale: Locale): PreviewDto {
    this.schema.invalidate()
    const form = this.schema.form(formId)
    const s = this.sheet(settings.sheet)
    const headers = this.headers(settings.sheet, settings.headerRow)
    this.used = { sheet: settings.sheet, headerRow: settings.headerRow }
    // Date columns: the order of dates written as three numbers, chosen or decided from every value.
    const dateOrders: PreviewDto['dateOrders'] = []
    const orders = new Map<number, DateOrder>()
    for (const m of settings.columns) {
      const type = m.target.action === 'new' ? m.target.type : m.target.action === 'field' ? form.byKey.get(m.target.field)?.type : undefined
      if (type !== 'date' && type !== 'datetime') continue
      const values: string[] = []
      for (let i = settings.headerRow + 1; i < s.rows.length; i++) {
        const v = s.rows[i]![m.column]
        if (v) values.push(v)
      }
      const guess = guessDateOrder(new Set(values))
      if (!guess.ordered) continue
      const order = m.dateOrder ?? guess.order
      dateOrders.push({ column: m.column, header: headers[m.column] ?? '', order, candidates: guess.candidates, chosen: m.dateOrder !== undefined, needsChoice: order === null })
      // Until the user chooses, the preview shows the first possible reading; the run refuses.
      const shown = order ?? guess.candidates[0]
      if (shown) orders.set(m.column, shown)
    }
    const converter = new RowConverter(this.db, this.schema, this.clock, form, settings, scopes, locale, orders)
    const existing = converter.existingKeys()
    const keyed = settings.mode !== 'create'
    const mapped = new Set(settings.columns.flatMap((c) => (c.target.action === 'field' ? [c.target.field] : [])))
    if (keyed) {
      const key = settings.keyField ?? form.titleField?.apiKey
      if (!key || !mapped.has(key)) throw new ValidationError('transfer.error.keyNotMapped', { field: (key && form.byKey.get(key)?.label) || key || '' }, 'keyField')
    }
    const missingRequired = settings.mode === 'update' ? [] : form.fields.filter((f) => f.required && !f.requiredWhen && !f.visibleWhen && !COMPUTED_TYPES.has(f.type) && f.defaultValue === null && !mapped.has(f.apiKey)).map((f) => f.label)
    const seen = new Map<string, number>()
    const result: PreviewDto = { total: 0, valid: 0, invalid: 0, rows: [], errors: [], unknownOptions: [], unknownPeople: [], duplicates: [], duplicateCount: 0, matched: 0, missingRequired, dateOrders }
    this.prepared = []
    this.rejected = new Map()
    this.errorCells = new Map()
    const duplicatesSkip = settings.duplicates === 'skip'
    const keyApiKey = settings.keyField ?? form.titleField?.apiKey ?? ''
    for (let i = settings.headerRow + 1; i < s.rows.length; i++) {
      const row = s.rows[i]!
      const line = s.lines[i]!
      result.total++
      const converted = converter.convert(row)
      const errors: CellError[] = converted.errors
      let duplicate: string | null = null
      let match: number | null = null
      if (converted.key !== null && converted.key !== '') {
        const recordId = existing.get(converted.key)
        const firstLine = seen.get(converted.key)
        if (keyed && recordId !== undefined) match = recordId
        if (firstLine !== undefined) duplicate = translate(locale, 'transfer.duplicate.inFile', { line: firstLine })
        else if (!keyed && recordId !== undefined) duplicate = translate(locale, 'transfer.duplicate.existing', { id: recordId })
        if (duplicate !== null) {
          result.duplicateCount++
          if (result.duplicates.length < DUPLICATE_LIST) result.duplicates.push({ line, value: row[this.keyColumn(settings, form)] ?? '', recordId: firstLine === undefined ? (recordId ?? null) : null, firstLine: firstLine ?? null })
        }
        if (firstLine === undefined) seen.set(converted.key, line)
      }
      if (settings.mode === 'update' && match === null && !errors.length) {
        const key = settings.keyField ?? form.titleField?.apiKey ?? ''
        errors.push({ column: this.keyColumn(settings, form), field: key, message: translate(locale, 'transfer.error.noMatch', { value: row[this.keyColumn(settings, form)] ?? '' }) })
      }
      if (match !== null) result.matched++
      if (result.rows.length < PREVIEW_ROWS) {
        const shown = converter.display(row, converted.values)
        result.rows.push({ line, cells: headers.map((_, c) => row[c] ?? ''), values: headers.map((_, c) => shown.get(c) ?? ''), errors, duplicate, match })
      }
      if (errors.length) {
        result.invalid++
        if (result.errors.length < ERROR_LIST) result.errors.push({ line, errors })
        this.rejected.set(line, errors.map((e) => e.message))
        this.errorCells.set(line, new Set(errors.map((e) => e.column)))
        continue
      }
      result.valid++
      if (duplicate !== null && duplicatesSkip && match === null) {
        this.rejected.set(line, [duplicate])
        continue
      }
      if (match !== null) {
        // The key found the record; it is not rewritten with the spelling of the sheet.
        const values = { ...converted.values }
        delete values[keyApiKey]
        this.prepared.push({ line, values, id: match })
      } else this.prepared.push({ line, values: converted.values })
    }
    result.unknownOptions = [...converter.unknown.values()].sort((a, b) => b.count - a.count).slice(0, 200)
    result.unknownPeople = [...converter.unknownPeople.values()].sort((a, b) => b.count - a.count).slice(0, 200)
    this.newOptions = Object.fromEntries([...converter.newOptions].map(([k, v]) => [k, [...v]]))
    this.newPeople = [...converter.newPeople]
    return result
  }

  private keyColumn(settings: ImportSettings, form: { titleField: { apiKey: string } | null }): number {
    const key = settings.keyField ?? form.titleField?.apiKey
    return settings.columns.find((c) => c.target.action === 'field' && c.target.field === key)?.column ?? 0
  }

  /** Rows prepared by the last preview, from `from`, at most `count`; new-field keys renamed. */
  take(from: number, count: number, renames: Record<string, string> = {}): PreparedRow[] {
    const slice = this.prepared.slice(from, from + count)
    if (!Object.keys(renames).length) return slice
    return slice.map((r) => {
      const values: Record<string, unknown> = {}
      for (const [k, v] of Object.entries(r.values)) values[renames[k] ?? k] = v
      return { ...r, values }
    })
  }

  /**
   * Rows the write pipeline refused in the preview's rolled-back trial write (line → message and
   * the field at fault): they leave the rows to write and join the error report, so the run
   * writes exactly the rows the preview counted.
   */
  refuse(failures: ReadonlyArray<{ line: number; message: string; field: string | null }>, columns: readonly ColumnMapping[]): void {
    if (!failures.length) return
    const lines = new Set(failures.map((f) => f.line))
    this.prepared = this.prepared.filter((r) => !lines.has(r.line))
    for (const f of failures) {
      this.rejected.set(f.line, [...(this.rejected.get(f.line) ?? []), f.message])
      const column = f.field ? columns.find((c) => c.target.action === 'field' && c.target.field === f.field)?.column : undefined
      if (column !== undefined) this.errorCells.set(f.line, new Set([...(this.errorCells.get(f.line) ?? []), column]))
    }
  }

  get preparedCount(): number {
    return this.prepared.length
  }

  rejectedCount(): number {
    return this.rejected.size
  }

  /**
   * The error report: the header and every row not imported, as in the file, with an error column
   * added at the end and the cells in error filled red. Fixed and saved, it imports again as is.
   */
  async report(extra: Array<[number, string]>, locale: Locale): Promise<Buffer> {
    const s = this.sheet(this.used.sheet)
    const reasons = new Map(this.rejected)
    for (const [line, message] of extra) reasons.set(line, [...(reasons.get(line) ?? []), message])
    const out = new PassThrough()
    const chunks: Buffer[] = []
    out.on('data', (c: Buffer) => chunks.push(c))
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false })
    const ws = wb.addWorksheet(s.name.slice(0, 31) || 'Sheet1')
    const header = s.rows[this.used.headerRow] ?? []
    const width = Math.max(header.length, ...s.rows.slice(this.used.headerRow, this.used.headerRow + 100).map((r) => r.length))
    const errorTitle = translate(locale, 'transfer.report.errorColumn')
    const headerRow = ws.addRow([...Array.from({ length: width }, (_, i) => header[i] ?? ''), errorTitle])
    headerRow.font = { bold: true }
    headerRow.commit()
    for (let i = this.used.headerRow + 1; i < s.rows.length; i++) {
      const line = s.lines[i]!
      const why = reasons.get(line)
      if (!why) continue
      const cells = s.rows[i]!
      const row = ws.addRow([...Array.from({ length: width }, (_, c) => cells[c] ?? ''), translate(locale, 'transfer.report.line', { line }) + why.join('；')])
      for (const c of this.errorCells.get(line) ?? []) row.getCell(c + 1).fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFC9C9' } }
      row.getCell(width + 1).font = { color: { argb: 'FFC92A2A' } }
      row.commit()
    }
    ws.getColumn(width + 1).width = 50
    ws.commit()
    await wb.commit()
    return Buffer.concat(chunks)
  }
}

function rememberedOrder(order: DateOrder | undefined, candidates: readonly DateOrder[]): DateOrder | null {
  return order && (candidates.includes(order) || !candidates.length) ? order : null
}

/** Names of new fields keyed like RowConverter writes them, for renaming after they exist. */
export function newFieldColumns(columns: readonly ColumnMapping[]): Array<{ key: string; mapping: ColumnMapping }> {
  return columns.filter((c) => c.target.action === 'new').map((c) => ({ key: newFieldKey(c.column), mapping: c }))
}
