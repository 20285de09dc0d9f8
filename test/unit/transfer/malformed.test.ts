import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testCore } from '../../support/core'
import { importSettings } from '../../../src-main/shared/api/transfer'
import { SHEET_HEAD, SHEET_TAIL, inlineRow, xlsx, xlsxParts } from './fixtures'

// Malformed files: each is refused with a clear, translated error, and nothing is written.

let t: Awaited<ReturnType<typeof testCore>>
let formId: number
beforeAll(async () => {
  t = await testCore()
  formId = t.form('客户', [{ label: '名称', apiKey: 'name', type: 'text' }]).id
})
afterAll(() => t.close())

async function refused(name: string, data: Buffer): Promise<{ messageKey: string; message: string }> {
  const e = await t.core.transfer.imports.open(t.actor, formId, name, data).then(() => null, (err: unknown) => err as { messageKey: string; params: Record<string, string> })
  expect(e, `${name} should be refused`).not.toBeNull()
  expect(t.core.reads.count(t.actor, { form: formId }).total).toBe(0)
  expect(t.core.db.prepare('SELECT COUNT(*) FROM import_batches').pluck().get()).toBe(0)
  const { translate } = await import('../../../src-main/shared/locales')
  const message = translate('zh-CN', e!.messageKey, e!.params)
  expect(message).not.toContain('transfer.')
  return { messageKey: e!.messageKey, message }
}

const good = () => xlsx((wb) => { const ws = wb.addWorksheet('s'); ws.addRow(['名称']); for (let i = 0; i < 200; i++) ws.addRow([`客户${i}`]) })

describe('malformed files', () => {
  it('a damaged zip', async () => {
    const data = Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.alloc(2000, 7)])
    expect(await refused('客户.xlsx', data)).toMatchObject({ messageKey: 'transfer.error.badZip' })
  })

  it('a truncated file', async () => {
    const data = await good()
    const r = await refused('客户.xlsx', data.subarray(0, Math.floor(data.length * 0.6)))
    expect(r.messageKey).toBe('transfer.error.badZip')
    expect(r.message).toContain('已损坏或不完整')
  })

  it('a cell longer than Excel allows', async () => {
    const data = await xlsx((wb) => { const ws = wb.addWorksheet('s'); ws.addRow(['名称']); ws.addRow(['x'.repeat(40_000)]) })
    const r = await refused('客户.xlsx', data)
    expect(r.messageKey).toBe('transfer.error.hugeCell')
    expect(r.message).toContain('s!A2')
  })

  it('a sheet of a million empty rows', async () => {
    const rows: string[] = []
    for (let r = 1; r <= 1_000_000; r++) rows.push(`<row r="${r}"/>`)
    const data = xlsxParts(SHEET_HEAD + rows.join('') + SHEET_TAIL)
    expect(await refused('空.xlsx', data)).toMatchObject({ messageKey: 'sheet.empty' })
  }, 60_000)

  it('a header followed by a million empty rows imports nothing', async () => {
    const rows: string[] = [inlineRow(1, ['名称'])]
    for (let r = 2; r <= 1_000_000; r++) rows.push(`<row r="${r}"><c r="A${r}"/></row>`)
    const data = xlsxParts(SHEET_HEAD + rows.join('') + SHEET_TAIL)
    const opened = await t.core.transfer.imports.open(t.actor, formId, '空行.xlsx', data)
    expect(opened.sheets[0]!.rows).toBe(0)
    const settings = importSettings.parse({ sheet: 0, headerRow: 0, columns: [{ column: 0, target: { action: 'field', field: 'name' } }] })
    await expect(t.core.transfer.imports.run(t.actor, opened.session, settings, 'zh-CN')).rejects.toMatchObject({ messageKey: 'transfer.error.noRows' })
    expect(t.core.reads.count(t.actor, { form: formId }).total).toBe(0)
  }, 60_000)

  it('a zip bomb (huge ratio) and a zip whose directory lies about the size', async () => {
    const bomb = xlsxParts(Buffer.alloc(40 * 1024 * 1024, 0x20))
    expect(bomb.length).toBeLessThan(200_000)
    expect(await refused('炸弹.xlsx', bomb)).toMatchObject({ messageKey: 'transfer.error.zipBomb' })
    const liar = xlsxParts(Buffer.alloc(5 * 1024 * 1024, 0x20), 1000)
    expect(await refused('谎报.xlsx', liar)).toMatchObject({ messageKey: 'transfer.error.zipBomb' })
  })

  it('a text file in an encoding that is neither UTF-8 nor GBK, an old .xls, an unknown type', async () => {
    const utf16 = Buffer.from('名称,电话\r\n北京积木,13800138000\r\n', 'utf16le')
    expect(await refused('客户.csv', utf16)).toMatchObject({ messageKey: 'transfer.error.encoding' })
    const ole = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(4000)])
    const xls = await refused('客户.xls', ole)
    expect(xls.message).toContain('另存为')
    expect(await refused('客户.pdf', Buffer.from('%PDF-1.4'))).toMatchObject({ messageKey: 'sheet.unsupported' })
  })

  it('a good file after all that still imports', async () => {
    const opened = await t.core.transfer.imports.open(t.actor, formId, '客户.xlsx', await good())
    expect(opened.sheets[0]!.rows).toBe(200)
  })
})
