import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import fc from 'fast-check'
import type { FieldDto, FilterNode, FormDto } from '@shared/api/contracts'
import { ruleAction, ruleCondition, ruleTrigger, type RuleAction, type RuleDto } from '@shared/api/rules'
import { FILTER_OPERATORS } from '@shared/field-types'
import { conditionFields, fromDraft, fromFilterModel, ruleDefinition, toDraft, toFilterModel } from '../../../src-renderer/src/components/rules/model'
import { testCore } from '../../support/core'
import { bundledApp } from '../../../src-main/apps/bundled'
import { installApp } from '../../../src-main/apps/installer'

// Round-trip fidelity of the rule editor: opening a rule and saving it without a change writes
// the identical definition, for every shipped rule and for generated ones. What the editor cannot
// show it keeps verbatim.

const label = (key: string) => key
const json = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T

describe('rule editor round trip: the shipped CRM rules', () => {
  let env: Awaited<ReturnType<typeof testCore>>
  let rules: RuleDto[]
  let forms: FormDto[]
  beforeAll(async () => {
    env = await testCore()
    installApp(env.core, env.actor, bundledApp('crm').pkg, { locale: 'zh-CN' })
    rules = json(env.core.rules.list())
    forms = json(env.core.schema.formIds().map((id) => env.core.schema.toDto(env.core.schema.form(id), new Set())))
  })
  afterAll(() => env.close())

  it('every shipped rule comes back identical', () => {
    expect(rules.length).toBeGreaterThan(0)
    for (const rule of rules) {
      const form = forms.find((f) => f.id === rule.formId)
      expect(fromDraft(toDraft(rule, form, conditionFields(form, label))), rule.name).toStrictEqual(ruleDefinition(rule))
    }
  })

  it('shows the auto-assignment rule’s condition 负责人为空 in the builder (a system field), nothing kept aside', () => {
    const rule = rules.find((r) => r.name === '新线索按城市自动分配')!
    const form = forms.find((f) => f.id === rule.formId)
    const draft = toDraft(rule, form, conditionFields(form, label))
    expect(draft.filter.state.conditions).toMatchObject([{ field: 'owner', op: 'empty' }])
    expect(draft.filter.kept).toEqual([])
    // Templates are shown with labels and saved with the keys they were stored with.
    const notify = draft.actions.find((a) => a.type === 'notify') as Extract<RuleAction, { type: 'notify' }>
    expect(notify.title).toContain('{{城市}}')
    expect(fromDraft(draft).actions).toStrictEqual(rule.actions)
  })
})

// A form with one field of the types conditions and templates use most.
function field(id: number, apiKey: string, fieldLabel: string, type: FieldDto['type'], config: Record<string, unknown> = {}): FieldDto {
  return { id, formId: 1, parentFieldId: null, label: fieldLabel, apiKey, type, config, required: false, unique: false, description: null, defaultValue: null, position: id, deletedAt: null, resultType: null, visibleWhen: null, requiredWhen: null }
}
const FORM: FormDto = {
  id: 1, appId: 1, label: '线索', apiKey: 'lead', description: null, titleFieldId: 1, validations: [], position: 1, layout: null, schemaVersion: 1,
  fields: [
    field(1, 'name', '姓名', 'text'),
    field(2, 'city', '城市', 'text'),
    field(3, 'source', '来源', 'select', { options: [{ id: 'expo', label: '展会', color: 'blue' }] }),
    field(4, 'score', '评分', 'number'),
    field(5, 'due', '截止日期', 'date'),
    field(6, 'vip', '重要', 'checkbox'),
    field(7, 'rep', '跟进人', 'member'),
    { ...field(8, 'gone', '已删除', 'text'), deletedAt: 1 }
  ]
}
const FIELDS = conditionFields(FORM, label)
const KEYS = ['name', 'city', 'source', 'score', 'due', 'vip', 'rep', 'owner', 'createdBy', 'createdAt', 'updatedAt', 'updatedBy', 'id', 'gone', 'unknownField', 'plan.dueDate']

