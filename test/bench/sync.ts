import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { Core } from '../../src-main/core'
import type { Actor } from '../../src-main/access/actor'
import { ident } from '../../src-main/db/connection'
import { SyncHost } from '../../src-main/sync/host'
import { SyncClient, type SyncTransport } from '../../src-main/sync/client'
import { syncContracts } from '../../src-main/shared/api/sync'

// Offline sync benchmark (issue 18). An office of N opportunities (default 100,000) owned by R reps
// (default 10); one rep's laptop makes its first replica of its share (every record through the
// access layer, serialized as records.get answers, JSON and the contracts' parsing both ways, into
// the replica database), then edits M records offline (default 10,000; each through the offline
// write) and pushes them (each replayed through the host's write pipeline as the rep, conflict
// check, operation store). Floors in the same run: the same rows read with raw SQL, and the same
// 10,000 updates written through the pipeline directly.
// `npx tsx test/bench/sync.ts [--size N] [--reps R] [--changes M]`

export const TARGETS = { first_replica_s: { max: 10 }, push_s: { max: 5 } } as const

const num = (flag: string, fallback: number) => {
  const i = process.argv.indexOf(flag)
  const n = Number(process.argv[i + 1])
  return i >= 0 && n > 0 ? n : fallback
}

async function main() {
  const size = num('--size', 100_000)
  const reps = num('--reps', 10)
  const changes = num('--changes', 10_000)
  const dataDir = mkdtempSync(join(tmpdir(), 'jimu-bench-sync-'))
  const core = await Core.open({ dataDir })
  try {
    const { user } = await core.auth.setup({ name: '管理员', login: 'admin', password: 'secret123' })
    const admin: Actor = { id: user.id, name: user.name, isAdmin: true, locale: 'zh-CN' }
    const app = core.schema.createApp({ label: '销售' })
    const form = core.schema.createForm({ appId: app.id, label: '商机', fields: [
      { label: '名称', type: 'text', required: true }, { label: '金额', type: 'amount' }, { label: '数量', type: 'number' },
      { label: '阶段', type: 'select', config: { options: [{ id: 'a', label: '初步接洽', color: 'blue' }, { id: 'b', label: '谈判', color: 'orange' }, { id: 'c', label: '赢单', color: 'green' }] } },
      { label: '成交日期', type: 'date' }, { label: '备注', type: 'textarea' }, { label: '合计', type: 'formula', config: { expression: '{金额} * {数量}' } },
      { label: '编号', type: 'autonumber', config: { pattern: 'SJ{000000}' } }
    ] })
    const role = core.org.createRole(admin.id, { name: '销售代表' })
    core.org.setPermission(admin.id, role.id, { formId: form.id, actions: ['view', 'create', 'edit', 'delete'], scope: 'own', fieldRules: {} })
    const users: Actor[] = []
    for (let i = 0; i < reps; i++) {
      const id = core.org.createColleague(admin.id, `代表${i + 1}`)
      core.org.updateUser(admin.id, id, { roleIds: [role.id] })
      users.push({ id, name: `代表${i + 1}`, isAdmin: false, locale: 'zh-CN' })
    }
    const k = (label: string) => form.fields.find((f) => f.label === label)!.apiKey
    let t = performance.now()
    for (let start = 0; start < size; start += 5000) {
      const rows = []
      for (let i = start; i < Math.min(size, start + 5000); i++) {
        rows.push({ values: { [k('名称')]: `商机 ${i}`, [k('金额')]: (i % 977) * 100, [k('数量')]: i % 7, [k('阶段')]: ['初步接洽', '谈判', '赢单'][i % 3], [k('成交日期')]: '2025-06-01', [k('备注')]: `第 ${i} 条的备注`, owner: users[i % reps]!.id } })
      }
      core.writes.bulkWrite(admin, form.id, rows, { action: 'import', events: false })
    }
    console.log(`seeded ${size} records for ${reps} reps in ${((performance.now() - t) / 1000).toFixed(1)} s`)

    const rep = users[0]!
    const host = new SyncHost({ db: core.db, schema: core.schema, access: core.access, writes: core.writes, clock: core.clock })
    const json = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T
    let bytes = 0
    const transport: SyncTransport = {
      push: async (input) => {
        const parsed = syncContracts['sync.push'].input.parse(json(input))
        return json({ results: host.push(rep, parsed.device, parsed.ops, 'zh-CN') })
      },
      pull: async (input) => {
        const parsed = syncContracts['sync.pull'].input.parse(json(input))
        const text = JSON.stringify(host.pull(rep, parsed))
        bytes += text.length
        return JSON.parse(text)
      }
    }
    const replica = SyncClient.openReplica(join(dataDir, 'replica.db'))
    const client = new SyncClient(replica, transport, { device: 'laptop', userId: rep.id, now: () => Date.now() })

    // Floor: the rep's rows read with raw SQL (no access layer, no serialization).
    t = performance.now()
    const raw = core.db.prepare(`SELECT * FROM ${ident(form.table)} WHERE owner_id = ? AND deleted_at IS NULL`).all(rep.id)
    const floorRead = (performance.now() - t) / 1000

    t = performance.now()
    await client.sync()
    const first = (performance.now() - t) / 1000
    const share = client.records(form.id).length
    if (share !== raw.length) throw new Error(`replica holds ${share} records, the rep owns ${raw.length}`)

    const ids = client.records(form.id).slice(0, changes).map((r) => r.id)
    t = performance.now()
    ids.forEach((id, i) => client.update(form.id, id, { [k('数量')]: (i % 9) + 1, [k('备注')]: `离线改 ${i}` }))
    const offline = (performance.now() - t) / 1000

    // The push alone (then the pull that brings the host's versions back, reported apart).
    let pushTime = 0
    const timed: SyncTransport = {
      pull: transport.pull,
      push: async (input) => {
        const s = performance.now()
        try {
          return await transport.push(input)
        } finally {
          pushTime += (performance.now() - s) / 1000
        }
      }
    }
    const client2 = new SyncClient(replica, timed, { device: 'laptop', userId: rep.id, now: () => Date.now() })
    t = performance.now()
    await client2.sync()
    const whole = (performance.now() - t) / 1000
    const applied = replica.prepare("SELECT COUNT(*) FROM results WHERE status = 'applied'").pluck().get() as number

    // Floor: the same records updated again through the pipeline directly, in one transaction (no operation store, no conflict check).
    const others = ids
    t = performance.now()
    core.writes.transaction(() => others.forEach((id, i) => core.writes.update(rep, form.id, id, { [k('数量')]: (i % 9) + 1, [k('备注')]: `直接改 ${i}` })))
    const floorPush = (performance.now() - t) / 1000

    const result = {
      records: size, reps, share, first_replica_s: +first.toFixed(2), pulled_mb: +(bytes / 1e6).toFixed(1), raw_read_s: +floorRead.toFixed(3),
      offline_edits: ids.length, offline_write_s: +offline.toFixed(2), push_s: +pushTime.toFixed(2), applied, push_then_pull_s: +whole.toFixed(2),
      pipeline_floor_s: +floorPush.toFixed(2), push_vs_pipeline: others.length ? +(pushTime / floorPush * (others.length / ids.length)).toFixed(2) : null
    }
    console.log(JSON.stringify(result, null, 2))
    for (const [name, target] of Object.entries(TARGETS)) {
      const v = result[name as keyof typeof result] as number
      console.log(`${name}: ${v} s (target < ${target.max} s) ${v < target.max ? 'OK' : 'MISSED'}`)
    }
  } finally {
    core.close()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

void main()
