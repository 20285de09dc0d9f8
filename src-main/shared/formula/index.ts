// Public API of the formula engine. Code outside this folder imports from here only.

export { parseFormula } from './parser'
export { collectRefs, checkFormula, findCycle, renameRefs } from './analyze'
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
