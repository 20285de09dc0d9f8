import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { APP_ID, DESKTOP_NAME } from '../../../src-main/desktop/identity'
import { VERSION } from '../../../src-main/version'

// The packaging config (electron-builder.yml) is valid for the installed electron-builder, hardens
// the binary (fuses, ASAR integrity), has real icons, and agrees with the app about who it is.

const ROOT = resolve(import.meta.dirname, '../../..')
const require = createRequire(join(ROOT, 'package.json'))
const yaml = require('js-yaml') as { load(text: string): unknown }
const config = yaml.load(readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8')) as Record<string, any>
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, any>

/** Width and height from a PNG's IHDR chunk. */
function pngSize(file: string): [number, number] {
  const png = readFileSync(file)
  expect(png.subarray(1, 4).toString('latin1')).toBe('PNG')
  return [png.readUInt32BE(16), png.readUInt32BE(20)]
}

describe('electron-builder.yml', () => {
  it("passes the installed electron-builder's own schema validation", async () => {
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as { validateConfiguration(c: unknown, logger: unknown): Promise<void> }
    const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown }
    await expect(validateConfiguration(structuredClone(config), new DebugLogger(false))).resolves.toBeUndefined()
  })

  it('flips the fuses and keeps ASAR integrity on', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      onlyLoadAppFromAsar: true,
      enableEmbeddedAsarIntegrityValidation: true,
      enableCookieEncryption: true,
      grantFileProtocolExtraPrivileges: false
    })
    expect(config.asar).not.toBe(false)
    expect(config.disableAsarIntegrity).not.toBe(true)
    expect(config.asarUnpack).toContain('node_modules/better-sqlite3/**')
  })

  it('is the same app the shell says it is: appId = AppUserModelID, desktopName synced on Linux', () => {
    expect(config.appId).toBe(APP_ID)
    expect(config.extraMetadata.desktopName).toBe(DESKTOP_NAME)
    expect(config.linux.syncDesktopName).toBe(true)
  })

  it('has real icons: 1024 px PNG, Linux sizes, a Windows .ico up to 256 px', () => {
    const res = join(ROOT, config.directories.buildResources)
    expect(pngSize(join(res, config.icon))).toEqual([1024, 1024])
    for (const n of [16, 32, 48, 64, 128, 256, 512]) expect(pngSize(join(res, config.linux.icon, `${n}x${n}.png`))).toEqual([n, n])
    const ico = readFileSync(join(res, config.win.icon))
    expect(ico.readUInt16LE(2)).toBe(1) // an icon resource
    const sizes = Array.from({ length: ico.readUInt16LE(4) }, (_, i) => ico.readUInt8(6 + 16 * i) || 256)
    expect(sizes).toEqual(expect.arrayContaining([16, 32, 48, 256]))
  })

  it('installs in Chinese and carries the metadata deb needs', () => {
    expect(config.nsis.language).toBe('2052')
    expect(config.nsis.installerLanguages[0]).toBe('zh_CN')
    expect(pkg.homepage).toMatch(/^https:\/\//)
    expect(pkg.author).toBeTruthy()
    expect(config.linux.maintainer).toBeTruthy()
  })

  it('has no signing secret in the file: signing comes from CSC_LINK and friends', () => {
    const text = readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8')
    expect(text).not.toMatch(/^\s*(cscLink|cscKeyPassword|certificatePassword|certificateFile)\s*:/m)
    expect(text).toContain('CSC_LINK')
  })
})

describe('one version, and a start script', () => {
  it("reports package.json's version everywhere (no second number in the source)", () => {
    expect(VERSION).toBe(pkg.version)
  })

  it('npm start and npm run dev go through scripts/start.mjs', () => {
    expect(pkg.scripts.start).toBe('node scripts/start.mjs preview')
    expect(pkg.scripts.dev).toBe('node scripts/start.mjs dev')
    expect(existsSync(join(ROOT, 'scripts/start.mjs'))).toBe(true)
  })
})
