import type { FieldDto } from '@shared/api/contracts'
import { isSummableField } from '@shared/field-types'
import { rendererOf } from '../../fields/registry'

// What a view may do with a field, asked of its renderer (kept apart from config.ts, which is
// pure and loads without the DOM).

/** A footer 合计 only where adding up means something: not unit prices, rates or percentages. */
export const isSummable = (field: FieldDto) => rendererOf(field.type).summable === true && isSummableField(field)
/** Designer fields that are not computed; system fields (negative ids) are never edited. */
export const isEditable = (field: FieldDto) => field.id > 0 && !rendererOf(field.type).computed
