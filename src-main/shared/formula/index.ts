// Public API of the formula engine. Code outside this folder imports from here only.

import { collectRefs } from './analyze'
import { formatRef } from './lexer'
import { parseFormula } from './parser'
import type { FieldRef } from './types'

export { parseFormula } from './parser'
export { collectRefs, checkFormula, findCycle } from './analyze'
export type { CheckResult, FieldResolver } from './analyze'
export { evaluate } from './evaluate'
export type { EvalContext, EvalResult } from './evaluate'
export { FORMULA_FUNCTIONS } from './functions'
export type { FormulaFunctionInfo, FunctionCategory } from './functions'
export { formatRef } from './lexer'
export {
  FORMULA_ERROR_CODES,
  FORMULA_SYNTAX_ERROR_CODES,
  FormulaSyntaxError,
  dateFromIso,
  isFormulaDate,
  makeDate,
  toIsoDate
} from './types'
export type {
  FieldRef,
  FormulaAst,
  FormulaDate,
  FormulaErrorCode,
  FormulaSyntaxErrorCode,
  FormulaType,
  FormulaValue,
  TypeInfo
} from './types'

/**
 * Rewrites the field references of a formula, leaving everything else as the user typed it
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
