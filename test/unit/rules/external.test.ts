import { createServer, type IncomingMessage, type Server } from 'node:http'
import { createHmac } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import { SMTPServer } from 'smtp-server'
import { afterEach, describe, expect, it } from 'vitest'
import { dingTalkSign } from '../../../src-main/notify/webhook'
import { DAY, rulesCore } from './support'

type Env = Awaited<ReturnType<typeof rulesCore>>

interface Received { url: string; body: unknown }

/** A real HTTP server on loopback that records requests and answers with `reply`. */
async function httpServer(reply: (req: IncomingMessage, body: string) => { status: number; body: string }) {
  const received: Received[] = []
  const server: Server = createServer((req, res) => {
    let data = ''
    req.on('data', (c: Buffer) => (data += c.toString('utf8')))
    req.on('end', () => {
      received.push({ url: req.url ?? '', body: JSON.parse(data || 'null') as unknown })
      const r = reply(req, data)
      res.writeHead(r.status, { 'content-type': 'application/json' })
      res.end(r.body)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return { received, url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) }
}

/** A real SMTP server on loopback that keeps the messages it accepts. */
async function smtpServer() {
  const messages: Array<{ from: string; to: string[]; raw: string }> = []
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onAuth: (auth, _s, cb) => (auth.username === 'crm@example.com' && auth.password === 'pw' ? cb(null, { user: auth.username }) : cb(new Error('bad login'))),
    onData(stream, session, cb) {
      let raw = ''
      stream.on('data', (c: Buffer) => (raw += c.toString('utf8')))
      stream.on('end', () => {
        messages.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), raw })
        cb()
      })
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.server.address() as AddressInfo).port
  return { messages, port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) }
}

