import { parseBoolean } from '../../shared/values'
import { findOptionIn } from '../../shared/filter-match'
import type { SelectOption } from '../../shared/field-types'
import { ValidationError } from '../../shared/errors'
import type { FieldModel } from '../model'
import { badFilter, badFilterValue, fail, unwrap } from './common'
import type { FieldTypeModule, Sql } from './types'

// Single and multi select store option ids, so renaming an option never touches records.
// The API speaks option labels (and accepts ids). Multi select keeps a JSON array of ids.

export function optionsOf(field: FieldModel): SelectOption[] {
  return ((field.config as { options?: SelectOption[] }).options ?? []) as SelectOption[]
}

function findOption(field: FieldModel, input: unknown): SelectOption | undefined {
  return findOptionIn(optionsOf(field), input)
}

function optionId(field: FieldModel, input: unknown): string {
  return findOption(field, input)?.id ?? fail(field, 'value.invalidOption', input)
}

const labelOf = (field: FieldModel, id: unknown) => optionsOf(field).find((o) => o.id === id)?.label ?? null

function filterIds(field: FieldModel, value: unknown): string[] {
  const list = Array.isArray(value) ? value : [value]
  if (list.length === 0) return badFilterValue(field)
  return list.map((v) => findOption(field, v)?.id ?? badFilterValue(field))
}

const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(',')

export const select: FieldTypeModule = {
  type: 'select',
  column: 'TEXT',
  searchable: true,
  formulaType: () => 'text',
  coerce: (input, field) => optionId(field, input),
  toApi: (stored, field) => labelOf(field, stored),
  toFormula: (stored, field) => labelOf(field, stored),
  format: (stored, field) => labelOf(field, stored) ?? '',
  filter(op, value, field, { column }): Sql {
    if (op === 'empty') return { sql: `${column} IS NULL`, params: [] }
    if (op === 'notEmpty') return { sql: `${column} IS NOT NULL`, params: [] }
    const ids = filterIds(field, value)
    switch (op) {
      case 'eq': return { sql: `${column} = ?`, params: [ids[0]] }
      case 'neq': return { sql: `(${column} IS NULL OR ${column} <> ?)`, params: [ids[0]] }
      case 'in': return { sql: `${column} IN (${placeholders(ids.length)})`, params: ids }
      case 'notIn': return { sql: `(${column} IS NULL OR ${column} NOT IN (${placeholders(ids.length)}))`, params: ids }
      default: return badFilter(field, op)
    }
  },
  /** Options sort in the order the designer put them (a pipeline's stages), not alphabetically. */
  sortExpr(column, field) {
    const options = optionsOf(field)
    if (options.length === 0) return column
    const whens = options.map((o, i) => `WHEN '${o.id.replace(/'/g, "''")}' THEN ${i}`).join(' ')
    return `(CASE ${column} ${whens} END)`
  }
}

function splitMulti(input: unknown): unknown[] {
  if (Array.isArray(input)) return input
  if (typeof input === 'string') return input.split(/[,，;；、|\n]/).map((s) => s.trim()).filter(Boolean)
  return [input]
}

export const multiselect: FieldTypeModule = {
  type: 'multiselect',
  column: 'TEXT',
  searchable: true,
  formulaType: () => 'list',
  coerce(input, field) {
    const ids = [...new Set(splitMulti(input).map((v) => optionId(field, v)))]
    const max = (field.config as { maxSelected?: number }).maxSelected
    if (max !== undefined && ids.length > max) throw new ValidationError('value.tooManyOptions', { field: field.label, max }, field.apiKey)
    // Keep the designer's option order so equal sets store identically.
    const order = optionsOf(field).map((o) => o.id)
    ids.sort((a, b) => order.indexOf(a) - order.indexOf(b))
    return ids.length ? JSON.stringify(ids) : null
  },
  toApi: (stored, field) => (typeof stored === 'string' ? (JSON.parse(stored) as string[]).map((id) => labelOf(field, id)).filter((l) => l !== null) : []),
  toFormula: (stored, field) => (typeof stored === 'string' ? (JSON.parse(stored) as string[]).map((id) => labelOf(field, id)) : []),
  format: (stored, field) => (typeof stored === 'string' ? (JSON.parse(stored) as string[]).map((id) => labelOf(field, id)).join('、') : ''),
  filter(op, value, field, { column }): Sql {
    if (op === 'empty') return { sql: `${column} IS NULL`, params: [] }
    if (op === 'notEmpty') return { sql: `${column} IS NOT NULL`, params: [] }
    const ids = filterIds(field, value)
    const exists = `(SELECT COUNT(DISTINCT value) FROM json_each(${column}) WHERE value IN (${placeholders(ids.length)}))`
    if (op === 'hasAny') return { sql: `${exists} > 0`, params: ids }
    if (op === 'hasAll') return { sql: `${exists} = ${new Set(ids).size}`, params: ids }
    return badFilter(field, op)
  }
}

export const checkbox: FieldTypeModule = {
  type: 'checkbox',
  column: 'INTEGER',
  searchable: false,
  formulaType: () => 'boolean',
  coerce: (input, field) => (unwrap(parseBoolean(input), field, input) ? 1 : 0),
  toApi: (stored) => stored === 1,
  toFormula: (stored) => stored === 1,
  format: (stored) => (stored === 1 ? '✓' : ''),
  filter(op, value, field, { column }) {
    if (op !== 'eq') return badFilter(field, op)
    const parsed = parseBoolean(value)
    if (!parsed.ok) return badFilterValue(field)
    return parsed.value ? { sql: `${column} = 1`, params: [] } : { sql: `(${column} IS NULL OR ${column} = 0)`, params: [] }
  }
}
