import type { FieldDto, FilterNode } from './api/contracts'
import { FIELD_OPERATORS, SYSTEM_FIELDS, type FieldType, type FilterOperator, type SelectOption } from './field-types'
import { normalizeWidth, parseBoolean, parseDate, parseDateTime, parseNumber, parsePercent, type Parsed } from './values'

// A filter evaluated against one record in memory, with exactly the meaning the SQL query builder
// (src-main/records/query-builder.ts and the field-type modules) gives it. The renderer uses it
// for conditional visibility and conditional required while a record is being edited; the write
// pipeline for `requiredWhen`; the rule engine for conditions. Pure TypeScript: no Node, no DOM.
//
// Values are in API shape, keyed by field API key (a record's `fields`, or the record page's
// working copy of them): select → option label (an option id is accepted too), multiselect →
// labels, member → `{ id, name }` or an id, relation → `{ id, title }` / a list of them or ids,
// date → 'YYYY-MM-DD', datetime → ISO text or epoch ms, checkbox → boolean. System fields
// (id, createdAt, updatedAt, createdBy, updatedBy, owner) are read from the same object when the
// caller puts them there.
//
// Semantics, as in SQL:
// - an empty AND or OR group matches everything (an empty filter group in the UI);
// - text contains/notContains/startsWith ignore case for ASCII letters only (SQLite LIKE);
//   text eq/neq are exact; text `empty` also matches '';
// - neq, notIn and notContains match empty values; comparisons (gt, lt, between…) never do;
// - between with one end blank is one-sided, with both ends blank it means "not empty";
// - relative dates (today, thisWeek — weeks start on Monday —, lastNDays…) are calendar days in
//   `timeZone` (Asia/Shanghai unless given) as of `now`; lastNDays includes today;
// - isMe compares with `userId` (never matches without one);
// - multiselect hasAny/hasAll compare option ids, so a label or an id in the filter both work.
// A condition the query builder would refuse (unknown field, an operator the type does not
// offer, a missing or unreadable value, an option that does not exist) never matches here: a
// half-built condition in the designer hides nothing and requires nothing by accident.

export type MatchField = Pick<FieldDto, 'apiKey' | 'type' | 'config'> & { label?: string; resultType?: string | null }

export interface MatchContext {
  fields: ReadonlyArray<MatchField>
  /** The user evaluating (for isMe). */
  userId?: number | null
  now?: Date
  /** IANA zone for relative dates; defaults to Asia/Shanghai. */
  timeZone?: string
}

export const DEFAULT_TIME_ZONE = 'Asia/Shanghai'

export function matchFilter(node: FilterNode | null | undefined, values: Record<string, unknown>, ctx: MatchContext): boolean {
  if (!node) return true
  if ('and' in node) return node.and.every((n) => matchFilter(n, values, ctx))
  if ('or' in node) return node.or.length === 0 || node.or.some((n) => matchFilter(n, values, ctx))
  const field = resolve(ctx.fields, node.field)
  if (!field) return false
  if (!FIELD_OPERATORS[field.type]?.includes(node.op)) return false
  try {
    return matchCondition(field, node.op, node.value, values[field.apiKey], ctx)
  } catch (e) {
    if (e === INVALID) return false
    throw e
  }
}

/** API keys of every field a filter refers to (for dependency checks and key renames). */
export function filterFieldKeys(node: FilterNode | null | undefined, out: Set<string> = new Set()): Set<string> {
  if (!node) return out
  if ('and' in node) for (const n of node.and) filterFieldKeys(n, out)
  else if ('or' in node) for (const n of node.or) filterFieldKeys(n, out)
  else out.add(node.field)
  return out
}

/** The same filter with field references renamed (a field's API key changed). */
export function renameFilterField(node: FilterNode, from: string, to: string): FilterNode {
  if ('and' in node) return { and: node.and.map((n) => renameFilterField(n, from, to)) }
  if ('or' in node) return { or: node.or.map((n) => renameFilterField(n, from, to)) }
  return node.field === from ? { ...node, field: to } : node
}

/**
 * The filter as stored in saved views and field conditions: fields named by API key (a label is
 * resolved), select and multi-select values as option ids, so renaming a field's label or an
 * option never breaks a saved filter. Values that name no option are left as they are (the query
 * builder reports them). Show a stored value with `findOptionIn(options, value)?.label`.
 */
