import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bundledApp } from '../../../src-main/apps/bundled'
import { SURVEY_MAIL_JOB } from '../../../src-main/publicforms/survey-mail'
import { testCore } from '../../support/core'
import { loopbackSmtp } from '../../support/smtp'

// 满意度回访 sent by itself: closing a service ticket e-mails its contact the survey link over the
// configured SMTP (a real server on loopback), through the job scheduler — retried when the server
// refuses, given up after the last attempt — and the ticket's 回访邮件 says what happened.

let t: Awaited<ReturnType<typeof testCore>>
let smtp: Awaited<ReturnType<typeof loopbackSmtp>>
let refuse = false
let customer: number
const jobs = () => t.core.db.prepare('SELECT status, attempts, key FROM jobs WHERE kind = ? ORDER BY id').all(SURVEY_MAIL_JOB) as Array<{ status: string; attempts: number; key: string }>
/** The text of a single-part message, its transfer encoding undone. */
const bodyOf = (raw: string) => {
  const [head = '', ...rest] = raw.split(/\r?\n\r?\n/)
  const body = rest.join('\n\n')
  if (/content-transfer-encoding:\s*base64/i.test(head)) return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8')
  if (/content-transfer-encoding:\s*quoted-printable/i.test(head)) return Buffer.from(body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8')
  return body
}
const ticketFields = (id: number) => t.core.reads.get(t.actor, 'ticket', id).fields

beforeAll(async () => {
  t = await testCore({ now: new Date(2026, 2, 2, 10, 0).getTime() })
  t.core.crm.install(t.actor, bundledApp('crm').pkg, 'zh-CN')
  smtp = await loopbackSmtp({ refuse: () => refuse })
  t.core.rules.settings.setSmtp({ host: '127.0.0.1', port: smtp.port, secure: false, user: '', from: 'service@jimu.example' })
  t.core.im.update(t.actor.id, { publicUrl: 'https://crm.example.cn' })
  customer = t.core.writes.create(t.actor, 'customer', { name: '南京立德精密机械有限公司' })
}, 120_000)
afterAll(async () => {
  await smtp?.close()
  t?.close()
})

const contact = (email: string | null) => t.core.writes.create(t.actor, 'contact', { name: '李工', customer, email })

describe('the survey e-mail when a ticket closes', () => {
  it('is queued once when the ticket moves to 已关闭, sent with a working one-time link, and noted on the ticket', async () => {
    const ticket = t.core.writes.create(t.actor, 'ticket', { title: '门禁读头无法识别', customer, contact: contact('li@buyer.example'), status: 'open' })
    t.core.writes.update(t.actor, 'ticket', ticket, { status: 'doing' })
    expect(jobs()).toHaveLength(0)
    t.core.writes.update(t.actor, 'ticket', ticket, { status: 'closed' })
    // Saving it again closed (another field) queues nothing more.
    t.core.writes.update(t.actor, 'ticket', ticket, { status: 'closed', description: '已更换读头' })
    expect(jobs()).toHaveLength(1)
    await t.core.scheduler.tick()
    expect(smtp.messages).toHaveLength(1)
    expect(smtp.messages[0]!.to).toEqual(['li@buyer.example'])
    const text = bodyOf(smtp.messages[0]!.raw)
    expect(text).toContain('门禁读头无法识别')
    const link = /https:\/\/crm\.example\.cn(\/p\/[A-Za-z0-9_-]{24})/.exec(text)
    expect(link, 'the e-mail carries the survey link').toBeTruthy()
    expect(ticketFields(ticket).csatMail).toMatch(/已发送至 li@buyer\.example/)
    expect(jobs()[0]).toMatchObject({ status: 'done' })
    // The link is the ticket's survey: answering it stores the score.
    const token = link![1]!.slice(3)
    expect(t.core.publicForms.surveys.definition(token)).toMatchObject({ subject: '门禁读头无法识别' })
    t.core.publicForms.surveys.answer(token, { score: '5', comment: '很及时' })
    expect(ticketFields(ticket)).toMatchObject({ csatScore: 5, csatComment: '很及时' })
  })

  it('is retried when the SMTP server refuses, and given up after the last attempt, the ticket saying so', async () => {
    refuse = true
    const before = smtp.messages.length
    const ticket = t.core.writes.create(t.actor, 'ticket', { title: '打印机卡纸', customer, contact: contact('wang@buyer.example'), status: 'closed' })
    await t.core.scheduler.tick()
    expect(ticketFields(ticket).csatMail).toMatch(/失败（第 1\/6 次/)
    for (let i = 0; i < 8; i++) {
      t.clock.advance(3_600_000)
      await t.core.scheduler.tick()
    }
    const job = jobs().find((j) => j.key.endsWith(`:${ticket}`))!
    expect(job).toMatchObject({ status: 'failed', attempts: 6 })
    expect(ticketFields(ticket).csatMail).toMatch(/已重试 6 次，不再发送/)
    expect(smtp.messages.length).toBe(before)
    refuse = false
  })

  it('sends nothing without a contact address, or for a ticket the agent already rated after a call', async () => {
    const count = jobs().length
    const noMail = t.core.writes.create(t.actor, 'ticket', { title: '无邮箱', customer, contact: contact(null), status: 'open' })
    t.core.writes.update(t.actor, 'ticket', noMail, { status: 'closed' })
    expect(ticketFields(noMail).csatMail).toMatch(/联系人没有邮箱/)
    const rated = t.core.writes.create(t.actor, 'ticket', { title: '电话回访过', customer, contact: contact('zhao@buyer.example'), status: 'open', csatScore: 4 })
    t.core.writes.update(t.actor, 'ticket', rated, { status: 'closed' })
    expect(jobs()).toHaveLength(count)
  })
})
