import dayjs from 'dayjs'
import { ValidationError } from '../../shared/errors'
import type { FilterOperator } from '../../shared/field-types'
import type { Parsed } from '../../shared/values'
import type { FieldModel } from '../model'
import type { QueryContext, Sql } from './types'

// Building blocks several field types share: turning a parse result into a field-named error,
// and the SQL for text, number and date operators.

/**
 * The API value of a type whose stored value is already what the API answers (text). Readers
 * that serialize many records recognize it and copy the value without the call.
 */
export const storedAsIs = (stored: unknown): unknown => stored

export function fail(field: FieldModel, code: string, input: unknown, params: Record<string, string | number> = {}): never {
  const shown = typeof input === 'object' && input !== null ? JSON.stringify(input) : String(input)
  throw new ValidationError(code, { ...params, field: field.label, value: shown.slice(0, 100) }, field.apiKey)
}

export function unwrap<T>(parsed: Parsed<T>, field: FieldModel, input: unknown): T {
  if (parsed.ok) return parsed.value
  return fail(field, parsed.code, input, parsed.params)
}

export function badFilter(field: FieldModel, op: string): never {
  throw new ValidationError('query.badOperator', { field: field.label, op }, field.apiKey)
}

export function badFilterValue(field: FieldModel): never {
  throw new ValidationError('query.badValue', { field: field.label }, field.apiKey)
}

const like = (s: string) => `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
const likePrefix = (s: string) => `${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`

export function emptyFilter(op: FilterOperator, col: string): Sql | null {
  if (op === 'empty') return { sql: `(${col} IS NULL OR ${col} = '')`, params: [] }
  if (op === 'notEmpty') return { sql: `(${col} IS NOT NULL AND ${col} <> '')`, params: [] }
  return null
}

export function textFilter(op: FilterOperator, value: unknown, field: FieldModel, ctx: QueryContext): Sql {
  const col = ctx.column
  const empty = emptyFilter(op, col)
  if (empty) return empty
  if (typeof value !== 'string' && typeof value !== 'number') return badFilterValue(field)
  const v = String(value)
  switch (op) {
    case 'contains': return { sql: `${col} LIKE ? ESCAPE '\\'`, params: [like(v)] }
    case 'notContains': return { sql: `(${col} IS NULL OR ${col} NOT LIKE ? ESCAPE '\\')`, params: [like(v)] }
    case 'startsWith': return { sql: `${col} LIKE ? ESCAPE '\\'`, params: [likePrefix(v)] }
    case 'eq': return { sql: `${col} = ?`, params: [v] }
    case 'neq': return { sql: `(${col} IS NULL OR ${col} <> ?)`, params: [v] }
    default: return badFilter(field, op)
  }
}

/** Comparison operators over an already-coerced scalar (number, ISO date, epoch ms). */
export function rangeFilter(op: FilterOperator, value: unknown, field: FieldModel, col: string, coerce: (v: unknown) => unknown): Sql {
  const empty = emptyFilter(op, col)
  if (empty) return { sql: op === 'empty' ? `${col} IS NULL` : `${col} IS NOT NULL`, params: [] }
  if (op === 'between') {
    if (!Array.isArray(value) || value.length !== 2) return badFilterValue(field)
    const [lo, hi] = value
    const parts: string[] = []
    const params: unknown[] = []
    if (lo !== null && lo !== undefined && lo !== '') { parts.push(`${col} >= ?`); params.push(coerce(lo)) }
    if (hi !== null && hi !== undefined && hi !== '') { parts.push(`${col} <= ?`); params.push(coerce(hi)) }
    return parts.length ? { sql: parts.join(' AND '), params } : { sql: `${col} IS NOT NULL`, params: [] }
  }
  if (value === null || value === undefined || value === '') return badFilterValue(field)
  const v = coerce(value)
  switch (op) {
    case 'eq': return { sql: `${col} = ?`, params: [v] }
    case 'neq': return { sql: `(${col} IS NULL OR ${col} <> ?)`, params: [v] }
    case 'gt': return { sql: `${col} > ?`, params: [v] }
    case 'gte': return { sql: `${col} >= ?`, params: [v] }
    case 'lt': return { sql: `${col} < ?`, params: [v] }
    case 'lte': return { sql: `${col} <= ?`, params: [v] }
    default: return badFilter(field, op)
  }
}

/**
 * Relative date ranges (today, this week, last N days, …) in the local timezone, as half-open
 * [start, end) day boundaries. Weeks start on Monday, as in China.
 */
export function relativeRange(op: FilterOperator, value: unknown, now: number): [dayjs.Dayjs, dayjs.Dayjs] | null {
  const today = dayjs(now).startOf('day')
  const weekStart = today.subtract((today.day() + 6) % 7, 'day')
  const n = Number(value)
  switch (op) {
    case 'today': return [today, today.add(1, 'day')]
    case 'yesterday': return [today.subtract(1, 'day'), today]
    case 'thisWeek': return [weekStart, weekStart.add(7, 'day')]
    case 'lastWeek': return [weekStart.subtract(7, 'day'), weekStart]
    case 'thisMonth': return [today.startOf('month'), today.startOf('month').add(1, 'month')]
    case 'lastMonth': return [today.startOf('month').subtract(1, 'month'), today.startOf('month')]
    case 'thisYear': return [today.startOf('year'), today.startOf('year').add(1, 'year')]
    case 'lastNDays': return Number.isInteger(n) && n > 0 ? [today.subtract(n - 1, 'day'), today.add(1, 'day')] : null
    case 'nextNDays': return Number.isInteger(n) && n > 0 ? [today, today.add(n, 'day')] : null
    default: return null
  }
}

export const RELATIVE_DATE_OPS: ReadonlySet<FilterOperator> = new Set(['today', 'yesterday', 'thisWeek', 'lastWeek', 'thisMonth', 'lastMonth', 'thisYear', 'lastNDays', 'nextNDays'])

export function asText(input: unknown, field: FieldModel): string {
  if (typeof input === 'string') return input
  if (typeof input === 'number' || typeof input === 'boolean') return String(input)
  return fail(field, 'value.notText', input)
}

export function numOr<T>(v: unknown, fallback: T): number | T {
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback
}