describe('external actions (real sockets on loopback)', () => {
  let env: Env
  const closers: Array<() => Promise<void>> = []
  afterEach(async () => {
    for (const c of closers.splice(0)) await c()
    env?.close()
  })

  it('email over SMTP: template placeholders, owner and finance role, sent once as a job', async () => {
    env = await rulesCore()
    const smtp = await smtpServer()
    closers.push(smtp.close)
    env.core.rules.settings.setSmtp({ host: '127.0.0.1', port: smtp.port, secure: false, user: 'crm@example.com', password: 'pw', from: '积木CRM <crm@example.com>' })
    const finance = env.core.org.createRole(env.actor.id, { name: '财务' })
    const rep = await env.user('小李', { email: 'li@example.com' })
    const accountant = await env.user('会计', { email: 'cw@example.com' })
    env.core.org.updateUser(env.actor.id, accountant, { roleIds: [finance.id] })
    env.core.org.setPermission(env.actor.id, finance.id, { formId: env.opp.id, actions: ['view'], scope: 'all', scopeFilter: null, fieldRules: {} })
    env.clock.set(new Date(2024, 2, 1, 10, 0).getTime())
    env.rule({
      name: '回款提醒', trigger: { type: 'dateRelative', field: 'plan.dueDate', amount: 3, unit: 'day', direction: 'before' },
      actions: [{ type: 'email', to: { owner: true, roles: [finance.id], emails: ['boss@example.com'] }, subject: '回款提醒：{{商机名称}}', body: '应回款日期 {{plan.dueDate}}，金额 {{plan.amount}}' }]
    })
    env.core.writes.create(env.actor, 'opportunity', { name: '海信', owner: rep, plan: [{ dueDate: '2024-03-06', amount: 800 }] })
    env.clock.set(new Date(2024, 2, 3, 9, 0).getTime())
    await env.core.scheduler.tick()
    await env.core.scheduler.tick()
    // One mail per user (rendered as they may read the record), one to the outside addresses.
    expect(smtp.messages).toHaveLength(3)
    expect(smtp.messages.flatMap((m) => m.to).sort()).toEqual(['boss@example.com', 'cw@example.com', 'li@example.com'])
    const raw = smtp.messages[0]!.raw
    expect(raw).toContain('Subject: =?UTF-8?')
    expect(env.core.scheduler.list({ kind: 'rules.action' })[0]).toMatchObject({ status: 'done', attempts: 1 })
    env.clock.advance(DAY)
    await env.core.scheduler.tick()
    expect(smtp.messages).toHaveLength(3)
  })

  it('webhook JSON POST; a failing endpoint is retried with backoff, lands in the failed list, and a retry delivers it', async () => {
    env = await rulesCore()
    let healthy = false
    const http = await httpServer(() => (healthy ? { status: 200, body: '{}' } : { status: 503, body: 'down' }))
    closers.push(http.close)
    env.rule({ name: '推送', trigger: { type: 'created' }, actions: [{ type: 'webhook', url: `${http.url}/hook`, format: 'json' }] })
    env.core.scheduler.onError = () => undefined
    const id = env.core.writes.create(env.actor, 'opportunity', { name: '推送测试', amount: 12 })
    await env.core.scheduler.tick()
    const job = env.core.scheduler.list({ kind: 'rules.action' })[0]!
    expect(job).toMatchObject({ status: 'pending', attempts: 1 })
    expect(job.lastError).toMatch(/HTTP 503/)
    for (let i = 0; i < 6; i++) {
      env.clock.advance(2 * 3600_000)
      await env.core.scheduler.tick()
    }
    expect(env.core.scheduler.failed().map((j) => j.id)).toEqual([job.id])
    expect(http.received).toHaveLength(5)
    healthy = true
    env.core.scheduler.retry(job.id)
    await env.core.scheduler.tick()
    expect(env.core.scheduler.job(job.id).status).toBe('done')
    expect(http.received.at(-1)!.body).toMatchObject({ rule: { name: '推送' }, form: 'opportunity', record: { id, title: '推送测试', fields: { name: '推送测试', amount: 12 } } })
  })

  it('DingTalk robot: text message, signed URL the robot can verify; WeCom robot format; robot errcode is a failure', async () => {
    env = await rulesCore()
    const secret = 'SEC0123456789abcdef'
    let errcode = 0
    const http = await httpServer(() => ({ status: 200, body: JSON.stringify({ errcode, errmsg: errcode ? 'sign not match' : 'ok' }) }))
    closers.push(http.close)
    env.rule({ name: '钉钉', trigger: { type: 'created' }, actions: [{ type: 'webhook', url: `${http.url}/robot/send?access_token=abc`, format: 'dingtalk', secret, text: '新商机：{{商机名称}}' }] })
    env.rule({ name: '企微', trigger: { type: 'created' }, actions: [{ type: 'webhook', url: `${http.url}/cgi-bin/webhook/send?key=k1`, format: 'wecom', text: '新商机：{{商机名称}}（{{负责人}}）' }] })
    env.core.writes.create(env.actor, 'opportunity', { name: '钉钉测试' })
    await env.core.scheduler.tick()
    const ding = http.received.find((r) => r.url.startsWith('/robot'))!
    expect(ding.body).toEqual({ msgtype: 'text', text: { content: '新商机：钉钉测试' } })
    const q = new URL(ding.url, 'http://x').searchParams
    expect(q.get('access_token')).toBe('abc')
    const ts = Number(q.get('timestamp'))
    expect(ts).toBe(env.clock.now())
    // The robot's own check: HMAC-SHA256 over "timestamp\nsecret", base64.
    expect(q.get('sign')).toBe(createHmac('sha256', secret).update(`${ts}\n${secret}`).digest('base64'))
    expect(dingTalkSign(secret, ts)).toBe(q.get('sign'))
    const wecom = http.received.find((r) => r.url.startsWith('/cgi-bin'))!
    expect(wecom.body).toEqual({ msgtype: 'text', text: { content: '新商机：钉钉测试（管理员）' } })

    errcode = 310000
    env.core.scheduler.onError = () => undefined
    env.core.writes.create(env.actor, 'opportunity', { name: '签名错' })
    await env.core.scheduler.tick()
    const failedOnce = env.core.scheduler.list({ status: 'pending', kind: 'rules.action' })
    expect(failedOnce.length).toBe(2)
    expect(failedOnce[0]!.lastError).toMatch(/310000/)
  })
})
