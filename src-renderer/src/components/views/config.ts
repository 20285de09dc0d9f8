import type { FieldDto, FilterNode, ViewConfig, ViewDto } from '@shared/api/contracts'
import { SYSTEM_FIELDS, type FieldType } from '@shared/field-types'

// Pure helpers over a view's settings: the columns a table shows, which fields can drive a
// kanban or a calendar, and the filter a group or kanban column adds to the view's own.

/**
 * `viewConfig.parse({})` written out: importing the schema would bring zod and every contract into
 * the first screen's JavaScript (a phone evaluates them before its first card). A unit test keeps
 * it equal to the schema's defaults (test/unit/renderer/views-config.test.ts).
 */
export const DEFAULT_CONFIG: ViewConfig = { filter: null, sort: [], columns: [], frozen: 1, groupBy: null, rowHeight: 'short', kanbanField: null, cardFields: [], sumField: null, calendarField: null, calendarMode: 'month' }
export const DEFAULT_WIDTH = 180
export const MIN_WIDTH = 60
export const ROW_HEIGHTS: Record<ViewConfig['rowHeight'], number> = { short: 36, medium: 56, tall: 88 }

/** The view shown while a form has no saved view: every record, as a table. */
export function builtinView(formId: number, name: string): ViewDto {
  return { id: 0, formId, name, type: 'table', shared: true, ownerId: null, position: 0, config: DEFAULT_CONFIG }
}

export interface Column {
  field: FieldDto
  width: number
  hidden: boolean
}

/** Columns in the view's order; fields the view does not mention follow, visible, in form order. */
export function resolveColumns(fields: FieldDto[], config: ViewConfig): Column[] {
  const byKey = new Map(fields.map((f) => [f.apiKey, f]))
  const seen = new Set<string>()
  const columns: Column[] = []
  for (const c of config.columns) {
    const field = byKey.get(c.field)
    if (!field || seen.has(c.field)) continue
    seen.add(c.field)
    columns.push({ field, width: c.width ?? DEFAULT_WIDTH, hidden: c.hidden ?? false })
  }
  for (const field of fields) if (!seen.has(field.apiKey)) columns.push({ field, width: DEFAULT_WIDTH, hidden: false })
  return columns
}

export function columnsToConfig(columns: Column[]): ViewConfig['columns'] {
  return columns.map((c) => ({ field: c.field.apiKey, ...(c.width !== DEFAULT_WIDTH ? { width: Math.round(c.width) } : {}), ...(c.hidden ? { hidden: true } : {}) }))
}

export const kanbanFields = (fields: FieldDto[]) => fields.filter((f) => f.type === 'select')
export const calendarFields = (fields: FieldDto[]) => fields.filter((f) => f.type === 'date' || f.type === 'datetime')

const GROUPABLE: ReadonlySet<FieldType> = new Set(['select', 'text', 'checkbox', 'member', 'date', 'number', 'phone', 'email'])
export const groupableFields = (fields: FieldDto[]) => fields.filter((f) => GROUPABLE.has(f.type))

/** The condition selecting the records of one group (one value of `field`; null is 未分类/空). */
export function groupCondition(field: FieldDto, value: unknown): FilterNode {
  if (value === null || value === undefined || value === '') return { field: field.apiKey, op: 'empty' }
  if (typeof value === 'object' && value !== null && 'id' in value) return { field: field.apiKey, op: 'eq', value: (value as { id: unknown }).id }
  return { field: field.apiKey, op: 'eq', value }
}

export function andFilter(a: FilterNode | null | undefined, b: FilterNode): FilterNode {
  return a ? { and: [a, b] } : b
}

/** A stable key for a group value (option label, user id, date…). */
export function groupKey(value: unknown): string {
  if (value === null || value === undefined || value === '') return '∅'
  if (typeof value === 'object' && 'id' in value) return `#${String((value as { id: unknown }).id)}`
  return JSON.stringify(value)
}

/**
 * The view's settings as this user may run them: columns, sorts, group, kanban, calendar and total
 * fields and filter conditions naming a field the user cannot read (`readable`: the keys of the
 * fields forms.get returned to them, and the system fields) are left out. A shared view saved by
 * someone who sees more still opens; the server refuses such a field if it is asked for anyway.
 */
/** What a user may ask records.list about: the fields forms.get gave them and the system fields. */
export function readableKeys(fields: FieldDto[]): Set<string> {
  return new Set([...fields.map((f) => f.apiKey), ...SYSTEM_FIELDS.map((f) => f.key)])
}

export function readableConfig(config: ViewConfig, readable: ReadonlySet<string>): ViewConfig {
  const ok = (k: string | null) => (k !== null && readable.has(k) ? k : null)
  const columns = config.columns.filter((c) => readable.has(c.field))
  const cardFields = config.cardFields.filter((k) => readable.has(k))
  const sort = config.sort.filter((s) => readable.has(s.field))
  const filter = config.filter ? readableFilter(config.filter, readable) : null
  const same =
    columns.length === config.columns.length && cardFields.length === config.cardFields.length && sort.length === config.sort.length &&
    filter === config.filter && ok(config.groupBy) === config.groupBy && ok(config.kanbanField) === config.kanbanField &&
    ok(config.sumField) === config.sumField && ok(config.calendarField) === config.calendarField
  if (same) return config
  return { ...config, columns, cardFields, sort, filter, groupBy: ok(config.groupBy), kanbanField: ok(config.kanbanField), sumField: ok(config.sumField), calendarField: ok(config.calendarField) }
}

/** The filter without conditions on fields the user cannot read (a group emptied by that goes too); the same object when nothing is left out. */
export function readableFilter(node: FilterNode, readable: ReadonlySet<string>): FilterNode | null {
  if ('and' in node || 'or' in node) {
    const list = 'and' in node ? node.and : node.or
    const kept = list.map((n) => readableFilter(n, readable))
    if (kept.every((n, i) => n === list[i])) return node
    const rest = kept.filter((n): n is FilterNode => n !== null)
    if (!rest.length) return null
    return 'and' in node ? { and: rest } : { or: rest }
  }
  return readable.has(node.field) ? node : null
}
