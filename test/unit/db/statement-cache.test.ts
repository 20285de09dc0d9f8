import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { openSqlite, schemaGeneration } from '../../../src-main/db/connection'

// The per-connection statement cache (src-main/db/statement-cache.ts): the same SQL text is
// compiled once, yet every prepare behaves as a fresh statement — a held statement keeps its row
// mode whatever other callers of the same text do, and a statement being iterated is never shared.

const dir = mkdtempSync(join(tmpdir(), 'jimu-stmt-'))
const db = openSqlite(join(dir, 'x.db'))
db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)')
for (const name of ['甲', '乙', '丙']) db.prepare('INSERT INTO t (name) VALUES (?)').run(name)
afterAll(() => {
  db.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('statement cache', () => {
  it('keeps each handle’s row mode', () => {
    const held = db.prepare('SELECT name FROM t WHERE id = ?').pluck()
    expect(db.prepare('SELECT name FROM t WHERE id = ?').get(1)).toEqual({ name: '甲' })
    expect(held.get(2)).toBe('乙')
    expect(db.prepare('SELECT name FROM t WHERE id = ?').raw().get(3)).toEqual(['丙'])
    expect(held.get(1)).toBe('甲')
    expect(db.prepare('SELECT name FROM t WHERE id = ?').get(2)).toEqual({ name: '乙' })
  })

  it('runs the same text inside an iteration of it', () => {
    const seen: unknown[] = []
    for (const row of db.prepare('SELECT id, name FROM t ORDER BY id').iterate() as Iterable<{ id: number }>) {
      seen.push([row.id, (db.prepare('SELECT id, name FROM t ORDER BY id').all() as unknown[]).length])
    }
    expect(seen).toEqual([[1, 3], [2, 3], [3, 3]])
  })

  it('sees a column added after the statement was compiled', () => {
    const before = db.prepare('SELECT * FROM t WHERE id = ?').get(1)
    expect(before).toEqual({ id: 1, name: '甲' })
    db.exec('ALTER TABLE t ADD COLUMN city TEXT')
    expect(db.prepare('SELECT * FROM t WHERE id = ?').get(1)).toEqual({ id: 1, name: '甲', city: null })
  })

  it('moves its schema generation with every schema change, not with reads and writes of rows', () => {
    const at = () => schemaGeneration(db)!
    const start = at()
    db.prepare('SELECT name FROM t WHERE id = ?').get(1)
    db.prepare('UPDATE t SET name = ? WHERE id = ?').run('甲', 1)
    expect(at()).toBe(start)
    db.prepare('CREATE INDEX t_name ON t (name)').run()
    expect(at()).toBeGreaterThan(start)
    const afterIndex = at()
    db.exec('DROP INDEX t_name')
    expect(at()).toBeGreaterThan(afterIndex)
    const afterDrop = at()
    db.pragma('optimize')
    expect(at()).toBeGreaterThan(afterDrop)
    // A failed statement may have changed nothing, yet the generation moves: a plan asked again costs little.
    const beforeFail = at()
    expect(() => db.exec('CREATE INDEX t_name ON nowhere (x)')).toThrow()
    expect(at()).toBeGreaterThan(beforeFail)
  })

  it('sets a compiled statement’s row mode only when another handle left it different', () => {
    const flat = db.prepare('SELECT id, name FROM t ORDER BY id')
    const raw = db.prepare('SELECT id, name FROM t ORDER BY id').raw()
    for (let i = 0; i < 3; i++) {
      expect(flat.all()[0]).toEqual({ id: 1, name: '甲' })
      expect(flat.all()[0]).toEqual({ id: 1, name: '甲' })
      expect(raw.all()[0]).toEqual([1, '甲'])
      expect(raw.get()).toEqual([1, '甲'])
    }
  })
})
