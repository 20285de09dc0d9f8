import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { Core, DB_FILE } from '../../../src-main/core'

// A process killed with SIGKILL in the middle of bulk writes must leave a database that passes
// integrity_check, holds every record whose commit was reported, and holds each record together
// with its change-log entry and search row — a batch is all there or not there at all.

const ROOT = resolve(__dirname, '../../..')
const WRITER = join(ROOT, 'test/support/crash-writer.ts')
const BATCH = 100

interface Committed { batch: number; first: number; last: number }

/** Run the writer until it has reported `after` commits, then SIGKILL it mid-stream. */
function writeUntilKilled(dataDir: string, after: number): Promise<{ committed: Committed[]; signal: NodeJS.Signals | null }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WRITER, dataDir, String(BATCH)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
    const committed: Committed[] = []
    let stderr = ''
    let killed = false
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    createInterface({ input: child.stdout }).on('line', (line) => {
      const m = /^committed (\d+) (\d+) (\d+)$/.exec(line)
      if (!m) return
      // Lines that arrive after the kill are still commits the child reported: keep them.
      committed.push({ batch: Number(m[1]), first: Number(m[2]), last: Number(m[3]) })
      if (!killed && committed.length >= after) {
        killed = true
        child.kill('SIGKILL')
      }
    })
    child.on('error', fail)
    child.on('close', (code, signal) => {
      if (!killed) fail(new Error(`writer exited (${code}) before being killed:\n${stderr}`))
      else done({ committed, signal })
    })
  })
}

describe('crash safety of the write pipeline', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'jimu-crash-'))
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

  it('keeps every reported commit and never half a batch after repeated SIGKILLs', async () => {
    const reported: Committed[] = []
    // Three runs on the same data directory: each one recovers from the previous kill first.
    for (const after of [12, 25, 7]) {
      const { committed, signal } = await writeUntilKilled(dataDir, after)
      expect(signal).toBe('SIGKILL')
      expect(committed.length).toBeGreaterThanOrEqual(after)
      reported.push(...committed)
    }

    const db = new Database(join(dataDir, DB_FILE))
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok')
      expect(db.pragma('foreign_key_check')).toEqual([])
      const form = db.prepare("SELECT id FROM forms WHERE api_key = 'crashTest'").pluck().get() as number
      const table = `"f_${form}"`
      const ids = new Set(db.prepare(`SELECT id FROM ${table}`).pluck().all() as number[])

      // Every reported batch is there, whole.
      for (const c of reported) {
        expect(c.last - c.first + 1, `batch ${c.batch} ids`).toBe(BATCH)
        for (let id = c.first; id <= c.last; id++) expect(ids.has(id), `record ${id} of reported batch ${c.batch}`).toBe(true)
      }
      // Nothing beyond the reported batches but whole batches (the one in flight when killed
      // either committed entirely before the kill or left no trace).
      expect(ids.size).toBeGreaterThanOrEqual(reported.length * BATCH)
      expect(ids.size % BATCH).toBe(0)
      expect(ids.size).toBeLessThanOrEqual((reported.length + 3) * BATCH)

      // One create entry in the change log per record, and none for a record that is not there.
      const logged = db.prepare("SELECT record_id, COUNT(*) AS n FROM change_log WHERE form_id = ? AND op = 'create' GROUP BY record_id").all(form) as Array<{ record_id: number; n: number }>
      expect(logged.length).toBe(ids.size)
      for (const l of logged) {
        expect(ids.has(l.record_id), `change log entry for missing record ${l.record_id}`).toBe(true)
        expect(l.n).toBe(1)
      }
      expect(db.prepare('SELECT COUNT(*) FROM change_log WHERE form_id = ?').pluck().get(form)).toBe(ids.size)
      // The logical clock stayed strictly increasing across the crashes.
      expect(db.prepare('SELECT COUNT(DISTINCT clock) = COUNT(*) FROM change_log').pluck().get()).toBe(1)

      // The search index has exactly the records.
      const indexed = db.prepare(`SELECT rowid FROM "fts_${form}"`).pluck().all() as number[]
      expect(indexed.length).toBe(ids.size)
      expect(indexed.every((id) => ids.has(id))).toBe(true)
    } finally {
      db.close()
    }

    // And the core opens the recovered database and reads it normally.
    const core = await Core.open({ dataDir })
    try {
      const user = core.auth.users()[0]!
      const actor = { id: user.id, name: user.name, isAdmin: true, locale: 'zh-CN' as const }
      const total = core.reads.count(actor, { form: 'crashTest' }).total
      expect(total).toBeGreaterThanOrEqual(reported.length * BATCH)
      const last = reported[reported.length - 1]!
      expect(core.reads.get(actor, 'crashTest', last.last).fields).toMatchObject({ xiaoShouJieDuan: expect.any(String) })
      expect(core.reads.list(actor, { form: 'crashTest', search: '云栖科技', limit: 5 }).records).toHaveLength(5)
    } finally {
      core.close()
    }
  }, 60_000)
})
