import { describe, expect, it } from 'vitest'
import type { FieldDto, FilterNode } from '../../../src-main/shared/api/contracts'
import { countConditions, fromFilterNode, toFilterNode, type FilterState } from '../../../src-renderer/src/components/records/filter'
import { columnsToConfig, DEFAULT_CONFIG, DEFAULT_WIDTH, groupCondition, groupKey, resolveColumns } from '../../../src-renderer/src/components/views/config'

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
