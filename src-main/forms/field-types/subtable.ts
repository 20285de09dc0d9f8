import { ident } from '../../db/connection'
import { subTable, type FieldModel } from '../model'
import { badFilter, fail } from './common'
import type { FieldTypeModule } from './types'

// A sub-table holds rows of child fields (回款计划: 期数, 金额, 日期) in a child table
// s_<fieldId>(id, parent_id, position, c_<childId>…). Input: an array of row objects keyed by
// child API key or label; a row with an `id` updates that row, rows left out are removed.
// Coercion of each cell is done by the write pipeline with the child field's own type.

export interface SubtableRowInput {
  id?: number
  values: Record<string, unknown>
}

export function subtableRows(input: unknown, field: FieldModel): SubtableRowInput[] {
  if (!Array.isArray(input)) return fail(field, 'value.invalidRows', input)
  return input.map((row) => {
    if (typeof row !== 'object' || row === null || Array.isArray(row)) return fail(field, 'value.invalidRows', row)
    const { id, ...values } = row as Record<string, unknown>
    return { id: typeof id === 'number' ? id : undefined, values }
  })
}

/** A stored sub-table value as the serializer hands it over: rows with stored child values by field id. */
export interface StoredSubRow {
  id: number
  values: Map<number, unknown>
}

export const subtable: FieldTypeModule = {
  type: 'subtable',
  column: null,
  searchable: false,
  formulaType: () => 'list',
  coerce: (input, field) => subtableRows(input, field),
  toApi(stored, field, ctx) {
    if (!Array.isArray(stored)) return []
    const children = ctx.childFields(field)
    return (stored as StoredSubRow[]).map((row) => {
      const out: Record<string, unknown> = { id: row.id }
      for (const child of children) out[child.apiKey] = ctx.fieldType(child).toApi(row.values.get(child.id) ?? null, child, ctx)
      return out
    })
  },
  toFormula: () => [],
  format: (stored) => (Array.isArray(stored) ? String(stored.length) : ''),
  filter(op, _value, field, ctx) {
    const exists = `EXISTS (SELECT 1 FROM ${ident(subTable(field.id))} WHERE parent_id = ${ctx.rowId})`
    if (op === 'notEmpty') return { sql: exists, params: [] }
    if (op === 'empty') return { sql: `NOT ${exists}`, params: [] }
    return badFilter(field, op)
  }
}
