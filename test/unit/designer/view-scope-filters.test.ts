import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import fc from 'fast-check'
import type { FieldDto, FilterNode, PermissionDto } from '@shared/api/contracts'
import { DATA_SCOPES, RECORD_ACTIONS } from '@shared/api/contracts'
import { FILTER_OPERATORS } from '@shared/field-types'
import { toDraft, toPermission } from '../../../src-renderer/src/components/admin/permission-draft'
import { fromFilterModel, toFilterModel } from '../../../src-renderer/src/components/designer/filter-model'
import { fromFilterNode, toFilterNode } from '../../../src-renderer/src/components/records/filter'
import { conditionFields } from '../../../src-renderer/src/components/rules/model'
import { bundledApp } from '../../../src-main/apps/bundled'
import { installApp } from '../../../src-main/apps/installer'
import { testCore } from '../../support/core'

// Round-trip fidelity of the two filter editors outside the designers: a view's filter on the form
// page (筛选, saved into the view) and a role's custom data scope (角色权限 → 自定义). Both used to
// go through fromFilterNode/toFilterNode, which flattens what the builder cannot show (a group
// inside a group, a condition on a field it does not offer) — one harmless save changed the
// filter. Both now edit through the designers' filter model: what the builder cannot show is
// listed read-only and written back verbatim.

const json = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T
let env: Awaited<ReturnType<typeof testCore>>
let fieldsOf: (form: string) => FieldDto[]

beforeAll(async () => {
  env = await testCore()
  installApp(env.core, env.actor, bundledApp('crm').pkg, { locale: 'zh-CN' })
  fieldsOf = (form) => conditionFields(json(env.core.schema.toDto(env.core.schema.form(form), new Set())), (k) => k)
}, 60_000)
afterAll(() => env?.close())

/** A filter the builder can show only in part: a group nested two deep, and a field it does not offer. */
const DEEP: FilterNode = {
  and: [
    { field: 'stage', op: 'in', value: ['s1', 's2'] },
    { or: [{ field: 'amount', op: 'gt', value: 100000 }, { and: [{ field: 'owner', op: 'isMe' }, { field: 'closeDate', op: 'thisMonth' }] }] },
    { field: 'noSuchField', op: 'eq', value: 1 }
  ]
}

const KEYS = ['name', 'stage', 'amount', 'closeDate', 'customer', 'owner', 'createdAt', 'id', 'noSuchField', 'lines.qty']
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

describe('a view’s filter on the form page', () => {
  it('every shipped view’s filter comes back identical through the builder', () => {
    let n = 0
    for (const form of ['lead', 'customer', 'opportunity', 'contract', 'task']) {
      for (const view of env.core.views.list(env.actor, form)) {
        const stored = (view.config as { filter?: FilterNode | null }).filter
        if (!stored) continue
        n++
        expect(fromFilterModel(toFilterModel(stored, fieldsOf(form))), `${form}: ${view.name}`).toStrictEqual(stored)
      }
    }
    expect(n).toBeGreaterThan(0)
  })

  it('keeps what the builder cannot show; the old conversion lost it', () => {
    const fields = fieldsOf('opportunity')
    expect(fromFilterModel(toFilterModel(DEEP, fields))).toStrictEqual(DEEP)
    // The conversion the form page used before: the nested group and the unknown field are gone.
    expect(toFilterNode(fromFilterNode(DEEP), fields)).not.toStrictEqual(DEEP)
  })

  it('any stored filter comes back identical', () => {
    const fields = fieldsOf('opportunity')
    fc.assert(fc.property(filter, (node) => void expect(fromFilterModel(toFilterModel(node, fields))).toStrictEqual(node)), { numRuns: 500 })
  })
})

describe('a role’s custom data scope (角色权限)', () => {
  const permission = fc.record({
    actions: fc.subarray([...RECORD_ACTIONS]),
    scope: fc.constantFrom(...DATA_SCOPES),
    scopeFilter: fc.option(filter, { nil: null }),
    fieldRules: fc.dictionary(fc.integer({ min: 1, max: 99 }).map(String), fc.constantFrom('hidden' as const, 'readonly' as const), { maxKeys: 3 })
  })

  it('open + save without a change gives the identical permission', () => {
    const fields = fieldsOf('opportunity')
    fc.assert(
      fc.property(permission, (p) => {
        const stored = json({ ...p, scopeFilter: p.scope === 'custom' ? (p.scopeFilter ?? DEEP) : null }) as Omit<PermissionDto, 'formId'>
        const back = toPermission(toDraft(stored, fields))
        expect(back.scopeFilter).toStrictEqual(stored.scopeFilter)
        expect(back.scope).toBe(stored.scope)
        expect(new Set(back.actions)).toEqual(new Set(stored.actions))
        expect(back.fieldRules).toEqual(stored.fieldRules)
      }),
      { numRuns: 500 }
    )
  })

  it('an edit keeps the parts the builder cannot show, in place', () => {
    const draft = toDraft({ actions: ['view'], scope: 'custom', scopeFilter: DEEP, fieldRules: {} }, fieldsOf('opportunity'))
    expect(draft.filter.state.conditions.map((c) => c.field)).toEqual(['stage'])
    expect(draft.filter.kept.map((k) => k.node)).toEqual([(DEEP as { and: FilterNode[] }).and[1], (DEEP as { and: FilterNode[] }).and[2]])
    const edited = { ...draft, filter: { ...draft.filter, state: { ...draft.filter.state, conditions: [{ ...draft.filter.state.conditions[0]!, value: ['s3'] }] } } }
    const and = (DEEP as { and: FilterNode[] }).and
    expect(toPermission(edited).scopeFilter).toStrictEqual({ and: [{ field: 'stage', op: 'in', value: ['s3'] }, and[1], and[2]] })
  })
})
