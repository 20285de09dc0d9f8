import type { TFunction } from 'i18next'
import type { FieldDto, FilterNode, FormDto } from '@shared/api/contracts'
import type { Recipients, RuleAction, RuleDto, RuleTrigger } from '@shared/api/rules'
import { systemFields } from '../../fields/system'
import { EMPTY_FILTER_MODEL, fromFilterModel, toFilterModel, type FilterModel } from '../designer/filter-model'

export { EMPTY_FILTER_MODEL, fromFilterModel, toFilterModel, type FilterModel }

// The rule editor's model helpers: defaults for a new trigger or action, the fields a trigger can
// use, and the one-line sentence a rule reads as in the list (当… / 如果… / 那么…).

export interface Draft {
  name: string
  form: number
  enabled: boolean
  trigger: RuleTrigger
  /** 如果: the filter as the builder edits it, plus what it cannot show (kept verbatim). */
  filter: FilterModel
  /** The formula condition; undefined = none stored. */
  formula: string | undefined
  actions: RuleAction[]
  rateLimit: number | null
  description: string | null
  /** Per action, each text as shown and as stored (`{{商机名称}}` / `{{name}}`): an unchanged text is saved as stored. */
  stored: Array<Array<{ shown: string; text: string }>>
  /** The formula condition as stored: saved as it was while unchanged. */
  storedFormula: string | undefined
}

/** What a rule's editor saves: the definition, as rules.create / rules.update take it. */
export interface RuleDefinition {
  name: string
  form: number
  enabled: boolean
  trigger: RuleTrigger
  condition: { filter?: FilterNode; formula?: string }
  actions: RuleAction[]
  rateLimit: number | null
  description: string | null
}


export const EMPTY_RECIPIENTS: Recipients = { owner: true, manager: false, users: [], roles: [], roleKeys: [], fields: [], emails: [] }

export function defaultTrigger(type: RuleTrigger['type'], form: FormDto | undefined): RuleTrigger {
  switch (type) {
    case 'created':
    case 'deleted':
      return { type }
    case 'updated':
      return { type, fields: [] }
    case 'flowFinished':
      return { type, outcome: 'approved' }
    case 'schedule':
      return { type, every: 'day', time: '09:00' }
    case 'dateRelative':
      return { type, field: dateFields(form)[0]?.key ?? '', amount: 3, unit: 'day', direction: 'before', time: '09:00' }
    case 'inactivity':
      return { type, days: 7, activityForm: 'followUp' }
  }
}

export function defaultAction(type: RuleAction['type'], form: FormDto | undefined, t: TFunction): RuleAction {
  const title = form?.titleFieldId ? form.fields.find((f) => f.id === form.titleFieldId)?.label : undefined
  const placeholder = title ? `{{${title}}}` : '{{标题}}'
  switch (type) {
    case 'update':
      return { type, set: [{ field: form?.fields.find((f) => isWritable(f))?.apiKey ?? '', value: '' }] }
    case 'create':
      return { type, form: 'task', set: [{ field: 'title', value: `${t('rules.defaults.followUp')}${placeholder}` }], owner: 'recordOwner' }
    case 'assign':
      return { type, mode: 'user', userIds: [], map: [] }
    case 'pool':
      return { type, op: 'return' }
    case 'startFlow':
      return { type, flow: '' }
    case 'notify':
    case 'desktop':
      return { type, to: { ...EMPTY_RECIPIENTS }, title: `${t('rules.defaults.remind')}${placeholder}`, body: '' }
    case 'email':
      return { type, to: { ...EMPTY_RECIPIENTS }, subject: `${t('rules.defaults.remind')}${placeholder}`, body: '' }
    case 'webhook':
      return { type, url: '', format: 'dingtalk', text: `${t('rules.defaults.remind')}${placeholder}` }
    case 'score':
      return { type, field: form?.fields.find((f) => f.type === 'number')?.apiKey ?? 'score', delta: 10 }
  }
}

export const isWritable = (f: FieldDto) => !['formula', 'rollup', 'autonumber', 'subtable'].includes(f.type) && f.deletedAt === null

