import type { FieldType } from '../shared/field-types'
import type { FormulaAst, FormulaType } from '../shared/formula'
import type { FilterNode, FormLayout } from '../shared/api/contracts'

// The in-memory model of a form, compiled from metadata and cached per schema version. The
// write pipeline, query builder and serializer all work from this, never from raw metadata.

export interface FieldModel {
  id: number
  formId: number
  parentFieldId: number | null
  label: string
  apiKey: string
  type: FieldType
  config: Record<string, unknown>
  required: boolean
  unique: boolean
  description: string | null
  /** A literal default (API shape) or a formula when it is a string starting with `=`. */
  defaultValue: unknown
  position: number
  /** Physical column (`c_<id>` or `c_<id>_<n>` after a type change); null for values kept elsewhere. */
  column: string | null
  resultType: FormulaType | null
  deletedAt: number | null
  /** Shown on the record page only when the record matches (field references by API key). */
  visibleWhen: FilterNode | null
  /** Required only when the record matches. */
  requiredWhen: FilterNode | null
  /**
   * Required on a write that makes the record match this filter when it did not (an update into
   * 赢单, a create at 赢单), not on other edits of a record that matches already: a gate on entering
   * a stage that leaves historical records editable. Absent on models built outside the schema service.
   */
  requiredOnEnter?: FilterNode | null
  /** Parsed formula (formula fields) or default formula. */
  formula?: FormulaAst
  defaultFormula?: FormulaAst
}

export interface FormValidation {
  formula: string
  message: string
  field?: string
  ast?: FormulaAst
}

export interface FormModel {
  id: number
  appId: number
  label: string
  apiKey: string
  description: string | null
  titleFieldId: number | null
  position: number
  schemaVersion: number
  table: string
  ftsTable: string
  /** Live top-level fields in display order. */
  fields: FieldModel[]
  /** Deleted fields (data kept until purge). */
  deletedFields: FieldModel[]
  /** Live child fields per sub-table field id. */
  children: Map<number, FieldModel[]>
  byKey: Map<string, FieldModel>
  byId: Map<number, FieldModel>
  titleField: FieldModel | null
  /** Computed top-level fields (formula, rollup) in dependency order. */
  computeOrder: FieldModel[]
  validations: FormValidation[]
  /** The record page's arrangement; null until someone arranges the form. */
  layout: FormLayout | null
}

export const formTable = (formId: number) => `f_${formId}`
export const ftsTable = (formId: number) => `fts_${formId}`
export const subTable = (fieldId: number) => `s_${fieldId}`
export const linkTable = (fieldId: number) => `l_${fieldId}`
