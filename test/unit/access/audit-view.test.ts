import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { KEYED_OP } from '../../../src-main/access/audit'
import { auditCsv, listAudit } from '../../../src-main/api/audit-view'
import { messages } from '../../../src-main/shared/locales'
import { testCore } from '../../support/core'

// The audit trail as people read it: every action, key and value in the reader's language — user
// ids as names, record ids as the record's title with its form, field ids as labels — never the
// raw keys the entries are stored with; and the CSV export safe to open in Excel.

type T = Awaited<ReturnType<typeof testCore>>
let t: T
let customer: number
let deal: number
let dealId: number
let repId: number
beforeEach(async () => {
  t = await testCore()
  repId = await t.core.org.createUser(t.actor.id, { name: '张三', login: 'zhangsan', password: 'secret123' })
  const customers = t.form('客户', [{ label: '名称', type: 'text' }])
  customer = customers.id
  const yunqi = t.core.writes.create(t.actor, customer, { 名称: '杭州云栖' })
  const deals = t.form('商机', [
    { label: '名称', type: 'text' }, { label: '客户', type: 'relation', config: { targetFormId: customer } }, { label: '跟进人', type: 'member' }, { label: '金额', type: 'amount' }
  ])
  deal = deals.id
  dealId = t.core.writes.create(t.actor, deal, { 名称: '大单', 客户: yunqi, 跟进人: repId, 金额: 8000 })
  t.core.writes.update(t.actor, deal, dealId, { 客户: null, 金额: 9000 })
  // A rule's change and an import's rows carry their origin.
  t.core.writes.bulkWrite(t.actor, deal, [{ id: dealId, values: { 金额: 9500 } }], { action: 'edit', detail: { origin: 'rule', rule: { id: 4, name: '大单提醒' } } })
  t.core.writes.bulkWrite(t.actor, deal, [{ values: { 名称: '导入的商机' } }], { action: 'import', detail: { importId: 9 } })
  t.core.writes.transfer(t.actor, deal, { ids: [dealId], toUserId: repId })
  t.core.writes.setCollaborators(t.actor, deal, dealId, [repId])
  t.core.org.updateUser(t.actor.id, repId, { name: '张三丰', active: false })
  const role = t.core.org.createRole(t.actor.id, { name: '销售代表' })
  const nameField = deals.fields.find((f) => f.label === '金额')!
  t.core.org.setPermission(t.actor.id, role.id, { formId: deal, actions: ['view', 'edit'], scope: 'own', fieldRules: { [nameField.id]: 'hidden' } })
  await expect(t.core.auth.login('zhangsan', 'wrong-password', { client: '=cmd|calc' })).rejects.toThrow()
  t.core.audit.appendCommitted({ op: 'export', formId: deal, actorId: t.actor.id, detail: { what: 'records', view: null, format: 'xlsx', rows: 2, filter: null } })
})
afterEach(() => t.close())

const RAW = /^(what|origin|rule|view|importId|ids|before|after|fromUserId|toUserId|userIds|collaborators|owner|roleId|fieldRules|actions|scope|reason|client|login|\d+)$/

