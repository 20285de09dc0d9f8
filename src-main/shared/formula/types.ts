// Values, AST and errors of the formula language, plus the coercions every part of the engine
// shares (the evaluator, the function registry and the analyzer must agree on them exactly).
// Pure TypeScript: this runs in the main process and in the renderer.

export type FormulaType = 'number' | 'text' | 'date' | 'boolean' | 'any' | 'list'

/** Static type of an expression; `itemType` is set for lists (a sub-table column). */
export interface TypeInfo {
  type: FormulaType
  itemType?: FormulaType
}

/**
 * A point in time. `ms` is epoch milliseconds; a date without time (`hasTime: false`) is
 * local midnight, so calendar arithmetic uses local date parts, never `ms / 86400000`.
 * A plain object rather than a class so values cross IPC and JSON unchanged.
 */
export interface FormulaDate {
  readonly kind: 'date'
  readonly ms: number
  readonly hasTime: boolean
}

export type FormulaValue = number | string | boolean | null | FormulaDate | FormulaValue[]

/** `{name}` or `{name.sub}`; start/end are 0-based offsets of the braces in the source. */
export interface FieldRef {
  name: string
  sub?: string
  start: number
  end: number
}

// ---------------------------------------------------------------------------------------------
// AST

export type BinaryOp = '+' | '-' | '*' | '/' | '^' | '&' | '=' | '<>' | '<' | '>' | '<=' | '>='

interface NodeBase {
  start: number
  end: number
  /** Set by checkFormula; lets the evaluator tell a blank date from a blank number. */
  staticType?: FormulaType
}

export interface NumberNode extends NodeBase { kind: 'number'; value: number }
export interface TextNode extends NodeBase { kind: 'text'; value: string }
export interface BooleanNode extends NodeBase { kind: 'boolean'; value: boolean }
export interface RefNode extends NodeBase { kind: 'ref'; ref: FieldRef }
export interface UnaryNode extends NodeBase { kind: 'unary'; op: '+' | '-'; operand: FormulaAst }
export interface PercentNode extends NodeBase { kind: 'percent'; operand: FormulaAst }
export interface BinaryNode extends NodeBase { kind: 'binary'; op: BinaryOp; left: FormulaAst; right: FormulaAst }
/** `name` is upper-cased; the parser only builds calls to registered functions. */
export interface CallNode extends NodeBase { kind: 'call'; name: string; args: FormulaAst[] }

export type FormulaAst =
  | NumberNode
  | TextNode
  | BooleanNode
  | RefNode
  | UnaryNode
  | PercentNode
  | BinaryNode
  | CallNode

// ---------------------------------------------------------------------------------------------
// Errors

export const FORMULA_SYNTAX_ERROR_CODES = [
  'formula.empty',
  'formula.unexpectedCharacter',
  'formula.unexpectedToken',
  'formula.unexpectedEnd',
  'formula.unclosedParen',
  'formula.unclosedBrace',
  'formula.unclosedString',
  'formula.emptyField',
  'formula.unknownName',
  'formula.unknownFunction',
  'formula.wrongArgCount',
  'formula.tooDeep',
  'formula.unknownField',
  'formula.typeMismatch'
] as const

export type FormulaSyntaxErrorCode = (typeof FORMULA_SYNTAX_ERROR_CODES)[number]

// English fallbacks for logs; the UI translates `code` with `params` from the locale files.
const SYNTAX_MESSAGES: Record<FormulaSyntaxErrorCode, string> = {
  'formula.empty': 'The formula is empty',
  'formula.unexpectedCharacter': 'Unexpected character "{char}"',
  'formula.unexpectedToken': 'Unexpected "{token}"',
  'formula.unexpectedEnd': 'The formula ends too early',
  'formula.unclosedParen': 'This parenthesis is never closed',
  'formula.unclosedBrace': 'This field reference is never closed with "}"',
  'formula.unclosedString': 'This text is never closed with a quote',
  'formula.emptyField': 'Empty field reference',
  'formula.unknownName': 'Unknown name "{name}"; field references go in braces, e.g. {{name}}',
  'formula.unknownFunction': 'Unknown function "{name}"',
  'formula.wrongArgCount': '{name} takes {expected} argument(s), got {count}',
  'formula.tooDeep': 'The formula is nested too deeply',
  'formula.unknownField': 'Unknown field "{name}"',
  'formula.typeMismatch': 'Expected {expected}, got {actual}'
}

