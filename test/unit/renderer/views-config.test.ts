import { describe, expect, it } from 'vitest'
import { viewConfig, type FieldDto, type FilterNode } from '../../../src-main/shared/api/contracts'
import { countConditions, fromFilterNode, toFilterNode, type FilterState } from '../../../src-renderer/src/components/records/filter'
import { columnsToConfig, DEFAULT_CONFIG, DEFAULT_WIDTH, groupCondition, groupKey, readableConfig, resolveColumns } from '../../../src-renderer/src/components/views/config'
import { derivedHidden } from '../../../src-main/shared/computed-access'

const field = (id: number, apiKey: string, type: FieldDto['type'] = 'text'): FieldDto => ({
  id, formId: 1, parentFieldId: null, label: apiKey, apiKey, type, config: {}, required: false, unique: false,
  description: null, defaultValue: null, position: id, deletedAt: null, resultType: null, visibleWhen: null, requiredWhen: null
})
const fields = [field(1, 'customer'), field(2, 'stage', 'select'), field(3, 'amount', 'amount'), field(4, 'city')]

describe('filter builder with groups', () => {
  const state: FilterState = {
    conj: 'and',
    conditions: [{ key: 'a', field: 'amount', op: 'gt', value: 1000 }],
    groups: [
      {
        key: 'g',
        conj: 'or',
        conditions: [
          { key: 'b', field: 'city', op: 'contains', value: '杭州' },
          { key: 'c', field: 'city', op: 'contains', value: '上海' },
          { key: 'd', field: 'city', op: 'contains', value: '' }
        ]
      }
    ]
  }

  it('sends complete conditions only, a group as a nested OR', () => {
    expect(toFilterNode(state, fields)).toEqual({
      and: [
        { field: 'amount', op: 'gt', value: 1000 },
        { or: [{ field: 'city', op: 'contains', value: '杭州' }, { field: 'city', op: 'contains', value: '上海' }] }
      ]
    })
    expect(countConditions(state)).toBe(3)
  })

  it('a group with one complete condition is sent as that condition; an empty group not at all', () => {
    const one: FilterState = { conj: 'or', conditions: [], groups: [{ key: 'g', conj: 'and', conditions: [{ key: 'x', field: 'city', op: 'eq', value: '北京' }] }, { key: 'h', conj: 'or', conditions: [] }] }
    expect(toFilterNode(one, fields)).toEqual({ or: [{ field: 'city', op: 'eq', value: '北京' }] })
  })

  it('a stored filter comes back to the same builder state and the same node', () => {
    const node = toFilterNode(state, fields)!
    const back = fromFilterNode(node)
    expect(back.nested).toBe(false)
    expect(back.conditions.map((c) => [c.field, c.op, c.value])).toEqual([['amount', 'gt', 1000]])
    expect(back.groups?.[0]?.conj).toBe('or')
    expect(toFilterNode(back, fields)).toEqual(node)
  })

  it('says so when a stored filter nests deeper than the builder shows', () => {
    const deep: FilterNode = { and: [{ or: [{ field: 'city', op: 'eq', value: 'a' }, { and: [{ field: 'city', op: 'eq', value: 'b' }] }] }] }
    expect(fromFilterNode(deep).nested).toBe(true)
  })
})

describe('view columns', () => {
  it('keeps the saved order, widths and hidden flags; fields the view does not name follow, visible', () => {
    const columns = resolveColumns(fields, { ...DEFAULT_CONFIG, columns: [{ field: 'amount', width: 120 }, { field: 'customer', hidden: true }, { field: 'gone' }] })
    expect(columns.map((c) => [c.field.apiKey, c.width, c.hidden])).toEqual([
      ['amount', 120, false],
      ['customer', DEFAULT_WIDTH, true],
      ['stage', DEFAULT_WIDTH, false],
      ['city', DEFAULT_WIDTH, false]
    ])
    expect(columnsToConfig(columns)).toEqual([{ field: 'amount', width: 120 }, { field: 'customer', hidden: true }, { field: 'stage' }, { field: 'city' }])
  })
})

