import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ValidationError } from '../../../src-main/shared/errors'
import type { RecordEvent } from '../../../src-main/events'
import { caught, STAGES, testCore } from '../../support/core'

type T = Awaited<ReturnType<typeof testCore>>
let t: T
beforeEach(async () => {
  t = await testCore()
})
afterEach(() => t.close())

const oppFields = () => [
  { label: '客户名称', type: 'text' as const, required: true },
  { label: '销售阶段', type: 'select' as const, config: { options: STAGES } },
  { label: '金额', type: 'amount' as const },
  { label: '预计成交日期', type: 'date' as const }
]

const rows = (t: T, table: string) => t.core.db.prepare(`SELECT COUNT(*) FROM "${table}"`).pluck().get() as number
// Record entries only: the audit trail also holds security events (the first-run setup).
const logCount = (t: T) => t.core.db.prepare('SELECT COUNT(*) FROM change_log WHERE form_id IS NOT NULL').pluck().get() as number

describe('write pipeline', () => {
  it('creates a record with coerced values, owner, system fields and one change-log entry', () => {
    const form = t.form('商机', oppFields())
    const id = t.core.writes.create(t.actor, form.id, { 客户名称: '杭州云栖科技有限公司', 销售阶段: '谈判', 金额: '¥12,000.50', 预计成交日期: '2024年3月5日' })
    const rec = t.core.reads.get(t.actor, form.id, id)
    expect(rec.fields).toEqual({ keHuMingCheng: '杭州云栖科技有限公司', xiaoShouJieDuan: '谈判', jinE: 12000.5, yuJiChengJiaoRiQi: '2024-03-05' })
    expect(rec.owner).toEqual({ id: t.actor.id, name: '管理员' })
    expect(rec.version).toBe(1)
    const log = t.core.db.prepare('SELECT op, changes, actor_id FROM change_log WHERE form_id IS NOT NULL').all() as Array<{ op: string; changes: string; actor_id: number }>
    expect(log).toHaveLength(1)
    expect(log[0]!.op).toBe('create')
    expect(log[0]!.actor_id).toBe(t.actor.id)
  })

  it('is atomic: a failure after the row write leaves no row, no search entry and no log entry', () => {
    const form = t.form('商机', oppFields())
    t.core.db.exec(`CREATE TRIGGER fail_log BEFORE INSERT ON change_log BEGIN SELECT RAISE(ABORT, 'disk full'); END`)
    expect(() => t.core.writes.create(t.actor, form.id, { 客户名称: '上海远景贸易有限公司' })).toThrow(/disk full/)
    expect(rows(t, form.table)).toBe(0)
    expect(t.core.db.prepare(`SELECT COUNT(*) FROM "${form.ftsTable}" WHERE "${form.ftsTable}" MATCH '"远景贸易"'`).pluck().get()).toBe(0)
    t.core.db.exec('DROP TRIGGER fail_log')
    expect(logCount(t)).toBe(0)
  })

  it('rejects bad input with an error naming the field and changes nothing', () => {
    const form = t.form('商机', oppFields())
    const e = caught(() => t.core.writes.create(t.actor, form.id, { 客户名称: '甲公司', 金额: '十二块' }))
    expect(e).toBeInstanceOf(ValidationError)
    expect(e.field).toBe('jinE')
    expect(e.messageKey).toBe('value.notANumber')
    expect((e.params as Record<string, unknown>).value).toBe('十二块')
    const missing = caught(() => t.core.writes.create(t.actor, form.id, { 金额: 100 }))
    expect(missing.messageKey).toBe('value.required')
    expect(missing.field).toBe('keHuMingCheng')
    const unknown = caught(() => t.core.writes.create(t.actor, form.id, { 客户名称: '甲', 不存在: 1 }))
    expect(unknown.messageKey).toBe('value.unknownField')
    expect(rows(t, form.table)).toBe(0)
    expect(logCount(t)).toBe(0)
  })

  it('bulk create is all or nothing and names the failing row', () => {
    const form = t.form('商机', oppFields())
    const e = caught(() => t.core.writes.bulkCreate(t.actor, form.id, [{ 客户名称: 'A' }, { 客户名称: 'B' }, { 客户名称: 'C', 销售阶段: '不存在的阶段' }]))
    expect(e.row).toBe(3)
    expect(e.field).toBe('xiaoShouJieDuan')
    expect(rows(t, form.table)).toBe(0)
    expect(t.core.writes.bulkCreate(t.actor, form.id, [{ 客户名称: 'A' }, { 客户名称: 'B' }])).toHaveLength(2)
    expect(logCount(t)).toBe(2)
  })

  it('updates only what changed, bumps the version, logs old and new values, and checks versions', () => {
    const form = t.form('商机', oppFields())
    const id = t.core.writes.create(t.actor, form.id, { 客户名称: '甲', 金额: 100 })
    t.core.writes.update(t.actor, form.id, id, { 金额: '1.2万' })
    const rec = t.core.reads.get(t.actor, form.id, id)
    expect(rec.fields.jinE).toBe(12000)
    expect(rec.version).toBe(2)
    const history = t.core.reads.history(t.actor, form.id, id)
    expect(history[0]).toMatchObject({ op: 'update', changes: { jinE: { old: 100, new: 12000 } } })
    t.core.writes.update(t.actor, form.id, id, { 金额: 12000 })
    expect(t.core.reads.history(t.actor, form.id, id)).toHaveLength(2)
    expect(caught(() => t.core.writes.update(t.actor, form.id, id, { 金额: 1 }, 1)).messageKey).toBe('error.versionConflict')
  })

  it('deletes recoverably and restores', () => {
    const form = t.form('商机', oppFields())
    const id = t.core.writes.create(t.actor, form.id, { 客户名称: '甲' })
    expect(t.core.writes.delete(t.actor, form.id, [id])).toBe(1)
    expect(t.core.reads.list(t.actor, { form: form.id, limit: 50 }).records).toHaveLength(0)
    expect(t.core.reads.trash(t.actor, form.id, 10).map((r) => r.id)).toEqual([id])
    expect(t.core.writes.restore(t.actor, form.id, [id])).toBe(1)
    expect(t.core.reads.get(t.actor, form.id, id).fields.keHuMingCheng).toBe('甲')
    expect(t.core.reads.history(t.actor, form.id, id).map((h) => h.op)).toEqual(['restore', 'delete', 'create'])
  })

  it('delivers events only after commit, never for a rolled-back write', () => {
    const form = t.form('商机', oppFields())
    const seen: RecordEvent[] = []
    t.core.events.on((e) => {
      if (e.type !== 'flow.finished') seen.push(e)
    })
    const id = t.core.writes.create(t.actor, form.id, { 客户名称: '甲' })
    t.core.writes.update(t.actor, form.id, id, { 金额: 5 })
    expect(() => t.core.writes.bulkCreate(t.actor, form.id, [{ 客户名称: '乙' }, {}])).toThrow()
    expect(seen.map((e) => [e.type, e.fields])).toEqual([['record.created', []], ['record.updated', ['jinE']]])
  })

  it('enforces unique among live records and frees the value when a record is deleted', () => {
    const form = t.form('客户', [{ label: '客户名称', type: 'text', required: true, unique: true }])
    const id = t.core.writes.create(t.actor, form.id, { 客户名称: '甲公司' })
    const dup = caught(() => t.core.writes.create(t.actor, form.id, { 客户名称: '甲公司' }))
    expect(dup.messageKey).toBe('value.duplicate')
    expect(dup.field).toBe('keHuMingCheng')
    t.core.writes.delete(t.actor, form.id, [id])
    const again = t.core.writes.create(t.actor, form.id, { 客户名称: '甲公司' })
    expect(caught(() => t.core.writes.restore(t.actor, form.id, [id])).messageKey).toBe('value.duplicate')
    expect(again).toBeGreaterThan(id)
  })

  it('applies literal and formula defaults on create', () => {
    const form = t.form('商机', [
      { label: '客户名称', type: 'text' },
      { label: '销售阶段', type: 'select', config: { options: STAGES }, defaultValue: '初步接洽' },
      { label: '跟进日期', type: 'date', defaultValue: '=TODAY() + 7' }
    ])
    const rec = t.core.reads.get(t.actor, form.id, t.core.writes.create(t.actor, form.id, { 客户名称: '甲' }))
    expect(rec.fields.xiaoShouJieDuan).toBe('初步接洽')
    expect(rec.fields.genJinRiQi).toBe('2024-03-12')
  })

  it('checks form-level rules and shows the message on the chosen field', () => {
    const form = t.form('合同', [{ label: '合同金额', type: 'amount' }, { label: '已回款', type: 'amount' }])
    t.core.schema.updateForm({ form: form.id, validations: [{ formula: '{已回款} <= {合同金额}', message: '已回款不能超过合同金额', field: 'yiHuiKuan' }] })
    const e = caught(() => t.core.writes.create(t.actor, form.id, { 合同金额: 100, 已回款: 200 }))
    expect(e.messageKey).toBe('value.formRule')
    expect(e.field).toBe('yiHuiKuan')
    expect((e.params as Record<string, string>).message).toBe('已回款不能超过合同金额')
    expect(t.core.writes.create(t.actor, form.id, { 合同金额: 100, 已回款: 50 })).toBeGreaterThan(0)
  })
})

