import { describe, it, expect } from 'vitest'
import {
  checkFormula,
  dateFromIso,
  evaluate,
  makeDate,
  parseFormula,
  toIsoDate,
  type EvalContext,
  type FieldRef,
  type FormulaType,
  type FormulaValue
} from '../../../../src-main/shared/formula'

/** Local midnight, whatever the timezone the tests run in. */
const day = (y: number, m: number, d: number) => makeDate(new Date(y, m - 1, d).getTime())

const FIELDS: Record<string, FormulaValue> = {
  合同总金额: 100000,
  已回款金额: 35000.5,
  空: null,
  客户名称: '积木科技',
  签约日期: day(2024, 1, 31),
  到期日: day(2024, 3, 1),
  '回款计划.金额': [100, 200.5, null]
}

const keyOf = (ref: FieldRef) => (ref.sub === undefined ? ref.name : `${ref.name}.${ref.sub}`)

function context(fields: Record<string, FormulaValue> = FIELDS, now = new Date(2024, 2, 5, 14, 30).getTime()): EvalContext {
  return { get: (ref) => fields[keyOf(ref)], now: () => now }
}

const run = (src: string, fields?: Record<string, FormulaValue>) => evaluate(parseFormula(src), context(fields))

function value(src: string, fields?: Record<string, FormulaValue>): FormulaValue {
  const r = run(src, fields)
  expect(r.error).toBeUndefined()
  return r.value
}

const errorCode = (src: string, fields?: Record<string, FormulaValue>) => run(src, fields).error?.code

describe('arithmetic on fields', () => {
  it('subtracts one field from another', () => {
    expect(value('{合同总金额} - {已回款金额}')).toBe(64999.5)
  })

  it('treats a blank as 0', () => {
    expect(value('{空} + 1')).toBe(1)
    expect(value('{空} * 5')).toBe(0)
    expect(value('{空} - {空}')).toBe(0)
  })

  it('coerces numeric text, as Excel does', () => {
    expect(value('"12" + 1')).toBe(13)
    expect(value('"1,000" * 2')).toBe(2000)
    expect(value('TRUE + 1')).toBe(2)
  })

  it('reads an undefined from get as blank', () => {
    expect(value('{没有} + 1', {})).toBe(1)
  })

  it('never produces -0', () => {
    expect(Object.is(value('-{空}'), 0)).toBe(true)
  })
})

describe('text concatenation', () => {
  it('joins values with &', () => {
    expect(value('{客户名称} & "-" & 2024')).toBe('积木科技-2024')
  })

  it('treats a blank as empty text', () => {
    expect(value('"a" & {空} & "b"')).toBe('ab')
  })

  it('prints numbers with 15 significant digits and booleans in capitals', () => {
    expect(value('0.1 + 0.2 & ""')).toBe('0.3')
    expect(value('1/3 & ""')).toBe('0.333333333333333')
    expect(value('TRUE & ""')).toBe('TRUE')
  })

  it('prints a date as ISO text', () => {
    expect(value('"签约：" & {签约日期}')).toBe('签约：2024-01-31')
  })
})

describe('comparisons', () => {
  it('compares numbers at 15 significant digits', () => {
    expect(value('0.1 + 0.2 = 0.3')).toBe(true)
    expect(value('1 < 2')).toBe(true)
    expect(value('2 <= 2')).toBe(true)
    expect(value('3 >= 4')).toBe(false)
    expect(value('1 <> 1')).toBe(false)
  })

  it('compares text case-insensitively', () => {
    expect(value('"abc" = "ABC"')).toBe(true)
    expect(value('"apple" < "Banana"')).toBe(true)
  })

  it('orders FALSE before TRUE', () => {
    expect(value('FALSE < TRUE')).toBe(true)
  })

  it('equates a blank with 0 and with empty text', () => {
    expect(value('{空} = 0')).toBe(true)
    expect(value('{空} = ""')).toBe(true)
    expect(value('{空} = {空}')).toBe(true)
    expect(value('{空} < 1')).toBe(true)
  })

  it('treats values of different types as unequal but refuses to order them', () => {
    expect(value('1 = "1"')).toBe(false)
    expect(value('1 <> "1"')).toBe(true)
    expect(errorCode('1 < "a"')).toBe('VALUE')
  })

  it('compares dates, and date text next to a date', () => {
    expect(value('{签约日期} < {到期日}')).toBe(true)
    expect(value('{签约日期} = "2024-01-31"')).toBe(true)
    expect(value('{签约日期} > "2024-02-01"')).toBe(false)
  })
})

