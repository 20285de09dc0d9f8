import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testCore } from '../../support/core'
import type { FieldDto, FilterNode, RecordDto } from '../../../src-main/shared/api/contracts'
import { FIELD_OPERATORS, type FieldType, type FilterOperator } from '../../../src-main/shared/field-types'
import { matchFilter, type MatchContext } from '../../../src-main/shared/filter-match'

// matchFilter (in memory, used by the renderer, the write pipeline and rules) against the SQL
// query builder: for random records over every filterable field type and random nested AND/OR
// filters, the records matchFilter accepts are exactly those records.list returns. Values are
// given to matchFilter in API shape, as the renderer holds them.

const STAGES = [
  { id: 's1', label: '初步接洽', color: 'blue' as const },
  { id: 's2', label: '谈判', color: 'orange' as const },
  { id: 's3', label: '赢单', color: 'green' as const },
  { id: 's4', label: 'Lost', color: 'red' as const }
]
const TAGS = [
  { id: 't1', label: '重点', color: 'red' as const },
  { id: 't2', label: '老客户', color: 'blue' as const },
  { id: 't3', label: '渠道', color: 'teal' as const }
]
const CHARS = ['a', 'A', 'b', 'B', '1', '云', '%', '_']
const textArb = fc.array(fc.constantFrom(...CHARS), { minLength: 1, maxLength: 3 }).map((cs) => cs.join(''))
const needleArb = fc.array(fc.constantFrom(...CHARS), { maxLength: 2 }).map((cs) => cs.join(''))
const nullable = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { freq: 4, nil: null })
// The clock is Wednesday 2024-03-06 15:00 local time; dates cluster around it.
const NOW = new Date(2024, 2, 6, 15, 0)
const DATES = ['2024-01-31', '2024-02-01', '2024-02-29', '2024-03-01', '2024-03-03', '2024-03-04', '2024-03-05', '2024-03-06', '2024-03-07', '2024-03-10', '2024-03-11', '2024-04-01', '2025-01-01']
const dateArb = fc.constantFrom(...DATES)
const dateTimeArb = fc.integer({ min: -40 * 24, max: 40 * 24 }).map((h) => NOW.getTime() + h * 3_600_000 + 17 * 60_000)
const amtArb = fc.integer({ min: -12, max: 12 }).map((n) => n / 4)
const pctArb = fc.integer({ min: -4, max: 8 }).map((n) => n / 4)

type T = Awaited<ReturnType<typeof testCore>>
let t: T
let formId: number
let fields: FieldDto[]
let other: number
let customers: number[]
const ctx = (): MatchContext => ({ fields, userId: t.actor.id, now: NOW, timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone })

beforeAll(async () => {
  t = await testCore({ now: NOW.getTime() })
  other = await t.core.org.createUser(t.actor.id, { name: '李四', login: 'lisi', password: 'secret123' })
  const cust = t.form('客户', [{ label: '名称', type: 'text' }])
  customers = t.core.writes.bulkCreate(t.actor, cust.id, [{ 名称: '甲' }, { 名称: '乙' }, { 名称: '丙' }])
  const form = t.form('商机', [
    { label: '名称', apiKey: 'name', type: 'text' },
    { label: '备注', apiKey: 'note', type: 'textarea' },
    { label: '电话', apiKey: 'tel', type: 'phone' },
    { label: '数量', apiKey: 'qty', type: 'number' },
    { label: '金额', apiKey: 'amt', type: 'amount' },
    { label: '比例', apiKey: 'pct', type: 'percent', config: { precision: 0 } },
    { label: '日期', apiKey: 'day', type: 'date' },
    { label: '时间', apiKey: 'at', type: 'datetime' },
    { label: '阶段', apiKey: 'stage', type: 'select', config: { options: STAGES } },
    { label: '标签', apiKey: 'tags', type: 'multiselect', config: { options: TAGS } },
    { label: '重要', apiKey: 'flag', type: 'checkbox' },
    { label: '跟进人', apiKey: 'who', type: 'member' },
    { label: '客户', apiKey: 'cust', type: 'relation', config: { targetFormId: cust.id } },
    { label: '相关客户', apiKey: 'custs', type: 'relation', config: { targetFormId: cust.id, multiple: true } },
    { label: '双倍', apiKey: 'twice', type: 'formula', config: { expression: '{数量} * 2' } },
    { label: '标题', apiKey: 'title', type: 'formula', config: { expression: 'CONCAT({名称}, "!")' } }
  ])
  formId = form.id
  fields = t.core.schema.toDto(t.core.schema.form(form.id)).fields
}, 30_000)
afterAll(() => t.close())

