import type { FieldDto } from '@shared/api/contracts'
import type { Draft, DraftField } from './draft'

// The record page's inputs (src-renderer/src/fields) take FieldDto; the designer shows draft
// fields through them, so the canvas and the preview look exactly like the record page. In these
// synthetic DTOs the API key is the draft key: conditions in the draft name fields by draft key,
// so the preview can evaluate them against its values directly.

const syntheticIds = new Map<string, number>()
/** Negative ids for unsaved fields, stable per key (React keys, sub-table lookups). */
function idFor(field: DraftField): number {
  if (field.id !== null) return field.id
  let id = syntheticIds.get(field.key)
  if (id === undefined) {
    id = -(syntheticIds.size + 1)
    syntheticIds.set(field.key, id)
  }
  return id
}

export function previewField(field: DraftField, draft: Draft, position = 0): FieldDto {
  const parent = field.parentKey ? draft.fields[field.parentKey] : undefined
  return {
    id: idFor(field),
    formId: 0,
    parentFieldId: parent ? idFor(parent) : null,
    label: field.label || '—',
    apiKey: field.key,
    type: field.type,
    config: field.config,
    required: field.required,
    unique: field.unique,
    description: field.description || null,
    defaultValue: field.defaultValue,
    position,
    deletedAt: null,
    resultType: null,
    visibleWhen: field.visibleWhen,
    requiredWhen: field.requiredWhen,
    requiredOnEnter: field.requiredOnEnter
  }
}

/** Every draft field as a DTO, children positioned in their sub-table's order. */
export function previewFields(draft: Draft): FieldDto[] {
  const out: FieldDto[] = []
  for (const f of Object.values(draft.fields)) {
    const parent = f.parentKey ? draft.fields[f.parentKey] : undefined
    out.push(previewField(f, draft, parent ? parent.children.indexOf(f.key) : 0))
  }
  return out
}

/** Whether the preview can render the input (a relation needs its target form). */
export function previewable(field: DraftField): boolean {
  if (field.type === 'relation') return typeof field.config.targetFormId === 'number'
  return true
}
