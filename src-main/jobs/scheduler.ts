import type { Statement } from 'better-sqlite3'
import type { Sqlite } from '../db/connection'
import type { Clock } from '../clock'
import { NotFoundError, ValidationError } from '../shared/errors'

/**
 * The durable background scheduler. Work lives in the `jobs` table (migration 6), so it survives
 * a restart and what fell due while the PC was off runs at the next start. Each job may carry an
 * idempotency key (UNIQUE): enqueueing the same key twice is a no-op, which is how engines make
 * "never the same (rule, record, period) twice" hold across restarts.
 *
 * Time comes only from the injected clock. Real timers only decide *when to look*; what is due
 * is always `run_at <= clock.now()`, so a ManualClock drives everything in tests (`tick()`).
 *
 * Sweeps are callbacks run on every tick (and once at start, to catch up): the rule engine's
 * schedule, date-relative and inactivity scans enqueue their jobs from there.
 */

export type JobStatus = 'pending' | 'running' | 'done' | 'failed'

export interface Job {
  id: number
  kind: string
  payload: unknown
  runAt: number
  key: string | null
  attempts: number
  maxAttempts: number
  lastError: string | null
  status: JobStatus
  createdAt: number
  updatedAt: number
  finishedAt: number | null
}

export interface JobKindOptions {
  /** Attempts before the job lands in the failed list (default 5). */
  maxAttempts?: number
  /** First retry delay in ms; doubled per attempt, capped at one hour (default 30 s). */
  backoffMs?: number
}

export type JobHandler = (payload: unknown, job: Job) => unknown
export type Sweep = (now: number, lastRunAt: number | null) => void | Promise<void>

interface JobRow {
  id: number
  kind: string
  payload: string
  run_at: number
  key: string | null
  attempts: number
  max_attempts: number
  last_error: string | null
  status: JobStatus
  created_at: number
  updated_at: number
  finished_at: number | null
}

const MAX_BACKOFF = 60 * 60 * 1000
/** Jobs run per tick at most, so one tick never starves the event loop for long. */
const BATCH = 200

export interface TickResult {
  ran: number
  failed: number
  retried: number
}

export class Scheduler {
  private readonly kinds = new Map<string, { handler: JobHandler; options: Required<JobKindOptions> }>()
  private readonly sweeps = new Map<string, Sweep>()
  private timer: ReturnType<typeof setInterval> | null = null
  private running: Promise<TickResult> | null = null
  private halted = false
  private readonly st: Record<'insert' | 'due' | 'claim' | 'done' | 'retry' | 'fail' | 'get' | 'sweepGet' | 'sweepSet', Statement>
  /** Logged errors of sweeps and jobs, for the console in serve mode and the Electron log. */
  onError: (where: string, error: unknown) => void = (where, error) => console.error(`[scheduler] ${where}:`, error)

  constructor(private readonly db: Sqlite, private readonly clock: Clock, private readonly intervalMs = 1000) {
    this.st = {
      insert: db.prepare('INSERT INTO jobs (kind, payload, run_at, key, max_attempts, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, \'pending\', ?, ?) ON CONFLICT(key) DO NOTHING'),
      due: db.prepare("SELECT * FROM jobs WHERE status = 'pending' AND run_at <= ? ORDER BY run_at, id LIMIT ?"),
      claim: db.prepare("UPDATE jobs SET status = 'running', attempts = attempts + 1, updated_at = ? WHERE id = ? AND status = 'pending'"),
      done: db.prepare("UPDATE jobs SET status = 'done', last_error = NULL, updated_at = ?, finished_at = ? WHERE id = ?"),
      retry: db.prepare("UPDATE jobs SET status = 'pending', run_at = ?, last_error = ?, updated_at = ? WHERE id = ?"),
      fail: db.prepare("UPDATE jobs SET status = 'failed', last_error = ?, updated_at = ?, finished_at = ? WHERE id = ?"),
      get: db.prepare('SELECT * FROM jobs WHERE id = ?'),
      sweepGet: db.prepare('SELECT last_run_at FROM job_sweeps WHERE name = ?'),
      sweepSet: db.prepare('INSERT INTO job_sweeps (name, last_run_at, last_error) VALUES (?, ?, ?) ON CONFLICT(name) DO UPDATE SET last_run_at = excluded.last_run_at, last_error = excluded.last_error')
    }
  }

  registerKind(kind: string, handler: JobHandler, options: JobKindOptions = {}): void {
    if (this.kinds.has(kind)) throw new Error(`Job kind ${kind} is registered twice`)
    this.kinds.set(kind, { handler, options: { maxAttempts: options.maxAttempts ?? 5, backoffMs: options.backoffMs ?? 30_000 } })
  }

  registerSweep(name: string, sweep: Sweep): void {
    if (this.sweeps.has(name)) throw new Error(`Sweep ${name} is registered twice`)
    this.sweeps.set(name, sweep)
  }

  /**
   * Add a job. Returns its id, or null when a job with the same key already exists (whatever its
   * status: a key is used once, ever).
   */
  enqueue(kind: string, payload: unknown, options: { runAt?: number; key?: string; maxAttempts?: number } = {}): number | null {
    const registered = this.kinds.get(kind)
    if (!registered) throw new ValidationError('rules.error.unknownJobKind', { kind })
    const now = this.clock.now()
    const result = this.st.insert.run(kind, JSON.stringify(payload ?? null), options.runAt ?? now, options.key ?? null, options.maxAttempts ?? registered.options.maxAttempts, now, now)
    return result.changes ? Number(result.lastInsertRowid) : null
  }

