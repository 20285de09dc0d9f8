import { COMPUTED_TYPES } from '../shared/field-types'
import type { FieldModel, FormModel } from '../forms/model'
import { normalizeWidth } from '../shared/values'

// Guessing which field a spreadsheet column fills, from its header label. Exact labels and API
// keys first, then groups of synonyms Chinese and English sheets use for the same thing
// (手机/电话/联系电话 → phone; 客户/公司/单位 → the customer). A column nothing matches is
// skipped unless the user maps it or creates a field from it.

export interface MappableField { apiKey: string; label: string; type: string; formApiKey: string; formLabel?: string; isTitle: boolean }

/** Synonym groups, each named by the API key it usually lands on in the CRM app. */
const SYNONYMS: Record<string, string[]> = {
  phone: ['手机', '手机号', '手机号码', '电话', '联系电话', '电话号码', '移动电话', '联系方式', '手机电话', 'mobile', 'phone', 'tel', 'telephone', 'cell', 'cellphone', 'phonenumber'],
  customer: ['客户', '客户名称', '客户名', '公司', '公司名称', '公司名', '单位', '单位名称', '企业', '企业名称', '所属客户', '客户全称', 'customer', 'customername', 'company', 'companyname', 'account', 'accountname', 'organization'],
  name: ['名称', '姓名', '名字', '联系人', '联系人姓名', '商机名称', '项目名称', '产品名称', '合同名称', 'name', 'fullname', 'title'],
  email: ['邮箱', '电子邮箱', '邮件', '电子邮件', '邮箱地址', 'email', 'e-mail', 'mail', 'emailaddress'],
  wechat: ['微信', '微信号', 'wechat', 'weixin', 'wx'],
  owner: ['负责人', '销售', '销售员', '业务员', '销售负责人', '跟进人', '归属人', '客户经理', '所属销售', 'owner', 'salesrep', 'rep', 'accountmanager'],
  address: ['地址', '详细地址', '联系地址', '公司地址', 'address'],
  amount: ['金额', '预计金额', '商机金额', '合同金额', '合同总金额', '成交金额', '回款金额', 'amount', 'value', 'dealvalue'],
  closeDate: ['预计成交日期', '成交日期', '预计签单日期', '结单日期', 'closedate', 'expectedclose'],
  stage: ['阶段', '销售阶段', '商机阶段', 'stage', 'salesstage'],
  level: ['等级', '客户等级', '级别', '客户级别', 'level', 'grade', 'tier'],
  industry: ['行业', '所属行业', 'industry'],
  scale: ['规模', '公司规模', '人员规模', 'scale', 'size'],
  source: ['来源', '客户来源', '线索来源', '渠道', 'source', 'channel', 'leadsource'],
  province: ['省份', '省', '所在省份', 'province', 'state'],
  city: ['城市', '市', '所在城市', 'city'],
  region: ['区域', '地区', '大区', 'region', 'area'],
  title: ['职位', '职务', '头衔', 'jobtitle', 'position'],
  tags: ['标签', 'tags', 'tag'],
  status: ['状态', 'status'],
  code: ['编号', '客户编号', '编码', '代码', 'code', 'number', 'no'],
  company: ['公司', '公司名称', '单位', 'company'],
  probability: ['赢率', '概率', '成交概率', 'probability'],
  important: ['重要', '是否重要', '重点', '是否重点', '重点客户', 'important', 'key'],
  nextStep: ['下一步', '下一步计划', 'nextstep'],
  notes: ['备注', '说明', '描述', 'notes', 'remark', 'remarks', 'description', 'comment']
}

/** The error column our own error report adds; re-importing a fixed report skips it. */
export const ERROR_COLUMN_LABELS = ['错误原因', 'error', 'errors', 'importerror']

export function normalizeLabel(label: string): string {
  return normalizeWidth(label).toLowerCase().replace(/[*＊:：\s_\-()（）]|必填|选填|\(必填\)/g, '')
}

const GROUP_OF = new Map<string, string[]>()
for (const [key, words] of Object.entries(SYNONYMS)) {
  for (const w of words) {
    const n = normalizeLabel(w)
    GROUP_OF.set(n, [...(GROUP_OF.get(n) ?? []), key])
  }
}

/** Fields a column can fill: top-level, stored, not computed; plus the owner (负责人). */
export function mappableFields(form: FormModel): MappableField[] {
  const fields = form.fields
    .filter((f: FieldModel) => f.column && !COMPUTED_TYPES.has(f.type) && f.type !== 'autonumber' && f.type !== 'subtable' && f.type !== 'attachment')
    .map((f) => ({ apiKey: f.apiKey, label: f.label, type: f.type, formApiKey: form.apiKey, isTitle: form.titleField?.id === f.id }))
  return [...fields, { apiKey: 'owner', label: '负责人', type: 'member', formApiKey: form.apiKey, isTitle: false }]
}

/** The field a header most likely means, or null. `taken` fields are not offered twice. */
export function guessField(header: string, fields: readonly MappableField[], taken: ReadonlySet<string> = new Set()): MappableField | null {
  const h = normalizeLabel(header)
  if (!h || ERROR_COLUMN_LABELS.includes(h)) return null
  const free = fields.filter((f) => !taken.has(f.apiKey))
  const exact = free.find((f) => normalizeLabel(f.label) === h) ?? free.find((f) => f.apiKey.toLowerCase() === h)
  if (exact) return exact
  const groups = GROUP_OF.get(h) ?? []
  for (const group of groups) {
    const words = new Set(SYNONYMS[group]!.map(normalizeLabel))
    const byKey = free.find((f) => f.apiKey === group)
    if (byKey) return byKey
    const byLabel = free.find((f) => words.has(normalizeLabel(f.label)))
    if (byLabel) return byLabel
    // On the customer form itself, 客户名称/公司 is the customer's name (its title field).
    if (group === 'customer') {
      const title = free.find((f) => f.isTitle && /customer|客户/i.test(`${f.formApiKey} ${f.formLabel ?? ''}`))
      if (title) return title
    }
  }
  // "客户名称" on a form with a 名称 field and no customer: the form's title field.
  if (groups.includes('name')) return free.find((f) => f.isTitle) ?? null
  return null
}

export function guessMapping(headers: readonly string[], fields: readonly MappableField[]): Array<MappableField | null> {
  const taken = new Set<string>()
  return headers.map((h) => {
    const f = guessField(h, fields, taken)
    if (f) taken.add(f.apiKey)
    return f
  })
}
