import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openDatabase } from '../../../src-main/db/connection'

// The desktop app loads better-sqlite3 inside Electron, whose Node ABI (NODE_MODULE_VERSION) is not
// the ABI of the Node that runs `npm install`. That only works without a rebuild because
// better-sqlite3 13 is a Node-API addon: its binary exports napi_register_module_v1 and loads in any
// ABI. If an upgrade (or a local `node-gyp rebuild`) brought an ABI-specific binary back, the app
// would start in Node (serve mode, tests) and fail in Electron — this test fails first.

const ROOT = resolve(import.meta.dirname, '../../..')
const PKG = join(ROOT, 'node_modules/better-sqlite3')

/** The platforms we ship installers for, and what their binary must be. */
const TARGETS = [
  { target: 'win32-x64', format: 'pe', machine: 0x8664 },
  { target: 'darwin-arm64', format: 'macho', machine: 0x0100000c },
  { target: 'darwin-x64', format: 'macho', machine: 0x01000007 },
  { target: 'linux-x64', format: 'elf', machine: 0x3e }
] as const

function formatOf(bin: Buffer): { format: 'pe' | 'macho' | 'elf' | 'unknown'; machine: number } {
  if (bin.readUInt32BE(0) === 0x7f454c46) return { format: 'elf', machine: bin.readUInt16LE(0x12) }
  if (bin.readUInt32LE(0) === 0xfeedfacf) return { format: 'macho', machine: bin.readUInt32LE(4) }
  if (bin.toString('latin1', 0, 2) === 'MZ') {
    const pe = bin.readUInt32LE(0x3c)
    if (bin.toString('latin1', pe, pe + 4) === 'PE\0\0') return { format: 'pe', machine: bin.readUInt16LE(pe + 4) }
  }
  return { format: 'unknown', machine: 0 }
}

/** Node-API: the registration entry point of Node-API, and no ABI-versioned node_register_module_v<N>. */
function isNodeApi(bin: Buffer): boolean {
  return bin.includes('napi_register_module_v1') && !/node_register_module_v\d+/.test(bin.toString('latin1'))
}

describe('the better-sqlite3 native module', () => {
  it('is better-sqlite3 13 with prebuilt binaries inside the package', () => {
    const pkg = JSON.parse(readFileSync(join(PKG, 'package.json'), 'utf8')) as { version: string }
    expect(Number(pkg.version.split('.')[0])).toBeGreaterThanOrEqual(13)
  })

  for (const { target, format, machine } of TARGETS) {
    it(`${target}: a Node-API binary of the right format and architecture`, () => {
      const file = join(PKG, 'prebuilds', `${target}.node`)
      expect(existsSync(file), `${file} is missing: the ${target} installer would have no database driver`).toBe(true)
      const bin = readFileSync(file)
      expect(formatOf(bin)).toEqual({ format, machine })
      expect(isNodeApi(bin), `${target}.node is not a Node-API addon: it would load only in the Node ABI it was built for`).toBe(true)
    })
  }

  it("loads in Electron's ABI: the binary this machine loads is Node-API, whatever node_modules/electron/abi_version says", () => {
    const abi = readFileSync(join(ROOT, 'node_modules/electron/abi_version'), 'utf8').trim()
    expect(abi).toMatch(/^\d+$/)
    // better-sqlite3 prefers a locally compiled build/ binary over its prebuilds (lib/binding.js);
    // whichever it would load must be Node-API too, or Electron (ABI `abi`) would refuse it.
    const loaded = [join(PKG, 'build/Debug/better_sqlite3.node'), join(PKG, 'build/Release/better_sqlite3.node')].find((f) => existsSync(f))
      ?? (require(join(PKG, 'lib/binding.js')) as { getPrebuildPath(): string | null }).getPrebuildPath()
    expect(loaded, 'no better-sqlite3 binary for this platform').toBeTruthy()
    expect(isNodeApi(readFileSync(loaded!)), `${loaded} is ABI-specific (NODE_MODULE_VERSION ${process.versions.modules}), Electron needs ABI ${abi}`).toBe(true)
  })

  it('opens a database through the one open helper in this Node', () => {
    const db = openDatabase(':memory:')
    try {
      expect(db.prepare('SELECT sqlite_version() AS v').get()).toMatchObject({ v: expect.stringMatching(/^3\./) })
    } finally {
      db.close()
    }
  })

  it('is opened in one place: no `new Database(` anywhere in src-main but the open helper', () => {
    const offenders: string[] = []
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name)
        if (statSync(path).isDirectory()) walk(path)
        else if (name.endsWith('.ts') && /new\s+Database\s*\(/.test(readFileSync(path, 'utf8'))) offenders.push(path.slice(ROOT.length + 1))
      }
    }
    walk(join(ROOT, 'src-main'))
    expect(offenders).toEqual([])
  })
})
