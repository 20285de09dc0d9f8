import type { FieldModel, FormModel } from '../forms/model'
import { SYSTEM_ACTOR, type Actor } from '../access/actor'
import { ValidationError } from '../shared/errors'
import type { PublicFormConfig } from '../shared/api/publicforms'

// The public actor's permission: what a visitor of a published form may do, decided here and
// nowhere else. It may create one record of that form, writing only the published fields (those
// the visitor fills in and the hidden ones a link prefills) — never read, edit or delete, never an
// owner, never any other field. A submission naming any other field is refused as a whole, with
// the field named, and writes nothing.

/** Field types a visitor may fill in on the page. */
export const VISIBLE_TYPES: ReadonlySet<string> = new Set(['text', 'textarea', 'phone', 'email', 'number', 'amount', 'select', 'multiselect', 'date'])
/** Field types a link may prefill as a hidden value (a relation by the linked record's title, e.g. 市场活动=2026春季展). */
export const HIDDEN_TYPES: ReadonlySet<string> = new Set([...VISIBLE_TYPES, 'relation'])

/** The honeypot input's name: invisible to people, filled in by form-spamming robots. */
export const HONEYPOT = 'website_url'

export type PublicAction = 'create' | 'view' | 'edit' | 'delete'

/** The public actor may only create. */
export function publicMay(action: PublicAction): boolean {
  return action === 'create'
}

/** The live fields a configuration publishes, by key; unknown or removed fields are refused at save. */
export function publishedFields(form: FormModel, config: PublicFormConfig): { visible: FieldModel[]; hidden: FieldModel[] } {
  const pick = (key: string, allowed: ReadonlySet<string>, where: 'fields' | 'hidden'): FieldModel => {
    const field = form.byKey.get(key)
    if (!field || field.deletedAt !== null || !allowed.has(field.type)) throw new ValidationError('publicforms.error.fieldNotPublishable', { field: field?.label ?? key }, where)
    return field
  }
  const visible = config.fields.map((f) => pick(f.field, VISIBLE_TYPES, 'fields'))
  const hidden = config.hidden.map((h) => pick(h.field, HIDDEN_TYPES, 'hidden'))
  const seen = new Set<string>()
  for (const f of [...visible, ...hidden]) {
    if (seen.has(f.apiKey)) throw new ValidationError('publicforms.error.fieldTwice', { field: f.label }, 'fields')
    seen.add(f.apiKey)
  }
  return { visible, hidden }
}

/**
 * The values a submission may write: every submitted key must be a published field (its key), or
 * the whole submission is refused naming the first other one. Required visible fields must be
 * filled in. Values stay as submitted text; the write pipeline coerces and validates them.
 */
export function publicWriteInput(form: FormModel, config: PublicFormConfig, submitted: Record<string, string>): Record<string, string> {
  const { visible, hidden } = publishedFields(form, config)
  const allowed = new Map([...visible, ...hidden].map((f) => [f.apiKey, f]))
  const out: Record<string, string> = {}
  for (const [key, value] of Object.entries(submitted)) {
    const field = allowed.get(key)
    if (!field) throw new ValidationError('publicforms.error.fieldNotAllowed', { field: form.byKey.get(key)?.label ?? key.slice(0, 40) }, key.slice(0, 64))
    if (value.trim() !== '') out[key] = value
  }
  for (const [i, f] of visible.entries()) {
    if ((config.fields[i]!.required || f.required) && out[f.apiKey] === undefined) throw new ValidationError('publicforms.error.required', { field: f.label }, f.apiKey)
  }
  return out
}

/**
 * The public actor: the system's id (so a record it creates has no owner and lands in the pool),
 * with a name of its own. It reaches the write pipeline only from the public route, after
 * publicWriteInput (or the survey's own check) narrowed the input to the fields it may write.
 */
export const PUBLIC_ACTOR: Actor = { ...SYSTEM_ACTOR, name: 'public-form' }
