import { afterAll, beforeAll, expect, it } from 'vitest'
import type { Actor } from '../../../src-main/access/actor'
import { toActor } from '../../../src-main/access/auth'
import { handlers } from '../../../src-main/api/handlers'
import type { CoreHost } from '../../../src-main/api/host'
import { bundledApp } from '../../../src-main/apps/bundled'
import { snippet } from '../../../src-main/records/global-search'
import type { MethodOutput } from '../../../src-main/shared/api/contracts'
import { testCore } from '../../support/core'

// Ctrl+K on the shipped sales app: 「明达」 used to list 18 leads (matched by their company) before
// the customer and leave out the matching deal (20 results in all). Now: groups by form, title
// matches first and customers before forms nothing links to, a "more" per group, and the text
// that matched — from fields the caller may read only.

type T = Awaited<ReturnType<typeof testCore>>
type Groups = MethodOutput<'search.global'>
let t: T
let host: CoreHost
let custom: Actor
const ids: Record<string, number> = {}

const search = (actor: Actor, input: { q: string; limit?: number; form?: string; offset?: number }) =>
  handlers['search.global']({ limit: 5, offset: 0, ...input }, { host, actor, token: null, locale: 'zh-CN' }) as Groups

beforeAll(async () => {
  t = await testCore()
  host = { core: t.core } as unknown as CoreHost
  const { core, actor: admin } = t
  core.crm.install(admin, bundledApp('crm').pkg, 'zh-CN')
  for (let i = 0; i < 18; i++) core.writes.create(admin, 'lead', { name: `联系人${i}`, company: `杭州明达机械制造有限公司第${i}分厂` })
  ids.customer = core.writes.create(admin, 'customer', { name: '杭州明达科技有限公司' })
  ids.deal = core.writes.create(admin, 'opportunity', { name: '明达科技 ERP 二期', customer: ids.customer })
  const org = core.org
  const role = org.createRole(admin.id, { name: '线索专员' })
  const lead = core.schema.form('lead')
  org.setPermission(admin.id, role.id, { formId: lead.id, actions: ['view'], scope: 'all', fieldRules: { [String(lead.byKey.get('company')!.id)]: 'hidden' } })
  org.setPermission(admin.id, role.id, { formId: core.schema.form('customer').id, actions: ['view'], scope: 'all', fieldRules: {} })
  custom = toActor(core.auth.user(await org.createUser(admin.id, { name: '钱专员', login: 'qianzy', password: 'secret123', roleIds: [role.id] }))!)
}, 120_000)

afterAll(() => t?.close())

it('「明达」: the customer first, then the deal, then leads matched by their company — each group with "more"', () => {
  const groups = search(t.actor, { q: '明达' })
  expect(groups.map((g) => g.formLabel)).toEqual(['客户', '商机', '线索'])
  expect(groups[0]!.hits.map((h) => h.recordId)).toEqual([ids.customer])
  expect(groups[1]!.hits.map((h) => h.title)).toEqual(['明达科技 ERP 二期'])
  // A title match needs no snippet: the title is the matched text.
  expect(groups[0]!.hits[0]!.match).toBeNull()
  const leads = groups[2]!
  expect(leads.hits).toHaveLength(5)
  expect(leads.more).toBe(true)
  const m = leads.hits[0]!.match!
  expect(m.field).toBe('company')
  expect(m.label).toBe('公司名称')
  expect(m.text.slice(m.start, m.start + m.length)).toBe('明达')
})

it('"more" reads the next hits of one form, to the end', () => {
  const seen = new Set<number>()
  let offset = 0
  for (;;) {
    const [group] = search(t.actor, { q: '明达', form: 'lead', offset })
    for (const h of group!.hits) seen.add(h.recordId)
    offset += group!.hits.length
    if (!group!.more) break
  }
  expect(seen.size).toBe(18)
})

it('a title equal to the query ranks before one that only contains it', () => {
  const exact = t.core.writes.create(t.actor, 'customer', { name: '明达' })
  try {
    expect(search(t.actor, { q: '明达' })[0]!.hits[0]!.recordId).toBe(exact)
  } finally {
    t.core.writes.delete(t.actor, 'customer', [exact])
  }
})

it('a field hidden from the caller is neither searched nor shown', () => {
  const groups = search(custom, { q: '明达' })
  // The leads match only in 公司名称, hidden from this role: no lead group at all.
  expect(groups.map((g) => g.formLabel)).toEqual(['客户'])
  expect(search(custom, { q: '机械制造' })).toEqual([])
  // No form the caller may not view answers, even asked by name.
  expect(() => search(custom, { q: '明达', form: 'opportunity' })).toThrow()
})

it('snippets cut long text around the match, with ellipses', () => {
  const s = snippet(`${'前'.repeat(30)}明达${'后'.repeat(60)}`, '明达')!
  expect(s.text.startsWith('…')).toBe(true)
  expect(s.text.endsWith('…')).toBe(true)
  expect(s.text.slice(s.start, s.start + s.length)).toBe('明达')
  expect(snippet('Minda Tech', 'minda')).toEqual({ text: 'Minda Tech', start: 0, length: 5 })
  expect(snippet('无关', '明达')).toBeNull()
})
