import { describe, it, expect } from 'vitest'
import {
  checkFormula,
  collectRefs,
  findCycle,
  formatRef,
  FormulaSyntaxError,
  parseFormula,
  renameRefs,
  type FieldRef,
  type TypeInfo
} from '../../../../src-main/shared/formula'

// The fields of a contract form, as the form engine would resolve them.
const FIELDS: Record<string, TypeInfo> = {
  合同总金额: { type: 'number' },
  已回款金额: { type: 'number' },
  客户名称: { type: 'text' },
  签约日期: { type: 'date' },
  到期日: { type: 'date' },
  已签约: { type: 'boolean' },
  备注: { type: 'any' },
  '回款计划.金额': { type: 'list', itemType: 'number' },
  '回款计划.计划日期': { type: 'list', itemType: 'date' },
  '联系人.姓名': { type: 'list', itemType: 'text' },
  '客户.等级': { type: 'text' }
}

const resolve = (ref: FieldRef): TypeInfo | undefined => FIELDS[ref.sub === undefined ? ref.name : `${ref.name}.${ref.sub}`]

function checkError(src: string): FormulaSyntaxError {
  try {
    checkFormula(src, resolve)
  } catch (e) {
    if (e instanceof FormulaSyntaxError) return e
    throw e
  }
  throw new Error(`expected ${src} to be rejected`)
}

describe('collectRefs', () => {
  it('lists every reference in source order with its offsets', () => {
    const src = '{合同总金额} - {已回款金额} + SUM({回款计划.金额})'
    expect(collectRefs(parseFormula(src))).toEqual([
      { name: '合同总金额', start: 0, end: 7 },
      { name: '已回款金额', start: 10, end: 17 },
      { name: '回款计划', sub: '金额', start: 24, end: 33 }
    ])
  })

  it('finds references inside functions, unary operators and percentages', () => {
    const refs = collectRefs(parseFormula('IF(-{a} > 0, {b}%, TEXT({c}, "0"))'))
    expect(refs.map((r) => r.name)).toEqual(['a', 'b', 'c'])
  })

  it('keeps a field referenced twice twice (each occurrence has its own position)', () => {
    expect(collectRefs(parseFormula('{a} * {a}'))).toHaveLength(2)
  })

  it('returns copies, so callers cannot corrupt the AST', () => {
    const ast = parseFormula('{a}')
    collectRefs(ast)[0].name = 'b'
    expect(collectRefs(ast)[0].name).toBe('a')
  })
})

describe('checkFormula infers the result type', () => {
  const cases: Array<[string, string]> = [
    ['{合同总金额} - {已回款金额}', 'number'],
    ['{已回款金额} / {合同总金额}', 'number'],
    ['{签约日期} + 30', 'date'],
    ['30 + {签约日期}', 'date'],
    ['{到期日} - 7', 'date'],
    ['{到期日} - {签约日期}', 'number'],
    ['{客户名称} & "：" & {合同总金额}', 'text'],
    ['{合同总金额} > 100000', 'boolean'],
    ['{签约日期} >= "2024-01-01"', 'boolean'],
    ['IF({已签约}, {合同总金额}, 0)', 'number'],
    ['IF({已签约}, "是")', 'text'],
    ['IF({已签约}, {备注}, 1)', 'number'],
    ['IFS({合同总金额} > 10, "大", TRUE, "小")', 'text'],
    ['SWITCH({客户.等级}, "A", 0.9, "B", 0.95, 1)', 'number'],
    ['SUM({回款计划.金额})', 'number'],
    ['MIN({回款计划.计划日期})', 'date'],
    ['MAX({回款计划.金额}, 0)', 'number'],
    ['COUNTA({联系人.姓名})', 'number'],
    ['CONCAT({联系人.姓名})', 'text'],
    ['TEXT({签约日期}, "YYYY年MM月DD日")', 'text'],
    ['DATEDIF({签约日期}, TODAY(), "M")', 'number'],
    ['EDATE("2024-01-31", 1)', 'date'],
    ['{备注}', 'any'],
    ['{备注} + 1', 'any'],
    ['1 - {备注}', 'number'],
    ['-{合同总金额}', 'number'],
    ['+{客户名称}', 'text'],
    ['{合同总金额}%', 'number']
  ]
  for (const [src, type] of cases) {
    it(`${src} : ${type}`, () => {
      expect(checkFormula(src, resolve).type).toBe(type)
    })
  }

  it('reports a list and its item type for a bare sub-table column', () => {
    expect(checkFormula('{回款计划.金额}', resolve)).toMatchObject({ type: 'list', itemType: 'number' })
  })

  it('returns the AST and the references', () => {
    const r = checkFormula('{合同总金额} - {已回款金额}', resolve)
    expect(r.ast.kind).toBe('binary')
    expect(r.refs.map((x) => x.name)).toEqual(['合同总金额', '已回款金额'])
  })

  it('asks the resolver about every reference', () => {
    const asked: string[] = []
    checkFormula('{合同总金额} + SUM({回款计划.金额})', (ref) => {
      asked.push(ref.sub ? `${ref.name}.${ref.sub}` : ref.name)
      return resolve(ref)
    })
    expect(asked).toEqual(['合同总金额', '回款计划.金额'])
  })
})

