import type { FieldType } from '../../shared/field-types'
import type { FieldModel } from '../model'
import { attachment } from './attachment'
import { autonumber, formula, rollup } from './computed'
import { date, datetime } from './date'
import { member } from './member'
import { amount, number, percent } from './number'
import { relation } from './relation'
import { checkbox, multiselect, select } from './select'
import { subtable } from './subtable'
import { richtext } from './richtext'
import { email, phone, text, textarea, url } from './text'
import type { FieldTypeModule } from './types'

// The form engine's field-type registry: one module per type, registered here and nowhere else.
export const FIELD_TYPE_MODULES: Record<FieldType, FieldTypeModule> = {
  text, textarea, number, amount, percent, date, datetime, select, multiselect, checkbox,
  phone, email, url, member, relation, subtable, formula, autonumber, attachment, rollup, richtext
}

export function fieldType(field: Pick<FieldModel, 'type'>): FieldTypeModule {
  return FIELD_TYPE_MODULES[field.type]
}

/** The SQLite column type for a field, or null when its values live in another table. */
export function columnType(field: FieldModel): 'TEXT' | 'REAL' | 'INTEGER' | 'BLOB' | null {
  const mod = fieldType(field)
  return mod.columnFor ? mod.columnFor(field) : mod.column
}
