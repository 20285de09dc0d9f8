import { describe, expect, it } from 'vitest'
import { isBlank, normalizeWidth, parseNumber, parsePercent } from '../../../../src-main/shared/values'

describe('normalizeWidth', () => {
  it('turns full-width digits, letters and punctuation into ASCII', () => {
    expect(normalizeWidth('１２３．４５，－＋％／：（）ＡＢｃ＠')).toBe('123.45,-+%/:()ABc@')
  })

  it('turns the ideographic space into a space and trims', () => {
    expect(normalizeWidth('\u3000 １\u3000２ \u3000')).toBe('1 2')
  })
})

describe('isBlank', () => {
  it.each([null, undefined, '', '   ', '\u3000', ' \t\n'])('treats %j as blank', (input) => {
    expect(isBlank(input)).toBe(true)
  })

  it.each([0, '0', false, 'a', ' x '])('treats %j as a value', (input) => {
    expect(isBlank(input)).toBe(false)
  })
})

describe('parseNumber accepts', () => {
  it.each<[unknown, number]>([
    [12000.5, 12000.5],
    [-3, -3],
    ['12000.5', 12000.5],
    ['12,000.50', 12000.5],
    ['¥12,000.50', 12000.5],
    ['￥ 12000', 12000],
    ['RMB 100', 100],
    ['CNY 100', 100],
    ['100 USD', 100],
    ['100元', 100],
    ['$5', 5],
    ['HK$1,000', 1000],
    ['€7.5', 7.5],
    ['1.2万', 12000],
    ['1.2 万元', 12000],
    ['3.5亿', 350000000],
    ['2千', 2000],
    ['3百万', 3000000],
    ['1.5千万', 15000000],
    ['15%', 0.15],
    ['-15%', -0.15],
    ['-1,200', -1200],
    ['-¥1,200.00', -1200],
    ['¥-1,200.00', -1200],
    ['(1,200)', -1200],
    ['(¥1,200.00)', -1200],
    ['１２３', 123],
    ['－１２．５', -12.5],
    ['1.2e3', 1200],
    ['1.2E-3', 0.0012],
    ['  42  ', 42],
    ['.5', 0.5],
    ['+7', 7],
    ['0.1', 0.1],
    ['1.005', 1.005]
  ])('%j → %d', (input, expected) => {
    expect(parseNumber(input)).toEqual({ ok: true, value: expected })
  })

  it('reads 万 and % in decimal, without binary multiplication noise', () => {
    expect(parseNumber('1.1万')).toEqual({ ok: true, value: 11000 })
    expect(parseNumber('57%')).toEqual({ ok: true, value: 0.57 })
  })

  it('returns 0, not -0, for a negative zero', () => {
    const r = parseNumber('-0')
    expect(r.ok && Object.is(r.value, 0)).toBe(true)
  })
})

describe('parseNumber rejects', () => {
  it.each<unknown>([
    'abc',
    '12abc',
    '1.2.3',
    '1,2000',
    '12,00',
    '',
    '   ',
    '--5',
    '-(5)',
    '¥5元',
    '5%万',
    '¥5%',
    '0x1F',
    'NaN',
    'Infinity',
    NaN,
    Infinity,
    true,
    {},
    null,
    undefined
  ])('%j with value.notANumber', (input) => {
    const r = parseNumber(input)
    expect(r.ok).toBe(false)
    expect(!r.ok && r.code).toBe('value.notANumber')
  })

  it('reports an overflowing number as out of range', () => {
    expect(parseNumber('1e999')).toMatchObject({ ok: false, code: 'value.numberOutOfRange' })
  })

  it('quotes the offending text in the message parameters', () => {
    expect(parseNumber('12abc')).toEqual({ ok: false, code: 'value.notANumber', params: { value: '12abc' } })
  })
})

describe('parsePercent', () => {
  it('reads text with % as a percentage', () => {
    expect(parsePercent('15%')).toEqual({ ok: true, value: 0.15 })
    expect(parsePercent('１５．５％')).toEqual({ ok: true, value: 0.155 })
  })

  it('keeps numeric input as the stored fraction', () => {
    expect(parsePercent(0.15)).toEqual({ ok: true, value: 0.15 })
    expect(parsePercent(15)).toEqual({ ok: true, value: 15 })
  })

  it('reads bare text above 1 as a percentage, since users type 15 meaning 15%', () => {
    expect(parsePercent('15')).toEqual({ ok: true, value: 0.15 })
    expect(parsePercent('-2.5')).toEqual({ ok: true, value: -0.025 })
  })

  it('reads bare text at or below 1 as the fraction itself', () => {
    expect(parsePercent('0.15')).toEqual({ ok: true, value: 0.15 })
    expect(parsePercent('1')).toEqual({ ok: true, value: 1 })
  })

  it('rejects text that is not a number', () => {
    expect(parsePercent('abc%')).toMatchObject({ ok: false, code: 'value.notANumber' })
  })
})
