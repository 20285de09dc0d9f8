import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import PizZip from 'pizzip'
import type { Actor } from '../../../src-main/access/actor'
import { toActor } from '../../../src-main/access/auth'
import { bundledApp } from '../../../src-main/apps/bundled'
import { demoPasswordHash, seedDemo } from '../../../src-main/crm/seed'
import { buildDocx } from '../../../src-main/documents/docx'
import { DOCX_MIME } from '../../../src-main/documents/constants'
import { docxToHtml, printableDocument } from '../../../src-main/documents/printable'
import { caught, rejected, testCore } from '../../support/core'
import { loopbackSmtp, mailAttachments } from '../../support/smtp'

// Documents from Word templates and sending them: filled as the caller sees the record (hidden
// fields blank), loops over sub-table rows, uppercase amounts, template errors naming the
// placeholder; e-mail over a real SMTP server on loopback, logged as a 跟进记录, retried.

let t: Awaited<ReturnType<typeof testCore>>
let rep: Actor
let custom: Actor
let contractId: number
const user = (login: string) => toActor(t.core.auth.user(t.core.db.prepare('SELECT id FROM users WHERE login = ?').pluck().get(login) as number)!)
/** The text of a .docx body, runs joined (what a reader sees). */
const docText = (data: Buffer) => new PizZip(data).file('word/document.xml')!.asText().replace(/<w:p[ >][^]*?<\/w:p>/g, (p) => `${p.replace(/<[^>]+>/g, '')}\n`).replace(/<[^>]+>/g, '')

beforeAll(async () => {
  t = await testCore()
  const { core, actor } = t
  core.crm.install(actor, bundledApp('crm').pkg, 'zh-CN')
  seedDemo(core, actor, { passwordHash: await demoPasswordHash(core), seed: 7, customers: 20, setTime: (ms) => t.clock.set(ms) })
  core.settings.setCompany({ name: '杭州积木软件有限公司', address: '杭州市西湖区文三路 90 号', phone: '0571-88886666', bankName: '招商银行杭州分行', bankAccount: '5719 0000 1234' })
  rep = user('zhangwei')
  const form = core.schema.form('contract')
  // A contract of the rep's, with a payment plan of three rows.
  contractId = core.writes.create(actor, 'contract', {
    name: '测试合同', amount: 12345.6, signedOn: '2026-03-02', endDate: '2027-03-01', owner: rep.id,
    customer: core.reads.list(rep, { form: 'customer', limit: 1 }).records[0]!.id,
    plan: [{ dueDate: '2026-03-10', amount: 5000, note: '首付款' }, { dueDate: '2026-06-10', amount: 5000, note: '到货款' }, { dueDate: '2026-09-10', amount: 2345.6, note: '验收尾款' }]
  })
  // A custom role: contracts of every owner, 合同总金额 hidden, may edit.
  const role = core.org.createRole(actor.id, { name: '合同专员' })
  core.org.setPermission(actor.id, role.id, { formId: form.id, actions: ['view', 'edit'], scope: 'all', fieldRules: { [String(form.byKey.get('amount')!.id)]: 'hidden' } })
  core.org.setPermission(actor.id, role.id, { formId: core.schema.form('customer').id, actions: ['view'], scope: 'all', fieldRules: { [String(core.schema.form('customer').byKey.get('address')!.id)]: 'hidden' } })
  const id = await core.org.createUser(actor.id, { name: '钱专员', login: 'qianzy', password: 'secret123', roleIds: [role.id] })
  custom = toActor(core.auth.user(id)!)
}, 120_000)

afterAll(() => t?.close())

const template = (form: string) => t.core.documents.list(t.actor, form)[0]!

