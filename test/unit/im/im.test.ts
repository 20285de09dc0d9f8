import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { CoreHost } from '../../../src-main/api/host'
import { Dispatcher } from '../../../src-main/api/dispatcher'
import { ManualClock } from '../../../src-main/clock'
import { IM_NOTICE_JOB } from '../../../src-main/im/service'
import { TEST_PASSWORD_COST, caught, rejected } from '../../support/core'
import { imServer } from '../../support/im-server'
import { flowEnv, single, type Env } from '../flows/helpers'

// DingTalk / WeCom work notices and contact import, against a loopback server speaking the
// documented endpoints (test/support/im-server.ts).

const PUBLIC = 'https://jimu.local:8443'
const cleanups: Array<() => unknown> = []
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!()
})

async function setup() {
  const env = await flowEnv()
  const server = await imServer({ users: [{ userid: 'u-legal', name: '赵法务', dept: [1] }, { userid: 'u-rep', name: '张三', dept: [1] }] })
  cleanups.push(() => env.close(), () => server.close())
  return { env, server }
}

function configure(env: Env, base: string, which: Array<'dingtalk' | 'wecom'> = ['dingtalk']) {
  env.core.im.update(env.admin.id, {
    publicUrl: PUBLIC,
    ...(which.includes('dingtalk') ? { dingtalk: { enabled: true, baseUrl: base, key: 'dingkey', secret: 'dingsecret-1234', agentId: '2001' } } : {}),
    ...(which.includes('wecom') ? { wecom: { enabled: true, baseUrl: base, key: 'ww-corp', secret: 'wecomsecret-5678', agentId: '1000002' } } : {})
  })
}

const jobs = (env: Env) => env.core.scheduler.list({ kind: IM_NOTICE_JOB })

