// Tree-walking evaluator. Runtime problems (division by zero, text where a number is needed)
// become an error result, as an Excel cell shows #DIV/0!; they never throw out of `evaluate`.

import { getFunction, paramAt, power } from './functions'
import {
  FormulaRuntimeError,
  addDays,
  isBlank,
  compareValues,
  dayDiff,
  isFormulaDate,
  toBoolean,
  toDate,
  toNumber,
  toText,
  type BinaryNode,
  type CallNode,
  type FieldRef,
  type FormulaAst,
  type FormulaErrorCode,
  type FormulaValue
} from './types'

export interface EvalContext {
  /** The value of a referenced field; dates as FormulaDate, a sub-table column as a list. */
  get(ref: FieldRef): FormulaValue
  /** Epoch milliseconds from the injectable clock; TODAY() and NOW() read it. */
  now(): number
}

export interface EvalResult {
  value: FormulaValue
  error?: { code: FormulaErrorCode; message: string }
}

export function evaluate(ast: FormulaAst, ctx: EvalContext): EvalResult {
  try {
    return { value: evalNode(ast, ctx) }
  } catch (e) {
    if (e instanceof FormulaRuntimeError) return { value: null, error: { code: e.code, message: e.message } }
    throw e
  }
}

function finite(n: number): number {
  if (!Number.isFinite(n)) throw new FormulaRuntimeError('NUM')
  return n
}

function evalNode(node: FormulaAst, ctx: EvalContext): FormulaValue {
  switch (node.kind) {
    case 'number':
    case 'text':
    case 'boolean':
      return node.value
    case 'ref':
      return ctx.get(node.ref) ?? null
    case 'unary': {
      const v = evalNode(node.operand, ctx)
      if (node.op === '+') return v
      if (isFormulaDate(v)) throw new FormulaRuntimeError('VALUE', 'cannot negate a date')
      return 0 - toNumber(v); // 0 - x rather than -x: no -0
    }
    case 'percent':
      return toNumber(evalNode(node.operand, ctx)) / 100
    case 'binary':
      return evalBinary(node, ctx)
    case 'call':
      return evalCall(node, ctx)
  }
}

function evalBinary(node: BinaryNode, ctx: EvalContext): FormulaValue {
  const l = evalNode(node.left, ctx)
  const r = evalNode(node.right, ctx)
  switch (node.op) {
    case '+':
    case '-': {
      // A blank date has no place in time: {签约日期} + 30 stays blank instead of becoming the
      // number 30. Only an AST from checkFormula knows which blanks are dates.
      if ((l === null && node.left.staticType === 'date') || (r === null && node.right.staticType === 'date')) {
        return null
      }
      return additive(l, r, node.op === '+' ? 1 : -1)
    }
    case '*':
      return finite(toNumber(l) * toNumber(r))
    case '/': {
      const divisor = toNumber(r)
      if (divisor === 0) throw new FormulaRuntimeError('DIV0')
      return finite(toNumber(l) / divisor)
    }
    case '^':
      return power(toNumber(l), toNumber(r))
    case '&':
      return toText(l) + toText(r)
    default:
      return compare(node.op, l, r)
  }
}

/** Date ± days → date; date − date → days; otherwise plain numbers. */
function additive(l: FormulaValue, r: FormulaValue, sign: 1 | -1): FormulaValue {
  if (isFormulaDate(l)) {
    if (isFormulaDate(r)) {
      if (sign === 1) throw new FormulaRuntimeError('VALUE', 'cannot add two dates')
      return dayDiff(l, r)
    }
    return addDays(l, sign * toNumber(r))
  }
  if (isFormulaDate(r)) {
    if (sign === -1) throw new FormulaRuntimeError('VALUE', 'cannot subtract a date from a number')
    return addDays(r, toNumber(l))
  }
  return finite(toNumber(l) + sign * toNumber(r))
}

function compare(op: '=' | '<>' | '<' | '>' | '<=' | '>=', l: FormulaValue, r: FormulaValue): boolean {
  const c = compareValues(l, r)
  if (op === '=') return c === 0
  if (op === '<>') return c !== 0
  if (c === null) throw new FormulaRuntimeError('VALUE', `cannot order ${toText(l)} and ${toText(r)}`)
  switch (op) {
    case '<': return c < 0
    case '>': return c > 0
    case '<=': return c <= 0
    default: return c >= 0
  }
}

function evalCall(node: CallNode, ctx: EvalContext): FormulaValue {
  // The parser only builds calls to registered functions; a stored AST can outlive a function.
  const def = getFunction(node.name)
  if (!def) throw new FormulaRuntimeError('NAME', node.name)
  if (def.lazy) return def.impl(node.args.map((arg) => () => evalNode(arg, ctx)), ctx)

  let blankDate = false
  const args = node.args.map((arg, i) => {
    const v = evalNode(arg, ctx)
    // VALUE({空}) stays blank (not 0); DATE with a blank part is blank (not a made-up date).
    if (def.blankIn === 'field' ? v === null : def.blankIn === 'blank' && (isBlank(v) || (typeof v === 'string' && v.trim() === ''))) blankDate = true
    switch (paramAt(def, i)) {
      case 'number': return toNumber(v)
      case 'text': return toText(v)
      case 'boolean': return toBoolean(v)
      case 'date': {
        const d = toDate(v)
        if (d === null) blankDate = true
        return d
      }
      default: return v
    }
  })
  // Every argument is still evaluated first, so an error in any of them is reported.
  if (blankDate) return null
  return def.impl(args, ctx)
}
