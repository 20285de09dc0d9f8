import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Actor } from '../../../src-main/access/actor'
import { toActor } from '../../../src-main/access/auth'
import type { FormModel } from '../../../src-main/forms/model'
import { aggregateIndexColumns, MAX_AGGREGATE_INDEXES } from '../../../src-main/records/aggregate-indexes'
import { viewConfig } from '../../../src-main/shared/api/contracts'
import { prng } from '../../bench/run'
import { STAGES, testCore } from '../../support/core'

// Group-by aggregates (records.count): one statement whose overall totals are window sums over
// the groups — equal to a separate pass, for every role — run by a plan that never walks a
// non-covering index; shared kanban and grouped-table views build the covering index for their
// grouping and sums, which SQLite then answers from alone.

type T = Awaited<ReturnType<typeof testCore>>
let t: T
let form: FormModel
let rep: Actor
/** Every aggregate statement the read service prepared, in order. */
const statements: string[] = []

const indexes = (prefix: string) =>
  (t.core.db.prepare(`SELECT name FROM pragma_index_list(?) WHERE name LIKE ? ESCAPE '\\'`).pluck().all(form.table, `${prefix}\\_%`) as string[]).sort()
const indexColumns = (name: string) => t.core.db.prepare('SELECT name FROM pragma_index_info(?) ORDER BY seqno').pluck().all(name) as string[]
const col = (key: string) => form.byKey.get(key)!.column!
const planOf = (sql: string, params: unknown[]) => (t.core.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as Array<{ detail: string }>).map((r) => r.detail)

beforeAll(async () => {
  t = await testCore()
  const { core, actor } = t
  const repRole = core.org.roles().find((r) => r.key === 'sales_rep')!.id
  const repId = await core.org.createUser(actor.id, { name: '张三', login: 'zhang', password: 'secret123', roleIds: [repRole] })
  rep = toActor(core.auth.user(repId)!)
  form = t.form('商机', [
    { label: '商机名称', apiKey: 'name', type: 'text' },
    { label: '销售阶段', apiKey: 'stage', type: 'select', config: { options: STAGES } },
    { label: '预计金额', apiKey: 'amount', type: 'amount' },
    { label: '成本', apiKey: 'cost', type: 'number' },
    { label: '成交日期', apiKey: 'closeDate', type: 'date' }
  ])
  core.org.setPermission(actor.id, repRole, { formId: form.id, actions: ['view', 'create', 'edit'], scope: 'own', scopeFilter: null, fieldRules: {} })
  const r = prng(7)
  core.writes.bulkCreate(actor, form.id, Array.from({ length: 400 }, (_, i) => ({
    name: `商机${i}`, stage: r.pick(STAGES).label, amount: r.next() < 0.1 ? null : 100 * (1 + r.int(500)), cost: r.int(50),
    closeDate: `2024-0${1 + r.int(9)}-1${r.int(9)}`, owner: r.next() < 0.3 ? repId : actor.id
  })))
  core.writes.delete(actor, form.id, [1, 2, 3])
  const db = core.db
  const prepare = db.prepare.bind(db)
  ;(db as unknown as { prepare: (sql: string) => unknown }).prepare = (sql: string) => {
    if (/GROUP BY 1/.test(sql) && !sql.startsWith('EXPLAIN')) statements.push(sql)
    return prepare(sql)
  }
})
afterAll(() => t?.close())