export function canonicalFilter(node: FilterNode, fields: ReadonlyArray<MatchField>): FilterNode {
  if ('and' in node) return { and: node.and.map((n) => canonicalFilter(n, fields)) }
  if ('or' in node) return { or: node.or.map((n) => canonicalFilter(n, fields)) }
  const field = resolve(fields, node.field)
  if (!field) return node
  const out: FilterNode = { ...node, field: field.apiKey }
  if ((field.type === 'select' || field.type === 'multiselect') && node.value !== undefined) {
    const options = optionsOf(field)
    const toId = (v: unknown) => findOptionIn(options, v)?.id ?? v
    out.value = Array.isArray(node.value) ? node.value.map(toId) : toId(node.value)
  }
  return out
}

/** The same filter with option ids `from` of field `fieldKey` replaced by `to` (options merged). */
export function replaceFilterOptions(node: FilterNode, fieldKey: string, from: ReadonlyArray<string>, to: string): FilterNode {
  if ('and' in node) return { and: node.and.map((n) => replaceFilterOptions(n, fieldKey, from, to)) }
  if ('or' in node) return { or: node.or.map((n) => replaceFilterOptions(n, fieldKey, from, to)) }
  if (node.field !== fieldKey) return node
  const swap = (v: unknown) => (typeof v === 'string' && from.includes(v) ? to : v)
  return { ...node, value: Array.isArray(node.value) ? [...new Set(node.value.map(swap))] : swap(node.value) }
}

/**
 * The option a select input names: exact label, then id, then label ignoring case (after
 * full-width normalisation). The one rule for select input, shared with the core's coercion.
 */
export function findOptionIn(options: ReadonlyArray<SelectOption>, input: unknown): SelectOption | undefined {
  if (typeof input === 'object' && input !== null) input = (input as { id?: unknown; label?: unknown }).id ?? (input as { label?: unknown }).label
  if (typeof input !== 'string' && typeof input !== 'number') return undefined
  const wanted = normalizeWidth(String(input)).trim()
  return options.find((o) => o.label === wanted) ?? options.find((o) => o.id === wanted) ?? options.find((o) => o.label.toLowerCase() === wanted.toLowerCase())
}

// ---------------------------------------------------------------------------------------------

const INVALID = Symbol('invalid filter condition')
function invalid(): never {
  throw INVALID
}

const SYSTEM: ReadonlyArray<MatchField> = SYSTEM_FIELDS.map((s) => ({ apiKey: s.key, type: s.type, config: {} }))

function resolve(fields: ReadonlyArray<MatchField>, key: string): MatchField | undefined {
  return fields.find((f) => f.apiKey === key) ?? fields.find((f) => f.label === key) ?? SYSTEM.find((f) => f.apiKey === key)
}

const isBlank = (v: unknown) => v === null || v === undefined

function matchCondition(field: MatchField, op: FilterOperator, filterValue: unknown, raw: unknown, ctx: MatchContext): boolean {
  switch (field.type) {
    case 'text': case 'textarea': case 'phone': case 'email': case 'url': case 'autonumber':
      return matchText(op, filterValue, asTextValue(raw))
    case 'number': case 'amount': case 'rollup':
      return matchRange(op, filterValue, asNumber(raw, parseNumber), (v) => parsed(parseNumber(v)))
    case 'percent':
      return matchRange(op, filterValue, asNumber(raw, parsePercent), (v) => parsed(parsePercent(v)))
    case 'date':
      return matchDate(op, filterValue, asIsoDate(raw), ctx)
    case 'datetime':
      return matchDateTime(op, filterValue, asEpoch(raw), ctx)
    case 'select':
      return matchSelect(op, filterValue, asOptionId(optionsOf(field), raw), optionsOf(field))
    case 'multiselect':
      return matchMulti(op, filterValue, listOf(raw).map((v) => asOptionId(optionsOf(field), v)).filter((v): v is string => v !== null), optionsOf(field))
    case 'checkbox':
      return matchCheckbox(op, filterValue, raw)
    case 'member':
      return matchMember(op, filterValue, idOf(raw), ctx)
    case 'relation':
      return matchRelation(op, filterValue, listOf(raw).map(idOf).filter((v): v is number => v !== null))
    case 'subtable': case 'attachment':
      if (op === 'empty') return listOf(raw).length === 0
      if (op === 'notEmpty') return listOf(raw).length > 0
      return invalid()
    case 'formula':
      return matchFormula(field, op, filterValue, raw, ctx)
    default:
      return invalid()
  }
}

