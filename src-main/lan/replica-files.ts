import { createHash } from 'node:crypto'
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { HostFileAnswer } from './host-files'
import { servedInline } from '../attachments/content-type'
import { FILE_SECURITY_HEADERS } from '../attachments/downloads'

// Attachments on a laptop (issue 18: content-addressed, on demand for big ones). In client mode
// every file the window fetched from the office, or that a sync brought along (small files of the
// records in the replica), is kept in the replica's own folder under its SHA-256 — one folder per
// office and user, so a colleague signing in on the same PC never reads another's copies. While
// the office is unreachable a file is answered from here only when the replica says the user may
// see it there: a record's attachment field the replica holds with that file in it (the replica
// holds only records in the user's scope and never a hidden field). After each sync the copies no
// record of the replica names any more are deleted (a record transferred away, a field newly
// hidden): nothing the user may no longer see stays on the laptop's disk.

/** What a record's attachment value looks like in the replica (records.get's shape). */
interface AttachmentValue { hash: string; name?: string; mime?: string; size?: number }

export interface ReplicaFileLimits {
  /** Files above this are kept only when opened (on demand), never fetched by a sync. */
  prefetchBytes: number
  /** Files above this are not kept at all. */
  maxFileBytes: number
  /** The folder's size; the least recently used copies go first. */
  maxTotalBytes: number
}

export const DEFAULT_FILE_LIMITS: ReplicaFileLimits = { prefetchBytes: 2 * 1024 * 1024, maxFileBytes: 50 * 1024 * 1024, maxTotalBytes: 1024 * 1024 * 1024 }

const HASH = /^[0-9a-f]{64}$/

/** A jimu-file://files/<sha-256> URL parsed, with its hash; null for anything else. */
function fileUrlOf(fileUrl: string): { url: URL; hash: string } | null {
  let url: URL
  try {
    url = new URL(fileUrl)
  } catch {
    return null
  }
  const hash = url.pathname.replace(/^\/+/, '').toLowerCase()
  return url.hostname === 'files' && HASH.test(hash) ? { url, hash } : null
}

/** The hash and the record place of a jimu-file:// URL; null for another place (an approval, the logo, an upload). */
export function filePlace(fileUrl: string): { hash: string; form: number; record: number; field: number } | null {
  const parsed = fileUrlOf(fileUrl)
  if (!parsed) return null
  const { url, hash } = parsed
  const num = (name: string) => {
    const raw = url.searchParams.get(name) ?? ''
    return /^-?[1-9]\d{0,15}$/.test(raw) ? Number(raw) : null
  }
  const [form, record, field] = [num('form'), num('record'), num('field')]
  return form !== null && record !== null && field !== null ? { hash, form, record, field } : null
}

/** A window's URL for a file in a record's attachment field (what the office's /files route takes). */
export function recordFileUrl(a: Pick<ReplicaAttachment, 'hash' | 'form' | 'record' | 'field'>): string {
  return `jimu-file://files/${a.hash}?form=${a.form}&record=${a.record}&field=${a.field}`
}

/** The files an attachment value names. */
export function attachmentHashes(value: unknown): string[] {
  if (!Array.isArray(value)) return []
  return value.filter((v): v is AttachmentValue => typeof v === 'object' && v !== null && typeof (v as AttachmentValue).hash === 'string').map((v) => v.hash.toLowerCase())
}

export class ReplicaFiles {
  /** Copies the size limit never evicts: files picked offline and not yet sent to the office. */
  private pinned: () => ReadonlySet<string> = () => new Set()

  constructor(
    private readonly dir: string,
    private readonly limits: ReplicaFileLimits = DEFAULT_FILE_LIMITS
  ) {
    mkdirSync(dir, { recursive: true, mode: 0o700 })
  }

  /** Say which copies must stay whatever the folder's size (the only copy of a file picked offline). */
  pin(pinned: () => ReadonlySet<string>): void {
    this.pinned = pinned
  }

  private path(hash: string): string {
    return join(this.dir, hash)
  }

  has(hash: string): boolean {
    try {
      return statSync(this.path(hash)).isFile()
    } catch {
      return false
    }
  }

