import { afterEach, describe, expect, it } from 'vitest'
import { testCore } from '../../support/core'
import { importSettings } from '../../../src-main/shared/api/transfer'
import type { Actor } from '../../../src-main/access/actor'
import { xlsx } from './fixtures'

// A sales sheet names its sales agents. Names that match no user are listed in the preview (not
// only as row errors); the importer chooses per name — add as a colleague who does not sign in,
// or read as an existing user — so that ownership, rankings and the owner filter work. Adding
// people is user management: administrators only. The colleagues stay if the run fails.

type T = Awaited<ReturnType<typeof testCore>>
let t: T | null = null
afterEach(() => { t?.close(); t = null })

async function setup() {
  t = await testCore()
  const deals = t.form('商机', [
    { label: '名称', apiKey: 'name', type: 'text', required: true },
    { label: '金额', apiKey: 'amount', type: 'amount' }
  ])
  const file = await xlsx((wb) => {
    const ws = wb.addWorksheet('deals')
    ws.addRow(['name', 'amount', 'sales_agent'])
    ws.addRow(['Zoom 升级', 1000, '管理员'])
    ws.addRow(['Vectrix 续约', 2000, 'Darcel Schlecht'])
    ws.addRow(['Bioholding 新购', 3000, 'Moses Frase'])
    ws.addRow(['Rangreen 扩容', 4000, 'Darcel Schlecht'])
  })
  return { t, deals, file }
}

describe('importing a person column', () => {
  it('lists unknown people, adds the chosen ones as colleagues without sign-in, and gives them their deals', async () => {
    const { t, deals, file } = await setup()
    const imports = t.core.transfer.imports
    const opened = await imports.open(t.actor, deals.id, 'deals.xlsx', file)
    const { columns } = await imports.columns(t.actor, opened.session, 0, 0)
    expect(columns.map((c) => (c.target.action === 'field' ? c.target.field : '-'))).toEqual(['name', 'amount', 'owner'])
    const base = { sheet: 0, headerRow: 0, columns: columns.map((c) => ({ column: c.column, target: c.target })) }
    let preview = await imports.preview(t.actor, opened.session, importSettings.parse(base), 'zh-CN')
    expect(preview).toMatchObject({ valid: 1, invalid: 3 })
    expect(preview.unknownPeople).toEqual([
      { field: 'owner', label: '负责人', value: 'Darcel Schlecht', count: 2 },
      { field: 'owner', label: '负责人', value: 'Moses Frase', count: 1 }
    ])
    const settings = importSettings.parse({ ...base, people: { 'Darcel Schlecht': '__new__', 'Moses Frase': '__new__' } })
    preview = await imports.preview(t.actor, opened.session, settings, 'zh-CN')
    // The preview counts what the run writes: the people do not exist yet, and the rows still pass.
    expect(preview).toMatchObject({ valid: 4, invalid: 0, unknownPeople: [] })
    expect(t.core.db.prepare("SELECT COUNT(*) FROM users WHERE name = 'Darcel Schlecht'").pluck().get()).toBe(0)
    await imports.run(t.actor, opened.session, settings, 'zh-CN')
    const status = await imports.settle(t.actor, opened.session)
    expect(status).toMatchObject({ phase: 'done', created: 4, colleagues: ['Darcel Schlecht', 'Moses Frase'] })
    const owners = t.core.reads.list(t.actor, { form: deals.id, limit: 10 }).records.map((r) => [r.fields.name, r.owner?.name])
    expect(owners).toEqual(expect.arrayContaining([['Vectrix 续约', 'Darcel Schlecht'], ['Rangreen 扩容', 'Darcel Schlecht'], ['Bioholding 新购', 'Moses Frase'], ['Zoom 升级', '管理员']]))
    // A colleague, not an account: no password signs them in.
    const darcel = t.core.db.prepare("SELECT login, password_hash FROM users WHERE name = 'Darcel Schlecht'").get() as { login: string; password_hash: string }
    expect(darcel.login).toBe('darcelschlecht')
    await expect(t.core.auth.login(darcel.login, '')).rejects.toMatchObject({ messageKey: expect.any(String) })
    await expect(t.core.auth.login(darcel.login, darcel.password_hash)).rejects.toMatchObject({ messageKey: expect.any(String) })

    // The next file names them again: they are found, nothing is asked.
    const again = await imports.open(t.actor, deals.id, 'deals.xlsx', file)
    const cols = (await imports.columns(t.actor, again.session, 0, 0)).columns
    const next = await imports.preview(t.actor, again.session, importSettings.parse({ sheet: 0, headerRow: 0, columns: cols.map((c) => ({ column: c.column, target: c.target })) }), 'zh-CN')
    expect(next).toMatchObject({ valid: 4, unknownPeople: [] })
  })

  it('reads a name as an existing user when chosen, and refuses to add colleagues for someone who is not an administrator', async () => {
    const { t, deals, file } = await setup()
    const role = t.core.org.roles().find((r) => r.key === 'sales_rep') ?? t.core.org.roles()[0]!
    const repId = await t.core.org.createUser(t.actor.id, { name: '张伟', login: 'zhangwei', password: 'secret123', roleIds: [role.id] })
    const imports = t.core.transfer.imports
    const opened = await imports.open(t.actor, deals.id, 'deals.xlsx', file)
    const { columns } = await imports.columns(t.actor, opened.session, 0, 0)
    const base = { sheet: 0, headerRow: 0, columns: columns.map((c) => ({ column: c.column, target: c.target })) }
    const preview = await imports.preview(t.actor, opened.session, importSettings.parse({ ...base, people: { 'Darcel Schlecht': repId, 'Moses Frase': repId } }), 'zh-CN')
    expect(preview).toMatchObject({ valid: 4, unknownPeople: [] })
    // The rule itself, for a caller who may import but is not an administrator.
    const notAdmin: Actor = { ...t.actor, isAdmin: false }
    await expect(imports.preview(notAdmin, opened.session, importSettings.parse({ ...base, people: { 'Moses Frase': '__new__' } }), 'zh-CN')).rejects.toMatchObject({ messageKey: 'transfer.error.colleaguesAdminOnly' })
    expect(t.core.db.prepare("SELECT COUNT(*) FROM users WHERE name = 'Moses Frase'").pluck().get()).toBe(0)
  })
})
