import { describe, it, expect } from 'vitest'
import fc from 'fast-check'
import {
  checkFormula,
  evaluate,
  formatRef,
  FormulaSyntaxError,
  parseFormula,
  type EvalContext,
  type FormulaValue
} from '../../../../src-main/shared/formula'

// ---------------------------------------------------------------------------------------------
// Arithmetic trees: printed with as few parentheses as Excel's precedence allows, then parsed
// and evaluated, they must give what computing the tree directly gives.

type BinOp = '+' | '-' | '*' | '/' | '^'
type Expr = { k: 'num'; v: number } | { k: 'neg'; e: Expr } | { k: 'bin'; op: BinOp; l: Expr; r: Expr }

const { expr } = fc.letrec<{ expr: Expr }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.integer({ min: -60, max: 60 }).map((v): Expr => ({ k: 'num', v })),
    tie('expr').map((e): Expr => ({ k: 'neg', e })),
    fc
      .tuple(fc.constantFrom<BinOp>('+', '-', '*', '/', '^'), tie('expr'), tie('expr'))
      .map(([op, l, r]): Expr => ({ k: 'bin', op, l, r }))
  )
}))

const PRECEDENCE: Record<BinOp, number> = { '+': 3, '-': 3, '*': 4, '/': 4, '^': 5 }
const PREFIX = 7
const ATOM = 8

/** Source text and the precedence of its top operator. */
function print(e: Expr, space: string): { text: string; prec: number } {
  const wrap = (p: { text: string; prec: number }, needed: boolean) => (needed ? `(${p.text})` : p.text)
  switch (e.k) {
    case 'num':
      return e.v < 0 ? { text: `-${-e.v}`, prec: PREFIX } : { text: String(e.v), prec: ATOM }
    case 'neg': {
      const inner = print(e.e, space)
      return { text: `-${wrap(inner, inner.prec < PREFIX)}`, prec: PREFIX }
    }
    case 'bin': {
      const p = PRECEDENCE[e.op]
      const l = print(e.l, space)
      const r = print(e.r, space)
      // Left-associative: an equal-precedence operator on the right needs parentheses.
      return { text: `${wrap(l, l.prec < p)}${space}${e.op}${space}${wrap(r, r.prec <= p)}`, prec: p }
    }
  }
}

type Outcome = { value: number } | { error: string }

/** Direct computation, with Excel's error rules, evaluating left before right. */
function compute(e: Expr): Outcome {
  if (e.k === 'num') return { value: e.v }
  if (e.k === 'neg') {
    const inner = compute(e.e)
    return 'error' in inner ? inner : { value: -inner.value }
  }
  const l = compute(e.l)
  if ('error' in l) return l
  const r = compute(e.r)
  if ('error' in r) return r
  const [a, b] = [l.value, r.value]
  let v: number
  switch (e.op) {
    case '+': v = a + b; break
    case '-': v = a - b; break
    case '*': v = a * b; break
    case '/':
      if (b === 0) return { error: 'DIV0' }
      v = a / b
      break
    case '^':
      if (a === 0 && b < 0) return { error: 'DIV0' }
      v = a ** b
      break
  }
  return Number.isFinite(v) ? { value: v } : { error: 'NUM' }
}

const noFields: EvalContext = { get: () => null, now: () => 0 }

function outcomeOf(src: string): Outcome {
  const r = evaluate(parseFormula(src), noFields)
  if (r.error) return { error: r.error.code }
  expect(typeof r.value).toBe('number')
  return { value: r.value as number }
}

// The sign of a zero result is not observable to users; compare 0 and -0 as equal.
const normalize = (o: Outcome): Outcome => ('error' in o ? o : { value: o.value + 0 })