describe('computed fields', () => {
  it('recomputes formulas on every write, including sub-table aggregates', () => {
    const form = t.form('合同', [
      { label: '合同总金额', type: 'amount' },
      { label: '回款计划', type: 'subtable', children: [{ label: '期数', type: 'number' }, { label: '金额', type: 'amount', required: true }] },
      { label: '已回款金额', type: 'formula', config: { expression: 'SUM({回款计划.金额})' } },
      { label: '未回款', type: 'formula', config: { expression: '{合同总金额} - {已回款金额}' } }
    ])
    const id = t.core.writes.create(t.actor, form.id, { 合同总金额: 1000, 回款计划: [{ 期数: 1, 金额: 300 }, { 期数: 2, 金额: '200' }] })
    let rec = t.core.reads.get(t.actor, form.id, id)
    expect(rec.fields.yiHuiKuanJinE).toBe(500)
    expect(rec.fields.weiHuiKuan).toBe(500)
    const plan = rec.fields.huiKuanJiHua as Array<{ id: number; qiShu: number; jinE: number }>
    expect(plan.map((r) => r.jinE)).toEqual([300, 200])
    // Keep row 1 (by id), drop row 2, add a new row.
    t.core.writes.update(t.actor, form.id, id, { 回款计划: [{ id: plan[0]!.id, 期数: 1, 金额: 300 }, { 期数: 3, 金额: 650 }] })
    rec = t.core.reads.get(t.actor, form.id, id)
    expect((rec.fields.huiKuanJiHua as Array<{ id: number }>)[0]!.id).toBe(plan[0]!.id)
    expect(rec.fields.yiHuiKuanJinE).toBe(950)
    expect(rec.fields.weiHuiKuan).toBe(50)
    const rowErr = caught(() => t.core.writes.update(t.actor, form.id, id, { 回款计划: [{ 期数: 4 }] }))
    expect(rowErr.messageKey).toBe('value.required')
  })

  it('rolls up related records and keeps parents current when children change', () => {
    const customers = t.form('客户', [{ label: '客户名称', type: 'text' }])
    const payments = t.form('回款', [
      { label: '客户', type: 'relation', config: { targetFormId: customers.id } },
      { label: '回款金额', type: 'amount' }
    ])
    const rel = t.core.schema.form(payments.id).byKey.get('keHu')!
    const amount = t.core.schema.form(payments.id).byKey.get('huiKuanJinE')!
    t.core.schema.addField(customers.id, { label: '累计回款', type: 'rollup', config: { relationFieldId: rel.id, targetFieldId: amount.id, aggregate: 'sum' } })
    t.core.schema.addField(customers.id, { label: '回款笔数', type: 'rollup', config: { relationFieldId: rel.id, aggregate: 'count' } })
    const a = t.core.writes.create(t.actor, customers.id, { 客户名称: '甲' })
    const b = t.core.writes.create(t.actor, customers.id, { 客户名称: '乙' })
    const p1 = t.core.writes.create(t.actor, payments.id, { 客户: a, 回款金额: 100 })
    t.core.writes.create(t.actor, payments.id, { 客户: a, 回款金额: 250 })
    const total = (id: number) => t.core.reads.get(t.actor, customers.id, id).fields
    expect(total(a)).toMatchObject({ leiJiHuiKuan: 350, huiKuanBiShu: 2 })
    t.core.writes.update(t.actor, payments.id, p1, { 客户: b })
    expect(total(a)).toMatchObject({ leiJiHuiKuan: 250, huiKuanBiShu: 1 })
    expect(total(b)).toMatchObject({ leiJiHuiKuan: 100, huiKuanBiShu: 1 })
    t.core.writes.delete(t.actor, payments.id, [p1])
    expect(total(b)).toMatchObject({ leiJiHuiKuan: null, huiKuanBiShu: 0 })
    // The reverse side: payments linking to customer a.
    const linked = t.core.reads.list(t.actor, { form: payments.id, filter: { field: 'keHu', op: 'eq', value: a }, limit: 50 })
    expect(linked.records.map((r) => (r.fields.keHu as { title: string }).title)).toEqual(['甲'])
  })

  it('numbers records from a pattern and resets the counter by period', () => {
    const form = t.form('合同', [{ label: '合同编号', type: 'autonumber', config: { pattern: 'HT-{YYYYMMDD}-{0000}', reset: 'daily' } }, { label: '名称', type: 'text' }])
    const no = () => t.core.reads.get(t.actor, form.id, t.core.writes.create(t.actor, form.id, { 名称: 'x' })).fields.heTongBianHao
    expect(no()).toBe('HT-20240305-0001')
    expect(no()).toBe('HT-20240305-0002')
    t.clock.advance(86_400_000)
    expect(no()).toBe('HT-20240306-0001')
    expect(caught(() => t.core.writes.create(t.actor, form.id, { 合同编号: 'HT-1' })).messageKey).toBe('value.readOnly')
  })

  it('rejects circular formulas and syntax errors at design time with position and path', () => {
    const form = t.form('测试', [{ label: 'A', type: 'number' }, { label: 'B', type: 'formula', config: { expression: '{A} + 1' } }])
    const b = t.core.schema.form(form.id).byKey.get('b')!
    const cycle = caught(() => t.core.schema.addField(form.id, { label: 'C', type: 'formula', config: { expression: '{B} + {C}' } }))
    expect(cycle.messageKey).toBe('formula.circular')
    const loop = caught(() => t.core.schema.updateField({ id: b.id, config: { expression: '{B} * 2' } }))
    expect(loop.messageKey).toBe('formula.circular')
    const syntax = caught(() => t.core.schema.addField(form.id, { label: 'D', type: 'formula', config: { expression: '{A} + * 2' } }))
    expect(syntax.messageKey).toBe('formula.unexpectedToken')
    expect((syntax.params as Record<string, number>).position).toBe(7)
    const unknown = caught(() => t.core.schema.addField(form.id, { label: 'E', type: 'formula', config: { expression: '{不存在} + 1' } }))
    expect(unknown.messageKey).toBe('formula.unknownField')
    expect(t.core.schema.form(form.id).fields.map((f) => f.label)).toEqual(['A', 'B'])
  })
})

describe('record history', () => {
  it('shows related records by title and members by name in old and new values', () => {
    const customers = t.form('客户', [{ label: '客户名称', type: 'text' }])
    const opp = t.form('商机', [{ label: '客户', type: 'relation', config: { targetFormId: customers.id } }])
    const a = t.core.writes.create(t.actor, customers.id, { 客户名称: '上海明远制造有限公司' })
    const b = t.core.writes.create(t.actor, customers.id, { 客户名称: '杭州云栖科技有限公司' })
    const id = t.core.writes.create(t.actor, opp.id, { 客户: a })
    t.core.writes.update(t.actor, opp.id, id, { 客户: b })
    const [update] = t.core.reads.history(t.actor, opp.id, id)
    expect(update!.changes.keHu).toEqual({ old: { id: a, title: '上海明远制造有限公司' }, new: { id: b, title: '杭州云栖科技有限公司' } })
  })
})