function fill(template: string, params: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (m, key: string) => (key in params ? String(params[key]) : m))
}

/** A problem found before evaluation: syntax, unknown names, arity or types. */
export class FormulaSyntaxError extends Error {
  override readonly name = 'FormulaSyntaxError'
  constructor(
    readonly code: FormulaSyntaxErrorCode,
    /** 0-based offset in the source where the problem starts. */
    readonly position: number,
    readonly params: Record<string, string | number> = {}
  ) {
    super(`${fill(SYNTAX_MESSAGES[code], params)} (at ${position})`)
  }
}

export function typeMismatch(
  node: FormulaAst,
  expected: FormulaType,
  actual: FormulaType
): FormulaSyntaxError {
  return new FormulaSyntaxError('formula.typeMismatch', node.start, { expected, actual })
}

/** Excel's error values, minus the ones that cannot arise here. */
export type FormulaErrorCode = 'DIV0' | 'VALUE' | 'NUM' | 'NA' | 'NAME'

export const FORMULA_ERROR_CODES: readonly FormulaErrorCode[] = ['DIV0', 'VALUE', 'NUM', 'NA', 'NAME']

const RUNTIME_MESSAGES: Record<FormulaErrorCode, string> = {
  DIV0: '#DIV/0! Division by zero',
  VALUE: '#VALUE! A value has the wrong type',
  NUM: '#NUM! The number is out of range',
  NA: '#N/A No value matches',
  NAME: '#NAME? Unknown function'
}

/**
 * Thrown inside the evaluator and caught by `evaluate`, which turns it into an error result.
 * Never escapes the public API.
 */
export class FormulaRuntimeError extends Error {
  override readonly name = 'FormulaRuntimeError'
  constructor(
    readonly code: FormulaErrorCode,
    detail?: string
  ) {
    super(detail ? `${RUNTIME_MESSAGES[code]}: ${detail}` : RUNTIME_MESSAGES[code])
  }
}

// ---------------------------------------------------------------------------------------------
// Dates (local calendar)

const DAY_MS = 86_400_000

export function makeDate(ms: number, hasTime = false): FormulaDate {
  return { kind: 'date', ms, hasTime }
}

export function isFormulaDate(v: unknown): v is FormulaDate {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && (v as FormulaDate).kind === 'date'
}

export interface DateParts {
  y: number
  m: number; // 1-12
  d: number
}

export function dateParts(d: FormulaDate): DateParts {
  const dt = new Date(d.ms)
  return { y: dt.getFullYear(), m: dt.getMonth() + 1, d: dt.getDate() }
}

/** Local midnight of y-m-d; out-of-range months and days roll over like Excel's DATE. */
export function dateFromParts(y: number, m: number, d: number): FormulaDate {
  const dt = new Date(2000, 0, 1)
  // setFullYear, unlike the Date constructor, does not map years 0-99 to 1900-1999.
  dt.setFullYear(y, m - 1, d)
  dt.setHours(0, 0, 0, 0)
  return makeDate(dt.getTime(), false)
}

export function daysInMonth(y: number, m: number): number {
  const dt = new Date(0)
  dt.setUTCFullYear(y, m, 0)
  return dt.getUTCDate()
}

/** Whole calendar days from b to a, ignoring time of day and daylight-saving shifts. */
export function calendarDayDiff(a: FormulaDate, b: FormulaDate): number {
  return Math.round((utcDay(dateParts(a)) - utcDay(dateParts(b))) / DAY_MS)
}

function utcDay(p: DateParts): number {
  const dt = new Date(0)
  dt.setUTCFullYear(p.y, p.m - 1, p.d)
  return dt.getTime()
}

/** Days between two dates: whole calendar days for plain dates, fractional once time is involved. */
export function dayDiff(a: FormulaDate, b: FormulaDate): number {
  if (!a.hasTime && !b.hasTime) return calendarDayDiff(a, b)
  return (a.ms - b.ms) / DAY_MS
}

