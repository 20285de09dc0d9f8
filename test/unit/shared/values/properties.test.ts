import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  excelSerialToIsoDate,
  formatAmount,
  formatDateTime,
  formatNumber,
  isoDateToExcelSerial,
  parseDate,
  parseDateTime,
  parseNumber,
  parsePhone
} from '../../../../src-main/shared/values'

const pad = (n: number, width = 2): string => String(n).padStart(width, '0')

/** Any calendar day from 1900-03-01 to 9999-12-31, as y/m/d. */
const calendarDay = fc.integer({ min: Date.UTC(1900, 2, 1) / 86_400_000, max: Date.UTC(9999, 11, 31) / 86_400_000 }).map((day) => {
  const d = new Date(day * 86_400_000)
  return { y: d.getUTCFullYear(), m: d.getUTCMonth() + 1, d: d.getUTCDate() }
})

const patterns: Array<(y: number, m: number, d: number) => string> = [
  (y, m, d) => `${y}-${pad(m)}-${pad(d)}`,
  (y, m, d) => `${y}-${m}-${d}`,
  (y, m, d) => `${y}/${m}/${d}`,
  (y, m, d) => `${y}.${m}.${d}`,
  (y, m, d) => `${y}年${m}月${d}日`,
  (y, m, d) => `${y}年${pad(m)}月${pad(d)}日`,
  (y, m, d) => `${y}${pad(m)}${pad(d)}`
]

describe('properties', () => {
  it('reads back any amount with at most two decimals', () => {
    const cents = fc.integer({ min: -1e15, max: 1e15 }).map((c) => c / 100)
    const currency = fc.constantFrom('CNY', 'USD', 'EUR', 'HKD')
    fc.assert(
      fc.property(cents, currency, (n, c) => {
        expect(parseNumber(formatAmount(n, { currency: c }))).toEqual({ ok: true, value: n })
      })
    )
  })

  it('reads back any finite number formatted with thousands and no rounding', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (n) => {
        expect(parseNumber(formatNumber(n, { thousands: true }))).toEqual({ ok: true, value: n + 0 })
      })
    )
  })

  it('never throws on arbitrary input', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.anything()), (input) => {
        parseDate(input)
        parseDateTime(input)
        parseNumber(input)
        parsePhone(input)
      })
    )
  })

  it('never throws on date-like strings', () => {
    const dateLike = fc.stringMatching(/^[0-9]{1,8}[-/.年]?[0-9]{0,2}[-/.月]?[0-9]{0,3}[日 T]?[0-9:时分]{0,9}[Z+-]?[0-9:]{0,5}$/)
    fc.assert(
      fc.property(dateLike, (s) => {
        const r = parseDate(s)
        if (r.ok) expect(r.value).toMatch(/^\d{4}-\d{2}-\d{2}$/)
      })
    )
  })

  it('reads every valid day in every accepted pattern as the same ISO date', () => {
    fc.assert(
      fc.property(calendarDay, fc.constantFrom(...patterns), ({ y, m, d }, pattern) => {
        expect(parseDate(pattern(y, m, d))).toEqual({ ok: true, value: `${y}-${pad(m)}-${pad(d)}` })
      })
    )
  })

  it('round-trips Excel serials through ISO dates', () => {
    const serial = fc.integer({ min: 1, max: 2_958_465 }).filter((s) => s !== 60)
    fc.assert(
      fc.property(serial, (s) => {
        expect(isoDateToExcelSerial(excelSerialToIsoDate(s))).toBe(s)
      })
    )
  })

  it('agrees with parseDate on Excel serials', () => {
    fc.assert(
      fc.property(calendarDay, ({ y, m, d }) => {
        const iso = `${y}-${pad(m)}-${pad(d)}`
        expect(parseDate(isoDateToExcelSerial(iso))).toEqual({ ok: true, value: iso })
      })
    )
  })

  it('reads back any minute formatted by formatDateTime', () => {
    const minute = fc.integer({ min: Date.UTC(1971, 0, 1) / 60_000, max: Date.UTC(2100, 0, 1) / 60_000 }).map((m) => m * 60_000)
    fc.assert(
      fc.property(minute, (ms) => {
        const text = formatDateTime(ms, 'zh-CN')
        const r = parseDateTime(text)
        expect(r.ok).toBe(true)
        if (r.ok) expect(formatDateTime(r.value, 'zh-CN')).toBe(text)
      })
    )
  })
})
