import type { FieldInput } from './api/contracts'
import type { FieldType, SelectOption } from './field-types'
import type { Locale } from './locales'

// Form templates for "新建表单 → 从模板": the forms a small sales office starts with. Pure data,
// in both UI languages; `instantiateTemplate` turns one into the `fields` of forms.create.
// A relation names the template of the form it points at; it is linked to that form when the
// app already has one (made from the same template), and left out otherwise.

type Text2 = { 'zh-CN': string; en: string }

export interface TemplateField {
  label: Text2
  apiKey: string
  type: FieldType
  config?: Record<string, unknown>
  required?: boolean
  unique?: boolean
  description?: Text2
  /** For relations: the key of the template whose form this field links to. */
  relationTo?: string
  multiple?: boolean
  children?: TemplateField[]
}

export interface FormTemplate {
  key: string
  /** Used as the new form's API key when it is free. */
  apiKey: string
  icon: string
  label: Text2
  description: Text2
  fields: TemplateField[]
}

const tx = (zh: string, en: string): Text2 => ({ 'zh-CN': zh, en })

function options(...items: Array<[string, string, string, SelectOption['color']]>) {
  return { options: items.map(([id, zh, en, color]) => ({ id, label: { 'zh-CN': zh, en }, color })) }
}

const f = (label: Text2, apiKey: string, type: FieldType, extra: Partial<TemplateField> = {}): TemplateField => ({ label, apiKey, type, ...extra })