/** Adds calendar days (keeping the local time of day); a fractional part adds hours. */
export function addDays(d: FormulaDate, days: number): FormulaDate {
  const whole = Math.trunc(days)
  const frac = days - whole
  const dt = new Date(d.ms)
  dt.setDate(dt.getDate() + whole)
  const ms = dt.getTime() + frac * DAY_MS
  if (!Number.isFinite(ms) || Number.isNaN(new Date(ms).getTime())) throw new FormulaRuntimeError('NUM')
  return makeDate(ms, d.hasTime || frac !== 0)
}

/** Same day `months` later, clamped to the month's last day (Jan 31 + 1 → Feb 28/29). */
export function addMonths(d: FormulaDate, months: number): FormulaDate {
  const p = dateParts(d)
  const total = p.y * 12 + (p.m - 1) + Math.trunc(months)
  const y = Math.floor(total / 12)
  const m = total - y * 12 + 1
  return dateFromParts(y, m, Math.min(p.d, daysInMonth(y, m)))
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0')

/** 'YYYY-MM-DD' of the local calendar date. */
export function toIsoDate(d: FormulaDate): string {
  const p = dateParts(d)
  return `${pad(p.y, 4)}-${pad(p.m)}-${pad(p.d)}`
}

function toDateTimeText(d: FormulaDate): string {
  const dt = new Date(d.ms)
  const secs = dt.getSeconds() ? `:${pad(dt.getSeconds())}` : ''
  return `${toIsoDate(d)} ${pad(dt.getHours())}:${pad(dt.getMinutes())}${secs}`
}

const LOCAL_DATE =
  /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?)?$/
const CHINESE_DATE = /^(\d{4})年(\d{1,2})月(\d{1,2})日$/
const ZONED_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/

/**
 * Reads '2024-03-05', '2024/3/5', '2024-03-05 14:30[:00]', '2024年3月5日' as local time, and
 * ISO timestamps with a zone ('…Z', '…+08:00'). Impossible dates (Feb 30) give null.
 */
export function parseDateText(text: string): FormulaDate | null {
  const s = text.trim()
  if (ZONED_DATE_TIME.test(s)) {
    const ms = Date.parse(s)
    return Number.isNaN(ms) ? null : makeDate(ms, true)
  }
  const m = LOCAL_DATE.exec(s) ?? CHINESE_DATE.exec(s)
  if (!m) return null
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])]
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return null
  const date = dateFromParts(y, mo, d)
  if (m[4] === undefined) return date
  const [h, mi, sec] = [Number(m[4]), Number(m[5]), Number(m[6] ?? 0)]
  if (h > 23 || mi > 59 || sec > 59) return null
  const dt = new Date(date.ms)
  dt.setHours(h, mi, sec, Number((m[7] ?? '0').padEnd(3, '0')))
  return makeDate(dt.getTime(), true)
}

/** Parses an ISO date ('2024-03-05') or date-time; throws RangeError when it is not one. */
export function dateFromIso(text: string): FormulaDate {
  const d = parseDateText(text)
  if (!d) throw new RangeError(`Not a date: "${text}"`)
  return d
}

// ---------------------------------------------------------------------------------------------
// Coercions (Excel semantics: blank is 0 in arithmetic and "" in text)

export function isBlank(v: FormulaValue): boolean {
  return v === null || v === '' || (Array.isArray(v) && v.length === 0)
}

