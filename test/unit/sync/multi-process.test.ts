import { spawn } from 'node:child_process'
import { rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import type { Actor } from '../../../src-main/access/actor'
import { bundledApp } from '../../../src-main/apps/bundled'
import { DB_FILE } from '../../../src-main/core'
import { demoPasswordHash, seedDemo } from '../../../src-main/crm/seed'
import { testCore } from '../../support/core'
import { call, login, ROOT, startHost, type HostProcess } from '../../support/sync-procs'

// Issue 18's multi-process test: one host (serve mode, its own process on 127.0.0.1, the sample
// data installed) and two laptops, each its own process syncing over HTTP as its user
// (test/support/sync-client.ts). 张伟's laptop pushes 2,500 offline edits in batches of 1,000 and
// is SIGKILLed after the host answered the second batch and before the laptop stored that answer;
// 吴海燕's laptop edits other fields of the same customers meanwhile. After the restart: both
// replicas equal the host's view for their users, every acknowledged operation is on the host, no
// operation applied twice, PRAGMA integrity_check ok on every database file.

const CLIENT = join(ROOT, 'test/support/sync-client.ts')
const EDITS = 2500

interface Run { lines: string[]; code: number | null; signal: NodeJS.Signals | null; stderr: string }

/** Run a laptop process; `killOn` SIGKILLs it at the first line that equals it. */
function laptop(args: string[], killOn?: string): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLIENT, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
    const lines: string[] = []
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    createInterface({ input: child.stdout }).on('line', (line) => {
      lines.push(line)
      if (line === killOn) child.kill('SIGKILL')
    })
    child.on('error', fail)
    child.on('close', (code, signal) => done({ lines, code, signal, stderr }))
  })
}

const integrity = (file: string) => {
  const db = new Database(file)
  try {
    return db.pragma('integrity_check', { simple: true })
  } finally {
    db.close()
  }
}

