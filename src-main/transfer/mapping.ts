import { COMPUTED_TYPES } from '../shared/field-types'
import { relationConfig } from '../forms/field-types/relation'
import type { FieldModel, FormModel } from '../forms/model'
import { normalizeWidth } from '../shared/values'
import type { ColumnTarget } from '../shared/api/transfer'

// Guessing which field a spreadsheet column fills, from its header label. Exact labels and API
// keys first, then groups of synonyms Chinese and English sheets use for the same thing
// (手机/电话/联系电话 → phone; 客户/公司/单位 → the customer). A column nothing matches is
// skipped unless the user maps it or creates a field from it.

export interface MappableField { apiKey: string; label: string; type: string; formApiKey: string; formLabel?: string; isTitle: boolean }

/** Synonym groups, each named by the API key it usually lands on in the CRM app. Chinese and English CRM exports. */
const SYNONYMS: Record<string, string[]> = {
  phone: ['手机', '手机号', '手机号码', '电话', '联系电话', '电话号码', '移动电话', '联系方式', '手机电话', 'mobile', 'phone', 'tel', 'telephone', 'cell', 'cellphone', 'phonenumber', 'mobilephone'],
  customer: ['客户', '客户名称', '客户名', '公司', '公司名称', '公司名', '单位', '单位名称', '企业', '企业名称', '所属客户', '关联客户', '客户全称', 'customer', 'customername', 'company', 'companyname', 'account', 'accountname', 'organization', 'organisation', 'client', 'clientname'],
  name: ['名称', '姓名', '名字', '联系人姓名', '商机名称', '项目名称', '合同名称', 'name', 'fullname', 'title', 'opportunity', 'opportunityname', 'opportunityid', 'deal', 'dealname', 'dealid'],
  contact: ['联系人', '客户联系人', '对接人', 'contact', 'contactname', 'contactperson'],
  product: ['产品', '产品名称', '意向产品', '商品', 'product', 'productname', 'item'],
  email: ['邮箱', '电子邮箱', '邮件', '电子邮件', '邮箱地址', 'email', 'e-mail', 'mail', 'emailaddress'],
  wechat: ['微信', '微信号', 'wechat', 'weixin', 'wx'],
  owner: ['负责人', '销售', '销售员', '销售人员', '销售代表', '业务员', '销售负责人', '跟进人', '归属人', '客户经理', '所属销售', 'owner', 'salesrep', 'rep', 'accountmanager', 'salesagent', 'agent', 'salesperson', 'salesman', 'assignedto', 'dealowner', 'accountowner'],
  manager: ['经理', '上级', '主管', '销售经理', 'manager', 'supervisor'],
  address: ['地址', '详细地址', '联系地址', '公司地址', 'address'],
  amount: ['金额', '预计金额', '商机金额', '预计成交金额', '合同金额', '合同总金额', '成交金额', '回款金额', 'amount', 'value', 'dealvalue', 'closevalue', 'dealamount', 'dealsize'],
  closeDate: ['预计成交日期', '成交日期', '预计签单日期', '结单日期', '关闭日期', 'closedate', 'expectedclose', 'expectedclosedate', 'closingdate'],
  engageDate: ['接洽日期', '首次接洽日期', '开始日期', '接触日期', 'engagedate', 'startdate', 'opendate'],
  stage: ['阶段', '销售阶段', '商机阶段', 'stage', 'salesstage', 'dealstage', 'pipelinestage'],
  level: ['等级', '客户等级', '级别', '客户级别', 'level', 'grade', 'tier'],
  industry: ['行业', '所属行业', '行业类别', 'industry', 'sector', 'vertical'],
  scale: ['规模', '公司规模', '企业规模', '人员规模', 'scale', 'size', 'companysize'],
  employees: ['员工数', '员工人数', '员工数量', '人数', 'employees', 'employeecount', 'headcount', 'staff', 'numberofemployees'],
  revenue: ['营业额', '年营业额', '营收', '年收入', '销售额', 'revenue', 'annualrevenue', 'turnover'],
  yearEstablished: ['成立年份', '成立时间', '成立日期', '创立年份', 'yearestablished', 'established', 'founded', 'yearfounded'],
  parent: ['母公司', '上级公司', '总公司', '所属集团', 'subsidiaryof', 'parent', 'parentcompany', 'parentaccount'],
  source: ['来源', '客户来源', '线索来源', '渠道', 'source', 'channel', 'leadsource'],
  province: ['省份', '省', '所在省份', 'province', 'state'],
  city: ['城市', '市', '所在城市', '办公地点', '所在地', 'city', 'officelocation', 'location', 'town'],
  region: ['区域', '地区', '大区', '区域办事处', '所属区域', 'region', 'area', 'regionaloffice', 'territory'],
  title: ['职位', '职务', '头衔', 'jobtitle', 'position'],
  tags: ['标签', 'tags', 'tag'],
  status: ['状态', 'status'],
  code: ['编号', '客户编号', '编码', '代码', 'code', 'number', 'no'],
  company: ['公司', '公司名称', '单位', 'company'],
  probability: ['赢率', '赢单率', '概率', '成交概率', 'probability', 'winrate'],
  important: ['重要', '是否重要', '重点', '是否重点', '重点客户', '重点商机', 'important', 'key'],
  nextStep: ['下一步', '下一步计划', '下一步行动计划', 'nextstep'],
  lossReason: ['输单原因', '丢单原因', 'lossreason', 'lostreason'],
  notes: ['备注', '说明', '描述', 'notes', 'remark', 'remarks', 'description', 'comment']
}

