import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { rulesCore } from './support'

// Rule messages are rendered for whoever reads them: a field hidden from a recipient (or a
// formula computed from it) is "—", never its value; nobody is notified about a record they may
// not view; webhooks and mail to outside addresses carry what the rule's author may read.

type Env = Awaited<ReturnType<typeof rulesCore>>
let env: Env
const closers: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const c of closers.splice(0)) await c()
  env?.close()
})

async function setup() {
  env = await rulesCore()
  const { core, actor, opp } = env
  // A formula over 金额: hidden with it (the computed-field rule of the access layer).
  core.schema.addField(opp.id, { label: '含税金额', apiKey: 'gross', type: 'formula', config: { expression: '{金额}*2' } })
  const model = core.schema.form(opp.id)
  const roles = core.org.roles()
  const repRole = roles.find((r) => r.key === 'sales_rep')!.id
  const finance = core.org.createRole(actor.id, { name: '看不到金额的角色' })
  core.org.setPermission(actor.id, repRole, { formId: opp.id, actions: ['view', 'create', 'edit'], scope: 'own', scopeFilter: null, fieldRules: {} })
  core.org.setPermission(actor.id, finance.id, { formId: opp.id, actions: ['view'], scope: 'all', scopeFilter: null, fieldRules: { [model.byKey.get('amount')!.id]: 'hidden' } })
  const rep = await env.user('小李')
  const other = await env.user('小王')
  const viewer = await env.user('小赵')
  core.org.updateUser(actor.id, rep, { roleIds: [repRole] })
  core.org.updateUser(actor.id, other, { roleIds: [repRole] })
  core.org.updateUser(actor.id, viewer, { roleIds: [finance.id] })
  return { rep, other, viewer }
}

describe('rule messages per reader', () => {
  it('in-app: hidden and derived fields read —, and a user who may not view the record gets nothing', async () => {
    const { rep, other, viewer } = await setup()
    env.rule({
      name: '大单提醒', trigger: { type: 'created' },
      actions: [{ type: 'notify', to: { owner: true, users: [other, viewer] }, title: '新商机 {{标题}}', body: '金额 {{金额}}，含税 {{gross}}，负责人 {{负责人}}' }]
    })
    env.core.writes.create(env.actor, 'opportunity', { name: '海信', amount: 800, owner: rep })
    await env.core.scheduler.tick()
    const got = (u: number) => env.core.notifications.list(u).items.map((n) => `${n.title}|${n.body}`)
    expect(got(rep)).toEqual(['新商机 海信|金额 ¥800.00，含税 1,600，负责人 小李'])
    expect(got(viewer)).toEqual(['新商机 海信|金额 —，含税 —，负责人 小李'])
    expect(got(other)).toEqual([])
  })

  it('a webhook carries only what the rule’s author may read', async () => {
    await setup()
    const received: unknown[] = []
    const server: Server = createServer((req, res) => {
      let data = ''
      req.on('data', (c: Buffer) => (data += c.toString('utf8')))
      req.on('end', () => {
        received.push(JSON.parse(data))
        res.writeHead(200, { 'content-type': 'application/json' })
        res.end('{}')
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())))
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`
    const { core, actor } = env
    // The rule's author is an administrator who was later given a role that hides 金额.
    const author = await env.user('前管理员')
    const financeRole = core.org.roles().find((r) => r.name === '看不到金额的角色')!.id
    core.org.updateUser(actor.id, author, { roleIds: [financeRole] })
    core.rules.create({ enabled: true, form: 'opportunity', name: '推送', trigger: { type: 'created' }, actions: [{ type: 'webhook', url, format: 'json', text: '{{标题}} {{金额}}' }] }, author)
    core.rules.create({ enabled: true, form: 'opportunity', name: '管理员推送', trigger: { type: 'created' }, actions: [{ type: 'webhook', url, format: 'json' }] }, actor.id)
    core.writes.create(actor, 'opportunity', { name: '海信', amount: 800 })
    await core.scheduler.tick()
    const byRule = (name: string) => received.find((r) => (r as { rule: { name: string } }).rule.name === name) as { record: { title: string; fields: Record<string, unknown> } }
    expect(byRule('推送').record.title).toBe('海信')
    expect(byRule('推送').record.fields).not.toHaveProperty('amount')
    expect(byRule('推送').record.fields).not.toHaveProperty('gross')
    expect(byRule('管理员推送').record.fields).toMatchObject({ amount: 800, gross: 1600 })
  })
})
