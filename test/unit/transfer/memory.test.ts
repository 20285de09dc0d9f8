import { afterEach, describe, expect, it } from 'vitest'
import { testCore } from '../../support/core'
import { importSettings } from '../../../src-main/shared/api/transfer'

// Nothing to redo: what a user chose for a file is remembered per form and header for the next
// file of the same shape (targets, date orders, option choices, settings), also after a failed
// run; and a failed all-or-nothing run leaves no field it created behind.

type T = Awaited<ReturnType<typeof testCore>>
let t: T | null = null
afterEach(() => { t?.close(); t = null })

const LEVELS = [{ id: 'a', label: 'A', color: 'red' as const }, { id: 'b', label: 'B', color: 'blue' as const }]

async function setup() {
  t = await testCore()
  const form = t.form('客户', [
    { label: '名称', apiKey: 'name', type: 'text', required: true },
    { label: '编号', apiKey: 'code', type: 'text', unique: true },
    { label: '城市', apiKey: 'city', type: 'text' },
    { label: '等级', apiKey: 'level', type: 'select', config: { options: LEVELS } },
    { label: '签约日期', apiKey: 'signedOn', type: 'date' }
  ])
  return { t, form }
}

const file = (rows: string[]) => Buffer.from(['名称,编号,网点,等级,签约,备注栏', ...rows].join('\n'))

describe('import memory', () => {
  it('the next file of the same shape comes with the targets, date orders, option choices and settings chosen last time', async () => {
    const { t, form } = await setup()
    const imports = t.core.transfer.imports
    const first = await imports.open(t.actor, form.id, 'a.csv', file(['甲,C-1,杭州,甲级,05/06/16,x']))
    const { columns } = await imports.columns(t.actor, first.session, 0, 0)
    expect(columns[2]!.target).toEqual({ action: 'skip' }) // 网点: nothing guesses 城市
    expect(columns[4]!.dateOrder).toEqual({ order: null, candidates: ['dmy', 'mdy'] })
    const settings = importSettings.parse({
      sheet: 0, headerRow: 0, onError: 'skip', duplicates: 'skip',
      columns: [
        { column: 0, target: { action: 'field', field: 'name' } }, { column: 1, target: { action: 'field', field: 'code' } },
        { column: 2, target: { action: 'field', field: 'city' } }, { column: 3, target: { action: 'field', field: 'level' } },
        { column: 4, target: { action: 'field', field: 'signedOn' }, dateOrder: 'mdy' }, { column: 5, target: { action: 'skip' } }
      ],
      options: { level: { 甲级: 'a' } }
    })
    await imports.run(t.actor, first.session, settings, 'zh-CN')
    expect(await imports.settle(t.actor, first.session)).toMatchObject({ phase: 'done', created: 1 })

    const next = await imports.open(t.actor, form.id, 'b.csv', file(['乙,C-2,宁波,甲级,01/02/17,y']))
    const again = await imports.columns(t.actor, next.session, 0, 0)
    expect(again.columns[2]).toMatchObject({ target: { action: 'field', field: 'city' }, guess: { source: 'remembered', confidence: 1 } })
    expect(again.columns[4]!.dateOrder).toEqual({ order: 'mdy', candidates: ['dmy', 'mdy'] })
    expect(again.columns[5]!.target).toEqual({ action: 'skip' })
    expect(again.remembered.options).toEqual({ level: { 甲级: 'a' } })
    expect(again.remembered.settings).toMatchObject({ onError: 'skip', duplicates: 'skip', mode: 'create', rules: false })
    // Another user starts from the guesses.
    const other = { ...t.actor, id: await t.core.org.createUser(t.actor.id, { name: '乙', login: 'other', password: 'secret123', roleIds: [] }) }
    t.core.db.prepare('UPDATE users SET is_admin = 1 WHERE id = ?').run(other.id)
    const theirs = await imports.open({ ...other, isAdmin: true }, form.id, 'c.csv', file(['丙,C-3,宁波,B,01/02/17,z']))
    expect((await imports.columns({ ...other, isAdmin: true }, theirs.session, 0, 0)).columns[2]!.target).toEqual({ action: 'skip' })
  })

  it('a failed all-or-nothing run takes back the field it created, and the next try creates it again', async () => {
    const { t, form } = await setup()
    const imports = t.core.transfer.imports
    const opened = await imports.open(t.actor, form.id, 'a.csv', file(['甲,C-1,杭州,A,2016-05-06,x', '乙,C-2,宁波,B,2016-05-07,y']))
    const settings = importSettings.parse({ sheet: 0, headerRow: 0, columns: [
      { column: 0, target: { action: 'field', field: 'name' } }, { column: 1, target: { action: 'field', field: 'code' } },
      { column: 5, target: { action: 'new', label: '备注栏', type: 'text', config: {} } }
    ] })
    expect((await imports.preview(t.actor, opened.session, settings, 'zh-CN')).invalid).toBe(0)
    t.core.writes.create(t.actor, form.id, { name: '先到', code: 'C-2' }) // taken after the preview
    await imports.run(t.actor, opened.session, settings, 'zh-CN')
    expect(await imports.settle(t.actor, opened.session)).toMatchObject({ phase: 'failed', created: 0 })
    expect(t.core.schema.form(form.id).fields.some((f) => f.label === '备注栏')).toBe(false)
    expect(t.core.db.prepare("SELECT COUNT(*) FROM fields WHERE label = '备注栏'").pluck().get()).toBe(0)
    // The session keeps everything: fix the clash and run again with the same settings.
    t.core.writes.update(t.actor, form.id, t.core.reads.list(t.actor, { form: form.id, limit: 5 }).records[0]!.id, { code: 'C-9' })
    await imports.run(t.actor, opened.session, settings, 'zh-CN')
    expect(await imports.settle(t.actor, opened.session)).toMatchObject({ phase: 'done', created: 2 })
    const field = t.core.schema.form(form.id).fields.find((f) => f.label === '备注栏')!
    expect(field).toBeDefined()
    // Next time the column goes to the field it created.
    const next = await imports.open(t.actor, form.id, 'b.csv', file(['丙,C-3,杭州,A,2016-05-06,z']))
    expect((await imports.columns(t.actor, next.session, 0, 0)).columns[5]!.target).toEqual({ action: 'field', field: field.apiKey })
  })
})
