import type { FormDto, RecordDto } from '@shared/api/contracts'
import { recordTitle } from '../../fields/relation'

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

/** The values a new follow-up starts with: now, and the links the page's record gives. */
export function followUpPreset(followUp: FormDto, now: Date, parent?: { form: FormDto; record: Pick<RecordDto, 'id' | 'fields'> }): Record<string, unknown> {
  const has = (key: string) => followUp.fields.some((f) => f.apiKey === key && f.deletedAt === null && f.parentFieldId === null)
  const preset: Record<string, unknown> = {}
  if (has('time')) preset.time = now.toISOString()
  if (!parent) return preset
  const key = parent.form.apiKey
  if ((FOLLOW_UP_PARENTS as readonly string[]).includes(key) && has(key)) preset[key] = { id: parent.record.id, title: recordTitle(parent.record, parent.form) }
  // An opportunity's (or contact's) follow-up also belongs to its customer.
  if (key !== 'customer' && has('customer')) {
    const customer = linkOf(parent.record.fields.customer)
    if (customer) preset.customer = customer
  }
  return preset
}
