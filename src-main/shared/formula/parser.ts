// Pratt parser with Excel's operator precedence, lowest first:
//   comparison (= <> < > <= >=)  <  &  <  + -  <  * /  <  ^  <  postfix %  <  unary + -
// All binary operators are left-associative, ^ included (2^3^2 = 64, as in Excel), and
// negation binds tighter than ^ (-2^2 = 4, as in Excel).

import { arityOk, arityText, getFunction } from './functions'
import { Lexer, type Token } from './lexer'
import { FormulaSyntaxError, type BinaryOp, type FormulaAst } from './types'

const INFIX_POWER: Record<BinaryOp, number> = {
  '=': 1, '<>': 1, '<': 1, '>': 1, '<=': 1, '>=': 1,
  '&': 2,
  '+': 3, '-': 3,
  '*': 4, '/': 4,
  '^': 5
}
const PERCENT_POWER = 6
const PREFIX_POWER = 7

/**
 * Bound on the height of the tree, so that parsing and every later recursive walk (analysis,
 * evaluation) stay far from the call-stack limit whatever the input.
 */
const MAX_DEPTH = 500

class Parser {
  private readonly lexer: Lexer
  private tok: Token

  constructor(private readonly src: string) {
    this.lexer = new Lexer(src)
    this.tok = this.lexer.next()
  }

  parse(): FormulaAst {
    const first = this.tok
    if (first.kind === 'eof') throw new FormulaSyntaxError('formula.empty', first.start)
    const ast = this.expression(0, 0)
    const rest = this.tok
    if (rest.kind !== 'eof') throw this.unexpected(rest)
    return ast
  }

  private advance(): Token {
    const t = this.tok
    this.tok = this.lexer.next()
    return t
  }

  private unexpected(t: Token): FormulaSyntaxError {
    if (t.kind === 'eof') return new FormulaSyntaxError('formula.unexpectedEnd', t.start)
    return new FormulaSyntaxError('formula.unexpectedToken', t.start, { token: this.src.slice(t.start, t.end) })
  }

  /** Parses operators binding at least `minPower`; `depth` is the height budget already used. */
  private expression(minPower: number, depth: number): FormulaAst {
    let level = depth
    let left = this.prefix(level)
    for (;;) {
      const t = this.tok
      if (t.kind !== 'op') return left
      const power = t.op === '%' ? PERCENT_POWER : INFIX_POWER[t.op]
      if (power < minPower) return left
      // Each operator applied to `left` makes the tree one level taller.
      if (++level > MAX_DEPTH) throw new FormulaSyntaxError('formula.tooDeep', t.start)
      this.advance()
      if (t.op === '%') {
        left = { kind: 'percent', operand: left, start: left.start, end: t.end }
        continue
      }
      const right = this.expression(power + 1, level)
      left = { kind: 'binary', op: t.op, left, right, start: left.start, end: right.end }
    }
  }

  private prefix(depth: number): FormulaAst {
    if (depth > MAX_DEPTH) throw new FormulaSyntaxError('formula.tooDeep', this.tok.start)
    const t = this.advance()
    switch (t.kind) {
      case 'number':
        return { kind: 'number', value: t.value, start: t.start, end: t.end }
      case 'string':
        return { kind: 'text', value: t.value, start: t.start, end: t.end }
      case 'ref': {
        const ref = t.sub === undefined
          ? { name: t.name, start: t.start, end: t.end }
          : { name: t.name, sub: t.sub, start: t.start, end: t.end }
        return { kind: 'ref', ref, start: t.start, end: t.end }
      }
      case 'ident': {
        if (this.tok.kind === '(') return this.call(t, depth)
        const upper = t.name.toUpperCase()
        if (upper === 'TRUE' || upper === 'FALSE') {
          return { kind: 'boolean', value: upper === 'TRUE', start: t.start, end: t.end }
        }
        throw new FormulaSyntaxError('formula.unknownName', t.start, { name: t.name })
      }
      case 'op': {
        if (t.op !== '+' && t.op !== '-') throw this.unexpected(t)
        const operand = this.expression(PREFIX_POWER, depth + 1)
        return { kind: 'unary', op: t.op, operand, start: t.start, end: operand.end }
      }
      case '(': {
        const inner = this.expression(0, depth + 1)
        const close = this.closeParen(t)
        // The node spans its parentheses, so an error or highlight covers what the user wrote.
        return { ...inner, start: t.start, end: close.end }
      }
      default:
        throw this.unexpected(t)
    }
  }

  private closeParen(open: Token): Token {
    if (this.tok.kind === ')') return this.advance()
    if (this.tok.kind === 'eof') throw new FormulaSyntaxError('formula.unclosedParen', open.start)
    throw this.unexpected(this.tok)
  }

  private call(nameTok: Token & { kind: 'ident' }, depth: number): FormulaAst {
    const def = getFunction(nameTok.name)
    if (!def) throw new FormulaSyntaxError('formula.unknownFunction', nameTok.start, { name: nameTok.name })
    const open = this.advance()
    const args: FormulaAst[] = []
    if (this.tok.kind !== ')') {
      for (;;) {
        args.push(this.expression(0, depth + 1))
        if (this.tok.kind !== ',') break
        this.advance()
      }
    }
    const close = this.closeParen(open)
    if (!arityOk(def, args.length)) {
      throw new FormulaSyntaxError('formula.wrongArgCount', nameTok.start, {
        name: def.name,
        expected: arityText(def),
        count: args.length
      })
    }
    return { kind: 'call', name: def.name, args, start: nameTok.start, end: close.end }
  }
}

/** Parses formula source into an AST; throws FormulaSyntaxError with the offending offset. */
export function parseFormula(src: string): FormulaAst {
  return new Parser(src).parse()
}
