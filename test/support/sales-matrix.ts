import { ident } from '../../src-main/db/connection'
import { Dispatcher, type RpcResult } from '../../src-main/api/dispatcher'
import type { CoreHost } from '../../src-main/api/host'
import { bundledApp } from '../../src-main/apps/bundled'
import { demoPasswordHash, seedDemo } from '../../src-main/crm/seed'
import type { Actor } from '../../src-main/access/actor'
import type { FilterNode, PermissionDto } from '../../src-main/shared/api/contracts'
import { testCore } from './core'

// The sales app with sample data for the role matrix (test/unit/access/role-matrix.test.ts):
// one signed-in user per shipped role and one of a custom role with a custom data scope and
// hidden fields, every record carrying markers the matrix looks for in every answer.
//
// Markers:
//  - ⟦R:<form>:<id>⟧ in each record's title (or, where the title is an auto-number, in a text
//    field shown with it): whoever receives it must be allowed to see that record.
//  - ⟦H:<form>.<field>:<id>⟧ in every text field some role hides, and 199<ff><iiiiii> phone
//    numbers (ff = form index, i = record id) in hidden phone fields: whoever receives one must
//    be allowed to read that field of that record.
// The expected visibility is computed here from the stored rows (owner, department,
// collaborators, the custom filter, the pool) and the permissions, never through the read path.

export const SALES_FORMS = ['lead', 'customer', 'contact', 'opportunity', 'followUp', 'task', 'product', 'quote', 'contract', 'payment', 'invoice', 'ticket', 'salesTarget'] as const
export type SalesForm = (typeof SALES_FORMS)[number]
/** Where the record marker goes: the title field, or a text field beside an auto-number title. */
const RECORD_MARKER_FIELD: Record<SalesForm, string> = {
  lead: 'name', customer: 'name', contact: 'name', opportunity: 'name', followUp: 'subject', task: 'title', product: 'name', quote: 'title',
  contract: 'name', payment: 'notes', invoice: 'number', ticket: 'title', salesTarget: 'name'
}
const POOL_FORMS = new Set<string>(['lead', 'customer'])
/** Text fields some role hides (markers), and phone fields (marker numbers). */
const HIDDEN_TEXT: Partial<Record<SalesForm, string[]>> = { customer: ['address', 'notes'], contact: ['wechat'], opportunity: ['nextStep', 'lossNote'] }
const HIDDEN_PHONE: Partial<Record<SalesForm, string[]>> = { customer: ['phone'], contact: ['phone'] }

export const ROLE_USERS = { rep: 'zhangwei', manager: 'wuhaiyan', finance: 'zhaoli', service: 'sunlei', custom: 'quyu' } as const
export type Who = keyof typeof ROLE_USERS
export const WHO = Object.keys(ROLE_USERS) as Who[]

/** Field rules added to the shipped roles for the matrix (hidden fields), and the custom role's permissions. */
const EXTRA_HIDDEN: Record<string, Partial<Record<SalesForm, string[]>>> = {
  sales_rep: { customer: ['notes'] },
  finance: { customer: ['address'] },
  service: { contact: ['wechat'] }
}
/** The custom role: customers of 浙江 (plus their own), contacts and opportunities with fields hidden, nothing else. */
const CUSTOM_SCOPE: FilterNode = { field: 'province', op: 'eq', value: '浙江' }
const CUSTOM_PERMISSIONS: Array<{ form: SalesForm; actions: PermissionDto['actions']; scope: PermissionDto['scope']; filter?: FilterNode; hidden: string[] }> = [
  { form: 'customer', actions: ['view', 'export'], scope: 'custom', filter: CUSTOM_SCOPE, hidden: ['phone', 'address', 'notes'] },
  { form: 'contact', actions: ['view'], scope: 'all', hidden: ['phone', 'wechat'] },
  { form: 'opportunity', actions: ['view', 'export'], scope: 'all', hidden: ['amount', 'nextStep', 'lossNote'] }
]

