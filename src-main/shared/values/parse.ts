// Text → value coercion for the API and for Excel/CSV import. A value that cannot be read is
// reported with an i18n code, never turned into null: callers decide about blanks first with
// isBlank, then every non-blank input either converts or fails.

import { CURRENCY_SYMBOLS, shiftDecimal } from './format'

export type Parsed<T> =
  | { ok: true; value: T }
  | { ok: false; code: string; params?: Record<string, string | number> }

type Failure = Extract<Parsed<never>, { ok: false }>

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value })

/** The offending text goes into `params.value` so messages can quote it. */
function fail(code: string, input: unknown, extra: Record<string, string | number> = {}): Failure {
  const params = { ...extra }
  if (typeof input === 'string' || typeof input === 'number') params.value = String(input)
  return { ok: false, code, params }
}

/**
 * Full-width ASCII (０-９, Ａ-Ｚ, ．，－＋％／：（）＠ …) → ASCII, ideographic and no-break
 * spaces → ASCII space, then trims. Chinese IMEs produce these when the user forgets to switch.
 */
export function normalizeWidth(s: string): string {
  return s
    .replace(/[\uFF01-\uFF5E]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0xfee0))
    .replace(/[\u3000\u00A0]/g, ' ')
    .trim()
}

/** null, undefined, and strings that are empty or only (any width of) whitespace. */
export function isBlank(input: unknown): boolean {
  return input === null || input === undefined || (typeof input === 'string' && BLANK.test(input))
}
/** Empty or only whitespace, the ideographic space included (what normalizeWidth would trim to ''). */
const BLANK = /^[\s\u3000\u00A0]*$/

// ---------------------------------------------------------------------------------------------
// Numbers

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

const CURRENCY_CODES = ['RMB', ...Object.keys(CURRENCY_SYMBOLS)]
const CURRENCY_PREFIXES = [...CURRENCY_CODES, ...Object.values(CURRENCY_SYMBOLS), '￥', 'US$']
  .sort((a, b) => b.length - a.length)
  .map(escapeRegExp)
  .join('|')

/** Chinese magnitude words, longest first so 千万 is not read as 千 + garbage. */
const UNIT_EXPONENTS: Record<string, number> = { 万亿: 12, 千万: 7, 百万: 6, 亿: 8, 万: 4, 千: 3 }

const NUMBER_TEXT = new RegExp(
  `^(?<sign1>[+-])?\\s*(?<currency>${CURRENCY_PREFIXES})?\\s*(?<sign2>[+-])?\\s*` +
    `(?<mantissa>[\\d.,]+)(?:e(?<exponent>[+-]?\\d+))?\\s*` +
    `(?<unit>${Object.keys(UNIT_EXPONENTS).join('|')})?\\s*` +
    `(?<suffix>%|元|${CURRENCY_CODES.join('|')})?$`,
  'i'
)

/** Digits with optional, correctly placed thousands commas, and an optional fraction. */
const MANTISSA = /^(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|\.\d+)$/

/** The number a text denotes, 'invalid' if it denotes none, 'range' if it overflows. */
function numberFromText(raw: string): number | 'invalid' | 'range' {
  let s = normalizeWidth(raw).replace(/\u2212/g, '-')
  const accountingNegative = /^\((.*)\)$/.exec(s)
  if (accountingNegative) s = accountingNegative[1].trim()
  const m = NUMBER_TEXT.exec(s)
  if (!m?.groups) return 'invalid'
  const { sign1, currency, sign2, mantissa, exponent, unit, suffix } = m.groups
  const signs = (sign1 ? 1 : 0) + (sign2 ? 1 : 0) + (accountingNegative ? 1 : 0)
  const percent = suffix === '%'
  const currencySuffix = suffix !== undefined && !percent
  if (signs > 1 || !MANTISSA.test(mantissa)) return 'invalid'
  if (percent && (unit || currency)) return 'invalid'
  if (currency && currencySuffix) return 'invalid'
  const shift = Number(exponent ?? 0) + (unit ? UNIT_EXPONENTS[unit] : 0) - (percent ? 2 : 0)
  const magnitude = Number(`${mantissa.replace(/,/g, '')}e${shift}`)
  if (!Number.isFinite(magnitude)) return 'range'
  const negative = sign1 === '-' || sign2 === '-' || accountingNegative !== null
  return negative && magnitude !== 0 ? -magnitude : magnitude
}

