import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Actor } from '../../../src-main/access/actor'
import { toActor } from '../../../src-main/access/auth'
import type { FormModel } from '../../../src-main/forms/model'
import { LIST_PLAN } from '../../../src-main/records/read-service'
import { viewConfig, type FilterNode } from '../../../src-main/shared/api/contracts'
import { MAX_VIEW_INDEXES } from '../../../src-main/views/view-indexes'
import { STAGES, testCore } from '../../support/core'

// Shared views get a composite index for their filter shape (equalities, one range, the owner;
// live records only). It must change no answer — for an administrator or a rep whose scope is
// their own records, whichever list plan runs — and must never stand in the way of purging a
// field.

type T = Awaited<ReturnType<typeof testCore>>
let t: T
let form: FormModel
let rep: Actor
const reps: number[] = []

const viewIndexes = () =>
  (t.core.db.prepare(`SELECT name FROM pragma_index_list(?) WHERE name LIKE 'vx\\_%' ESCAPE '\\'`).pluck().all(form.table) as string[]).sort()
const indexColumns = (name: string) => t.core.db.prepare('SELECT name FROM pragma_index_info(?) ORDER BY seqno').pluck().all(name) as string[]
const col = (key: string) => form.byKey.get(key)!.column!
const config = (filter: FilterNode) => viewConfig.parse({ filter })

beforeAll(async () => {
  t = await testCore()
  const { core, actor } = t
  const repRole = core.org.roles().find((r) => r.key === 'sales_rep')!.id
  for (const [name, login] of [['张三', 'zhang'], ['李四', 'li'], ['王五', 'wang']]) {
    reps.push(await core.org.createUser(actor.id, { name: name!, login: login!, password: 'secret123', roleIds: [repRole] }))
  }
  rep = toActor(core.auth.user(reps[0]!)!)
  form = t.form('商机', [
    { label: '商机名称', apiKey: 'name', type: 'text' },
    { label: '销售阶段', apiKey: 'stage', type: 'select', config: { options: STAGES } },
    { label: '预计金额', apiKey: 'amount', type: 'amount' },
    { label: '成交日期', apiKey: 'closeDate', type: 'date' },
    { label: '区域', apiKey: 'region', type: 'select', config: { options: [{ id: 'e', label: '华东' }, { id: 's', label: '华南' }] } },
    { label: '备注', apiKey: 'notes', type: 'text' }
  ])
  core.org.setPermission(actor.id, repRole, { formId: form.id, actions: ['view', 'create', 'edit'], scope: 'own', scopeFilter: null, fieldRules: {} })
  // Deterministic spread: every stage, two years of dates, amounts with ties and blanks, owners
  // among the reps, the admin and nobody; a few deleted records and a collaboration.
  const rows = Array.from({ length: 400 }, (_, i) => ({
    name: `商机${i}`,
    stage: STAGES[(i * 7) % STAGES.length]!.label,
    amount: i % 11 === 0 ? null : ((i * 37) % 50) * 1000,
    closeDate: `${2023 + (i % 2)}-${String(1 + ((i * 5) % 12)).padStart(2, '0')}-${String(1 + ((i * 3) % 28)).padStart(2, '0')}`,
    region: i % 3 === 0 ? '华南' : '华东'
  }))
  const ids = core.writes.bulkCreate(actor, form.id, rows)
  const owners = [...reps, actor.id, null]
  ids.forEach((id, i) => core.db.prepare(`UPDATE ${form.table} SET owner_id = ? WHERE id = ?`).run(owners[i % owners.length], id))
  core.writes.delete(actor, form.id, ids.filter((_, i) => i % 17 === 0))
  core.writes.setCollaborators(actor, form.id, ids[1]!, [rep.id])
})
afterAll(() => t.close())

