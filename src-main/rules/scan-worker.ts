import { createRequire } from 'node:module'
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'
import { connectSource } from '../db/connection'

// Long scans (inactivity, date-relative, schedule) run off the main thread: a worker with its own
// read-only SQLite connection executes the SQL the engine compiled (the engine builds it with the
// query builder on the main thread, so row filters mean exactly what they mean everywhere else).
// WAL mode lets the worker read while the main thread writes. The worker is started on first use
// and kept; `close()` ends it.

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const db = (${connectSource})(require(workerData.driver), workerData.file, { readonly: true, fileMustExist: true })
db.pragma('busy_timeout = 5000')
parentPort.on('message', (msg) => {
  try {
    const rows = db.prepare(msg.sql).all(...msg.params)
    parentPort.postMessage({ id: msg.id, rows })
  } catch (e) {
    parentPort.postMessage({ id: msg.id, error: String(e && e.message || e) })
  }
})
`

function driverPath(): string {
  const req = typeof require === 'function' ? require : createRequire(join(process.cwd(), 'package.json'))
  return req.resolve('better-sqlite3')
}

export class ScanWorker {
  private worker: Worker | null = null
  private seq = 0
  private readonly waiting = new Map<number, { resolve: (rows: unknown[]) => void; reject: (e: Error) => void }>()

  constructor(private readonly file: string) {}

  query<T>(sql: string, params: unknown[]): Promise<T[]> {
    const worker = this.start()
    const id = ++this.seq
    return new Promise<T[]>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (rows: unknown[]) => void, reject })
      worker.postMessage({ id, sql, params })
    })
  }

  /** Start the thread now (it takes a moment), so the first query does not wait for it. */
  warm(): void {
    this.start()
  }

  private start(): Worker {
    if (this.worker) return this.worker
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file: this.file, driver: driverPath() } })
    worker.unref()
    worker.on('message', (msg: { id: number; rows?: unknown[]; error?: string }) => {
      const w = this.waiting.get(msg.id)
      if (!w) return
      this.waiting.delete(msg.id)
      if (msg.error !== undefined) w.reject(new Error(msg.error))
      else w.resolve(msg.rows ?? [])
    })
    const failAll = (e: Error) => {
      for (const w of this.waiting.values()) w.reject(e)
      this.waiting.clear()
      this.worker = null
    }
    worker.on('error', failAll)
    worker.on('exit', (code) => failAll(new Error(`scan worker exited (${code})`)))
    this.worker = worker
    return worker
  }

  async close(): Promise<void> {
    const w = this.worker
    this.worker = null
    if (w) await w.terminate()
  }
}
