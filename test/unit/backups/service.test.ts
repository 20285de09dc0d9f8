import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { CoreHost } from '../../../src-main/api/host'
import { Dispatcher } from '../../../src-main/api/dispatcher'
import { ManualClock } from '../../../src-main/clock'
import { backupDir, listBackups } from '../../../src-main/db/backup'
import { slotAfter, slotAtOrBefore } from '../../../src-main/backups/service'
import { RESTORE_CONFIRMATION } from '../../../src-main/shared/api/settings'
import { TEST_PASSWORD_COST } from '../../support/core'

// Backups while the app runs: on the owner's daily schedule (driven by the scheduler and the
// injectable clock), the chosen number kept, each copied to a second place and verified there,
// the header's status, and restores (from the backups folder or a file on a USB stick) through
// the dispatcher as the administrator — refused to everyone else.

const at = (d: number, h: number, m = 0) => new Date(2024, 2, d, h, m, 0).getTime()

let dataDir: string
let second: string
let clock: ManualClock
let host: CoreHost
let rpc: Dispatcher
let adminToken: string
let repToken: string

async function call<T = unknown>(method: string, input: unknown, token = adminToken): Promise<T> {
  const res = await rpc.call(method, input, { token })
  if (!res.ok) throw Object.assign(new Error(res.error.message), res.error)
  return res.data as T
}
async function refusal(method: string, input: unknown, token = adminToken) {
  const res = await rpc.call(method, input, { token })
  if (res.ok) throw new Error(`${method} answered`)
  return res.error
}

beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'jimu-backups-'))
  second = mkdtempSync(join(tmpdir(), 'jimu-usb-'))
  clock = new ManualClock(at(5, 10))
  host = await CoreHost.open({ dataDir, clock, passwordCost: TEST_PASSWORD_COST })
  rpc = new Dispatcher(host, () => {})
  const core = host.core
  const { user, token } = await core.auth.setup({ name: '管理员', login: 'admin', password: 'secret123' })
  adminToken = token
  await core.org.createUser(user.id, { name: '张三', login: 'zhang', password: 'secret123' })
  repToken = (await core.auth.login('zhang', 'secret123')).token
  const app = core.schema.createApp({ label: '销售' })
  core.schema.createForm({ appId: app.id, label: '客户', apiKey: 'customer', fields: [{ label: '名称', apiKey: 'name', type: 'text' }] })
  const actor = { id: user.id, name: user.name, isAdmin: true, locale: 'zh-CN' as const }
  for (const name of ['甲', '乙', '丙']) core.writes.create(actor, 'customer', { name })
})

afterEach(() => {
  host.close()
  rmSync(dataDir, { recursive: true, force: true })
  rmSync(second, { recursive: true, force: true })
})

describe('daily schedule', () => {
  it('the slots of a daily time, local time', () => {
    expect(slotAtOrBefore(at(5, 13), '12:30')).toBe(at(5, 12, 30))
    expect(slotAtOrBefore(at(5, 11), '12:30')).toBe(at(4, 12, 30))
    expect(slotAfter(at(5, 11), '12:30')).toBe(at(5, 12, 30))
    expect(slotAfter(at(5, 12, 30), '12:30')).toBe(at(6, 12, 30))
  })

  it('the scheduler takes a backup once the day’s time has passed, once a day, as the clock moves', async () => {
    const scheduler = host.core.scheduler
    await scheduler.tick()
    expect(listBackups(dataDir)).toEqual([])
    clock.set(at(5, 12, 29))
    await scheduler.tick()
    expect(listBackups(dataDir)).toEqual([])
    clock.set(at(5, 12, 31))
    await scheduler.tick()
    expect(listBackups(dataDir).map((b) => b.reason)).toEqual(['scheduled'])
    // Like every backup, it carries the audit chain's signed head, so a restore of it verifies.
    expect(existsSync(join(backupDir(dataDir), `${listBackups(dataDir)[0]!.file}.audit.json`))).toBe(true)
    clock.set(at(5, 18))
    await scheduler.tick()
    expect(listBackups(dataDir)).toHaveLength(1)
    clock.set(at(6, 12, 30))
    await scheduler.tick()
    expect(listBackups(dataDir).map((b) => b.file)).toEqual([expect.stringMatching(/^jimu-20240306-123000-scheduled\.db$/), expect.stringMatching(/^jimu-20240305-123100-scheduled\.db$/)])
  })

  it('the owner’s time counts, and no schedule means no scheduled backup', async () => {
    await call('settings.updateBackup', { time: '08:15' })
    clock.set(at(6, 8, 20))
    await host.core.scheduler.tick()
    expect(listBackups(dataDir).map((b) => b.reason)).toEqual(['scheduled'])
    await call('settings.updateBackup', { scheduled: false })
    clock.set(at(9, 9))
    await host.core.scheduler.tick()
    expect(listBackups(dataDir)).toHaveLength(1)
  })

  it('keeps the chosen number, here and in the second place', async () => {
    await call('settings.updateBackup', { keep: 3, copyTo: second })
    for (let i = 0; i < 5; i++) {
      clock.advance(60_000)
      await call('backups.run', {})
    }
    expect(listBackups(dataDir)).toHaveLength(3)
    expect(readdirSync(second).filter((f) => f.endsWith('.db'))).toHaveLength(3)
  })
})

