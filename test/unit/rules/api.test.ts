import { afterEach, describe, expect, it } from 'vitest'
import { servedCore } from '../../support/http'
import { OffsetClock } from '../../../src-main/jobs/offset-clock'
import { latestOccurrence } from '../../../src-main/rules/triggers/schedule'

const DAY = 24 * 3600_000

async function serve(options: { clock?: OffsetClock } = {}) {
  const served = await servedCore({ clock: options.clock, prefix: 'jimu-rules-api-' })
  let cookie = ''
  const rpc = async (method: string, input: unknown = {}) => {
    const res = await fetch(`${served.base}/rpc/${method}`, { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: JSON.stringify(input) })
    cookie = res.headers.get('set-cookie')?.split(';')[0] ?? cookie
    return (await res.json()) as { ok: boolean; data?: any; error?: any }
  }
  return { host: served.host, rpc, close: served.close }
}

describe('rules over the API', () => {
  let env: Awaited<ReturnType<typeof serve>> | null = null
  afterEach(async () => {
    await env?.close()
    env = null
  })

  it('admins create, dry-run and list rules; bad input is refused with a translated message naming the field', async () => {
    env = await serve()
    await env.rpc('auth.setup', { name: '管理员', login: 'admin', password: 'secret123' })
    await env.rpc('crm.install', {})
    const bad = await env.rpc('rules.create', { name: '坏规则', form: 'opportunity', trigger: { type: 'dateRelative', field: 'name', amount: 3, unit: 'day', direction: 'before' }, actions: [{ type: 'score', delta: 1 }] })
    expect(bad.ok).toBe(false)
    expect(bad.error.message).toBe('「name」不是日期字段')
    const created = await env.rpc('rules.create', { name: '新商机通知', form: 'opportunity', trigger: { type: 'created' }, actions: [{ type: 'notify', to: { owner: true }, title: '新商机 {{name}}' }] })
    expect(created.ok).toBe(true)
    expect(created.data).toMatchObject({ enabled: false, formKey: 'opportunity' })
    const dry = await env.rpc('rules.dryRun', { id: created.data.id, days: 7 })
    expect(dry.data).toMatchObject({ nowTotal: 0, historyTotal: 0, actions: ['notify'] })
    const enabled = await env.rpc('rules.setEnabled', { id: created.data.id, enabled: true })
    expect(enabled.data.enabled).toBe(true)
    // A partial update changes only what it names.
    const renamed = await env.rpc('rules.update', { id: created.data.id, name: '新商机通知负责人' })
    expect(renamed.data).toMatchObject({ name: '新商机通知负责人', enabled: true, actions: [{ type: 'notify', title: '新商机 {{name}}' }] })
    await env.rpc('records.create', { form: 'opportunity', fields: { name: '接口商机', stage: 'initial' } })
    const list = await env.rpc('notifications.list', {})
    expect(list.data.unread).toBe(1)
    expect(list.data.items[0].title).toBe('新商机 接口商机')
    expect((await env.rpc('rules.runs', { id: created.data.id })).data[0]).toMatchObject({ matched: 1, actions: 1 })
    // The clock is fixed unless serve was started with --now.
    const refused = await env.rpc('clock.advance', { ms: DAY })
    expect(refused.error.message).toBe('只有以 --now 启动的演示服务器才能调整时间')
  })

  it('serve --now: the clock starts there and an administrator moves it forward; due work runs at once', async () => {
    const start = Date.parse('2024-03-04T09:00:00+08:00')
    env = await serve({ clock: new OffsetClock(start) })
    await env.rpc('auth.setup', { name: '管理员', login: 'admin', password: 'secret123' })
    await env.rpc('crm.install', {})
    const now = (await env.rpc('clock.get')).data
    expect(now.adjustable).toBe(true)
    expect(Math.abs(now.now - start)).toBeLessThan(5000)
    await env.rpc('records.create', { form: 'opportunity', fields: { name: '闲置商机', stage: 'initial' } })
    const moved = (await env.rpc('clock.advance', { ms: 8 * DAY })).data
    expect(moved.now - start).toBeGreaterThanOrEqual(8 * DAY)
    // The shipped 7-day rule ran during the advance.
    expect((await env.rpc('notifications.list', {})).data.items.map((n: { title: string }) => n.title)).toContain('商机「闲置商机」已 7 天未跟进')
  })
})