describe('work notices', () => {
  it('a flow approval task sends exactly one DingTalk work notice to the bound approver, linking to the record', async () => {
    const { env, server } = await setup()
    configure(env, server.base)
    env.core.im.bind(env.admin.id, env.users.legal, 'dingtalk', 'u-legal')
    const flowId = env.publish(single({ approvers: [{ type: 'users', ids: [env.users.legal] }] }))
    const recordId = env.contract(env.users.rep, { amount: 100 })
    env.core.flows.start(env.as(env.users.rep), { flowId, recordId })
    await env.core.scheduler.tick()
    expect(server.state.sent).toHaveLength(1)
    const notice = server.state.sent[0]!
    expect(notice).toMatchObject({ provider: 'dingtalk', to: ['u-legal'], agentId: 2001 })
    const msg = notice.body.msg as { msgtype: string; action_card: { title: string; single_url: string; single_title: string } }
    expect(msg.msgtype).toBe('action_card')
    expect(msg.action_card.single_url).toBe(`${PUBLIC}/#/forms/${env.formId}/records/${recordId}`)
    expect(msg.action_card.single_title).toBe('查看记录')
    expect(msg.action_card.title).toBe('待审批：合同')
    // The same notice is in the approver's bell; nobody unbound (the submitter) got a work notice.
    expect(env.core.notifications.list(env.users.legal).items).toHaveLength(1)
    await env.core.scheduler.tick()
    expect(server.state.sent).toHaveLength(1)
    expect(jobs(env).map((j) => j.status)).toEqual(['done'])
  })

  it('WeCom gets a textcard application message; a user unknown to WeCom is an error, not a silent success', async () => {
    const { env, server } = await setup()
    configure(env, server.base, ['wecom'])
    env.core.im.bind(env.admin.id, env.users.legal, 'wecom', 'u-legal')
    env.core.im.bind(env.admin.id, env.users.director, 'wecom', 'u-nobody')
    env.core.notifications.add({ userId: env.users.legal, title: '新任务：回访客户', body: '明天之前', formId: env.formId, recordId: 7 })
    env.core.notifications.add({ userId: env.users.director, title: '提醒', body: '' })
    await env.core.scheduler.tick()
    expect(server.state.sent[0]).toMatchObject({ provider: 'wecom', to: ['u-legal'], agentId: 1000002 })
    expect(server.state.sent[0]!.body.textcard).toEqual({ title: '新任务：回访客户', description: '明天之前', url: `${PUBLIC}/#/forms/${env.formId}/records/7`, btntxt: '查看记录' })
    const failed = jobs(env).find((j) => j.status !== 'done')!
    expect(failed.status).toBe('pending')
    expect(failed.lastError).toContain('u-nobody')
  })

  it('caches the access token until it expires, and refreshes it once when the server says it expired (42001)', async () => {
    const { env, server } = await setup()
    configure(env, server.base)
    env.core.im.bind(env.admin.id, env.users.legal, 'dingtalk', 'u-legal')
    const send = async () => {
      env.core.notifications.add({ userId: env.users.legal, title: '提醒', body: '跟进' })
      await env.core.scheduler.tick()
    }
    await send()
    await send()
    await send()
    expect(server.state.sent).toHaveLength(3)
    expect(server.state.tokensIssued.dingtalk).toBe(1)
    // Past its 7200 s life (less the margin), a new token is fetched before the call.
    env.clock.advance(2 * 60 * 60 * 1000)
    await send()
    expect(server.state.tokensIssued.dingtalk).toBe(2)
    // The server expires it early: the call is answered 42001, the token refetched, the call repeated.
    server.expireTokens()
    await send()
    expect(server.state.tokensIssued.dingtalk).toBe(3)
    expect(server.state.sent).toHaveLength(5)
    expect(jobs(env).every((j) => j.status === 'done')).toBe(true)
  })

  it('offline, the notice waits in the queue and is retried with backoff until it is delivered', async () => {
    const { env, server } = await setup()
    configure(env, server.base)
    env.core.im.bind(env.admin.id, env.users.legal, 'dingtalk', 'u-legal')
    server.state.down = true
    env.core.notifications.add({ userId: env.users.legal, title: '审批提醒', body: '请处理', formId: env.formId, recordId: 3 })
    await env.core.scheduler.tick()
    let [job] = jobs(env)
    expect(job).toMatchObject({ status: 'pending', attempts: 1 })
    expect(job!.lastError).toMatch(/^Cannot reach 127\.0\.0\.1/)
    expect(job!.lastError).not.toContain('dingsecret')
    expect(env.core.im.settings().queue).toEqual({ pending: 1, failed: 0 })
    // Back online, but the retry is not due yet: nothing is sent before its time.
    server.state.down = false
    await env.core.scheduler.tick()
    expect(server.state.sent).toHaveLength(0)
    env.clock.advance(30_000)
    await env.core.scheduler.tick()
    ;[job] = jobs(env)
    expect(job).toMatchObject({ status: 'done', attempts: 2 })
    expect(server.state.sent).toHaveLength(1)
    expect(env.core.im.settings().queue).toEqual({ pending: 0, failed: 0 })
  })

  it('a non-zero errcode fails the attempt (retried later); an unbound or switched-off user gets no work notice', async () => {
    const { env, server } = await setup()
    configure(env, server.base)
    env.core.im.bind(env.admin.id, env.users.legal, 'dingtalk', 'u-legal')
    server.state.failNextSend = { errcode: -1, errmsg: '系统繁忙' }
    env.core.notifications.add({ userId: env.users.legal, title: '提醒', body: '' })
    env.core.notifications.add({ userId: env.users.rep, title: '提醒', body: '' })
    await env.core.scheduler.tick()
    expect(jobs(env)).toHaveLength(1)
    expect(jobs(env)[0]).toMatchObject({ status: 'pending', lastError: 'errcode -1: 系统繁忙' })
    env.clock.advance(30_000)
    await env.core.scheduler.tick()
    expect(server.state.sent).toHaveLength(1)
    env.core.im.update(env.admin.id, { dingtalk: { enabled: false } })
    env.core.notifications.add({ userId: env.users.legal, title: '提醒', body: '' })
    expect(jobs(env)).toHaveLength(1)
  })
})

