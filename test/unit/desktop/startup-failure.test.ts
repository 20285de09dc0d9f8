import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { reportStartupFailure, STARTUP_LOG } from '../../../src-main/desktop/startup-failure'
import { DataDirLockedError } from '../../../src-main/desktop/data-lock'
import { nativeModuleError } from '../../../src-main/db/connection'

// A desktop start-up failure is shown (dialog title and text in the user's language) and logged
// with its stack in the data folder.

let dir: string
afterEach(() => rmSync(dir, { recursive: true, force: true }))
const versions = { 'jimu-crm': '0.1.0', electron: '45.4.1', node: '24.11.0' }

describe('start-up failure report', () => {
  it('appends the error, its stack and the versions to startup-error.log and names the file in the dialog', () => {
    dir = mkdtempSync(join(tmpdir(), 'jimu-startup-'))
    const error = new Error('SQLITE_CORRUPT: database disk image is malformed')
    const zh = reportStartupFailure(error, { dataDir: dir, locale: 'zh-CN', now: Date.UTC(2026, 0, 2), versions })
    expect(zh.title).toBe('积木 CRM 无法启动')
    expect(zh.body).toContain('SQLITE_CORRUPT: database disk image is malformed')
    expect(zh.body).toContain(join(dir, STARTUP_LOG))
    const log = readFileSync(join(dir, STARTUP_LOG), 'utf8')
    expect(log).toContain('[2026-01-02T00:00:00.000Z] start-up failed (jimu-crm 0.1.0, electron 45.4.1, node 24.11.0')
    expect(log).toContain('at ') // the stack, for support
    const en = reportStartupFailure(new Error('second'), { dataDir: dir, locale: 'en', now: Date.UTC(2026, 0, 3), versions })
    expect(en.title).toBe('Jimu CRM could not start')
    expect(readFileSync(join(dir, STARTUP_LOG), 'utf8')).toContain('second')
    expect(readFileSync(join(dir, STARTUP_LOG), 'utf8')).toContain('malformed')
  })

  it('shows a domain error translated: the locked folder names the folder and the holder', () => {
    dir = mkdtempSync(join(tmpdir(), 'jimu-startup-'))
    const error = new DataDirLockedError('D:\\积木数据', { pid: 4321, host: 'office-pc', app: 'serve', since: Date.UTC(2026, 0, 2, 1, 30) })
    const report = reportStartupFailure(error, { dataDir: dir, locale: 'zh-CN', now: Date.now(), versions })
    expect(report.body).toContain('数据文件夹 D:\\积木数据 正被另一个积木 CRM 程序使用：浏览器/局域网服务 npm run serve（进程 4321，电脑 office-pc')
  })

  it('still explains the failure when the log cannot be written', () => {
    dir = mkdtempSync(join(tmpdir(), 'jimu-startup-'))
    const notADir = join(dir, 'file')
    writeFileSync(notADir, '')
    const report = reportStartupFailure(new Error('boom'), { dataDir: notADir, locale: 'en', now: Date.now(), versions })
    expect(report.log).toBeNull()
    expect(report.body).toMatch(/^boom\n\nThe log file could not be written: /)
  })

  it('turns a native module load failure into a message a user can act on', () => {
    dir = mkdtempSync(join(tmpdir(), 'jimu-startup-'))
    const dlopen = Object.assign(new Error('/app/node_modules/better-sqlite3/prebuilds/win32-x64.node is not a valid Win32 application.'), { code: 'ERR_DLOPEN_FAILED' })
    const typed = nativeModuleError(dlopen)
    expect(typed?.messageKey).toBe('desktop.nativeModule')
    const report = reportStartupFailure(typed, { dataDir: dir, locale: 'zh-CN', now: Date.now(), versions })
    expect(report.body).toContain('数据库组件 better-sqlite3 无法在 Node.js')
    expect(nativeModuleError(new Error('SQLITE_BUSY: database is locked'))).toBeNull()
  })
})
