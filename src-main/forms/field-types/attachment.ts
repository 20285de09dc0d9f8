import type { FieldModel } from '../model'
import { badFilter, fail } from './common'
import type { FieldTypeModule } from './types'
import { ValidationError } from '../../shared/errors'

// Attachments are files kept in the data directory under their SHA-256 (uploaded first with
// attachments.upload), so identical files are kept once. The field stores a JSON array with one
// entry per file: { hash, name, mime } — the name this record shows and the type declared for it
// here, so two records holding the same bytes each show their own name (the blob row's name is
// whoever uploaded the bytes first, and is nobody else's business). Values stored before names
// were kept are plain hashes; they read with the name the record's creator uploaded the file
// under, else the blob's (see records/serialize.ts).
// Which files a caller may attach is decided in src-main/attachments/attach.ts (ctx.mayAttach).

const HASH = /^[0-9a-f]{64}$/
const MAX_NAME = 255

/** One file in a stored attachment value (name and mime absent in values stored before they were kept). */
export interface StoredFileEntry {
  hash: string
  name?: string
  mime?: string
}

/** The files in a stored attachment value, old (plain hash) entries included. */
export const storedEntries = (stored: unknown): StoredFileEntry[] =>
  typeof stored === 'string' ? (JSON.parse(stored) as Array<string | StoredFileEntry>).map((e) => (typeof e === 'string' ? { hash: e } : e)) : []

/** The hashes in a stored attachment value. */
export const storedHashes = (stored: unknown): string[] => storedEntries(stored).map((e) => e.hash)

/**
 * The files an attachment value names, each checked as a write takes it: a SHA-256 hash, and the
 * name sent with it (trimmed; at most 255 characters, no control characters) or null. Throws the
 * field's value.invalidAttachment otherwise. Shared by the write pipeline and a laptop's offline write.
 */
export function attachmentInputs(field: FieldModel, input: unknown): Array<{ hash: string; name: string | null }> {
  return (Array.isArray(input) ? input : [input]).map((v) => {
    const obj = typeof v === 'object' && v !== null ? (v as { hash?: unknown; name?: unknown }) : null
    const hash = obj ? obj.hash : v
    if (typeof hash !== 'string' || !HASH.test(hash)) fail(field, 'value.invalidAttachment', v)
    const name = obj && typeof obj.name === 'string' && obj.name.trim() !== '' ? obj.name.trim() : null
    if (name !== null && ([...name].length > MAX_NAME || [...name].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f))) fail(field, 'value.invalidAttachment', name)
    return { hash, name }
  })
}

/** A stored file entry: the name sent, else the one it has in the field, else the uploader's; the type it has here, else the upload's. */
export function fileEntry(hash: string, name: string | null, kept: { name?: string; mime?: string } | undefined, own: { name?: string; mime?: string } | null | undefined): StoredFileEntry {
  const entry: StoredFileEntry = { hash }
  const shown = name ?? kept?.name ?? own?.name
  const mime = kept?.mime ?? own?.mime
  if (shown !== undefined) entry.name = shown
  if (mime !== undefined) entry.mime = mime
  return entry
}

export const attachment: FieldTypeModule = {
  type: 'attachment',
  column: 'TEXT',
  searchable: false,
  formulaType: () => 'list',
  coerce(input, field: FieldModel, ctx) {
    const given = attachmentInputs(field, input)
    const known = ctx.db.prepare('SELECT 1 FROM attachments WHERE hash = ?').pluck()
    // A file the caller may not attach reads as one that does not exist (a hash is no proof of
    // access, and the answer must not tell whether someone stored those bytes).
    for (const { hash } of given) if (!known.get(hash) || (ctx.mayAttach && !ctx.mayAttach(hash, field))) fail(field, 'value.invalidAttachment', hash)
    const max = (field.config as { maxFiles?: number }).maxFiles
    if (max !== undefined && given.length > max) throw new ValidationError('value.tooManyOptions', { field: field.label, max }, field.apiKey)
    // The name: the one sent with the file, else the one it has in this field, else the caller's
    // own upload's. The declared type: the one it has here, else the caller's upload's.
    const before = new Map((ctx.attached?.(field) ?? []).flatMap(storedEntries).map((e) => [e.hash, e]))
    const upload = ctx.db.prepare('SELECT name, declared_mime AS mime FROM attachment_uploads WHERE hash = ? AND uploader_id = ? ORDER BY id DESC LIMIT 1')
    const entries = new Map<string, StoredFileEntry>()
    for (const { hash, name } of given) {
      if (entries.has(hash)) continue
      const kept = before.get(hash)
      const own = ctx.actorId ? (upload.get(hash, ctx.actorId) as { name: string; mime: string } | undefined) : undefined
      entries.set(hash, fileEntry(hash, name, kept, own))
    }
    return entries.size ? JSON.stringify([...entries.values()]) : null
  },
  toApi: (stored, _field, ctx) =>
    storedEntries(stored).flatMap((e) => {
      // The blob's size and server-read type; the name this record gives the file.
      const meta = ctx.attachment(e.hash, e.name === undefined ? ctx.recordCreator : undefined)
      return meta ? [{ hash: meta.hash, name: e.name ?? meta.name, size: meta.size, mime: meta.mime }] : []
    }),
  toFormula: (stored) => storedHashes(stored),
  format: (stored) => (typeof stored === 'string' ? String(storedEntries(stored).length) : ''),
  filter(op, _value, field, { column }) {
    if (op === 'empty') return { sql: `${column} IS NULL`, params: [] }
    if (op === 'notEmpty') return { sql: `${column} IS NOT NULL`, params: [] }
    return badFilter(field, op)
  }
}
