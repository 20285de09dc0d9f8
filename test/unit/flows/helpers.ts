import type { Actor } from '../../../src-main/access/actor'
import type { FlowGraph } from '../../../src-main/shared/api/flows'
import { testCore } from '../../support/core'

export const APPROVAL_OPTIONS = [
  { id: 'none', label: '无需审批', color: 'gray' as const },
  { id: 'pending', label: '审批中', color: 'blue' as const },
  { id: 'approved', label: '已通过', color: 'green' as const },
  { id: 'rejected', label: '已驳回', color: 'red' as const }
]

export type Env = Awaited<ReturnType<typeof flowEnv>>

/** A core with a contract form, a sales department (director heads it), legal, a GM, and reps who may create contracts. */
export async function flowEnv(options: { now?: number } = {}) {
  const t = await testCore(options)
  const { core, actor: admin } = t
  const form = t.form('合同', [
    { label: '合同名称', apiKey: 'name', type: 'text' },
    { label: '合同金额', apiKey: 'amount', type: 'amount' },
    { label: '签约日期', apiKey: 'signedOn', type: 'date' },
    { label: '备注', apiKey: 'note', type: 'textarea' },
    { label: '法务意见', apiKey: 'legalNote', type: 'textarea' },
    { label: '内部成本', apiKey: 'cost', type: 'number' },
    { label: '客户经理', apiKey: 'accountManager', type: 'member' },
    { label: '审批状态', apiKey: 'approvalStatus', type: 'select', config: { options: APPROVAL_OPTIONS } }
  ])
  const roles = core.org.roles()
  const roleId = (key: string) => roles.find((r) => r.key === key)!.id
  const gm = await core.org.createUser(admin.id, { name: '王总', login: 'gm', password: 'secret123' })
  const company = core.org.createDepartment(admin.id, { name: '公司', headUserId: gm })
  const director = await core.org.createUser(admin.id, { name: '李总监', login: 'director', password: 'secret123', departmentId: company.id, roleIds: [roleId('sales_manager')] })
  const sales = core.org.createDepartment(admin.id, { name: '销售部', parentId: company.id, headUserId: director })
  const legalRole = core.org.createRole(admin.id, { name: '法务' })
  const legal = await core.org.createUser(admin.id, { name: '赵法务', login: 'legal', password: 'secret123', departmentId: company.id, roleIds: [legalRole.id] })
  const rep = await core.org.createUser(admin.id, { name: '张三', login: 'rep', password: 'secret123', departmentId: sales.id, roleIds: [roleId('sales_rep')] })
  const rep2 = await core.org.createUser(admin.id, { name: '李四', login: 'rep2', password: 'secret123', departmentId: sales.id, roleIds: [roleId('sales_rep')] })
  core.org.setPermission(admin.id, roleId('sales_rep'), { formId: form.id, actions: ['view', 'create', 'edit', 'delete'], scope: 'own', fieldRules: {} })
  core.org.setPermission(admin.id, roleId('sales_manager'), { formId: form.id, actions: ['view', 'create', 'edit'], scope: 'all', fieldRules: {} })
  const users = { gm, director, legal, rep, rep2 }
  const names = new Map<number, string>([[gm, '王总'], [director, '李总监'], [legal, '赵法务'], [rep, '张三'], [rep2, '李四']])
  const as = (id: number): Actor => ({ id, name: names.get(id) ?? 'x', isAdmin: false, locale: 'zh-CN' })
  const env = {
    ...t,
    admin,
    formId: form.id,
    users,
    roles: { legal: legalRole.id, salesManager: roleId('sales_manager') },
    as,
    contract: (by: number, fields: Record<string, unknown>) => env.core.writes.create(as(by), form.id, { name: '合同', ...fields }),
    /** Create, save and publish a flow on the contract form. */
    publish: (graph: FlowGraph, name = '合同审批') => {
      const flow = env.core.flows.create(admin, { name, form: form.id, draft: graph })
      env.core.flows.publish(admin, flow.id)
      return flow.id
    },
    /** The approval status option id of a record. */
    status: (id: number) => APPROVAL_OPTIONS.find((o) => o.label === env.core.reads.get(admin, form.id, id).fields['approvalStatus'])?.id ?? null,
    pending: (userId: number) => env.core.flows.todo(as(userId), { tab: 'todo', limit: 50, offset: 0 }).tasks,
    close: () => {
      env.core.close()
      t.close()
    }
  }
  return env
}

type N = FlowGraph['nodes'][number]
type E = FlowGraph['edges'][number]
export const node = (id: string, type: N['type'], config: Record<string, unknown> = {}, label = id): N => ({ id, type, label, position: { x: 0, y: 0 }, config })
export const edge = (source: string, target: string, extra: Partial<E> = {}): E => ({ id: `${source}-${target}`, source, target, ...extra })

/** start → approval(config) → end */
export function single(config: Record<string, unknown>): FlowGraph {
  return {
    nodes: [node('start', 'start'), node('a', 'approval', config, '审批'), node('end', 'end')],
    edges: [edge('start', 'a'), edge('a', 'end')]
  }
}

/** The contract flow of the issue: < 50,000 → director; ≥ 50,000 → director, then legal and GM in parallel. */
export function contractFlow(env: { users: { director: number; legal: number; gm: number }; roles: { legal: number } }): FlowGraph {
  return {
    nodes: [
      node('start', 'start', {}, '发起'),
      node('cond', 'condition', {}, '金额判断'),
      node('dirSmall', 'approval', { approvers: [{ type: 'users', ids: [env.users.director] }] }, '销售总监审批'),
      node('dirBig', 'approval', { approvers: [{ type: 'users', ids: [env.users.director] }] }, '销售总监审批（大额）'),
      node('split', 'parallel', {}, '并行'),
      node('legal', 'approval', { approvers: [{ type: 'roles', ids: [env.roles.legal] }], fieldPerms: { legalNote: 'editable', cost: 'hidden' } }, '法务审批'),
      node('gm', 'approval', { approvers: [{ type: 'users', ids: [env.users.gm] }] }, '总经理审批'),
      node('join', 'join', {}, '汇聚'),
      node('end', 'end', {}, '结束')
    ],
    edges: [
      edge('start', 'cond'),
      edge('cond', 'dirSmall', { label: '< 5万', filter: { field: 'amount', op: 'lt', value: 50000 }, order: 1 }),
      edge('cond', 'dirBig', { label: '≥ 5万', isDefault: true, order: 2 }),
      edge('dirSmall', 'end'),
      edge('dirBig', 'split'),
      edge('split', 'legal'),
      edge('split', 'gm'),
      edge('legal', 'join'),
      edge('gm', 'join'),
      edge('join', 'end')
    ]
  }
}
