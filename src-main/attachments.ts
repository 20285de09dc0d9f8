import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Sqlite } from './db/connection'
import type { Clock } from './clock'
import { NotFoundError, ValidationError } from './shared/errors'

// Attachment files live in <data>/attachments/<first two hex>/<sha256>. Content-addressed:
// uploading the same file twice stores it once, and records only ever hold the hash.

export class AttachmentStore {
  constructor(private readonly db: Sqlite, private readonly dataDir: string, private readonly clock: Clock) {}

  private path(hash: string): string {
    return join(this.dataDir, 'attachments', hash.slice(0, 2), hash)
  }

  put(name: string, mime: string, base64: string) {
    const data = Buffer.from(base64, 'base64')
    if (!data.length && base64.length) throw new ValidationError('error.badRequest', { detail: 'data' }, 'data')
    const hash = createHash('sha256').update(data).digest('hex')
    const file = this.path(hash)
    if (!existsSync(file)) {
      mkdirSync(join(this.dataDir, 'attachments', hash.slice(0, 2)), { recursive: true })
      // Write then rename, so a crash never leaves a half file under a valid hash.
      writeFileSync(`${file}.tmp`, data)
      renameSync(`${file}.tmp`, file)
    }
    this.db.prepare('INSERT OR IGNORE INTO attachments (hash, name, size, mime, created_at) VALUES (?, ?, ?, ?, ?)').run(hash, name, data.length, mime, this.clock.now())
    return { hash, name, size: data.length, mime }
  }

  get(hash: string): { meta: { hash: string; name: string; size: number; mime: string }; data: Buffer } {
    const meta = this.db.prepare('SELECT hash, name, size, mime FROM attachments WHERE hash = ?').get(hash) as { hash: string; name: string; size: number; mime: string } | undefined
    if (!meta || !/^[0-9a-f]{64}$/.test(hash) || !existsSync(this.path(hash))) throw new NotFoundError()
    return { meta, data: readFileSync(this.path(hash)) }
  }
}