const recordArb = fc.record({
  name: nullable(textArb),
  note: nullable(textArb),
  tel: nullable(fc.constantFrom('13800138000', '010-12345678', '13912345678')),
  qty: nullable(fc.integer({ min: -4, max: 4 })),
  amt: nullable(amtArb),
  pct: nullable(pctArb),
  day: nullable(dateArb),
  at: nullable(dateTimeArb),
  stage: nullable(fc.constantFrom(...STAGES.map((s) => s.label))),
  tags: fc.subarray(TAGS.map((x) => x.label)),
  flag: fc.constantFrom<boolean | null>(true, false, null),
  who: fc.constantFrom<'me' | 'other' | null>('me', 'other', null),
  cust: fc.constantFrom<number | null>(0, 1, 2, null),
  custs: fc.subarray([0, 1, 2])
})

function leafFor(key: string, type: FieldType): fc.Arbitrary<FilterNode> {
  const ops = FIELD_OPERATORS[type]
  const cond = (op: FilterOperator, value?: fc.Arbitrary<unknown>): fc.Arbitrary<FilterNode> =>
    value ? value.map((v) => ({ field: key, op, value: v })) : fc.constant({ field: key, op })
  const choices: Array<fc.Arbitrary<FilterNode>> = []
  const byType: Partial<Record<FieldType, fc.Arbitrary<unknown>>> = {
    text: fc.oneof(needleArb, textArb), textarea: needleArb, phone: fc.constantFrom('138', '13800138000', '010', '5678'),
    number: fc.integer({ min: -4, max: 4 }), amount: amtArb, percent: fc.oneof(pctArb, fc.constantFrom('25%', '50', '0.5')),
    date: dateArb, datetime: dateTimeArb.map((ms) => new Date(ms).toISOString()),
    formula: fc.integer({ min: -8, max: 8 })
  }
  for (const op of ops) {
    // Formulas offer the operators of their result type only.
    if (key === 'twice' && op === 'contains') continue
    if (key === 'title' && !['contains', 'eq', 'neq', 'empty', 'notEmpty'].includes(op)) continue
    if (['empty', 'notEmpty', 'today', 'yesterday', 'thisWeek', 'lastWeek', 'thisMonth', 'lastMonth', 'thisYear', 'isMe'].includes(op)) choices.push(cond(op))
    else if (op === 'lastNDays' || op === 'nextNDays') choices.push(cond(op, fc.integer({ min: 1, max: 40 })))
    else if (type === 'select') choices.push(cond(op, op === 'in' || op === 'notIn' ? fc.subarray([...STAGES.map((s) => s.label), 'lost', 's2'], { minLength: 1 }) : fc.constantFrom(...STAGES.map((s) => s.label), 's3', 'lost')))
    else if (type === 'multiselect') choices.push(cond(op, fc.subarray([...TAGS.map((x) => x.label), 't3'], { minLength: 1 })))
    else if (type === 'checkbox') choices.push(cond(op, fc.constantFrom(true, false, '是', '否')))
    else if (type === 'member') choices.push(cond(op, op === 'in' || op === 'notIn' ? fc.subarray([t.actor.id, other], { minLength: 1 }) : fc.constantFrom(t.actor.id, other, { id: other })))
    else if (type === 'relation') choices.push(cond(op, fc.subarray(customers, { minLength: 1 })))
    else if (op === 'between') choices.push(cond(op, fc.tuple(nullable(byType[type]!), nullable(byType[type]!))))
    else if (key === 'title') choices.push(cond(op, fc.oneof(needleArb, textArb.map((x) => `${x}!`))))
    else choices.push(cond(op, byType[type]!))
  }
  return fc.oneof(...choices)
}

