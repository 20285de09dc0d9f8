import { describe, expect, it } from 'vitest'
import { formatAmount, formatDate, formatDateTime, formatNumber, formatPercent, parseNumber, roundDecimal } from '../../../../src-main/shared/values'

describe('formatNumber', () => {
  it('shows the number as stored without options', () => {
    expect(formatNumber(12000.5)).toBe('12000.5')
  })

  it('rounds to the precision and pads with zeros', () => {
    expect(formatNumber(3.14159, { precision: 2 })).toBe('3.14')
    expect(formatNumber(2, { precision: 3 })).toBe('2.000')
    expect(formatNumber(2.5, { precision: 0 })).toBe('3')
  })

  it('groups thousands when asked', () => {
    expect(formatNumber(1234567.891, { precision: 2, thousands: true })).toBe('1,234,567.89')
    expect(formatNumber(-1234, { thousands: true })).toBe('-1,234')
  })

  it('never writes exponent notation', () => {
    expect(formatNumber(1e21, { thousands: true })).toBe('1,000,000,000,000,000,000,000')
    expect(formatNumber(1e-7)).toBe('0.0000001')
  })

  it('shows no minus sign on a value that rounds to zero', () => {
    expect(formatNumber(-0.001, { precision: 2 })).toBe('0.00')
  })

  it('is empty for null and non-finite numbers', () => {
    expect(formatNumber(null)).toBe('')
    expect(formatNumber(Number.NaN)).toBe('')
    expect(formatNumber(Infinity)).toBe('')
  })
})

describe('formatAmount', () => {
  it('defaults to yuan with two decimals and thousands', () => {
    expect(formatAmount(12000.5)).toBe('¥12,000.50')
  })

  it('puts the minus sign before the currency', () => {
    expect(formatAmount(-1200)).toBe('-¥1,200.00')
  })

  it.each<[string, string]>([
    ['CNY', '¥1,234.50'],
    ['USD', '$1,234.50'],
    ['EUR', '€1,234.50'],
    ['HKD', 'HK$1,234.50'],
    ['XYZ', 'XYZ 1,234.50']
  ])('shows %s as %s', (currency, expected) => {
    expect(formatAmount(1234.5, { currency })).toBe(expected)
  })

  it('rounds money half away from zero on the decimal digits', () => {
    expect(formatAmount(1.005, { precision: 2 })).toBe('¥1.01')
    expect(formatAmount(-1.005, { precision: 2 })).toBe('-¥1.01')
    expect(formatAmount(1.045, { precision: 2 })).toBe('¥1.05')
    expect(formatAmount(0.1 + 0.2)).toBe('¥0.30')
    expect(formatAmount(1234.5678, { precision: 0 })).toBe('¥1,235')
  })

  it('reads back to the same number', () => {
    for (const n of [0, 0.01, 12000.5, -1200, 1234567.89, -0.99]) {
      expect(parseNumber(formatAmount(n))).toEqual({ ok: true, value: n })
      expect(parseNumber(formatAmount(n, { currency: 'HKD' }))).toEqual({ ok: true, value: n })
    }
  })

  it('is empty for null', () => {
    expect(formatAmount(null)).toBe('')
  })
})

describe('roundDecimal', () => {
  it('rounds on the decimal digits', () => {
    expect(roundDecimal(1.005, 2)).toBe(1.01)
    expect(roundDecimal(8.345, 2)).toBe(8.35)
    expect(roundDecimal(-2.5, 0)).toBe(-3)
  })
})

describe('formatPercent', () => {
  it('shows a fraction as a percentage', () => {
    expect(formatPercent(0.156)).toBe('15.6%')
    expect(formatPercent(0.15)).toBe('15%')
    expect(formatPercent(-0.05)).toBe('-5%')
  })

  it('rounds the percentage to the precision', () => {
    expect(formatPercent(0.15678, { precision: 1 })).toBe('15.7%')
    expect(formatPercent(0.5, { precision: 2 })).toBe('50.00%')
    expect(formatPercent(0.12345, { precision: 0 })).toBe('12%')
  })

  it('reads back through parseNumber', () => {
    expect(parseNumber(formatPercent(0.156))).toEqual({ ok: true, value: 0.156 })
  })

  it('is empty for null', () => {
    expect(formatPercent(null)).toBe('')
  })
})

describe('formatDate and formatDateTime', () => {
  it('shows dates as ISO in both locales', () => {
    expect(formatDate('2024-03-05', 'zh-CN')).toBe('2024-03-05')
    expect(formatDate('2024-03-05', 'en')).toBe('2024-03-05')
    expect(formatDate(null, 'zh-CN')).toBe('')
  })

  it('shows date-times in local time to the minute', () => {
    const ms = new Date(2024, 2, 5, 14, 30, 59).getTime()
    expect(formatDateTime(ms, 'zh-CN')).toBe('2024-03-05 14:30')
    expect(formatDateTime(ms, 'en')).toBe('2024-03-05 14:30')
    expect(formatDateTime(new Date(2024, 0, 9, 9, 5).getTime(), 'zh-CN')).toBe('2024-01-09 09:05')
  })

  it('is empty for null', () => {
    expect(formatDateTime(null, 'zh-CN')).toBe('')
  })
})
