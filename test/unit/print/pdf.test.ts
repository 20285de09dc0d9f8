import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Actor } from '../../../src-main/access/actor'
import { toActor } from '../../../src-main/access/auth'
import { CoreHost } from '../../../src-main/api/host'
import { Dispatcher } from '../../../src-main/api/dispatcher'
import { ManualClock } from '../../../src-main/clock'
import { isPdf, pdfFileName, printRoute, safeFileNamePart, waitUntilReady } from '../../../src-main/print/pdf-file'
import { setPdfMaker, type PdfRequest } from '../../../src-main/print/pdf-maker'
import { PdfStore } from '../../../src-main/print/pdf-store'
import { caught, TEST_PASSWORD_COST } from '../../support/core'

// 导出 PDF: the plain-Node part of the desktop app's printToPDF (the file's name, waiting for the
// print view, where the PDF is stored, who may store it, the audit entry) and the API method,
// with the shell's maker standing in for Electron (which cannot run on these machines).

/** A small but well-formed PDF (one empty A4 page). */
const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
  'latin1'
)

describe('the PDF file', () => {
  it('is named form-title-day, with nothing a file system refuses', () => {
    expect(pdfFileName('合同', '华东/精密:机械*采购?', 7, '2026-03-02')).toBe('合同-华东精密机械采购-2026-03-02.pdf')
    expect(pdfFileName('报价单', null, 12, '2026-03-02')).toBe('报价单-12-2026-03-02.pdf')
    expect(pdfFileName('合同', '\u0001<>|', 9, '2026-03-02')).toBe('合同-9-2026-03-02.pdf')
    expect(safeFileNamePart('x'.repeat(200))).toHaveLength(80)
    expect(printRoute(3, 41)).toBe('#/print/3/41')
  })

  it('is recognised by its header only', () => {
    expect(isPdf(PDF)).toBe(true)
    expect(isPdf(Buffer.from('<html><script>alert(1)</script>'))).toBe(false)
    expect(isPdf(Buffer.from('%PDF'))).toBe(false)
  })

  it('waits for the print view to say it is ready, failed, or for the time to run out', async () => {
    let now = 0
    const sleep = async (ms: number) => void (now += ms)
    const answers = [null, null, 'ready']
    expect(await waitUntilReady(async () => answers.shift(), { sleep, now: () => now })).toEqual({ ok: true })
    expect(await waitUntilReady(async () => 'failed:找不到记录', { sleep, now: () => now })).toEqual({ ok: false, reason: 'failed', message: '找不到记录' })
    now = 0
    expect(await waitUntilReady(async () => null, { sleep, now: () => now, timeoutMs: 1000, intervalMs: 100 })).toEqual({ ok: false, reason: 'timeout', message: '' })
    expect(now).toBe(1000)
  })
})

