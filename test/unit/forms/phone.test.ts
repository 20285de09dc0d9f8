import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { caught, testCore } from '../../support/core'

// A phone field: Chinese mobiles (+86 / 0086, spaces, dashes), landlines with their area code and
// an extension, 400/800 numbers and international +<cc> numbers; kept as typed; 138-0000 refused
// (it used to be stored as 1380000); found by its digits.

let t: Awaited<ReturnType<typeof testCore>>
let form: number
beforeEach(async () => {
  t = await testCore()
  form = t.form('联系人', [{ label: '姓名', apiKey: 'name', type: 'text' }, { label: '电话', apiKey: 'phone', type: 'phone' }]).id
})
afterEach(() => t.close())

const save = (phone: string) => t.core.writes.create(t.actor, form, { name: '张三', phone })
const stored = (id: number) => t.core.reads.get(t.actor, form, id).fields.phone

describe('a phone field', () => {
  it('keeps a valid number as typed', () => {
    for (const typed of ['13812345678', '138-1234-5678', '+86 138 1234 5678', '0086-138-1234-5678', '021-12345678', '0755 2345 6789', '010-12345678-123', '400-123-4567', '800 123 4567', '+44 20 7946 0958']) {
      expect(stored(save(typed))).toBe(typed)
    }
  })

  it('refuses 138-0000 and other numbers that are neither mobile, landline with area code, 400/800 nor international; nothing is written', () => {
    for (const bad of ['138-0000', '1380000', '12345678', '1381234567', '021-123', '+1 23']) {
      const e = caught(() => save(bad))
      expect(e.messageKey).toBe('value.invalidPhone')
      expect(e.field).toBe('phone')
    }
    expect(t.core.reads.list(t.actor, { form, limit: 10 }).records).toHaveLength(0)
  })

  it('is found by its digits when typed with dashes or spaces', () => {
    const id = save('138-1234-5678')
    expect(t.core.reads.list(t.actor, { form, search: '13812345678', limit: 5 }).records.map((r) => r.id)).toEqual([id])
  })
})
