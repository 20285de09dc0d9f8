import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { STAGES, testCore } from '../../support/core'

// Query features beyond plain comparisons: relative dates against the injectable clock,
// "member is me", option-order sorting, group counts and totals.

type T = Awaited<ReturnType<typeof testCore>>
let t: T
let form: number
beforeAll(async () => {
  t = await testCore({ now: new Date(2024, 2, 6, 15, 0).getTime() }) // Wednesday 2024-03-06
  form = t.form('商机', [
    { label: '客户名称', type: 'text' },
    { label: '阶段', type: 'select', config: { options: STAGES } },
    { label: '金额', type: 'amount' },
    { label: '成交日期', type: 'date' },
    { label: '跟进人', type: 'member' }
  ]).id
  t.core.writes.bulkCreate(t.actor, form, [
    { 客户名称: '今天', 阶段: '赢单', 金额: 100, 成交日期: '2024-03-06', 跟进人: t.actor.id },
    { 客户名称: '周一', 阶段: '初步接洽', 金额: 200, 成交日期: '2024-03-04' },
    { 客户名称: '上周日', 阶段: '谈判', 金额: 300, 成交日期: '2024-03-03' },
    { 客户名称: '上月', 阶段: '谈判', 金额: null, 成交日期: '2024-02-20', 跟进人: t.actor.id },
    { 客户名称: '明年', 阶段: '输单', 金额: 50, 成交日期: '2025-01-01' }
  ])
})
afterAll(() => t.close())

const names = (filter: unknown, sort?: Array<{ field: string; dir: 'asc' | 'desc' }>) =>
  t.core.reads.list(t.actor, { form, filter: filter as never, sort, limit: 50 }).records.map((r) => r.fields.keHuMingCheng)

describe('query builder', () => {
  it('resolves relative dates in the local timezone, weeks starting Monday', () => {
    expect(names({ field: 'chengJiaoRiQi', op: 'today' })).toEqual(['今天'])
    expect(names({ field: 'chengJiaoRiQi', op: 'thisWeek' }, [{ field: 'chengJiaoRiQi', dir: 'asc' }])).toEqual(['周一', '今天'])
    expect(names({ field: 'chengJiaoRiQi', op: 'lastWeek' })).toEqual(['上周日'])
    expect(names({ field: 'chengJiaoRiQi', op: 'lastMonth' })).toEqual(['上月'])
    expect(names({ field: 'chengJiaoRiQi', op: 'lastNDays', value: 3 }, [{ field: 'chengJiaoRiQi', dir: 'asc' }])).toEqual(['周一', '今天'])
    expect(names({ field: 'createdAt', op: 'today' })).toHaveLength(5)
  })

  it('nests AND/OR and filters members by "is me"', () => {
    expect(names({ and: [{ field: 'genJinRen', op: 'isMe' }, { or: [{ field: 'jieDuan', op: 'eq', value: '谈判' }, { field: 'jinE', op: 'gte', value: 100 }] }] }, [{ field: 'jinE', dir: 'asc' }])).toEqual(['上月', '今天'])
    expect(names({ field: 'jinE', op: 'empty' })).toEqual(['上月'])
    expect(names({ field: 'jieDuan', op: 'notIn', value: ['谈判', '输单'] }, [{ field: 'jinE', dir: 'desc' }])).toEqual(['周一', '今天'])
  })

  it('sorts selects by option order, not alphabetically', () => {
    expect(names(undefined, [{ field: 'jieDuan', dir: 'asc' }, { field: 'jinE', dir: 'asc' }])).toEqual(['周一', '上月', '上周日', '今天', '明年'])
  })

  it('counts by group and sums totals over all matching records', () => {
    const grouped = t.core.reads.count(t.actor, { form, groupBy: 'jieDuan' })
    expect(grouped.total).toBe(5)
    expect(grouped.groups).toContainEqual({ value: '谈判', count: 2 })
    const page = t.core.reads.list(t.actor, { form, limit: 1, withTotal: true, totals: ['jinE'] })
    expect(page.total).toBe(5)
    expect(page.totals).toEqual({ jinE: 650 })
    expect(page.records).toHaveLength(1)
    expect(page.nextCursor).not.toBeNull()
  })
})