  /**
   * Keep a copy of what the office answered for a file: a 200 whose body is the file it names
   * (its SHA-256 is checked, so a copy is never anything else). Answers whether it was kept.
   */
  keep(hash: string, answer: HostFileAnswer): boolean {
    const h = hash.toLowerCase()
    if (answer.status !== 200 || !HASH.test(h) || answer.body.length > this.limits.maxFileBytes) return false
    if (createHash('sha256').update(answer.body).digest('hex') !== h) return false
    const headers: Record<string, string> = {}
    for (const name of ['content-type', 'content-disposition', 'content-security-policy', 'x-content-type-options', 'cross-origin-resource-policy']) {
      if (answer.headers[name]) headers[name] = answer.headers[name]!
    }
    writeFileSync(this.path(h), answer.body, { mode: 0o600 })
    writeFileSync(`${this.path(h)}.json`, JSON.stringify(headers), { mode: 0o600 })
    this.trim()
    return true
  }

  /**
   * Keep a file the user picked on this computer offline (to attach, uploaded before the change
   * naming it is pushed), with the headers the office serves files with: the type read from the
   * bytes, only raster images inline, never sniffed, sandboxed. Answers whether it was kept.
   */
  keepPicked(hash: string, bytes: Buffer, meta: { name: string; mime: string }): boolean {
    const headers: Record<string, string> = {
      'content-type': meta.mime,
      'content-disposition': `${servedInline(meta.mime) ? 'inline' : 'attachment'}; filename*=UTF-8''${encodeURIComponent(meta.name)}`,
      ...FILE_SECURITY_HEADERS
    }
    return this.keep(hash, { status: 200, headers, body: bytes })
  }

  /** The bytes of a kept copy (a file picked offline, for its upload), or null. */
  read(hash: string): Buffer | null {
    if (!HASH.test(hash) || !this.has(hash)) return null
    try {
      return readFileSync(this.path(hash))
    } catch {
      return null
    }
  }

  /**
   * The kept copy for a window's file URL, when `allowed` says the replica shows that file in that
   * record's field; null otherwise (not kept, another place, or not the user's to see).
   */
  answer(fileUrl: string, allowed: (place: { form: number; record: number; field: number; hash: string }) => boolean): HostFileAnswer | null {
    const place = filePlace(fileUrl)
    if (!place || !allowed(place)) return null
    return this.copy(place.hash)
  }

  /**
   * A file the user picked on this computer, shown by its plain URL (`jimu-file://files/<hash>`,
   * before the record naming it is saved) — as the office answers an uploader for their own file.
   * `own` says whether the user picked it here; null otherwise.
   */
  answerOwn(fileUrl: string, own: (hash: string) => boolean): HostFileAnswer | null {
    const parsed = fileUrlOf(fileUrl)
    if (!parsed || [...parsed.url.searchParams.keys()].length || !own(parsed.hash)) return null
    return this.copy(parsed.hash)
  }

  private copy(hash: string): HostFileAnswer | null {
    if (!this.has(hash)) return null
    try {
      const body = readFileSync(this.path(hash))
      const headers = JSON.parse(readFileSync(`${this.path(hash)}.json`, 'utf8')) as Record<string, string>
      const now = new Date()
      utimesSync(this.path(hash), now, now)
      return { status: 200, headers: { ...headers, 'content-length': String(body.length), 'cache-control': 'private, no-cache', etag: `"${hash}"` }, body }
    } catch {
      return null
    }
  }

  /** The files a sync should fetch now, each once with a place that shows it: small enough and not kept yet. */
  wanted(attachments: readonly ReplicaAttachment[]): ReplicaAttachment[] {
    const out = new Map<string, ReplicaAttachment>()
    for (const a of attachments) {
      if (HASH.test(a.hash) && (a.size ?? Infinity) <= this.limits.prefetchBytes && !out.has(a.hash) && !this.has(a.hash)) out.set(a.hash, a)
    }
    return [...out.values()]
  }

  /** Delete every copy no record of the replica names any more. Answers how many went. */
  prune(named: ReadonlySet<string>): number {
    let removed = 0
    for (const name of this.entries()) {
      if (named.has(name)) continue
      rmSync(this.path(name), { force: true })
      rmSync(`${this.path(name)}.json`, { force: true })
      removed++
    }
    return removed
  }

  /** Everything kept (the replica is closed for good: the user's copies go with it). */
  clear(): void {
    rmSync(this.dir, { recursive: true, force: true })
  }

