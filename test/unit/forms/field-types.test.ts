import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { caught, STAGES, testCore } from '../../support/core'

// Every field type's coercion and validation through the real write pipeline: what goes in as
// text (API, import), what is stored and read back, and which inputs are refused by name.

type T = Awaited<ReturnType<typeof testCore>>
let t: T
let formId: number
let customerId: number
let hash: string

beforeAll(async () => {
  t = await testCore()
  const customers = t.form('客户', [{ label: '客户名称', type: 'text' }])
  customerId = t.core.writes.create(t.actor, customers.id, { 客户名称: '杭州云栖科技有限公司' })
  hash = t.core.attachments.put('合同扫描件.pdf', 'application/pdf', Buffer.from('%PDF-1.4 test').toString('base64')).hash
  formId = t.form('全类型', [
    { label: '文本', type: 'text', apiKey: 'text', config: { maxLength: 5 } },
    { label: '多行文本', type: 'textarea', apiKey: 'textarea' },
    { label: '数字', type: 'number', apiKey: 'number', config: { precision: 1, min: 0, max: 100 } },
    { label: '金额', type: 'amount', apiKey: 'amount' },
    { label: '百分比', type: 'percent', apiKey: 'percent' },
    { label: '日期', type: 'date', apiKey: 'date' },
    { label: '日期时间', type: 'datetime', apiKey: 'datetime' },
    { label: '阶段', type: 'select', apiKey: 'select', config: { options: STAGES } },
    { label: '标签', type: 'multiselect', apiKey: 'multi', config: { options: [{ id: 't1', label: '重点' }, { id: 't2', label: '老客户' }, { id: 't3', label: '华东' }] } },
    { label: '已签约', type: 'checkbox', apiKey: 'checkbox' },
    { label: '电话', type: 'phone', apiKey: 'phone' },
    { label: '邮箱', type: 'email', apiKey: 'email' },
    { label: '网址', type: 'url', apiKey: 'url' },
    { label: '负责人员', type: 'member', apiKey: 'member' },
    { label: '客户', type: 'relation', apiKey: 'customer', config: { targetFormId: customers.id } },
    { label: '相关客户', type: 'relation', apiKey: 'customers', config: { targetFormId: customers.id, multiple: true } },
    { label: '附件', type: 'attachment', apiKey: 'files' }
  ]).id
})
afterAll(() => t.close())

const write = (key: string, value: unknown) => {
  const id = t.core.writes.create(t.actor, formId, { [key]: value })
  return t.core.reads.get(t.actor, formId, id).fields[key]
}
const refuse = (key: string, value: unknown) => {
  const e = caught(() => t.core.writes.create(t.actor, formId, { [key]: value }))
  expect(e.field).toBe(key)
  return e.messageKey
}

