// The function registry: one entry per function, holding everything about it — arity, the
// parameter types the analyzer checks, the result type, the implementation and its help text.
// The parser, analyzer, evaluator and the function picker in the designer all read this table.

import {
  FormulaRuntimeError,
  addMonths,
  calendarDayDiff,
  dateFromParts,
  dateParts,
  daysInMonth,
  flatten,
  isBlank,
  isFormulaDate,
  makeDate,
  parseDateText,
  parseNumberText,
  toBoolean,
  toNumber,
  toText,
  typeMismatch,
  valuesEqual,
  type FormulaAst,
  type FormulaDate,
  type FormulaType,
  type FormulaValue,
  type TypeInfo
} from './types'

/**
 * What an argument position accepts. The evaluator coerces each argument of an eager function
 * to its parameter type before calling `impl`:
 * - number / text / boolean: a scalar converted like Excel does (blank → 0, "", FALSE);
 * - date: a date; a blank date makes the whole call blank (YEAR of an empty 签约日期 is empty);
 * - any: a scalar of any type, unchanged;
 * - numbers: a number or a list (sub-table column) of numbers, unchanged;
 * - values: anything including lists, unchanged.
 */
export type ParamType = 'number' | 'text' | 'date' | 'boolean' | 'any' | 'numbers' | 'values'

export type FunctionCategory = 'logical' | 'math' | 'text' | 'date'

export interface ArgInfo extends TypeInfo {
  node: FormulaAst
}

export interface FunctionEnv {
  /** Epoch milliseconds from the injectable clock. */
  now(): number
}

interface DefBase {
  name: string
  category: FunctionCategory
  minArgs: number
  maxArgs: number
  /** Arguments beyond minArgs come in groups of this size (IFS takes condition/value pairs). */
  step?: number
  params: ParamType[]
  /** Repeating parameter group after `params`, for variadic functions. */
  rest?: ParamType[]
  /** Result type, or a function of the argument types that may throw a typeMismatch. */
  returns: FormulaType | ((args: ArgInfo[]) => TypeInfo)
  help: { 'zh-CN': string; en: string }
  example: string
}

/** Receives arguments already coerced to their ParamType (see above). */
interface EagerDef extends DefBase {
  lazy: false
  /**
   * A blank argument makes the result blank instead of being coerced: 'blank' for an empty
   * field, "" or an empty list (DATE of a missing year, month or day is no date at all, where
   * Excel gives 1999-11-30, a date nobody entered); 'field' for an empty field only (VALUE of
   * an empty field is blank, of "" an error).
   */
  blankIn?: 'blank' | 'field'
  impl(args: FormulaValue[], env: FunctionEnv): FormulaValue
}

/** Receives unevaluated arguments, for short-circuiting (IF must not evaluate 1/0 in a dead branch). */
interface LazyDef extends DefBase {
  lazy: true
  impl(args: Array<() => FormulaValue>, env: FunctionEnv): FormulaValue
}

export type FunctionDef = EagerDef | LazyDef

const eager = (def: Omit<EagerDef, 'lazy'>): FunctionDef => ({ ...def, lazy: false })
const lazy = (def: Omit<LazyDef, 'lazy'>): FunctionDef => ({ ...def, lazy: true })

export function paramAt(def: FunctionDef, index: number): ParamType {
  if (index < def.params.length) return def.params[index]
  const rest = def.rest ?? ['any']
  return rest[(index - def.params.length) % rest.length]
}

export function arityOk(def: FunctionDef, count: number): boolean {
  if (count < def.minArgs || count > def.maxArgs) return false
  return def.step === undefined || (count - def.minArgs) % def.step === 0
}

/** Human form of the accepted argument count, for the wrongArgCount message. */
export function arityText(def: FunctionDef): string {
  if (def.step !== undefined) return `${def.minArgs}, ${def.minArgs + def.step}, …`
  if (def.maxArgs === Infinity) return `${def.minArgs}+`
  return def.minArgs === def.maxArgs ? String(def.minArgs) : `${def.minArgs}-${def.maxArgs}`
}

// ---------------------------------------------------------------------------------------------
// Helpers shared by several implementations

const num = (v: FormulaValue): number => v as number
const str = (v: FormulaValue): string => v as string
const date = (v: FormulaValue): FormulaDate => v as FormulaDate

function finite(n: number): number {
  if (!Number.isFinite(n)) throw new FormulaRuntimeError('NUM')
  return n
}

/** Multiplies by 10^e in decimal, so 1.005 shifted by 2 is exactly 100.5 (not 100.49999…). */
function shift(n: number, e: number): number {
  const [mantissa, exp = '0'] = String(n).split('e')
  return Number(`${mantissa}e${Number(exp) + e}`)
}

