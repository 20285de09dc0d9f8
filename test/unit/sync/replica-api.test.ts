import { afterEach, describe, expect, it } from 'vitest'
import { ReplicaApi } from '../../../src-main/sync/replica-api'
import type { RecordDto } from '../../../src-main/shared/api/core'
import { client, syncWorld, type World } from './harness'

// The API a desktop window gets from its replica while the office is unreachable
// (src-main/sync/replica-api.ts, replica-query.ts): lists as the office would answer them for the
// same query (filters, sort, search, paging, totals, counts), records made offline first and
// marked 待分配, the shell's kept reads, offline rights, and 离线时不可用 for the rest.

let w: World
afterEach(() => w?.close())

type Page = { records: RecordDto[]; nextCursor: string | null; total?: number; totals?: Record<string, number | null> }
const ok = <T>(answer: { ok: boolean; data?: unknown; error?: unknown }): T => {
  if (!answer.ok) throw new Error(JSON.stringify(answer.error))
  return answer.data as T
}

async function world() {
  w = await syncWorld(1)
  const [rep] = w.users
  const names = ['甲方科技', '乙方贸易', 'Alpha Ltd', '丙方物流', 'beta co']
  names.forEach((name, i) => w.core.writes.create(rep!, w.form.id, { [w.key('名称')]: name, [w.key('金额')]: (i + 1) * 100, [w.key('阶段')]: i % 2 ? '谈判' : '初步接洽', ...(i === 3 ? {} : { [w.key('数量')]: i }) }))
  const c = client(w, rep!)
  await c.sync()
  const api = new ReplicaApi(c, { userId: rep!.id, now: () => w.clock.now(), timeZone: 'Asia/Shanghai' })
  api.keepAccess(w.form.id, { actions: ['view', 'create', 'edit'], readonly: [w.key('数量')] })
  return { rep: rep!, c, api, ids: (page: Page) => page.records.map((r) => r.fields[w.key('名称')]) }
}

