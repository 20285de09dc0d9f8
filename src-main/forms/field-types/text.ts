import { ValidationError } from '../../shared/errors'
import { normalizeWidth, parseEmail, parsePhone, parsePhoneAsTyped, parseUrl, type Parsed } from '../../shared/values'
import { TEXT_LIMITS, type FieldType } from '../../shared/field-types'
import type { FieldModel } from '../model'
import { asText, storedAsIs, textFilter, unwrap } from './common'
import type { FieldTypeModule } from './types'

// Single-line text and the text types that normalize their input (phone, email, URL), plus
// multi-line text. Stored as TEXT; searchable; text operators.

type TextType = keyof typeof TEXT_LIMITS

/** The most characters a value of the field may have: its maxLength, else the type's default, never past the ceiling. */
export function maxLengthOf(field: FieldModel): number {
  const limits = TEXT_LIMITS[field.type as TextType] ?? TEXT_LIMITS.text
  const configured = (field.config as { maxLength?: number }).maxLength
  return Math.min(configured ?? limits.default, limits.ceiling)
}

function tooLong(field: FieldModel, max: number): never {
  throw new ValidationError('value.tooLong', { field: field.label, max }, field.apiKey)
}

/**
 * Refuses input far past the field's limit before anything parses or copies it (a UTF-16 string
 * has at least half as many characters as code units); `lengthRules` then counts exactly.
 */
function guardSize(input: unknown, field: FieldModel): void {
  if (typeof input !== 'string') return
  const max = maxLengthOf(field)
  if (input.length > 2 * max) tooLong(field, max)
}

function textModule(type: FieldType, parse?: (input: unknown) => Parsed<string>): FieldTypeModule {
  return {
    type,
    column: 'TEXT',
    searchable: true,
    formulaType: () => 'text',
    coerce(input, field) {
      guardSize(input, field)
      if (parse) return unwrap(parse(typeof input === 'string' ? normalizeWidth(input) : input), field, input)
      return asText(input, field).trim()
    },
    toApi: storedAsIs,
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

/** Characters (code points), counted only when the UTF-16 length does not already settle it. */
function characters(s: string, max: number): number {
  return s.length <= max ? s.length : [...s].length
}

function lengthRules(stored: unknown, field: FieldModel): void {
  if (typeof stored !== 'string') return
  const { minLength, pattern } = field.config as { minLength?: number; pattern?: string }
  const max = maxLengthOf(field)
  const length = characters(stored, max)
  if (length > max) tooLong(field, max)
  if (minLength !== undefined && [...stored].length < minLength) throw new ValidationError('value.tooShort', { field: field.label, min: minLength }, field.apiKey)
  if (pattern && !compiled(pattern).test(stored)) {
    const message = (field.config as { patternMessage?: string }).patternMessage
    throw new ValidationError(message ? 'value.formRule' : 'value.pattern', { field: field.label, message: message ?? '' }, field.apiKey)
  }
}

export const text: FieldTypeModule = { ...textModule('text'), validate: lengthRules }
export const textarea: FieldTypeModule = {
  ...textModule('textarea'),
  coerce: (input, field) => {
    guardSize(input, field)
    return asText(input, field)
  },
  validate: lengthRules
}
/** Checked as a Chinese mobile, landline with area code, 400/800 or international number; kept as typed. */
export const phone: FieldTypeModule = { ...textModule('phone', parsePhoneAsTyped), validate: lengthRules }
/** The digits form of a stored phone (13812345678 for 138-1234-5678), so a search by digits finds it. */
export function phoneSearchForm(stored: unknown): string | null {
  const parsed = parsePhone(stored)
  return parsed.ok && parsed.value !== stored ? parsed.value : null
}
export const email: FieldTypeModule = { ...textModule('email', parseEmail), validate: lengthRules }
export const url: FieldTypeModule = { ...textModule('url', parseUrl), validate: lengthRules }
