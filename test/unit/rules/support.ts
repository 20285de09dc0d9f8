import { testCore } from '../../support/core'
import type { FieldInput } from '../../../src-main/shared/api/contracts'
import type { RuleInput } from '../../../src-main/shared/api/rules'

export const DAY = 24 * 3600_000
export const HOUR = 3600_000

export const OPP_STAGES = [
  { id: 'initial', label: '初步接洽', color: 'blue' as const },
  { id: 'needs', label: '需求分析', color: 'cyan' as const },
  { id: 'won', label: '赢单', color: 'green' as const },
  { id: 'lost', label: '输单', color: 'red' as const }
]

/** A core with the sales forms the rules work on: opportunity, follow-up, task, lead. */
export async function rulesCore() {
  const t = await testCore()
  const mk = (label: string, apiKey: string, fields: FieldInput[]) => t.core.schema.createForm({ appId: t.app.id, label, apiKey, fields })
  const opp = mk('商机', 'opportunity', [
    { label: '商机名称', apiKey: 'name', type: 'text' },
    { label: '销售阶段', apiKey: 'stage', type: 'select', config: { options: OPP_STAGES } },
    { label: '金额', apiKey: 'amount', type: 'amount' },
    { label: '预计成交日期', apiKey: 'closeDate', type: 'date' },
    { label: '重要', apiKey: 'important', type: 'checkbox' },
    { label: '下一步', apiKey: 'nextStep', type: 'text' },
    { label: '下次拜访', apiKey: 'visitAt', type: 'datetime' },
    { label: '回款计划', apiKey: 'plan', type: 'subtable', children: [{ label: '应回款日期', apiKey: 'dueDate', type: 'date' }, { label: '金额', apiKey: 'amount', type: 'amount' }] }
  ])
  t.core.schema.updateForm({ form: opp.id, titleFieldId: t.core.schema.form(opp.id).byKey.get('name')!.id })
  const lead = mk('线索', 'lead', [
    { label: '姓名', apiKey: 'name', type: 'text' },
    { label: '城市', apiKey: 'city', type: 'text' },
    { label: '来源', apiKey: 'source', type: 'select', config: { options: [{ id: 'expo', label: '展会', color: 'blue' }, { id: 'website', label: '官网', color: 'green' }] } },
    { label: '评分', apiKey: 'score', type: 'number' }
  ])
  const followUp = mk('跟进记录', 'followUp', [
    { label: '主题', apiKey: 'subject', type: 'text' },
    { label: '商机', apiKey: 'opportunity', type: 'relation', config: { targetFormId: opp.id } },
    { label: '线索', apiKey: 'lead', type: 'relation', config: { targetFormId: lead.id } }
  ])
  const task = mk('任务', 'task', [
    { label: '标题', apiKey: 'title', type: 'text' },
    { label: '截止日期', apiKey: 'dueDate', type: 'date' },
    { label: '商机', apiKey: 'opportunity', type: 'relation', config: { targetFormId: opp.id } }
  ])
  // Users read every record of these forms (messages go only to users who may view the record).
  const reader = t.core.org.createRole(t.actor.id, { name: '规则测试读者' })
  for (const f of [opp, lead, followUp, task]) t.core.org.setPermission(t.actor.id, reader.id, { formId: f.id, actions: ['view'], scope: 'all', scopeFilter: null, fieldRules: {} })
  const user = async (name: string, extra: { managerId?: number; email?: string } = {}) => {
    const id = await t.core.org.createUser(t.actor.id, { name, login: `u${Math.random().toString(36).slice(2, 8)}`, password: 'secret123', roleIds: [reader.id] })
    if (extra.managerId !== undefined || extra.email !== undefined) {
      t.core.org.updateUser(t.actor.id, id, { ...(extra.managerId !== undefined ? { managerId: extra.managerId } : {}), ...(extra.email !== undefined ? { email: extra.email } : {}) })
    }
    return id
  }
  const rule = (input: Omit<RuleInput, 'form'> & { form?: string }) => t.core.rules.create({ enabled: true, form: 'opportunity', ...input } as RuleInput, t.actor.id)
  return { ...t, opp, followUp, task, lead, user, rule }
}
