import { ident, type Sqlite } from '../db/connection'
import { fieldType } from '../forms/field-types/registry'
import { relationConfig } from '../forms/field-types/relation'
import type { StoredSubRow } from '../forms/field-types/subtable'
import { linkTable, subTable, type FieldModel, type FormModel } from '../forms/model'
import type { EvalContext, FieldRef, FormulaValue } from '../shared/formula'

// A record as the engine holds it while computing: stored values keyed by field id. Column
// fields hold their column value; sub-tables hold StoredSubRow[]; multiple relations hold ids.

export type StoredValues = Map<number, unknown>

export interface SystemColumns {
  id: number
  created_at: number
  updated_at: number
  created_by: number | null
  updated_by: number | null
  owner_id: number | null
  deleted_at: number | null
  version: number
}

export type RecordRow = SystemColumns & Record<string, unknown>

export function valuesFromRow(form: FormModel, row: RecordRow): StoredValues {
  const values: StoredValues = new Map()
  for (const f of form.fields) if (f.column) values.set(f.id, row[f.column] ?? null)
  return values
}

/** Load sub-table rows and multiple-relation ids for a set of records, one query per field. */
export function loadOutOfRowValues(db: Sqlite, form: FormModel, ids: number[], into: Map<number, StoredValues>): void {
  if (!ids.length) return
  const marks = ids.map(() => '?').join(',')
  for (const f of form.fields) {
    if (f.type === 'subtable') {
      const children = form.children.get(f.id) ?? []
      const cols = children.filter((c) => c.column).map((c) => `${ident(c.column!)} AS ${ident(`c_${c.id}`)}`)
      const rows = db.prepare(`SELECT id, parent_id${cols.length ? ', ' + cols.join(', ') : ''} FROM ${ident(subTable(f.id))} WHERE parent_id IN (${marks}) ORDER BY parent_id, position, id`).all(...ids) as Array<Record<string, unknown>>
      for (const id of ids) into.get(id)?.set(f.id, [])
      for (const r of rows) {
        const values = new Map<number, unknown>()
        for (const c of children) if (c.column) values.set(c.id, r[`c_${c.id}`] ?? null)
        ;(into.get(r.parent_id as number)?.get(f.id) as StoredSubRow[] | undefined)?.push({ id: r.id as number, values })
      }
    } else if (f.type === 'relation' && relationConfig(f).multiple) {
      const rows = db.prepare(`SELECT src, dst FROM ${ident(linkTable(f.id))} WHERE src IN (${marks}) ORDER BY src, position`).all(...ids) as Array<{ src: number; dst: number }>
      for (const id of ids) into.get(id)?.set(f.id, [])
      for (const r of rows) (into.get(r.src)?.get(f.id) as number[] | undefined)?.push(r.dst)
    }
  }
}

/** Formula evaluation context over a record's stored values (refs by label or API key). */
export function evalContext(form: FormModel, values: StoredValues, now: () => number): EvalContext {
  const find = (ref: FieldRef): FieldModel | undefined => form.fields.find((f) => f.label === ref.name) ?? form.byKey.get(ref.name)
  return {
    now,
    get(ref: FieldRef): FormulaValue {
      const field = find(ref)
      if (!field) return null
      const stored = values.get(field.id) ?? null
      if (ref.sub) {
        const child = (form.children.get(field.id) ?? []).find((c) => c.label === ref.sub || c.apiKey === ref.sub)
        if (!child || !Array.isArray(stored)) return []
        return (stored as StoredSubRow[]).map((row) => fieldType(child).toFormula(row.values.get(child.id) ?? null, child))
      }
      return fieldType(field).toFormula(stored, field)
    }
  }
}

/** A sub-table row formula reads the row's sibling columns, by label or API key. */
export function rowEvalContext(children: FieldModel[], row: StoredSubRow, now: () => number): EvalContext {
  return {
    now,
    get(ref: FieldRef): FormulaValue {
      const child = ref.sub ? undefined : children.find((c) => c.label === ref.name) ?? children.find((c) => c.apiKey === ref.name)
      return child ? fieldType(child).toFormula(row.values.get(child.id) ?? null, child) : null
    }
  }
}