const value = fc.oneof(fc.constant(''), fc.string({ maxLength: 6 }), fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.oneof(fc.string({ maxLength: 4 }), fc.integer()), { maxLength: 3 }))
const leaf: fc.Arbitrary<FilterNode> = fc
  .record({ field: fc.constantFrom(...KEYS), op: fc.constantFrom(...FILTER_OPERATORS), value }, { requiredKeys: ['field', 'op'] })
  .map((c) => json(c) as FilterNode)
const filter: fc.Arbitrary<FilterNode> = fc.letrec<{ node: FilterNode }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('node'), { maxLength: 4 }).map((and) => json({ and })),
    fc.array(tie('node'), { maxLength: 4 }).map((or) => json({ or }))
  )
})).node

// Texts with placeholders by key, by label, unknown ones, and the literal readable forms.
const text = fc
  .array(fc.constantFrom('{{name}}', '{{城市}}', '{{city}}', '{{ source }}', '{{nobody}}', '{{plan.dueDate}}', '{{姓名}}', '你好', ' ', '：'), { maxLength: 5 })
  .map((parts) => parts.join(''))
const nonEmptyText = text.filter((s) => s.length > 0)

const recipients = fc.record({
  owner: fc.boolean(), manager: fc.boolean(), users: fc.array(fc.nat({ max: 50 }).map((n) => n + 1), { maxLength: 2 }), roles: fc.array(fc.constant(2), { maxLength: 1 }),
  roleKeys: fc.array(fc.constantFrom('finance', 'sales_manager'), { maxLength: 2 }), fields: fc.array(fc.constantFrom('rep', 'owner'), { maxLength: 2 }), emails: fc.array(fc.constant('a@b.cn'), { maxLength: 1 })
})
const assignment = fc.record({ field: fc.constantFrom('name', 'city', 'score', 'title'), value: fc.oneof(text, fc.integer(), fc.boolean(), fc.constant(null)), formula: fc.constantFrom('TODAY() + 1', '{score} + 5') }, { requiredKeys: ['field'] })
const action: fc.Arbitrary<RuleAction> = fc.oneof(
  fc.record({ type: fc.constant('update' as const), set: fc.array(assignment, { minLength: 1, maxLength: 3 }) }),
  fc.record({ type: fc.constant('create' as const), form: fc.constantFrom('task', 'followUp'), set: fc.array(assignment, { maxLength: 3 }), link: fc.constant('lead'), owner: fc.constantFrom('recordOwner' as const, 'none' as const) }, { requiredKeys: ['type', 'form', 'set', 'owner'] }),
  fc.record({ type: fc.constant('assign' as const), mode: fc.constantFrom('user' as const, 'roundRobin' as const, 'leastLoaded' as const, 'mapping' as const), userId: fc.constant(3), userIds: fc.array(fc.constant(4), { maxLength: 2 }), departmentId: fc.constant(1), mapField: fc.constant('city'), map: fc.array(fc.record({ value: fc.constantFrom('杭州', '上海'), userId: fc.constant(5) }), { maxLength: 2 }), fallbackUserId: fc.constant(6) }, { requiredKeys: ['type', 'mode', 'userIds', 'map'] }),
  fc.record({ type: fc.constant('pool' as const), op: fc.constantFrom('return' as const, 'claim' as const), userId: fc.constant(2) }, { requiredKeys: ['type', 'op'] }),
  fc.record({ type: fc.constant('startFlow' as const), flow: fc.oneof(fc.constant(3), fc.constant('discount')) }),
  fc.record({ type: fc.constantFrom('notify' as const, 'desktop' as const), to: recipients, title: nonEmptyText, body: text }),
  fc.record({ type: fc.constant('email' as const), to: recipients, subject: nonEmptyText, body: text }),
  fc.record({ type: fc.constant('webhook' as const), url: fc.constant('https://oapi.dingtalk.com/robot/send'), format: fc.constantFrom('json' as const, 'dingtalk' as const, 'wecom' as const), secret: fc.constant('SEC1'), text }, { requiredKeys: ['type', 'url', 'format', 'text'] }),
  fc.record({ type: fc.constant('score' as const), field: fc.constant('score'), delta: fc.integer({ min: -100, max: 100 }), via: fc.constant('lead') }, { requiredKeys: ['type', 'field', 'delta'] })
)
const trigger = fc.oneof(
  fc.constant({ type: 'created' as const }),
  fc.constant({ type: 'deleted' as const }),
  fc.record({ type: fc.constant('updated' as const), fields: fc.array(fc.constantFrom('name', 'source', 'owner'), { maxLength: 2 }), from: fc.constantFrom('expo', 3), to: fc.constantFrom('expo', '1') }, { requiredKeys: ['type'] }),
  fc.record({ type: fc.constant('flowFinished' as const), outcome: fc.constantFrom('approved' as const, 'rejected' as const, 'any' as const) }),
  fc.record({ type: fc.constant('schedule' as const), every: fc.constantFrom('day' as const, 'week' as const, 'month' as const), time: fc.constantFrom('09:00', '23:59'), weekday: fc.integer({ min: 1, max: 7 }), monthday: fc.integer({ min: 1, max: 31 }) }, { requiredKeys: ['type', 'every', 'time'] }),
  fc.record({ type: fc.constant('dateRelative' as const), field: fc.constantFrom('due', 'plan.dueDate'), amount: fc.integer({ min: 0, max: 30 }), unit: fc.constantFrom('day' as const, 'hour' as const), direction: fc.constantFrom('before' as const, 'after' as const), time: fc.constant('09:00') }, { requiredKeys: ['type', 'field', 'amount', 'unit', 'direction'] }),
  fc.record({ type: fc.constant('inactivity' as const), days: fc.integer({ min: 1, max: 90 }), activityForm: fc.constant('followUp'), activityField: fc.constant('lead') }, { requiredKeys: ['type', 'days', 'activityForm'] })
)
const rule: fc.Arbitrary<RuleDto> = fc
  .record({
    name: fc.string({ minLength: 1, maxLength: 10 }),
    enabled: fc.boolean(),
    trigger,
    condition: fc.record({ filter, formula: fc.constantFrom('', ' ', '{score} > 3', ' {score} > 3 ') }, { requiredKeys: [] }),
    actions: fc.array(action, { minLength: 1, maxLength: 4 }),
    rateLimit: fc.option(fc.integer({ min: 1, max: 100 }), { nil: null }),
    description: fc.option(fc.string({ maxLength: 10 }), { nil: null })
  })
  .map((r) => json({ id: 1, formId: 1, formKey: 'lead', formLabel: '线索', source: null, createdAt: 0, updatedAt: 0, lastRunAt: null, ...r }) as RuleDto)

