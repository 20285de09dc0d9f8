import { OPTION_COLORS, type FieldType } from '../shared/field-types'
import { ValidationError } from '../shared/errors'
import { guessDateOrder, normalizeWidth, parseDate, parseDateTime, parseNumber } from '../shared/values'
import { readSheets, type SheetRows } from './read-sheets'

// sheets.inspect: what a spreadsheet would become as a form. Per sheet, the header row, the
// number of data rows, and per column a guessed field type with its configuration and a few
// sample values. The guess is a suggestion the user edits before the form is created.

export interface InspectedColumn {
  header: string
  type: FieldType
  config: Record<string, unknown>
  samples: string[]
}

export interface InspectedSheet {
  name: string
  rows: number
  columns: InspectedColumn[]
}

export async function inspectSheets(fileName: string, base64: string): Promise<InspectedSheet[]> {
  const sheets = (await readSheets(fileName, Buffer.from(base64, 'base64'))).filter((s) => s.rows.length > 0)
  if (!sheets.length) throw new ValidationError('sheet.empty', { name: fileName }, 'data')
  return sheets.map(inspectSheet)
}

export function inspectSheet(sheet: SheetRows): InspectedSheet {
  const [header = [], ...body] = sheet.rows
  const data = body.filter((row) => row.some((c) => c !== ''))
  const headers = uniqueHeaders(header)
  return {
    name: sheet.name,
    rows: data.length,
    columns: headers.map((h, i) => {
      // Every row, not a sample: a select gets all the column's values, a date column its order.
      const values = data.map((row) => row[i] ?? '').filter((v) => v !== '')
      return { header: h, ...guessType(h, values), samples: values.slice(0, 5) }
    })
  }
}

/** Blank headers get their Excel column letter; repeated ones a number, so each is a field name. */
function uniqueHeaders(header: string[]): string[] {
  const seen = new Map<string, number>()
  return header.map((raw, i) => {
    const base = raw.trim() || columnLetter(i)
    const n = (seen.get(base) ?? 0) + 1
    seen.set(base, n)
    return n === 1 ? base : `${base}(${n})`
  })
}

function columnLetter(i: number): string {
  let s = ''
  for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s
  return s
}

const AMOUNT_HEADER = /金额|价格|单价|总价|售价|报价|合同额|成交额|费用|成本|收入|回款|预算|价款|amount|price|cost|revenue/i
const PERCENT_HEADER = /比例|比率|占比|折扣率|税率|毛利率|赢率|概率|percent|rate|ratio/i
const MOBILE = /^(?:\+?86[ -]?)?1[3-9]\d[ -]?\d{4}[ -]?\d{4}$/
const LANDLINE = /^(?:\+?86[ -]?)?(?:\(?0\d{2,3}\)?[ -]?)?\d{7,8}(?:[ -]?(?:转|ext\.?|#)\s*\d{1,6})?$/i
const SERVICE = /^[48]00[ -]?\d{3}[ -]?\d{4}$/
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@.]+$/
const URL = /^(?:https?:\/\/|www\.)[^\s]+$/i
const BOOLEAN_WORDS = new Set(['是', '否', '√', '×', 'true', 'false', 'y', 'n', 'yes', 'no'])
const CURRENCY = /[¥￥$]|RMB|CNY|元/i
const TIME = /\d{1,2}[:：]\d{2}|[时点]\d|上午|下午/

export function guessType(header: string, column: string[]): { type: FieldType; config: Record<string, unknown> } {
  if (!column.length) return { type: 'text', config: {} }
  // Every row counts, but each distinct value is looked at once (a 100,000-row column of stages,
  // cities or dates has a few hundred); `count` keeps how many there were.
  const count = column.length
  const values = [...new Set(column)]
  const all = (test: (v: string) => boolean) => values.every(test)
  const norm = values.map((v) => normalizeWidth(v))

  if (norm.every((v) => BOOLEAN_WORDS.has(v.toLowerCase())) && new Set(norm.map((v) => v.toLowerCase())).size <= 2) return { type: 'checkbox', config: {} }
  // Codes with leading zeros (0001, 00852) are text: as numbers they would lose the zeros.
  const numeric = norm.every((v) => parseNumber(v).ok) && !norm.some((v) => /^[+-]?0\d/.test(v))
  const isPhone = (v: string) => MOBILE.test(v) || SERVICE.test(v) || (LANDLINE.test(v) && /[-() ]/.test(v))
  if (norm.every(isPhone)) return { type: 'phone', config: {} }
  // Dates are written with separators (2024/3/5, 2024年3月5日); bare digits are codes or numbers.
  // Day- or month-first dates (20-10-16, 10/20/2016) read in the order the whole column allows.
  const looksDated = !numeric && norm.every((v) => /[-/.年]/.test(v))
  const dates = looksDated ? guessDateOrder(norm) : null
  const order = dates ? (dates.order ?? dates.candidates[0]) : undefined
  if (looksDated && norm.every((v) => parseDate(v, order).ok)) {
    return norm.some((v) => TIME.test(v) && parseDateTime(v, order).ok) ? { type: 'datetime', config: {} } : { type: 'date', config: {} }
  }
  if (looksDated && norm.every((v) => parseDateTime(v, order).ok)) return { type: 'datetime', config: {} }
  if (all((v) => EMAIL.test(v.trim()))) return { type: 'email', config: {} }
  if (all((v) => URL.test(v.trim()))) return { type: 'url', config: {} }
  if (numeric) {
    const numbers = norm.map((v) => parseNumber(v)).map((p) => (p.ok ? p.value : 0))
    if (norm.some((v) => v.endsWith('%')) || (PERCENT_HEADER.test(header) && numbers.every((n) => Math.abs(n) <= 1))) {
      return { type: 'percent', config: { precision: Math.min(4, Math.max(0, decimals(numbers.map((n) => n * 100)))) } }
    }
    if (norm.some((v) => CURRENCY.test(v)) || AMOUNT_HEADER.test(header)) return { type: 'amount', config: { precision: 2, currency: 'CNY' } }
    return { type: 'number', config: { precision: Math.min(4, decimals(numbers)), thousands: true } }
  }
  const distinct = [...new Set(values.map((v) => v.trim()))]
  const repeated = count >= 4 && distinct.length <= Math.max(2, Math.min(20, Math.floor(count / 2)))
  if (repeated && distinct.every((v) => [...v].length <= 30)) {
    const colors = OPTION_COLORS.filter((c) => c !== 'gray')
    return { type: 'select', config: { options: distinct.map((label, i) => ({ id: `o${i + 1}`, label, color: colors[i % colors.length] })) } }
  }
  if (values.some((v) => v.includes('\n') || [...v].length > 100)) return { type: 'textarea', config: {} }
  return { type: 'text', config: {} }
}

/** The most decimal places among the numbers (0.1 + 0.2 noise ignored). */
function decimals(numbers: number[]): number {
  let max = 0
  for (const n of numbers) {
    const s = String(Number(n.toPrecision(12)))
    const dot = s.indexOf('.')
    if (dot >= 0 && !s.includes('e')) max = Math.max(max, s.length - dot - 1)
  }
  return max
}
