import type { FieldType, FilterOperator } from '../../shared/field-types'
import type { FormulaType, FormulaValue } from '../../shared/formula'
import type { Locale } from '../../shared/locales'
import type { Sqlite } from '../../db/connection'
import type { Clock } from '../../clock'
import type { FieldModel } from '../model'

/** A piece of SQL with its positional parameters. */
export interface Sql {
  sql: string
  params: unknown[]
}

export interface CoerceContext {
  db: Sqlite
  clock: Clock
  /**
   * The caller's row scope on another form (alias `t`), for relations: a record the caller may
   * not view cannot be linked, so linking can't be used to probe for records. Absent: no limit.
   */
  scopeOf?: (formId: number) => Sql
  /**
   * Whether the caller may put stored file `hash` into attachment `field` (a sub-table's child
   * included) of the record being saved. Absent: no limit (the system, administrators).
   */
  mayAttach?: (hash: string, field: FieldModel) => boolean
  /** The stored values `field` has in the record being saved (every sub-table row for a cell). */
  attached?: (field: FieldModel) => unknown[]
  /** Who is saving (0: the system); their own uploads give attached files a name. */
  actorId?: number
}

export interface QueryContext {
  clock: Clock
  actorId: number
  /** The column expression to filter on, already qualified and quoted. */
  column: string
  /** The record id expression of the row being filtered (for link and child tables). */
  rowId: string
}

/** Batch look-ups the serializer prepares for one page of records. */
export interface ReadContext {
  locale: Locale
  userName(id: number): string | null
  /** Title of a related record (loaded in one batch per page by the serializer). */
  relationTitle(field: FieldModel, id: number): string
  /**
   * A stored file's blob; with `uploader`, named as that person uploaded it (when they did) —
   * for attachment values stored before they kept their own names.
   */
  attachment(hash: string, uploader?: number | null): AttachmentMeta | null
  /** The creator of the record being read (set per record by the serializer). */
  recordCreator?: number | null
  /** Live child fields of a sub-table field. */
  childFields(field: FieldModel): FieldModel[]
  fieldType(field: FieldModel): FieldTypeModule
}

export interface AttachmentMeta {
  hash: string
  name: string
  size: number
  mime: string
}

/**
 * One field type of the form engine. Each type is one module implementing this and registered in
 * registry.ts; nothing else in the core switches on the type name.
 */
export interface FieldTypeModule {
  type: FieldType
  /** SQLite column affinity, or null when values live outside the form table (link/child tables). */
  column: 'TEXT' | 'REAL' | 'INTEGER' | 'BLOB' | null
  /** When the column depends on the configuration (a multiple relation has none). */
  columnFor?(field: FieldModel): 'TEXT' | 'REAL' | 'INTEGER' | 'BLOB' | null
  /** The value type formulas see. */
  formulaType(field: FieldModel): FormulaType
  /**
   * API or import input (never blank: the pipeline handles blanks) → stored value.
   * Throws ValidationError naming the field when the input does not convert.
   */
  coerce(input: unknown, field: FieldModel, ctx: CoerceContext): unknown
  /** Field-level rules on a coerced value (length, range, pattern). */
  validate?(stored: unknown, field: FieldModel): void
  /** Stored → API value. */
  toApi(stored: unknown, field: FieldModel, ctx: ReadContext): unknown
  /** Stored → formula value. */
  toFormula(stored: unknown, field: FieldModel): FormulaValue
  /** Stored → display text (search index, exports, relation titles). */
  format(stored: unknown, field: FieldModel, locale: Locale): string
  /** SQL condition for a filter. `value` is the raw filter value from the query. */
  filter(op: FilterOperator, value: unknown, field: FieldModel, ctx: QueryContext): Sql
  /** Whether the value goes into the full-text index. */
  searchable: boolean
  /** Expression to ORDER BY (defaults to the column). */
  sortExpr?(column: string, field: FieldModel): string
}