/** The error column our own error report adds; re-importing a fixed report skips it. */
export const ERROR_COLUMN_LABELS = ['错误原因', 'error', 'errors', 'importerror']

export function normalizeLabel(label: string): string {
  const n = normalizeWidth(label).toLowerCase().replace(/[*＊:：\s_\-.()（）]|必填|选填|\(必填\)/g, '')
  // English plurals: accounts, employees, companies, sales (ss and us endings kept: address, status).
  if (/^[a-z0-9]{4,}$/.test(n)) return n.replace(/ies$/, 'y').replace(/(?<![su])s$/, '')
  return n
}

const GROUP_OF = new Map<string, string[]>()
for (const [key, words] of Object.entries(SYNONYMS)) {
  for (const w of words) {
    const n = normalizeLabel(w)
    GROUP_OF.set(n, [...(GROUP_OF.get(n) ?? []), key])
  }
}

/** What a header was mapped to before by this user on this form (header text → target and date order). */
export type Remembered = Record<string, { target: ColumnTarget; dateOrder?: 'ymd' | 'dmy' | 'mdy' }>

export interface ScoredGuess { field: MappableField; source: 'exact' | 'synonym' | 'fuzzy'; confidence: number }

/** Fields a column can fill: top-level, stored (or multiple relations), not computed; plus the owner (负责人). */
export function mappableFields(form: FormModel): MappableField[] {
  const fields = form.fields
    // Multiple relations (意向产品) have no column of their own but import like the others.
    .filter((f: FieldModel) => (f.column || (f.type === 'relation' && relationConfig(f).multiple)) && !f.parentFieldId && !COMPUTED_TYPES.has(f.type) && f.type !== 'autonumber' && f.type !== 'subtable' && f.type !== 'attachment')
    .map((f) => ({ apiKey: f.apiKey, label: f.label, type: f.type, formApiKey: form.apiKey, isTitle: form.titleField?.id === f.id }))
  return [...fields, { apiKey: 'owner', label: '负责人', type: 'member', formApiKey: form.apiKey, isTitle: false }]
}

/** The field a header most likely means, or null. `taken` fields are not offered twice. */
export function guessField(header: string, fields: readonly MappableField[], taken: ReadonlySet<string> = new Set()): MappableField | null {
  return guessFieldScored(header, fields, taken)?.field ?? null
}