  hasKey(key: string): boolean {
    return this.db.prepare('SELECT 1 FROM jobs WHERE key = ?').get(key) !== undefined
  }

  /** Start ticking. Jobs left `running` by a crash are put back; sweeps run once at once to catch up. */
  start(): Promise<TickResult> {
    if (this.timer) return this.running ?? Promise.resolve({ ran: 0, failed: 0, retried: 0 })
    this.halted = false
    this.db.prepare("UPDATE jobs SET status = 'pending', updated_at = ? WHERE status = 'running'").run(this.clock.now())
    this.timer = setInterval(() => void this.tick(), this.intervalMs)
    this.timer.unref?.()
    return this.tick()
  }

  /** Stop ticking; resolves once a tick in progress has finished. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    if (this.running) await this.running.catch(() => undefined)
  }

  /** Stop the timer at once (the core is closing); a tick in progress stops at its next job. */
  halt(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    this.halted = true
  }

  get started(): boolean {
    return this.timer !== null
  }

  /**
   * One pass: every sweep, then every due job (several rounds, as a job may enqueue due work).
   * Concurrent calls share the pass in progress.
   */
  tick(): Promise<TickResult> {
    if (this.running) return this.running
    this.running = this.pass().finally(() => {
      this.running = null
    })
    return this.running
  }

  private async pass(): Promise<TickResult> {
    const result: TickResult = { ran: 0, failed: 0, retried: 0 }
    for (const [name, sweep] of this.sweeps) {
      if (this.halted || !this.db.open) return result
      const now = this.clock.now()
      const last = (this.st.sweepGet.pluck().get(name) as number | undefined) ?? null
      try {
        await sweep(now, last)
        this.st.sweepSet.run(name, now, null)
      } catch (e) {
        this.st.sweepSet.run(name, last, String((e as Error)?.message ?? e))
        this.onError(`sweep ${name}`, e)
      }
    }
    for (let round = 0; round < 20; round++) {
      const due = this.st.due.all(this.clock.now(), BATCH) as JobRow[]
      if (!due.length) break
      for (const row of due) {
        if (this.halted || !this.db.open) return result
        await this.runOne(row, result)
      }
    }
    return result
  }

  private async runOne(row: JobRow, result: TickResult): Promise<void> {
    if (!this.st.claim.run(this.clock.now(), row.id).changes) return
    const job = toJob({ ...row, attempts: row.attempts + 1, status: 'running' })
    const registered = this.kinds.get(row.kind)
    try {
      if (!registered) throw new Error(`No handler for job kind ${row.kind}`)
      await registered.handler(job.payload, job)
      const now = this.clock.now()
      this.st.done.run(now, now, row.id)
      result.ran++
    } catch (e) {
      const now = this.clock.now()
      const message = errorText(e)
      if (job.attempts >= job.maxAttempts) {
        this.st.fail.run(message, now, now, row.id)
        result.failed++
        this.onError(`job ${row.id} (${row.kind}) failed for good`, e)
      } else {
        const base = registered?.options.backoffMs ?? 30_000
        const delay = Math.min(MAX_BACKOFF, base * 2 ** (job.attempts - 1))
        this.st.retry.run(now + delay, message, now, row.id)
        result.retried++
      }
    }
  }

  job(id: number): Job {
    const row = this.st.get.get(id) as JobRow | undefined
    if (!row) throw new NotFoundError('rules.error.jobNotFound', { id })
    return toJob(row)
  }

  /** Jobs by status, newest first. */
  list(options: { status?: JobStatus; kind?: string; limit?: number } = {}): Job[] {
    const where: string[] = []
    const params: unknown[] = []
    if (options.status) {
      where.push('status = ?')
      params.push(options.status)
    }
    if (options.kind) {
      where.push('kind = ?')
      params.push(options.kind)
    }
    const rows = this.db.prepare(`SELECT * FROM jobs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY updated_at DESC, id DESC LIMIT ?`).all(...params, options.limit ?? 200) as JobRow[]
    return rows.map(toJob)
  }

  failed(limit = 200): Job[] {
    return this.list({ status: 'failed', limit })
  }

  /** Put a failed job back in the queue, due now, with a fresh set of attempts. */
  retry(id: number): Job {
    const job = this.job(id)
    if (job.status !== 'failed') throw new ValidationError('rules.error.jobNotFailed', { id })
    const now = this.clock.now()
    this.db.prepare("UPDATE jobs SET status = 'pending', attempts = 0, run_at = ?, updated_at = ?, finished_at = NULL WHERE id = ?").run(now, now, id)
    return this.job(id)
  }

  /** How many jobs are in each status. */
  counts(): Record<JobStatus, number> {
    const out: Record<JobStatus, number> = { pending: 0, running: 0, done: 0, failed: 0 }
    for (const r of this.db.prepare('SELECT status, COUNT(*) AS n FROM jobs GROUP BY status').all() as Array<{ status: JobStatus; n: number }>) out[r.status] = r.n
    return out
  }
}

function toJob(row: JobRow): Job {
  return {
    id: row.id,
    kind: row.kind,
    payload: JSON.parse(row.payload) as unknown,
    runAt: row.run_at,
    key: row.key,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    lastError: row.last_error,
    status: row.status,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    finishedAt: row.finished_at
  }
}

function errorText(e: unknown): string {
  if (e instanceof Error) return e.message.slice(0, 2000)
  return String(e).slice(0, 2000)
}
