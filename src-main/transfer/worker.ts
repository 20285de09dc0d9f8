import { parentPort, workerData } from 'node:worker_threads'
import { openSqlite } from '../db/connection'
import { systemClock } from '../clock'
import { DomainError } from '../shared/errors'
import { ImportJob } from './import-job'

// The import worker thread: one per import session, with its own read-only connection to the
// database, so reading a 100,000-row file and checking every row never blocks the main process.
// Requests come as { id, op, args } and are answered as { id, result } or { id, error }.

interface Request { id: number; op: 'open' | 'columns' | 'headers' | 'preview' | 'take' | 'refuse' | 'report'; args: unknown[] }

const db = openSqlite((workerData as { dbFile: string }).dbFile, { readonly: true })
const job = new ImportJob(db, systemClock)
const port = parentPort!

port.on('message', (req: Request) => {
  void handle(req).then(
    (result) => port.postMessage({ id: req.id, result }),
    (e: unknown) => port.postMessage({ id: req.id, error: serializeError(e) })
  )
})

async function handle(req: Request): Promise<unknown> {
  const a = req.args as unknown
  switch (req.op) {
    case 'open': {
      const [name, data] = a as [string, Uint8Array]
      return job.open(name, Buffer.from(data.buffer, data.byteOffset, data.byteLength), (rows) => port.postMessage({ progress: rows }))
    }
    case 'columns': return job.columns(...(a as Parameters<ImportJob['columns']>))
    case 'headers': return job.headers(...(a as Parameters<ImportJob['headers']>))
    case 'preview': return { preview: job.preview(...(a as Parameters<ImportJob['preview']>)), prepared: job.preparedCount, rejected: job.rejectedCount(), newOptions: job.newOptions, newPeople: job.newPeople }
    case 'take': return job.take(...(a as Parameters<ImportJob['take']>))
    case 'refuse': return job.refuse(...(a as Parameters<ImportJob['refuse']>))
    case 'report': return job.report(...(a as Parameters<ImportJob['report']>))
  }
}

function serializeError(e: unknown) {
  if (e instanceof DomainError) return { domain: true, code: e.code, messageKey: e.messageKey, params: e.params, field: e.field }
  return { domain: false, message: e instanceof Error ? e.stack ?? e.message : String(e) }
}
