import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runCli } from '../../../src-main/cli-run'
import { Core } from '../../../src-main/core'
import { LOCK_FILE } from '../../../src-main/desktop/data-lock'
import { TEST_PASSWORD_COST } from '../../support/core'

// The backup/restore command takes the data folder's lock like the app: it never restores a
// database under a running desktop app or server.

let dir: string
let backup: string
const lines = { log: [] as string[], error: [] as string[] }
const out = { log: (l: string) => void lines.log.push(l), error: (l: string) => void lines.error.push(l) }
const appCount = async () => {
  const core = await Core.open({ dataDir: dir, passwordCost: TEST_PASSWORD_COST })
  try {
    return core.schema.listApps().length
  } finally {
    core.close()
  }
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'jimu-cli-'))
  lines.log.length = 0
  lines.error.length = 0
  const core = await Core.open({ dataDir: dir, passwordCost: TEST_PASSWORD_COST })
  backup = (await core.backup('manual')).file
  core.schema.createApp({ label: '备份之后的应用' })
  core.close()
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe('cli', () => {
  it('refuses to restore while another program holds the folder, and changes nothing', async () => {
    // A live process on this machine (our parent) holds the folder, as serve mode would.
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: process.ppid, host: hostname(), app: 'serve', since: Date.now() }))
    expect(await runCli(['restore', '--data', dir, '--file', backup], out)).toBe(1)
    expect(lines.error.join('\n')).toMatch(/npm run serve/)
    expect(lines.log).toEqual([])
    expect(await runCli(['backup', '--data', dir], out)).toBe(1)
    rmSync(join(dir, LOCK_FILE))
    expect(await appCount()).toBe(1)
  })

  it('restores on a free folder and releases the lock after', async () => {
    expect(await runCli(['restore', '--data', dir, '--file', backup], out)).toBe(0)
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false)
    expect(await appCount()).toBe(0)
    expect(await runCli(['backups', '--data', dir], out)).toBe(0)
    expect(lines.log.some((l) => l.startsWith(backup))).toBe(true)
  })

  it('answers usage errors with status 2', async () => {
    expect(await runCli(['restore', '--data', dir], out)).toBe(2)
    expect(await runCli(['wipe', '--data', dir], out)).toBe(2)
  })
})
