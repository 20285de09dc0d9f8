import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { installErrorLine, locateElectron, localeFromEnv, missingElectronMessage, nextStep, platformExecutable } from '../../../scripts/electron-binary.mjs'

// `npm start` (scripts/start.mjs): find the Electron binary, or run the electron package's own
// install step, or explain in a few translated lines how to get it and that `npm run serve` runs
// the same app in a browser.

const ROOT = resolve(import.meta.dirname, '../../..')
let dir: string
afterEach(() => rmSync(dir, { recursive: true, force: true }))

/** A node_modules/electron folder as the electron package leaves it. */
function electronPackage(files: Record<string, string>): string {
  dir = mkdtempSync(join(tmpdir(), 'jimu-electron-pkg-'))
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true })
    writeFileSync(join(dir, name), text)
  }
  return dir
}

const fsOf = { exists: (p: string) => statSync(p, { throwIfNoEntry: false })?.isFile() === true, readFile: (p: string) => readFileSync(p, 'utf8') }

describe('finding the Electron binary', () => {
  it('uses the installed binary that path.txt names, of the package version', () => {
    const electronDir = electronPackage({ 'path.txt': 'electron', 'dist/version': 'v45.4.1', 'dist/electron': '' })
    const located = locateElectron({ electronDir, version: '45.4.1', env: {}, platform: 'linux', ...fsOf })
    expect(located).toEqual({ found: true, path: join(electronDir, 'dist', 'electron'), source: 'installed' })
    expect(nextStep(located, { installTried: false })).toEqual({ action: 'run', path: join(electronDir, 'dist', 'electron') })
  })

  it('runs the install step when the binary is missing (Electron ≥ 42 downloads on first run), and explains after it failed', () => {
    const cases: Record<string, string>[] = [{}, { 'path.txt': 'electron' }, { 'path.txt': 'electron', 'dist/version': '44.0.0', 'dist/electron': '' }]
    for (const files of cases) {
      const electronDir = electronPackage(files)
      const located = locateElectron({ electronDir, version: '45.4.1', env: {}, platform: 'linux', ...fsOf })
      expect(located).toEqual({ found: false, reason: 'not-installed', expected: join(electronDir, 'dist', 'electron') })
      expect(nextStep(located, { installTried: false })).toEqual({ action: 'install' })
      expect(nextStep(located, { installTried: true })).toEqual({ action: 'explain' })
      rmSync(dir, { recursive: true, force: true })
    }
    dir = mkdtempSync(join(tmpdir(), 'jimu-electron-pkg-'))
  })

  it('honours ELECTRON_OVERRIDE_DIST_PATH and never downloads over a folder the user chose', () => {
    const electronDir = electronPackage({ 'unpacked/electron.exe': '' })
    const env = { ELECTRON_OVERRIDE_DIST_PATH: join(electronDir, 'unpacked') }
    expect(locateElectron({ electronDir, version: '45.4.1', env, platform: 'win32', ...fsOf })).toEqual({ found: true, path: join(electronDir, 'unpacked', 'electron.exe'), source: 'override' })
    const missing = locateElectron({ electronDir, version: '45.4.1', env, platform: 'darwin', ...fsOf })
    expect(missing).toEqual({ found: false, reason: 'override-missing', expected: join(electronDir, 'unpacked', 'Electron.app/Contents/MacOS/Electron') })
    expect(nextStep(missing, { installTried: false })).toEqual({ action: 'explain' })
    expect(platformExecutable('linux')).toBe('electron')
  })

  it('explains in Chinese by default and in English when LANG says so: what is missing, how to get it, npm run serve', () => {
    expect(localeFromEnv({})).toBe('zh-CN')
    expect(localeFromEnv({ LANG: 'C.UTF-8' })).toBe('zh-CN')
    expect(localeFromEnv({ LANG: 'en_US.UTF-8' })).toBe('en')
    expect(localeFromEnv({ LANG: 'en_US.UTF-8', LC_ALL: 'zh_CN.UTF-8' })).toBe('zh-CN')
    const located = { found: false as const, reason: 'not-installed' as const, expected: '/x/node_modules/electron/dist/electron' }
    const zh = missingElectronMessage({ locale: 'zh-CN', located, version: '45.4.1', platform: 'linux', arch: 'x64', installError: 'TypeError: fetch failed' })
    expect(zh).toContain('缺少 Electron 45.4.1 程序（/x/node_modules/electron/dist/electron）')
    expect(zh).toContain('下载失败（TypeError: fetch failed）')
    expect(zh).toContain('ELECTRON_OVERRIDE_DIST_PATH')
    expect(zh).toContain('electron-v45.4.1-linux-x64.zip')
    expect(zh).toContain('npm run serve')
    const en = missingElectronMessage({ locale: 'en', located, version: '45.4.1', platform: 'win32', arch: 'x64', installError: null })
    expect(en).toMatch(/^Cannot start the desktop app: the Electron 45\.4\.1 program is missing/)
    expect(en).toContain('npm run serve')
    expect(installErrorLine('Downloading Electron binary...\nTypeError: fetch failed\n    at node:internal/deps/undici\n')).toBe('TypeError: fetch failed')
  })

  it('npm start without the binary prints the message and exits 1, without a stack trace and without building', () => {
    dir = mkdtempSync(join(tmpdir(), 'jimu-electron-none-'))
    const run = spawnSync(process.execPath, ['scripts/start.mjs', 'preview'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, LANG: 'en_US.UTF-8', LC_ALL: '', LC_MESSAGES: '', ELECTRON_OVERRIDE_DIST_PATH: dir } })
    expect(run.status).toBe(1)
    expect(run.stderr).toContain(`the Electron`)
    expect(run.stderr).toContain(`(${join(dir, platformExecutable(process.platform))})`)
    expect(run.stderr).toContain('npm run serve')
    expect(run.stderr).not.toMatch(/^\s+at /m)
    expect(run.stdout).not.toContain('building')
  })
})
