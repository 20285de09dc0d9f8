// Design-time analysis: which fields a formula reads, what type it produces, and whether the
// formula fields of a form depend on each other in a circle.

import { getFunction, paramAt, type ArgInfo, type ParamType } from './functions'
import { formatRef } from './lexer'
import { parseFormula } from './parser'
import {
  FormulaSyntaxError,
  parseDateText,
  typeMismatch,
  type BinaryNode,
  type FieldRef,
  type FormulaAst,
  type FormulaType,
  type TypeInfo
} from './types'

/** Every field reference, in source order. */
export function collectRefs(ast: FormulaAst): FieldRef[] {
  const refs: FieldRef[] = []
  const walk = (node: FormulaAst): void => {
    switch (node.kind) {
      case 'ref':
        refs.push({ ...node.ref })
        return
      case 'unary':
      case 'percent':
        walk(node.operand)
        return
      case 'binary':
        walk(node.left)
        walk(node.right)
        return
      case 'call':
        node.args.forEach(walk)
        return
      default:
        return
    }
  }
  walk(ast)
  return refs
}

/**
 * Rewrites the field references of a formula, leaving everything else as the user typed it,
 * for when a field or sub-table is renamed. `rename` returns the new label(s), or undefined to
 * keep a reference. Throws FormulaSyntaxError if `src` does not parse.
 */
export function renameRefs(
  src: string,
  rename: (ref: FieldRef) => { name: string; sub?: string } | undefined
): string {
  let out = src
  // From the last reference backwards, so earlier offsets stay valid.
  for (const ref of collectRefs(parseFormula(src)).reverse()) {
    const to = rename(ref)
    if (to) out = out.slice(0, ref.start) + formatRef(to.name, to.sub) + out.slice(ref.end)
  }
  return out
}

/** The type of a referenced field, or undefined when no field has that label. */
export type FieldResolver = (ref: FieldRef) => TypeInfo | undefined

export interface CheckResult {
  /** Annotated with static types, which evaluate uses to keep blank dates blank. */
  ast: FormulaAst
  type: FormulaType
  /** Item type when `type` is 'list'. */
  itemType?: FormulaType
  refs: FieldRef[]
}

/**
 * Parses the formula, resolves every field and infers the result type. Throws
 * FormulaSyntaxError: syntax codes, 'formula.unknownField' at the reference, or
 * 'formula.typeMismatch' at the operand whose type does not fit.
 */
export function checkFormula(src: string, resolve: FieldResolver): CheckResult {
  const ast = parseFormula(src)
  const info = infer(ast, resolve)
  const result: CheckResult = { ast, type: info.type, refs: collectRefs(ast) }
  if (info.type === 'list') result.itemType = info.itemType ?? 'any'
  return result
}

function infer(node: FormulaAst, resolve: FieldResolver): TypeInfo {
  const info = inferNode(node, resolve)
  node.staticType = info.type
  return info
}

function inferNode(node: FormulaAst, resolve: FieldResolver): TypeInfo {
  switch (node.kind) {
    case 'number':
      return { type: 'number' }
    case 'text':
      return { type: 'text' }
    case 'boolean':
      return { type: 'boolean' }
    case 'ref': {
      const found = resolve(node.ref)
      if (!found) {
        const { name, sub } = node.ref
        throw new FormulaSyntaxError('formula.unknownField', node.start, {
          name: sub === undefined ? name : `${name}.${sub}`
        })
      }
      return found.type === 'list' ? { type: 'list', itemType: found.itemType ?? 'any' } : { type: found.type }
    }
    case 'unary': {
      const operand = infer(node.operand, resolve)
      if (node.op === '+') {
        requireScalar(node.operand, operand)
        return operand
      }
      requireNumber(node.operand, operand)
      return { type: 'number' }
    }
    case 'percent':
      requireNumber(node.operand, infer(node.operand, resolve))
      return { type: 'number' }
    case 'binary':
      return inferBinary(node, infer(node.left, resolve), infer(node.right, resolve))
    case 'call': {
      const def = getFunction(node.name)
      if (!def) throw new FormulaSyntaxError('formula.unknownFunction', node.start, { name: node.name })
      const args: ArgInfo[] = node.args.map((arg, i) => {
        const info = infer(arg, resolve)
        checkParam(paramAt(def, i), arg, info)
        return { ...info, node: arg }
      })
      return typeof def.returns === 'function' ? def.returns(args) : { type: def.returns }
    }
  }
}

const NUMERIC: ReadonlySet<FormulaType> = new Set(['number', 'boolean', 'any'])

