import { formatDate, formatDateTime, parseDate, parseDateTime } from '../../shared/values'
import { dateFromIso } from '../../shared/formula'
import type { FieldModel } from '../model'
import { badFilterValue, rangeFilter, relativeRange, RELATIVE_DATE_OPS, unwrap } from './common'
import type { FieldTypeModule } from './types'
import { ValidationError } from '../../shared/errors'
import { isoTime } from '../../shared/iso-time'

// Date (stored as ISO 'YYYY-MM-DD' text, which sorts and compares correctly) and date-time
// (stored as epoch milliseconds). Relative operators resolve against the injectable clock.

export const date: FieldTypeModule = {
  type: 'date',
  column: 'TEXT',
  searchable: false,
  formulaType: () => 'date',
  coerce: (input, field) => unwrap(parseDate(input), field, input),
  validate(stored, field: FieldModel) {
    const { min, max } = field.config as { min?: string; max?: string }
    if (typeof stored !== 'string') return
    if (min && stored < min) throw new ValidationError('value.tooSmall', { field: field.label, min }, field.apiKey)
    if (max && stored > max) throw new ValidationError('value.tooLarge', { field: field.label, max }, field.apiKey)
  },
  toApi: (stored) => (typeof stored === 'string' ? stored : null),
  toFormula: (stored) => (typeof stored === 'string' ? dateFromIso(stored) : null),
  format: (stored, _f, locale) => (typeof stored === 'string' ? formatDate(stored, locale) : ''),
  filter(op, value, field, ctx) {
    if (RELATIVE_DATE_OPS.has(op)) {
      const range = relativeRange(op, value, ctx.clock.now())
      if (!range) return badFilterValue(field)
      return { sql: `(${ctx.column} >= ? AND ${ctx.column} < ?)`, params: [range[0].format('YYYY-MM-DD'), range[1].format('YYYY-MM-DD')] }
    }
    return rangeFilter(op, value, field, ctx.column, (v) => {
      const parsed = parseDate(v)
      return parsed.ok ? parsed.value : badFilterValue(field)
    })
  }
}

export const datetime: FieldTypeModule = {
  type: 'datetime',
  column: 'INTEGER',
  searchable: false,
  formulaType: () => 'date',
  coerce: (input, field) => unwrap(parseDateTime(input), field, input),
  toApi: (stored) => (typeof stored === 'number' ? isoTime(stored) : null),
  toFormula: (stored) => (typeof stored === 'number' ? { kind: 'date', ms: stored, hasTime: true } : null),
  format: (stored, _f, locale) => (typeof stored === 'number' ? formatDateTime(stored, locale) : ''),
  filter(op, value, field, ctx) {
    if (RELATIVE_DATE_OPS.has(op)) {
      const range = relativeRange(op, value, ctx.clock.now())
      if (!range) return badFilterValue(field)
      return { sql: `(${ctx.column} >= ? AND ${ctx.column} < ?)`, params: [range[0].valueOf(), range[1].valueOf()] }
    }
    return rangeFilter(op, value, field, ctx.column, (v) => {
      const parsed = parseDateTime(v)
      return parsed.ok ? parsed.value : badFilterValue(field)
    })
  }
}

