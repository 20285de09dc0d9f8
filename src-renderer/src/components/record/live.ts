import type { FieldDto } from '@shared/api/contracts'
import { fillFromOf } from '@shared/field-types'
import { dateFromIso, evaluate, parseFormula, toIsoDate, type EvalContext, type FieldRef, type FormulaAst, type FormulaValue } from '@shared/formula'

// The record page computes formulas as the user types (报价明细 小计, 报价总额) with the same
// formula engine the write pipeline uses, and fills 关联带出 fields when a relation is picked.
// Pure: unit-tested without a browser. The server computes the same again on save.

type Values = Record<string, unknown>
type Row = Record<string, unknown>

const NUMERIC = new Set(['number', 'amount', 'percent', 'rollup'])
const TEXTUAL = new Set(['text', 'textarea', 'phone', 'email', 'url', 'select', 'autonumber'])

/** An API-shaped value as the formula engine reads it (what the server's toFormula gives for the stored value). */
export function formulaValueOf(field: FieldDto, value: unknown): FormulaValue {
  if (value === null || value === undefined || value === '') return null
  if (NUMERIC.has(field.type)) return typeof value === 'number' && Number.isFinite(value) ? value : null
  if (field.type === 'formula') {
    if (field.resultType === 'date' && typeof value === 'string') return dateFromIso(value)
    return typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean' ? value : null
  }
  if (field.type === 'checkbox') return value === true
  if (field.type === 'date') return typeof value === 'string' ? dateFromIso(value) : null
  if (field.type === 'datetime') return typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? { kind: 'date', ms: Date.parse(value), hasTime: true } : null
  if (TEXTUAL.has(field.type)) return typeof value === 'string' ? value : null
  if (field.type === 'multiselect') return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []
  if (field.type === 'relation') {
    const ids = (Array.isArray(value) ? value : [value]).map((v) => (typeof v === 'number' ? v : typeof v === 'object' && v !== null ? (v as { id?: unknown }).id : null)).filter((v): v is number => typeof v === 'number')
    return Array.isArray(value) ? ids : (ids[0] ?? null)
  }
  return null
}

/** A formula result as the API would answer it once stored (rounded to the formula's precision). */
function stored(value: FormulaValue, field: FieldDto): unknown {
  if (value === null || value === undefined) return null
  if (Array.isArray(value)) return value.length ? value.map((v) => (typeof v === 'object' && v !== null && !Array.isArray(v) ? toIsoDate(v) : String(v ?? ''))).join(', ') : null
  if (typeof value === 'object') return toIsoDate(value)
  if (typeof value === 'boolean') return field.resultType === 'boolean' ? value : value ? 1 : 0
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return null
    const precision = (field.config as { precision?: number }).precision
    return precision === undefined ? value : Math.round(value * 10 ** precision) / 10 ** precision
  }
  return value === '' ? null : value
}

const parsed = new Map<string, FormulaAst | null>()
function astOf(field: FieldDto): FormulaAst | null {
  const source = (field.config as { expression?: unknown }).expression
  if (typeof source !== 'string') return null
  if (!parsed.has(source)) {
    try {
      parsed.set(source, parseFormula(source))
    } catch {
      // A formula that does not parse is the designer's problem: the page keeps the saved value.
      parsed.set(source, null)
    }
  }
  return parsed.get(source) ?? null
}

const byRef = (fields: FieldDto[], name: string) => fields.find((f) => f.label === name) ?? fields.find((f) => f.apiKey === name)

/**
 * The record's values with every formula recomputed from what is on the page: sub-table row
 * formulas first (小计), then the record's own (总额 = SUM of 小计), in as many passes as one
 * formula may need of another. Values that are not formulas are returned unchanged.
 */
