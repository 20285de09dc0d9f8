import Docxtemplater from 'docxtemplater'
import PizZip from 'pizzip'
import { chineseAmount } from '../shared/chinese-amount'
import { formatAmount, formatNumber } from '../shared/values'
import { formatFieldValue, formatLongDate, type FormattableField } from '../shared/format-value'
import { ValidationError } from '../shared/errors'

// Filling a Word template (docxtemplater + pizzip) from a record as one caller sees it.
//
// Placeholders name fields by label or API key: {客户名称}, {合同总金额|大写}, {客户.详细地址},
// loops over sub-table rows {#回款计划}{计划金额}{/回款计划}, the company {公司.名称}, {今天}.
// The data is a tree of scopes built by the caller (documents/service.ts) from what the access
// layer returned: a field the caller may not read is a *known* name with no value, so it renders
// blank and never leaks, while a name no field has is an error naming the placeholder.

/** One value: the field it belongs to (for its format) and the API read-shape value. */
export interface Cell {
  field: FormattableField
  value: unknown
}

/** A name in a scope: a value, a related record (followed by `.`), or sub-table rows (looped). */
export type Entry = { kind: 'value'; cell: Cell } | { kind: 'record'; scope: () => Scope | null } | { kind: 'rows'; rows: Scope[] }

/** What a scope answers for a name: an entry, null for a known name with no value, undefined for an unknown name. */
export interface Scope {
  lookup(name: string): Entry | null | undefined
}

/** The formats a placeholder may ask for after `|`. */
const FILTERS: Record<string, (cell: Cell) => string> = {
  大写: (c) => (typeof c.value === 'number' ? chineseAmount(c.value) : ''),
  金额: (c) => (typeof c.value === 'number' ? formatAmount(c.value, { precision: 2, currency: 'CNY' }) : ''),
  日期: (c) => (typeof c.value === 'string' ? formatLongDate(c.value.slice(0, 10), 'zh-CN') : typeof c.value === 'number' ? formatLongDate(new Date(c.value).toISOString().slice(0, 10), 'zh-CN') : ''),
  数字: (c) => (typeof c.value === 'number' ? formatNumber(c.value, { thousands: true }) : '')
}

/** Thrown from inside docxtemplater's parser; carries what the error names. */
class PlaceholderError extends Error {
  constructor(readonly key: string, readonly tag: string) {
    super(tag)
  }
}

function resolve(tag: string, scopes: unknown[]): Entry | null {
  const path = tag.split('.').map((s) => s.trim())
  let entry: Entry | null | undefined
  // The first name is looked up from the innermost scope out (a loop row, then the record).
  for (let i = scopes.length - 1; i >= 0 && entry === undefined; i--) {
    const scope = scopes[i]
    if (scope && typeof (scope as Scope).lookup === 'function') entry = (scope as Scope).lookup(path[0]!)
  }
  if (entry === undefined) throw new PlaceholderError('documents.error.unknownPlaceholder', tag)
  for (const name of path.slice(1)) {
    if (entry === null) return null
    if (entry.kind !== 'record') throw new PlaceholderError('documents.error.unknownPlaceholder', tag)
    const next = entry.scope()
    if (next === null) {
      // Blank or out of the caller's sight: the path must still name a field.
      return null
    }
    entry = next.lookup(name)
    if (entry === undefined) throw new PlaceholderError('documents.error.unknownPlaceholder', tag)
  }
  return entry
}

function parser(raw: string) {
  const [pathPart, ...filterParts] = raw.split('|')
  const tag = pathPart!.trim()
  const filter = filterParts.join('|').trim()
  return {
    get(_scope: unknown, context: { scopeList: unknown[]; meta?: { part?: { module?: string } } }) {
      if (tag === '') throw new PlaceholderError('documents.error.emptyPlaceholder', raw)
      if (filter && !FILTERS[filter]) throw new PlaceholderError('documents.error.unknownFilter', raw)
      const entry = resolve(tag, context.scopeList)
      const loop = context.meta?.part?.module === 'loop'
      if (loop) return entry?.kind === 'rows' ? entry.rows : []
      if (!entry) return ''
      if (entry.kind === 'rows') return String(entry.rows.length)
      if (entry.kind === 'record') {
        const scope = entry.scope()
        const title = scope?.lookup('\u0000title')
        return title && title.kind === 'value' ? formatFieldValue(title.cell.field, title.cell.value, 'zh-CN') : ''
      }
      return filter ? FILTERS[filter]!(entry.cell) : formatFieldValue(entry.cell.field, entry.cell.value, 'zh-CN')
    }
  }
}

interface DocxError {
  properties?: { id?: string; xtag?: string; rootError?: unknown; errors?: DocxError[] }
}

/** The first template problem as a translated error naming the placeholder. */
function templateError(e: unknown): ValidationError | null {
  const errors = (e as DocxError).properties?.errors ?? [e as DocxError]
  for (const err of errors) {
    const root = err.properties?.rootError
    if (root instanceof PlaceholderError) return new ValidationError(root.key, { tag: root.tag }, 'template')
  }
  const first = errors[0]?.properties
  if (first?.id) return new ValidationError('documents.error.brokenTag', { tag: first.xtag ?? '' }, 'template')
  return null
}

function open(docx: Buffer): PizZip {
  try {
    return new PizZip(docx)
  } catch {
    throw new ValidationError('documents.error.notDocx', {}, 'template')
  }
}

/** The template filled from `root`; a bad template throws a ValidationError naming the placeholder. */
export function renderDocx(docx: Buffer, root: Scope): Buffer {
  const zip = open(docx)
  if (!zip.file('word/document.xml')) throw new ValidationError('documents.error.notDocx', {}, 'template')
  try {
    const doc = new Docxtemplater(zip, { paragraphLoop: true, linebreaks: true, parser, nullGetter: () => '', errorLogging: false })
    doc.render(root)
    return doc.toBuffer({ compression: 'DEFLATE' }) as Buffer
  } catch (e) {
    const mapped = templateError(e)
    if (mapped) throw mapped
    throw e
  }
}

/** Checks an uploaded template compiles (tags balanced) before it is saved; names are checked when it is used. */
export function checkTemplate(docx: Buffer): void {
  const zip = open(docx)
  if (!zip.file('word/document.xml')) throw new ValidationError('documents.error.notDocx', {}, 'template')
  try {
    new Docxtemplater(zip, { paragraphLoop: true, linebreaks: true, parser, nullGetter: () => '', errorLogging: false })
  } catch (e) {
    const mapped = templateError(e)
    if (mapped) throw mapped
    throw e
  }
}
