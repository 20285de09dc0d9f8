import { describe, it, expect } from 'vitest'
import { evaluate, FormulaSyntaxError, parseFormula, type FormulaAst, type FormulaValue } from '../../../../src-main/shared/formula'

function value(src: string): FormulaValue {
  const r = evaluate(parseFormula(src), { get: () => null, now: () => 0 })
  expect(r.error).toBeUndefined()
  return r.value
}

function syntaxError(src: string): FormulaSyntaxError {
  try {
    parseFormula(src)
  } catch (e) {
    if (e instanceof FormulaSyntaxError) return e
    throw e
  }
  throw new Error(`expected a syntax error for ${src}`)
}

/** The tree as nested lists, without positions, to compare shapes. */
function shape(node: FormulaAst): unknown {
  switch (node.kind) {
    case 'number':
    case 'text':
    case 'boolean':
      return node.value
    case 'ref':
      return node.ref.sub === undefined ? `{${node.ref.name}}` : `{${node.ref.name}.${node.ref.sub}}`
    case 'unary':
      return [`u${node.op}`, shape(node.operand)]
    case 'percent':
      return ['%', shape(node.operand)]
    case 'binary':
      return [node.op, shape(node.left), shape(node.right)]
    case 'call':
      return [node.name, ...node.args.map(shape)]
  }
}

describe('operator precedence (Excel order)', () => {
  it('multiplies before adding', () => {
    expect(shape(parseFormula('1 + 2 * 3'))).toEqual(['+', 1, ['*', 2, 3]])
    expect(value('1 + 2 * 3')).toBe(7)
  })

  it('compares after concatenating, and concatenates after adding', () => {
    expect(shape(parseFormula('1 + 2 & 3 = "33"'))).toEqual(['=', ['&', ['+', 1, 2], 3], '33'])
    expect(value('1 + 2 & 3 = "33"')).toBe(true)
    expect(shape(parseFormula('"a" & 1 + 2'))).toEqual(['&', 'a', ['+', 1, 2]])
    expect(value('"a" & 1 + 2')).toBe('a3')
    expect(value('"a" & 1 = "a1"')).toBe(true)
  })

  it('raises to a power before multiplying', () => {
    expect(value('2 * 3 ^ 2')).toBe(18)
  })

  it('is left-associative, ^ included (2^3^2 = 64 as in Excel)', () => {
    expect(value('10 - 2 - 3')).toBe(5)
    expect(value('12 / 2 / 3')).toBe(2)
    expect(value('2 ^ 3 ^ 2')).toBe(64)
  })

  it('binds negation tighter than ^ (-2^2 = 4 as in Excel)', () => {
    expect(shape(parseFormula('-2 ^ 2'))).toEqual(['^', ['u-', 2], 2])
    expect(value('-2 ^ 2')).toBe(4)
    expect(value('2 ^ -1')).toBe(0.5)
    expect(value('-(2 ^ 2)')).toBe(-4)
  })

  it('applies % after negation and before ^ and *', () => {
    expect(value('50% * 4')).toBe(2)
    expect(value('-5%')).toBe(-0.05)
    expect(value('200%^2')).toBe(4)
  })

  it('lets parentheses override precedence', () => {
    expect(value('(1 + 2) * 3')).toBe(9)
    expect(value('2 * (3 + 4) - 1')).toBe(13)
  })

  it('accepts repeated unary signs', () => {
    expect(value('--3')).toBe(3)
    expect(value('+-3')).toBe(-3)
    expect(value('2 - -3')).toBe(5)
  })
})

describe('literals', () => {
  it('reads number forms', () => {
    expect(value('1')).toBe(1)
    expect(value('1.5')).toBe(1.5)
    expect(value('.5')).toBe(0.5)
    expect(value('1.')).toBe(1)
    expect(value('1e3')).toBe(1000)
    expect(value('2.5E-2')).toBe(0.025)
  })

  it('reads strings with "" and \\" escapes, and Chinese quotes', () => {
    expect(value('"积木"')).toBe('积木')
    expect(value('"say ""hi"""')).toBe('say "hi"')
    expect(value('"say \\"hi\\""')).toBe('say "hi"')
    expect(value('"C:\\\\"')).toBe('C:\\')
    expect(value('"a\\b"')).toBe('a\\b')
    expect(value('“中文，引号”')).toBe('中文，引号')
    expect(value('""')).toBe('')
  })

  it('keeps full-width characters inside strings as typed', () => {
    expect(value('"（备注）"')).toBe('（备注）')
  })

  it('reads TRUE and FALSE in any case', () => {
    expect(value('TRUE')).toBe(true)
    expect(value('false')).toBe(false)
    expect(value('True')).toBe(true)
  })
})

describe('field references', () => {
  it('reads a label and its position', () => {
    const ast = parseFormula('1 + {合同总金额}')
    expect(ast.kind === 'binary' && ast.right).toMatchObject({ kind: 'ref', ref: { name: '合同总金额', start: 4, end: 11 } })
  })

  it('splits a sub-table column at the first dot', () => {
    const ast = parseFormula('{回款计划.金额}')
    expect(ast).toMatchObject({ kind: 'ref', ref: { name: '回款计划', sub: '金额', start: 0, end: 9 } })
  })

  it('has no sub for a plain label', () => {
    const ast = parseFormula('{金额}')
    expect(ast.kind === 'ref' && 'sub' in ast.ref).toBe(false)
  })

  it('keeps any character but } in a label, trimming surrounding spaces', () => {
    expect(shape(parseFormula('{ 金额（元） }'))).toBe('{金额（元）}')
    expect(shape(parseFormula('{a+b (c)}'))).toBe('{a+b (c)}')
  })

  it('reads \\. and \\} as literal characters', () => {
    expect(parseFormula('{No\\.}')).toMatchObject({ ref: { name: 'No.' } })
    expect(parseFormula('{a\\}b.c\\.d}')).toMatchObject({ ref: { name: 'a}b', sub: 'c.d' } })
  })
})