function requireNumber(node: FormulaAst, info: TypeInfo): void {
  if (!NUMERIC.has(info.type)) throw typeMismatch(node, 'number', info.type)
}

function requireScalar(node: FormulaAst, info: TypeInfo): void {
  if (info.type === 'list') throw typeMismatch(node, 'any', 'list')
}

/** A text literal such as "2024-12-31" may stand where a date is expected, as in Excel. */
const isDateLiteral = (node: FormulaAst): boolean => node.kind === 'text' && parseDateText(node.value) !== null

function checkParam(param: ParamType, node: FormulaAst, info: TypeInfo): void {
  switch (param) {
    case 'values':
      return
    case 'any':
    case 'text':
      requireScalar(node, info)
      return
    case 'number':
      requireNumber(node, info)
      return
    case 'boolean':
      if (!NUMERIC.has(info.type)) throw typeMismatch(node, 'boolean', info.type)
      return
    case 'date':
      if (info.type !== 'date' && info.type !== 'any' && !isDateLiteral(node)) throw typeMismatch(node, 'date', info.type)
      return
    case 'numbers': {
      const item = info.type === 'list' ? (info.itemType ?? 'any') : info.type
      if (item === 'list' || !NUMERIC.has(item)) throw typeMismatch(node, 'number', item)
      return
    }
  }
}

function inferBinary(node: BinaryNode, l: TypeInfo, r: TypeInfo): TypeInfo {
  switch (node.op) {
    case '+':
    case '-':
      return inferAdditive(node, l, r)
    case '*':
    case '/':
    case '^':
      requireNumber(node.left, l)
      requireNumber(node.right, r)
      return { type: 'number' }
    case '&':
      requireScalar(node.left, l)
      requireScalar(node.right, r)
      return { type: 'text' }
    default:
      checkComparable(node, l, r)
      return { type: 'boolean' }
  }
}

function inferAdditive(node: BinaryNode, l: TypeInfo, r: TypeInfo): TypeInfo {
  const subtract = node.op === '-'
  if (l.type === 'date' && r.type === 'date') {
    if (subtract) return { type: 'number' }
    throw typeMismatch(node.right, 'number', 'date')
  }
  if (l.type === 'date') {
    requireNumber(node.right, r)
    // {日期} - {x} with an untyped x may be a date minus a date (days) or minus days (a date).
    return { type: subtract && r.type === 'any' ? 'any' : 'date' }
  }
  if (r.type === 'date') {
    if (subtract) throw typeMismatch(node.right, 'number', 'date')
    requireNumber(node.left, l)
    return { type: 'date' }
  }
  requireNumber(node.left, l)
  requireNumber(node.right, r)
  // An untyped operand may turn out to be a date, which would make the sum a date.
  if (l.type === 'any' || (!subtract && r.type === 'any')) return { type: 'any' }
  return { type: 'number' }
}

function checkComparable(node: BinaryNode, l: TypeInfo, r: TypeInfo): void {
  requireScalar(node.left, l)
  requireScalar(node.right, r)
  if (l.type === 'any' || r.type === 'any' || l.type === r.type) return
  if (l.type === 'date' && isDateLiteral(node.right)) return
  if (r.type === 'date' && isDateLiteral(node.left)) return
  throw typeMismatch(node.right, l.type, r.type)
}

/**
 * Finds a dependency cycle among formula fields. `deps` maps a field id to the ids it reads;
 * ids that are not keys have no dependencies. Returns the cycle as a closed path
 * ([a, b, c, a] for a → b → c → a), or null. Iterative, so long chains cannot overflow the stack.
 */
export function findCycle(deps: ReadonlyMap<string, readonly string[]>): string[] | null {
  const ON_PATH = 1
  const DONE = 2
  const state = new Map<string, typeof ON_PATH | typeof DONE>()
  for (const root of deps.keys()) {
    if (state.has(root)) continue
    const path = [root]
    const pending = [(deps.get(root) ?? [])[Symbol.iterator]()]
    state.set(root, ON_PATH)
    while (path.length > 0) {
      const step = pending[pending.length - 1].next()
      if (step.done) {
        state.set(path.pop() as string, DONE)
        pending.pop()
        continue
      }
      const next = step.value
      const seen = state.get(next)
      if (seen === ON_PATH) return [...path.slice(path.indexOf(next)), next]
      if (seen === DONE) continue
      state.set(next, ON_PATH)
      path.push(next)
      pending.push((deps.get(next) ?? [])[Symbol.iterator]())
    }
  }
  return null
}