describe('documents from Word templates', () => {
  it('ships a contract and a quote template with the sales app, each a button on its form', () => {
    expect(template('contract')).toMatchObject({ name: '销售合同', button: '生成合同', field: 'files', shipped: true })
    expect(template('quote')).toMatchObject({ name: '报价单', button: '生成报价单', field: 'files' })
  })

  it('fills fields, related records, the company, formatted amounts and dates, and one table row per plan row; stores it on the record', () => {
    const out = t.core.documents.generate(rep, template('contract').id, contractId)
    const file = t.core.attachments.get(out.file.hash)
    expect(file.mime).toBe(DOCX_MIME)
    const text = docText(file.data)
    expect(text).toContain('测试合同')
    expect(text).toContain('壹万贰仟叁佰肆拾伍元陆角整')
    expect(text).toContain('¥12,345.60')
    expect(text).toContain('2026年3月2日')
    expect(text).toContain('杭州积木软件有限公司')
    expect(text).toContain('招商银行杭州分行')
    const customer = t.core.reads.get(rep, 'contract', contractId).fields.customer as { title: string }
    expect(text).toContain(customer.title)
    for (const note of ['首付款', '到货款', '验收尾款']) expect(text).toContain(note)
    expect(text).toContain('2026年9月10日')
    // No placeholder is left.
    expect(text).not.toMatch(/\{[^}]*\}/)
    // Stored in 合同附件, and in the record's history.
    const files = out.record.fields.files as Array<{ hash: string; name: string }>
    expect(files.map((f) => f.hash)).toContain(out.file.hash)
    expect(out.file.name).toBe('销售合同-测试合同.docx')
    const history = t.core.reads.history(rep, 'contract', contractId) as unknown as Array<{ changes: Record<string, unknown> }>
    expect(JSON.stringify(history)).toContain('files')
  })

  it('renders a field hidden from the caller blank (the amount never leaks), related hidden fields too', () => {
    const out = t.core.documents.generate(custom, template('contract').id, contractId)
    const text = docText(t.core.attachments.get(out.file.hash).data)
    expect(text).toContain('测试合同')
    expect(text).not.toContain('壹万贰仟')
    expect(text).not.toContain('12,345')
    expect(text).toContain('合同总金额为人民币 （大写：）')
  })

  it('refuses a record outside the caller’s scope, and a caller who may not change the field', () => {
    const ids = t.core.db.prepare(`SELECT id FROM ${t.core.schema.form('contract').table} WHERE deleted_at IS NULL`).pluck().all() as number[]
    const visible = new Set(t.core.reads.list(rep, { form: 'contract', limit: 500 }).records.map((r) => r.id))
    const other = ids.find((id) => !visible.has(id))!
    expect(caught(() => t.core.documents.generate(rep, template('contract').id, other)).code).toBe('NOT_FOUND')
    // 客服 (service) may not change contracts.
    const err = caught(() => t.core.documents.generate(user('sunlei'), template('contract').id, contractId))
    expect(['PERMISSION', 'NOT_FOUND']).toContain(err.code)
  })

  it('names an unknown placeholder, an unknown format and a broken tag', () => {
    const put = (text: string) => t.core.attachments.put('坏模板.docx', DOCX_MIME, buildDocx('x', [{ kind: 'p', text }]).toString('base64'), t.actor.id)
    const save = (text: string) => t.core.documents.save(t.actor, { form: 'contract', name: '坏模板', button: '生成坏模板', field: 'files', file: { hash: put(text).hash } })
    const unknown = save('{客户名字}')
    const e1 = caught(() => t.core.documents.generate(t.actor, unknown.id, contractId))
    expect(e1).toMatchObject({ code: 'VALIDATION', messageKey: 'documents.error.unknownPlaceholder', params: { tag: '客户名字' } })
    const badFilter = save('{合同总金额|繁体}')
    expect(caught(() => t.core.documents.generate(t.actor, badFilter.id, contractId))).toMatchObject({ messageKey: 'documents.error.unknownFilter' })
    const related = save('{客户.不存在}')
    expect(caught(() => t.core.documents.generate(t.actor, related.id, contractId))).toMatchObject({ params: { tag: '客户.不存在' } })
    expect(caught(() => save('{#回款计划}{计划金额}'))).toMatchObject({ code: 'VALIDATION', messageKey: 'documents.error.brokenTag' })
    for (const id of [unknown.id, badFilter.id, related.id]) t.core.documents.remove(t.actor, id)
  })

  it('fills the quote: one table row per line item', () => {
    const quote = t.core.reads.list(t.actor, { form: 'quote', limit: 1 }).records[0]!
    const { data } = t.core.documents.render(t.actor, template('quote').id, quote.id)
    const text = docText(data)
    for (const line of quote.fields.lines as Array<{ product: { title: string } }>) expect(text).toContain(line.product.title)
    expect(text).toMatch(/元(.角)?(.分)?整?/)
  })
})