/**
 * Accepts finite numbers and text such as `12,000.50`, `¥12,000.50`, `RMB 100`, `1.2万`,
 * `3.5亿`, `2千`, `15%` (= 0.15), `(1,200)` (accounting negative), `１２３`, `1.2e3`.
 * Thousands commas must sit every three digits: `1,2000` is rejected rather than guessed.
 */
export function parseNumber(input: unknown): Parsed<number> {
  if (typeof input === 'number') {
    return Number.isFinite(input) ? ok(input + 0) : fail('value.notANumber', input)
  }
  if (typeof input === 'bigint') {
    const n = Number(input)
    return Number.isSafeInteger(n) ? ok(n) : fail('value.numberOutOfRange', input.toString())
  }
  if (typeof input !== 'string') return fail('value.notANumber', input)
  const n = numberFromText(input)
  if (n === 'invalid') return fail('value.notANumber', input)
  if (n === 'range') return fail('value.numberOutOfRange', input)
  return ok(n)
}

/**
 * Percentages are stored as fractions (15% = 0.15), as Excel does. Numbers and text with a
 * `%` follow that rule exactly. Text without `%` is ambiguous: people type "15" into a
 * percent column meaning 15%, while "0.15" is clearly the fraction. So bare text whose
 * magnitude is above 1 is read as a percentage ("15" → 0.15), and bare text at or below 1 as
 * a fraction ("0.15" → 0.15, "1" → 1 = 100%).
 */
export function parsePercent(input: unknown): Parsed<number> {
  const parsed = parseNumber(input)
  if (!parsed.ok || typeof input !== 'string' || normalizeWidth(input).includes('%')) return parsed
  return Math.abs(parsed.value) > 1 ? ok(shiftDecimal(parsed.value, -2)) : parsed
}

// ---------------------------------------------------------------------------------------------
// Dates and times

interface DateParts {
  y: number
  m: number
  d: number
}

interface TimeParts {
  h: number
  mi: number
  s: number
  ms: number
}

interface TextDateTime {
  date: DateParts
  time: TimeParts
  /** Minutes east of UTC when the text names its offset (`Z`, `+08:00`); else local time. */
  offsetMinutes?: number
}

const MS_PER_DAY = 86_400_000
const MIDNIGHT: TimeParts = { h: 0, mi: 0, s: 0, ms: 0 }

/** Excel's 1900 date system: serial 1 = 1900-01-01 … 2958465 = 9999-12-31. */
const EXCEL_SERIAL_MAX = 2_958_465
/** Excel counts a 1900-02-29 that never existed (kept for Lotus 1-2-3 compatibility). */
const EXCEL_FAKE_LEAP_DAY = 60
/** Day 0 for serials after the fake leap day; earlier serials are one day further from it. */
const EXCEL_EPOCH_UTC = Date.UTC(1899, 11, 30)
/** Numbers above this are epoch milliseconds (1973-03-03) rather than Excel serials. */
const EPOCH_MS_THRESHOLD = 1e11