describe('function calls', () => {
  it('are case-insensitive and stored upper-case', () => {
    expect(shape(parseFormula('sum(1, 2)'))).toEqual(['SUM', 1, 2])
    expect(value('Round(2.5)')).toBe(3)
  })

  it('take no arguments', () => {
    expect(shape(parseFormula('TRUE()'))).toEqual(['TRUE'])
  })

  it('nest', () => {
    expect(value('IF(AND(1 < 2, NOT(FALSE)), SUM(1, MAX(2, 3)), 0)')).toBe(4)
  })
})

describe('tolerated input', () => {
  it('accepts full-width parentheses, comma and operators from Chinese input methods', () => {
    expect(value('SUM（1，2）')).toBe(3)
    expect(value('（1＋2）＊3')).toBe(9)
    expect(value('１２＞３')).toBe(true)
  })

  it('accepts a leading = as typed in Excel', () => {
    expect(value('=1+1')).toBe(2)
    expect(value('  = 1 = 1')).toBe(true)
  })

  it('accepts != for <>, and full-width spaces', () => {
    expect(value('1 != 2')).toBe(true)
    expect(value('1\u3000+\u30002')).toBe(3)
  })

  it('records the span of each node, parentheses included', () => {
    const ast = parseFormula(' (1 + 2) * SUM(3)')
    expect(ast).toMatchObject({ start: 1, end: 17, left: { start: 1, end: 8 }, right: { start: 11, end: 17 } })
  })
})

describe('syntax errors carry a code and the exact offset', () => {
  const cases: Array<[string, string, number, Record<string, string | number>?]> = [
    ['{金额} + * 2', 'formula.unexpectedToken', 7, { token: '*' }],
    ['1 2', 'formula.unexpectedToken', 2, { token: '2' }],
    [')', 'formula.unexpectedToken', 0],
    ['SUM(1 2)', 'formula.unexpectedToken', 6],
    ['SUM(1,,2)', 'formula.unexpectedToken', 6, { token: ',' }],
    ['1 +', 'formula.unexpectedEnd', 3],
    ['-', 'formula.unexpectedEnd', 1],
    ['', 'formula.empty', 0],
    ['   ', 'formula.empty', 3],
    ['(1 + 2', 'formula.unclosedParen', 0],
    ['1 + SUM(1, 2', 'formula.unclosedParen', 7],
    ['1 + {金额', 'formula.unclosedBrace', 4],
    ['"abc', 'formula.unclosedString', 0],
    ['1 & “abc', 'formula.unclosedString', 4],
    ['{}', 'formula.emptyField', 0],
    ['1 + { }', 'formula.emptyField', 4],
    ['{回款计划.}', 'formula.emptyField', 0],
    ['1 # 2', 'formula.unexpectedCharacter', 2, { char: '#' }],
    ['FOO(1)', 'formula.unknownFunction', 0, { name: 'FOO' }],
    ['1 + 合计(2)', 'formula.unknownFunction', 4, { name: '合计' }],
    ['abc + 1', 'formula.unknownName', 0, { name: 'abc' }],
    ['1 + 金额', 'formula.unknownName', 4, { name: '金额' }],
    ['IF(1)', 'formula.wrongArgCount', 0, { name: 'IF', expected: '2-3', count: 1 }],
    ['1 + round()', 'formula.wrongArgCount', 4, { name: 'ROUND', expected: '1-2', count: 0 }],
    ['TODAY(1)', 'formula.wrongArgCount', 0, { name: 'TODAY', expected: '0', count: 1 }],
    ['IFS(TRUE, 1, FALSE)', 'formula.wrongArgCount', 0, { name: 'IFS', count: 3 }],
    ['SUM()', 'formula.wrongArgCount', 0, { expected: '1+', count: 0 }],
  ]
  for (const [src, code, position, params] of cases) {
    it(`${JSON.stringify(src)} → ${code} at ${position}`, () => {
      const e = syntaxError(src)
      expect(e.code).toBe(code)
      expect(e.position).toBe(position)
      if (params) expect(e.params).toMatchObject(params)
    })
  }

  it('is an Error with a readable message', () => {
    const e = syntaxError('{金额} + * 2')
    expect(e).toBeInstanceOf(Error)
    expect(e.name).toBe('FormulaSyntaxError')
    expect(e.message).toContain('"*"')
  })
})

describe('nesting limits', () => {
  it('accepts realistic nesting', () => {
    expect(value(`${'('.repeat(100)}1${')'.repeat(100)}`)).toBe(1)
    expect(value(Array(200).fill('1').join('+'))).toBe(200)
  })

  it('rejects absurd nesting with tooDeep instead of overflowing the stack', () => {
    expect(syntaxError(`${'('.repeat(5000)}1${')'.repeat(5000)}`).code).toBe('formula.tooDeep')
    expect(syntaxError(Array(5000).fill('1').join('+')).code).toBe('formula.tooDeep')
    expect(syntaxError(`${'-'.repeat(5000)}1`).code).toBe('formula.tooDeep')
  })
})