describe('field types: coercion and validation', () => {
  it('text trims and enforces length', () => {
    expect(write('text', '  甲公司 ')).toBe('甲公司')
    expect(refuse('text', '一二三四五六')).toBe('value.tooLong')
    expect(write('textarea', '第一行\n第二行')).toBe('第一行\n第二行')
  })

  it('number parses Chinese and full-width forms, rounds to precision and checks range', () => {
    expect(write('number', '１２.３４')).toBe(12.3)
    expect(write('number', 7)).toBe(7)
    expect(refuse('number', '12abc')).toBe('value.notANumber')
    expect(refuse('number', 101)).toBe('value.tooLarge')
    expect(refuse('number', -1)).toBe('value.tooSmall')
  })

  it('amount accepts ¥, thousands separators and 万', () => {
    expect(write('amount', '¥12,000.50')).toBe(12000.5)
    expect(write('amount', '1.2万')).toBe(12000)
    expect(write('amount', '3.005')).toBe(3.01)
    expect(refuse('amount', '一万块')).toBe('value.notANumber')
  })

  it('percent stores a fraction', () => {
    expect(write('percent', '15%')).toBe(0.15)
    expect(write('percent', 0.3)).toBe(0.3)
  })

  it('date accepts the forms people type and Excel serials; refuses impossible dates', () => {
    for (const input of ['2024/3/5', '2024-03-05', '2024年3月5日', 45356, '45356']) expect(write('date', input)).toBe('2024-03-05')
    expect(refuse('date', '2024-02-30')).toBe('value.invalidDate')
    expect(refuse('date', '下周')).toMatch(/^value\./)
  })

  it('datetime stores an instant', () => {
    expect(write('datetime', '2024-03-05 14:30')).toBe(new Date(2024, 2, 5, 14, 30).toISOString())
    expect(write('datetime', '2024-03-05T06:30:00Z')).toBe('2024-03-05T06:30:00.000Z')
  })

  it('select takes labels or ids, multi select a list or a delimited text', () => {
    expect(write('select', '谈判')).toBe('谈判')
    expect(write('select', 's4')).toBe('赢单')
    expect(refuse('select', '搁置')).toBe('value.invalidOption')
    expect(write('multi', '老客户，重点')).toEqual(['重点', '老客户'])
    expect(write('multi', ['华东'])).toEqual(['华东'])
    expect(refuse('multi', ['华北'])).toBe('value.invalidOption')
  })

  it('checkbox understands 是/否', () => {
    expect(write('checkbox', '是')).toBe(true)
    expect(write('checkbox', '否')).toBe(false)
    expect(refuse('checkbox', '也许')).toMatch(/^value\./)
  })

  it('phone, email and URL normalize or refuse', () => {
    // A valid phone is kept as typed (spaces collapsed, full-width digits made half-width).
    expect(write('phone', '+86 138 1234 5678')).toBe('+86 138 1234 5678')
    expect(write('phone', '138-1234-5678')).toBe('138-1234-5678')
    expect(write('phone', '１３８１２３４５６７８')).toBe('13812345678')
    expect(write('phone', '021-12345678')).toBe('021-12345678')
    expect(write('phone', '010-12345678-123')).toBe('010-12345678-123')
    expect(write('phone', '400-123-4567')).toBe('400-123-4567')
    expect(write('phone', '+1 415 555 0100')).toBe('+1 415 555 0100')
    expect(refuse('phone', '电话号码')).toBe('value.invalidPhone')
    // Too short for a mobile, no area code for a landline: refused, never stored as 1380000.
    expect(refuse('phone', '138-0000')).toBe('value.invalidPhone')
    expect(refuse('phone', '12345678')).toBe('value.invalidPhone')
    expect(write('email', 'Sales@Example.COM')).toMatch(/@example\.com$/)
    expect(refuse('email', 'sales at example')).toBe('value.invalidEmail')
    expect(write('url', 'www.example.com')).toBe('https://www.example.com')
  })

  it('member by id, login or name', () => {
    expect(write('member', t.actor.id)).toEqual({ id: t.actor.id, name: '管理员' })
    expect(write('member', 'admin')).toEqual({ id: t.actor.id, name: '管理员' })
    expect(write('member', '管理员')).toEqual({ id: t.actor.id, name: '管理员' })
    expect(refuse('member', '不存在的人')).toBe('value.invalidUser')
  })

  it('relations link existing records only and show their titles', () => {
    expect(write('customer', customerId)).toEqual({ id: customerId, title: '杭州云栖科技有限公司' })
    expect(write('customers', [customerId])).toEqual([{ id: customerId, title: '杭州云栖科技有限公司' }])
    expect(refuse('customer', 99999)).toBe('value.invalidRelation')
  })

  it('attachments reference uploaded files by hash', () => {
    expect(write('files', [{ hash }])).toEqual([{ hash, name: '合同扫描件.pdf', size: 13, mime: 'application/pdf' }])
    expect(refuse('files', ['0'.repeat(64)])).toBe('value.invalidAttachment')
  })

  it('blank input stores nothing', () => {
    for (const key of ['text', 'number', 'date', 'select', 'multi', 'member', 'customer', 'customers']) {
      const v = write(key, '')
      expect(v === null || (Array.isArray(v) && v.length === 0)).toBe(true)
    }
  })
})
