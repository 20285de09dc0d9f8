import { viewConfig, type FieldDto, type FilterNode, type ViewConfig, type ViewDto } from '@shared/api/contracts'
import type { FieldType } from '@shared/field-types'

// Pure helpers over a view's settings: the columns a table shows, which fields can drive a
// kanban or a calendar, and the filter a group or kanban column adds to the view's own.

export const DEFAULT_CONFIG: ViewConfig = viewConfig.parse({})
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