export const FORM_TEMPLATES: readonly FormTemplate[] = [
  {
    key: 'customer',
    apiKey: 'customer',
    icon: 'building',
    label: tx('客户', 'Customers'),
    description: tx('企业客户档案：名称、行业、级别、联系方式、负责人', 'Company accounts: name, industry, tier, contact details, owner'),
    fields: [
      f(tx('客户名称', 'Customer name'), 'name', 'text', { required: true, unique: true }),
      f(tx('客户编号', 'Customer no.'), 'code', 'autonumber', { config: { pattern: 'KH-{0000}', reset: 'never' } }),
      f(tx('行业', 'Industry'), 'industry', 'select', {
        config: options(['it', '互联网/IT', 'Internet / IT', 'blue'], ['mfg', '制造业', 'Manufacturing', 'orange'], ['trade', '批发零售', 'Wholesale / retail', 'teal'], ['service', '服务业', 'Services', 'grape'], ['other', '其他', 'Other', 'gray'])
      }),
      f(tx('客户级别', 'Tier'), 'tier', 'select', {
        config: options(['a', 'A 重点客户', 'A key account', 'red'], ['b', 'B 普通客户', 'B regular', 'blue'], ['c', 'C 潜在客户', 'C prospect', 'gray'])
      }),
      f(tx('电话', 'Phone'), 'phone', 'phone'),
      f(tx('网址', 'Website'), 'website', 'url'),
      f(tx('地址', 'Address'), 'address', 'text'),
      f(tx('负责人', 'Account owner'), 'accountOwner', 'member'),
      f(tx('备注', 'Notes'), 'notes', 'textarea')
    ]
  },
  {
    key: 'contact',
    apiKey: 'contact',
    icon: 'user',
    label: tx('联系人', 'Contacts'),
    description: tx('客户的联系人：姓名、职务、手机、邮箱', 'People at your customers: name, title, mobile, email'),
    fields: [
      f(tx('姓名', 'Name'), 'name', 'text', { required: true }),
      f(tx('所属客户', 'Customer'), 'customer', 'relation', { relationTo: 'customer' }),
      f(tx('职务', 'Job title'), 'jobTitle', 'text'),
      f(tx('手机', 'Mobile'), 'mobile', 'phone'),
      f(tx('邮箱', 'Email'), 'email', 'email'),
      f(tx('关键决策人', 'Decision maker'), 'decisionMaker', 'checkbox'),
      f(tx('生日', 'Birthday'), 'birthday', 'date'),
      f(tx('备注', 'Notes'), 'notes', 'textarea')
    ]
  },
  {
    key: 'opportunity',
    apiKey: 'opportunity',
    icon: 'target',
    label: tx('商机', 'Opportunities'),
    description: tx('销售机会：阶段、金额、赢率、预计成交日期', 'Deals in progress: stage, amount, probability, expected close date'),
    fields: [
      f(tx('商机名称', 'Opportunity'), 'name', 'text', { required: true }),
      f(tx('客户', 'Customer'), 'customer', 'relation', { relationTo: 'customer' }),
      f(tx('销售阶段', 'Stage'), 'stage', 'select', {
        config: options(
          ['lead', '初步接洽', 'Qualification', 'gray'],
          ['needs', '需求确认', 'Needs analysis', 'blue'],
          ['quote', '方案报价', 'Proposal', 'violet'],
          ['negotiation', '商务谈判', 'Negotiation', 'orange'],
          ['won', '赢单', 'Won', 'green'],
          ['lost', '输单', 'Lost', 'red']
        )
      }),
      f(tx('金额', 'Amount'), 'amount', 'amount', { config: { precision: 2, currency: 'CNY' } }),
      f(tx('赢率', 'Probability'), 'probability', 'percent'),
      f(tx('预计成交日期', 'Expected close'), 'closeDate', 'date'),
      f(tx('负责人', 'Sales rep'), 'salesRep', 'member'),
      f(tx('输单原因', 'Loss reason'), 'lossReason', 'textarea'),
      f(tx('加权金额', 'Weighted amount'), 'weightedAmount', 'formula', { config: { expression: '{金额}*{赢率}', precision: 2 } })
    ]
  },
  {
    key: 'followup',
    apiKey: 'followUp',
    icon: 'message',
    label: tx('跟进记录', 'Follow-ups'),
    description: tx('每次拜访、电话、微信沟通的记录与下次计划', 'Each visit, call or chat, and the next step'),
    fields: [
      f(tx('跟进主题', 'Subject'), 'subject', 'text', { required: true }),
      f(tx('客户', 'Customer'), 'customer', 'relation', { relationTo: 'customer' }),
      f(tx('跟进方式', 'Channel'), 'channel', 'select', {
        config: options(['visit', '上门拜访', 'Visit', 'blue'], ['call', '电话', 'Phone call', 'teal'], ['wechat', '微信', 'WeChat', 'green'], ['email', '邮件', 'Email', 'grape'])
      }),
      f(tx('跟进时间', 'Time'), 'time', 'datetime'),
      f(tx('跟进内容', 'Notes'), 'notes', 'textarea'),
      f(tx('下次跟进日期', 'Next follow-up'), 'nextDate', 'date'),
      f(tx('附件', 'Attachments'), 'files', 'attachment')
    ]
  },
  {
    key: 'product',
    apiKey: 'product',
    icon: 'package',
    label: tx('产品', 'Products'),
    description: tx('产品目录：编号、分类、单价、单位', 'Product catalogue: code, category, unit price, unit'),
    fields: [
      f(tx('产品名称', 'Product'), 'name', 'text', { required: true, unique: true }),
      f(tx('产品编号', 'Product code'), 'code', 'autonumber', { config: { pattern: 'CP-{0000}', reset: 'never' } }),
      f(tx('分类', 'Category'), 'category', 'select', {
        config: options(['hardware', '硬件', 'Hardware', 'blue'], ['software', '软件', 'Software', 'violet'], ['service', '服务', 'Service', 'teal'])
      }),
      f(tx('单价', 'Unit price'), 'price', 'amount', { config: { precision: 2, currency: 'CNY' } }),
      f(tx('单位', 'Unit'), 'unit', 'text'),
      f(tx('在售', 'On sale'), 'onSale', 'checkbox'),
      f(tx('产品图片', 'Pictures'), 'pictures', 'attachment'),
      f(tx('说明', 'Description'), 'notes', 'textarea')
    ]
  },
  {
    key: 'contract',
    apiKey: 'contract',
    icon: 'contract',
    label: tx('合同', 'Contracts'),
    description: tx('合同台账：编号、金额、签约日期、产品明细', 'Contract register: number, amount, signing date, line items'),
    fields: [
      f(tx('合同名称', 'Contract'), 'name', 'text', { required: true }),
      f(tx('合同编号', 'Contract no.'), 'code', 'autonumber', { config: { pattern: 'HT-{YYYYMMDD}-{000}', reset: 'daily' } }),
      f(tx('客户', 'Customer'), 'customer', 'relation', { relationTo: 'customer' }),
      f(tx('签约日期', 'Signed on'), 'signedOn', 'date'),
      f(tx('合同状态', 'Status'), 'status', 'select', {
        config: options(['draft', '草拟', 'Draft', 'gray'], ['signed', '已签约', 'Signed', 'blue'], ['running', '执行中', 'In progress', 'orange'], ['done', '已完成', 'Completed', 'green'], ['void', '已作废', 'Void', 'red'])
      }),
      f(tx('合同金额', 'Contract amount'), 'amount', 'amount', { config: { precision: 2, currency: 'CNY' } }),
      f(tx('产品明细', 'Line items'), 'lines', 'subtable', {
        children: [
          f(tx('产品', 'Product'), 'product', 'text', { required: true }),
          f(tx('数量', 'Quantity'), 'quantity', 'number', { config: { precision: 0, thousands: true } }),
          f(tx('单价', 'Unit price'), 'price', 'amount', { config: { precision: 2, currency: 'CNY' } }),
          f(tx('小计', 'Subtotal'), 'subtotal', 'formula', { config: { expression: '{数量}*{单价}', precision: 2 } })
        ]
      }),
      f(tx('合同附件', 'Signed copy'), 'files', 'attachment'),
      f(tx('负责人', 'Owner'), 'contractOwner', 'member')
    ]
  }
]

