import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Core } from '../../src-main/core'
import type { Actor } from '../../src-main/access/actor'
import { ManualClock } from '../../src-main/clock'
import type { FieldInput } from '../../src-main/shared/api/contracts'

/** A real core on a fresh temporary data directory, with an administrator signed in. */
export async function testCore(options: { now?: number } = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'jimu-test-'))
  const clock = new ManualClock(options.now ?? new Date(2024, 2, 5, 10, 0, 0).getTime())
  const core = await Core.open({ dataDir, clock })
  const { user } = core.auth.setup({ name: '管理员', login: 'admin', password: 'secret123' })
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