describe('group-by aggregates', () => {
  it('derive the overall totals from the groups: the same figures as a separate pass, for every role', () => {
    for (const who of [t.actor, rep]) {
      for (const filter of [undefined, { field: 'closeDate', op: 'between' as const, value: ['2024-03-01', '2024-06-30'] }, { field: 'amount', op: 'gt' as const, value: 1e9 }]) {
        const grouped = t.core.reads.count(who, { form: form.id, filter, groupBy: 'stage', sums: ['amount', 'cost'] })
        const overall = t.core.reads.count(who, { form: form.id, filter, sums: ['amount', 'cost'] })
        expect(grouped.total).toBe(overall.total)
        expect(grouped.sums).toEqual(overall.sums)
        expect(grouped.groups!.reduce((s, g) => s + g.count, 0)).toBe(overall.total)
        for (const g of grouped.groups!) {
          const one = t.core.reads.count(who, { form: form.id, filter: { and: [...(filter ? [filter] : []), g.value === null ? { field: 'stage', op: 'empty' } : { field: 'stage', op: 'eq', value: g.value as string }] }, sums: ['amount', 'cost'] })
          expect({ count: g.count, sums: g.sums }).toEqual({ count: one.total, sums: one.sums })
        }
      }
    }
    // The rep's figures are their own records'.
    const mine = t.core.reads.count(rep, { form: form.id, groupBy: 'stage' })
    const all = t.core.reads.count(t.actor, { form: form.id, groupBy: 'stage' })
    expect(mine.total).toBeGreaterThan(0)
    expect(mine.total).toBeLessThan(all.total)
    expect(all.total).toBe(397)
  })

  it('never walks the grouping column’s index to visit every row', () => {
    statements.length = 0
    t.core.reads.count(t.actor, { form: form.id, groupBy: 'stage', sums: ['amount'] })
    const sql = statements.at(-1)!
    const plan = planOf(sql, [])
    expect(plan.some((d) => /^SCAN t USING INDEX /.test(d))).toBe(false)
    // SQLite on its own would walk the stage index here (no index covers the amount).
    expect(planOf(sql.replace(`+t."${col('stage')}"`, `t."${col('stage')}"`), []).some((d) => /^SCAN t USING INDEX /.test(d))).toBe(true)
  })

  it('a shared kanban view builds the covering index for its columns and total; the aggregate reads it alone', () => {
    expect(indexes('ax')).toEqual([])
    // A personal view builds nothing.
    t.core.views.create(t.actor, { form: form.id, name: '我的看板', type: 'kanban', shared: false, config: viewConfig.parse({ kanbanField: 'stage', sumField: 'amount' }) })
    expect(indexes('ax')).toEqual([])
    const before = t.core.reads.count(t.actor, { form: form.id, groupBy: 'stage', sums: ['amount'] })
    t.core.views.create(t.actor, { form: form.id, name: '商机看板', type: 'kanban', shared: true, config: viewConfig.parse({ kanbanField: 'stage', sumField: 'amount' }) })
    const [name] = indexes('ax')
    expect(indexColumns(name!)).toEqual([col('stage'), col('amount'), 'owner_id', 'deleted_at'])
    statements.length = 0
    const after = t.core.reads.count(t.actor, { form: form.id, groupBy: 'stage', sums: ['amount'] })
    expect(after).toEqual(before)
    const sql = statements.at(-1)!
    expect(sql).not.toContain('+t.')
    expect(planOf(sql, [])).toContain(`SCAN t USING COVERING INDEX ${name}`)
    // The rep's scope reads the owner from the same index.
    expect(t.core.reads.count(rep, { form: form.id, groupBy: 'stage', sums: ['amount'] }).total).toBeGreaterThan(0)
  })

  it('a grouped table totals its visible number columns; filter columns join the index; the number of indexes is capped', () => {
    const table = viewConfig.parse({ groupBy: 'stage', filter: { field: 'closeDate', op: 'thisYear' }, columns: [{ field: 'cost', hidden: true }] })
    expect(aggregateIndexColumns(form, 'table', table)).toEqual([col('stage'), col('closeDate'), col('amount'), 'owner_id', 'deleted_at'])
    expect(aggregateIndexColumns(form, 'table', viewConfig.parse({ groupBy: null }))).toBeNull()
    expect(aggregateIndexColumns(form, 'calendar', viewConfig.parse({ calendarField: 'closeDate' }))).toBeNull()
    t.core.views.create(t.actor, { form: form.id, name: '今年各阶段', type: 'table', shared: true, config: table })
    expect(indexes('ax')).toHaveLength(2)
    for (const key of ['name', 'cost', 'closeDate', 'owner', 'createdAt']) {
      t.core.views.create(t.actor, { form: form.id, name: `按${key}`, type: 'table', shared: true, config: viewConfig.parse({ groupBy: key }) })
    }
    expect(indexes('ax')).toHaveLength(MAX_AGGREGATE_INDEXES)
  })

  it('purging a field drops the covering indexes that hold it, and the aggregate still answers', () => {
    const amount = form.byKey.get('amount')!
    t.core.schema.deleteField(amount.id)
    t.core.schema.purgeField(amount.id)
    expect(indexes('ax').every((n) => !indexColumns(n).includes(amount.column!))).toBe(true)
    expect(t.core.reads.count(t.actor, { form: form.id, groupBy: 'stage', sums: ['cost'] }).total).toBe(397)
  })
})