describe('settings', () => {
  it('turning a provider on needs its credentials and the public address, named by field', async () => {
    const { env } = await setup()
    expect(caught(() => env.core.im.update(env.admin.id, { dingtalk: { enabled: true, key: 'k', secret: 's', agentId: '1' } }))).toMatchObject({ messageKey: 'im.error.publicUrlRequired', field: 'publicUrl' })
    expect(caught(() => env.core.im.update(env.admin.id, { publicUrl: PUBLIC, wecom: { enabled: true, key: 'k', agentId: '1' } }))).toMatchObject({ messageKey: 'im.error.secretRequired', field: 'wecom.secret' })
    expect(env.core.im.settings().wecom.enabled).toBe(false)
    expect(env.core.im.settings().publicUrl).toBe('')
  })

  it('the connection test fetches a token; a wrong secret says the errcode and never echoes the secret', async () => {
    const { env, server } = await setup()
    configure(env, server.base, ['dingtalk', 'wecom'])
    expect(await env.core.im.test('dingtalk')).toEqual({ ok: true, error: null })
    expect(await env.core.im.test('wecom')).toEqual({ ok: true, error: null })
    env.core.im.update(env.admin.id, { wecom: { secret: 'wrong-secret-9999' } })
    const bad = await env.core.im.test('wecom')
    expect(bad.ok).toBe(false)
    expect(bad.error).toContain('40001')
    expect(bad.error).not.toContain('wrong-secret')
    server.state.down = true
    expect((await env.core.im.test('dingtalk')).error).toMatch(/^Cannot reach/)
  })
})

describe('over the API', () => {
  it('secrets are never in an answer (masked to the last four), the audit keeps none, and only administrators may call', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'jimu-im-'))
    const host = await CoreHost.open({ dataDir, clock: new ManualClock(Date.UTC(2026, 0, 5)), passwordCost: TEST_PASSWORD_COST })
    cleanups.push(() => {
      host.close()
      rmSync(dataDir, { recursive: true, force: true })
    })
    const server = await imServer()
    cleanups.push(() => server.close())
    const rpc = new Dispatcher(host, () => {})
    const { user, token } = await host.core.auth.setup({ name: '管理员', login: 'admin', password: 'secret123' })
    await host.core.org.createUser(user.id, { name: '张三', login: 'zhang', password: 'secret123' })
    const rep = (await host.core.auth.login('zhang', 'secret123')).token
    const saved = await rpc.call('im.updateSettings', { publicUrl: PUBLIC, dingtalk: { enabled: true, baseUrl: server.base, key: 'dingkey', secret: 'dingsecret-1234', agentId: '2001' } }, { token })
    const read = await rpc.call('im.settings', {}, { token })
    for (const answer of [saved, read]) {
      expect(answer.ok).toBe(true)
      expect(JSON.stringify(answer)).not.toContain('dingsecret')
    }
    expect(read.ok && (read.data as { dingtalk: unknown }).dingtalk).toMatchObject({ secretSet: true, secretHint: '••••1234', key: 'dingkey', enabled: true })
    // An empty secret keeps the stored one.
    await rpc.call('im.updateSettings', { dingtalk: { secret: '', agentId: '2002' } }, { token })
    expect(await rpc.call('im.test', { provider: 'dingtalk' }, { token })).toMatchObject({ ok: true, data: { ok: true } })
    const audit = host.core.db.prepare("SELECT detail FROM change_log WHERE op LIKE 'im.%'").pluck().all() as string[]
    expect(audit.length).toBeGreaterThan(0)
    expect(audit.join('\n')).not.toContain('dingsecret')
    for (const [m, input] of [['im.settings', {}], ['im.test', { provider: 'dingtalk' }], ['im.bindings', {}], ['im.updateSettings', { publicUrl: 'http://evil' }]] as const) {
      const refused = await rpc.call(m, input, { token: rep })
      expect(refused.ok).toBe(false)
    }
    const badUrl = await rpc.call('im.updateSettings', { publicUrl: 'ftp://x' }, { token })
    expect(badUrl.ok === false && badUrl.error.message).toBe('“访问地址”应为以 http:// 或 https:// 开头的地址')
  })
})

