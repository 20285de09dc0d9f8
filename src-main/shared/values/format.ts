// Value → display text. These strings are also what export writes and what import reads back,
// so every format here must be accepted by the matching parser in parse.ts.

/** Prefix shown before an amount per ISO 4217 code. parseNumber strips any of these. */
export const CURRENCY_SYMBOLS: Readonly<Record<string, string>> = {
  CNY: '¥',
  USD: '$',
  EUR: '€',
  HKD: 'HK$',
  GBP: '£',
  JPY: 'JP¥',
  TWD: 'NT$'
}

export interface NumberFormatOptions {
  /** Digits after the decimal point; omitted = the number as stored, unrounded. */
  precision?: number
  thousands?: boolean
}

export interface AmountFormatOptions {
  precision?: number
  /** ISO 4217 code; defaults to CNY. */
  currency?: string
}

export interface PercentFormatOptions {
  /** Digits after the decimal point of the percentage (0.1567 at precision 1 → 15.7%). */
  precision?: number
}

/**
 * Multiplies by 10^places in decimal rather than binary: the digits of the number's shortest
 * representation are kept and only the exponent moves, so 1.005 shifted by 2 is exactly
 * 100.5 where `1.005 * 100` gives 100.49999999999999.
 */
export function shiftDecimal(n: number, places: number): number {
  const [mantissa, exponent = '0'] = String(n).split('e')
  return Number(`${mantissa}e${Number(exponent) + places}`)
}

/** Rounds half away from zero on the decimal digits, as accountants and Excel do. */
export function roundDecimal(n: number, precision: number): number {
  const shifted = shiftDecimal(Math.abs(n), precision)
  // From 2^52 up every double is a whole number, so there is nothing left to round (and
  // shifting very large numbers could overflow to Infinity).
  if (!(shifted < 2 ** 52)) return n + 0
  const rounded = Math.sign(n) * Math.round(shifted)
  // `+ 0` turns -0 into 0 so that -0.001 never shows as "-0.00".
  return shiftDecimal(rounded, -precision) + 0
}

/** Decimal notation without exponent: 1e21 → "1000000000000000000000", 1e-7 → "0.0000001". */
function toPlainString(n: number): string {
  const text = String(n)
  if (!text.includes('e')) return text
  const [mantissa, exponentText] = text.split('e')
  const negative = mantissa.startsWith('-')
  const [intDigits, fracDigits = ''] = mantissa.replace('-', '').split('.')
  const digits = intDigits + fracDigits
  const point = intDigits.length + Number(exponentText)
  let plain: string
  if (point <= 0) plain = `0.${'0'.repeat(-point)}${digits}`
  else if (point >= digits.length) plain = digits + '0'.repeat(point - digits.length)
  else plain = `${digits.slice(0, point)}.${digits.slice(point)}`
  return (negative ? '-' : '') + plain
}

interface DecimalParts {
  negative: boolean
  integer: string
  fraction: string
}

function decimalParts(n: number, precision: number | undefined): DecimalParts {
  const digits = precision === undefined ? undefined : Math.min(20, Math.max(0, Math.trunc(precision)))
  const value = digits === undefined ? n + 0 : roundDecimal(n, digits)
  const [integer, fraction = ''] = toPlainString(Math.abs(value)).split('.')
  return {
    negative: value < 0,
    integer,
    fraction: digits === undefined ? fraction : fraction.padEnd(digits, '0')
  }
}

function groupThousands(integer: string): string {
  return integer.replace(/\B(?=(\d{3})+(?!\d))/g, ',')
}

function joinParts(integer: string, fraction: string): string {
  return fraction ? `${integer}.${fraction}` : integer
}

/** Empty text for null and for NaN/±Infinity, which no field stores. */
export function formatNumber(n: number | null, opts: NumberFormatOptions = {}): string {
  if (n === null || !Number.isFinite(n)) return ''
  const { negative, integer, fraction } = decimalParts(n, opts.precision)
  const grouped = opts.thousands ? groupThousands(integer) : integer
  return (negative ? '-' : '') + joinParts(grouped, fraction)
}

/** `¥12,000.50`, `-¥1,200.00`; an unknown currency code is shown as a prefix (`XYZ 5.00`). */
export function formatAmount(n: number | null, opts: AmountFormatOptions = {}): string {
  if (n === null || !Number.isFinite(n)) return ''
  const currency = opts.currency ?? 'CNY'
  const symbol = CURRENCY_SYMBOLS[currency] ?? `${currency} `
  const { negative, integer, fraction } = decimalParts(n, opts.precision ?? 2)
  return `${negative ? '-' : ''}${symbol}${joinParts(groupThousands(integer), fraction)}`
}

/** 0.156 → `15.6%`; empty when the percentage itself would overflow. */
export function formatPercent(n: number | null, opts: PercentFormatOptions = {}): string {
  const percentage = n === null ? NaN : shiftDecimal(n, 2)
  if (!Number.isFinite(percentage)) return ''
  const { negative, integer, fraction } = decimalParts(percentage, opts.precision)
  return `${negative ? '-' : ''}${joinParts(integer, fraction)}%`
}

/**
 * Dates show as ISO `YYYY-MM-DD` in both locales: it is unambiguous, sorts as text, and is
 * what Chinese users already type. The locale parameter keeps the call sites ready for a
 * per-locale format without changing every caller.
 */
export function formatDate(iso: string | null, _locale: 'zh-CN' | 'en'): string {
  return iso ?? ''
}

const pad2 = (n: number): string => String(n).padStart(2, '0')

/** Epoch milliseconds → `YYYY-MM-DD HH:mm` in the process' local timezone. */
export function formatDateTime(ms: number | null, _locale: 'zh-CN' | 'en'): string {
  if (ms === null || !Number.isFinite(ms)) return ''
  const d = new Date(ms)
  if (Number.isNaN(d.getTime())) return ''
  const date = `${String(d.getFullYear()).padStart(4, '0')}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}`
  return `${date} ${pad2(d.getHours())}:${pad2(d.getMinutes())}`
}
