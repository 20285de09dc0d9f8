import { afterEach, describe, expect, it } from 'vitest'
import { DAY, rulesCore } from './support'

type Env = Awaited<ReturnType<typeof rulesCore>>

describe('rule actions', () => {
  let env: Env
  afterEach(() => env?.close())

  const get = (form: string, id: number) => env.core.reads.get(env.actor, form, id)

  it('update fields with values and formulas, written through the pipeline as the rule', async () => {
    env = await rulesCore()
    env.rule({
      name: '赢单收尾', trigger: { type: 'updated', fields: ['stage'], to: 'won' },
      actions: [{ type: 'update', set: [{ field: 'nextStep', value: '签合同：{{商机名称}}' }, { field: 'closeDate', formula: 'TODAY()' }, { field: 'important', value: true }] }]
    })
    const id = env.core.writes.create(env.actor, 'opportunity', { name: '美的', stage: '初步接洽' })
    env.core.writes.update(env.actor, 'opportunity', id, { stage: '赢单' })
    expect(get('opportunity', id).fields).toMatchObject({ nextStep: '签合同：美的', closeDate: '2024-03-05', important: true })
    const history = env.core.db.prepare("SELECT actor_id, detail FROM change_log WHERE form_id = ? AND record_id = ? AND op = 'update' ORDER BY id").all(env.opp.id, id) as Array<{ actor_id: number | null; detail: string | null }>
    expect(history.map((h) => h.actor_id)).toEqual([env.actor.id, null])
    expect(JSON.parse(history[1]!.detail!)).toEqual({ origin: 'rule', rule: { id: 1, name: '赢单收尾' } })
    const runs = env.core.rules.runs(1)
    expect(runs[0]).toMatchObject({ trigger: 'record.updated', matched: 1, actions: 1, errors: [], records: [id] })
  })

  it('create a linked to-do owned by the record owner', async () => {
    env = await rulesCore()
    const rep = await env.user('小张')
    env.rule({
      name: '重要商机待办', trigger: { type: 'created' }, condition: { filter: { field: 'important', op: 'eq', value: true } },
      actions: [{ type: 'create', form: 'task', link: 'opportunity', set: [{ field: 'title', value: '跟进 {{商机名称}}' }, { field: 'dueDate', formula: 'TODAY() + 3' }] }]
    })
    const id = env.core.writes.create(env.actor, 'opportunity', { name: '格力', important: true, owner: rep })
    const tasks = env.core.reads.list(env.actor, { form: 'task', limit: 10 }).records
    expect(tasks).toHaveLength(1)
    expect(tasks[0]!.fields).toMatchObject({ title: '跟进 格力', dueDate: '2024-03-08', opportunity: { id } })
    expect(tasks[0]!.owner?.id).toBe(rep)
  })

  it('assign owner: fixed, round-robin, least-loaded, city mapping with fallback', async () => {
    env = await rulesCore()
    const [a, b, c] = [await env.user('甲'), await env.user('乙'), await env.user('丙')]
    env.rule({ name: '固定', form: 'lead', trigger: { type: 'created' }, condition: { filter: { field: 'name', op: 'eq', value: 'fixed' } }, actions: [{ type: 'assign', mode: 'user', userId: c }] })
    env.rule({ name: '轮流', form: 'lead', trigger: { type: 'created' }, condition: { filter: { field: 'name', op: 'eq', value: 'rr' } }, actions: [{ type: 'assign', mode: 'roundRobin', userIds: [a, b] }] })
    env.rule({
      name: '按城市', form: 'lead', trigger: { type: 'created' }, condition: { filter: { field: 'name', op: 'eq', value: 'city' } },
      actions: [{ type: 'assign', mode: 'mapping', mapField: 'city', map: [{ value: '上海', userId: a }, { value: '广州', userId: b }], fallbackUserId: c }]
    })
    const mk = (name: string, city = '') => env.core.writes.create(env.actor, 'lead', { name, city })
    const owner = (id: number) => get('lead', id).owner?.id
    expect(owner(mk('fixed'))).toBe(c)
    expect([owner(mk('rr')), owner(mk('rr')), owner(mk('rr'))]).toEqual([a, b, a])
    expect([owner(mk('city', '广州')), owner(mk('city', '上海')), owner(mk('city', '成都'))]).toEqual([b, a, c])
    // a: 3 leads (2 rr + 上海), b: 2, c: 2 → least-loaded among a, b, c picks b (fewest, lowest id first among ties with c? b < c).
    env.rule({ name: '最少', form: 'lead', trigger: { type: 'created' }, condition: { filter: { field: 'name', op: 'eq', value: 'least' } }, actions: [{ type: 'assign', mode: 'leastLoaded', userIds: [a, b, c] }] })
    const first = owner(mk('least'))
    expect(first).toBe(b)
    expect(owner(mk('least'))).toBe(c)
  })

  it('return to and claim from the public pool; lead score change', async () => {
    env = await rulesCore()
    const rep = await env.user('小王')
    env.rule({ name: '30天退回公海', form: 'lead', trigger: { type: 'inactivity', days: 30, activityForm: 'followUp', activityField: undefined }, actions: [{ type: 'pool', op: 'return' }] })
    env.rule({ name: '官网加分', form: 'lead', trigger: { type: 'created' }, condition: { filter: { field: 'source', op: 'eq', value: 'website' } }, actions: [{ type: 'score', field: 'score', delta: 10 }, { type: 'score', field: 'score', delta: 5 }] })
    env.rule({ name: '展会领取', form: 'lead', trigger: { type: 'updated', fields: ['source'], to: 'expo' }, actions: [{ type: 'pool', op: 'claim', userId: rep }] })
    const id = env.core.writes.create(env.actor, 'lead', { name: '赵', source: '官网', owner: rep })
    expect(get('lead', id).fields['score']).toBe(15)
    env.clock.advance(31 * DAY)
    await env.core.scheduler.tick()
    expect(get('lead', id).owner).toBeNull()
    env.core.writes.update(env.actor, 'lead', id, { source: '展会' })
    expect(get('lead', id).owner?.id).toBe(rep)
  }, 20_000)

  it('cascade A → B → A stops with a logged error', async () => {
    env = await rulesCore()
    env.rule({ name: 'A', trigger: { type: 'updated', fields: ['amount'] }, actions: [{ type: 'update', set: [{ field: 'nextStep', formula: '"A" & {金额}' }] }] })
    env.rule({ name: 'B', trigger: { type: 'updated', fields: ['nextStep'] }, actions: [{ type: 'update', set: [{ field: 'amount', formula: '{金额} + 1' }] }] })
    const errors: unknown[] = []
    env.core.scheduler.onError = (_w, e) => void errors.push(e)
    const id = env.core.writes.create(env.actor, 'opportunity', { name: 'loop' })
    env.core.writes.update(env.actor, 'opportunity', id, { amount: 1 })
    // A set nextStep, B bumped the amount once, A was stopped there.
    expect(get('opportunity', id).fields).toMatchObject({ amount: 2, nextStep: 'A1' })
    const runsA = env.core.rules.runs(1)
    expect(runsA.some((r) => r.errors.some((e) => e.includes('cascade stopped: A → B → A')))).toBe(true)
    expect(errors.length).toBeGreaterThan(0)
  })

  it('rate limit per rule: at most N firings an hour', async () => {
    env = await rulesCore()
    env.core.scheduler.onError = () => undefined
    env.rule({ name: '限流', trigger: { type: 'created' }, rateLimit: 2, actions: [{ type: 'notify', to: { owner: true }, title: 'x', body: '' }] })
    for (let i = 0; i < 4; i++) env.core.writes.create(env.actor, 'opportunity', { name: `r${i}` })
    expect(env.core.notifications.unread(env.actor.id)).toBe(2)
    expect(env.core.rules.runs(1)[0]!.errors[0]).toMatch(/rate limit/)
    env.clock.advance(2 * 3600_000)
    env.core.writes.create(env.actor, 'opportunity', { name: 'later' })
    expect(env.core.notifications.unread(env.actor.id)).toBe(3)
  })

  it('desktop notifications wait for the desktop shell and are handed over once', async () => {
    env = await rulesCore()
    env.rule({ name: '桌面', trigger: { type: 'created' }, actions: [{ type: 'desktop', to: { owner: true }, title: '新商机 {{商机名称}}', body: '' }] })
    env.core.writes.create(env.actor, 'opportunity', { name: 'X' })
    expect(env.core.notifications.takeDesktop().map((n) => n.title)).toEqual(['新商机 X'])
    expect(env.core.notifications.takeDesktop()).toEqual([])
    expect(env.core.notifications.unread(env.actor.id)).toBe(1)
  })

  it('refuses a rule whose fields do not exist, naming the field', async () => {
    env = await rulesCore()
    expect(() => env.rule({ name: '坏', trigger: { type: 'dateRelative', field: 'name', amount: 1, unit: 'day', direction: 'before' }, actions: [{ type: 'score', delta: 1 }] })).toThrow(/notDateField/)
    expect(() => env.rule({ name: '坏', trigger: { type: 'created' }, actions: [{ type: 'update', set: [{ field: 'nope', value: 1 }] }] })).toThrow(/unknownField/)
    expect(env.core.rules.list()).toEqual([])
  })
})