const pad = (n: number, width: number): string => String(n).padStart(width, '0')
const isoOf = ({ y, m, d }: DateParts): string => `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

const isLeapYear = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0

/** Four-digit years only: Date treats years 0-99 as 1900-1999, and no CRM record predates 1000. */
function isValidDate({ y, m, d }: DateParts): boolean {
  if (y < 1000 || y > 9999 || m < 1 || m > 12 || d < 1) return false
  return d <= DAYS_IN_MONTH[m - 1] + (m === 2 && isLeapYear(y) ? 1 : 0)
}

const isValidTime = ({ h, mi, s }: TimeParts): boolean => h <= 23 && mi <= 59 && s <= 59

function localDateParts(date: Date): DateParts {
  return { y: date.getFullYear(), m: date.getMonth() + 1, d: date.getDate() }
}

function localMs({ y, m, d }: DateParts, { h, mi, s, ms }: TimeParts): number {
  return new Date(y, m - 1, d, h, mi, s, ms).getTime()
}

function instantOf({ date, time, offsetMinutes }: TextDateTime): number {
  if (offsetMinutes === undefined) return localMs(date, time)
  const { y, m, d } = date
  return Date.UTC(y, m - 1, d, time.h, time.mi, time.s, time.ms) - offsetMinutes * 60_000
}

/** @throws RangeError outside 1..2958465 and for 60, the 1900-02-29 that does not exist. */
export function excelSerialToIsoDate(serial: number): string {
  if (!Number.isFinite(serial) || serial < 1 || serial >= EXCEL_SERIAL_MAX + 1) {
    throw new RangeError(`Excel serial ${serial} is outside 1..${EXCEL_SERIAL_MAX}`)
  }
  const day = Math.floor(serial)
  if (day === EXCEL_FAKE_LEAP_DAY) throw new RangeError('Excel serial 60 is 1900-02-29, which does not exist')
  const days = day < EXCEL_FAKE_LEAP_DAY ? day + 1 : day
  const utc = new Date(EXCEL_EPOCH_UTC + days * MS_PER_DAY)
  return isoOf({ y: utc.getUTCFullYear(), m: utc.getUTCMonth() + 1, d: utc.getUTCDate() })
}

/** @throws RangeError for text that is not a valid `YYYY-MM-DD` from 1900-01-01 on. */
export function isoDateToExcelSerial(iso: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso)
  const parts = m ? { y: Number(m[1]), m: Number(m[2]), d: Number(m[3]) } : undefined
  if (!parts || !isValidDate(parts) || parts.y < 1900) {
    throw new RangeError(`${iso} is not an ISO date Excel can represent`)
  }
  const days = (Date.UTC(parts.y, parts.m - 1, parts.d) - EXCEL_EPOCH_UTC) / MS_PER_DAY
  return days <= EXCEL_FAKE_LEAP_DAY ? days - 1 : days
}

/** Excel serial, whole or fractional → date and local time of day. */
function fromExcelSerial(n: number): { date: DateParts; time: TimeParts } | Failure {
  if (!(n >= 1 && n < EXCEL_SERIAL_MAX + 1)) return fail('value.notADate', n)
  // Round to the millisecond once, so 0.999999999 of a day carries into the next day instead
  // of showing 23:59:59.999 from floating-point noise.
  const totalMs = Math.round(n * MS_PER_DAY)
  const day = Math.floor(totalMs / MS_PER_DAY)
  if (day > EXCEL_SERIAL_MAX) return fail('value.notADate', n)
  if (day === EXCEL_FAKE_LEAP_DAY) return fail('value.invalidDate', n)
  let msOfDay = totalMs - day * MS_PER_DAY
  const [y, m, d] = excelSerialToIsoDate(day).split('-').map(Number)
  const h = Math.floor(msOfDay / 3_600_000)
  msOfDay -= h * 3_600_000
  const mi = Math.floor(msOfDay / 60_000)
  msOfDay -= mi * 60_000
  const s = Math.floor(msOfDay / 1000)
  return { date: { y, m, d }, time: { h, mi, s, ms: msOfDay - s * 1000 } }
}

/**
 * The order of a date written as three numbers (20-10-16, 10/20/2016, 16.10.20): year-month-day,
 * day-month-year or month-day-year. Only such dates depend on it: a 4-digit year first
 * (2016-10-20), 2016年10月20日 and 20161020 read the same whatever the order.
 */
export type DateOrder = 'ymd' | 'dmy' | 'mdy'
export const DATE_ORDERS: readonly DateOrder[] = ['ymd', 'dmy', 'mdy']

/** Two-digit years as Excel reads them: 00-29 → 2000-2029, 30-99 → 1930-1999. */
const fullYear = (text: string): number => {
  const n = Number(text)
  return text.length === 4 ? n : n < 30 ? 2000 + n : 1900 + n
}

/** Three numbers with one separator (-, / or .), the first not a 4-digit year. */
const ORDERED = /^(\d{1,2})([-/.])(\d{1,2})\2(\d{4}|\d{1,2})(?!\d)/

/** A date at the start of the text and what follows it. */
function matchDate(s: string, order?: DateOrder): { date: DateParts; rest: string; chinese: boolean } | undefined {
  const separated = /^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?!\d)/.exec(s)
  if (separated) {
    const date = { y: Number(separated[1]), m: Number(separated[3]), d: Number(separated[4]) }
    return { date, rest: s.slice(separated[0].length), chinese: false }
  }
  const ordered = order ? ORDERED.exec(s) : null
  if (ordered) {
    const [, a, , b, c] = ordered as unknown as [string, string, string, string, string]
    // Year first takes a 2-digit year only (a 4-digit one matched above).
    if (order === 'ymd' && c.length > 2) return undefined
    const date = order === 'ymd' ? { y: fullYear(a), m: Number(b), d: Number(c) }
      : order === 'dmy' ? { y: fullYear(c), m: Number(b), d: Number(a) }
        : { y: fullYear(c), m: Number(a), d: Number(b) }
    return { date, rest: s.slice(ordered[0].length), chinese: false }
  }
  const chinese = /^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?/.exec(s)
  if (chinese) {
    const date = { y: Number(chinese[1]), m: Number(chinese[2]), d: Number(chinese[3]) }
    return { date, rest: s.slice(chinese[0].length), chinese: true }
  }
  const compact = /^(\d{4})(\d{2})(\d{2})(?!\d)/.exec(s)
  if (compact) {
    const date = { y: Number(compact[1]), m: Number(compact[2]), d: Number(compact[3]) }
    return { date, rest: s.slice(compact[0].length), chinese: false }
  }
  return undefined
}

const OFFSET = /\s*(?:(Z)|([+-])(\d{2}):?(\d{2})?)$/i
const MERIDIEM_PREFIX = /^(上午|下午)\s*/
const MERIDIEM_SUFFIX = /\s*([ap])\.?m\.?$/i
const COLON_TIME = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?$/
const CHINESE_TIME = /^(\d{1,2})\s*[时点]\s*(?:(\d{1,2})\s*(?:分\s*(?:(\d{1,2})\s*秒)?)?)?$/

/**
 * `14:30`, `9:05:15.250`, `14时30分`, `14点30分15秒`, `下午2:30`, `2:30 PM`, each optionally
 * followed by `Z` or a UTC offset. Failure is undefined (not a time) or 'invalid' (a time
 * that cannot exist, like 25:00).
 */
function matchTime(text: string): { time: TimeParts; offsetMinutes?: number } | 'invalid' | undefined {
  let s = text
  let offsetMinutes: number | undefined
  const offset = OFFSET.exec(s)
  if (offset) {
    s = s.slice(0, offset.index)
    if (offset[1]) offsetMinutes = 0
    else {
      const hours = Number(offset[3])
      const minutes = Number(offset[4] ?? 0)
      if (hours > 23 || minutes > 59) return 'invalid'
      offsetMinutes = (offset[2] === '-' ? -1 : 1) * (hours * 60 + minutes)
    }
  }
  let meridiem: 'am' | 'pm' | undefined
  const prefix = MERIDIEM_PREFIX.exec(s)
  const suffix = MERIDIEM_SUFFIX.exec(s)
  if (prefix) {
    meridiem = prefix[1] === '上午' ? 'am' : 'pm'
    s = s.slice(prefix[0].length)
  } else if (suffix) {
    meridiem = suffix[1].toLowerCase() === 'a' ? 'am' : 'pm'
    s = s.slice(0, suffix.index)
  }
  const m = COLON_TIME.exec(s) ?? CHINESE_TIME.exec(s)
  if (!m) return undefined
  const fraction: string | undefined = m[4]
  const time = {
    h: Number(m[1]),
    mi: Number(m[2] ?? 0),
    s: Number(m[3] ?? 0),
    ms: fraction === undefined ? 0 : Number(fraction.padEnd(3, '0').slice(0, 3))
  }
  if (meridiem) {
    // 12-hour clock: 12 AM is midnight, 12 PM is noon.
    if (time.h < 1 || time.h > 12) return 'invalid'
    time.h = (time.h % 12) + (meridiem === 'pm' ? 12 : 0)
  }
  return isValidTime(time) ? { time, offsetMinutes } : 'invalid'
}

/** Every textual date or date-time form; numeric text is handled by the callers. */
function parseTextDateTime(s: string, order?: DateOrder): TextDateTime | Failure {
  const matched = matchDate(s, order)
  if (!matched) return fail('value.notADate', s)
  const { date, rest, chinese } = matched
  let result: TextDateTime = { date, time: MIDNIGHT }
  if (rest !== '') {
    // Chinese dates run straight into the time (2024年3月5日14时30分); the others need a
    // space or the ISO `T` so that `2024-03-051` is not read as a date and a stray "1".
    const separator = (chinese ? /^\s*/ : /^(?:\s+|T)/i).exec(rest)
    if (!separator) return fail('value.notADate', s)
    const time = matchTime(rest.slice(separator[0].length).trim())
    if (time === undefined) return fail('value.notADate', s)
    if (time === 'invalid') return fail('value.invalidTime', s)
    result = { date, ...time }
  }
  return isValidDate(date) ? result : fail('value.invalidDate', s)
}

/** Plain digits are Excel serials (or epoch ms), except 8 digits which read as YYYYMMDD. */
const NUMERIC_TEXT = /^\d+(?:\.\d+)?$/
const COMPACT_DATE = /^\d{8}$/

function isFailure(value: object): value is Failure {
  return 'ok' in value
}

/**
 * → ISO `YYYY-MM-DD`. Accepts `2024/3/5`, `2024-03-05`, `2024.3.5`, `2024年3月5日`, `20240305`,
 * date-times (their date in local time), Date objects, Excel serials (number or numeric text)
 * and epoch milliseconds. With an `order`, also three numbers in that order (dmy: 20-10-16,
 * 20/10/2016; mdy: 10/20/16; ymd: 16.10.20), 2-digit years as Excel reads them. Unreadable
 * text fails with 'value.notADate'; a day that does not exist (2023-02-29, month 13, Excel's
 * serial 60) with 'value.invalidDate'.
 */
const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/

export function parseDate(input: unknown, order?: DateOrder): Parsed<string> {
  // The stored form itself (API, import, copies): a real calendar day is returned as it is.
  const iso = typeof input === 'string' ? ISO_DAY.exec(input) : null
  if (iso && isValidDate({ y: Number(iso[1]), m: Number(iso[2]), d: Number(iso[3]) })) return ok(input as string)
  if (input instanceof Date) {
    return Number.isNaN(input.getTime()) ? fail('value.invalidDate', input) : ok(isoOf(localDateParts(input)))
  }
  let source: number | string
  if (typeof input === 'number') source = input
  else if (typeof input === 'string') {
    const s = normalizeWidth(input)
    source = NUMERIC_TEXT.test(s) && !COMPACT_DATE.test(s) ? Number(s) : s
  } else return fail('value.notADate', input)

  if (typeof source === 'number') {
    if (source > EPOCH_MS_THRESHOLD) {
      const date = new Date(source)
      return Number.isNaN(date.getTime()) ? fail('value.notADate', input) : ok(isoOf(localDateParts(date)))
    }
    const r = fromExcelSerial(source)
    return isFailure(r) ? fail(r.code, input) : ok(isoOf(r.date))
  }
  const r = parseTextDateTime(source, order)
  if (isFailure(r)) return fail(r.code, input)
  if (r.offsetMinutes === undefined) return ok(isoOf(r.date))
  return ok(isoOf(localDateParts(new Date(instantOf(r)))))
}

/**
 * → epoch milliseconds. Accepts every parseDate form (at 00:00) and `2024-03-05 14:30[:15]`,
 * `2024/3/5 9:05`, `2024年3月5日 14时30分`, `下午2:30`, `2:30 PM`, ISO with `Z` or an offset
 * (honoured), fractional Excel serials (45356.5 = 2024-03-05 12:00). Without an offset the
 * time is the process' local time.
 */
export function parseDateTime(input: unknown, order?: DateOrder): Parsed<number> {
  if (input instanceof Date) {
    return Number.isNaN(input.getTime()) ? fail('value.invalidDate', input) : ok(input.getTime())
  }
  let source: number | string
  if (typeof input === 'number') source = input
  else if (typeof input === 'string') {
    const s = normalizeWidth(input)
    source = NUMERIC_TEXT.test(s) && !COMPACT_DATE.test(s) ? Number(s) : s
  } else return fail('value.notADate', input)

  if (typeof source === 'number' && source > EPOCH_MS_THRESHOLD) {
    return Number.isNaN(new Date(source).getTime()) ? fail('value.notADate', input) : ok(Math.round(source))
  }
  const r = typeof source === 'number' ? fromExcelSerial(source) : parseTextDateTime(source, order)
  if (isFailure(r)) return fail(r.code, input)
  const ms = instantOf(r)
  return Number.isNaN(ms) ? fail('value.invalidDate', input) : ok(ms)
}

// ---------------------------------------------------------------------------------------------
// Booleans

const TRUE_WORDS = new Set(['true', 't', 'yes', 'y', '1', 'on', 'checked', '是', '对', '真', '有', '√', '✓', '✔', '☑'])
const FALSE_WORDS = new Set(['false', 'f', 'no', 'n', '0', 'off', 'unchecked', '否', '错', '假', '无', '×', '✗', '✘', '☐'])

export function parseBoolean(input: unknown): Parsed<boolean> {
  if (typeof input === 'boolean') return ok(input)
  if (input === 1 || input === 0) return ok(input === 1)
  if (typeof input !== 'string') return fail('value.notABoolean', input)
  const word = normalizeWidth(input).toLowerCase()
  if (TRUE_WORDS.has(word)) return ok(true)
  if (FALSE_WORDS.has(word)) return ok(false)
  return fail('value.notABoolean', input)
}

// ---------------------------------------------------------------------------------------------
// Phone numbers

const CN_MOBILE = /^1[3-9]\d{9}$/
const CN_SERVICE = /^[48]00\d{7}$/
/** Local landline numbers are 7 or 8 digits; a leading 0 would be a trunk prefix. */
const CN_SUBSCRIBER = /^[1-9]\d{6,7}$/
/** Beijing 010 and the 02x cities have 3-digit area codes; all others have 4. */
const CN_AREA = /^(?:0[12]\d|0[3-9]\d{2})$/
const EXTENSION = /^(.*?)\s*(?:转|分机|ext\.?|x|#)\s*(\d{1,6})$/i

function withExtension(number: string, extension: string | undefined): string {
  return extension ? `${number}-${extension}` : number
}

/** A Chinese national number written in the given digit groups, in display form. */
function chineseNumber(groups: string[], extension: string | undefined): string | undefined {
  const digits = groups.join('')
  if (CN_MOBILE.test(digits)) return extension ? undefined : digits
  if (/^861[3-9]\d{9}$/.test(digits)) return extension ? undefined : digits.slice(2)
  if (CN_SERVICE.test(digits)) {
    return withExtension(`${digits.slice(0, 3)}-${digits.slice(3, 6)}-${digits.slice(6)}`, extension)
  }
  if (digits.startsWith('0')) {
    let area: string
    let subscriber: string
    let ext = extension
    if (groups.length >= 2 && /^0\d{2,3}$/.test(groups[0])) {
      area = groups[0]
      const rest = groups.slice(1)
      // 010-12345678-123: a trailing group after a complete subscriber number is an extension.
      const head = rest.slice(0, -1).join('')
      if (!ext && rest.length >= 2 && CN_SUBSCRIBER.test(head) && rest[rest.length - 1].length <= 6) {
        subscriber = head
        ext = rest[rest.length - 1]
      } else subscriber = rest.join('')
    } else {
      area = /^0[12]/.test(digits) ? digits.slice(0, 3) : digits.slice(0, 4)
      subscriber = digits.slice(area.length)
    }
    return CN_AREA.test(area) && CN_SUBSCRIBER.test(subscriber) ? withExtension(`${area}-${subscriber}`, ext) : undefined
  }
  // A bare 7–8 digit number (no area code) is not accepted: 138-0000 is a mistyped mobile far
  // more often than a local landline, and without its area code nobody outside the city can dial it.
  return undefined
}

/**
 * Display forms: mobiles as 11 plain digits (`13812345678`), landlines as `area-number`
 * (`021-12345678`, `010-12345678-123` with an extension), service numbers as `400-123-4567`,
 * and other countries as E.164 (`+14155550100`).
 */
export function parsePhone(input: unknown): Parsed<string> {
  return parsePhoneText(input)
}

/**
 * A phone number kept as the user typed it (full-width digits made half-width, spaces trimmed
 * and collapsed), once parsePhone accepts it: `138-1234-5678` stays `138-1234-5678`,
 * `+86 138 1234 5678` stays so. parsePhone's display form is what comparisons use.
 */
export function parsePhoneAsTyped(input: unknown): Parsed<string> {
  const parsed = parsePhone(input)
  if (!parsed.ok || typeof input !== 'string') return parsed
  return ok(normalizeWidth(input).replace(/\s+/g, ' ').trim())
}

function parsePhoneText(input: unknown): Parsed<string> {
  let text: string
  if (typeof input === 'string') text = input
  else if (typeof input === 'number' && Number.isSafeInteger(input) && input > 0) text = String(input)
  else return fail('value.invalidPhone', input)

  const s = normalizeWidth(text)
    .replace(/[\u2010-\u2015\u2212]/g, '-')
    .replace(/\s+/g, ' ')
  const ext = EXTENSION.exec(s)
  const body = ext ? ext[1] : s
  const extension = ext?.[2]
  if (!/^\+?[\d ()-]+$/.test(body)) return fail('value.invalidPhone', input)

  const international = /^(?:\+|00)(.*)$/.exec(body)
  if (international) {
    const digits = international[1].replace(/\D/g, '')
    if (digits.startsWith('86')) {
      // Abroad, landlines are dialled without the trunk 0: +86 21 1234 5678 is 021-12345678.
      const national = digits.slice(2)
      const trunkless = !CN_MOBILE.test(national) && !CN_SERVICE.test(national) && !national.startsWith('0')
      const cn = chineseNumber([trunkless ? `0${national}` : national], extension)
      return cn ? ok(cn) : fail('value.invalidPhone', input)
    }
    if (digits.length < 7 || digits.length > 15 || digits.startsWith('0')) return fail('value.invalidPhone', input)
    return ok(extension ? `+${digits} ext ${extension}` : `+${digits}`)
  }
  const groups = body.split(/[\s()-]+/).filter((g) => g !== '')
  const cn = chineseNumber(groups, extension)
  return cn ? ok(cn) : fail('value.invalidPhone', input)
}

// ---------------------------------------------------------------------------------------------
// E-mail and web addresses

const EMAIL_LOCAL = /^[\p{L}\p{N}!#$%&'*+/=?^_`{|}~.-]{1,64}$/u
const DOMAIN_LABEL = /^[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?$/u

/** Dotted host name with at least two labels and a non-numeric top-level label. */
function isDomain(host: string): boolean {
  const labels = host.split('.')
  return (
    host.length <= 253 &&
    labels.length >= 2 &&
    labels.every((label) => DOMAIN_LABEL.test(label)) &&
    !/^\d+$/.test(labels[labels.length - 1])
  )
}

/** Trims, accepts a full-width ＠ and `mailto:`, lowercases the domain (the local part is case-sensitive by spec). */
export function parseEmail(input: unknown): Parsed<string> {
  if (typeof input !== 'string') return fail('value.invalidEmail', input)
  const s = normalizeWidth(input).replace(/^mailto:/i, '').replace(/。/g, '.')
  const parts = s.split('@')
  if (parts.length !== 2) return fail('value.invalidEmail', input)
  const [local, rawDomain] = parts
  const domain = rawDomain.toLowerCase()
  const localOk = EMAIL_LOCAL.test(local) && !local.startsWith('.') && !local.endsWith('.') && !local.includes('..')
  return localOk && isDomain(domain) ? ok(`${local}@${domain}`) : fail('value.invalidEmail', input)
}

function isIpv4(host: string): boolean {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host)
  return m !== null && m.slice(1).every((octet) => Number(octet) <= 255)
}