describe('contact import', () => {
  it('creates the departments and the people (not signing in), binds an existing user by mobile, and is idempotent', async () => {
    for (const provider of ['dingtalk', 'wecom'] as const) {
      const env = await flowEnv()
      const server = await imServer({
        departments: [{ id: 2, name: '华东销售', parentId: 1 }, { id: 3, name: '杭州组', parentId: 2 }],
        users: [
          { userid: 'u-zs', name: '张三丰', mobile: '13900000001', dept: [1] },
          { userid: 'u-ww', name: '王五', mobile: '13900000002', dept: [3] },
          { userid: 'u-ls', name: '李四', mobile: '13900000003', dept: [2] }
        ]
      })
      cleanups.push(() => env.close(), () => server.close())
      // 张三 (rep) has 张三丰's mobile: matched by mobile, not by name.
      env.core.org.updateUser(env.admin.id, env.users.rep, { phone: '+86 139-0000-0001' })
      configure(env, server.base, [provider])
      const before = env.core.db.prepare('SELECT COUNT(*) FROM users').pluck().get() as number
      const result = await env.core.im.importContacts(env.admin.id, provider)
      expect(result).toEqual({ departmentsCreated: 2, usersCreated: 1, usersBound: 2, alreadyBound: 0 })
      const depts = env.core.org.departments()
      const east = depts.find((d) => d.name === '华东销售')!
      expect(east.parentId).toBeNull()
      expect(depts.find((d) => d.name === '杭州组')!.parentId).toBe(east.id)
      const bindings = env.core.im.bindings()
      expect(bindings.find((b) => b.userId === env.users.rep)![provider]).toBe('u-zs')
      expect(bindings.find((b) => b.userId === env.users.rep2)![provider]).toBe('u-ls')
      const wang = env.core.db.prepare("SELECT id, phone, department_id FROM users WHERE name = '王五'").get() as { id: number; phone: string; department_id: number }
      expect(wang).toMatchObject({ phone: '13900000002', department_id: depts.find((d) => d.name === '杭州组')!.id })
      expect(bindings.find((b) => b.userId === wang.id)![provider]).toBe('u-ww')
      expect(env.core.db.prepare('SELECT COUNT(*) FROM users').pluck().get()).toBe(before + 1)
      // The new colleague cannot sign in with any password.
      expect((await rejected(env.core.auth.login(env.core.db.prepare('SELECT login FROM users WHERE id = ?').pluck().get(wang.id) as string, 'secret123'))).name).toMatch(/Error/)
      expect(await env.core.im.importContacts(env.admin.id, provider)).toEqual({ departmentsCreated: 0, usersCreated: 0, usersBound: 0, alreadyBound: 3 })
    }
  })

  it('binding by hand refuses an id already bound to someone else', async () => {
    const { env } = await setup()
    env.core.im.bind(env.admin.id, env.users.legal, 'dingtalk', 'u-legal')
    expect(caught(() => env.core.im.bind(env.admin.id, env.users.rep, 'dingtalk', 'u-legal'))).toMatchObject({ messageKey: 'im.error.externalIdTaken', field: 'externalId' })
    env.core.im.bind(env.admin.id, env.users.legal, 'dingtalk', null)
    expect(env.core.im.bindings().find((b) => b.userId === env.users.legal)!.dingtalk).toBeNull()
  })
})
