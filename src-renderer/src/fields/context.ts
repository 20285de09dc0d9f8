import { createContext } from 'react'
import type { FieldDto } from '@shared/api/contracts'

/** Every live field of the form being edited; sub-table inputs find their child fields here. */
export const FormFieldsContext = createContext<FieldDto[]>([])

/** Live children of a sub-table field, in designer order. */
export function childFieldsOf(fields: FieldDto[], parent: FieldDto): FieldDto[] {
  return fields.filter((f) => f.parentFieldId === parent.id && f.deletedAt === null).sort((a, b) => a.position - b.position)
}
