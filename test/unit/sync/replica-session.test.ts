import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { ReplicaSession, type HostCall } from '../../../src-main/lan/replica-session'
import type { Timers } from '../../../src-main/lan/connection'
import { directTransport, syncWorld, type World } from './harness'

// The desktop client's sync loop (src-main/lan/replica-session.ts) against a real host core: one
// sync at a time however often it is asked, a host that answers with an error is asked again after
// the backoff (the outbox kept), an unreachable host is left to the connection's own probes, and a
// host session that is not the replica's user pushes nothing.

let w: World
const dirs: string[] = []
afterEach(() => {
  w?.close()
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

function timers(): Timers & { waits: number[]; fire(): void } {
  const pending: Array<() => void> = []
  const waits: number[] = []
  return {
    waits,
    now: () => w.clock.now(),
    setTimeout: (fn, ms) => {
      waits.push(ms)
      pending.push(fn)
      return pending.length
    },
    clearTimeout: () => undefined,
    fire: () => pending.splice(0).forEach((fn) => fn())
  }
}

async function session(options: { fail?: () => 'unreachable' | 'error' | null; meId?: number } = {}) {
  w = await syncWorld(1)
  const [rep] = w.users
  w.core.writes.create(rep!, w.form.id, { [w.key('名称')]: '已有的' })
  const direct = directTransport(w, rep!)
  let inFlight = 0
  let most = 0
  const calls: string[] = []
  const call: HostCall = async (method, input) => {
    calls.push(method)
    const failing = options.fail?.()
    if (failing === 'unreachable') return { ok: false, error: { code: 'CONFLICT', messageKey: 'lan.client.unreachable', message: '连接不上主机' } }
    if (failing === 'error') return { ok: false, error: { code: 'CONFLICT', messageKey: 'error.restoreInProgress', message: '正在恢复' } }
    inFlight++
    most = Math.max(most, inFlight)
    try {
      await new Promise((r) => setTimeout(r, 5))
      switch (method) {
        case 'auth.me': return { ok: true, data: { id: options.meId ?? rep!.id, name: rep!.name } }
        case 'sync.push': return { ok: true, data: await direct.push(input as Parameters<typeof direct.push>[0]) }
        case 'sync.pull': return { ok: true, data: await direct.pull(input as Parameters<typeof direct.pull>[0]) }
        case 'forms.access': return { ok: true, data: { actions: ['view', 'create', 'edit', 'delete'], readonly: [] } }
        default: return { ok: true, data: [] }
      }
    } finally {
      inFlight--
    }
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'jimu-replica-'))
  dirs.push(dataDir)
  const t = timers()
  const views: Array<{ state: string; pending: number }> = []
  const s = new ReplicaSession({ dataDir, hostFingerprint: 'AB:CD', userId: rep!.id, device: 'pc', call, online: () => true, onChange: (v) => views.push(v), timers: t, backoff: { baseMs: 1000, maxMs: 8000 } })
  return { s, t, calls, views, most: () => most, rep: rep! }
}

describe('the desktop client\'s sync loop', () => {
  it('never runs two syncs at once: requests during a sync make one more sync after it', async () => {
    const { s, calls, most, views } = await session()
    await Promise.all([s.requestSync(), s.requestSync(), s.requestSync(), s.requestSync()])
    expect(most()).toBe(1)
    // The first sync, and one more for the requests made while it ran.
    expect(calls.filter((m) => m === 'auth.me')).toHaveLength(2)
    expect(s.client.records(w.form.id)).toHaveLength(1)
    expect(views.some((v) => v.state === 'syncing')).toBe(true)
    expect(views.at(-1)).toMatchObject({ state: 'online', pending: 0 })
    await s.close()
  })

  it('a host that answers with an error keeps the outbox and is asked again after the backoff; an unreachable one is left to the connection', async () => {
    let mode: 'unreachable' | 'error' | null = null
    const { s, t, rep } = await session({ fail: () => mode })
    await s.requestSync()
    s.api.keepAccess(w.form.id, { actions: ['view', 'create', 'edit'], readonly: [] })
    expect(s.answer('records.create', { form: w.form.id, fields: { [w.key('名称')]: '离线的' } }).ok).toBe(true)
    mode = 'unreachable'
    await s.requestSync()
    expect(t.waits).toEqual([])
    expect(s.client.pending()).toBe(1)
    mode = 'error'
    await s.requestSync()
    expect(t.waits).toHaveLength(1)
    expect(t.waits[0]).toBeGreaterThanOrEqual(800)
    expect(t.waits[0]).toBeLessThanOrEqual(1200)
    expect(s.client.pending()).toBe(1)
    mode = null
    t.fire()
    await s.requestSync()
    expect(s.client.pending()).toBe(0)
    expect(w.core.reads.list(rep, { form: w.form.id, limit: 10 }).records.map((r) => r.fields[w.key('名称')])).toContain('离线的')
    await s.close()
  })

  it('a host session that is not the replica\'s user pushes nothing', async () => {
    const { s, calls } = await session({ meId: 999 })
    await s.requestSync()
    expect(calls).toEqual(['auth.me'])
    expect(s.view().lastSyncAt).toBeNull()
    await s.close()
  })
})