/** Rounds |n| to `digits` decimals with `method`, keeping the sign (Excel rounds away from zero). */
function roundWith(n: number, digits: number, method: (x: number) => number): number {
  const d = Math.trunc(digits)
  const r = Math.sign(n) * shift(method(shift(Math.abs(n), d)), -d)
  return r === 0 ? 0 : finite(r)
}

/**
 * Numbers to aggregate. Inside a list, like inside an Excel range, only numbers count (blanks,
 * text and booleans are skipped); a scalar argument is coerced, except that a blank is skipped.
 */
function numbersOf(args: FormulaValue[]): number[] {
  const out: number[] = []
  for (const arg of args) {
    if (Array.isArray(arg)) {
      for (const v of flatten(arg)) if (typeof v === 'number') out.push(v)
    } else if (arg !== null) {
      out.push(toNumber(arg))
    }
  }
  return out
}

/** MIN / MAX work on numbers or on dates (earliest / latest), not a mix; none gives blank. */
function extreme(args: FormulaValue[], pickFirst: (a: number, b: number) => boolean): FormulaValue {
  const nums: number[] = []
  const dates: FormulaDate[] = []
  for (const arg of args) {
    const inList = Array.isArray(arg)
    for (const v of inList ? flatten(arg) : [arg]) {
      if (isFormulaDate(v)) dates.push(v)
      else if (typeof v === 'number') nums.push(v)
      else if (!inList && v !== null) nums.push(toNumber(v))
    }
  }
  if (nums.length && dates.length) throw new FormulaRuntimeError('VALUE', 'cannot mix numbers and dates')
  if (dates.length) return dates.reduce((a, b) => (pickFirst(b.ms, a.ms) ? b : a))
  if (nums.length) return nums.reduce((a, b) => (pickFirst(b, a) ? b : a))
  return null
}

function minMaxType(args: ArgInfo[]): TypeInfo {
  let kind: 'number' | 'date' | undefined
  for (const a of args) {
    const t = a.type === 'list' ? (a.itemType ?? 'any') : a.type
    if (t === 'any') continue
    const k = t === 'date' ? 'date' : t === 'number' || t === 'boolean' ? 'number' : undefined
    if (!k) throw typeMismatch(a.node, 'number', t)
    if (kind && kind !== k) throw typeMismatch(a.node, kind, t)
    kind = k
  }
  return { type: kind ?? 'any' }
}

/** The common type of the possible results (IF's branches); 'any' fits everything. */
function unify(args: ArgInfo[]): TypeInfo {
  let result: ArgInfo | undefined
  for (const a of args) {
    if (a.type === 'any') continue
    if (!result) result = a
    else if (a.type !== result.type) throw typeMismatch(a.node, result.type, a.type)
  }
  return result ? { type: result.type } : { type: 'any' }
}

const everyOther = (args: ArgInfo[], from: number): ArgInfo[] => args.filter((_, i) => i >= from && (i - from) % 2 === 0)

/** Characters as the user sees them: an emoji or rare CJK character counts once. */
const chars = (s: string): string[] => Array.from(s)

function count(n: number, what: string): number {
  const c = Math.trunc(n)
  if (c < 0) throw new FormulaRuntimeError('VALUE', `${what} cannot be negative`)
  return c
}

// ---------------------------------------------------------------------------------------------
// TEXT formats

const WEEKDAYS_EN = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday']
const WEEKDAYS_ZH = ['日', '一', '二', '三', '四', '五', '六']
const DATE_TOKEN = /yyyy|yy|mm|m|dddd|ddd|dd|d|aaaa|aaa|hh|h|ss|s|"[^"]*"|\\./gi

/**
 * Excel-style date format, case-insensitive: yyyy yy m mm d dd ddd dddd (weekday) aaa aaaa
 * (一 / 星期一) h hh s ss. As in Excel, m/mm mean minutes right after an hour or before seconds.
 */
