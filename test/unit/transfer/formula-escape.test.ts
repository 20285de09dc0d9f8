import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { escapeFormula, unescapeFormula } from '../../../src-main/transfer/formula-escape'

describe('formula escaping', () => {
  it('text a spreadsheet would run as a formula is escaped', () => {
    expect(['=1+2', '+86 138', '-5', '@SUM(A1)', '\t=x'].map(escapeFormula)).toEqual(["'=1+2", "'+86 138", "'-5", "'@SUM(A1)", "'\t=x"])
    expect(escapeFormula('北京积木')).toBe('北京积木')
    expect(escapeFormula("'=already")).toBe("''=already")
  })

  it('export → import gives back any text exactly', () => {
    const text = fc.oneof(fc.string(), fc.string().map((s) => `'${s}`), fc.string().map((s) => `''=${s}`), fc.constantFrom('=', "'", "''", '-', "'-", "'\t"))
    fc.assert(fc.property(text, (s) => unescapeFormula(escapeFormula(s)) === s), { numRuns: 2000 })
  })

  it('nothing that escaping leaves alone starts like a formula', () => {
    fc.assert(fc.property(fc.string(), (s) => !/^[=+\-@\t\r]/.test(escapeFormula(s))), { numRuns: 2000 })
  })
})