describe('property: printed arithmetic evaluates like the tree it came from', () => {
  it('with Excel precedence and minimal parentheses', () => {
    fc.assert(
      fc.property(expr, fc.constantFrom('', ' ', '  '), (e, space) => {
        const src = print(e, space).text
        expect(normalize(outcomeOf(src))).toEqual(normalize(compute(e)))
      }),
      { numRuns: 2000 }
    )
  })

  it('with full-width parentheses from a Chinese input method', () => {
    fc.assert(
      fc.property(expr, (e) => {
        const src = `(${print(e, ' ').text})`
        const fullWidth = src.replace(/\(/g, '（').replace(/\)/g, '）')
        expect(outcomeOf(fullWidth)).toEqual(outcomeOf(src))
      }),
      { numRuns: 300 }
    )
  })
})

// ---------------------------------------------------------------------------------------------
// Robustness on arbitrary input

const FORMULA_PIECES = [
  '0', '1', '2.5', '.', 'e', '+', '-', '*', '/', '^', '%', '&', '=', '<', '>', '!', '(', ')', ',', ' ',
  '{', '}', '.', '\\', '"', '“', '”', '（', '）', '，', '｛', '｝', '＋', '\u3000',
  'IF(', 'SUM(', 'TEXT(', 'DATE(', 'MID(', 'DATEDIF(', 'EDATE(', 'IFERROR(', 'SWITCH(', 'MIN(', 'TRUE', 'abc', '金额',
  '{a}', '{回款计划.金额}', '{d}', '"x"', '"YYYY-MM-DD"', '"0.00"', '"2024-01-31"'
]

const formulaLike = fc.array(fc.constantFrom(...FORMULA_PIECES), { maxLength: 30 }).map((parts) => parts.join(''))
const anyText = fc.oneof(formulaLike, fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 40 }))

const FIELD_VALUES: Record<string, FormulaValue> = {
  a: 5,
  d: { kind: 'date', ms: new Date(2024, 0, 31).getTime(), hasTime: false },
  '回款计划.金额': [100, null, 'x']
}
const someFields: EvalContext = {
  get: (ref) => FIELD_VALUES[ref.sub === undefined ? ref.name : `${ref.name}.${ref.sub}`] ?? null,
  now: () => new Date(2024, 2, 5).getTime()
}

describe('property: arbitrary input', () => {
  it('parse throws nothing but FormulaSyntaxError, with a position inside the source', () => {
    fc.assert(
      fc.property(anyText, (src) => {
        try {
          parseFormula(src)
        } catch (e) {
          expect(e).toBeInstanceOf(FormulaSyntaxError)
          const { position } = e as FormulaSyntaxError
          expect(position).toBeGreaterThanOrEqual(0)
          expect(position).toBeLessThanOrEqual(src.length)
        }
      }),
      { numRuns: 5000 }
    )
  })

  it('whatever parses evaluates to a value or an error result, never an exception', () => {
    fc.assert(
      fc.property(formulaLike, (src) => {
        let ast
        try {
          ast = parseFormula(src)
        } catch {
          return
        }
        const r = evaluate(ast, someFields)
        if (r.error) expect(r.value).toBeNull()
      }),
      { numRuns: 5000 }
    )
  })

  it('checkFormula throws nothing but FormulaSyntaxError', () => {
    fc.assert(
      fc.property(formulaLike, fc.constantFrom('number', 'text', 'date', 'any', 'list'), (src, type) => {
        try {
          checkFormula(src, () => (type === 'list' ? { type, itemType: 'number' } : { type }))
        } catch (e) {
          expect(e).toBeInstanceOf(FormulaSyntaxError)
        }
      }),
      { numRuns: 3000 }
    )
  })
})

// ---------------------------------------------------------------------------------------------
// Round trips

const label = fc.string({ minLength: 1, maxLength: 12, unit: 'grapheme' }).filter((s) => s.trim() === s && s !== '')