describe('second place', () => {
  it('copies each backup there, verifies it and records where it is', async () => {
    await call('settings.updateBackup', { copyTo: second })
    const entry = await call<{ file: string; copies: Array<{ path: string; ok: boolean }> }>('backups.run', {})
    expect(entry.copies).toEqual([expect.objectContaining({ path: join(second, entry.file), ok: true })])
    expect(existsSync(join(second, entry.file))).toBe(true)
    const overview = await call<Array<{ file: string; copies: unknown[] }>>('backups.overview', {})
    expect(overview[0]!.copies).toHaveLength(1)
    expect((await call<{ copyFailed: unknown }>('backups.status', {})).copyFailed).toBeNull()
  })

  it('an unreachable second place (USB stick pulled out) is recorded and shown by the status; the backup itself is kept', async () => {
    await call('settings.updateBackup', { copyTo: second })
    rmSync(second, { recursive: true, force: true })
    const entry = await call<{ file: string; copies: Array<{ ok: boolean }> }>('backups.run', {})
    expect(entry.copies).toEqual([expect.objectContaining({ ok: false })])
    expect(listBackups(dataDir).map((b) => b.file)).toContain(entry.file)
    const status = await call<{ copyFailed: { path: string } | null }>('backups.status', {})
    expect(status.copyFailed?.path).toBe(second)
  })

  it('a folder that does not exist or is not a folder is refused, naming the field, and nothing changes', async () => {
    const missing = await refusal('settings.updateBackup', { copyTo: join(second, 'nope') })
    expect(missing).toMatchObject({ code: 'VALIDATION', field: 'copyTo' })
    const file = join(second, 'a.txt')
    writeFileSync(file, 'x')
    expect(await refusal('settings.updateBackup', { copyTo: file })).toMatchObject({ code: 'VALIDATION', field: 'copyTo' })
    expect(await refusal('settings.updateBackup', { copyTo: 'relative/path' })).toMatchObject({ field: 'copyTo' })
    expect((await call<{ backup: { copyTo: string | null } }>('settings.get', {})).backup.copyTo).toBeNull()
  })
})

describe('status for the header', () => {
  it('is overdue when the last good backup is older than the schedule allows', async () => {
    clock.set(at(5, 12, 31))
    await host.core.scheduler.tick()
    expect((await call<{ overdue: boolean }>('backups.status', {})).overdue).toBe(false)
    // The next slot is 12:30 tomorrow: an hour late is within the grace period, three are not.
    clock.set(at(6, 13, 30))
    expect((await call<{ overdue: boolean }>('backups.status', {})).overdue).toBe(false)
    clock.set(at(6, 15, 30))
    expect((await call<{ overdue: boolean }>('backups.status', {})).overdue).toBe(true)
    await host.core.scheduler.tick()
    expect((await call<{ overdue: boolean }>('backups.status', {})).overdue).toBe(false)
  })

  it('is refused to everyone but administrators, like every backup and settings method', async () => {
    for (const method of ['backups.status', 'backups.overview', 'backups.run', 'settings.get', 'settings.updateBackup', 'settings.updateCompany']) {
      expect((await refusal(method, {}, repToken)).code).toBe('PERMISSION')
    }
  })
})

describe('restore', () => {
  it('previews a backup (records per form, time) and restores it only when 恢复 is typed', async () => {
    const entry = await call<{ file: string }>('backups.run', {})
    const preview = await call<{ createdAt: string; forms: Array<{ apiKey: string; count: number }>; users: number }>('backups.preview', { file: entry.file })
    expect(preview.forms).toEqual([expect.objectContaining({ apiKey: 'customer', count: 3 })])
    expect(preview.users).toBe(2)
    expect(new Date(preview.createdAt).getTime()).toBe(clock.now())
    const admin = { id: 1, name: '管理员', isAdmin: true, locale: 'zh-CN' as const }
    host.core.writes.create(admin, 'customer', {})
    expect(host.core.reads.count(admin, { form: 'customer' }).total).toBe(4)
    expect((await refusal('backups.restoreFrom', { file: entry.file, confirm: '确定' })).code).toBe('VALIDATION')
    expect(host.core.reads.count(admin, { form: 'customer' }).total).toBe(4)
    await call('backups.restoreFrom', { file: entry.file, confirm: RESTORE_CONFIRMATION })
    expect(host.core.reads.count(admin, { form: 'customer' }).total).toBe(3)
  })

  it('restores from a file path (a backup on a USB stick), after checking it is a Jimu database', async () => {
    await call('settings.updateBackup', { copyTo: second })
    const entry = await call<{ file: string }>('backups.run', {})
    const admin = { id: 1, name: '管理员', isAdmin: true, locale: 'zh-CN' as const }
    host.core.writes.create(admin, 'customer', {})
    const onStick = join(second, entry.file)
    expect((await call<{ forms: Array<{ count: number }> }>('backups.preview', { path: onStick })).forms[0]!.count).toBe(3)
    const junk = join(second, 'notes.db')
    writeFileSync(junk, 'not a database')
    expect(await refusal('backups.preview', { path: junk })).toMatchObject({ code: 'VALIDATION' })
    expect(await refusal('backups.restoreFrom', { path: junk, confirm: RESTORE_CONFIRMATION })).toMatchObject({ code: 'VALIDATION' })
    expect(host.core.reads.count(admin, { form: 'customer' }).total).toBe(4)
    await call('backups.restoreFrom', { path: onStick, confirm: RESTORE_CONFIRMATION })
    expect(host.core.reads.count(admin, { form: 'customer' }).total).toBe(3)
    // The data before the restore was backed up first, and that backup goes to the second place too.
    const pre = listBackups(dataDir).find((b) => b.reason === 'pre-restore')!
    expect(pre).toBeDefined()
    await host.core.scheduler.tick()
    expect(existsSync(join(second, pre.file))).toBe(true)
    expect((await call<Array<{ file: string; copies: Array<{ ok: boolean }> }>>('backups.overview', {})).find((b) => b.file === pre.file)!.copies).toEqual([expect.objectContaining({ ok: true })])
  })
})
