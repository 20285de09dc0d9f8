import { PassThrough } from 'node:stream'
import dayjs from 'dayjs'
import ExcelJS from 'exceljs'
import type { TransferDeps } from './index'
import type { Actor } from '../access/actor'
import { optionsOf } from '../forms/field-types/select'
import type { FieldModel, FormModel } from '../forms/model'
import type { FilterNode, RecordDto } from '../shared/api/contracts'
import { ValidationError } from '../shared/errors'
import { translate, type Locale } from '../shared/locales'
import { mappableFields } from './mapping'
import { escapeFormula } from './formula-escape'

// Export of a form or a saved view (its filter, columns, order) to .xlsx or .csv, read page by
// page through the read path (row scope and field masks apply), so an export never shows more
// than the list does. Cells hold what people see: option labels, member names, related records'
// titles; sub-table rows go to a sheet of their own. Text that a spreadsheet would run as a
// formula (=, +, -, @ first) gets an apostrophe. Exporting needs the export permission and is
// written to the audit trail. Also: the import template (an empty sheet with drop-downs).

const PAGE = 1000
const SYSTEM_COLUMNS = ['owner', 'createdAt', 'updatedAt', 'createdBy', 'updatedBy'] as const
type SystemColumn = (typeof SYSTEM_COLUMNS)[number]

export interface ExportInput {
  form: number | string
  view?: number
  filter?: FilterNode
  sort?: Array<{ field: string; dir?: 'asc' | 'desc' }>
  search?: string
  columns?: string[]
  format: 'xlsx' | 'csv'
}

type Column = { key: string; label: string; field: FieldModel | null }

export class ExportService {
  constructor(private readonly core: TransferDeps) {}