describe('property: round trips', () => {
  it('formatRef produces a reference that parses back to the same labels', () => {
    fc.assert(
      fc.property(label, fc.option(label, { nil: undefined }), (name, sub) => {
        const ast = parseFormula(formatRef(name, sub))
        expect(ast).toMatchObject({ kind: 'ref', ref: sub === undefined ? { name } : { name, sub } })
      }),
      { numRuns: 2000 }
    )
  })

  const ymd = fc.record({
    y: fc.integer({ min: 1990, max: 2100 }),
    m: fc.integer({ min: 1, max: 12 }),
    d: fc.integer({ min: 1, max: 28 })
  })

  it('DATEDIF in months undoes EDATE', () => {
    fc.assert(
      fc.property(ymd, fc.integer({ min: 0, max: 600 }), ({ y, m, d }, n) => {
        const start = `DATE(${y}, ${m}, ${d})`
        expect(outcomeOf(`DATEDIF(${start}, EDATE(${start}, ${n}), "M")`)).toEqual({ value: n })
      }),
      { numRuns: 500 }
    )
  })

  it('adding days then subtracting the start gives the days back', () => {
    fc.assert(
      fc.property(ymd, fc.integer({ min: -20000, max: 20000 }), ({ y, m, d }, k) => {
        const start = `DATE(${y}, ${m}, ${d})`
        expect(outcomeOf(`(${start} + ${k}) - ${start}`)).toEqual({ value: k })
      }),
      { numRuns: 500 }
    )
  })

  it('TEXT with "YYYY-MM-DD" prints the date DATE was built from', () => {
    fc.assert(
      fc.property(ymd, ({ y, m, d }) => {
        const r = evaluate(parseFormula(`TEXT(DATE(${y}, ${m}, ${d}), "YYYY-MM-DD")`), noFields)
        expect(r.value).toBe(`${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`)
      }),
      { numRuns: 300 }
    )
  })

  it('VALUE reads back what TEXT "#,##0.00" prints, equal to ROUND(x, 2)', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e9, max: 1e9, noNaN: true }), (x) => {
        const src = String(x).includes('e') ? x.toFixed(20) : String(x)
        expect(normalize(outcomeOf(`VALUE(TEXT(${src}, "#,##0.00"))`))).toEqual(normalize(outcomeOf(`ROUND(${src}, 2)`)))
      }),
      { numRuns: 1000 }
    )
  })
})

// ---------------------------------------------------------------------------------------------
// Blanks and text that is not a number never become a made-up value (an imported blank close
// date became 1999-11-30 through DATE(VALUE(MID(…)) + 2000, …)).

describe('blanks and unparseable text', () => {
  const parts = ['{空}', '""', '" "', 'VALUE({空})', 'MID({空}, 1, 2)']
  const notNumeric = fc.string({ maxLength: 12 }).filter((s) => !/[\d０-９]/.test(s) && !/["\\]/.test(s))

  it('VALUE of text without a digit is an error, never a number', () => {
    fc.assert(
      fc.property(notNumeric, (s) => {
        const r = evaluate(parseFormula(`VALUE("${s}")`), noFields)
        expect(r.value).toBeNull()
        expect(r.error?.code).toBe('VALUE')
      }),
      { numRuns: 500 }
    )
  })

  it('DATE with any blank part is blank or an error, never a date', () => {
    const part = fc.oneof(fc.integer({ min: 1, max: 2100 }).map(String), fc.constantFrom(...parts))
    fc.assert(
      fc.property(part, part, part, (y, m, d) => {
        fc.pre([y, m, d].some((p) => parts.includes(p)))
        const r = evaluate(parseFormula(`DATE(${y}, ${m}, ${d})`), { get: () => null, now: () => 0 })
        expect(r.value).toBeNull()
      }),
      { numRuns: 500 }
    )
  })

  it('a day-first text date read through MID and VALUE is that day, a blank one blank', () => {
    const src = (v: string) => `DATE(VALUE(MID(${v}, 7, 2)) + 2000, VALUE(MID(${v}, 4, 2)), VALUE(MID(${v}, 1, 2)))`
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 28 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 0, max: 99 }), (d, m, y) => {
        const text = `${String(d).padStart(2, '0')}-${String(m).padStart(2, '0')}-${String(y).padStart(2, '0')}`
        const r = evaluate(parseFormula(src(`"${text}"`)), noFields)
        expect(r.value).toMatchObject({ ms: new Date(2000 + y, m - 1, d).getTime() })
      }),
      { numRuns: 300 }
    )
    expect(evaluate(parseFormula(src('{空}')), noFields).value).toBeNull()
  })
})