describe('group conditions', () => {
  it('selects one value, a member by id, or the empty group', () => {
    expect(groupCondition(fields[1]!, '赢单')).toEqual({ field: 'stage', op: 'eq', value: '赢单' })
    expect(groupCondition(field(5, 'owner', 'member'), { id: 7, name: '张伟' })).toEqual({ field: 'owner', op: 'eq', value: 7 })
    expect(groupCondition(fields[1]!, null)).toEqual({ field: 'stage', op: 'empty' })
    expect(groupKey(null)).toBe(groupKey(''))
    expect(groupKey({ id: 7, name: 'a' })).not.toBe(groupKey('7'))
  })
})

describe('a view as the user may run it', () => {
  it('drops columns, sorts, group, totals and conditions on fields the user cannot read, and nothing else', () => {
    const readable = new Set(['name', 'stage', 'owner'])
    const saved = {
      ...DEFAULT_CONFIG,
      columns: [{ field: 'name' }, { field: 'contractTotal', width: 120 }, { field: 'stage' }],
      sort: [{ field: 'contractTotal', dir: 'desc' as const }, { field: 'name', dir: 'asc' as const }],
      groupBy: 'contractTotal', kanbanField: 'stage', sumField: 'contractTotal',
      filter: { and: [{ field: 'stage', op: 'eq', value: '谈判' }, { or: [{ field: 'contractTotal', op: 'gt', value: 1_000_000 }] }] } as FilterNode
    }
    const c = readableConfig(saved, readable)
    expect(c.columns.map((x) => x.field)).toEqual(['name', 'stage'])
    expect(c.sort).toEqual([{ field: 'name', dir: 'asc' }])
    expect(c).toMatchObject({ groupBy: null, kanbanField: 'stage', sumField: null, filter: { and: [{ field: 'stage', op: 'eq', value: '谈判' }] } })
    // Nothing to drop: the same object (no re-render, no new query).
    const fine = { ...DEFAULT_CONFIG, columns: [{ field: 'name' }], filter: { field: 'owner', op: 'isMe' } as FilterNode }
    expect(readableConfig(fine, readable)).toBe(fine)
  })
})

describe('the computed-field rule on the permission screen', () => {
  it('hides a formula over a hidden field transitively, and a roll-up over records not all seen, with the reasons', () => {
    const f = (id: number, formId: number, label: string, type: FieldDto['type'], config: Record<string, unknown> = {}) => ({ ...field(id, `k${id}`, type), formId, label, config })
    const opp = [f(1, 1, '预计成交金额', 'amount'), f(2, 1, '赢单率', 'percent'), f(3, 1, '加权金额', 'formula', { expression: '{预计成交金额}*{赢单率}' }), f(4, 1, '加权万元', 'formula', { expression: '{加权金额}/10000' })]
    const contract = [f(10, 2, '客户', 'relation'), f(11, 2, '金额', 'amount')]
    const customer = [f(20, 3, '合同总额', 'rollup', { relationFieldId: 10, targetFieldId: 11, aggregate: 'sum' }), f(21, 3, '合同数', 'rollup', { relationFieldId: 10, aggregate: 'count' })]
    const forms = new Map([[1, opp], [2, contract], [3, customer]])
    const input = (hidden: number[], seesAll: boolean) => ({
      fields: (id: number) => forms.get(id),
      hidden: () => new Set(hidden),
      seesAll: () => seesAll,
      formOfField: (id: number) => [...forms].find(([, list]) => list.some((x) => x.id === id))?.[0]
    })
    expect([...derivedHidden(1, input([1], true))]).toEqual([
      [3, [{ kind: 'field', fieldId: 1, label: '预计成交金额' }]],
      [4, [{ kind: 'field', fieldId: 1, label: '预计成交金额' }]]
    ])
    expect(derivedHidden(1, input([], true)).size).toBe(0)
    expect([...derivedHidden(3, input([], false))]).toEqual([[20, [{ kind: 'records', formId: 2 }]], [21, [{ kind: 'records', formId: 2 }]]])
    expect([...derivedHidden(3, input([11], true))]).toEqual([[20, [{ kind: 'field', fieldId: 11, label: '金额' }]]])
  })
})

describe('the default view settings', () => {
  it('are the schema\'s defaults (written out so the first screen does not load zod)', () => {
    expect(DEFAULT_CONFIG).toEqual(viewConfig.parse({}))
  })
})