describe('audit entries in words', () => {
  for (const locale of ['zh-CN', 'en'] as const) {
    it(`names every action, key and value in ${locale}, no raw key or id left`, () => {
      const { entries } = listAudit(t.core, { ...t.actor, locale }, {}, locale)
      expect(entries.length).toBeGreaterThan(10)
      for (const e of entries) {
        expect(e.opLabel, e.op).not.toBe(e.op)
        expect(e.opLabel).not.toMatch(/[a-z]+\.[a-z]+/)
        for (const line of e.lines) {
          expect(line.label, `${e.op} ${line.key}`).not.toMatch(RAW)
          for (const v of [line.old, line.new]) {
            if (v === null) continue
            expect(v, `${e.op} ${line.label}`).not.toMatch(/^#\d+$/)
            expect(v, `${e.op} ${line.label}`).not.toMatch(/^(rule|records|password|own|hidden|view|edit)$/)
          }
        }
      }
    })
  }

  it('shows a record as its title with its form, relations by title, members and owners by name (zh-CN)', () => {
    const { entries } = listAudit(t.core, t.actor, { formId: deal }, 'zh-CN')
    const update = entries.find((e) => e.op === 'update' && e.lines.some((l) => l.label === '客户'))!
    expect(update.target).toBe('商机「大单」')
    expect(update.opLabel).toBe('修改记录')
    expect(update.lines).toEqual(expect.arrayContaining([
      { key: expect.any(String), label: '客户', old: '客户「杭州云栖」', new: '（空）' },
      { key: expect.any(String), label: '金额', old: '¥8,000.00', new: '¥9,000.00' }
    ]))
    const created = entries.find((e) => e.op === 'create' && e.recordId === dealId)!
    expect(created.lines).toEqual(expect.arrayContaining([{ key: expect.any(String), label: '跟进人', old: null, new: '张三丰' }]))
    const byRule = entries.find((e) => e.lines.some((l) => l.key === 'detail.origin'))!
    expect(byRule.lines.find((l) => l.key === 'detail.origin')).toMatchObject({ label: '来源', new: '自动化规则：大单提醒' })
    const imported = entries.find((e) => e.lines.some((l) => l.key === 'detail.importId'))!
    expect(imported.lines.find((l) => l.key === 'detail.importId')).toMatchObject({ label: '导入批次', new: '第 9 次导入' })
    const transfer = entries.find((e) => e.op === 'records.transfer')!
    expect(transfer.lines).toEqual(expect.arrayContaining([
      expect.objectContaining({ label: '接收人', new: '张三丰' }),
      expect.objectContaining({ label: '记录', new: '商机「大单」' })
    ]))
    const owner = entries.find((e) => e.op === 'update' && e.lines.some((l) => l.label === '负责人'))!
    expect(owner.lines.find((l) => l.label === '负责人')).toMatchObject({ old: '管理员', new: '张三丰' })
    expect(entries.find((e) => e.op === 'records.collaborators')!.lines[0]).toMatchObject({ label: '协作人', old: '（空）', new: '张三丰' })
    const exported = entries.find((e) => e.op === 'export')!
    expect(exported.lines).toEqual(expect.arrayContaining([expect.objectContaining({ label: '导出内容', new: '记录' })]))
  })

  it('shows member, role and permission changes as label: old → new, ids as names (en)', () => {
    const en = { ...t.actor, locale: 'en' as const }
    const { entries } = listAudit(t.core, en, {}, 'en')
    const user = entries.find((e) => e.op === 'user.update')!
    expect(user.opLabel).toBe('Member changed')
    expect(user.target).toBe('张三丰')
    expect(user.lines).toEqual([
      { key: 'detail.name', label: 'Name', old: '张三', new: '张三丰' },
      { key: 'detail.active', label: 'Enabled', old: 'Yes', new: 'No' }
    ])
    const permission = entries.find((e) => e.op === 'permission.change')!
    expect(permission.lines).toEqual(expect.arrayContaining([
      expect.objectContaining({ label: 'Role', new: '销售代表' }),
      expect.objectContaining({ label: 'Actions', new: 'View, Edit' }),
      expect.objectContaining({ label: 'Records', new: 'Own' }),
      expect.objectContaining({ label: 'Field permissions', new: '金额: Hidden' })
    ]))
    expect(permission.lines.filter((l) => l.label === 'Role')).toHaveLength(1)
    const failed = entries.find((e) => e.op === 'auth.loginFailed')!
    expect(failed.lines).toEqual(expect.arrayContaining([expect.objectContaining({ label: 'Reason', new: 'Wrong password' })]))
  })

  it('has a label in both languages for every action the code records', () => {
    const root = resolve(import.meta.dirname, '../../../src-main')
    const ops = new Set<string>(['crm.pool.claim', 'crm.pool.release', 'create', 'update', 'delete', 'restore', KEYED_OP])
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name)
        if (statSync(path).isDirectory()) walk(path)
        else if (name.endsWith('.ts')) {
          const code = readFileSync(path, 'utf8')
          for (const m of code.matchAll(/(?:append|appendCommitted)\(\{ op: '([\w.]+)'|this\.record\('([\w.]+)'/g)) ops.add(m[1] ?? m[2]!)
        }
      }
    }
    walk(root)
    expect(ops.size).toBeGreaterThan(25)
    for (const op of ops) {
      expect(messages['zh-CN'][`audit.op.${op}`], op).toBeTruthy()
      expect(messages.en[`audit.op.${op}`], op).toBeTruthy()
    }
  })
})

describe('audit CSV export', () => {
  it('prefixes every cell that Excel would run as a formula with an apostrophe', async () => {
    // Cells that start with text people typed: a member's name (the actor), a form's name, a login.
    const evil = await t.core.org.createUser(t.actor.id, { name: '=HYPERLINK("http://evil.example","点我")', login: 'evil', password: 'secret123' })
    await t.core.auth.login('evil', 'secret123')
    t.core.schema.updateForm({ form: customer, label: '+1+1' })
    t.core.writes.create({ ...t.actor, id: evil, name: 'evil', isAdmin: true }, customer, { 名称: '-2' })
    const { csv } = auditCsv(t.core, t.actor, {}, 'zh-CN')
    const rows = csv.replace(/^\uFEFF/, '').split('\r\n')
    const cells = rows.flatMap((line) => line.match(/("([^"]|"")*"|[^,]*)(,|$)/g) ?? []).map((c) => c.replace(/,$/, '').replace(/^"/, ''))
    for (const c of cells) expect(c).not.toMatch(/^[=+\-@\t\r]/)
    expect(csv).toContain(`"'=HYPERLINK(""http://evil.example"",""点我"")"`)
    expect(csv).toContain(",'+1+1,")
    expect(csv).toContain('修改记录')
    expect(csv).not.toMatch(/,update,/)
  })
})