describe('rule editor round trip: generated rules', () => {
  it('the generators make definitions the contract accepts', () => {
    fc.assert(
      fc.property(rule, (r) => {
        expect(ruleTrigger.safeParse(r.trigger).success).toBe(true)
        expect(ruleCondition.safeParse(r.condition).success).toBe(true)
        for (const a of r.actions) expect(ruleAction.safeParse(a).success, JSON.stringify(a)).toBe(true)
      }),
      { numRuns: 200 }
    )
  })

  it('open + save without a change gives the identical definition', () => {
    fc.assert(
      fc.property(rule, (r) => {
        expect(fromDraft(toDraft(r, FORM, FIELDS))).toStrictEqual(ruleDefinition(r))
      }),
      { numRuns: 500 }
    )
  })

  it('any stored filter comes back identical, whatever the builder can show of it', () => {
    fc.assert(
      fc.property(filter, (node) => {
        expect(fromFilterModel(toFilterModel(node, FIELDS))).toStrictEqual(node)
      }),
      { numRuns: 1000 }
    )
  })

  it('what the builder cannot show is kept aside verbatim, the rest is editable', () => {
    const node: FilterNode = {
      and: [
        { field: 'owner', op: 'empty' },
        { field: 'unknownField', op: 'eq', value: 1 },
        { or: [{ field: 'city', op: 'eq', value: '杭州' }, { and: [{ field: 'score', op: 'gt', value: 3 }, { field: 'vip', op: 'eq', value: true }] }] },
        { or: [{ field: 'city', op: 'eq', value: '上海' }, { field: 'createdAt', op: 'thisMonth' }] }
      ]
    }
    const model = toFilterModel(node, FIELDS)
    expect(model.state.conditions.map((c) => c.field)).toEqual(['owner'])
    expect(model.state.groups?.map((g) => g.conditions.map((c) => c.field))).toEqual([['city', 'createdAt']])
    expect(model.kept.map((k) => k.node)).toEqual([node.and[1], node.and[2]])
    // Removing the editable condition keeps the rest, in place.
    const edited = { ...model, state: { ...model.state, conditions: [] } }
    expect(fromFilterModel(edited)).toStrictEqual({ and: [node.and[1], node.and[2], node.and[3]] })
  })

  it('an edited text is saved as typed; an unchanged one as stored', () => {
    const r = fc.sample(rule, { numRuns: 1, seed: 7 })[0]!
    const stored: RuleDto = { ...r, actions: [{ type: 'notify', to: { owner: true, manager: false, users: [], roles: [], roleKeys: [], fields: [], emails: [] }, title: '新线索：{{name}}', body: '{{city}}' }] }
    const draft = toDraft(stored, FORM, FIELDS)
    expect(draft.actions[0]).toMatchObject({ title: '新线索：{{姓名}}', body: '{{城市}}' })
    const edited = { ...draft, actions: [{ ...draft.actions[0]!, title: '新线索：{{姓名}}！' } as RuleAction] }
    expect(fromDraft(edited).actions[0]).toMatchObject({ title: '新线索：{{姓名}}！', body: '{{city}}' })
  })
})

