import { availableParallelism } from 'node:os'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'
import { connectSource } from './connection'

// Long reads off the main thread, several at once: a small pool of worker threads, each with its
// own read-only SQLite connection (WAL lets them read while the main thread writes). One user's
// big export or report takes one worker; another user's short read takes the next free one
// instead of queueing behind it. Sized from os.availableParallelism() (one core stays with the
// main thread), at least 1, at most 4. The rule engine's long scans (inactivity, date-relative,
// schedule) and the report engine's widget queries run here; the engines build the SQL with the
// query builder on the main thread, so row filters mean exactly what they mean everywhere else.
//
// Every query answers — rows, or an error: a failing statement, a worker that dies (its queries
// fail and the worker is replaced), a closed pool, or a query that runs past `timeoutMs` (its
// worker is ended and replaced, so a runaway scan cannot hold a slot forever).

/** Compiled statements a reader thread keeps. */
const STATEMENTS = 200

/** A reader thread's code: its own read-only connection, one statement per message. */
export const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const db = (${connectSource})(require(workerData.driver), workerData.file, { readonly: true, fileMustExist: true })
db.pragma('busy_timeout = 5000')
// Compiled statements kept per SQL text (the same widget queries come back all day; SQLite
// recompiles a kept statement by itself after a schema change). Least recently used out first.
const statements = new Map()
const statement = (sql) => {
  let s = statements.get(sql)
  if (s) statements.delete(sql)
  else s = db.prepare(sql)
  statements.set(sql, s)
  if (statements.size > ${STATEMENTS}) statements.delete(statements.keys().next().value)
  return s
}
parentPort.on('message', (msg) => {
  try {
    const rows = statement(msg.sql).all(...msg.params)
    parentPort.postMessage({ id: msg.id, rows })
  } catch (e) {
    parentPort.postMessage({ id: msg.id, error: String(e && e.message || e) })
  }
})
`

export function driverPath(): string {
  const req = typeof require === 'function' ? require : createRequire(join(process.cwd(), 'package.json'))
  return req.resolve('better-sqlite3')
}

export function defaultPoolSize(): number {
  return Math.max(1, Math.min(4, availableParallelism() - 1))
}

interface Job {
  id: number
  sql: string
  params: unknown[]
  resolve: (rows: unknown[]) => void
  reject: (e: Error) => void
  timer: NodeJS.Timeout | null
}

interface Slot {
  worker: Worker
  job: Job | null
  /** The thread is up: a query's time limit counts from here, not from the thread's start. */
  online: boolean
}

export interface ReadPoolOptions {
  size?: number
  /** A query running longer is failed and its worker replaced (default 120 s). */
  timeoutMs?: number
}

export class ReadPool {
  private readonly slots: Slot[] = []
  private readonly queue: Job[] = []
  private seq = 0
  private closed = false
  readonly size: number
  private readonly timeoutMs: number

  constructor(private readonly file: string, options: ReadPoolOptions = {}) {
    this.size = Math.max(1, options.size ?? defaultPoolSize())
    this.timeoutMs = options.timeoutMs ?? 120_000
  }

  query<T>(sql: string, params: unknown[]): Promise<T[]> {
    if (this.closed) return Promise.reject(new Error('read pool closed'))
    return new Promise<T[]>((resolve, reject) => {
      this.queue.push({ id: ++this.seq, sql, params, resolve: resolve as (rows: unknown[]) => void, reject, timer: null })
      this.pump()
    })
  }

  /** Start the threads now (they take a moment). */
  warm(): void {
    while (!this.closed && this.slots.length < this.size) this.spawn()
  }

  /** Queries waiting for a free worker, and running. */
  get load(): { queued: number; running: number } {
    return { queued: this.queue.length, running: this.slots.filter((s) => s.job).length }
  }

  private spawn(): Slot {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file: this.file, driver: driverPath() } })
    worker.unref()
    const slot: Slot = { worker, job: null, online: false }
    this.slots.push(slot)
    worker.once('online', () => {
      slot.online = true
      if (slot.job && !slot.job.timer) this.arm(slot, slot.job)
    })
    worker.on('message', (msg: { id: number; rows?: unknown[]; error?: string }) => {
      const job = slot.job
      if (!job || job.id !== msg.id) return
      this.finish(slot)
      if (msg.error !== undefined) job.reject(new Error(msg.error))
      else job.resolve(msg.rows ?? [])
      this.pump()
    })
    const fail = (e: Error) => this.retire(slot, e)
    worker.on('error', fail)
    worker.on('exit', (code) => fail(new Error(`read worker exited (${code})`)))
    return slot
  }

  private finish(slot: Slot): void {
    if (slot.job?.timer) clearTimeout(slot.job.timer)
    slot.job = null
  }

  /** A worker that died or was ended: its query fails, the slot is freed, the queue goes on. */
  private retire(slot: Slot, error: Error): void {
    const index = this.slots.indexOf(slot)
    if (index < 0) return
    this.slots.splice(index, 1)
    const job = slot.job
    this.finish(slot)
    job?.reject(error)
    void slot.worker.terminate().catch(() => undefined)
    this.pump()
  }

  private pump(): void {
    while (!this.closed && this.queue.length) {
      let slot = this.slots.find((s) => !s.job)
      if (!slot) {
        if (this.slots.length >= this.size) return
        slot = this.spawn()
      }
      const job = this.queue.shift()!
      slot.job = job
      if (slot.online) this.arm(slot, job)
      try {
        slot.worker.postMessage({ id: job.id, sql: job.sql, params: job.params })
      } catch (e) {
        // Parameters that cannot be sent to a thread: this query fails, the worker stays.
        this.finish(slot)
        job.reject(e instanceof Error ? e : new Error(String(e)))
      }
    }
  }

  private arm(slot: Slot, job: Job): void {
    job.timer = setTimeout(() => this.retire(slot, new Error(`read query ran longer than ${this.timeoutMs} ms`)), this.timeoutMs)
    job.timer.unref()
  }

  async close(): Promise<void> {
    this.closed = true
    for (const job of this.queue.splice(0)) job.reject(new Error('read pool closed'))
    const slots = this.slots.splice(0)
    for (const s of slots) {
      const job = s.job
      this.finish(s)
      job?.reject(new Error('read pool closed'))
    }
    // Not awaited: a thread inside a long native SQLite call ends only when that call returns.
    for (const s of slots) void s.worker.terminate().catch(() => undefined)
  }
}
