import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { servedCore } from '../../support/http'
import { backupDir } from '../../../src-main/db/backup'
import { Dispatcher } from '../../../src-main/api/dispatcher'

// Restoring a backup from the running server: a bad request is refused before anything stops, and
// a real restore stops the scheduler and the worker threads before it closes the database, so
// nothing runs against the closed connection and the server keeps answering with the restored data.

let served: Awaited<ReturnType<typeof servedCore>>
let cookie: string
const rejections: unknown[] = []
const onRejection = (e: unknown) => rejections.push(e)

async function rpc(method: string, input: unknown, locale = 'zh-CN') {
  // RPC answers 200 with {ok: false, error: {code}}; REST maps the code to its 4xx status.
  const res = await fetch(`${served.base}/rpc/${method}`, { method: 'POST', headers: { 'content-type': 'application/json', cookie, 'accept-language': locale }, body: JSON.stringify(input) })
  return { status: res.status, body: (await res.json()) as { ok: boolean; data?: any; error?: any } }
}

beforeEach(async () => {
  rejections.length = 0
  process.on('unhandledRejection', onRejection)
  served = await servedCore({ prefix: 'jimu-restore-' })
  const res = await fetch(`${served.base}/rpc/auth.setup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: '王总', login: 'wang', password: 'secret123' }) })
  cookie = res.headers.get('set-cookie')!.split(';')[0]!
})
afterEach(async () => {
  await served.close()
  process.off('unhandledRejection', onRejection)
})

describe('backups.restore', () => {
  it('refuses a file that does not exist, a bad name and a corrupt file with a translated error naming it, and keeps the running core', async () => {
    const core = served.host.core
    void core.scheduler.start()
    const missing = await rpc('backups.restore', { file: 'jimu-20990101-000000-manual.db' })
    expect(missing.body.error).toMatchObject({ code: 'NOT_FOUND', message: '找不到备份文件“jimu-20990101-000000-manual.db”' })
    const outside = await rpc('backups.restore', { file: '../jimu.db' }, 'en')
    expect(outside.body.error).toMatchObject({ code: 'VALIDATION', field: 'file', message: 'Backup "../jimu.db" not found' })
    writeFileSync(join(backupDir(served.dataDir), 'jimu-20240101-000000-manual.db'), 'this is not a database')
    const corrupt = await rpc('backups.restore', { file: 'jimu-20240101-000000-manual.db' })
    expect(corrupt.body.error.code).toBe('VALIDATION')
    expect(corrupt.body.error.message).toBe('备份文件“jimu-20240101-000000-manual.db”已损坏（完整性检查失败），未恢复')
    // Nothing was closed or reopened: the same core, its connection and its scheduler still run.
    expect(served.host.core).toBe(core)
    expect(core.db.open).toBe(true)
    expect(core.scheduler.started).toBe(true)
    expect((await rpc('backups.list', {})).status).toBe(200)
    expect(rejections).toEqual([])
  })

  it('restores while the scheduler runs due jobs: the jobs finish before the connection closes, and the server answers afterwards', async () => {
    const before = served.host.core
    const app = await rpc('apps.create', { label: '销售' })
    const form = await rpc('forms.create', { appId: app.body.data.id, label: '客户', fields: [{ label: '名称', type: 'text' }] })
    await rpc('records.create', { form: form.body.data.id, fields: { mingCheng: '备份前' } })
    const backup = await rpc('backups.create', {})
    await rpc('records.create', { form: form.body.data.id, fields: { mingCheng: '备份后' } })

    // Slow due jobs that use the connection after a pause, the way a rule action or a webhook does.
    const touched: boolean[] = []
    let started!: () => void
    const running = new Promise<void>((r) => (started = r))
    before.scheduler.registerKind('test.slow', async () => {
      started()
      await new Promise((r) => setTimeout(r, 40))
      touched.push(before.db.open)
      before.db.prepare('SELECT COUNT(*) FROM jobs').get()
    }, { maxAttempts: 1 })
    for (let i = 0; i < 5; i++) before.scheduler.enqueue('test.slow', { i })
    void before.scheduler.start()
    // A rule scan worker and a report scan worker are running too.
    await before.rules.scan('SELECT 1 AS one', [])
    before.reports.engine.warm()
    await running

    const [restored, second] = await Promise.all([rpc('backups.restore', { file: backup.body.data.file }), rpc('backups.restore', { file: backup.body.data.file })])
    expect(restored.body).toEqual({ ok: true, data: { ok: true } })
    // A second restore while one runs is refused, not run against the files being swapped.
    expect(second.body.error).toMatchObject({ code: 'CONFLICT', message: `正在恢复备份“${backup.body.data.file}”，请稍后再试` })
    expect(touched.length).toBeGreaterThan(0)
    expect(touched.every(Boolean)).toBe(true)
    expect(before.db.open).toBe(false)

    const after = served.host.core
    expect(after).not.toBe(before)
    expect(after.scheduler.started).toBe(true)
    const list = await rpc('records.list', { form: form.body.data.id, limit: 10 })
    expect(list.status).toBe(200)
    expect(list.body.data.records.map((r: any) => r.fields.mingCheng)).toEqual(['备份前'])
    // The restored trail verifies against the checkpoints its backup carried, and records the restore.
    const verify = await rpc('audit.verify', {})
    expect(verify.body.data).toMatchObject({ ok: true, brokenAt: null, missingAfter: null })
    const entries = (await rpc('audit.list', { op: 'backup.restore' })).body.data.entries
    expect(entries[0]).toMatchObject({ opLabel: '恢复备份', actor: { name: '王总' } })
    await new Promise((r) => setTimeout(r, 100))
    expect(rejections).toEqual([])
  })

  it('answers every call made while the database is being swapped with a translated "try again", never an internal error', async () => {
    const backup = await rpc('backups.create', {})
    const dispatcher = new Dispatcher(served.host, () => {})
    const token = decodeURIComponent(cookie.split('=')[1]!)
    const restoring = served.host.restore(backup.body.data.file)
    const during = await dispatcher.call('apps.list', {}, { token, locale: 'zh-CN' })
    expect(during).toMatchObject({ ok: false, error: { code: 'CONFLICT', message: `正在恢复备份“${backup.body.data.file}”，请稍后再试` } })
    await restoring
    expect(await dispatcher.call('apps.list', {}, { token, locale: 'zh-CN' })).toMatchObject({ ok: true })
  })
})