describe('view indexes', () => {
  it('a shared view filtering by stage and a date range gets a partial index on (stage, date, owner); a personal or OR view does not', () => {
    const quarter: FilterNode = { and: [{ field: 'stage', op: 'eq', value: '谈判' }, { field: 'closeDate', op: 'between', value: ['2024-01-01', '2024-03-31'] }] }
    t.core.views.create(t.actor, { form: form.id, name: '我的', type: 'table', shared: false, config: config(quarter) })
    t.core.views.create(t.actor, { form: form.id, name: '或', type: 'table', shared: true, config: config({ or: [{ field: 'stage', op: 'eq', value: '谈判' }, { field: 'region', op: 'eq', value: '华东' }] }) })
    expect(viewIndexes()).toEqual([])
    t.core.views.create(t.actor, { form: form.id, name: '本季度谈判', type: 'table', shared: true, config: config(quarter) })
    const [name] = viewIndexes()
    expect(name).toBeDefined()
    expect(indexColumns(name!)).toEqual([col('stage'), col('closeDate'), 'owner_id'])
    expect(t.core.db.prepare('SELECT sql FROM sqlite_master WHERE name = ?').pluck().get(name)).toMatch(/WHERE deleted_at IS NULL$/)
    // The count of such a view is planned on that index.
    const where = t.core.queries.where(t.actor, form, quarter, undefined)
    const plan = (t.core.db.prepare(`EXPLAIN QUERY PLAN SELECT COUNT(*) FROM ${form.table} t WHERE ${where.sql}`).all(...where.params) as Array<{ detail: string }>).map((r) => r.detail).join('\n')
    expect(plan).toContain(name!)
  })

  it('lists and counts the same records with or without the index, as admin and as a rep, on every list plan', () => {
    const filters: FilterNode[] = [
      { and: [{ field: 'stage', op: 'eq', value: '初步接洽' }, { field: 'closeDate', op: 'between', value: ['2023-03-01', '2023-09-30'] }] },
      { and: [{ field: 'region', op: 'eq', value: '华东' }, { field: 'stage', op: 'eq', value: '赢单' }, { field: 'amount', op: 'gte', value: 10000 }] },
      { and: [{ field: 'stage', op: 'in', value: ['谈判', '输单'] }, { field: 'region', op: 'eq', value: '华南' }, { field: 'closeDate', op: 'lt', value: '2024-06-01' }, { field: 'notes', op: 'empty' }] }
    ]
    const sorts = [[{ field: 'amount', dir: 'desc' as const }], [{ field: 'closeDate', dir: 'asc' as const }], undefined]
    const answers = () =>
      filters.flatMap((filter) =>
        [t.actor, rep].flatMap((who) => [
          t.core.reads.count(who, { form: form.id, filter }).total,
          ...sorts.map((sort) => {
            const ids: number[] = []
            let cursor: string | undefined
            do {
              const page = t.core.reads.list(who, { form: form.id, filter, sort, limit: 7, cursor })
              ids.push(...page.records.map((r) => r.id))
              cursor = page.nextCursor ?? undefined
            } while (cursor)
            return ids.join(',')
          })
        ])
      )
    const before = answers()
    for (const [i, filter] of filters.entries()) t.core.views.create(t.actor, { form: form.id, name: `视图${i}`, type: 'table', shared: true, config: config(filter) })
    expect(viewIndexes().length).toBeGreaterThanOrEqual(3)
    expect(answers()).toEqual(before)
    const saved = { ...LIST_PLAN }
    Object.assign(LIST_PLAN, { walkMin: 1, walkPerRow: 1 })
    try {
      expect(answers()).toEqual(before)
    } finally {
      Object.assign(LIST_PLAN, saved)
    }
    // The rep's answers hold only their own records and the one they collaborate on.
    expect(before.some((a) => a !== 0 && a !== '')).toBe(true)
  })

  it('keeps at most MAX_VIEW_INDEXES per form', () => {
    for (let i = 0; i < MAX_VIEW_INDEXES + 3; i++) {
      const filter: FilterNode = { and: [{ field: i % 2 ? 'region' : 'stage', op: 'eq', value: i % 2 ? '华东' : '赢单' }, { field: 'amount', op: 'gt', value: i }] }
      // Same shapes repeat: the number of distinct shapes is what is capped.
      t.core.views.create(t.actor, { form: form.id, name: `上限${i}`, type: 'table', shared: true, config: config(i < 2 ? filter : { and: [{ field: 'stage', op: 'eq', value: '赢单' }, { field: 'region', op: 'eq', value: '华东' }, { field: i % 3 ? 'closeDate' : 'amount', op: 'gt', value: i % 3 ? '2023-01-01' : i }] }) })
    }
    expect(viewIndexes().length).toBeLessThanOrEqual(MAX_VIEW_INDEXES)
  })

  it('purging a field drops the view indexes that cover it, and the rest of the data stays', () => {
    const closeDate = form.byKey.get('closeDate')!
    const covering = viewIndexes().filter((n) => indexColumns(n).includes(closeDate.column!))
    expect(covering.length).toBeGreaterThan(0)
    const total = t.core.reads.count(t.actor, { form: form.id }).total
    t.core.schema.deleteField(closeDate.id)
    t.core.schema.purgeField(closeDate.id)
    expect(viewIndexes().filter((n) => covering.includes(n))).toEqual([])
    expect(t.core.reads.count(t.actor, { form: form.id }).total).toBe(total)
  })
})