/** Formula text is written with Chinese labels; the English template refers to the English ones. */
function localizeExpression(expression: string, fields: TemplateField[], locale: Locale): string {
  if (locale === 'zh-CN') return expression
  return expression.replace(/\{([^{}]+)\}/g, (whole, name: string) => {
    const found = fields.find((x) => x.label['zh-CN'] === name)
    return found ? `{${found.label[locale]}}` : whole
  })
}

function localizeConfig(field: TemplateField, siblings: TemplateField[], locale: Locale): Record<string, unknown> {
  const config: Record<string, unknown> = { ...(field.config ?? {}) }
  if (Array.isArray(config.options)) {
    config.options = (config.options as Array<{ id: string; label: Text2; color: string }>).map((o) => ({ id: o.id, label: o.label[locale], color: o.color }))
  }
  if (typeof config.expression === 'string') config.expression = localizeExpression(config.expression, siblings, locale)
  return config
}

export interface InstantiatedTemplate {
  fields: FieldInput[]
  /** Labels of relation fields left out because the app has no form to link them to. */
  skipped: string[]
}

/**
 * The fields of forms.create for a template, in the user's language. `formFor` gives the id of
 * the app's form made from another template (for relations), or null when there is none.
 */
export function instantiateTemplate(template: FormTemplate, locale: Locale, formFor: (templateKey: string) => number | null): InstantiatedTemplate {
  const skipped: string[] = []
  const convert = (field: TemplateField, siblings: TemplateField[]): FieldInput | null => {
    const config = localizeConfig(field, siblings, locale)
    if (field.type === 'relation') {
      const target = field.relationTo ? formFor(field.relationTo) : null
      if (target === null) {
        skipped.push(field.label[locale])
        return null
      }
      config.targetFormId = target
      config.multiple = field.multiple ?? false
    }
    const input: FieldInput = { label: field.label[locale], apiKey: field.apiKey, type: field.type, config, required: field.required ?? false, unique: field.unique ?? false }
    if (field.description) input.description = field.description[locale]
    if (field.children) input.children = field.children.map((c) => convert(c, field.children ?? [])).filter((c): c is FieldInput => c !== null)
    return input
  }
  const fields = template.fields.map((x) => convert(x, template.fields)).filter((x): x is FieldInput => x !== null)
  return { fields, skipped }
}
