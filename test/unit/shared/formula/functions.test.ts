import { describe, it, expect } from 'vitest'
import {
  evaluate,
  FORMULA_FUNCTIONS,
  makeDate,
  parseFormula,
  type FieldRef,
  type FormulaValue
} from '../../../../src-main/shared/formula'

const day = (y: number, m: number, d: number) => makeDate(new Date(y, m - 1, d).getTime())
const NOW = new Date(2024, 2, 5, 14, 30).getTime()

const FIELDS: Record<string, FormulaValue> = {
  金额: 1234.5,
  空: null,
  空列: [],
  名称: '  积木   CRM ',
  签约日期: day(2024, 1, 31),
  '回款计划.金额': [100, 200.5, null],
  '回款计划.计划日期': [day(2024, 5, 1), null, day(2024, 2, 1), day(2024, 9, 30)],
  '联系人.姓名': ['张三', '', null, '李四']
}

function run(src: string) {
  const get = (ref: FieldRef) => FIELDS[ref.sub === undefined ? ref.name : `${ref.name}.${ref.sub}`]
  return evaluate(parseFormula(src), { get, now: () => NOW })
}

type Expected = FormulaValue | { error: string }
const err = (code: string) => ({ error: code })

// One block per registered function; the last test checks that none is missing.
const CASES: Record<string, Array<[string, Expected]>> = {
  IF: [
    ['IF({金额} >= 1000, "大单", "普通")', '大单'],
    ['IF(0, "是", "否")', '否'],
    ['IF(FALSE, 1)', null],
    ['IF({空}, 1, 2)', 2],
    ['IF(TRUE, 1, 1/0)', 1],
    ['IF("x", 1, 2)', err('VALUE')]
  ],
  IFS: [
    ['IFS({金额} > 2000, "A", {金额} > 1000, "B", TRUE, "C")', 'B'],
    ['IFS(FALSE, 1, TRUE, 2)', 2],
    ['IFS(TRUE, 1, 1/0, 2)', 1],
    ['IFS(FALSE, 1)', err('NA')]
  ],
  SWITCH: [
    ['SWITCH("B", "A", 0.9, "B", 0.95, 1)', 0.95],
    ['SWITCH("b", "A", 1, "B", 2)', 2],
    ['SWITCH("C", "A", 1, 0)', 0],
    ['SWITCH(2, 1, "一", 2, "二")', '二'],
    ['SWITCH("C", "A", 1)', err('NA')]
  ],
  AND: [
    ['AND(TRUE, 1, 2 > 1)', true],
    ['AND(TRUE, FALSE)', false],
    ['AND(FALSE, 1/0)', false],
    ['AND(TRUE, "x")', err('VALUE')]
  ],
  OR: [
    ['OR(FALSE, 0, 1 > 2)', false],
    ['OR(FALSE, TRUE)', true],
    ['OR(TRUE, 1/0)', true]
  ],
  NOT: [
    ['NOT(TRUE)', false],
    ['NOT(0)', true],
    ['NOT({空})', true]
  ],
  ISBLANK: [
    ['ISBLANK({空})', true],
    ['ISBLANK("")', true],
    ['ISBLANK({空列})', true],
    ['ISBLANK(0)', false],
    ['ISBLANK(" ")', false],
    ['ISBLANK({回款计划.金额})', false]
  ],
  IFERROR: [
    ['IFERROR(1/0, 0)', 0],
    ['IFERROR(5, 0)', 5],
    ['IFERROR(VALUE("x"), -1)', -1]
  ],
  TRUE: [['TRUE()', true]],
  FALSE: [['FALSE()', false]],
  SUM: [
    ['SUM({回款计划.金额})', 300.5],
    ['SUM(1, 2, {回款计划.金额})', 303.5],
    ['SUM({空}, {空列})', 0],
    ['SUM("3", 4)', 7],
    ['SUM({联系人.姓名})', 0],
    ['SUM("x")', err('VALUE')]
  ],
  AVERAGE: [
    ['AVERAGE({回款计划.金额})', 150.25],
    ['AVERAGE(1, 2, 3, 4)', 2.5],
    ['AVERAGE({空}, 4)', 4],
    ['AVERAGE({空列})', err('DIV0')]
  ],
  MIN: [
    ['MIN(3, 1, 2)', 1],
    ['MIN({回款计划.金额}, 50)', 50],
    ['MIN({回款计划.计划日期})', day(2024, 2, 1)],
    ['MIN({空列})', null],
    ['MIN({回款计划.计划日期}, 1)', err('VALUE')]
  ],
  MAX: [
    ['MAX(3, 1, 2)', 3],
    ['MAX({回款计划.金额})', 200.5],
    ['MAX({回款计划.计划日期})', day(2024, 9, 30)],
    ['MAX(-1, {空})', -1]
  ],
  COUNT: [
    ['COUNT({回款计划.金额})', 2],
    ['COUNT(1, "a", {空}, {签约日期})', 2],
    ['COUNT({联系人.姓名})', 0]
  ],
  COUNTA: [
    ['COUNTA({联系人.姓名})', 2],
    ['COUNTA({回款计划.金额})', 2],
    ['COUNTA({空}, "", 0)', 1]
  ],
  ROUND: [
    ['ROUND(2.5)', 3],
    ['ROUND(-2.5)', -3],
    ['ROUND(1.005, 2)', 1.01],
    ['ROUND({金额}, -2)', 1200],
    ['ROUND(0.1 + 0.2, 10)', 0.3],
    ['ROUND(-0.4)', 0]
  ],
  ROUNDUP: [
    ['ROUNDUP(1.1)', 2],
    ['ROUNDUP(-1.1)', -2],
    ['ROUNDUP(1.101, 2)', 1.11],
    ['ROUNDUP(1.1, 1)', 1.1],
    ['ROUNDUP(1234, -2)', 1300]
  ],
  ROUNDDOWN: [
    ['ROUNDDOWN(1.9)', 1],
    ['ROUNDDOWN(-1.9)', -1],
    ['ROUNDDOWN(1.239, 2)', 1.23],
    ['ROUNDDOWN(1299, -2)', 1200]
  ],
  INT: [
    ['INT(3.7)', 3],
    ['INT(-3.2)', -4]
  ],
  ABS: [
    ['ABS(-5)', 5],
    ['ABS({空})', 0]
  ],
  MOD: [
    ['MOD(10, 3)', 1],
    ['MOD(-3, 2)', 1],
    ['MOD(3, -2)', -1],
    ['MOD(1, 0)', err('DIV0')]
  ],
  POWER: [
    ['POWER(2, 10)', 1024],
    ['POWER(0, -1)', err('DIV0')],
    ['POWER(-8, 0.5)', err('NUM')]
  ],
  SQRT: [
    ['SQRT(16)', 4],
    ['SQRT(-1)', err('NUM')]
  ],
  CONCAT: [
    ['CONCAT("a", 1, TRUE)', 'a1TRUE'],
    ['CONCAT({联系人.姓名})', '张三李四'],
    ['CONCAT({签约日期})', '2024-01-31'],
    ['CONCAT({空}, "x")', 'x']
  ],
  LEFT: [
    ['LEFT("积木CRM", 2)', '积木'],
    ['LEFT("abc")', 'a'],
    ['LEFT("abc", 10)', 'abc'],
    ['LEFT("😀ab", 1)', '😀'],
    ['LEFT("abc", -1)', err('VALUE')]
  ],
  RIGHT: [
    ['RIGHT("13812345678", 4)', '5678'],
    ['RIGHT("abc")', 'c'],
    ['RIGHT("abc", 0)', '']
  ],
  MID: [
    ['MID("积木客户管理", 3, 2)', '客户'],
    ['MID("abc", 5, 2)', ''],
    ['MID("abc", 0, 1)', err('VALUE')]
  ],
  LEN: [
    ['LEN("积木CRM")', 5],
    ['LEN({空})', 0],
    ['LEN(12.5)', 4],
    ['LEN("😀")', 1]
  ],
  TRIM: [['TRIM({名称})', '积木 CRM']],
  UPPER: [['UPPER("crm 积木")', 'CRM 积木']],
  LOWER: [['LOWER("CRM")', 'crm']],
  SUBSTITUTE: [
    ['SUBSTITUTE("010-8888-6666", "-", "")', '01088886666'],
    ['SUBSTITUTE("a-b-c", "-", "+", 2)', 'a-b+c'],
    ['SUBSTITUTE("a-b", "-", "+", 5)', 'a-b'],
    ['SUBSTITUTE("abc", "", "x")', 'abc']
  ],
  FIND: [
    ['FIND("省", "广东省深圳市")', 3],
    ['FIND("b", "abcb", 3)', 4],
    ['FIND("x", "😀x")', 2],
    ['FIND("B", "abc")', err('VALUE')]
  ],
  TEXT: [
    ['TEXT(1234.5, "#,##0.00")', '1,234.50'],
    ['TEXT(1234.567, "0.00")', '1234.57'],
    ['TEXT(1.005, "0.00")', '1.01'],
    ['TEXT(0.256, "0%")', '26%'],
    ['TEXT(0.5, "0.0%")', '50.0%'],
    ['TEXT(-1234.5, "¥#,##0.00")', '-¥1,234.50'],
    ['TEXT(1234567, "#,##0")', '1,234,567'],
    ['TEXT(3.1, "0.##")', '3.1'],
    ['TEXT(5, "000")', '005'],
    ['TEXT(12.3, "0.0\\"万元\\"")', '12.3万元'],
    ['TEXT({签约日期}, "YYYY-MM-DD")', '2024-01-31'],
    ['TEXT({签约日期}, "YYYY年MM月DD日")', '2024年01月31日'],
    ['TEXT({签约日期}, "yyyy/m/d")', '2024/1/31'],
    ['TEXT({签约日期}, "aaaa")', '星期三'],
    ['TEXT(NOW(), "YYYY-MM-DD HH:mm")', '2024-03-05 14:30'],
    ['TEXT("2024-03-05", "M月D日")', '3月5日'],
    ['TEXT({空}, "0.00")', ''],
    ['TEXT("abc", "0.00")', 'abc'],
    ['TEXT(12, "YYYY")', err('VALUE')]
  ],
  VALUE: [
    ['VALUE("1,234.5")', 1234.5],
    ['VALUE("50%")', 0.5],
    ['VALUE(" 12 ")', 12],
    ['VALUE("1e3")', 1000],
    ['VALUE("")', err('VALUE')],
    ['VALUE("  ")', err('VALUE')],
    ['VALUE({空})', null],
    ['VALUE({空}) * 2', 0],
    ['IFERROR(VALUE(""), -1)', -1],
    ['VALUE("abc")', err('VALUE')]
  ],
  TODAY: [['TODAY()', day(2024, 3, 5)]],
  NOW: [['NOW()', makeDate(NOW, true)]],
  DATE: [
    ['DATE(2024, 2, 29)', day(2024, 2, 29)],
    ['DATE(2024, 13, 1)', day(2025, 1, 1)],
    ['DATE(2024, 3, 0)', day(2024, 2, 29)],
    ['DATE(-1, 1, 1)', err('NUM')],
    // A blank part gives no date (Excel's DATE(2000, 0, 0) is 1999-11-30, a date nobody entered).
    ['DATE({空}, 1, 1)', null],
    ['DATE(2000, {空}, {空})', null],
    ['DATE(2000, "", 1)', null],
    ['DATE(VALUE(MID({空}, 7, 2)) + 2000, VALUE(MID({空}, 4, 2)), VALUE(MID({空}, 1, 2)))', err('VALUE')],
    ['DATE(VALUE(MID("20-10-16", 7, 2)) + 2000, VALUE(MID("20-10-16", 4, 2)), VALUE(MID("20-10-16", 1, 2)))', day(2016, 10, 20)]
  ],
  YEAR: [
    ['YEAR({签约日期})', 2024],
    ['YEAR("2023-05-06")', 2023],
    ['YEAR({空})', null],
    ['YEAR(5)', err('VALUE')]
  ],
  MONTH: [
    ['MONTH({签约日期})', 1],
    ['MONTH("2024年12月5日")', 12]
  ],
  DAY: [
    ['DAY({签约日期})', 31],
    ['DAY({空})', null]
  ],
  DAYS: [
    ['DAYS("2024-03-01", "2024-02-01")', 29],
    ['DAYS({签约日期}, "2024-02-01")', -1],
    ['DAYS("2024-03-01 23:00", "2024-02-29 01:00")', 1]
  ],
  DATEDIF: [
    ['DATEDIF("2024-01-31", "2024-02-29", "M")', 0],
    ['DATEDIF("2024-01-31", "2024-03-31", "M")', 2],
    ['DATEDIF("2024-01-15", "2024-03-14", "m")', 1],
    ['DATEDIF("2020-02-29", "2021-02-28", "Y")', 0],
    ['DATEDIF("2020-02-29", "2021-03-01", "Y")', 1],
    ['DATEDIF("2024-01-01", "2024-12-31", "D")', 365],
    ['DATEDIF("2024-03-01", "2024-01-01", "D")', err('NUM')],
    ['DATEDIF("2024-01-01", "2024-03-01", "X")', err('NUM')]
  ],
  EDATE: [
    ['EDATE("2024-01-31", 1)', day(2024, 2, 29)],
    ['EDATE("2023-01-31", 1)', day(2023, 2, 28)],
    ['EDATE("2024-03-31", -1)', day(2024, 2, 29)],
    ['EDATE("2024-01-15", 12)', day(2025, 1, 15)],
    ['EDATE({签约日期}, 13)', day(2025, 2, 28)],
    ['EDATE({空}, 1)', null]
  ],
  EOMONTH: [
    ['EOMONTH("2024-01-15", 1)', day(2024, 2, 29)],
    ['EOMONTH("2024-12-05", 0)', day(2024, 12, 31)],
    ['EOMONTH("2024-01-31", -2)', day(2023, 11, 30)]
  ]
}