  async export(actor: Actor, input: ExportInput, locale: Locale): Promise<{ name: string; data: Buffer; rows: number }> {
    const { core } = this
    const form = core.schema.form(input.form)
    core.access.authorize(actor, 'export', form)
    const view = input.view !== undefined ? core.views.list(actor, form.id).find((v) => v.id === input.view) : undefined
    if (input.view !== undefined && !view) throw new ValidationError('transfer.error.viewNotFound', { id: input.view }, 'view')
    const filter = input.filter ?? view?.config.filter ?? undefined
    const sort = input.sort ?? (view?.config.sort.length ? view.config.sort : undefined)
    const hidden = core.access.hiddenFieldIds(actor, form)
    const columns = this.columns(form, hidden, input.columns ?? this.viewColumns(form, view?.config.columns), locale)
    const subtables = columns.filter((c) => c.field?.type === 'subtable')
    const flat = columns.filter((c) => c.field?.type !== 'subtable')
    const stamp = dayjs(core.clock.now()).format('YYYYMMDD-HHmm')
    const name = `${[form.label, view?.name].filter(Boolean).join('-')}-${stamp}.${input.format}`.replace(/[\\/:*?"<>|]/g, '_')
    const yes = translate(locale, 'transfer.value.yes')
    const no = translate(locale, 'transfer.value.no')
    const titleKey = form.titleField?.apiKey
    let rows = 0
    const each = async (onRecord: (r: RecordDto) => void) => {
      let cursor: string | undefined
      for (;;) {
        const page = core.reads.list(actor, { form: form.id, filter, sort, search: input.search, limit: PAGE, cursor })
        for (const r of page.records) { onRecord(r); rows++ }
        if (!page.nextCursor) break
        cursor = page.nextCursor
        await new Promise<void>((resolve) => setImmediate(resolve))
      }
    }
    let data: Buffer
    if (input.format === 'csv') {
      const lines: string[] = [flat.map((c) => csvCell(c.label)).join(',')]
      await each((r) => { lines.push(flat.map((c) => csvCell(text(cellValue(c, r, yes, no)))).join(',')) })
      data = Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`, 'utf8')
    } else {
      const out = new PassThrough()
      const chunks: Buffer[] = []
      out.on('data', (c: Buffer) => chunks.push(c))
      const done = new Promise<void>((resolve, reject) => { out.on('end', resolve); out.on('error', reject) })
      const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false })
      const ws = wb.addWorksheet(sheetName(view?.name ?? form.label), { views: [{ state: 'frozen', ySplit: 1 }] })
      ws.columns = flat.map((c) => ({ header: c.label, key: c.key, width: Math.min(40, Math.max(10, [...c.label].length * 2 + 4)), style: styleOf(c.field) }))
      ws.getRow(1).font = { bold: true }
      const subSheets = subtables.map((c) => {
        const sheet = wb.addWorksheet(sheetName(c.label))
        const children = form.children.get(c.field!.id) ?? []
        const childCols: Column[] = children.filter((ch) => !hidden.has(ch.id)).map((ch) => ({ key: ch.apiKey, label: ch.label, field: ch }))
        sheet.columns = [{ header: form.titleField?.label ?? 'ID', key: '__parent', width: 24 }, ...childCols.map((cc) => ({ header: cc.label, key: cc.key, width: 16, style: styleOf(cc.field) }))]
        sheet.getRow(1).font = { bold: true }
        return { column: c, sheet, childCols }
      })
      await each((r) => {
        ws.addRow(flat.map((c) => cellValue(c, r, yes, no))).commit()
        for (const sub of subSheets) {
          const list = (r.fields[sub.column.key] ?? []) as Array<Record<string, unknown>>
          const parent = titleKey ? named(r.fields[titleKey]) : String(r.id)
          for (const line of list) sub.sheet.addRow([escapeFormula(parent || String(r.id)), ...sub.childCols.map((cc) => apiCell(cc.field!, line[cc.key], yes, no))]).commit()
        }
      })
      ws.commit()
      for (const sub of subSheets) sub.sheet.commit()
      await wb.commit()
      await done
      data = Buffer.concat(chunks)
    }
    core.audit.appendCommitted({ op: 'export', formId: form.id, actorId: actor.id || null, detail: { what: 'records', view: view?.id ?? null, format: input.format, rows, filter: filter ?? null } })
    return { name, data, rows }
  }

  /** The view's visible columns in its order, then the fields it does not list (as the table shows them). */
  private viewColumns(form: FormModel, viewColumns: Array<{ field: string; hidden?: boolean }> | undefined): string[] {
    const listed = viewColumns ?? []
    const keys = listed.filter((c) => !c.hidden).map((c) => c.field)
    const mentioned = new Set(listed.map((c) => c.field))
    for (const f of form.fields) if (!mentioned.has(f.apiKey)) keys.push(f.apiKey)
    if (!mentioned.has('owner')) keys.push('owner')
    return keys
  }

  private columns(form: FormModel, hidden: ReadonlySet<number>, keys: string[], locale: Locale): Column[] {
    const out: Column[] = []
    for (const key of keys) {
      if ((SYSTEM_COLUMNS as readonly string[]).includes(key)) {
        out.push({ key, label: translate(locale, `transfer.system.${key}`), field: null })
        continue
      }
      const field = form.byKey.get(key)
      if (!field || hidden.has(field.id)) continue
      out.push({ key, label: field.label, field })
    }
    if (!out.length) throw new ValidationError('transfer.error.noColumns', {}, 'columns')
    return out
  }

  /** An empty workbook to fill in: the form's importable columns, drop-downs for options and 是/否. */
  async template(actor: Actor, formRef: number | string, locale: Locale): Promise<{ name: string; data: Buffer }> {
    const form = this.core.schema.form(formRef)
    this.core.access.authorize(actor, 'import', form)
    const hidden = this.core.access.hiddenFieldIds(actor, form)
    const fields = mappableFields(form).filter((f) => f.apiKey === 'owner' || !hidden.has(form.byKey.get(f.apiKey)!.id))
    const wb = new ExcelJS.Workbook()
    const ws = wb.addWorksheet(sheetName(form.label))
    const lists = wb.addWorksheet(translate(locale, 'transfer.template.optionsSheet'), { state: 'veryHidden' })
    const ROWS = 5000
    ws.columns = fields.map((f) => {
      const model = form.byKey.get(f.apiKey)
      const label = model?.required ? `${f.label}*` : f.apiKey === 'owner' ? translate(locale, 'transfer.system.owner') : f.label
      return { header: label, key: f.apiKey, width: Math.min(40, Math.max(12, [...label].length * 2 + 4)), style: styleOf(model ?? null) }
    })
    ws.getRow(1).font = { bold: true }
    ws.getRow(1).fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE7F5FF' } }
    ws.views = [{ state: 'frozen', ySplit: 1 }]
    const validations = (ws as unknown as { dataValidations: { add(range: string, rule: ExcelJS.DataValidation): void } }).dataValidations
    let listColumn = 0
    fields.forEach((f, i) => {
      const model = form.byKey.get(f.apiKey)
      const letter = ws.getColumn(i + 1).letter
      const range = `${letter}2:${letter}${ROWS}`
      let values: string[] = []
      if (model && (model.type === 'select' || model.type === 'multiselect')) values = optionsOf(model).map((o) => o.label)
      else if (model?.type === 'checkbox') values = [translate(locale, 'transfer.value.yes'), translate(locale, 'transfer.value.no')]
      if (values.length) {
        listColumn++
        const col = lists.getColumn(listColumn)
        values.forEach((v, r) => { lists.getCell(r + 1, listColumn).value = v })
        const ref = `'${lists.name}'!$${col.letter}$1:$${col.letter}$${values.length}`
        validations.add(range, {
          type: 'list', allowBlank: true, formulae: [ref],
          // A multi-select cell holds several options (separated by 、), which a list check would refuse.
          showErrorMessage: model?.type !== 'multiselect',
          errorTitle: f.label, error: translate(locale, 'transfer.template.pickOption', { field: f.label })
        })
      } else if (model?.type === 'date') {
        validations.add(range, { type: 'date', operator: 'greaterThan', allowBlank: true, formulae: [new Date(1900, 0, 1)], showErrorMessage: true, errorTitle: f.label, error: translate(locale, 'transfer.template.enterDate', { field: f.label }) })
      }
      if (model?.description) ws.getCell(1, i + 1).note = model.description
    })
    const data = Buffer.from(await wb.xlsx.writeBuffer())
    return { name: `${form.label}-${translate(locale, 'transfer.template.suffix')}.xlsx`, data }
  }
}

function sheetName(label: string): string {
  return label.replace(/[\\/?*[\]:]/g, ' ').slice(0, 31) || 'Sheet1'
}

function styleOf(field: FieldModel | null): Partial<ExcelJS.Style> {
  if (!field) return {}
  if (field.type === 'percent') return { numFmt: '0.##%' }
  if (field.type === 'amount') return { numFmt: '#,##0.00' }
  return {}
}

function cellValue(c: Column, r: RecordDto, yes: string, no: string): string | number | null {
  if (!c.field) return systemCell(c.key as SystemColumn, r)
  return apiCell(c.field, r.fields[c.key], yes, no)
}

function systemCell(key: SystemColumn, r: RecordDto): string | null {
  switch (key) {
    case 'owner': return r.owner?.name ?? null
    case 'createdBy': return r.createdBy?.name ?? null
    case 'updatedBy': return r.updatedBy?.name ?? null
    case 'createdAt': return dayjs(r.createdAt).format('YYYY-MM-DD HH:mm')
    case 'updatedAt': return dayjs(r.updatedAt).format('YYYY-MM-DD HH:mm')
  }
}

/** An API value as a spreadsheet cell: numbers stay numbers, everything else as people read it. */
function apiCell(field: FieldModel, v: unknown, yes: string, no: string): string | number | null {
  if (v === null || v === undefined) return null
  switch (field.type) {
    case 'checkbox': return v ? yes : no
    case 'datetime': return typeof v === 'string' ? dayjs(v).format('YYYY-MM-DD HH:mm') : null
    case 'subtable': return Array.isArray(v) ? v.length : null
    default: break
  }
  if (field.type === 'formula' || field.type === 'rollup') {
    if (typeof v === 'boolean') return v ? yes : no
  }
  if (typeof v === 'number') return v
  if (typeof v === 'boolean') return v ? yes : no
  if (Array.isArray(v)) return escapeFormula(v.map((x) => named(x)).filter(Boolean).join('、'))
  return escapeFormula(named(v))
}

/** Members and related records by their name or title; attachments by file name. */
function named(v: unknown): string {
  if (v === null || v === undefined) return ''
  if (typeof v === 'object') {
    const o = v as { name?: unknown; title?: unknown; id?: unknown }
    return String(o.title ?? o.name ?? o.id ?? '')
  }
  return String(v)
}

function text(v: string | number | null): string {
  return v === null ? '' : String(v)
}

function csvCell(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}
