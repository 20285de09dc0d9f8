import { describe, expect, it } from 'vitest'
import type { FieldDto } from '../../../src-main/shared/api/contracts'
import { followUpPreset } from '../../../src-renderer/src/components/mobile/follow-up'
import { desktopOnlyRoute } from '../../../src-renderer/src/components/mobile/DesktopOnly'
import { isAddressField, mapUrl } from '../../../src-renderer/src/components/mobile/ContactLinks'
import { parseRoute } from '../../../src-renderer/src/lib/route'

const field = (id: number, apiKey: string, type: FieldDto['type'] = 'text', label = apiKey): FieldDto => ({
  id, formId: 9, parentFieldId: null, label, apiKey, type, config: {}, required: false, unique: false,
  description: null, defaultValue: null, position: id, deletedAt: null, resultType: null, visibleWhen: null, requiredWhen: null
})

const followUp = { fields: [field(1, 'subject'), field(2, 'time', 'datetime'), field(3, 'customer', 'relation'), field(4, 'opportunity', 'relation'), field(5, 'lead', 'relation')] }
const now = new Date('2024-03-05T01:30:00.000Z')

describe('写跟进 on a phone', () => {
  it('starts at the current time, with no link when no record is open', () => {
    expect(followUpPreset(followUp, now)).toEqual({ time: '2024-03-05T01:30:00.000Z' })
  })

  it('links the customer it is written from', () => {
    expect(followUpPreset(followUp, now, { formKey: 'customer', id: 7, title: '长沙中科物流', fields: {} })).toEqual({ time: now.toISOString(), customer: { id: 7, title: '长沙中科物流' } })
  })

  it("from an opportunity: the opportunity and the opportunity's customer", () => {
    const preset = followUpPreset(followUp, now, { formKey: 'opportunity', id: 3, title: 'ERP 升级', fields: { customer: { id: 7, title: '长沙中科物流' } } })
    expect(preset).toEqual({ time: now.toISOString(), opportunity: { id: 3, title: 'ERP 升级' }, customer: { id: 7, title: '长沙中科物流' } })
  })

  it('leaves out fields the follow-up form does not have (a renamed or deleted time field)', () => {
    const trimmed = { fields: followUp.fields.filter((f) => f.apiKey !== 'time') }
    expect(followUpPreset(trimmed, now, { formKey: 'lead', id: 2, title: '王强', fields: {} })).toEqual({ lead: { id: 2, title: '王强' } })
  })
})

describe('designers stay on the computer', () => {
  it('form, new form, flow, rule and role designers; not records, to-dos or dashboards', () => {
    for (const hash of ['#/forms/3/design', '#/apps/1/new-form', '#/flows', '#/flows/4', '#/admin/rules', '#/admin/roles']) expect(desktopOnlyRoute(parseRoute(hash)), hash).toBe(true)
    for (const hash of ['#/forms/3', '#/forms/3/records/5', '#/todo', '#/todo/instances/2', '#/dashboards', '#/crm/customers/5', '#/settings']) expect(desktopOnlyRoute(parseRoute(hash)), hash).toBe(false)
  })
})

describe('call and map links', () => {
  it('an address is a text field named so, in either language', () => {
    expect(isAddressField(field(1, 'address'))).toBe(true)
    expect(isAddressField(field(2, 'c_12', 'text', '详细地址'))).toBe(true)
    expect(isAddressField(field(3, 'city'))).toBe(false)
    expect(isAddressField(field(4, 'address', 'textarea'))).toBe(false)
  })

  it('the map link carries the whole address, encoded', () => {
    expect(mapUrl('杭州市西湖区文三路 478 号 & 12 楼')).toBe(`https://uri.amap.com/search?keyword=${encodeURIComponent('杭州市西湖区文三路 478 号 & 12 楼')}&callnative=1`)
  })
})