const NUMERIC_TEXT = /^[+-]?(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?%?$/

/** Numeric text ('1,234.5', '50%', '1e3') to a number, or null when it is not numeric. */
export function parseNumberText(text: string): number | null {
  const s = text.trim()
  if (!NUMERIC_TEXT.test(s)) return null
  const pct = s.endsWith('%')
  const n = Number(s.replace(/,/g, '').replace('%', ''))
  return pct ? n / 100 : n
}

export function toNumber(v: FormulaValue): number {
  if (typeof v === 'number') return v
  if (v === null) return 0
  if (typeof v === 'boolean') return v ? 1 : 0
  if (typeof v === 'string') {
    if (v.trim() === '') return 0
    const n = parseNumberText(v)
    if (n !== null) return n
    throw new FormulaRuntimeError('VALUE', `"${v}" is not a number`)
  }
  throw new FormulaRuntimeError('VALUE', isFormulaDate(v) ? 'a date is not a number' : 'a list is not a number')
}

/** Excel's "General" format: at most 15 significant digits, so 0.1 + 0.2 reads "0.3". */
export function numberToText(n: number): string {
  if (n === 0) return '0'
  if (Number.isInteger(n)) return String(n)
  return String(Number(n.toPrecision(15)))
}

export function toText(v: FormulaValue): string {
  if (typeof v === 'string') return v
  if (v === null) return ''
  if (typeof v === 'number') return numberToText(v)
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE'
  if (isFormulaDate(v)) return v.hasTime ? toDateTimeText(v) : toIsoDate(v)
  throw new FormulaRuntimeError('VALUE', 'a list is not text')
}

export function toBoolean(v: FormulaValue): boolean {
  if (typeof v === 'boolean') return v
  if (typeof v === 'number') return v !== 0
  if (v === null || v === '') return false
  if (typeof v === 'string') {
    const u = v.trim().toUpperCase()
    if (u === 'TRUE') return true
    if (u === 'FALSE') return false
  }
  throw new FormulaRuntimeError('VALUE', 'expected TRUE or FALSE')
}

/** A date, or null for blank; date text is parsed. */
export function toDate(v: FormulaValue): FormulaDate | null {
  if (isFormulaDate(v)) return v
  if (v === null || v === '') return null
  if (typeof v === 'string') {
    const d = parseDateText(v)
    if (d) return d
  }
  throw new FormulaRuntimeError('VALUE', 'expected a date')
}

/** Lists nested to any depth, as one flat list of scalars. */
export function flatten(values: readonly FormulaValue[]): FormulaValue[] {
  const out: FormulaValue[] = []
  for (const v of values) {
    if (Array.isArray(v)) out.push(...flatten(v))
    else out.push(v)
  }
  return out
}

// Doubles are compared at the 15 significant digits Excel shows, so 0.1 + 0.2 = 0.3 holds.
function sameNumber(a: number, b: number): boolean {
  return a === b || Number(a.toPrecision(15)) === Number(b.toPrecision(15))
}

function sign(a: number | string, b: number | string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/**
 * Orders two scalars: negative, zero or positive; null when their types cannot be compared
 * (number vs text). A blank takes the other side's empty value (0, "", FALSE, earliest date)
 * text compares case-insensitively; date text is read as a date next to a date.
 */
export function compareValues(a: FormulaValue, b: FormulaValue): number | null {
  if (Array.isArray(a) || Array.isArray(b)) throw new FormulaRuntimeError('VALUE', 'cannot compare a list')
  if (a === null && b === null) return 0
  if (a === null) return blankAgainst(b as Exclude<FormulaValue, null | FormulaValue[]>)
  if (b === null) return -blankAgainst(a)
  if (typeof a === 'number' && typeof b === 'number') return sameNumber(a, b) ? 0 : sign(a, b)
  if (typeof a === 'string' && typeof b === 'string') return sign(a.toLowerCase(), b.toLowerCase())
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b)
  if (isFormulaDate(a) || isFormulaDate(b)) {
    const da = typeof a === 'string' ? parseDateText(a) : a
    const db = typeof b === 'string' ? parseDateText(b) : b
    if (isFormulaDate(da) && isFormulaDate(db)) return sign(da.ms, db.ms)
  }
  return null
}

function blankAgainst(v: number | string | boolean | FormulaDate): number {
  if (typeof v === 'number') return sameNumber(0, v) ? 0 : sign(0, v)
  if (typeof v === 'string') return v === '' ? 0 : -1
  if (typeof v === 'boolean') return v ? -1 : 0
  return -1
}

/** Excel's `=`: values of different types are simply not equal. */
export function valuesEqual(a: FormulaValue, b: FormulaValue): boolean {
  return compareValues(a, b) === 0
}
