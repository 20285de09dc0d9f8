import { afterEach, describe, expect, it } from 'vitest'
import { Core } from '../../../src-main/core'
import { ManualClock } from '../../../src-main/clock'
import { testCore } from '../../support/core'

const MIN = 60_000
const HOUR = 60 * MIN

describe('durable scheduler', () => {
  let env: Awaited<ReturnType<typeof testCore>>
  afterEach(() => env?.close())

  it('runs a job once it falls due by the injected clock, not before', async () => {
    env = await testCore()
    const ran: unknown[] = []
    env.core.scheduler.registerKind('test.echo', (p) => void ran.push(p))
    env.core.scheduler.enqueue('test.echo', { n: 1 }, { runAt: env.clock.now() + HOUR })
    await env.core.scheduler.tick()
    expect(ran).toEqual([])
    env.clock.advance(HOUR)
    const r = await env.core.scheduler.tick()
    expect(ran).toEqual([{ n: 1 }])
    expect(r.ran).toBe(1)
    await env.core.scheduler.tick()
    expect(ran).toHaveLength(1)
  })

  it('treats a duplicate idempotency key as a no-op, even after the first job ran', async () => {
    env = await testCore()
    let n = 0
    env.core.scheduler.registerKind('test.count', () => void n++)
    expect(env.core.scheduler.enqueue('test.count', null, { key: 'rule:1:rec:5:2024-03-05' })).toBeTypeOf('number')
    expect(env.core.scheduler.enqueue('test.count', null, { key: 'rule:1:rec:5:2024-03-05' })).toBeNull()
    await env.core.scheduler.tick()
    expect(env.core.scheduler.enqueue('test.count', null, { key: 'rule:1:rec:5:2024-03-05' })).toBeNull()
    await env.core.scheduler.tick()
    expect(n).toBe(1)
  })

  it('retries a failing job with doubling backoff, then lists it as failed; a retry runs it again', async () => {
    env = await testCore()
    let calls = 0
    let healthy = false
    env.core.scheduler.registerKind('test.flaky', () => {
      calls++
      if (!healthy) throw new Error('connection refused')
    }, { maxAttempts: 3, backoffMs: MIN })
    const id = env.core.scheduler.enqueue('test.flaky', {})!
    await env.core.scheduler.tick()
    expect(calls).toBe(1)
    let job = env.core.scheduler.job(id)
    expect(job.status).toBe('pending')
    expect(job.lastError).toBe('connection refused')
    expect(job.runAt).toBe(env.clock.now() + MIN)
    env.clock.advance(MIN - 1)
    await env.core.scheduler.tick()
    expect(calls).toBe(1)
    env.clock.advance(1)
    await env.core.scheduler.tick()
    expect(calls).toBe(2)
    expect(env.core.scheduler.job(id).runAt).toBe(env.clock.now() + 2 * MIN)
    env.clock.advance(2 * MIN)
    const r = await env.core.scheduler.tick()
    expect(r.failed).toBe(1)
    job = env.core.scheduler.job(id)
    expect(job.status).toBe('failed')
    expect(job.attempts).toBe(3)
    expect(env.core.scheduler.failed().map((j) => j.id)).toEqual([id])
    healthy = true
    env.core.scheduler.retry(id)
    await env.core.scheduler.tick()
    expect(env.core.scheduler.job(id).status).toBe('done')
    expect(env.core.scheduler.failed()).toEqual([])
  })

  it('survives a restart: pending and interrupted jobs run at the next start, sweeps catch up', async () => {
    env = await testCore()
    const { dataDir, clock } = env
    env.core.scheduler.registerKind('test.later', () => undefined)
    env.core.scheduler.enqueue('test.later', { a: 1 }, { runAt: clock.now() + 2 * HOUR, key: 'k1' })
    env.core.scheduler.enqueue('test.later', { a: 2 }, { runAt: clock.now() + 24 * HOUR, key: 'k2' })
    // A job a crash left half-run.
    env.core.db.prepare("UPDATE jobs SET status = 'running' WHERE key = 'k1'").run()
    env.core.close()

    clock.advance(7 * 24 * HOUR) // the PC was off for a week
    const core = await Core.open({ dataDir, clock: clock as ManualClock })
    const ran: unknown[] = []
    const sweeps: Array<[number, number | null]> = []
    core.scheduler.registerKind('test.later', (p) => void ran.push(p))
    core.scheduler.registerSweep('test.sweep', (now, last) => void sweeps.push([now, last]))
    await core.scheduler.start()
    await core.scheduler.stop()
    expect(ran).toEqual([{ a: 1 }, { a: 2 }])
    expect(sweeps).toEqual([[clock.now(), null]])
    clock.advance(MIN)
    await core.scheduler.tick()
    expect(sweeps[1]).toEqual([clock.now(), clock.now() - MIN])
    core.close()
  })

  it('keeps ticking when a sweep throws, and records the error', async () => {
    env = await testCore()
    const errors: string[] = []
    env.core.scheduler.onError = (where) => void errors.push(where)
    let good = 0
    env.core.scheduler.registerSweep('bad', () => {
      throw new Error('boom')
    })
    env.core.scheduler.registerSweep('good', () => void good++)
    await env.core.scheduler.tick()
    expect(good).toBe(1)
    expect(errors).toEqual(['sweep bad'])
    expect(env.core.db.prepare("SELECT last_error FROM job_sweeps WHERE name = 'bad'").pluck().get()).toBe('boom')
  })

  it('refuses an unknown job kind', async () => {
    env = await testCore()
    expect(() => env.core.scheduler.enqueue('nope', {})).toThrow(/unknownJobKind/)
  })
})