describe('checkFormula rejects', () => {
  it('an unknown field, at the reference', () => {
    const e = checkError('{合同总金额} + {不存在}')
    expect(e).toMatchObject({ code: 'formula.unknownField', position: 10, params: { name: '不存在' } })
  })

  it('an unknown sub-table column, naming the whole path', () => {
    expect(checkError('SUM({回款计划.不存在})')).toMatchObject({ code: 'formula.unknownField', position: 4, params: { name: '回款计划.不存在' } })
  })

  it('syntax errors as parseFormula does', () => {
    expect(checkError('{合同总金额} + * 2')).toMatchObject({ code: 'formula.unexpectedToken', position: 10 })
  })

  const mismatches: Array<[string, number, string, string]> = [
    ['{客户名称} * 2', 0, 'number', 'text'],
    ['2 * {客户名称}', 4, 'number', 'text'],
    ['{回款计划.金额} + 1', 0, 'number', 'list'],
    ['{回款计划.金额} & ""', 0, 'any', 'list'],
    ['{签约日期} + {到期日}', 9, 'number', 'date'],
    ['1 - {签约日期}', 4, 'number', 'date'],
    ['{签约日期} * 2', 0, 'number', 'date'],
    ['-{客户名称}', 1, 'number', 'text'],
    ['{合同总金额} = "5"', 10, 'number', 'text'],
    ['{签约日期} > "下周"', 9, 'date', 'text'],
    ['IF({已签约}, 1, "一")', 13, 'number', 'text'],
    ['IF({客户名称}, 1, 2)', 3, 'boolean', 'text'],
    ['YEAR({客户名称})', 5, 'date', 'text'],
    ['YEAR("hello")', 5, 'date', 'text'],
    ['SUM({联系人.姓名})', 4, 'number', 'text'],
    ['MIN({回款计划.计划日期}, 1)', 17, 'date', 'number'],
    ['LEN({回款计划.金额})', 4, 'any', 'list'],
    ['ROUND({签约日期}, 2)', 6, 'number', 'date']
  ]
  for (const [src, position, expected, actual] of mismatches) {
    it(`${src}: ${actual} where ${expected} is needed, at ${position}`, () => {
      expect(checkError(src)).toMatchObject({ code: 'formula.typeMismatch', position, params: { expected, actual } })
    })
  }
})

describe('findCycle', () => {
  const graph = (edges: Record<string, string[]>) => new Map(Object.entries(edges))

  it('returns null for an acyclic graph, diamonds included', () => {
    expect(findCycle(graph({ a: ['b', 'c'], b: ['d'], c: ['d'], d: [] }))).toBeNull()
    expect(findCycle(new Map())).toBeNull()
  })

  it('treats ids that are not keys as having no dependencies', () => {
    expect(findCycle(graph({ a: ['plain-field'] }))).toBeNull()
  })

  it('returns the cycle as a closed path', () => {
    expect(findCycle(graph({ a: ['b'], b: ['c'], c: ['a'] }))).toEqual(['a', 'b', 'c', 'a'])
  })

  it('finds a field that reads itself', () => {
    expect(findCycle(graph({ a: ['a'] }))).toEqual(['a', 'a'])
  })

  it('returns only the cycle, not the path that led to it', () => {
    expect(findCycle(graph({ x: ['y'], y: ['a'], a: ['b'], b: ['a'] }))).toEqual(['a', 'b', 'a'])
  })

  it('finds a cycle reachable only from a later key', () => {
    expect(findCycle(graph({ p: ['q'], q: [], r: ['s'], s: ['r'] }))).toEqual(['r', 's', 'r'])
  })

  it('handles long chains without overflowing the stack', () => {
    const n = 100_000
    const deps = new Map<string, string[]>()
    for (let i = 0; i < n; i++) deps.set(`f${i}`, [`f${i + 1}`])
    expect(findCycle(deps)).toBeNull()
    deps.set(`f${n}`, ['f0'])
    expect(findCycle(deps)).toHaveLength(n + 2)
  })
})

describe('formatRef and renameRefs', () => {
  it('formatRef escapes what would end or split a label', () => {
    expect(formatRef('金额')).toBe('{金额}')
    expect(formatRef('回款计划', '金额')).toBe('{回款计划.金额}')
    const ast = parseFormula(formatRef('No. {x}', 'a.b\\c'))
    expect(ast).toMatchObject({ ref: { name: 'No. {x}', sub: 'a.b\\c' } })
  })

  it('renameRefs rewrites references and keeps the rest as typed', () => {
    const src = 'IF( {金额}>0 ,  {金额} * 2 , SUM({回款计划.金额}) ) & "{金额}"'
    const out = renameRefs(src, (ref) => {
      if (ref.name === '金额' && ref.sub === undefined) return { name: '合同金额' }
      if (ref.name === '回款计划') return { name: '回款明细', sub: ref.sub }
      return undefined
    })
    expect(out).toBe('IF( {合同金额}>0 ,  {合同金额} * 2 , SUM({回款明细.金额}) ) & "{金额}"')
  })
})