describe('storing the PDF on the record', () => {
  let host: CoreHost
  let dataDir: string
  let admin: Actor
  let rep: Actor
  let clerk: Actor
  let other: Actor
  let store: PdfStore
  let contract: number
  let othersContract: number
  let adminToken: string
  let repToken: string
  let clerkToken: string

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'jimu-print-'))
    host = await CoreHost.open({ dataDir, clock: new ManualClock(new Date(2026, 2, 2, 10, 0).getTime()), passwordCost: TEST_PASSWORD_COST })
    const core = host.core
    const setup = await core.auth.setup({ name: '管理员', login: 'admin', password: 'secret123' })
    adminToken = setup.token
    admin = toActor(setup.user)
    const app = core.schema.createApp({ label: '销售' })
    const form = core.schema.createForm({
      appId: app.id,
      label: '合同',
      apiKey: 'contract',
      fields: [
        { label: '合同名称', apiKey: 'name', type: 'text' },
        { label: '金额', apiKey: 'amount', type: 'amount' },
        { label: '合同附件', apiKey: 'files', type: 'attachment' }
      ]
    })
    const role = core.org.createRole(admin.id, { name: '销售' })
    core.org.setPermission(admin.id, role.id, { formId: form.id, actions: ['view', 'create', 'edit'], scope: 'own', fieldRules: {} })
    // A custom role that sees every contract but not its files.
    const clerkRole = core.org.createRole(admin.id, { name: '合同查看' })
    core.org.setPermission(admin.id, clerkRole.id, { formId: form.id, actions: ['view', 'edit'], scope: 'all', fieldRules: { [String(core.schema.form('contract').byKey.get('files')!.id)]: 'hidden' } })
    const repId = await core.org.createUser(admin.id, { name: '张伟', login: 'zhangwei', password: 'secret123', roleIds: [role.id] })
    const otherId = await core.org.createUser(admin.id, { name: '王芳', login: 'wangfang', password: 'secret123', roleIds: [role.id] })
    const clerkId = await core.org.createUser(admin.id, { name: '钱专员', login: 'qian', password: 'secret123', roleIds: [clerkRole.id] })
    rep = toActor(core.auth.user(repId)!)
    other = toActor(core.auth.user(otherId)!)
    clerk = toActor(core.auth.user(clerkId)!)
    repToken = (await core.auth.login('zhangwei', 'secret123')).token
    clerkToken = (await core.auth.login('qian', 'secret123')).token
    const scan = core.attachments.put('签字扫描件.pdf', 'application/pdf', Buffer.concat([PDF, Buffer.from('% scan\n')]).toString('base64'), rep.id)
    contract = core.writes.create(rep, 'contract', { name: '华东精密机械采购合同', amount: 120000, files: [{ hash: scan.hash, name: '签字扫描件.pdf' }] })
    othersContract = core.writes.create(other, 'contract', { name: '王芳的合同', amount: 5000 })
    store = new PdfStore({ db: core.db, clock: core.clock, schema: core.schema, access: core.access, reads: core.reads, writes: core.writes, attachments: core.attachments, audit: core.audit })
  })

  afterAll(() => {
    setPdfMaker(null)
    host?.close()
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('adds the PDF to the record’s attachment field beside its files, with history and an audit entry', () => {
    const out = store.store(rep, 'contract', contract, PDF)
    expect(out.file.name).toBe('合同-华东精密机械采购合同-2026-03-02.pdf')
    const files = out.record.fields.files as Array<{ hash: string; name: string }>
    expect(files.map((f) => f.name)).toEqual(['签字扫描件.pdf', '合同-华东精密机械采购合同-2026-03-02.pdf'])
    expect(host.core.attachments.get(out.file.hash).data.equals(PDF)).toBe(true)
    const audit = host.core.db.prepare("SELECT actor_id, record_id, detail FROM change_log WHERE op = 'print.pdf'").all() as Array<{ actor_id: number; record_id: number; detail: string }>
    expect(audit).toHaveLength(1)
    expect(audit[0]).toMatchObject({ actor_id: rep.id, record_id: contract })
    expect(JSON.parse(audit[0]!.detail)).toMatchObject({ file: out.file.name, field: 'files' })
  })

  it('refuses what is not a PDF, a record out of the caller’s scope, and a field they cannot see — changing nothing', () => {
    const before = host.core.reads.get(admin, 'contract', contract).fields.files
    expect(caught(() => store.store(rep, 'contract', contract, Buffer.from('<script>alert(1)</script>'))).messageKey).toBe('print.error.notPdf')
    expect(caught(() => store.store(rep, 'contract', othersContract, PDF)).code).toMatch(/NOT_FOUND|PERMISSION/)
    // 合同附件 is hidden from this role: nowhere to keep the PDF.
    expect(caught(() => store.store(clerk, 'contract', contract, PDF)).messageKey).toBe('print.error.noAttachmentField')
    expect(caught(() => store.store(clerk, 'contract', contract, PDF, 'files')).messageKey).toBe('print.error.cannotStore')
    expect(caught(() => store.store(rep, 'contract', contract, PDF, 'name')).messageKey).toBe('print.error.fieldNotAttachment')
    expect(host.core.reads.get(admin, 'contract', contract).fields.files).toEqual(before)
    expect(host.core.reads.get(admin, 'contract', othersContract).fields.files ?? []).toEqual([])
  })

  it('over the API: serve mode answers that the browser prints; the desktop maker renders as the caller and the PDF is stored', async () => {
    const rpc = new Dispatcher(host, () => {})
    setPdfMaker(null)
    const refused = await rpc.call('print.savePdf', { form: 'contract', record: contract }, { token: repToken, locale: 'zh-CN' })
    expect(refused).toMatchObject({ ok: false, error: { code: 'VALIDATION' } })
    expect(JSON.stringify(refused)).toContain('另存为 PDF')
    const asked: PdfRequest[] = []
    setPdfMaker({ make: async (request) => (asked.push(request), PDF) })
    const made = await rpc.call('print.savePdf', { form: 'contract', record: contract }, { token: repToken, locale: 'en' })
    expect(made.ok).toBe(true)
    expect(asked).toEqual([{ formId: host.core.schema.form('contract').id, recordId: contract, token: repToken, locale: 'en' }])
    // Refused before anything is rendered: someone else's contract, a role that cannot keep the file.
    for (const [token, record] of [[repToken, othersContract], [clerkToken, contract]] as const) {
      const answer = await rpc.call('print.savePdf', { form: 'contract', record }, { token, locale: 'zh-CN' })
      expect(answer.ok).toBe(false)
    }
    expect(asked).toHaveLength(1)
    // The maker's own failure (the view did not load) is answered, and nothing is stored.
    const count = (host.core.reads.get(admin, 'contract', contract).fields.files as unknown[]).length
    setPdfMaker({ make: async () => Buffer.from('not a pdf') })
    expect((await rpc.call('print.savePdf', { form: 'contract', record: contract }, { token: adminToken })).ok).toBe(false)
    expect((host.core.reads.get(admin, 'contract', contract).fields.files as unknown[]).length).toBe(count)
  })
})
