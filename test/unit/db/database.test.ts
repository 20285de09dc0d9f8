import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { TEST_PASSWORD_COST } from '../../support/core'
import { getTableConfig } from 'drizzle-orm/sqlite-core'
import { Core, restoreBackup } from '../../../src-main/core'
import { ManualClock } from '../../../src-main/clock'
import * as schema from '../../../src-main/db/schema'
import { openSqlite } from '../../../src-main/db/connection'
import { latestVersion, MIGRATIONS } from '../../../src-main/db/migrations'
import { BACKUPS_KEPT, backupDir, listBackups } from '../../../src-main/db/backup'

const dirs: string[] = []
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'jimu-db-'))
  dirs.push(d)
  return d
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

const DAY = 86_400_000

describe('database', () => {
  it('opens with WAL, foreign keys and a busy timeout, migrated to the latest version', async () => {
    const core = await Core.open({ dataDir: tempDir() })
    expect(core.db.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(core.db.pragma('foreign_keys', { simple: true })).toBe(1)
    expect(core.db.pragma('busy_timeout', { simple: true })).toBe(5000)
    expect(core.db.pragma('user_version', { simple: true })).toBe(latestVersion())
    core.close()
  })

  it('migrations create exactly the columns the drizzle schema declares', async () => {
    const core = await Core.open({ dataDir: tempDir() })
    for (const table of Object.values(schema)) {
      const config = getTableConfig(table as Parameters<typeof getTableConfig>[0])
      const actual = core.db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all(config.name) as string[]
      expect(actual.sort(), config.name).toEqual(config.columns.map((c) => c.name).sort())
    }
    core.close()
  })

  it('backs up on start at most once a day and keeps the newest 14', async () => {
    const dataDir = tempDir()
    const clock = new ManualClock(new Date(2024, 0, 1, 9).getTime())
    ;(await Core.open({ dataDir, clock })).close()
    expect(listBackups(dataDir)).toHaveLength(0)
    ;(await Core.open({ dataDir, clock })).close()
    ;(await Core.open({ dataDir, clock })).close()
    expect(listBackups(dataDir).map((b) => b.reason)).toEqual(['daily'])
    for (let day = 1; day <= 20; day++) {
      clock.advance(DAY)
      ;(await Core.open({ dataDir, clock })).close()
    }
    const kept = listBackups(dataDir)
    expect(kept).toHaveLength(BACKUPS_KEPT)
    expect(kept[0]!.file).toContain('20240121')
  })

  it('backs up before applying a migration, then migrates', async () => {
    const dataDir = tempDir()
    const first = await Core.open({ dataDir, passwordCost: TEST_PASSWORD_COST })
    await first.auth.setup({ name: '管理员', login: 'admin', password: 'secret123' })
    first.close()
    MIGRATIONS.push({ version: latestVersion() + 1, name: 'test', sql: 'CREATE TABLE test_migration (x TEXT)' })
    try {
      const core = await Core.open({ dataDir, passwordCost: TEST_PASSWORD_COST })
      expect(core.db.prepare("SELECT COUNT(*) FROM sqlite_master WHERE name = 'test_migration'").pluck().get()).toBe(1)
      core.close()
      const pre = listBackups(dataDir).find((b) => b.reason === 'pre-migration')
      expect(pre).toBeDefined()
      // The backup holds the data as it was before the migration.
      const copy = openSqlite(join(dataDir, 'backups', pre!.file), { readonly: true })
      expect(copy.prepare('SELECT login FROM users').pluck().all()).toEqual(['admin'])
      expect(copy.pragma('user_version', { simple: true })).toBe(latestVersion() - 1)
      copy.close()
    } finally {
      MIGRATIONS.pop()
    }
  })

  it('restores a chosen backup after checking its integrity, backing up the current database first', async () => {
    const dataDir = tempDir()
    const core = await Core.open({ dataDir, passwordCost: TEST_PASSWORD_COST })
    await core.auth.setup({ name: '管理员', login: 'admin', password: 'secret123' })
    const app = core.schema.createApp({ label: '销售' })
    const form = core.schema.createForm({ appId: app.id, label: '客户', fields: [{ label: '名称', type: 'text' }] })
    const actor = { id: 1, name: '管理员', isAdmin: true, locale: 'zh-CN' as const }
    core.writes.create(actor, form.id, { 名称: '备份前' })
    const backup = await core.backup()
    core.writes.create(actor, form.id, { 名称: '备份后' })
    core.close()

    await restoreBackup(dataDir, backup.file)
    const restored = await Core.open({ dataDir, passwordCost: TEST_PASSWORD_COST })
    expect(restored.reads.list(actor, { form: form.id, limit: 10 }).records.map((r) => r.fields.mingCheng)).toEqual(['备份前'])
    expect(restored.backups().some((b) => b.reason === 'pre-restore')).toBe(true)
    restored.close()
  })

  it('refuses a corrupt backup and leaves the database as it was', async () => {
    const dataDir = tempDir()
    const core = await Core.open({ dataDir, passwordCost: TEST_PASSWORD_COST })
    await core.auth.setup({ name: '管理员', login: 'admin', password: 'secret123' })
    core.close()
    writeFileSync(join(backupDir(dataDir), 'jimu-20240101-000000-manual.db'), 'this is not a database')
    await expect(restoreBackup(dataDir, 'jimu-20240101-000000-manual.db')).rejects.toMatchObject({ messageKey: 'error.backupCorrupt' })
    await expect(restoreBackup(dataDir, '../jimu.db')).rejects.toMatchObject({ messageKey: 'error.backupNotFound' })
    const again = await Core.open({ dataDir, passwordCost: TEST_PASSWORD_COST })
    expect(again.auth.needsSetup()).toBe(false)
    again.close()
    expect(existsSync(join(dataDir, 'jimu.db'))).toBe(true)
    expect(readdirSync(join(dataDir, 'backups')).some((f) => f.includes('pre-restore'))).toBe(false)
  })
})
