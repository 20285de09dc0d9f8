import { toActor } from '../../../src-main/access/auth'
import type { Actor } from '../../../src-main/access/actor'
import type { FormModel } from '../../../src-main/forms/model'
import { testCore } from '../../support/core'

// Generated sales data for the report engine's tests and benchmark: customers with industries,
// opportunities across month/quarter/year edges owned by reps in two departments, quotes with
// line rows, and monthly sales targets. Deterministic (seeded), written through the pipeline.

export const STAGE_OPTIONS = [
  { id: 'initial', label: '初步接洽' },
  { id: 'needs', label: '需求分析' },
  { id: 'proposal', label: '方案报价' },
  { id: 'negotiation', label: '商务谈判' },
  { id: 'won', label: '赢单' },
  { id: 'lost', label: '输单' }
]
const INDUSTRIES = [{ id: 'it', label: '互联网' }, { id: 'mfg', label: '制造业' }, { id: 'retail', label: '零售' }]
const SOURCES = [{ id: 'expo', label: '展会' }, { id: 'website', label: '官网' }, { id: 'referral', label: '转介绍' }]
const REASONS = [{ id: 'price', label: '价格' }, { id: 'competitor', label: '竞争对手' }, { id: 'budget', label: '预算不足' }]

/** Dates on purpose across month, quarter and year edges. */
export const EDGE_DATES = ['2023-12-31', '2024-01-01', '2024-03-31', '2024-04-01', '2024-06-30', '2024-07-01', '2024-09-30', '2024-10-01', '2024-12-31', '2025-01-01', '2024-02-29', '2024-03-04', '2024-03-03']

export function rng(seed: number) {
  let s = seed >>> 0
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0
    return s / 2 ** 32
  }
}

export interface SalesData {
  t: Awaited<ReturnType<typeof testCore>>
  admin: Actor
  reps: Actor[]
  manager: Actor
  forms: { customer: FormModel; opportunity: FormModel; quote: FormModel; target: FormModel }
  col: (form: FormModel, key: string) => string
  departments: { east: number; north: number }
}

