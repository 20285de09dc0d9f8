import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { ReadPool, defaultPoolSize } from '../../../src-main/db/read-pool'

// Long reads on the LAN host: one user's big read must not hold up another's short one, and every
// query answers (rows or an error), whatever happens to its worker.

const cleanup: Array<() => Promise<void> | void> = []
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!()
})

function database(): string {
  const dir = mkdtempSync(join(tmpdir(), 'jimu-pool-'))
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }))
  const file = join(dir, 'data.db')
  const db = new Database(file)
  db.pragma('journal_mode = WAL')
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER)')
  const insert = db.prepare('INSERT INTO t (v) VALUES (?)')
  db.transaction(() => {
    for (let i = 0; i < 2000; i++) insert.run(i)
  })()
  db.close()
  return file
}

// A read that takes seconds: a recursive count to 30 million.
const count = (n: number) => `WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ${n}) SELECT count(*) AS n FROM c`
const LONG = count(12_000_000)
const SLOWER_THAN_TIMEOUT = LONG

describe('read pool', () => {
  it('a short read answers while a long one runs on another worker', async () => {
    const pool = new ReadPool(database(), { size: 2 })
    cleanup.push(() => pool.close())
    pool.warm()
    await pool.query('SELECT 1', [])
    let longDone = false
    const long = pool.query<{ n: number }>(LONG, []).then((rows) => {
      longDone = true
      return rows
    })
    const short = await pool.query<{ n: number }>('SELECT count(*) AS n FROM t WHERE v < ?', [10])
    expect(short).toEqual([{ n: 10 }])
    expect(longDone).toBe(false)
    expect((await long)[0]!.n).toBe(12_000_000)
  }, 60_000)

  it('every query answers: a bad statement, a runaway query past the timeout, a closed pool', async () => {
    const pool = new ReadPool(database(), { size: 1, timeoutMs: 400 })
    await expect(pool.query('SELECT nope FROM t', [])).rejects.toThrow(/nope/)
    await expect(pool.query(SLOWER_THAN_TIMEOUT, [])).rejects.toThrow(/longer than 400 ms/)
    // The slot was replaced: the next query still runs.
    expect(await pool.query('SELECT count(*) AS n FROM t', [])).toEqual([{ n: 2000 }])
    const pending = expect(pool.query(SLOWER_THAN_TIMEOUT, [])).rejects.toThrow(/closed/)
    const queued = expect(pool.query('SELECT 1', [])).rejects.toThrow(/closed/)
    await pool.close()
    await pending
    await queued
    await expect(pool.query('SELECT 1', [])).rejects.toThrow(/closed/)
  }, 60_000)

  it('keeps compiled statements: a repeated query sees new rows and, after a schema change, the new shape', async () => {
    const file = database()
    const pool = new ReadPool(file, { size: 1 })
    cleanup.push(() => pool.close())
    const sql = 'SELECT * FROM t WHERE id <= ? ORDER BY id'
    expect(await pool.query(sql, [2])).toEqual([{ id: 1, v: 0 }, { id: 2, v: 1 }])
    const writer = new Database(file)
    writer.exec('UPDATE t SET v = 100 WHERE id = 1')
    expect(await pool.query(sql, [1])).toEqual([{ id: 1, v: 100 }])
    writer.exec("ALTER TABLE t ADD COLUMN w TEXT DEFAULT 'x'")
    expect(await pool.query(sql, [1])).toEqual([{ id: 1, v: 100, w: 'x' }])
    writer.exec('DROP TABLE t')
    writer.close()
    await expect(pool.query(sql, [1])).rejects.toThrow(/no such table/)
    expect(await pool.query('SELECT 1 AS one', [])).toEqual([{ one: 1 }])
  }, 60_000)

  it('is sized from the cores, one left to the main thread', () => {
    expect(defaultPoolSize()).toBeGreaterThanOrEqual(1)
    expect(defaultPoolSize()).toBeLessThanOrEqual(4)
  })
})