/**
 * The field a header most likely means, with how it was found: the field's own label or API key
 * (exact), a synonym Chinese or English CRMs use for it (synonym: close_date → 预计成交日期,
 * sales_agent → 负责人), or a close spelling of a label or synonym (fuzzy, with its similarity).
 * Case, `_`, `-`, spaces and English plurals do not matter.
 */
export function guessFieldScored(header: string, fields: readonly MappableField[], taken: ReadonlySet<string> = new Set()): ScoredGuess | null {
  const h = normalizeLabel(header)
  if (!h || ERROR_COLUMN_LABELS.includes(h)) return null
  const free = fields.filter((f) => !taken.has(f.apiKey))
  const exact = free.find((f) => normalizeLabel(f.label) === h) ?? free.find((f) => normalizeLabel(f.apiKey) === h)
  if (exact) return { field: exact, source: 'exact', confidence: 1 }
  const bySynonym = synonymMatch(h, free)
  if (bySynonym) return { field: bySynonym, source: 'synonym', confidence: 0.9 }
  return fuzzyMatch(h, free)
}

function synonymMatch(h: string, free: readonly MappableField[]): MappableField | null {
  const groups = GROUP_OF.get(h) ?? []
  for (const group of groups) {
    const words = new Set(SYNONYMS[group]!.map(normalizeLabel))
    const key = normalizeLabel(group)
    const byKey = free.find((f) => normalizeLabel(f.apiKey) === key)
    if (byKey) return byKey
    const byLabel = free.find((f) => words.has(normalizeLabel(f.label)))
    if (byLabel) return byLabel
    // On the customer form itself, 客户名称/公司/account is the customer's name (its title field).
    if (group === 'customer') {
      const title = free.find((f) => f.isTitle && /customer|account|客户/i.test(`${f.formApiKey} ${f.formLabel ?? ''}`))
      if (title) return title
    }
    // The product's own form: 产品/product is its name.
    if (group === 'product') {
      const title = free.find((f) => f.isTitle && /product|产品/i.test(`${f.formApiKey} ${f.formLabel ?? ''}`))
      if (title) return title
    }
  }
  // "客户名称" on a form with a 名称 field and no customer: the form's title field.
  if (groups.includes('name')) return free.find((f) => f.isTitle) ?? null
  return null
}

/** Below this similarity a header is left unmapped rather than guessed. */
const FUZZY_MIN = 0.75

/** The closest label, API key or synonym by edit distance (预计成交日 ≈ 预计成交日期, closedt ≈ closedate). */
function fuzzyMatch(h: string, free: readonly MappableField[]): ScoredGuess | null {
  if ([...h].length < 3) return null
  let best: ScoredGuess | null = null
  const consider = (field: MappableField, word: string) => {
    const w = normalizeLabel(word)
    if ([...w].length < 2) return
    const score = similarity(h, w)
    if (score >= FUZZY_MIN && (!best || score > best.confidence)) best = { field, source: 'fuzzy', confidence: Math.round(score * 100) / 100 }
  }
  for (const f of free) {
    consider(f, f.label)
    consider(f, f.apiKey)
  }
  for (const [group, words] of Object.entries(SYNONYMS)) {
    const key = normalizeLabel(group)
    const field = free.find((f) => normalizeLabel(f.apiKey) === key) ?? free.find((f) => words.some((w) => normalizeLabel(w) === normalizeLabel(f.label)))
    if (!field) continue
    for (const w of words) consider(field, w)
  }
  return best
}

/** 1 − edit distance / longer length, over characters (so Chinese counts per character). */
export function similarity(a: string, b: string): number {
  const x = [...a]
  const y = [...b]
  const n = Math.max(x.length, y.length)
  if (!n) return 1
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j)
  for (let i = 1; i <= x.length; i++) {
    const cur = [i]
    for (let j = 1; j <= y.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1))
    prev = cur
  }
  return 1 - prev[y.length]! / n
}

export function guessMapping(headers: readonly string[], fields: readonly MappableField[]): Array<MappableField | null> {
  const taken = new Set<string>()
  return headers.map((h) => {
    const f = guessField(h, fields, taken)
    if (f) taken.add(f.apiKey)
    return f
  })
}