for (const [name, cases] of Object.entries(CASES)) {
  describe(name, () => {
    for (const [src, expected] of cases) {
      const isError = typeof expected === 'object' && expected !== null && 'error' in expected
      it(`${src} → ${isError ? `#${expected.error}` : JSON.stringify(expected)}`, () => {
        const r = run(src)
        if (isError) {
          expect(r).toMatchObject({ value: null, error: { code: expected.error } })
        } else {
          expect(r.error).toBeUndefined()
          expect(r.value).toEqual(expected)
        }
      })
    }
  })
}

describe('the function catalogue', () => {
  it('has a test block for every registered function', () => {
    expect(Object.keys(CASES).sort()).toEqual(FORMULA_FUNCTIONS.map((f) => f.name).sort())
  })

  it('covers the functions users migrating from Excel expect', () => {
    const names = new Set(FORMULA_FUNCTIONS.map((f) => f.name))
    for (const n of ['IF', 'IFS', 'SWITCH', 'AND', 'OR', 'NOT', 'ISBLANK', 'SUM', 'AVERAGE', 'MIN', 'MAX', 'COUNT', 'ROUND', 'ROUNDUP', 'ROUNDDOWN', 'ABS', 'CONCAT', 'LEFT', 'RIGHT', 'MID', 'LEN', 'TRIM', 'TEXT', 'VALUE', 'TODAY', 'NOW', 'DATE', 'YEAR', 'MONTH', 'DAY', 'DAYS', 'DATEDIF', 'EDATE']) {
      expect(names.has(n), n).toBe(true)
    }
  })

  it('gives each function a unique upper-case name, a sane arity and help in both languages', () => {
    expect(new Set(FORMULA_FUNCTIONS.map((f) => f.name)).size).toBe(FORMULA_FUNCTIONS.length)
    for (const f of FORMULA_FUNCTIONS) {
      expect(f.name).toMatch(/^[A-Z]+$/)
      expect(f.minArgs).toBeLessThanOrEqual(f.maxArgs)
      expect(f.help['zh-CN']).toMatch(/[\u4e00-\u9fff]/)
      expect(f.help.en).toMatch(/^[A-Z]/)
    }
  })

  it('has examples that parse and call their own function', () => {
    for (const f of FORMULA_FUNCTIONS) {
      expect(() => parseFormula(f.example), f.example).not.toThrow()
      expect(f.example.toUpperCase()).toContain(`${f.name}(`)
    }
  })

  it('cannot be changed by callers', () => {
    expect(Object.isFrozen(FORMULA_FUNCTIONS)).toBe(true)
    expect(Object.isFrozen(FORMULA_FUNCTIONS[0])).toBe(true)
  })
})
