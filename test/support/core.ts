import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Core } from '../../src-main/core'
import type { Actor } from '../../src-main/access/actor'
import { ManualClock } from '../../src-main/clock'
import type { FieldInput } from '../../src-main/shared/api/contracts'
import type { ScryptCost } from '../../src-main/access/auth'

/**
 * A cheap scrypt cost for tests (the production default, PASSWORD_COST, takes a few hundred
 * milliseconds per hash by design). Pass it to Core.open / CoreHost.open in tests that hash.
 */
export const TEST_PASSWORD_COST: ScryptCost = { N: 1024, r: 8, p: 1 }

/** A real core on a fresh temporary data directory, with an administrator signed in. */
export async function testCore(options: { now?: number; passwordCost?: ScryptCost } = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'jimu-test-'))
  const clock = new ManualClock(options.now ?? new Date(2024, 2, 5, 10, 0, 0).getTime())
  const core = await Core.open({ dataDir, clock, passwordCost: options.passwordCost ?? TEST_PASSWORD_COST })
  const { user } = await core.auth.setup({ name: '管理员', login: 'admin', password: 'secret123' })
  const actor: Actor = { id: user.id, name: user.name, isAdmin: true, locale: 'zh-CN' }
  const app = core.schema.createApp({ label: '销售管理' })
  return {
    core,
    clock,
    actor,
    dataDir,
    app,
    form: (label: string, fields: FieldInput[]) => core.schema.createForm({ appId: app.id, label, fields }),
    close: () => {
      core.close()
      rmSync(dataDir, { recursive: true, force: true })
    }
  }
}

export const STAGES = [
  { id: 's1', label: '初步接洽', color: 'blue' as const },
  { id: 's2', label: '需求确认', color: 'cyan' as const },
  { id: 's3', label: '谈判', color: 'orange' as const },
  { id: 's4', label: '赢单', color: 'green' as const },
  { id: 's5', label: '输单', color: 'red' as const }
]

/** Catch a thrown error for assertions on its fields. */
export function caught(fn: () => unknown): Record<string, unknown> & Error {
  try {
    fn()
  } catch (e) {
    return e as Record<string, unknown> & Error
  }
  throw new Error('expected an error')
}

/** Catch the rejection of an async call for assertions on its fields. */
export async function rejected(p: Promise<unknown>): Promise<Record<string, unknown> & Error> {
  try {
    await p
  } catch (e) {
    return e as Record<string, unknown> & Error
  }
  throw new Error('expected an error')
}