function formatDate(d: FormulaDate, fmt: string): string {
  const parts: Array<{ token: string } | { literal: string }> = []
  let last = 0
  for (const m of fmt.matchAll(DATE_TOKEN)) {
    if (m.index > last) parts.push({ literal: fmt.slice(last, m.index) })
    const t = m[0]
    if (t.startsWith('"')) parts.push({ literal: t.slice(1, -1) })
    else if (t.startsWith('\\')) parts.push({ literal: t.slice(1) })
    else parts.push({ token: t.toLowerCase() })
    last = m.index + t.length
  }
  if (last < fmt.length) parts.push({ literal: fmt.slice(last) })

  const tokens = parts.filter((p): p is { token: string } => 'token' in p).map((p) => p.token)
  const dt = new Date(d.ms)
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0')
  let ti = 0
  return parts
    .map((p) => {
      if ('literal' in p) return p.literal
      const i = ti++
      switch (p.token) {
        case 'yyyy': return pad(dt.getFullYear(), 4)
        case 'yy': return pad(dt.getFullYear() % 100)
        case 'm':
        case 'mm': {
          const minutes = /^h/.test(tokens[i - 1] ?? '') || /^s/.test(tokens[i + 1] ?? '')
          const n = minutes ? dt.getMinutes() : dt.getMonth() + 1
          return p.token === 'mm' ? pad(n) : String(n)
        }
        case 'd': return String(dt.getDate())
        case 'dd': return pad(dt.getDate())
        case 'ddd': return WEEKDAYS_EN[dt.getDay()].slice(0, 3)
        case 'dddd': return WEEKDAYS_EN[dt.getDay()]
        case 'aaa': return WEEKDAYS_ZH[dt.getDay()]
        case 'aaaa': return `星期${WEEKDAYS_ZH[dt.getDay()]}`
        case 'h': return String(dt.getHours())
        case 'hh': return pad(dt.getHours())
        case 's': return String(dt.getSeconds())
        default: return pad(dt.getSeconds()); // 'ss'
      }
    })
    .join('')
}

const NUMBER_PATTERN = /[0#][0#,]*(?:\.[0#]*)?|\.[0#]+/

/** Literal text around a number pattern: "quoted" text and \-escapes lose their markers. */
const literalText = (s: string): string => s.replace(/"([^"]*)"|\\(.)/g, (_, q?: string, e?: string) => q ?? e ?? '')

/**
 * Excel-style number format: 0 is a required digit, # an optional one, "," groups thousands,
 * "%" multiplies by 100; text around the pattern is kept ("¥#,##0.00", "0.0万元").
 */
function formatNumber(n: number, fmt: string): string {
  const m = NUMBER_PATTERN.exec(fmt)
  if (!m) return literalText(fmt)
  const prefix = literalText(fmt.slice(0, m.index))
  const suffix = literalText(fmt.slice(m.index + m[0].length))
  const [intPattern, decPattern = ''] = m[0].split('.')
  const value = (prefix + suffix).includes('%') ? shift(n, 2) : n

  const decimals = decPattern.length
  const requiredDecimals = (decPattern.match(/0/g) ?? []).length
  const rounded = roundWith(value, decimals, Math.round)
  let [int, frac = ''] = Math.abs(rounded).toFixed(decimals).split('.')
  while (frac.length > requiredDecimals && frac.endsWith('0')) frac = frac.slice(0, -1)

  const minInt = (intPattern.match(/0/g) ?? []).length
  if (int === '0' && minInt === 0) int = ''
  int = int.padStart(minInt, '0')
  if (intPattern.includes(',')) int = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',')

  const sign = rounded < 0 ? '-' : ''
  return `${sign}${prefix}${int}${frac ? `.${frac}` : ''}${suffix}`
}