// Every filter a shipped definition holds (flow branches, widget and measure filters, field
// conditions, view filters): the filter builder shows it and writes it back identical.
function filtersIn(value: unknown, out: FilterNode[] = []): FilterNode[] {
  if (Array.isArray(value)) for (const v of value) filtersIn(v, out)
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (['filter', 'visibleWhen', 'requiredWhen', 'requiredOnEnter', 'scopeFilter'].includes(k) && v && typeof v === 'object') out.push(v as FilterNode)
      else filtersIn(v, out)
    }
  }
  return out
}

describe('filter builder round trip: the shipped CRM definitions', () => {
  it('shows every shipped filter (nothing kept aside) and gives it back identical', async () => {
    const { readFileSync } = await import('node:fs')
    const env = await testCore()
    try {
      installApp(env.core, env.actor, bundledApp('crm').pkg, { locale: 'zh-CN' })
      const forms = json(env.core.schema.formIds().map((id) => env.core.schema.toDto(env.core.schema.form(id), new Set())))
      const fields = forms.flatMap((f) => conditionFields(f, label))
      const found = ['flows', 'dashboards', 'forms', 'rules'].flatMap((name) => filtersIn(JSON.parse(readFileSync(`resources/apps/crm/${name}.json`, 'utf8'))))
      expect(found.length).toBeGreaterThan(5)
      for (const node of found) {
        const model = toFilterModel(node, fields)
        expect(fromFilterModel(model), JSON.stringify(node)).toStrictEqual(node)
        expect(model.kept, JSON.stringify(node)).toEqual([])
      }
    } finally {
      env.close()
    }
  })
})

describe('designer condition builder round trip (显示条件 / 必填条件)', () => {
  it('any stored condition comes back identical; parts it cannot show are kept in place', async () => {
    const { fromConditionModel, toConditionModel } = await import('../../../src-renderer/src/components/designer/condition-model')
    const known = new Set(['name', 'city', 'source', 'score'])
    fc.assert(
      fc.property(filter, (node) => {
        expect(fromConditionModel(toConditionModel(node, known))).toStrictEqual(node)
      }),
      { numRuns: 1000 }
    )
    const model = toConditionModel({ or: [{ field: 'owner', op: 'empty' }, { field: 'city', op: 'eq', value: '杭州' }, { and: [{ field: 'name', op: 'notEmpty' }] }] }, known)
    expect(model.parts.map((p) => p.kind)).toEqual(['kept', 'rule', 'kept'])
  })
})
