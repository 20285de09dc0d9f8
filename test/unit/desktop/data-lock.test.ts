import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { DataDirLockedError, LOCK_FILE, lockDataDir } from '../../../src-main/desktop/data-lock'
import { translate } from '../../../src-main/shared/locales'

// One data folder, one process: a second program (desktop app or serve mode) is refused with a
// message naming the folder and the holder; a lock left by a crashed process is taken over.

const ROOT = resolve(import.meta.dirname, '../../..')
// Through tsx's loader in the same process (tsx's CLI would run the script in a child, another pid).
const TSX = ['--import', 'tsx']
const LOCK_MODULE = join(ROOT, 'src-main/desktop/data-lock.ts')

let dir: string
let child: ChildProcess | null = null
afterEach(() => {
  child?.kill('SIGKILL')
  child = null
  rmSync(dir, { recursive: true, force: true })
})

/** Another process holding the folder, like a running desktop app; resolves once it holds the lock. */
function holder(dataDir: string, app: 'desktop' | 'serve'): Promise<ChildProcess> {
  const script = join(dataDir, '..', `holder-${Date.now()}.ts`)
  writeFileSync(script, `import { lockDataDir } from ${JSON.stringify(LOCK_MODULE)}\nlockDataDir(${JSON.stringify(dataDir)}, { app: '${app}' })\nconsole.log('locked')\nsetInterval(() => {}, 1000)\n`)
  const proc = spawn(process.execPath, [...TSX, script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
  child = proc
  return new Promise((done, fail) => {
    let err = ''
    proc.stderr!.on('data', (c: Buffer) => (err += c.toString()))
    proc.stdout!.on('data', (c: Buffer) => c.toString().includes('locked') && done(proc))
    proc.on('exit', (code) => fail(new Error(`holder exited ${code}: ${err}`)))
  })
}

describe('the data folder lock', () => {
  it('refuses a second process with a translated message naming the folder and the holder', async () => {
    dir = join(mkdtempSync(join(tmpdir(), 'jimu-lock-')), 'data')
    const other = await holder(dir, 'desktop')
    const e = (() => {
      try {
        lockDataDir(dir, { app: 'serve' })
      } catch (err) {
        return err
      }
      throw new Error('expected the lock to be refused')
    })()
    expect(e).toBeInstanceOf(DataDirLockedError)
    const locked = e as DataDirLockedError
    expect(locked.holder).toMatchObject({ pid: other.pid, app: 'desktop' })
    const zh = translate('zh-CN', locked.messageKey, locked.params)
    const en = translate('en', locked.messageKey, locked.params)
    expect(zh).toContain(dir)
    expect(zh).toContain(`桌面应用（进程 ${other.pid}`)
    expect(en).toContain(`The data folder ${dir} is in use`)
    expect(en).toContain(`the desktop app (process ${other.pid}`)
  })

  it('takes over the lock of a process that crashed', async () => {
    dir = join(mkdtempSync(join(tmpdir(), 'jimu-lock-')), 'data')
    const other = await holder(dir, 'serve')
    other.kill('SIGKILL')
    await new Promise((r) => other.once('exit', r))
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')).pid).toBe(other.pid)
    const lock = lockDataDir(dir, { app: 'desktop' })
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid, app: 'desktop' })
    lock.release()
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false)
  })

  it('is released when the holder exits normally, so the next start finds no lock file', () => {
    dir = join(mkdtempSync(join(tmpdir(), 'jimu-lock-')), 'data')
    const script = join(dir, '..', 'exits.ts')
    writeFileSync(script, `import { lockDataDir } from ${JSON.stringify(LOCK_MODULE)}\nlockDataDir(${JSON.stringify(dir)}, { app: 'serve' })\nif (!require('node:fs').existsSync(${JSON.stringify(join(dir, LOCK_FILE))})) process.exit(3)\nprocess.exit(0)\n`)
    expect(spawnSync(process.execPath, [...TSX, script], { cwd: ROOT }).status).toBe(0)
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false)
  })

  it('treats a damaged lock file as stale, and respects a lock from another computer', () => {
    dir = mkdtempSync(join(tmpdir(), 'jimu-lock-'))
    writeFileSync(join(dir, LOCK_FILE), '{"pid":')
    lockDataDir(dir, { app: 'desktop' }).release()
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: 4242, host: 'front-desk-pc', app: 'desktop', since: 0 }))
    expect(() => lockDataDir(dir, { app: 'serve', isAlive: () => false })).toThrow(DataDirLockedError)
  })

  it('takes over a lock written before the machine last started, even when its pid was reused', () => {
    dir = mkdtempSync(join(tmpdir(), 'jimu-lock-'))
    const host = 'office-pc'
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: 4242, host, app: 'desktop', since: Date.UTC(2026, 0, 1) }))
    expect(() => lockDataDir(dir, { app: 'serve', host, isAlive: () => true, bootTime: Date.UTC(2025, 11, 31) })).toThrow(DataDirLockedError)
    lockDataDir(dir, { app: 'serve', host, isAlive: () => true, bootTime: Date.UTC(2026, 0, 2) }).release()
  })

  it('serve mode prints the reason in the language of LANG and exits 1, without a stack trace', async () => {
    dir = join(mkdtempSync(join(tmpdir(), 'jimu-lock-')), 'data')
    const other = await holder(dir, 'desktop')
    const script = join(dir, '..', 'second.ts')
    writeFileSync(script, `import { lockDataDirOrExit } from ${JSON.stringify(LOCK_MODULE)}\nlockDataDirOrExit(${JSON.stringify(dir)}, 'serve')\nconsole.log('should not get here')\n`)
    const en = spawnSync(process.execPath, [...TSX, script], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, LANG: 'en_US.UTF-8', LC_ALL: '', LC_MESSAGES: '' } })
    expect(en.status).toBe(1)
    expect(en.stdout).toBe('')
    expect(en.stderr.trim()).toMatch(new RegExp(`^The data folder .*data is in use by another Jimu CRM program: the desktop app \\(process ${other.pid} on`))
    expect(en.stderr).not.toContain('    at ')
    const zh = spawnSync(process.execPath, [...TSX, script], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, LANG: 'zh_CN.UTF-8', LC_ALL: '', LC_MESSAGES: '' } })
    expect(zh.status).toBe(1)
    expect(zh.stderr).toContain(`正被另一个积木 CRM 程序使用：桌面应用（进程 ${other.pid}`)
  })
})