describe('schedule occurrences', () => {
  const at = (s: string) => new Date(s).getTime()
  it('daily, weekly (Monday = 1) and monthly (past the month end = its last day), local time', () => {
    expect(latestOccurrence({ type: 'schedule', every: 'day', time: '09:00' }, at('2024-03-05T08:59:00'))).toBe(at('2024-03-04T09:00:00'))
    expect(latestOccurrence({ type: 'schedule', every: 'day', time: '09:00' }, at('2024-03-05T09:00:00'))).toBe(at('2024-03-05T09:00:00'))
    expect(latestOccurrence({ type: 'schedule', every: 'week', weekday: 1, time: '08:30' }, at('2024-03-06T10:00:00'))).toBe(at('2024-03-04T08:30:00'))
    expect(latestOccurrence({ type: 'schedule', every: 'week', weekday: 3, time: '08:30' }, at('2024-03-06T08:00:00'))).toBe(at('2024-02-28T08:30:00'))
    expect(latestOccurrence({ type: 'schedule', every: 'month', monthday: 31, time: '18:00' }, at('2024-03-01T10:00:00'))).toBe(at('2024-02-29T18:00:00'))
  })
})

describe('read pool (the rule and report engines\' long scans)', () => {
  it('reads on its own read-only connection, off the main thread', async () => {
    const { testCore } = await import('../../support/core')
    const { ReadPool } = await import('../../../src-main/db/read-pool')
    const t = await testCore()
    const worker = new ReadPool(t.core.db.name)
    try {
      expect(await worker.query<{ n: number }>('SELECT COUNT(*) AS n FROM users', [])).toEqual([{ n: 1 }])
      await expect(worker.query('DELETE FROM users RETURNING id', [])).rejects.toThrow(/readonly/)
      expect(t.core.db.prepare('SELECT COUNT(*) FROM users').pluck().get()).toBe(1)
    } finally {
      await worker.close()
      t.close()
    }
  })

  it('always answers: a thread that cannot open its file, or is closed under a query, rejects instead of leaving the call pending', async () => {
    const { testCore } = await import('../../support/core')
    const { ReadPool } = await import('../../../src-main/db/read-pool')
    const missing = new ReadPool('/nonexistent/jimu-missing.db')
    await expect(missing.query('SELECT 1', [])).rejects.toThrow()
    // The failed thread is dropped: the next query starts a new one (and fails the same way, not hangs).
    await expect(missing.query('SELECT 1', [])).rejects.toThrow()
    await missing.close()
    const t = await testCore()
    const worker = new ReadPool(t.core.db.name)
    try {
      // A long statement, then the thread is ended under it (the report engine closing with its core).
      const pending = worker.query('WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50000000) SELECT COUNT(*) FROM n', [])
      await new Promise((r) => setTimeout(r, 50))
      await worker.close()
      await expect(pending).rejects.toThrow(/closed/)
      await expect(worker.query('SELECT 1', [])).rejects.toThrow(/closed/)
      // A parameter the thread cannot receive is refused at once; the pool goes on reading.
      const next = new ReadPool(t.core.db.name, { size: 1 })
      await expect(next.query('SELECT ?', [() => 1])).rejects.toThrow()
      expect(await next.query<{ n: number }>('SELECT COUNT(*) AS n FROM users', [])).toEqual([{ n: 1 }])
      await next.close()
    } finally {
      await worker.close()
      t.close()
    }
  })
})
