import type { ComponentType } from 'react'
import type { FieldDto } from '@shared/api/contracts'
import type { FieldType, FilterOperator } from '@shared/field-types'

// The renderer side of a field type: how its value is edited, shown in a table cell, written
// to the API and filtered on. One module per type in this folder, registered in registry.ts;
// pages and components look the renderer up instead of switching on the type.
//
// Form state holds values in the API's read shape (member {id,name}, relation {id,title}, …),
// so a record from records.get can be edited as is; `toWrite` turns it into the write shape.

export interface FieldInputProps {
  field: FieldDto
  value: unknown
  onChange(value: unknown): void
  /** Translated message shown under the input. */
  error?: string
  /** Sub-table cells show no label and a smaller input. */
  compact?: boolean
}

export interface FieldCellProps {
  field: FieldDto
  value: unknown
}

export interface FilterValueProps {
  field: FieldDto
  op: FilterOperator
  value: unknown
  onChange(value: unknown): void
}

export interface WriteContext {
  /** Every live field of the form, sub-table children included. */
  fields: FieldDto[]
}

export interface FieldRenderer {
  Input: ComponentType<FieldInputProps>
  Cell: ComponentType<FieldCellProps>
  /** Value editor of a filter condition; only asked for operators that take a value. */
  FilterValue: ComponentType<FilterValueProps>
  /** Initial value of the input on a new record. */
  empty(field: FieldDto): unknown
  /** Form value → value sent to records.create/update; `undefined` means "do not send". */
  toWrite(value: unknown, field: FieldDto, ctx: WriteContext): unknown
  /** Plain text of a value (history, titles). */
  text(value: unknown, field: FieldDto): string
  /** Whether a value counts as missing for a required field. */
  isEmpty(value: unknown): boolean
  /** Numeric columns get a footer sum from records.list `totals`. */
  summable?: boolean
  /** Whether clicking the column header sorts. */
  sortable: boolean
  /** Takes the full width of the record form (long text, grids). */
  wide?: boolean
  /** Align cells right (numbers). */
  numeric?: boolean
  /** Value a new filter condition on this field starts with (when blank is not a sensible start). */
  filterDefault?: unknown
  /** Computed by the engine: shown read-only, never written. */
  computed?: boolean
}

export type FieldRegistry = Record<FieldType, FieldRenderer>
