import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { STAGES, testCore } from '../../support/core'

type T = Awaited<ReturnType<typeof testCore>>
let t: T
let opp: number
let contact: number
beforeAll(async () => {
  t = await testCore()
  opp = t.form('商机', [{ label: '客户名称', type: 'text' }, { label: '销售阶段', type: 'select', config: { options: STAGES } }, { label: '备注', type: 'textarea' }]).id
  contact = t.form('联系人', [{ label: '姓名', type: 'text' }, { label: '手机', type: 'phone' }]).id
  t.core.writes.bulkCreate(t.actor, opp, [
    { 客户名称: '杭州云栖科技有限公司', 销售阶段: '谈判', 备注: '客户关注交付周期' },
    { 客户名称: '上海远景贸易有限公司', 销售阶段: '初步接洽' },
    { 客户名称: '深圳华强电子', 销售阶段: '赢单', 备注: '年底续约' }
  ])
  t.core.writes.create(t.actor, contact, { 姓名: '王云栖', 手机: '13812345678' })
})
afterAll(() => t.close())

const names = (q: string) => t.core.reads.list(t.actor, { form: opp, search: q, limit: 50 }).records.map((r) => r.fields.keHuMingCheng).sort()

describe('search', () => {
  it('finds Chinese substrings of three or more characters with the trigram index', () => {
    expect(names('云栖科技')).toEqual(['杭州云栖科技有限公司'])
    expect(names('有限公司')).toEqual(['上海远景贸易有限公司', '杭州云栖科技有限公司'])
    expect(names('交付周期')).toEqual(['杭州云栖科技有限公司'])
    expect(names('不存在的词')).toEqual([])
  })

  it('falls back to LIKE for one and two characters, including option labels', () => {
    expect(names('华强')).toEqual(['深圳华强电子'])
    expect(names('远')).toEqual(['上海远景贸易有限公司'])
    expect(names('赢单')).toEqual(['深圳华强电子'])
  })

  it('sees updates and ignores deleted records', () => {
    const [id] = t.core.reads.list(t.actor, { form: opp, search: '华强电子', limit: 5 }).records.map((r) => r.id)
    t.core.writes.update(t.actor, opp, id!, { 客户名称: '深圳华强半导体' })
    expect(names('华强电子')).toEqual([])
    expect(names('华强半导体')).toEqual(['深圳华强半导体'])
    t.core.writes.delete(t.actor, opp, [id!])
    expect(names('华强半导体')).toEqual([])
    t.core.writes.restore(t.actor, opp, [id!])
    expect(names('华强半导体')).toEqual(['深圳华强半导体'])
  })

  it('pages through many hits newest first, in both directions, with filters and without deleted records', () => {
    const form = t.form('线索', [{ label: '公司', type: 'text' }, { label: '销售阶段', type: 'select', config: { options: STAGES } }]).id
    const ids = t.core.writes.bulkCreate(t.actor, form, Array.from({ length: 40 }, (_, i) => ({ 公司: i % 4 === 3 ? `其他${i}号` : `华东星河${i}号`, 销售阶段: i % 2 ? '谈判' : '赢单' })))
    t.core.writes.delete(t.actor, form, [ids[4]!])
    const expected = ids.filter((id, i) => i % 4 !== 3 && i !== 4)
    for (const [dir, filter, want] of [
      ['desc', undefined, [...expected].reverse()],
      ['asc', undefined, expected],
      ['desc', { field: 'xiaoShouJieDuan', op: 'eq', value: '谈判' } as const, expected.filter((id) => ids.indexOf(id) % 2).reverse()]
    ] as const) {
      const walked: number[] = []
      let cursor: string | undefined
      for (let page = 0; page < 20; page++) {
        const res = t.core.reads.list(t.actor, { form, search: '东星河', sort: dir === 'asc' ? [{ field: 'id', dir }] : undefined, filter, limit: 7, cursor })
        walked.push(...res.records.map((r) => r.id))
        if (!res.nextCursor) break
        cursor = res.nextCursor
      }
      expect(walked).toEqual(want)
    }
  })

  it('searches across forms', () => {
    const groups = t.core.reads.searchAll(t.actor, { q: '云栖', limit: 10 })
    expect(groups.flatMap((g) => g.hits.map((h) => [g.formLabel, h.title])).sort()).toEqual([['联系人', '王云栖'], ['商机', '杭州云栖科技有限公司']].sort())
  })
})