export const phoneMarker = (form: SalesForm, id: number) => `199${String(SALES_FORMS.indexOf(form)).padStart(2, '0')}${String(id).padStart(6, '0')}`
export const recordMarker = (form: SalesForm, id: number) => `⟦R:${form}:${id}⟧`
export const hiddenMarker = (form: SalesForm, field: string, id: number) => `⟦H:${form}.${field}:${id}⟧`

export interface RowInfo { id: number; owner: number | null; deleted: boolean; province: string | null }

export async function salesMatrix(options: { customers?: number } = {}) {
  const t = await testCore({ now: new Date(2025, 5, 16, 10, 0, 0).getTime() })
  const { core, actor: admin, clock } = t
  core.crm.install(admin, bundledApp('crm').pkg, 'zh-CN')
  const start = clock.now()
  const passwordHash = await demoPasswordHash(core)
  seedDemo(core, admin, { passwordHash, seed: 11, customers: options.customers ?? 16, setTime: (ms) => clock.set(ms) })
  clock.set(start)

  const org = core.org
  const roleId = (key: string) => org.roles().find((r) => r.key === key)!.id
  const formId = (form: SalesForm) => core.schema.form(form).id
  const fieldId = (form: SalesForm, key: string) => String(core.schema.form(form).byKey.get(key)!.id)
  const userId = (login: string) => core.db.prepare('SELECT id FROM users WHERE login = ?').pluck().get(login) as number

  // Hidden fields on the shipped roles (kept with their scopes and actions).
  for (const [roleKey, forms] of Object.entries(EXTRA_HIDDEN)) {
    const rid = roleId(roleKey)
    for (const [form, keys] of Object.entries(forms) as Array<[SalesForm, string[]]>) {
      const p = org.permissions(rid).find((x) => x.formId === formId(form))!
      org.setPermission(admin.id, rid, { ...p, fieldRules: { ...p.fieldRules, ...Object.fromEntries(keys.map((k) => [fieldId(form, k), 'hidden' as const])) } })
    }
  }
  const custom = org.createRole(admin.id, { name: '区域专员' })
  for (const p of CUSTOM_PERMISSIONS) {
    org.setPermission(admin.id, custom.id, { formId: formId(p.form), actions: p.actions, scope: p.scope, scopeFilter: p.filter ?? null, fieldRules: Object.fromEntries(p.hidden.map((k) => [fieldId(p.form, k), 'hidden' as const])) })
  }
  org.createUser(admin.id, { name: '钱专员', login: ROLE_USERS.custom, password: 'demo12345', roleIds: [custom.id] })
  // A manager who tailors the task form (design), and colleagues with contact details.
  const managerRole = roleId('sales_manager')
  const taskGrant = org.permissions(managerRole).find((x) => x.formId === formId('task'))!
  org.setPermission(admin.id, managerRole, { ...taskGrant, actions: [...taskGrant.actions, 'design'] })
  org.updateUser(admin.id, userId('liuyang'), { phone: '13800138000', email: 'liuyang@example.cn' })

  const rep = userId(ROLE_USERS.rep)
  const southRep = userId('liuyang')
  const rows = (form: SalesForm): RowInfo[] => {
    const model = core.schema.form(form)
    const province = model.byKey.get('province')?.column
    return (core.db.prepare(`SELECT id, owner_id AS owner, deleted_at IS NOT NULL AS deleted, ${province ? ident(province) : 'NULL'} AS province FROM ${ident(model.table)} ORDER BY id`).all() as Array<Omit<RowInfo, 'deleted'> & { deleted: number }>)
      .map((r) => ({ ...r, deleted: !!r.deleted }))
  }

  // Markers in every record.
  core.writes.transaction(() => {
    for (const form of SALES_FORMS) {
      const model = core.schema.form(form)
      for (const row of rows(form)) {
        const current = core.reads.get(admin, form, row.id).fields
        const patch: Record<string, unknown> = {}
        const key = RECORD_MARKER_FIELD[form]
        patch[key] = `${typeof current[key] === 'string' ? current[key] : ''}${recordMarker(form, row.id)}`
        for (const k of HIDDEN_TEXT[form] ?? []) if (model.byKey.has(k)) patch[k] = hiddenMarker(form, k, row.id)
        for (const k of HIDDEN_PHONE[form] ?? []) if (model.byKey.has(k)) patch[k] = phoneMarker(form, row.id)
        core.writes.update(admin, form, row.id, patch)
      }
    }
  })

  // A collaborator beyond the scope (the rep on a south rep's customer and opportunity), a
  // duplicate pair, and deleted records on both sides.
  const ownedBy = (form: SalesForm, owner: number) => rows(form).filter((r) => r.owner === owner && !r.deleted).map((r) => r.id)
  const southCustomer = ownedBy('customer', southRep)[0]!
  const southOpportunity = ownedBy('opportunity', southRep)[0]!
  core.writes.setCollaborators(admin, 'customer', southCustomer, [rep])
  core.writes.setCollaborators(admin, 'opportunity', southOpportunity, [rep])
  core.writes.delete(admin, 'customer', [ownedBy('customer', rep).at(-1)!, ownedBy('customer', southRep).at(-1)!])
  core.writes.delete(admin, 'opportunity', [ownedBy('opportunity', rep).at(-1)!, ownedBy('opportunity', southRep).at(-1)!])
  const firstRepCustomer = ownedBy('customer', rep)[0]!
  const dup = core.writes.create({ ...admin }, 'customer', { name: `查重测试有限公司`, province: '浙江', phone: phoneMarker('customer', firstRepCustomer), owner: rep })
  core.writes.update(admin, 'customer', dup, { name: `查重测试有限公司${recordMarker('customer', dup)}`, notes: hiddenMarker('customer', 'notes', dup), address: hiddenMarker('customer', 'address', dup) })

  // Flow instances: a south rep's quote and an east rep's contract and opportunity under approval.
  const quoteFlow = core.flows.list('quote')[0]!
  const contractFlow = core.flows.list('contract')[0]!
  const actorOf = (id: number): Actor => ({ id, name: core.auth.user(id)!.name, isAdmin: false, locale: 'zh-CN' })
  const instances: number[] = []
  const southQuote = ownedBy('quote', southRep)[0]
  if (southQuote) instances.push(core.flows.start(actorOf(southRep), { flowId: quoteFlow.id, recordId: southQuote }).id)
  const repContract = ownedBy('contract', rep)[0]
  if (repContract) instances.push(core.flows.start(actorOf(rep), { flowId: contractFlow.id, recordId: repContract }).id)

  // Notifications from the shipped rules (idle opportunities, payments due) and the flows above.
  clock.advance(8 * 86_400_000)
  await core.scheduler.tick()
  await core.scheduler.tick()

  const host = { core } as unknown as CoreHost
  const dispatcher = new Dispatcher(host, () => {})
  const tokens = {} as Record<Who, string>
  for (const who of WHO) {
    const res = await dispatcher.call('auth.login', { login: ROLE_USERS[who], password: 'demo12345' })
    if (!res.ok) throw new Error(`login ${who}: ${res.error.message}`)
    tokens[who] = (res.data as { token: string }).token
  }
  const users = Object.fromEntries(WHO.map((w) => [w, userId(ROLE_USERS[w])])) as Record<Who, number>

  /** Permissions of a user on a form, combined over their roles as the product documents them. */
  const grants = (who: Who, form: SalesForm) => {
    const roleIds = core.db.prepare('SELECT role_id FROM user_roles WHERE user_id = ?').pluck().all(users[who]) as number[]
    return roleIds.flatMap((rid) => org.permissions(rid).filter((p) => p.formId === formId(form)))
  }
  const departmentOf = (id: number | null) => (id === null ? null : (core.db.prepare('SELECT department_id FROM users WHERE id = ?').pluck().get(id) as number | null))
  const subtree = (root: number): Set<number> => {
    const all = core.db.prepare('SELECT id, parent_id AS parent FROM departments').all() as Array<{ id: number; parent: number | null }>
    const out = new Set([root])
    for (let grew = true; grew;) {
      grew = false
      for (const d of all) {
        if (d.parent === null || !out.has(d.parent) || out.has(d.id)) continue
        out.add(d.id)
        grew = true
      }
    }
    return out
  }
  const collaborators = (form: SalesForm) => {
    const list = core.db.prepare('SELECT record_id AS r, user_id AS u FROM collaborators WHERE form_id = ?').all(formId(form)) as Array<{ r: number; u: number }>
    return (record: number, user: number) => list.some((c) => c.r === record && c.u === user)
  }
  const matchesCustom = (filter: FilterNode | null | undefined, row: RowInfo) => {
    // The matrix's custom scope is one condition on 省份 (see CUSTOM_SCOPE).
    if (!filter || !('field' in filter) || filter.field !== 'province' || filter.op !== 'eq') throw new Error('matrix: unexpected custom scope')
    return row.province === filter.value
  }

  /** Ids of the records (deleted ones too) the user may see, computed from the rows and permissions. */
  const visible = (who: Who, form: SalesForm, action: PermissionDto['actions'][number] = 'view'): Set<number> => {
    const user = users[who]
    const gs = grants(who, form).filter((g) => g.actions.includes(action))
    if (!gs.length) return new Set()
    const isCollaborator = collaborators(form)
    const own = (r: RowInfo) => r.owner === user || isCollaborator(r.id, user)
    const dept = departmentOf(user)
    return new Set(rows(form).filter((r) => {
      if (action === 'view' && POOL_FORMS.has(form) && r.owner === null) return true
      return gs.some((g) => {
        switch (g.scope) {
          case 'all': return true
          case 'own': return own(r)
          case 'department': return own(r) || (dept !== null && departmentOf(r.owner) === dept)
          case 'departmentTree': return own(r) || (dept !== null && r.owner !== null && subtree(dept).has(departmentOf(r.owner) ?? -1))
          case 'custom': return own(r) || matchesCustom(g.scopeFilter, r)
        }
      })
    }).map((r) => r.id))
  }
  const live = (form: SalesForm) => new Set(rows(form).filter((r) => !r.deleted).map((r) => r.id))
  /** API keys of the fields hidden from the user: hidden by every role of theirs that may view the form. */
  const hidden = (who: Who, form: SalesForm): Set<string> => {
    const viewers = grants(who, form).filter((g) => g.actions.includes('view'))
    const model = core.schema.form(form)
    return new Set(model.fields.filter((f) => viewers.length > 0 && viewers.every((g) => g.fieldRules[String(f.id)] === 'hidden')).map((f) => f.apiKey))
  }
  const actions = (who: Who, form: SalesForm) => new Set(grants(who, form).flatMap((g) => g.actions))

  /** Flow instances a user takes part in (submitter or a task of theirs): their records are shown to them there. */
  const participant = (who: Who) => {
    const rowsOf = core.db.prepare(`SELECT DISTINCT i.id, i.form_id AS formId, i.record_id AS recordId FROM flow_instances i LEFT JOIN flow_tasks k ON k.instance_id = i.id
      WHERE i.submitter_id = ? OR k.assignee_id = ?`).all(users[who], users[who]) as Array<{ id: number; formId: number; recordId: number }>
    return rowsOf
  }
  /**
   * The records a flow participant is shown: the record under approval, and — by the titles of its
   * relation fields, the content the approver decides on — the records it links to (contract → customer).
   */
  const participantShown = (who: Who): string[] =>
    participant(who).flatMap((p) => {
      const form = core.schema.form(p.formId)
      const row = core.db.prepare(`SELECT * FROM ${ident(form.table)} WHERE id = ?`).get(p.recordId) as Record<string, unknown> | undefined
      const linked = form.fields
        .filter((f) => f.type === 'relation' && !(f.config as { multiple?: boolean }).multiple && row?.[f.column ?? ''] != null)
        .map((f) => `${core.schema.form((f.config as { targetFormId: number }).targetFormId).apiKey}:${Number(row![f.column!])}`)
      return [`${form.apiKey}:${p.recordId}`, ...linked]
    })

  const call = (who: Who | null, method: string, input: unknown): Promise<RpcResult> => dispatcher.call(method, input, { token: who ? tokens[who] : null })

  return { ...t, admin, dispatcher, tokens, users, call, rows, live, visible, hidden, actions, participant, participantShown, instances, formId, southCustomer, southOpportunity, dup, close: t.close }
}
export type SalesMatrix = Awaited<ReturnType<typeof salesMatrix>>