export async function salesData(options: { opportunities?: number; now?: number } = {}): Promise<SalesData> {
  const t = await testCore({ now: options.now ?? new Date(2024, 2, 15, 10, 0, 0).getTime() })
  const { core, actor: admin } = t
  const org = core.org
  const role = (key: string) => org.roles().find((r) => r.key === key)!.id
  const east = org.createDepartment(admin.id, { name: '华东销售部' }).id
  const north = org.createDepartment(admin.id, { name: '华北销售部' }).id
  const user = async (name: string, login: string, departmentId: number, roleKey: string) =>
    toActor(core.auth.user(await org.createUser(admin.id, { name, login, password: 'secret123', departmentId, roleIds: [role(roleKey)] }))!)
  const reps = [await user('张三', 'zhang', east, 'sales_rep'), await user('李四', 'li', east, 'sales_rep'), await user('赵六', 'zhao', north, 'sales_rep')]
  const manager = await user('王经理', 'wang', east, 'sales_manager')

  const customer = t.form('客户', [
    { label: '客户名称', apiKey: 'name', type: 'text' },
    { label: '行业', apiKey: 'industry', type: 'select', config: { options: INDUSTRIES } },
    { label: '来源', apiKey: 'source', type: 'select', config: { options: SOURCES } }
  ])
  const opportunity = t.form('商机', [
    { label: '商机名称', apiKey: 'name', type: 'text' },
    { label: '客户', apiKey: 'customer', type: 'relation', config: { targetFormId: customer.id } },
    { label: '金额', apiKey: 'amount', type: 'amount' },
    { label: '预计成交日期', apiKey: 'closeDate', type: 'date' },
    { label: '销售阶段', apiKey: 'stage', type: 'select', config: { options: STAGE_OPTIONS } },
    { label: '输单原因', apiKey: 'lossReason', type: 'select', config: { options: REASONS } },
    { label: '赢率', apiKey: 'probability', type: 'percent' },
    { label: '最近跟进', apiKey: 'lastFollowUpAt', type: 'datetime' }
  ])
  const quote = t.form('报价单', [
    { label: '报价名称', apiKey: 'name', type: 'text' },
    {
      label: '明细',
      apiKey: 'lines',
      type: 'subtable',
      children: [
        { label: '产品', apiKey: 'product', type: 'text' },
        { label: '数量', apiKey: 'quantity', type: 'number' },
        { label: '单价', apiKey: 'unitPrice', type: 'amount' }
      ]
    }
  ])
  const target = t.form('销售目标', [
    { label: '目标类型', apiKey: 'targetType', type: 'select', config: { options: [{ id: 'person', label: '个人' }, { id: 'department', label: '部门' }] } },
    { label: '人员', apiKey: 'user', type: 'member' },
    { label: '部门', apiKey: 'department', type: 'text' },
    { label: '月份', apiKey: 'month', type: 'date' },
    { label: '目标金额', apiKey: 'amount', type: 'amount' }
  ])
  for (const form of [customer, opportunity, quote, target]) {
    org.setPermission(admin.id, role('sales_rep'), { formId: form.id, actions: ['view', 'create', 'edit'], scope: 'own', fieldRules: {} })
    org.setPermission(admin.id, role('sales_manager'), { formId: form.id, actions: ['view', 'edit'], scope: 'departmentTree', fieldRules: {} })
  }

  const rand = rng(42)
  const pick = <T>(list: T[]) => list[Math.floor(rand() * list.length)]!
  const owners = [...reps.map((r) => r.id), admin.id]
  const customers = core.writes.bulkCreate(admin, customer.id, Array.from({ length: 40 }, (_, i) => ({
    name: `客户${i}`, industry: i % 7 === 0 ? null : pick(INDUSTRIES).id, source: pick(SOURCES).id, owner: pick(owners)
  })))
  const n = options.opportunities ?? 400
  const base = new Date(2023, 10, 1).getTime()
  const rows = Array.from({ length: n }, (_, i) => {
    const stage = pick(STAGE_OPTIONS).id
    const closeDate = i < EDGE_DATES.length * 3 ? EDGE_DATES[i % EDGE_DATES.length] : new Date(base + Math.floor(rand() * 430) * 86400000).toISOString().slice(0, 10)
    return {
      name: `商机${i}`,
      customer: i % 11 === 0 ? null : pick(customers),
      amount: i % 13 === 0 ? null : Math.round(rand() * 2000000) / 10,
      closeDate: i % 17 === 0 ? null : closeDate,
      stage: i % 19 === 0 ? null : stage,
      lossReason: stage === 'lost' ? pick(REASONS).id : null,
      probability: Math.round(rand() * 100) / 100,
      lastFollowUpAt: i % 5 === 0 ? null : base + Math.floor(rand() * 430 * 86400000),
      owner: pick(owners)
    }
  })
  for (let i = 0; i < rows.length; i += 5000) core.writes.bulkCreate(admin, opportunity.id, rows.slice(i, i + 5000))
  core.writes.bulkCreate(admin, quote.id, Array.from({ length: 30 }, (_, i) => ({
    name: `报价${i}`,
    owner: pick(owners),
    lines: Array.from({ length: 1 + (i % 4) }, () => ({ product: pick(['A型', 'B型', 'C型']), quantity: 1 + Math.floor(rand() * 9), unitPrice: Math.round(rand() * 10000) / 10 }))
  })))
  const targets: Array<Record<string, unknown>> = []
  for (const month of ['2024-01-01', '2024-02-01', '2024-03-01']) {
    for (const rep of reps) targets.push({ targetType: 'person', user: rep.id, month, amount: 500000, owner: rep.id })
    targets.push({ targetType: 'department', department: '华东销售部', month, amount: 1200000 })
    targets.push({ targetType: 'department', department: '华北销售部', month, amount: 600000 })
  }
  core.writes.bulkCreate(admin, target.id, targets)
  const col = (form: FormModel, key: string) => {
    const f = core.schema.form(form.id).byKey.get(key) ?? [...core.schema.form(form.id).children.values()].flat().find((c) => c.apiKey === key)
    return `"${f!.column}"`
  }
  return { t, admin, reps, manager, forms: { customer, opportunity, quote, target }, col, departments: { east, north } }
}