function parsed<T>(p: Parsed<T>): T {
  return p.ok ? p.value : invalid()
}

// Text -----------------------------------------------------------------------------------------

function asTextValue(raw: unknown): string | null {
  if (typeof raw === 'string') return raw
  if (typeof raw === 'number' || typeof raw === 'boolean') return String(raw)
  return null
}

/** SQLite's LIKE folds ASCII letters only. */
const foldAscii = (s: string) => s.replace(/[A-Z]/g, (c) => c.toLowerCase())

function matchText(op: FilterOperator, filterValue: unknown, v: string | null): boolean {
  if (op === 'empty') return v === null || v === ''
  if (op === 'notEmpty') return v !== null && v !== ''
  if (typeof filterValue !== 'string' && typeof filterValue !== 'number') return invalid()
  const needle = String(filterValue)
  switch (op) {
    case 'contains': return v !== null && foldAscii(v).includes(foldAscii(needle))
    case 'notContains': return v === null || !foldAscii(v).includes(foldAscii(needle))
    case 'startsWith': return v !== null && foldAscii(v).startsWith(foldAscii(needle))
    case 'eq': return v === needle
    case 'neq': return v === null || v !== needle
    default: return invalid()
  }
}

// Comparisons (numbers, dates, epoch ms) -------------------------------------------------------

function asNumber(raw: unknown, parse: (v: unknown) => Parsed<number>): number | null {
  if (typeof raw === 'number') return Number.isFinite(raw) ? raw : null
  if (typeof raw === 'string' && raw.trim() !== '') {
    const p = parse(raw)
    return p.ok ? p.value : null
  }
  return null
}

const blankEnd = (v: unknown) => v === null || v === undefined || v === ''

