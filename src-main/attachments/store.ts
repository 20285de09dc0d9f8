import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Sqlite } from '../db/connection'
import type { Clock } from '../clock'
import { NotFoundError, ValidationError } from '../shared/errors'
import { sniffMime, validDeclaredMime } from './content-type'

// Attachment files live in <data>/attachments/<first two hex>/<sha256>. Content-addressed:
// uploading the same file twice stores it once, and records only ever hold the hash.
// The blob (attachments: hash, size, the type read from its bytes) is kept apart from each
// upload (attachment_uploads: the name and type the uploader gave, and who uploaded), so what
// one person called a file is never what the next uploader of the same bytes is told.

const HASH = /^[0-9a-f]{64}$/

export interface AttachmentBlob {
  hash: string
  /** The name the file was first stored under; shown only for record values stored without a name of their own (see forms/field-types/attachment.ts). */
  name: string
  size: number
  mime: string
}

export interface StoredFile {
  blob: AttachmentBlob
  data: Buffer
  /** The content type decided from the bytes now (older rows hold the type the uploader claimed). */
  mime: string
}

export class AttachmentStore {
  constructor(private readonly db: Sqlite, private readonly dataDir: string, private readonly clock: Clock) {}

  private path(hash: string): string {
    return join(this.dataDir, 'attachments', hash.slice(0, 2), hash)
  }

  /** Store a file; answers this upload's name and the type the server read from the bytes. */
  put(name: string, declaredMime: string, base64: string, uploaderId: number | null = null) {
    // Kept for the record only (the served type is read from the bytes), but never junk.
    const mime = declaredMime === '' ? 'application/octet-stream' : declaredMime
    if (!validDeclaredMime(mime)) throw new ValidationError('attachment.badMime', {}, 'mime')
    if ([...name].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)) throw new ValidationError('attachment.badName', {}, 'name')
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
    const sniffed = sniffMime(data, name)
    const now = this.clock.now()
    this.db.transaction(() => {
      this.db.prepare('INSERT OR IGNORE INTO attachments (hash, name, size, mime, created_at) VALUES (?, ?, ?, ?, ?)').run(hash, name, data.length, sniffed, now)
      this.db.prepare('INSERT INTO attachment_uploads (hash, name, declared_mime, uploader_id, created_at) VALUES (?, ?, ?, ?, ?)').run(hash, name, mime, uploaderId, now)
    })()
    return { hash, name, size: data.length, mime: sniffed }
  }

  /** The name under which `userId` last uploaded these bytes; null when they never did. */
  uploadedBy(hash: string, userId: number): { name: string } | null {
    return (this.db.prepare('SELECT name FROM attachment_uploads WHERE hash = ? AND uploader_id = ? ORDER BY id DESC LIMIT 1').get(hash, userId) as { name: string } | undefined) ?? null
  }

  /** The file; `name` (the one it is served under) chooses between formats sharing a container. */
  get(hash: string, name?: string): StoredFile {
    if (!HASH.test(hash)) throw new NotFoundError()
    const blob = this.db.prepare('SELECT hash, name, size, mime FROM attachments WHERE hash = ?').get(hash) as AttachmentBlob | undefined
    if (!blob || !existsSync(this.path(hash))) throw new NotFoundError()
    const data = readFileSync(this.path(hash))
    return { blob, data, mime: sniffMime(data, name ?? blob.name) }
  }
}