describe('date arithmetic', () => {
  it('adds and subtracts days', () => {
    expect(value('{签约日期} + 30')).toEqual(day(2024, 3, 1))
    expect(value('30 + {签约日期}')).toEqual(day(2024, 3, 1))
    expect(value('{到期日} - 1')).toEqual(day(2024, 2, 29))
    expect(value('{签约日期} + 366')).toEqual(day(2025, 1, 31))
  })

  it('gives the days between two dates', () => {
    expect(value('{到期日} - {签约日期}')).toBe(30)
    expect(value('{签约日期} - {到期日}')).toBe(-30)
  })

  it('counts part-days once a time is involved', () => {
    expect(value('NOW() - TODAY()')).toBeCloseTo(14.5 / 24, 10)
    const later = value('{签约日期} + 0.5')
    expect(later).toEqual(makeDate(new Date(2024, 0, 31, 12).getTime(), true))
  })

  it('refuses to add two dates or subtract a date from a number', () => {
    expect(errorCode('{签约日期} + {到期日}')).toBe('VALUE')
    expect(errorCode('1 - {签约日期}')).toBe('VALUE')
    expect(errorCode('-{签约日期}')).toBe('VALUE')
    expect(errorCode('{签约日期} * 2')).toBe('VALUE')
  })

  it('keeps a blank date blank when the AST comes from checkFormula', () => {
    const types: Record<string, FormulaType> = { 签约日期: 'date' }
    const { ast } = checkFormula('{签约日期} + 30', (ref) => ({ type: types[ref.name] }))
    expect(evaluate(ast, context({ 签约日期: null }))).toEqual({ value: null })
    // Without static types the evaluator can only follow Excel: blank is 0.
    expect(evaluate(parseFormula('{签约日期} + 30'), context({ 签约日期: null }))).toEqual({ value: 30 })
  })

  it('works with ISO helpers', () => {
    expect(toIsoDate(value('{d} + 1', { d: dateFromIso('2024-12-31') }) as never)).toBe('2025-01-01')
    expect(dateFromIso('2024-03-05')).toEqual(day(2024, 3, 5))
    expect(() => dateFromIso('2024-02-30')).toThrow(RangeError)
  })
})

describe('runtime errors are results, not exceptions', () => {
  it('reports division by zero', () => {
    expect(run('{合同总金额} / 0')).toEqual({ value: null, error: { code: 'DIV0', message: expect.stringContaining('#DIV/0!') } })
    expect(errorCode('1 / {空}')).toBe('DIV0')
    expect(errorCode('0 ^ -1')).toBe('DIV0')
  })

  it('reports text where a number is needed', () => {
    expect(errorCode('{客户名称} + 1')).toBe('VALUE')
    expect(errorCode('-"x"')).toBe('VALUE')
    expect(errorCode('"x"%')).toBe('VALUE')
  })

  it('reports a list where a scalar is needed', () => {
    expect(errorCode('{回款计划.金额} * 2')).toBe('VALUE')
    expect(errorCode('{回款计划.金额} & ""')).toBe('VALUE')
    expect(errorCode('{回款计划.金额} = 1')).toBe('VALUE')
  })

  it('reports numbers out of range', () => {
    expect(errorCode('(-8) ^ 0.5')).toBe('NUM')
    expect(errorCode('10 ^ 400')).toBe('NUM')
  })

  it('propagates an error through enclosing expressions', () => {
    expect(errorCode('1 + SUM(2, 1/0) * 3')).toBe('DIV0')
  })

  it('lets an error from the field source through: bugs are not swallowed', () => {
    const ctx: EvalContext = { get: () => { throw new Error('db down') }, now: () => 0 }
    expect(() => evaluate(parseFormula('{a} + 1'), ctx)).toThrow('db down')
  })
})

describe('sub-table columns', () => {
  it('evaluate to the list get returns', () => {
    expect(value('{回款计划.金额}')).toEqual([100, 200.5, null])
  })

  it('aggregate with SUM, skipping blanks', () => {
    expect(value('SUM({回款计划.金额})')).toBe(300.5)
    expect(value('{合同总金额} - SUM({回款计划.金额})')).toBe(99699.5)
  })
})

describe('TODAY and NOW read the injected clock', () => {
  it('TODAY is local midnight of ctx.now()', () => {
    expect(value('TODAY()')).toEqual(day(2024, 3, 5))
    expect(evaluate(parseFormula('TODAY()'), context({}, new Date(2030, 11, 31, 23, 59).getTime())).value).toEqual(day(2030, 12, 31))
  })

  it('NOW is ctx.now() with time', () => {
    expect(value('NOW()')).toEqual(makeDate(new Date(2024, 2, 5, 14, 30).getTime(), true))
  })
})