/** Date and date-time fields, including sub-table columns as `plan.dueDate`. */
export function dateFields(form: FormDto | undefined): Array<{ key: string; label: string }> {
  if (!form) return []
  const out: Array<{ key: string; label: string }> = []
  for (const f of form.fields) {
    if (f.parentFieldId !== null || f.deletedAt !== null) continue
    if (f.type === 'date' || f.type === 'datetime') out.push({ key: f.apiKey, label: f.label })
    if (f.type === 'subtable') {
      for (const c of form.fields.filter((x) => x.parentFieldId === f.id && (x.type === 'date' || x.type === 'datetime'))) out.push({ key: `${f.apiKey}.${c.apiKey}`, label: `${f.label}.${c.label}` })
    }
  }
  return out
}

export const topFields = (form: FormDto | undefined) => (form?.fields ?? []).filter((f) => f.parentFieldId === null && f.deletedAt === null)

/** The fields a rule's condition can test: the form's own fields and its system fields (负责人, 创建人, 创建时间, 修改时间). */
export function conditionFields(form: FormDto | undefined, t: (key: string) => string): FieldDto[] {
  if (!form) return []
  return [...topFields(form), ...systemFields(form.id, t).filter((f) => f.apiKey !== 'id')]
}

/** Every text of an action that may hold `{{field}}` placeholders, with a way to write it back. */
function mapTexts(action: RuleAction, map: (text: string) => string): RuleAction {
  const value = (v: unknown) => (typeof v === 'string' ? map(v) : v)
  switch (action.type) {
    case 'notify':
    case 'desktop':
      return { ...action, title: map(action.title), body: map(action.body) }
    case 'email':
      return { ...action, subject: map(action.subject), body: map(action.body) }
    case 'webhook':
      return { ...action, text: map(action.text) }
    case 'update':
    case 'create':
      return { ...action, set: action.set.map((x) => (x.formula === undefined && 'value' in x ? { ...x, value: value(x.value) } : x)) }
    default:
      return action
  }
}

/**
 * The rule as the editor shows it (pure). Placeholders written with API keys (shipped rules use
 * `{{name}}`) are shown with the field labels (`{{商机名称}}`); the server fills both the same
 * way, and an unchanged text is saved as it was stored.
 */
export function toDraft(rule: RuleDto, form: FormDto | undefined, fields: FieldDto[]): Draft {
  const stored: Draft['stored'] = []
  const actions = rule.actions.map((a, i) => {
    const texts: Array<{ shown: string; text: string }> = (stored[i] = [])
    return mapTexts(a, (text) => {
      const shown = readableTemplate(text, form)
      texts.push({ shown, text })
      return shown
    })
  })
  return {
    name: rule.name,
    form: rule.formId,
    enabled: rule.enabled,
    trigger: rule.trigger,
    filter: toFilterModel(rule.condition.filter, fields),
    formula: rule.condition.formula,
    actions,
    rateLimit: rule.rateLimit,
    description: rule.description,
    stored,
    storedFormula: rule.condition.formula
  }
}

/** The editor's draft → the rule definition to save (pure); the inverse of toDraft for an unchanged draft. */
export function fromDraft(draft: Draft): RuleDefinition {
  const condition: RuleDefinition['condition'] = {}
  const filter = fromFilterModel(draft.filter)
  if (filter !== undefined) condition.filter = filter
  if (draft.formula !== undefined && draft.formula === draft.storedFormula) condition.formula = draft.formula
  else if (draft.formula?.trim()) condition.formula = draft.formula.trim()
  const actions = draft.actions.map((a, i) => {
    let j = 0
    return mapTexts(a, (text) => {
      const was = draft.stored[i]?.[j++]
      return was && was.shown === text ? was.text : text
    })
  })
  return { name: draft.name, form: draft.form, enabled: draft.enabled, trigger: draft.trigger, condition, actions, rateLimit: draft.rateLimit, description: draft.description }
}

/** A saved rule as its definition (what fromDraft(toDraft(rule)) must give back). */
export function ruleDefinition(rule: RuleDto): RuleDefinition {
  return { name: rule.name, form: rule.formId, enabled: rule.enabled, trigger: rule.trigger, condition: rule.condition, actions: rule.actions, rateLimit: rule.rateLimit, description: rule.description }
}

