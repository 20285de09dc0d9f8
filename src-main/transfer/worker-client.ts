import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'
import { DomainError } from '../shared/errors'
import type { ImportJob } from './import-job'

// The main-process side of an import worker: typed calls that resolve with the worker's answer,
// and domain errors rebuilt as the same typed errors, so the API reports them translated.

type Ops = {
  open: ImportJob['open']
  columns: ImportJob['columns']
  headers: ImportJob['headers']
  preview: (...args: Parameters<ImportJob['preview']>) => { preview: ReturnType<ImportJob['preview']>; prepared: number; rejected: number; newOptions: Record<string, string[]>; newPeople: string[] }
  take: ImportJob['take']
  refuse: ImportJob['refuse']
  report: ImportJob['report']
}

/** The built worker (out/main/transfer-worker.js), or the TypeScript source run through tsx in tests. */
function workerEntry(): { code: string; eval: boolean } {
  // Benchmarks run from source but measure the built worker, as users get it.
  const built = process.env.JIMU_TRANSFER_WORKER
  if (built && existsSync(built)) return { code: built, eval: false }
  for (const dir of [__dirname, join(__dirname, '..')]) {
    const file = join(dir, 'transfer-worker.js')
    if (existsSync(file)) return { code: file, eval: false }
  }
  return { code: `require('tsx/cjs'); require(${JSON.stringify(join(__dirname, 'worker.ts'))})`, eval: true }
}

export class ImportWorker {
  private readonly worker: Worker
  private next = 1
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>()
  private dead: Error | null = null
  /** Rows read so far while opening a file. */
  rowsRead = 0

  constructor(dbFile: string) {
    const entry = workerEntry()
    // No inherited Node options: a parent run under a loader (tsx in benchmarks and scripts) would
    // route every module the worker loads through it; the source entry loads tsx itself.
    this.worker = new Worker(entry.code, { eval: entry.eval, execArgv: [], workerData: { dbFile }, resourceLimits: { maxOldGenerationSizeMb: 2048 } })
    this.worker.unref()
    this.worker.on('message', (msg: { id?: number; progress?: number; result?: unknown; error?: { domain: boolean; code?: string; messageKey?: string; params?: Record<string, string | number>; field?: string; message?: string } }) => {
      if (msg.progress !== undefined) { this.rowsRead = msg.progress; return }
      const w = this.waiting.get(msg.id!)
      if (!w) return
      this.waiting.delete(msg.id!)
      if (!msg.error) return w.resolve(msg.result)
      const e = msg.error
      w.reject(e.domain ? new DomainError(e.code as DomainError['code'], e.messageKey!, e.params, e.field) : new Error(e.message))
    })
    const fail = (e: Error) => {
      this.dead = e
      for (const w of this.waiting.values()) w.reject(e)
      this.waiting.clear()
    }
    this.worker.on('error', fail)
    this.worker.on('exit', (code) => fail(new Error(`import worker exited (${code})`)))
  }

  call<K extends keyof Ops>(op: K, ...args: Parameters<Ops[K]>): Promise<Awaited<ReturnType<Ops[K]>>> {
    if (this.dead) return Promise.reject(this.dead)
    const id = this.next++
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject })
      this.worker.postMessage({ id, op, args })
    })
  }

  terminate(): Promise<number> {
    return this.worker.terminate()
  }
}