export function computeLive(allFields: FieldDto[], values: Values, now: () => number = Date.now): Values {
  const top = allFields.filter((f) => f.parentFieldId === null && f.deletedAt === null)
  const childrenOf = (parent: FieldDto) => allFields.filter((f) => f.parentFieldId === parent.id && f.deletedAt === null)
  const out: Values = { ...values }
  for (const table of top.filter((f) => f.type === 'subtable')) {
    const children = childrenOf(table)
    const formulas = children.filter((c) => c.type === 'formula' && astOf(c))
    const rows = out[table.apiKey]
    if (!formulas.length || !Array.isArray(rows)) continue
    out[table.apiKey] = (rows as Row[]).map((row) => {
      const next: Row = { ...row }
      // Copy the row's hidden keys (a new row's React key) over too.
      for (const key of Object.getOwnPropertySymbols(row)) (next as Record<symbol, unknown>)[key] = (row as Record<symbol, unknown>)[key]
      const ctx: EvalContext = {
        now,
        get(ref: FieldRef): FormulaValue {
          const child = ref.sub ? undefined : byRef(children, ref.name)
          return child ? formulaValueOf(child, next[child.apiKey]) : null
        }
      }
      for (const c of formulas) next[c.apiKey] = stored(evaluate(astOf(c)!, ctx).value, c)
      return next
    })
  }
  const formulas = top.filter((f) => f.type === 'formula' && astOf(f))
  const ctx: EvalContext = {
    now,
    get(ref: FieldRef): FormulaValue {
      const field = byRef(top, ref.name)
      if (!field) return null
      if (ref.sub) {
        const child = byRef(childrenOf(field), ref.sub)
        const rows = out[field.apiKey]
        return child && Array.isArray(rows) ? (rows as Row[]).map((row) => formulaValueOf(child, row[child.apiKey])) : []
      }
      return formulaValueOf(field, out[field.apiKey])
    }
  }
  for (let pass = 0; pass < Math.max(1, formulas.length); pass++) {
    let changed = false
    for (const f of formulas) {
      const v = stored(evaluate(astOf(f)!, ctx).value, f)
      if (JSON.stringify(v) !== JSON.stringify(out[f.apiKey] ?? null)) {
        out[f.apiKey] = v
        changed = true
      }
    }
    if (!changed) break
  }
  return out
}

const relationId = (value: unknown): number | null => {
  const v = Array.isArray(value) ? value[0] : value
  if (typeof v === 'number') return v
  if (typeof v === 'object' && v !== null && typeof (v as { id?: unknown }).id === 'number') return (v as { id: number }).id
  return null
}
const blank = (v: unknown) => v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0)

/** One 关联带出 to do: fetch `targetFieldKey` of record `id` of the relation's form into `fieldKey` (of row `row`, or the record). */
export interface PendingFill {
  /** Sub-table API key and row index; absent for a field of the record itself. */
  table?: string
  row?: number
  fieldKey: string
  /** The relation picked: the value is put in only while it still picks `id`. */
  relationKey: string
  formId: number
  id: number
  targetFieldKey: string
}

/**
 * The 关联带出 a change asks for: a relation newly picked (or changed) whose dependent field is
 * empty — on the record, and in each sub-table row (by position, a row added or changed).
 */
export function pendingFills(allFields: FieldDto[], before: Values, after: Values): PendingFill[] {
  const out: PendingFill[] = []
  const scan = (fields: FieldDto[], prev: Row | undefined, next: Row, where: { table?: string; row?: number }) => {
    for (const f of fields) {
      const source = fillFromOf(f)
      if (!source || !blank(next[f.apiKey])) continue
      const relation = fields.find((r) => r.apiKey === source.relationFieldKey && r.type === 'relation')
      const targetFormId = (relation?.config as { targetFormId?: unknown } | undefined)?.targetFormId
      if (!relation || typeof targetFormId !== 'number') continue
      const id = relationId(next[relation.apiKey])
      if (id === null || id === relationId(prev?.[relation.apiKey])) continue
      out.push({ ...where, fieldKey: f.apiKey, relationKey: relation.apiKey, formId: targetFormId, id, targetFieldKey: source.targetFieldKey })
    }
  }
  const top = allFields.filter((f) => f.parentFieldId === null && f.deletedAt === null)
  scan(top, before, after, {})
  for (const table of top.filter((f) => f.type === 'subtable')) {
    const children = allFields.filter((f) => f.parentFieldId === table.id && f.deletedAt === null)
    const rows = after[table.apiKey]
    const prevRows = before[table.apiKey]
    if (!Array.isArray(rows)) continue
    ;(rows as Row[]).forEach((row, i) => scan(children, Array.isArray(prevRows) ? (prevRows as Row[])[i] : undefined, row, { table: table.apiKey, row: i }))
  }
  return out
}

/** `values` with a fetched 关联带出 value put in, unless the user filled the field meanwhile. */
export function applyFill(values: Values, fill: PendingFill, value: unknown): Values {
  if (value === null || value === undefined) return values
  if (fill.table === undefined) return blank(values[fill.fieldKey]) && relationId(values[fill.relationKey]) === fill.id ? { ...values, [fill.fieldKey]: value } : values
  const rows = values[fill.table]
  const target = Array.isArray(rows) && fill.row !== undefined ? (rows[fill.row] as Row | undefined) : undefined
  if (!target || !blank(target[fill.fieldKey]) || relationId(target[fill.relationKey]) !== fill.id) return values
  return {
    ...values,
    [fill.table]: (rows as Row[]).map((row, i) => {
      if (i !== fill.row) return row
      const next: Row = { ...row, [fill.fieldKey]: value }
      for (const key of Object.getOwnPropertySymbols(row)) (next as Record<symbol, unknown>)[key] = (row as Record<symbol, unknown>)[key]
      return next
    })
  }
}