function matchRange<T extends number | string>(op: FilterOperator, filterValue: unknown, v: T | null, coerce: (v: unknown) => T): boolean {
  if (op === 'empty') return v === null
  if (op === 'notEmpty') return v !== null
  if (op === 'between') {
    if (!Array.isArray(filterValue) || filterValue.length !== 2) return invalid()
    const [lo, hi] = filterValue as [unknown, unknown]
    const low = blankEnd(lo) ? null : coerce(lo)
    const high = blankEnd(hi) ? null : coerce(hi)
    if (v === null) return false
    return (low === null || v >= low) && (high === null || v <= high)
  }
  if (blankEnd(filterValue)) return invalid()
  const target = coerce(filterValue)
  switch (op) {
    case 'eq': return v !== null && v === target
    case 'neq': return v === null || v !== target
    case 'gt': return v !== null && v > target
    case 'gte': return v !== null && v >= target
    case 'lt': return v !== null && v < target
    case 'lte': return v !== null && v <= target
    default: return invalid()
  }
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/

function asIsoDate(raw: unknown): string | null {
  if (typeof raw === 'string' && ISO_DATE.test(raw)) return raw
  if (raw === null || raw === undefined || raw === '') return null
  const p = parseDate(raw)
  return p.ok ? p.value : null
}

function asEpoch(raw: unknown): number | null {
  if (typeof raw === 'number') return Number.isFinite(raw) ? raw : null
  if (raw === null || raw === undefined || raw === '') return null
  if (typeof raw === 'string') {
    const ms = Date.parse(raw)
    if (!Number.isNaN(ms) && /T.*(Z|[+-]\d{2}:?\d{2})$/.test(raw)) return ms
  }
  const p = parseDateTime(raw)
  return p.ok ? p.value : null
}

const RELATIVE: ReadonlySet<FilterOperator> = new Set(['today', 'yesterday', 'thisWeek', 'lastWeek', 'thisMonth', 'lastMonth', 'thisYear', 'lastNDays', 'nextNDays'])

function matchDate(op: FilterOperator, filterValue: unknown, v: string | null, ctx: MatchContext): boolean {
  if (RELATIVE.has(op)) {
    const [start, end] = relativeDays(op, filterValue, ctx)
    return v !== null && v >= isoOfDay(start) && v < isoOfDay(end)
  }
  return matchRange(op, filterValue, v, (x) => parsed(parseDate(x)))
}

function matchDateTime(op: FilterOperator, filterValue: unknown, v: number | null, ctx: MatchContext): boolean {
  if (RELATIVE.has(op)) {
    const zone = ctx.timeZone ?? DEFAULT_TIME_ZONE
    const [start, end] = relativeDays(op, filterValue, ctx)
    return v !== null && v >= midnightIn(start, zone) && v < midnightIn(end, zone)
  }
  return matchRange(op, filterValue, v, (x) => parsed(parseDateTime(x)))
}

// Calendar days are counted as days since 1970-01-01 (a "day number"), zone-free.
const DAY = 86_400_000
const dayNumber = (y: number, m: number, d: number) => Date.UTC(y, m - 1, d) / DAY
const isoOfDay = (day: number) => new Date(day * DAY).toISOString().slice(0, 10)

/** Half-open [start, end) day numbers of a relative date operator. */
function relativeDays(op: FilterOperator, value: unknown, ctx: MatchContext): [number, number] {
  const now = (ctx.now ?? new Date()).getTime()
  const { y, m, d } = partsIn(now, ctx.timeZone ?? DEFAULT_TIME_ZONE)
  const today = dayNumber(y, m, d)
  const weekday = new Date(today * DAY).getUTCDay()
  const weekStart = today - ((weekday + 6) % 7)
  const n = Number(value)
  switch (op) {
    case 'today': return [today, today + 1]
    case 'yesterday': return [today - 1, today]
    case 'thisWeek': return [weekStart, weekStart + 7]
    case 'lastWeek': return [weekStart - 7, weekStart]
    case 'thisMonth': return [dayNumber(y, m, 1), dayNumber(y, m + 1, 1)]
    case 'lastMonth': return [dayNumber(y, m - 1, 1), dayNumber(y, m, 1)]
    case 'thisYear': return [dayNumber(y, 1, 1), dayNumber(y + 1, 1, 1)]
    case 'lastNDays': return Number.isInteger(n) && n > 0 ? [today - (n - 1), today + 1] : invalid()
    case 'nextNDays': return Number.isInteger(n) && n > 0 ? [today, today + n] : invalid()
    default: return invalid()
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>()
function partsIn(ms: number, zone: string): { y: number; m: number; d: number; h: number; mi: number; s: number } {
  let f = formatters.get(zone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' })
    formatters.set(zone, f)
  }
  const p: Record<string, number> = {}
  for (const part of f.formatToParts(new Date(ms))) if (part.type !== 'literal') p[part.type] = Number(part.value)
  return { y: p.year!, m: p.month!, d: p.day!, h: p.hour! % 24, mi: p.minute!, s: p.second! }
}

/** Epoch ms of 00:00 of a calendar day in a zone (DST-safe: the offset is re-checked). */
function midnightIn(day: number, zone: string): number {
  const wall = day * DAY
  const offsetAt = (ms: number) => {
    const p = partsIn(ms, zone)
    return Date.UTC(p.y, p.m - 1, p.d, p.h, p.mi, p.s) - Math.floor(ms / 1000) * 1000
  }
  let guess = wall - offsetAt(wall)
  guess = wall - offsetAt(guess)
  return guess
}

// Options --------------------------------------------------------------------------------------

function optionsOf(field: MatchField): SelectOption[] {
  return ((field.config as { options?: SelectOption[] } | null)?.options ?? []) as SelectOption[]
}

/** A record's select value → option id; an unknown label stays as itself (it equals no id). */
function asOptionId(options: ReadonlyArray<SelectOption>, raw: unknown): string | null {
  if (isBlank(raw) || raw === '') return null
  const found = findOptionIn(options, raw)
  if (found) return found.id
  return typeof raw === 'string' || typeof raw === 'number' ? `\u0000${String(raw)}` : null
}

function filterOptionIds(options: ReadonlyArray<SelectOption>, value: unknown): string[] {
  const list = Array.isArray(value) ? value : [value]
  if (list.length === 0) return invalid()
  return list.map((v) => findOptionIn(options, v)?.id ?? invalid())
}

function matchSelect(op: FilterOperator, filterValue: unknown, v: string | null, options: ReadonlyArray<SelectOption>): boolean {
  if (op === 'empty') return v === null
  if (op === 'notEmpty') return v !== null
  const ids = filterOptionIds(options, filterValue)
  switch (op) {
    case 'eq': return v === ids[0]
    case 'neq': return v === null || v !== ids[0]
    case 'in': return v !== null && ids.includes(v)
    case 'notIn': return v === null || !ids.includes(v)
    default: return invalid()
  }
}

function matchMulti(op: FilterOperator, filterValue: unknown, v: string[], options: ReadonlyArray<SelectOption>): boolean {
  if (op === 'empty') return v.length === 0
  if (op === 'notEmpty') return v.length > 0
  const ids = filterOptionIds(options, filterValue)
  if (op === 'hasAny') return ids.some((id) => v.includes(id))
  if (op === 'hasAll') return [...new Set(ids)].every((id) => v.includes(id))
  return invalid()
}

function matchCheckbox(op: FilterOperator, filterValue: unknown, raw: unknown): boolean {
  if (op !== 'eq') return invalid()
  const wanted = parsed(parseBoolean(filterValue))
  const checked = raw === true || raw === 1
  return wanted ? checked : !checked
}

// Members and relations ------------------------------------------------------------------------

function listOf(raw: unknown): unknown[] {
  if (Array.isArray(raw)) return raw
  return isBlank(raw) || raw === '' ? [] : [raw]
}

function idOf(raw: unknown): number | null {
  const v = typeof raw === 'object' && raw !== null ? (raw as { id?: unknown }).id : raw
  if (typeof v === 'number' && Number.isFinite(v)) return v
  if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v)
  return null
}

function filterIds(value: unknown): number[] {
  const list = Array.isArray(value) ? value : [value]
  if (list.length === 0) return invalid()
  return list.map((v) => idOf(v) ?? invalid())
}

function matchMember(op: FilterOperator, filterValue: unknown, v: number | null, ctx: MatchContext): boolean {
  if (op === 'empty') return v === null
  if (op === 'notEmpty') return v !== null
  if (op === 'isMe') return v !== null && ctx.userId !== null && ctx.userId !== undefined && v === ctx.userId
  const ids = filterIds(filterValue)
  switch (op) {
    case 'eq': return v === ids[0]
    case 'neq': return v === null || v !== ids[0]
    case 'in': return v !== null && ids.includes(v)
    case 'notIn': return v === null || !ids.includes(v)
    default: return invalid()
  }
}

function matchRelation(op: FilterOperator, filterValue: unknown, v: number[]): boolean {
  if (op === 'empty') return v.length === 0
  if (op === 'notEmpty') return v.length > 0
  if (op !== 'eq' && op !== 'in') return invalid()
  const ids = filterIds(filterValue)
  return v.some((id) => ids.includes(id))
}

// Formulas behave like the type of their result ------------------------------------------------

function matchFormula(field: MatchField, op: FilterOperator, filterValue: unknown, raw: unknown, ctx: MatchContext): boolean {
  const resultType = field.resultType ?? (typeof raw === 'number' ? 'number' : typeof raw === 'boolean' ? 'boolean' : 'text')
  switch (resultType) {
    case 'number': return matchRange(op, filterValue, asNumber(raw, parseNumber), (v) => parsed(parseNumber(v)))
    case 'boolean': return matchCheckbox(op, filterValue, raw)
    case 'date':
      if (RELATIVE.has(op)) return invalid()
      return matchDate(op, filterValue, asIsoDate(raw), ctx)
    default: return matchText(op, filterValue, asTextValue(raw))
  }
}

/** The field types `matchFilter` understands, for exhaustiveness checks in tests. */
export const MATCHED_TYPES: ReadonlyArray<FieldType> = ['text', 'textarea', 'phone', 'email', 'url', 'autonumber', 'number', 'amount', 'rollup', 'percent', 'date', 'datetime', 'select', 'multiselect', 'checkbox', 'member', 'relation', 'subtable', 'attachment', 'formula']