describe('sending a document by e-mail', () => {
  it('sends the file to a loopback SMTP server and writes a 跟进记录 (邮件) with the file on the customer', async () => {
    const smtp = await loopbackSmtp()
    try {
      t.core.rules.settings.setSmtp({ host: '127.0.0.1', port: smtp.port, secure: false, user: '', from: 'sales@jimu.example' })
      const made = t.core.documents.generate(rep, template('contract').id, contractId)
      const result = await t.core.documents.send(rep, { form: 'contract', record: contractId, file: made.file.hash, to: 'buyer@example.com', subject: '合同请查收', body: '您好，附件是合同。' })
      expect(result.status).toBe('sent')
      expect(smtp.messages).toHaveLength(1)
      expect(smtp.messages[0]!.to).toEqual(['buyer@example.com'])
      const [attached] = mailAttachments(smtp.messages[0]!.raw)
      expect(attached!.data.equals(t.core.attachments.get(made.file.hash).data)).toBe(true)
      const followUp = t.core.reads.get(rep, 'followUp', result.followUp!)
      const customer = made.record.fields.customer as { id: number }
      expect(followUp.fields).toMatchObject({ subject: '合同请查收', method: '邮件', customer: { id: customer.id } })
      expect((followUp.fields.files as Array<{ hash: string }>)[0]!.hash).toBe(made.file.hash)
      expect(followUp.owner?.id).toBe(rep.id)
    } finally {
      await smtp.close()
    }
  })

  it('answers a failure as queued and the scheduler retries it until it goes through', async () => {
    let refuse = true
    const smtp = await loopbackSmtp({ refuse: () => refuse })
    try {
      t.core.rules.settings.setSmtp({ host: '127.0.0.1', port: smtp.port, secure: false, user: '', from: 'sales@jimu.example' })
      const hash = (t.core.reads.get(rep, 'contract', contractId).fields.files as Array<{ hash: string }>)[0]!.hash
      const before = t.core.reads.count(t.actor, { form: 'followUp' }).total
      const result = await t.core.documents.send(rep, { form: 'contract', record: contractId, file: hash, to: 'buyer@example.com', subject: '重发合同', body: '' })
      expect(result.status).toBe('queued')
      expect(result.error).toBeTruthy()
      expect(t.core.reads.count(t.actor, { form: 'followUp' }).total).toBe(before)
      refuse = false
      t.clock.advance(61_000)
      await t.core.scheduler.tick()
      expect(smtp.messages).toHaveLength(1)
      expect(t.core.reads.count(t.actor, { form: 'followUp' }).total).toBe(before + 1)
    } finally {
      await smtp.close()
    }
  })

  it('refuses a file that is not on the record', async () => {
    const err = await rejected(t.core.documents.send(rep, { form: 'contract', record: contractId, file: 'a'.repeat(64), to: 'x@example.com', subject: 's', body: '' }))
    expect(err.code).toBe('VALIDATION')
  })
})

describe('a Word document for the print view (documents.printable)', () => {
  it('shows the made contract as clean HTML — the filled text and one table row per plan row — to whoever may fetch the file, and to nobody else', async () => {
    const out = t.core.documents.generate(rep, template('contract').id, contractId)
    const form = t.core.schema.form('contract')
    const field = form.byKey.get('files')!
    const input = { form: form.id, record: contractId, field: field.id, hash: out.file.hash }
    const { name, html } = await printableDocument(t.core, rep, input)
    expect(name).toBe('销售合同-测试合同.docx')
    for (const text of ['测试合同', '壹万贰仟叁佰肆拾伍元陆角整', '2026年3月2日', '杭州积木软件有限公司']) expect(html).toContain(text)
    // The payment plan is a table: one row per plan row.
    const rows = [...html.matchAll(/<tr>[^]*?<\/tr>/g)].map((m) => m[0])
    for (const note of ['首付款', '到货款', '验收尾款']) expect(rows.filter((r) => r.includes(note))).toHaveLength(1)
    expect(html).not.toMatch(/<(script|style|img|iframe)|on\w+=|style=/i)
    // Someone who does not see the record (客服 孙磊) gets "not found", as from the file route.
    expect((await rejected(printableDocument(t.core, user('sunlei'), input))).code).toBe('NOT_FOUND')
    // A file that is not in that field of that record: not found either.
    expect((await rejected(printableDocument(t.core, rep, { ...input, hash: 'b'.repeat(64) }))).code).toBe('NOT_FOUND')
  })

  it('refuses a file that is not a Word document, naming it; and cleans whatever a document holds', async () => {
    const pdf = t.core.attachments.put('扫描件.pdf', 'application/pdf', Buffer.from('%PDF-1.4 扫描件').toString('base64'), t.actor.id)
    const form = t.core.schema.form('contract')
    t.core.writes.update(t.actor, 'contract', contractId, { files: [...(t.core.reads.get(t.actor, 'contract', contractId).fields.files as Array<{ hash: string; name: string }>).map((f) => ({ hash: f.hash, name: f.name })), { hash: pdf.hash, name: pdf.name }] })
    const err = await rejected(printableDocument(t.core, t.actor, { form: form.id, record: contractId, field: form.byKey.get('files')!.id, hash: pdf.hash }))
    expect(err).toMatchObject({ code: 'VALIDATION', messageKey: 'documents.print.notWord', field: 'hash' })
    // A document whose text carries markup stays text; links keep only safe addresses.
    const hostile = buildDocx('测试', [{ kind: 'p', text: '<script>alert(1)</script> <img src=x onerror=alert(1)> javascript:alert(1)' }])
    const html = await docxToHtml(hostile)
    expect(html).toContain('&lt;script&gt;')
    expect(html).not.toMatch(/<script|<img/i)
  })
})
