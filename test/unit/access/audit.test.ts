import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createHash, createHmac } from 'node:crypto'
import { existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { CHECKPOINT_EVERY, KEYED_OP, entryHash } from '../../../src-main/access/audit'
import { AuditAnchor } from '../../../src-main/access/audit-anchor'
import { Core, DB_FILE, restoreBackup } from '../../../src-main/core'
import { testCore } from '../../support/core'

// The audit chain: every stored entry is linked to the previous one by an HMAC under a key kept
// outside the database, so altering, deleting or reordering any entry is detected at that entry,
// even by someone who edits jimu.db with a SQLite tool and recomputes the links; signed checkpoints
// kept outside the database show when the newest entries were cut off.

type T = Awaited<ReturnType<typeof testCore>>
let t: T
let ids: number[]
beforeEach(async () => {
  t = await testCore()
  const form = t.form('客户', [{ label: '名称', type: 'text' }, { label: '金额', type: 'amount' }])
  const a = t.core.writes.create(t.actor, form.id, { 名称: '甲', 金额: 100 })
  t.core.writes.update(t.actor, form.id, a, { 金额: 200 })
  t.core.writes.bulkCreate(t.actor, form.id, [{ 名称: '乙' }, { 名称: '丙' }])
  // A rolled-back write must not leave a gap or a dangling link in the chain.
  expect(() => t.core.writes.bulkCreate(t.actor, form.id, [{ 名称: '丁' }, { 不存在: 1 }])).toThrow()
  t.core.writes.delete(t.actor, form.id, [a])
  ids = t.core.db.prepare('SELECT id FROM change_log ORDER BY id').pluck().all() as number[]
})
afterEach(() => t.close())

describe('audit chain', () => {
  it('hashes an entry from before the key as SHA-256 over the previous hash, a newline and its content (the stored format never changes)', () => {
    const e = { op: 'create', form_id: 3, record_id: 7, changes: '{"12":[null,"杭州云栖"]}', actor_id: 1, at: 1700000000000, clock: 42, detail: null }
    const content = JSON.stringify([e.op, e.form_id, e.record_id, e.changes, e.actor_id, e.at, e.clock, e.detail])
    expect(entryHash('ab12', e)).toBe(createHash('sha256').update('ab12').update('\n').update(content).digest('hex'))
  })

  it('verifies an untouched log', () => {
    expect(t.core.audit.verify()).toMatchObject({ ok: true, checked: ids.length, brokenAt: null, missingAfter: null, legacyThrough: null, badCheckpoints: 0 })
    // auth.setup, create, update, two bulk creates, delete: the rolled-back import left nothing.
    expect(ids.length).toBe(6)
  })

  it('detects an altered value, actor, time or operation at that entry', () => {
    for (const [column, value] of [['changes', '{"2":[null,999]}'], ['actor_id', 99], ['at', 0], ['op', 'restore']] as const) {
      const row = t.core.db.prepare(`SELECT ${column} AS v FROM change_log WHERE id = ?`).get(ids[1]) as { v: unknown }
      t.core.db.prepare(`UPDATE change_log SET ${column} = ? WHERE id = ?`).run(value, ids[1])
      expect(t.core.audit.verify(), column).toMatchObject({ ok: false, brokenAt: ids[1] })
      t.core.db.prepare(`UPDATE change_log SET ${column} = ? WHERE id = ?`).run(row.v, ids[1])
      expect(t.core.audit.verify().ok).toBe(true)
    }
  })

  it('detects a deleted entry at the entry after it', () => {
    t.core.db.prepare('DELETE FROM change_log WHERE id = ?').run(ids[2])
    expect(t.core.audit.verify()).toMatchObject({ ok: false, brokenAt: ids[3] })
  })

  it('detects a recomputed hash that no longer links to the next entry', () => {
    t.core.db.prepare("UPDATE change_log SET changes = '{}', hash = 'forged' WHERE id = ?").run(ids[0])
    expect(t.core.audit.verify()).toMatchObject({ ok: false, brokenAt: ids[0] })
  })
})

type Row = { id: number; op: string; form_id: number | null; record_id: number | null; changes: string; actor_id: number | null; at: number; clock: number; detail: string | null; prev_hash: string; hash: string }

/** What someone with a SQLite tool and no key can do: change entries and recompute every plain link from there on. */
function rewritePlain(file: string, from: number, edit: (row: Row) => void = () => undefined) {
  const db = new Database(file)
  const rows = db.prepare('SELECT * FROM change_log ORDER BY id').all() as Row[]
  const update = db.prepare('UPDATE change_log SET changes = ?, prev_hash = ?, hash = ? WHERE id = ?')
  let prev = ''
  for (const row of rows) {
    if (row.id >= from) {
      if (row.id === from) edit(row)
      row.prev_hash = prev
      row.hash = entryHash(prev, row)
      update.run(row.changes, row.prev_hash, row.hash, row.id)
    }
    prev = row.hash
  }
  db.close()
}

describe('audit chain anchored outside the database', () => {
  const reopen = async () => {
    t.core.close()
    t.core = await Core.open({ dataDir: t.dataDir, clock: t.clock })
  }

  it('links every entry with HMAC-SHA-256 under a key file of mode 0600 that is nowhere in the database', () => {
    const keyFile = join(t.dataDir, 'keys', 'audit.key')
    expect(statSync(keyFile).mode & 0o777).toBe(0o600)
    expect(statSync(join(t.dataDir, 'keys')).mode & 0o777).toBe(0o700)
    const key = Buffer.from(readFileSync(keyFile, 'utf8'), 'hex')
    expect(key.length).toBe(32)
    const rows = t.core.db.prepare('SELECT * FROM change_log ORDER BY id').all() as Row[]
    let prev = ''
    for (const row of rows) {
      const content = JSON.stringify([row.op, row.form_id, row.record_id, row.changes, row.actor_id, row.at, row.clock, row.detail])
      expect(row.hash).toBe(createHmac('sha256', key).update(`${prev}\n${content}`).digest('hex'))
      expect(row.hash).not.toBe(entryHash(prev, row))
      prev = row.hash
    }
    t.core.db.pragma('wal_checkpoint(TRUNCATE)')
    expect(readFileSync(join(t.dataDir, DB_FILE)).includes(readFileSync(keyFile, 'utf8'))).toBe(false)
  })

  it('detects an entry rewritten in jimu.db with a SQLite tool, every later link recomputed', async () => {
    t.core.close()
    rewritePlain(join(t.dataDir, DB_FILE), ids[1]!, (row) => (row.changes = '{"2":[100,999999]}'))
    t.core = await Core.open({ dataDir: t.dataDir, clock: t.clock })
    expect(t.core.audit.verify()).toMatchObject({ ok: false, brokenAt: ids[1], checked: 1 })
  })

  it('detects the newest entries cut off while the app was closed, naming the checkpoint that recorded them', async () => {
    t.core.close()
    const db = new Database(join(t.dataDir, DB_FILE))
    db.prepare('DELETE FROM change_log WHERE id >= ?').run(ids[4])
    db.close()
    t.core = await Core.open({ dataDir: t.dataDir, clock: t.clock })
    const result = t.core.audit.verify()
    expect(result).toMatchObject({ ok: false, brokenAt: null, missingAfter: ids[3], checked: 4, checkpoint: { id: ids[5] } })
  })

  it('takes a checkpoint every so many entries once their transaction has committed, so a cut while running is detected too', async () => {
    for (let i = 0; i < CHECKPOINT_EVERY; i++) t.core.audit.appendCommitted({ op: 'auth.login', actorId: t.actor.id })
    // A rolled-back entry past the threshold leaves no checkpoint of itself behind.
    expect(() => t.core.db.transaction(() => {
      t.core.audit.append({ op: 'auth.login', actorId: t.actor.id })
      throw new Error('rolled back')
    })()).toThrow('rolled back')
    t.core.audit.reset()
    await new Promise((r) => setImmediate(r))
    await new Promise((r) => setImmediate(r))
    const head = t.core.db.prepare('SELECT MAX(id) FROM change_log').pluck().get() as number
    expect(t.core.audit.verify()).toMatchObject({ ok: true, checkpoint: { id: head } })
    const other = new Database(join(t.dataDir, DB_FILE))
    other.prepare('DELETE FROM change_log WHERE id > ?').run(head - 3)
    other.close()
    expect(t.core.audit.verify()).toMatchObject({ ok: false, missingAfter: head - 3, checkpoint: { id: head } })
  })

  it('reports an edited checkpoint file', async () => {
    await reopen()
    const file = join(t.dataDir, 'keys', 'audit.checkpoints')
    const lines = readFileSync(file, 'utf8').trim().split('\n')
    const last = JSON.parse(lines.at(-1)!) as { id: number }
    lines[lines.length - 1] = JSON.stringify({ ...last, id: last.id - 2 })
    writeFileSync(file, lines.join('\n') + '\n')
    await reopen()
    expect(t.core.audit.verify()).toMatchObject({ ok: false, badCheckpoints: 1 })
  })

  it('anchors a chain from before the key: verified once, then covered by a keyed entry, so it can no longer be rewritten', async () => {
    // The database as the previous version left it: plain links and no key file.
    t.core.close()
    rewritePlain(join(t.dataDir, DB_FILE), ids[0]!)
    rmSync(join(t.dataDir, 'keys'), { recursive: true })
    t.core = await Core.open({ dataDir: t.dataDir, clock: t.clock })
    const anchor = t.core.db.prepare('SELECT id, detail FROM change_log WHERE op = ?').get(KEYED_OP) as { id: number; detail: string }
    expect(JSON.parse(anchor.detail)).toEqual({ legacyThrough: ids[5], legacyOk: true, checked: 6 })
    t.core.writes.create(t.actor, t.core.schema.formIds()[0]!, { 名称: '升级后' })
    expect(t.core.audit.verify()).toMatchObject({ ok: true, checked: 8, legacyThrough: ids[5] })

    // Rewriting a plain entry (and the plain links after it) no longer passes: the anchor covers the old head.
    t.core.close()
    rewritePlain(join(t.dataDir, DB_FILE), ids[2]!, (row) => (row.changes = '{}'))
    t.core = await Core.open({ dataDir: t.dataDir, clock: t.clock })
    // The upgrade's daily backup signed the plain head (#6) as a checkpoint: the rewrite shows there.
    expect(t.core.audit.verify()).toMatchObject({ ok: false, brokenAt: ids[5], legacyThrough: ids[5] })
    // Without any checkpoint, the anchor still fails: its keyed link covers the old plain head.
    t.core.close()
    rmSync(join(t.dataDir, 'keys', 'audit.checkpoints'))
    t.core = await Core.open({ dataDir: t.dataDir, clock: t.clock })
    expect(t.core.audit.verify()).toMatchObject({ ok: false, brokenAt: anchor.id })
  })

  it('after a restore, the older database verifies against the checkpoints its backup carried; the abandoned ones are set aside', async () => {
    const backup = await t.core.backup('manual')
    expect(existsSync(join(t.dataDir, 'backups', `${backup.file}.audit.json`))).toBe(true)
    t.core.writes.create(t.actor, t.core.schema.formIds()[0]!, { 名称: '备份后' })
    t.core.close()
    await restoreBackup(t.dataDir, backup.file, t.clock)
    t.core = await Core.open({ dataDir: t.dataDir, clock: t.clock })
    expect(t.core.audit.verify()).toMatchObject({ ok: true, checked: 6, checkpoint: { id: ids[5] } })
    expect(readdirSync(join(t.dataDir, 'keys')).some((f) => f.startsWith('audit.checkpoints.before-restore-'))).toBe(true)
  })

  it('detects a backup cut short before its restore', async () => {
    const backup = await t.core.backup('manual')
    const file = new Database(join(t.dataDir, 'backups', backup.file))
    file.prepare('DELETE FROM change_log WHERE id = ?').run(ids[5])
    file.close()
    t.core.close()
    await restoreBackup(t.dataDir, backup.file, t.clock)
    t.core = await Core.open({ dataDir: t.dataDir, clock: t.clock })
    expect(t.core.audit.verify()).toMatchObject({ ok: false, missingAfter: ids[4], checkpoint: { id: ids[5] } })
  })

  it('a backup from before the key is anchored when a restore opens it as it was at the upgrade, never by a plain open or after a rewrite', async () => {
    // The installation as the previous version left it: a plain chain, a backup of it, no key.
    const backup = await t.core.backup('manual')
    const file = join(t.dataDir, 'backups', backup.file)
    t.core.close()
    rewritePlain(join(t.dataDir, DB_FILE), ids[0]!)
    rewritePlain(file, ids[0]!)
    rmSync(`${file}.audit.json`)
    rmSync(join(t.dataDir, 'keys'), { recursive: true })
    // The upgrade: the live chain is anchored, the old backup's head signed in its sidecar.
    t.core = await Core.open({ dataDir: t.dataDir, clock: t.clock })
    expect(existsSync(`${file}.audit.json`)).toBe(true)
    t.core.close()

    await restoreBackup(t.dataDir, backup.file, t.clock)
    // Opened as any start is: an unkeyed chain in a keyed installation is reported, not adopted.
    t.core = await Core.open({ dataDir: t.dataDir, clock: t.clock })
    expect(t.core.audit.verify()).toMatchObject({ ok: false, brokenAt: ids[0] })
    t.core.close()
    await restoreBackup(t.dataDir, backup.file, t.clock)
    // Opened by the restore (CoreHost.restore): verified once and anchored.
    t.core = await Core.open({ dataDir: t.dataDir, clock: t.clock, adoptUnkeyedAudit: true })
    expect(t.core.audit.verify()).toMatchObject({ ok: true, checked: 7, legacyThrough: ids[5] })

    // The same backup rewritten after the upgrade is not adopted by a restore.
    t.core.close()
    rewritePlain(file, ids[3]!, (row) => (row.changes = '{}'))
    await restoreBackup(t.dataDir, backup.file, t.clock)
    t.core = await Core.open({ dataDir: t.dataDir, clock: t.clock, adoptUnkeyedAudit: true })
    expect(t.core.db.prepare('SELECT COUNT(*) FROM change_log WHERE op = ?').pluck().get(KEYED_OP)).toBe(0)
    expect(t.core.audit.verify()).toMatchObject({ ok: false, brokenAt: ids[0] })
  })

  it('keeps the checkpoint file short: rotated to its newest 500 lines, still signed and in order', () => {
    const anchor = AuditAnchor.open(t.dataDir)
    for (let i = 1; i <= 1200; i++) anchor.record(anchor.sign({ id: i, clock: i, mac: 'ab', at: i, reason: 'periodic' }))
    const file = join(t.dataDir, 'keys', 'audit.checkpoints')
    expect(statSync(file).mode & 0o777).toBe(0o600)
    const reread = AuditAnchor.open(t.dataDir)
    expect(reread.badCheckpoints).toBe(0)
    expect(reread.list().length).toBeLessThanOrEqual(1000)
    expect(reread.list().at(-1)!.id).toBe(1200)
    expect(reread.list().map((c) => c.id)).toEqual([...reread.list().map((c) => c.id)].sort((a, b) => a - b))
  })
})