describe('the replica answers the window offline', () => {
  it('lists as the office does: filters, sort with blanks first, search, paging, totals and group counts', async () => {
    const { rep, api, ids } = await world()
    const office = (q: Record<string, unknown>) => w.core.reads.list(rep, { form: w.form.id, limit: 50, ...q }).records.map((r) => r.fields[w.key('名称')])
    const offline = (q: Record<string, unknown>) => ids(ok<Page>(api.answer('records.list', { form: w.form.id, ...q })))
    for (const q of [
      {},
      { sort: [{ field: w.key('金额'), dir: 'desc' }] },
      { sort: [{ field: w.key('数量'), dir: 'asc' }] },
      { sort: [{ field: 'createdAt', dir: 'desc' }] },
      { filter: { field: w.key('阶段'), op: 'eq', value: '谈判' } },
      { filter: { or: [{ field: w.key('金额'), op: 'gt', value: 350 }, { field: w.key('名称'), op: 'contains', value: 'alpha' }] } },
      { filter: { field: 'owner', op: 'isMe' } },
      { search: 'BETA' },
      { search: '方' }
    ]) expect(offline(q), JSON.stringify(q)).toEqual(office(q))
    const first = ok<Page>(api.answer('records.list', { form: w.form.id, limit: 2, withTotal: true, totals: [w.key('金额')], sort: [{ field: w.key('金额') }] }))
    expect(first).toMatchObject({ total: 5, totals: { [w.key('金额')]: 1500 } })
    const second = ok<Page>(api.answer('records.list', { form: w.form.id, limit: 2, cursor: first.nextCursor, sort: [{ field: w.key('金额') }] }))
    expect([...ids(first), ...ids(second)]).toEqual(office({ sort: [{ field: w.key('金额') }] }).slice(0, 4))
    const counted = ok<{ total: number; groups: Array<{ value: unknown; count: number }> }>(api.answer('records.count', { form: w.form.id, groupBy: w.key('阶段') }))
    expect(counted.groups).toEqual(w.core.reads.count(rep, { form: w.form.id, groupBy: w.key('阶段') }).groups)
    expect(api.answer('records.list', { form: w.form.id, sort: [{ field: 'nope' }] })).toMatchObject({ ok: false, error: { messageKey: 'value.unknownField', field: 'nope' } })
  })

  it('a record made offline comes first, says 待分配 in the window, and changes go through the offline checks and rights', async () => {
    const { c, api } = await world()
    const made = ok<RecordDto>(api.answer('records.create', { form: w.form.id, fields: { [w.key('名称')]: '离线客户', [w.key('金额')]: 7 } }, 'zh-CN'))
    expect(made.fields[w.key('编号')]).toBe('待分配')
    // The window is told the change is queued here, not taken by the office; reads are not.
    expect(api.answer('records.create', { form: w.form.id, fields: { [w.key('名称')]: '离线客户二' } }, 'zh-CN')).toMatchObject({ ok: true, queued: true })
    expect(api.answer('records.get', { form: w.form.id, id: made.id })).not.toHaveProperty('queued')
    expect(c.records(w.form.id).find((r) => r.id === made.id)!.fields[w.key('编号')]).toBeNull()
    expect(ok<Page>(api.answer('records.list', { form: w.form.id, limit: 1 })).records[0]!.id).toBe(made.id)
    expect(ok<RecordDto>(api.answer('records.get', { form: w.form.id, id: made.id }, 'en')).fields[w.key('编号')]).toBe('Pending')
    // The record page's panels: no collaborators and no approval yet on a record the office has not seen.
    expect(ok(api.answer('records.collaborators', { form: w.form.id, id: made.id }))).toEqual([])
    expect(ok(api.answer('flows.recordStatus', { form: w.form.id, recordId: made.id }))).toBeNull()
    // A read-only field, a required one, a form the role may not delete in: refused, nothing queued.
    const before = c.pending()
    expect(api.answer('records.update', { form: w.form.id, id: made.id, fields: { [w.key('数量')]: 3 } }, 'zh-CN')).toMatchObject({ ok: false, error: { messageKey: 'sync.offline.readonlyField', field: w.key('数量') } })
    expect(api.answer('records.update', { form: w.form.id, id: made.id, fields: { [w.key('名称')]: '' } }, 'zh-CN')).toMatchObject({ ok: false, error: { messageKey: 'value.required', field: w.key('名称') } })
    expect(api.answer('records.delete', { form: w.form.id, ids: [made.id] }, 'zh-CN')).toMatchObject({ ok: false, error: { code: 'PERMISSION', messageKey: 'sync.offline.no.delete' } })
    expect(c.pending()).toBe(before)
    // A form whose rights were never fetched: connect once first.
    api.keepAccess(w.form.id, { actions: ['view', 'create', 'edit'], readonly: [] })
    c.db.prepare('DELETE FROM access').run()
    expect(api.answer('records.create', { form: w.form.id, fields: { [w.key('名称')]: 'x' } }, 'zh-CN')).toMatchObject({ ok: false, error: { messageKey: 'sync.offline.accessUnknown' } })
  })

  it('a delete offline leaves the lists at once and reaches the office with the next sync', async () => {
    const { rep, c, api, ids } = await world()
    api.keepAccess(w.form.id, { actions: ['view', 'create', 'edit', 'delete'], readonly: [] })
    const gone = c.records(w.form.id).find((r) => r.fields[w.key('名称')] === '乙方贸易')!
    expect(ok(api.answer('records.delete', { form: w.form.id, ids: [gone.id] }))).toEqual({ deleted: 1 })
    expect(ids(ok<Page>(api.answer('records.list', { form: w.form.id })))).not.toContain('乙方贸易')
    expect(api.answer('records.get', { form: w.form.id, id: gone.id }, 'zh-CN')).toMatchObject({ ok: false, error: { messageKey: 'sync.offlineNotFound' } })
    await c.sync()
    expect(w.core.reads.list(rep, { form: w.form.id, limit: 50 }).records.map((r) => r.id)).not.toContain(gone.id)
  })

  it('the quick search across forms (Ctrl+K) ranks as the office does: title matches first, a match elsewhere named with the text around it', async () => {
    const { rep, c, api } = await world()
    w.core.schema.updateForm({ form: w.form.id, titleFieldId: w.form.fields.find((f) => f.label === '名称')!.id })
    w.core.writes.create(rep, w.form.id, { [w.key('名称')]: '丁方', [w.key('备注')]: '老客户介绍的甲方合作伙伴' })
    await c.sync()
    type Groups = Array<{ formId: number; hits: Array<{ recordId: number; title: string; match: { field: string; text: string } | null }>; more: boolean }>
    const [group] = ok<Groups>(api.answer('search.global', { q: '甲方' }))
    expect(group!.formId).toBe(w.form.id)
    expect(group!.hits.map((h) => h.title)).toEqual(['甲方科技', '丁方'])
    expect(group!.hits[0]!.match).toBeNull()
    expect(group!.hits[1]!.match).toMatchObject({ field: w.key('备注'), text: expect.stringContaining('甲方') })
    const office = w.core.reads.searchAll(rep, { q: '甲方', limit: 5 })
    expect(ok<Groups>(api.answer('search.global', { q: '甲方' }))).toEqual(office)
    const paged = ok<Groups>(api.answer('search.global', { q: '方', limit: 1 }))
    expect(paged[0]!.more).toBe(true)
    expect(ok<Groups>(api.answer('search.global', { q: '没有这个' }))).toEqual([])
  })

  it('the shell reads answer what the office said last; anything else is 离线时不可用', async () => {
    const { api } = await world()
    expect(api.answer('views.list', { form: w.form.id })).toMatchObject({ ok: false, error: { messageKey: 'sync.offline.unavailable' } })
    api.remember('views.list', { form: w.form.id }, [{ id: 1, name: '全部' }])
    expect(ok(api.answer('views.list', { form: w.form.id }))).toEqual([{ id: 1, name: '全部' }])
    expect(ok(api.answer('forms.access', { form: w.form.id }))).toEqual({ actions: ['view', 'create', 'edit'], readonly: [w.key('数量')] })
    expect(api.answer('reports.dashboards', {}, 'zh-CN')).toMatchObject({ ok: false, error: { code: 'CONFLICT', message: '离线时不可用：连接办公室电脑后再试' } })
    expect(api.answer('records.get', { form: w.form.id, id: 'x' }, 'zh-CN')).toMatchObject({ ok: false, error: { code: 'VALIDATION' } })
  })
})
