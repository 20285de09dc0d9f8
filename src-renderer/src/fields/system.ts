import type { FieldDto } from '@shared/api/contracts'
import { SYSTEM_FIELDS } from '@shared/field-types'

/**
 * The system fields every form has (id, created/updated at and by, owner) as field definitions,
 * so filters and the history timeline treat them like designer fields through the registry.
 */
export function systemFields(formId: number, t: (key: string) => string): FieldDto[] {
  return SYSTEM_FIELDS.map((f, index) => ({
    id: -(index + 1),
    formId,
    parentFieldId: null,
    label: t(`system.${f.key}`),
    apiKey: f.key,
    type: f.type,
    config: f.type === 'number' ? { precision: 0, thousands: false } : {},
    required: false,
    unique: false,
    description: null,
    defaultValue: null,
    position: 100_000 + index,
    deletedAt: null,
    resultType: null,
    visibleWhen: null,
    requiredWhen: null
  }))
}
