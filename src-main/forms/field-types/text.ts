import { ValidationError } from '../../shared/errors'
import { normalizeWidth, parseEmail, parsePhone, parseUrl, type Parsed } from '../../shared/values'
import type { FieldType } from '../../shared/field-types'
import type { FieldModel } from '../model'
import { asText, textFilter, unwrap } from './common'
import type { FieldTypeModule } from './types'

// Single-line text and the text types that normalize their input (phone, email, URL), plus
// multi-line text. Stored as TEXT; searchable; text operators.

function textModule(type: FieldType, parse?: (input: unknown) => Parsed<string>): FieldTypeModule {
  return {
    type,
    column: 'TEXT',
    searchable: true,
    formulaType: () => 'text',
    coerce(input, field) {
      if (parse) return unwrap(parse(typeof input === 'string' ? normalizeWidth(input) : input), field, input)
      return asText(input, field).trim()
    },
    toApi: (stored) => stored,
    toFormula: (stored) => (typeof stored === 'string' ? stored : null),
    format: (stored) => (typeof stored === 'string' ? stored : ''),
    filter: textFilter
  }
}

// Patterns compiled once each (an import checks the same pattern on every row).
const patterns = new Map<string, RegExp>()
function compiled(pattern: string): RegExp {
  let re = patterns.get(pattern)
  if (!re) {
    if (patterns.size > 200) patterns.clear()
    re = new RegExp(pattern, 'u')
    patterns.set(pattern, re)
  }
  return re
}

function lengthRules(stored: unknown, field: FieldModel): void {
  if (typeof stored !== 'string') return
  const { minLength, maxLength, pattern } = field.config as { minLength?: number; maxLength?: number; pattern?: string }
  if (minLength !== undefined || maxLength !== undefined) {
    const length = [...stored].length
    if (minLength !== undefined && length < minLength) throw new ValidationError('value.tooShort', { field: field.label, min: minLength }, field.apiKey)
    if (maxLength !== undefined && length > maxLength) throw new ValidationError('value.tooLong', { field: field.label, max: maxLength }, field.apiKey)
  }
  if (pattern && !compiled(pattern).test(stored)) {
    const message = (field.config as { patternMessage?: string }).patternMessage
    throw new ValidationError(message ? 'value.formRule' : 'value.pattern', { field: field.label, message: message ?? '' }, field.apiKey)
  }
}

export const text: FieldTypeModule = { ...textModule('text'), validate: lengthRules }
export const textarea: FieldTypeModule = {
  ...textModule('textarea'),
  coerce: (input, field) => asText(input, field),
  validate: lengthRules
}
export const phone = textModule('phone', parsePhone)
export const email = textModule('email', parseEmail)
export const url = textModule('url', parseUrl)