/** TEXT(value, format): a format with 0 or # is a number format, anything else a date format. */
function formatText(v: FormulaValue, fmt: string): string {
  if (v === null) return ''
  const numeric = /[0#]/.test(fmt.replace(/"[^"]*"|\\./g, ''))
  if (numeric) {
    const n = typeof v === 'string' ? parseNumberText(v) : typeof v === 'number' || typeof v === 'boolean' ? toNumber(v) : null
    if (n !== null) return formatNumber(n, fmt)
    if (typeof v === 'string') return v
  } else {
    const d = isFormulaDate(v) ? v : typeof v === 'string' ? parseDateText(v) : null
    if (d) return formatDate(d, fmt)
    if (typeof v === 'string') return v
  }
  throw new FormulaRuntimeError('VALUE', `cannot format ${toText(v)} with "${fmt}"`)
}

// ---------------------------------------------------------------------------------------------
// The registry

const DEFS: FunctionDef[] = [
  // Logical
  lazy({
    name: 'IF', category: 'logical', minArgs: 2, maxArgs: 3, params: ['boolean', 'any', 'any'],
    returns: (args) => unify(args.slice(1)),
    impl: ([cond, then, otherwise]) => (toBoolean(cond()) ? then() : otherwise ? otherwise() : null),
    help: { 'zh-CN': '条件成立时返回第二个参数，否则返回第三个参数（省略时为空）', en: 'Returns the second argument if the condition holds, else the third (blank if omitted)' },
    example: 'IF({合同总金额} >= 100000, "大单", "普通")'
  }),
  lazy({
    name: 'IFS', category: 'logical', minArgs: 2, maxArgs: Infinity, step: 2, params: [], rest: ['boolean', 'any'],
    returns: (args) => unify(everyOther(args, 1)),
    impl: (args) => {
      for (let i = 0; i < args.length; i += 2) if (toBoolean(args[i]())) return args[i + 1]()
      throw new FormulaRuntimeError('NA', 'no condition holds')
    },
    help: { 'zh-CN': '依次检查条件，返回第一个成立条件对应的值', en: 'Returns the value paired with the first condition that holds' },
    example: 'IFS({得分} >= 90, "A", {得分} >= 60, "B", TRUE, "C")'
  }),
  lazy({
    name: 'SWITCH', category: 'logical', minArgs: 3, maxArgs: Infinity, params: ['any'], rest: ['any', 'any'],
    returns: (args) => unify([...everyOther(args, 2), ...(args.length % 2 === 0 ? [args[args.length - 1]] : [])]),
    impl: (args) => {
      const value = args[0]()
      for (let i = 1; i + 1 < args.length; i += 2) if (valuesEqual(value, args[i]())) return args[i + 1]()
      if (args.length % 2 === 0) return args[args.length - 1]()
      throw new FormulaRuntimeError('NA', 'no case matches')
    },
    help: { 'zh-CN': '将值与各候选值比较，返回第一个相等项对应的结果；最后一个单独参数为默认值', en: 'Compares a value with each case and returns the matching result; a last lone argument is the default' },
    example: 'SWITCH({客户等级}, "A", 0.9, "B", 0.95, 1)'
  }),
  lazy({
    name: 'AND', category: 'logical', minArgs: 1, maxArgs: Infinity, params: [], rest: ['boolean'], returns: 'boolean',
    impl: (args) => args.every((a) => toBoolean(a())),
    help: { 'zh-CN': '所有条件都成立时返回 TRUE', en: 'TRUE if every condition holds' },
    example: 'AND({金额} > 0, {状态} = "已签约")'
  }),
  lazy({
    name: 'OR', category: 'logical', minArgs: 1, maxArgs: Infinity, params: [], rest: ['boolean'], returns: 'boolean',
    impl: (args) => args.some((a) => toBoolean(a())),
    help: { 'zh-CN': '任一条件成立时返回 TRUE', en: 'TRUE if any condition holds' },
    example: 'OR({状态} = "已签约", {状态} = "已回款")'
  }),
  eager({
    name: 'NOT', category: 'logical', minArgs: 1, maxArgs: 1, params: ['boolean'], returns: 'boolean',
    impl: ([v]) => !v,
    help: { 'zh-CN': '对条件取反', en: 'Reverses a condition' },
    example: 'NOT(ISBLANK({手机}))'
  }),
  eager({
    name: 'ISBLANK', category: 'logical', minArgs: 1, maxArgs: 1, params: ['values'], returns: 'boolean',
    impl: ([v]) => isBlank(v),
    help: { 'zh-CN': '值为空（或空文本、空子表）时返回 TRUE', en: 'TRUE if the value is blank, empty text or an empty sub-table' },
    example: 'ISBLANK({签约日期})'
  }),
  lazy({
    name: 'IFERROR', category: 'logical', minArgs: 2, maxArgs: 2, params: ['any', 'any'],
    returns: (args) => unify(args),
    impl: ([value, fallback]) => {
      try {
        return value()
      } catch (e) {
        if (e instanceof FormulaRuntimeError) return fallback()
        throw e
      }
    },
    help: { 'zh-CN': '第一个参数计算出错（如除以零）时返回第二个参数', en: 'Returns the second argument when the first one fails (e.g. division by zero)' },
    example: 'IFERROR({已回款金额} / {合同总金额}, 0)'
  }),
  eager({
    name: 'TRUE', category: 'logical', minArgs: 0, maxArgs: 0, params: [], returns: 'boolean',
    impl: () => true,
    help: { 'zh-CN': '逻辑值 TRUE', en: 'The logical value TRUE' },
    example: 'TRUE()'
  }),
  eager({
    name: 'FALSE', category: 'logical', minArgs: 0, maxArgs: 0, params: [], returns: 'boolean',
    impl: () => false,
    help: { 'zh-CN': '逻辑值 FALSE', en: 'The logical value FALSE' },
    example: 'FALSE()'
  }),

  // Math
  eager({
    name: 'SUM', category: 'math', minArgs: 1, maxArgs: Infinity, params: [], rest: ['numbers'], returns: 'number',
    impl: (args) => finite(numbersOf(args).reduce((a, b) => a + b, 0)),
    help: { 'zh-CN': '求和；可传入子表列', en: 'Adds numbers; accepts sub-table columns' },
    example: 'SUM({回款计划.金额})'
  }),
  eager({
    name: 'AVERAGE', category: 'math', minArgs: 1, maxArgs: Infinity, params: [], rest: ['numbers'], returns: 'number',
    impl: (args) => {
      const nums = numbersOf(args)
      if (nums.length === 0) throw new FormulaRuntimeError('DIV0', 'no numbers to average')
      return finite(nums.reduce((a, b) => a + b, 0) / nums.length)
    },
    help: { 'zh-CN': '平均值，忽略空值', en: 'Average, ignoring blanks' },
    example: 'AVERAGE({报价明细.单价})'
  }),
  eager({
    name: 'MIN', category: 'math', minArgs: 1, maxArgs: Infinity, params: [], rest: ['values'], returns: minMaxType,
    impl: (args) => extreme(args, (a, b) => a < b),
    help: { 'zh-CN': '最小值（或最早日期）；没有值时为空', en: 'Smallest number (or earliest date); blank if there is none' },
    example: 'MIN({回款计划.计划日期})'
  }),
  eager({
    name: 'MAX', category: 'math', minArgs: 1, maxArgs: Infinity, params: [], rest: ['values'], returns: minMaxType,
    impl: (args) => extreme(args, (a, b) => a > b),
    help: { 'zh-CN': '最大值（或最晚日期）；没有值时为空', en: 'Largest number (or latest date); blank if there is none' },
    example: 'MAX({报价明细.折扣}, 0)'
  }),
  eager({
    name: 'COUNT', category: 'math', minArgs: 1, maxArgs: Infinity, params: [], rest: ['values'], returns: 'number',
    impl: (args) => flatten(args).filter((v) => typeof v === 'number' || isFormulaDate(v)).length,
    help: { 'zh-CN': '数字（和日期）的个数', en: 'How many values are numbers (or dates)' },
    example: 'COUNT({回款计划.金额})'
  }),
  eager({
    name: 'COUNTA', category: 'math', minArgs: 1, maxArgs: Infinity, params: [], rest: ['values'], returns: 'number',
    impl: (args) => flatten(args).filter((v) => !isBlank(v)).length,
    help: { 'zh-CN': '非空值的个数', en: 'How many values are not blank' },
    example: 'COUNTA({联系人.姓名})'
  }),
  eager({
    name: 'ROUND', category: 'math', minArgs: 1, maxArgs: 2, params: ['number', 'number'], returns: 'number',
    impl: ([n, digits]) => roundWith(num(n), num(digits ?? 0), Math.round),
    help: { 'zh-CN': '四舍五入到指定小数位（默认 0 位）', en: 'Rounds half away from zero to the given decimals (default 0)' },
    example: 'ROUND({合同总金额} * 0.13, 2)'
  }),
  eager({
    name: 'ROUNDUP', category: 'math', minArgs: 1, maxArgs: 2, params: ['number', 'number'], returns: 'number',
    impl: ([n, digits]) => roundWith(num(n), num(digits ?? 0), Math.ceil),
    help: { 'zh-CN': '向远离零的方向舍入', en: 'Rounds away from zero' },
    example: 'ROUNDUP({工时} / 8, 0)'
  }),
  eager({
    name: 'ROUNDDOWN', category: 'math', minArgs: 1, maxArgs: 2, params: ['number', 'number'], returns: 'number',
    impl: ([n, digits]) => roundWith(num(n), num(digits ?? 0), Math.floor),
    help: { 'zh-CN': '向零的方向舍入（截断）', en: 'Rounds toward zero (truncates)' },
    example: 'ROUNDDOWN({金额}, -2)'
  }),
  eager({
    name: 'INT', category: 'math', minArgs: 1, maxArgs: 1, params: ['number'], returns: 'number',
    impl: ([n]) => Math.floor(num(n)),
    help: { 'zh-CN': '向下取整到不大于它的整数', en: 'Rounds down to the nearest integer' },
    example: 'INT({金额} / 1000)'
  }),
  eager({
    name: 'ABS', category: 'math', minArgs: 1, maxArgs: 1, params: ['number'], returns: 'number',
    impl: ([n]) => Math.abs(num(n)),
    help: { 'zh-CN': '绝对值', en: 'Absolute value' },
    example: 'ABS({合同总金额} - {已回款金额})'
  }),
  eager({
    name: 'MOD', category: 'math', minArgs: 2, maxArgs: 2, params: ['number', 'number'], returns: 'number',
    impl: ([n, d]) => {
      if (num(d) === 0) throw new FormulaRuntimeError('DIV0')
      // Excel's MOD takes the divisor's sign: MOD(-3, 2) = 1.
      return finite(num(n) - num(d) * Math.floor(num(n) / num(d)))
    },
    help: { 'zh-CN': '余数，符号与除数相同', en: 'Remainder, with the sign of the divisor' },
    example: 'MOD({数量}, 12)'
  }),
  eager({
    name: 'POWER', category: 'math', minArgs: 2, maxArgs: 2, params: ['number', 'number'], returns: 'number',
    impl: ([n, p]) => power(num(n), num(p)),
    help: { 'zh-CN': '乘方，与 ^ 相同', en: 'Raises to a power, like ^' },
    example: 'POWER(1 + {年利率}, 3)'
  }),
  eager({
    name: 'SQRT', category: 'math', minArgs: 1, maxArgs: 1, params: ['number'], returns: 'number',
    impl: ([n]) => finite(Math.sqrt(num(n))),
    help: { 'zh-CN': '平方根', en: 'Square root' },
    example: 'SQRT({面积})'
  }),

  // Text
  eager({
    name: 'CONCAT', category: 'text', minArgs: 1, maxArgs: Infinity, params: [], rest: ['values'], returns: 'text',
    impl: (args) => flatten(args).map(toText).join(''),
    help: { 'zh-CN': '把多个值连接成文本；可传入子表列', en: 'Joins values into text; accepts sub-table columns' },
    example: 'CONCAT({客户名称}, "-", {合同编号})'
  }),
  eager({
    name: 'LEFT', category: 'text', minArgs: 1, maxArgs: 2, params: ['text', 'number'], returns: 'text',
    impl: ([s, n]) => chars(str(s)).slice(0, count(num(n ?? 1), 'length')).join(''),
    help: { 'zh-CN': '从左边取指定个数的字符（默认 1 个）', en: 'The first characters of a text (default 1)' },
    example: 'LEFT({客户名称}, 2)'
  }),
  eager({
    name: 'RIGHT', category: 'text', minArgs: 1, maxArgs: 2, params: ['text', 'number'], returns: 'text',
    impl: ([s, n]) => {
      const c = count(num(n ?? 1), 'length')
      return c === 0 ? '' : chars(str(s)).slice(-c).join('')
    },
    help: { 'zh-CN': '从右边取指定个数的字符（默认 1 个）', en: 'The last characters of a text (default 1)' },
    example: 'RIGHT({手机}, 4)'
  }),
  eager({
    name: 'MID', category: 'text', minArgs: 3, maxArgs: 3, params: ['text', 'number', 'number'], returns: 'text',
    impl: ([s, start, n]) => {
      const from = Math.trunc(num(start))
      if (from < 1) throw new FormulaRuntimeError('VALUE', 'start must be at least 1')
      return chars(str(s)).slice(from - 1, from - 1 + count(num(n), 'length')).join('')
    },
    help: { 'zh-CN': '从第几个字符开始取指定个数的字符', en: 'Characters from a position (1-based), for a length' },
    example: 'MID({身份证号}, 7, 8)'
  }),
  eager({
    name: 'LEN', category: 'text', minArgs: 1, maxArgs: 1, params: ['text'], returns: 'number',
    impl: ([s]) => chars(str(s)).length,
    help: { 'zh-CN': '字符个数（一个汉字算一个）', en: 'Number of characters (a Chinese character counts once)' },
    example: 'LEN({备注})'
  }),
  eager({
    name: 'TRIM', category: 'text', minArgs: 1, maxArgs: 1, params: ['text'], returns: 'text',
    impl: ([s]) => str(s).trim().replace(/\s+/g, ' '),
    help: { 'zh-CN': '去掉首尾空格，并把中间连续空格合并为一个', en: 'Removes leading/trailing spaces and collapses inner runs of spaces' },
    example: 'TRIM({公司名称})'
  }),
  eager({
    name: 'UPPER', category: 'text', minArgs: 1, maxArgs: 1, params: ['text'], returns: 'text',
    impl: ([s]) => str(s).toUpperCase(),
    help: { 'zh-CN': '转为大写字母', en: 'Converts to upper case' },
    example: 'UPPER({产品代码})'
  }),
  eager({
    name: 'LOWER', category: 'text', minArgs: 1, maxArgs: 1, params: ['text'], returns: 'text',
    impl: ([s]) => str(s).toLowerCase(),
    help: { 'zh-CN': '转为小写字母', en: 'Converts to lower case' },
    example: 'LOWER({邮箱})'
  }),
  eager({
    name: 'SUBSTITUTE', category: 'text', minArgs: 3, maxArgs: 4, params: ['text', 'text', 'text', 'number'], returns: 'text',
    impl: ([s, from, to, nth]) => substitute(str(s), str(from), str(to), nth === undefined ? undefined : num(nth)),
    help: { 'zh-CN': '把文本中的旧内容替换为新内容；可只替换第几次出现', en: 'Replaces text; optionally only the nth occurrence' },
    example: 'SUBSTITUTE({电话}, "-", "")'
  }),
  eager({
    name: 'FIND', category: 'text', minArgs: 2, maxArgs: 3, params: ['text', 'text', 'number'], returns: 'number',
    impl: ([needle, haystack, start]) => find(str(needle), str(haystack), num(start ?? 1)),
    help: { 'zh-CN': '查找文本首次出现的位置（区分大小写），找不到时出错', en: 'Position of a text (case-sensitive); an error if not found' },
    example: 'FIND("省", {地址})'
  }),
  eager({
    name: 'TEXT', category: 'text', minArgs: 2, maxArgs: 2, params: ['any', 'text'], returns: 'text',
    impl: ([v, fmt]) => formatText(v, str(fmt)),
    help: { 'zh-CN': '按格式把数字或日期转为文本，如 "0.00"、"#,##0"、"0%"、"YYYY年MM月DD日"', en: 'Formats a number or date as text, e.g. "0.00", "#,##0", "0%", "YYYY-MM-DD"' },
    example: 'TEXT({签约日期}, "YYYY年MM月DD日")'
  }),
  eager({
    name: 'VALUE', category: 'text', minArgs: 1, maxArgs: 1, params: ['text'], returns: 'number',
    blankIn: 'field',
    impl: ([s]) => {
      // Excel: VALUE("") is #VALUE!, never 0 (a 0 from a missing text became a fake year, month
      // or amount). A blank field gives a blank (see evalCall); text with no number is an error.
      if (str(s).trim() === '') throw new FormulaRuntimeError('VALUE', 'empty text is not a number')
      const n = parseNumberText(str(s))
      if (n === null) throw new FormulaRuntimeError('VALUE', `"${str(s)}" is not a number`)
      return n
    },
    help: { 'zh-CN': '把文本转为数字，支持千分位和百分号；空值得空，空文本或非数字出错', en: 'Converts text to a number; accepts thousands separators and %; a blank gives a blank, empty or non-numeric text an error' },
    example: 'VALUE({数量文本}) * 2'
  }),

  // Date
  eager({
    name: 'TODAY', category: 'date', minArgs: 0, maxArgs: 0, params: [], returns: 'date',
    impl: (_, env) => {
      const now = new Date(env.now())
      return dateFromParts(now.getFullYear(), now.getMonth() + 1, now.getDate())
    },
    help: { 'zh-CN': '今天的日期', en: "Today's date" },
    example: '{到期日} - TODAY()'
  }),
  eager({
    name: 'NOW', category: 'date', minArgs: 0, maxArgs: 0, params: [], returns: 'date',
    impl: (_, env) => makeDate(env.now(), true),
    help: { 'zh-CN': '当前日期和时间', en: 'The current date and time' },
    example: 'NOW()'
  }),
  eager({
    name: 'DATE', category: 'date', minArgs: 3, maxArgs: 3, params: ['number', 'number', 'number'], returns: 'date',
    blankIn: 'blank',
    impl: ([y, m, d]) => {
      const r = dateFromParts(Math.trunc(num(y)), Math.trunc(num(m)), Math.trunc(num(d)))
      if (Number.isNaN(r.ms) || num(y) < 0 || num(y) > 9999) throw new FormulaRuntimeError('NUM', 'year out of range')
      return r
    },
    help: { 'zh-CN': '由年、月、日组成日期；超出的月、日会顺延，任一部分为空时结果为空', en: 'A date from year, month and day; overflowing months and days roll over; blank if any part is blank' },
    example: 'DATE(YEAR(TODAY()), 12, 31)'
  }),
  eager({
    name: 'YEAR', category: 'date', minArgs: 1, maxArgs: 1, params: ['date'], returns: 'number',
    impl: ([d]) => dateParts(date(d)).y,
    help: { 'zh-CN': '日期的年份', en: 'The year of a date' },
    example: 'YEAR({签约日期})'
  }),
  eager({
    name: 'MONTH', category: 'date', minArgs: 1, maxArgs: 1, params: ['date'], returns: 'number',
    impl: ([d]) => dateParts(date(d)).m,
    help: { 'zh-CN': '日期的月份（1-12）', en: 'The month of a date (1-12)' },
    example: 'MONTH({签约日期})'
  }),
  eager({
    name: 'DAY', category: 'date', minArgs: 1, maxArgs: 1, params: ['date'], returns: 'number',
    impl: ([d]) => dateParts(date(d)).d,
    help: { 'zh-CN': '日期是当月第几天', en: 'The day of the month of a date' },
    example: 'DAY({签约日期})'
  }),
  eager({
    name: 'DAYS', category: 'date', minArgs: 2, maxArgs: 2, params: ['date', 'date'], returns: 'number',
    impl: ([end, start]) => calendarDayDiff(date(end), date(start)),
    help: { 'zh-CN': '两个日期相差的天数（结束日期在前）', en: 'Days between two dates (end date first)' },
    example: 'DAYS({到期日}, TODAY())'
  }),
  eager({
    name: 'DATEDIF', category: 'date', minArgs: 3, maxArgs: 3, params: ['date', 'date', 'text'], returns: 'number',
    impl: ([start, end, unit]) => datedif(date(start), date(end), str(unit)),
    help: { 'zh-CN': '两个日期间的整年数 "Y"、整月数 "M" 或天数 "D"', en: 'Complete years "Y", complete months "M" or days "D" between two dates' },
    example: 'DATEDIF({签约日期}, TODAY(), "M")'
  }),
  eager({
    name: 'EDATE', category: 'date', minArgs: 2, maxArgs: 2, params: ['date', 'number'], returns: 'date',
    impl: ([d, months]) => addMonths(date(d), num(months)),
    help: { 'zh-CN': '若干个月之后的同一天；没有这一天时取月末', en: 'The same day some months later, or the month end if that day does not exist' },
    example: 'EDATE({签约日期}, 12)'
  }),
  eager({
    name: 'EOMONTH', category: 'date', minArgs: 2, maxArgs: 2, params: ['date', 'number'], returns: 'date',
    impl: ([d, months]) => {
      const p = dateParts(addMonths(date(d), num(months)))
      return dateFromParts(p.y, p.m, daysInMonth(p.y, p.m))
    },
    help: { 'zh-CN': '若干个月之后那个月的最后一天', en: 'The last day of the month some months later' },
    example: 'EOMONTH({签约日期}, 0)'
  })
]

export function power(base: number, exponent: number): number {
  if (base === 0 && exponent < 0) throw new FormulaRuntimeError('DIV0')
  return finite(base ** exponent)
}

function substitute(s: string, from: string, to: string, nth?: number): string {
  if (from === '') return s
  if (nth === undefined) return s.split(from).join(to)
  const which = Math.trunc(nth)
  if (which < 1) throw new FormulaRuntimeError('VALUE', 'occurrence must be at least 1')
  let at = -1
  for (let i = 0; i < which; i++) {
    at = s.indexOf(from, at + 1)
    if (at < 0) return s
  }
  return s.slice(0, at) + to + s.slice(at + from.length)
}

/** 1-based character position, counting characters as LEN does. */
function find(needle: string, haystack: string, start: number): number {
  const hay = chars(haystack)
  const from = Math.trunc(start)
  if (from < 1 || from > hay.length + 1) throw new FormulaRuntimeError('VALUE', 'start is out of range')
  const offset = hay.slice(0, from - 1).join('').length
  const at = haystack.indexOf(needle, offset)
  if (at < 0) throw new FormulaRuntimeError('VALUE', `"${needle}" not found`)
  return chars(haystack.slice(0, at)).length + 1
}

/** Excel's DATEDIF: a month is complete once the end day reaches the start day. */
function datedif(start: FormulaDate, end: FormulaDate, unit: string): number {
  const days = calendarDayDiff(end, start)
  if (days < 0) throw new FormulaRuntimeError('NUM', 'the start date is after the end date')
  const a = dateParts(start)
  const b = dateParts(end)
  const months = (b.y - a.y) * 12 + (b.m - a.m) - (b.d < a.d ? 1 : 0)
  switch (unit.trim().toUpperCase()) {
    case 'Y': return Math.floor(months / 12)
    case 'M': return months
    case 'D': return days
    default: throw new FormulaRuntimeError('NUM', `unknown unit "${unit}"; use "Y", "M" or "D"`)
  }
}

const REGISTRY: ReadonlyMap<string, FunctionDef> = new Map(DEFS.map((d) => [d.name, d]))

/** Case-insensitive lookup. */
export function getFunction(name: string): FunctionDef | undefined {
  return REGISTRY.get(name.toUpperCase())
}

export interface FormulaFunctionInfo {
  name: string
  category: FunctionCategory
  minArgs: number
  maxArgs: number
  help: { 'zh-CN': string; en: string }
  example: string
}

/** The catalogue for the formula editor's function picker and help. */
export const FORMULA_FUNCTIONS: ReadonlyArray<FormulaFunctionInfo> = Object.freeze(
  DEFS.map(({ name, category, minArgs, maxArgs, help, example }) =>
    Object.freeze({ name, category, minArgs, maxArgs, help, example })
  )
)
