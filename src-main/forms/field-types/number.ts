import { ValidationError } from '../../shared/errors'
import { formatAmount, formatNumber, formatPercent, parseNumber, parsePercent, type Parsed } from '../../shared/values'
import type { FieldType } from '../../shared/field-types'
import type { FieldModel } from '../model'
import { rangeFilter, unwrap, badFilterValue } from './common'
import type { FieldTypeModule } from './types'

// Number, amount (currency) and percent (a fraction: 0.15 is 15%). Stored as REAL, rounded to
// the field's precision on write so what is shown is what is stored and summed.

interface NumberConfig { precision?: number; min?: number; max?: number; currency?: string; thousands?: boolean }

function round(n: number, precision: number): number {
  const f = 10 ** precision
  return Math.round((n + Number.EPSILON * Math.sign(n)) * f) / f
}

function numericModule(type: FieldType, parse: (input: unknown) => Parsed<number>, format: (n: number, c: NumberConfig) => string, extraDigits = 0): FieldTypeModule {
  const coerceValue = (input: unknown, field: FieldModel): number => {
    const n = unwrap(parse(input), field, input)
    const precision = (field.config as NumberConfig).precision
    return precision === undefined ? n : round(n, precision + extraDigits)
  }
  return {
    type,
    column: 'REAL',
    searchable: false,
    formulaType: () => 'number',
    coerce: coerceValue,
    validate(stored, field) {
      if (typeof stored !== 'number') return
      const config = field.config as NumberConfig
      const { min, max } = config
      if (min !== undefined && stored < min) throw new ValidationError('value.tooSmall', { field: field.label, min: format(min, config) }, field.apiKey)
      if (max !== undefined && stored > max) throw new ValidationError('value.tooLarge', { field: field.label, max: format(max, config) }, field.apiKey)
    },
    toApi: (stored) => (typeof stored === 'number' ? stored : null),
    toFormula: (stored) => (typeof stored === 'number' ? stored : null),
    format: (stored, field) => (typeof stored === 'number' ? format(stored, field.config as NumberConfig) : ''),
    filter: (op, value, field, ctx) =>
      rangeFilter(op, value, field, ctx.column, (v) => {
        const parsed = parse(v)
        return parsed.ok ? parsed.value : badFilterValue(field)
      })
  }
}

export const number = numericModule('number', parseNumber, (n, c) => formatNumber(n, { precision: c.precision ?? 0, thousands: c.thousands ?? true }))
export const amount = numericModule('amount', parseNumber, (n, c) => formatAmount(n, { precision: c.precision ?? 2, currency: c.currency ?? 'CNY' }))
/** Percent precision counts decimals of the percentage, so the stored fraction keeps two more. */
export const percent = numericModule('percent', parsePercent, (n, c) => formatPercent(n, { precision: c.precision ?? 0 }), 2)