describe('matchFilter agrees with the SQL query builder', () => {
  it('on random records and random nested filters over every field type', () => {
    const leaves = () => fc.oneof(...fields.map((f) => leafFor(f.apiKey, f.type)),
      leafFor('owner', 'member'), leafFor('createdAt', 'datetime'), leafFor('id', 'number'))
    const { filter } = fc.letrec<{ filter: FilterNode }>((tie) => ({
      filter: fc.oneof({ depthSize: 'small', maxDepth: 2 }, leaves(), fc.array(tie('filter'), { maxLength: 3 }).map((and): FilterNode => ({ and })), fc.array(tie('filter'), { maxLength: 3 }).map((or): FilterNode => ({ or })))
    }))

    fc.assert(fc.property(fc.array(recordArb, { minLength: 1, maxLength: 25 }), fc.array(filter, { minLength: 10, maxLength: 10 }), (recs, filters) => {
      t.core.db.exec(`DELETE FROM f_${formId}`)
      t.core.writes.bulkCreate(t.actor, formId, recs.map((r) => ({
        ...r,
        who: r.who === 'me' ? t.actor.id : r.who === 'other' ? other : null,
        cust: r.cust === null ? null : customers[r.cust],
        custs: r.custs.map((i) => customers[i])
      })))
      const all = t.core.reads.list(t.actor, { form: formId, limit: 500 }).records
      const valuesOf = (r: RecordDto) => ({ ...r.fields, id: r.id, createdAt: r.createdAt, updatedAt: r.updatedAt, owner: r.owner, createdBy: r.createdBy })
      for (const f of filters) {
        const sql = t.core.reads.list(t.actor, { form: formId, filter: f, limit: 500 }).records.map((r) => r.id).sort((a, b) => a - b)
        const mem = all.filter((r) => matchFilter(f, valuesOf(r), ctx())).map((r) => r.id).sort((a, b) => a - b)
        if (JSON.stringify(sql) !== JSON.stringify(mem)) expect({ filter: f, mem }).toEqual({ filter: f, mem: sql })
      }
    }), { numRuns: 40 })
  }, 120_000)
})

describe('matchFilter', () => {
  const f = (over: Partial<MatchContext> = {}): MatchContext => ({ fields, userId: t.actor.id, now: NOW, ...over })

  it('never matches a condition the query builder would refuse', () => {
    expect(matchFilter({ field: 'nope', op: 'eq', value: 1 }, {}, f())).toBe(false)
    expect(matchFilter({ field: 'stage', op: 'gt', value: 1 }, { stage: '谈判' }, f())).toBe(false)
    expect(matchFilter({ field: 'stage', op: 'neq', value: '不存在' }, { stage: '谈判' }, f())).toBe(false)
    expect(matchFilter({ field: 'qty', op: 'eq' }, { qty: 1 }, f())).toBe(false)
    expect(matchFilter({ field: 'day', op: 'lastNDays', value: 0 }, { day: '2024-03-06' }, f())).toBe(false)
  })

  it('treats no filter and empty groups as matching everything', () => {
    expect(matchFilter(null, {}, f())).toBe(true)
    expect(matchFilter({ and: [] }, {}, f())).toBe(true)
    expect(matchFilter({ or: [] }, {}, f())).toBe(true)
  })

  it('reads values the record page holds while editing: option ids, member ids, epoch ms', () => {
    expect(matchFilter({ field: '阶段', op: 'eq', value: '赢单' }, { stage: 's3' }, f())).toBe(true)
    expect(matchFilter({ field: 'who', op: 'isMe' }, { who: t.actor.id }, f())).toBe(true)
    expect(matchFilter({ field: 'who', op: 'isMe' }, { who: t.actor.id }, f({ userId: null }))).toBe(false)
    expect(matchFilter({ field: 'at', op: 'today' }, { at: NOW.getTime() }, f({ timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone }))).toBe(true)
  })

  it('resolves relative dates in Asia/Shanghai unless told otherwise', () => {
    // 2024-03-06 17:00 UTC is already 2024-03-07 01:00 in Shanghai.
    const now = new Date(Date.UTC(2024, 2, 6, 17, 0))
    expect(matchFilter({ field: 'day', op: 'today' }, { day: '2024-03-07' }, f({ now }))).toBe(true)
    expect(matchFilter({ field: 'day', op: 'today' }, { day: '2024-03-06' }, f({ now, timeZone: 'UTC' }))).toBe(true)
    expect(matchFilter({ field: 'at', op: 'today' }, { at: '2024-03-06T16:30:00.000Z' }, f({ now }))).toBe(true)
    expect(matchFilter({ field: 'at', op: 'today' }, { at: '2024-03-06T15:30:00.000Z' }, f({ now }))).toBe(false)
    // Monday 2024-03-04 starts the week in Shanghai.
    expect(matchFilter({ field: 'day', op: 'thisWeek' }, { day: '2024-03-04' }, f({ now }))).toBe(true)
    expect(matchFilter({ field: 'day', op: 'thisWeek' }, { day: '2024-03-03' }, f({ now }))).toBe(false)
  })
})