export function newDraft(form: FormDto, t: TFunction): Draft {
  return { name: '', form: form.id, enabled: false, trigger: { type: 'created' }, filter: EMPTY_FILTER_MODEL, formula: undefined, actions: [defaultAction('notify', form, t)], rateLimit: null, description: null, stored: [], storedFormula: undefined }
}

const fieldLabel = (form: FormDto | undefined, key: string) => {
  const [head, sub] = key.split('.')
  const f = form?.fields.find((x) => x.apiKey === head && x.parentFieldId === null)
  if (!sub) return f?.label ?? key
  const c = form?.fields.find((x) => x.parentFieldId === f?.id && x.apiKey === sub)
  return `${f?.label ?? head}.${c?.label ?? sub}`
}

/** 当…时 as one phrase. */
export function triggerPhrase(trigger: RuleTrigger, form: FormDto | undefined, t: TFunction, forms: FormDto[] = []): string {
  switch (trigger.type) {
    case 'updated': {
      const fields = (trigger.fields ?? []).map((k) => fieldLabel(form, k))
      if (!fields.length) return t('rules.phrase.updatedAny')
      if (trigger.to !== undefined) return t('rules.phrase.updatedTo', { fields: fields[0], to: optionLabel(form, trigger.fields![0]!, trigger.to) })
      return t('rules.phrase.updatedFields', { fields: fields.join(t('common.listSeparator')) })
    }
    case 'flowFinished':
      return t(`rules.phrase.flow.${trigger.outcome}`)
    case 'schedule':
      return t(`rules.phrase.schedule.${trigger.every}`, { time: trigger.time, weekday: t(`rules.weekday.${trigger.weekday ?? 1}`), monthday: trigger.monthday ?? 1 })
    case 'dateRelative':
      return t('rules.phrase.dateRelative', { field: fieldLabel(form, trigger.field), amount: trigger.amount, unit: t(`rules.unit.${trigger.unit}`), direction: t(`rules.direction.${trigger.direction}`) })
    case 'inactivity':
      return t('rules.phrase.inactivity', { days: trigger.days, activity: forms.find((f) => f.apiKey === trigger.activityForm)?.label ?? trigger.activityForm })
    default:
      return t(`rules.phrase.${trigger.type}`)
  }
}

export function optionLabel(form: FormDto | undefined, key: string, value: unknown): string {
  const f = form?.fields.find((x) => x.apiKey === key && x.parentFieldId === null)
  const options = (f?.config as { options?: Array<{ id: string; label: string }> } | undefined)?.options
  return options?.find((o) => o.id === value)?.label ?? String(value ?? '')
}

/** A template as the user reads it: `{{name}}` shown with the field's label, `{{商机名称}}`. */
export function readableTemplate(template: string, form: FormDto | undefined): string {
  return template.replace(/\{\{\s*([A-Za-z][\w.]*)\s*\}\}/g, (whole, key: string) => {
    if (!form) return whole
    const [head, sub] = key.split('.')
    const field = form.fields.find((f) => f.apiKey === head && f.parentFieldId === null)
    if (!field) return whole
    if (!sub) return `{{${field.label}}}`
    const child = form.fields.find((f) => f.parentFieldId === field.id && f.apiKey === sub)
    return child ? `{{${field.label}.${child.label}}}` : whole
  })
}

/** 那么… as a phrase per action. */
export function actionPhrase(action: RuleAction, t: TFunction, form?: FormDto): string {
  switch (action.type) {
    case 'notify':
    case 'desktop':
      return t('rules.phrase.quoted', { what: t(`rules.action.${action.type}`), text: readableTemplate(action.title, form) })
    case 'email':
      return t('rules.phrase.quoted', { what: t('rules.action.email'), text: readableTemplate(action.subject, form) })
    case 'assign':
      return t('rules.phrase.detail', { what: t('rules.action.assign'), detail: t(`rules.assign.${action.mode}`) })
    case 'pool':
      return t(`rules.pool.${action.op}`)
    case 'score':
      return t('rules.phrase.score', { delta: action.delta > 0 ? `+${action.delta}` : action.delta })
    case 'webhook':
      return t('rules.phrase.detail', { what: t('rules.action.webhook'), detail: t(`rules.webhook.${action.format}`) })
    default:
      return t(`rules.action.${action.type}`)
  }
}

