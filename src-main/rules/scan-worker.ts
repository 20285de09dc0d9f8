import { Worker } from 'node:worker_threads'
import { driverPath, WORKER_SOURCE } from '../db/read-pool'

// Long scans (inactivity, date-relative, schedule) run off the main thread: a worker with its own
// read-only SQLite connection executes the SQL the engine compiled (the engine builds it with the
// query builder on the main thread, so row filters mean exactly what they mean everywhere else).
// WAL mode lets the worker read while the main thread writes. The worker is started on first use
// and kept; `close()` ends it.

type Waiting = Map<number, { resolve: (rows: unknown[]) => void; reject: (e: Error) => void }>
interface Running {
  worker: Worker
  waiting: Waiting
}

export class ScanWorker {
  private running: Running | null = null
  private seq = 0

  constructor(private readonly file: string) {}

  /**
   * Every query answers: its rows, the SQL error, or — when the thread fails to start (the driver
   * or the file cannot be opened), dies or is closed — an error; never a promise left pending.
   */
  query<T>(sql: string, params: unknown[]): Promise<T[]> {
    const { worker, waiting } = this.start()
    const id = ++this.seq
    return new Promise<T[]>((resolve, reject) => {
      waiting.set(id, { resolve: resolve as (rows: unknown[]) => void, reject })
      try {
        worker.postMessage({ id, sql, params })
      } catch (e) {
        // A parameter the thread cannot receive (structured clone refused it).
        waiting.delete(id)
        reject(e instanceof Error ? e : new Error(String(e)))
      }
    })
  }

  /** Start the thread now (it takes a moment), so the first query does not wait for it. */
  warm(): void {
    this.start()
  }

  private start(): Running {
    if (this.running) return this.running
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file: this.file, driver: driverPath() } })
    worker.unref()
    // The queries waiting on this very thread: when it fails only they are rejected, and a thread
    // started after it (the next query) is not touched by its late 'exit'.
    const waiting: Waiting = new Map()
    const running: Running = { worker, waiting }
    worker.on('message', (msg: { id: number; rows?: unknown[]; error?: string }) => {
      const w = waiting.get(msg.id)
      if (!w) return
      waiting.delete(msg.id)
      if (msg.error !== undefined) w.reject(new Error(msg.error))
      else w.resolve(msg.rows ?? [])
    })
    const failAll = (e: Error) => {
      for (const w of waiting.values()) w.reject(e)
      waiting.clear()
      if (this.running === running) this.running = null
    }
    worker.on('error', failAll)
    worker.on('exit', (code) => failAll(new Error(`scan worker exited (${code})`)))
    this.running = running
    return running
  }

  async close(): Promise<void> {
    const r = this.running
    this.running = null
    // terminate() ends the thread; its 'exit' rejects what was still waiting on it.
    if (r) await r.worker.terminate()
  }
}
