import type { FormDto } from '@shared/api/contracts'

// 写跟进 (a follow-up record of the sales app's followUp form), started from a phone: the time is
// now, and the customer (or the opportunity and its customer, or the lead) comes from the
// record the user is looking at; without one, the user picks the customer in the form.

export const FOLLOW_UP_FORM = 'followUp'
/** The forms a follow-up links to, by the follow-up's relation field of the same API key. */
export const FOLLOW_UP_PARENTS = ['customer', 'opportunity', 'lead'] as const

type Link = { id: number; title: string }

const linkOf = (value: unknown): Link | null => {
  const v = Array.isArray(value) ? value[0] : value
  if (v && typeof v === 'object' && typeof (v as Link).id === 'number') return { id: (v as Link).id, title: String((v as Link).title ?? '') }
  return null
}

/** The record a follow-up is written from: its form's API key, id, title and values. */
export interface FollowUpParent {
  formKey: string
  id: number
  title: string
  fields: Record<string, unknown>
}

/** The values a new follow-up starts with: now, and the links the page's record gives. */
export function followUpPreset(followUp: Pick<FormDto, 'fields'>, now: Date, parent?: FollowUpParent): Record<string, unknown> {
  const has = (key: string) => followUp.fields.some((f) => f.apiKey === key && f.deletedAt === null && f.parentFieldId === null)
  const preset: Record<string, unknown> = {}
  if (has('time')) preset.time = now.toISOString()
  if (!parent) return preset
  const key = parent.formKey
  if ((FOLLOW_UP_PARENTS as readonly string[]).includes(key) && has(key)) preset[key] = { id: parent.id, title: parent.title }
  // An opportunity's (or contact's) follow-up also belongs to its customer.
  if (key !== 'customer' && has('customer')) {
    const customer = linkOf(parent.fields.customer)
    if (customer) preset.customer = customer
  }
  return preset
}