/**
 * http(s) only; `https://` is added when the scheme is missing (`www.example.com`). The host
 * must be a dotted name, an IP address or localhost. Credentials in the address are refused,
 * which also stops `mailto:a@b.com` from passing as a URL to host b.com.
 */
export function parseUrl(input: unknown): Parsed<string> {
  if (typeof input !== 'string') return fail('value.invalidUrl', input)
  const s = normalizeWidth(input)
  if (s === '' || /\s/.test(s)) return fail('value.invalidUrl', input)

  let scheme = 'https'
  let rest = s
  const explicit = /^([a-z][a-z\d+.-]*):\/\//i.exec(s)
  if (explicit) {
    scheme = explicit[1].toLowerCase()
    rest = s.slice(explicit[0].length)
  } else {
    // `mailto:x`, `javascript:x` — a scheme without `//`; `localhost:3000` is a port instead.
    const opaque = /^([a-z][a-z\d+.-]*):(?!\d)/i.exec(s)
    if (opaque) scheme = opaque[1].toLowerCase()
  }
  if (scheme !== 'http' && scheme !== 'https') return fail('value.unsupportedUrlScheme', input, { scheme })

  const [, authority, tail] = /^([^/?#]*)(.*)$/.exec(rest) ?? ['', '', '']
  const hostPort = /^(\[[\da-f:.]+\]|[^:@[\]]+)(?::(\d{1,5}))?$/i.exec(authority)
  if (!hostPort) return fail('value.invalidUrl', input)
  const host = hostPort[1].toLowerCase()
  const port = hostPort[2]
  const hostOk = host === 'localhost' || host.startsWith('[') || isIpv4(host) || isDomain(host)
  if (!hostOk || (port !== undefined && (Number(port) < 1 || Number(port) > 65535))) {
    return fail('value.invalidUrl', input)
  }
  return ok(`${scheme}://${host}${port === undefined ? '' : `:${port}`}${tail}`)
}

// ---------------------------------------------------------------------------------------------
// The order of a column of dates

export interface DateOrderGuess {
  /** The order every value reads in, or null when none or several do (the user chooses). */
  order: DateOrder | null
  /** The orders under which every dated value of the column is a real day. */
  candidates: DateOrder[]
  /** Values written as three numbers (the ones the order decides). */
  ordered: number
}

/**
 * The order of a column's dates, decided from all its values: an order is possible when every
 * value written as three numbers is a real day in it (20-10-16 and 25-10-16 → day first or
 * year first; one 10/25/16 → month first). A 2-digit year first (16-10-20) is only considered
 * when some first number cannot be a day (above 31): people rarely write it. Several possible
 * orders (every value 05/06/16-like) is `order: null` — ask, do not guess.
 */
export function guessDateOrder(values: Iterable<string>): DateOrderGuess {
  const possible = new Set<DateOrder>(DATE_ORDERS)
  const reads: Record<DateOrder, number> = { ymd: 0, dmy: 0, mdy: 0 }
  let ordered = 0
  let firstAbove31 = false
  for (const raw of values) {
    const s = normalizeWidth(raw)
    const m = ORDERED.exec(s)
    if (!m) continue
    ordered++
    const [, a, , b, c] = m as unknown as [string, string, string, string, string]
    const A = Number(a), B = Number(b), C = Number(c)
    const real = (y: number, mo: number, d: number) => isValidDate({ y, m: mo, d })
    const read = { ymd: c.length <= 2 && real(fullYear(a), B, C), dmy: real(fullYear(c), B, A), mdy: real(fullYear(c), A, B) }
    if (A > 31 && read.ymd) firstAbove31 = true
    for (const o of DATE_ORDERS) {
      if (read[o]) reads[o]++
      else possible.delete(o)
    }
  }
  if (!ordered) return { order: 'ymd', candidates: ['ymd'], ordered }
  // No order reads every value (a typo or two): the orders that read the most, the rest fail as cells.
  if (!possible.size) {
    const most = Math.max(...DATE_ORDERS.map((o) => reads[o]))
    if (most > 0) for (const o of DATE_ORDERS) if (reads[o] === most) possible.add(o)
  }
  if (!firstAbove31 && possible.size > 1) possible.delete('ymd')
  const candidates = DATE_ORDERS.filter((o) => possible.has(o))
  return { order: candidates.length === 1 ? candidates[0]! : null, candidates, ordered }
}