  private entries(): string[] {
    try {
      return readdirSync(this.dir).filter((n) => HASH.test(n))
    } catch {
      return []
    }
  }

  /** Least recently used copies go while the folder is over its size; files picked offline and not sent yet stay. */
  private trim(): void {
    const pinned = this.pinned()
    const files = this.entries().map((name) => {
      const s = statSync(this.path(name))
      return { name, size: s.size, used: s.mtimeMs }
    })
    let total = files.reduce((sum, f) => sum + f.size, 0)
    if (total <= this.limits.maxTotalBytes) return
    for (const f of files.filter((x) => !pinned.has(x.name)).sort((a, b) => a.used - b.used)) {
      if (total <= this.limits.maxTotalBytes) break
      rmSync(this.path(f.name), { force: true })
      rmSync(`${this.path(f.name)}.json`, { force: true })
      total -= f.size
    }
  }

}

/** The replica's tables this module reads (src-main/sync/client.ts owns them). */
interface ReplicaDb {
  prepare(sql: string): { get(...params: unknown[]): unknown; iterate(...params: unknown[]): IterableIterator<unknown> }
}

type DtoField = { id: number; apiKey: string; type: string; parentFieldId: number | null }

/** A file a record of the replica shows, and where (the place the office's /files route checks). */
export interface ReplicaAttachment { hash: string; size: number | null; form: number; record: number; field: number }

/** Every attachment the replica's records show in an attachment field (sub-table rows too). */
export function replicaAttachments(db: ReplicaDb): ReplicaAttachment[] {
  const out: ReplicaAttachment[] = []
  for (const f of db.prepare('SELECT id, dto FROM forms').iterate() as IterableIterator<{ id: number; dto: string }>) {
    const fields = (JSON.parse(f.dto) as { fields?: DtoField[] }).fields ?? []
    const files = fields.filter((x) => x.type === 'attachment')
    if (!files.length) continue
    const parents = new Map(fields.map((x) => [x.id, x]))
    for (const row of db.prepare('SELECT id, data FROM records WHERE form_id = ?').iterate(f.id) as IterableIterator<{ id: number; data: string }>) {
      const values = (JSON.parse(row.data) as { fields?: Record<string, unknown> }).fields ?? {}
      for (const field of files) {
        const parent = field.parentFieldId === null ? null : parents.get(field.parentFieldId)
        const lists = parent ? (Array.isArray(values[parent.apiKey]) ? (values[parent.apiKey] as Array<Record<string, unknown>>).map((r) => r[field.apiKey]) : []) : [values[field.apiKey]]
        for (const list of lists) {
          if (!Array.isArray(list)) continue
          for (const v of list as AttachmentValue[]) {
            if (typeof v?.hash === 'string') out.push({ hash: v.hash.toLowerCase(), size: typeof v.size === 'number' ? v.size : null, form: f.id, record: row.id, field: field.id })
          }
        }
      }
    }
  }
  return out
}

/**
 * Whether the replica shows this file in this record's attachment field (a sub-table's too): what
 * the office's /files route decides for a record reference, asked of the copy the office sent.
 */
export function replicaShowsFile(db: ReplicaDb, place: { form: number; record: number; field: number; hash: string }): boolean {
  const form = db.prepare('SELECT dto FROM forms WHERE id = ?').get(place.form) as { dto: string } | undefined
  const row = db.prepare('SELECT data FROM records WHERE form_id = ? AND id = ?').get(place.form, place.record) as { data: string } | undefined
  if (!form || !row) return false
  const fields = (JSON.parse(form.dto) as { fields?: DtoField[] }).fields ?? []
  const values = (JSON.parse(row.data) as { fields?: Record<string, unknown> }).fields ?? {}
  const field = fields.find((f) => f.id === place.field)
  if (!field || field.type !== 'attachment') return false
  if (field.parentFieldId === null) return attachmentHashes(values[field.apiKey]).includes(place.hash)
  const parent = fields.find((f) => f.id === field.parentFieldId)
  const rows = parent && Array.isArray(values[parent.apiKey]) ? (values[parent.apiKey] as Array<Record<string, unknown>>) : []
  return rows.some((r) => attachmentHashes(r[field.apiKey]).includes(place.hash))
}