describe('offline sync across processes', () => {
  let host: HostProcess | null = null
  let dataDir = ''
  afterAll(async () => {
    await host?.stop()
    if (dataDir) rmSync(dataDir, { recursive: true, force: true })
  })

  it('a laptop SIGKILLed mid-push and restarted converges with the host and another laptop: nothing acknowledged lost, nothing applied twice', async () => {
    // The office: the sales app with (a small share of) its sample data, made here, then served by its own process.
    const t = await testCore({ now: new Date(2025, 5, 15, 9, 0, 0).getTime() })
    dataDir = t.dataDir
    t.core.crm.install(t.actor, bundledApp('crm').pkg, 'zh-CN')
    seedDemo(t.core, t.actor, { seed: 18, customers: 40, setTime: (ms) => t.clock.set(ms), passwordHash: await demoPasswordHash(t.core) })
    const user = (loginName: string): Actor => {
      const u = t.core.auth.users().find((x) => x.login === loginName)!
      return { id: u.id, name: u.name, isAdmin: false, locale: 'zh-CN' }
    }
    const zhang = user('zhangwei')
    // His own customers (he also sees the public pool's, which he may not edit without claiming them).
    const customers = t.core.reads.list(zhang, { form: 'customer', limit: 500 }).records.filter((r) => (r.owner as { id: number } | null)?.id === zhang.id).map((r) => r.id)
    const customerForm = t.core.schema.form('customer').id
    const notes = String(t.core.schema.form('customer').byKey.get('notes')!.id)
    expect(customers.length).toBeGreaterThan(3)
    t.core.close()
    host = await startHost(dataDir)
    const url = host.url

    // 张伟: 2,500 edits of 备注 over his customers, each a new value. 吴海燕 (his manager): 详细地址 of the same customers.
    const edits1 = Array.from({ length: EDITS }, (_, i) => ({ kind: 'update', form: 'customer', record: customers[i % customers.length], values: { notes: `离线 ${i}` } }))
    const edits2 = customers.slice(0, 4).map((record, i) => ({ kind: 'update', form: 'customer', record, values: { address: `经理改的地址 ${i}` } }))
    writeFileSync(join(dataDir, 'edits1.json'), JSON.stringify(edits1))
    writeFileSync(join(dataDir, 'edits2.json'), JSON.stringify(edits2))
    const replica1 = join(dataDir, 'laptop-zhang.db')
    const replica2 = join(dataDir, 'laptop-wu.db')
    const as = (replica: string, loginName: string, device: string) => ['--replica', replica, '--url', url, '--login', loginName, '--password', 'demo12345', '--device', device]

    const [killed, other] = await Promise.all([
      laptop([...as(replica1, 'zhangwei', 'laptop-zhang'), '--edits', join(dataDir, 'edits1.json'), '--hold-after', '2'], 'holding'),
      laptop([...as(replica2, 'wuhaiyan', 'laptop-wu'), '--edits', join(dataDir, 'edits2.json')])
    ])
    expect(killed.signal, killed.stderr).toBe('SIGKILL')
    expect(killed.lines).toContain('push-answered 2')
    expect(other.code, other.stderr).toBe(0)

    // What the killed laptop knew: the first batch answered and stored; the second applied on the host but its answer lost.
    const before = new Database(replica1)
    const acknowledged = before.prepare('SELECT op_id, status FROM results').all() as Array<{ op_id: string; status: string }>
    const left = before.prepare('SELECT COUNT(*) FROM outbox').pluck().get() as number
    before.close()
    expect(acknowledged).toHaveLength(1000)
    expect(left).toBe(EDITS - 1000)
    expect(integrity(replica1)).toBe('ok')

    const restarted = await laptop(as(replica1, 'zhangwei', 'laptop-zhang'))
    expect(restarted.code, restarted.stderr).toBe(0)
    expect(restarted.lines).toEqual(expect.arrayContaining(['push-sent 1 1000', 'push-sent 2 500', expect.stringMatching(/^synced \d+ 0$/)]))
    const again = await laptop(as(replica2, 'wuhaiyan', 'laptop-wu'))
    expect(again.code, again.stderr).toBe(0)

    // Each replica holds exactly what the host shows its user, form by form.
    for (const [replica, loginName] of [[replica1, 'zhangwei'], [replica2, 'wuhaiyan']] as const) {
      const { token } = await login(url, loginName, 'demo12345')
      const db = new Database(replica, { readonly: true })
      const forms = db.prepare('SELECT id FROM forms ORDER BY id').pluck().all() as number[]
      const visible = (await call<Array<{ id: number }>>(url, token, 'forms.list', {})).map((f) => f.id)
      expect(forms.length).toBeGreaterThan(5)
      for (const form of forms) {
        expect(visible).toContain(form)
        const mine = new Map((db.prepare('SELECT id, data FROM records WHERE form_id = ?').all(form) as Array<{ id: number; data: string }>).map((r) => [r.id, (JSON.parse(r.data) as { fields: unknown }).fields]))
        const theirs = new Map<number, unknown>()
        let cursor: string | null = null
        do {
          const page: { records: Array<{ id: number; fields: unknown }>; nextCursor: string | null } = await call(url, token, 'records.list', { form, limit: 500, ...(cursor ? { cursor } : {}) })
          for (const r of page.records) theirs.set(r.id, r.fields)
          cursor = page.nextCursor
        } while (cursor)
        expect(mine, `${loginName}'s replica of form ${form}`).toEqual(theirs)
        if (form !== customerForm) continue
        // The last edit of each customer is what it holds; the manager's addresses merged beside them.
        customers.forEach((id, k) => {
          const last = EDITS - 1 - ((EDITS - 1 - k) % customers.length)
          const fields = theirs.get(id) as Record<string, unknown>
          expect(fields.notes).toBe(`离线 ${last}`)
          if (k < edits2.length) expect(fields.address).toBe(`经理改的地址 ${k}`)
        })
      }
      db.close()
    }
    await host.stop()

    const office = new Database(join(dataDir, DB_FILE), { readonly: true })
    try {
      const ops = office.prepare("SELECT op_id, status FROM sync_ops WHERE device = 'laptop-zhang'").all() as Array<{ op_id: string; status: string }>
      expect(ops).toHaveLength(EDITS)
      expect(ops.every((o) => o.status === 'applied')).toBe(true)
      // Every acknowledged operation is on the host, as answered.
      const stored = new Map(ops.map((o) => [o.op_id, o.status]))
      for (const a of acknowledged) expect(stored.get(a.op_id)).toBe(a.status)
      // Applied once: one change of 备注 by 张伟 per operation (the re-pushed batch answered from sync_ops).
      const changes = office.prepare(`SELECT COUNT(*) FROM change_log WHERE form_id = (SELECT id FROM forms WHERE api_key = 'customer') AND actor_id = ? AND op = 'update'
        AND json_extract(changes, '$."${notes}"') IS NOT NULL`).pluck().get(zhang.id)
      expect(changes).toBe(EDITS)
      expect(office.prepare("SELECT COUNT(*) FROM sync_conflicts").pluck().get()).toBe(0)
      expect(office.prepare("SELECT COUNT(*) FROM sync_ops WHERE device = 'laptop-wu' AND status = 'applied'").pluck().get()).toBe(edits2.length)
    } finally {
      office.close()
    }
    for (const file of [join(dataDir, DB_FILE), replica1, replica2]) expect(integrity(file), file).toBe('ok')
  }, 60_000)
})
