import { dateFromIso, toIsoDate, type FormulaValue } from '../../shared/formula'
import type { FieldModel } from '../model'
import { fail } from './common'
import { number } from './number'
import { formatPercent } from '../../shared/values'
import { date } from './date'
import { text } from './text'
import { checkbox } from './select'
import type { FieldTypeModule } from './types'

// Fields whose value the engine computes in the write pipeline: formulas, auto-numbers and
// roll-ups. They are stored (so views sort and filter them with indexes) and never written by
// clients. A formula behaves like the type of its result for display and filtering.

/** The plain field type a formula result behaves like. */
const RESULT_MODULE: Record<string, FieldTypeModule> = { number, text, date, boolean: checkbox }
const resultModule = (field: FieldModel) => RESULT_MODULE[field.resultType ?? 'text'] ?? text

/** A formula value → what is stored in the column for the field's result type. */
export function storeFormulaValue(value: FormulaValue): number | string | null {
  if (value === null || value === undefined) return null
  if (Array.isArray(value)) return value.length ? value.map((v) => (typeof v === 'object' && v !== null && !Array.isArray(v) ? toIsoDate(v) : String(v ?? ''))).join(', ') : null
  if (typeof value === 'object') return toIsoDate(value)
  if (typeof value === 'boolean') return value ? 1 : 0
  if (typeof value === 'number') return Number.isFinite(value) ? value : null
  return value === '' ? null : value
}

const readOnly = (_input: unknown, field: FieldModel): never => fail(field, 'value.readOnly', '')

export const formula: FieldTypeModule = {
  type: 'formula',
  column: 'BLOB',
  searchable: false,
  formulaType: (field) => field.resultType ?? 'any',
  coerce: readOnly,
  toApi: (stored, field) => (field.resultType === 'boolean' ? stored === 1 : stored ?? null),
  toFormula: (stored, field) => {
    if (stored === null || stored === undefined) return null
    if (field.resultType === 'date' && typeof stored === 'string') return dateFromIso(stored)
    if (field.resultType === 'boolean') return stored === 1
    return stored as FormulaValue
  },
  format: (stored, field, locale) => {
    const precision = (field.config as { precision?: number }).precision ?? 2
    // A fraction shown as a percentage (最大折扣 0.1 → 10%, 0.125 → 12.5%): the stored value is
    // already rounded to the formula's precision, so its digits are shown as they are.
    if (field.config.format === 'percent' && field.resultType === 'number') return typeof stored === 'number' ? formatPercent(stored) : ''
    return resultModule(field).format(stored, { ...field, config: { precision } }, locale)
  },
  filter: (op, value, field, ctx) => resultModule(field).filter(op, value, field, ctx)
}

export const autonumber: FieldTypeModule = {
  ...text,
  type: 'autonumber',
  coerce: readOnly,
  validate: undefined
}

export const rollup: FieldTypeModule = {
  ...number,
  type: 'rollup',
  coerce: readOnly,
  validate: undefined,
  format: (stored, field, locale) => number.format(stored, { ...field, config: { precision: 2 } }, locale)
}
