import type { FieldModel } from '../model'
import { badFilter, fail } from './common'
import type { FieldTypeModule } from './types'
import { ValidationError } from '../../shared/errors'

// Attachments are files kept in the data directory under their SHA-256 (uploaded first with
// attachments.upload); the field stores a JSON array of hashes, so identical files are kept once.
// Which files a caller may attach is decided in src-main/attachments/attach.ts (ctx.mayAttach).

/** The hashes in a stored attachment value. */
export const storedHashes = (stored: unknown): string[] => (typeof stored === 'string' ? (JSON.parse(stored) as string[]) : [])

const HASH = /^[0-9a-f]{64}$/

export const attachment: FieldTypeModule = {
  type: 'attachment',
  column: 'TEXT',
  searchable: false,
  formulaType: () => 'list',
  coerce(input, field: FieldModel, ctx) {
    const list = Array.isArray(input) ? input : [input]
    const hashes = list.map((v) => {
      const hash = typeof v === 'object' && v !== null ? (v as { hash?: unknown }).hash : v
      return typeof hash === 'string' && HASH.test(hash) ? hash : fail(field, 'value.invalidAttachment', v)
    })
    const known = ctx.db.prepare('SELECT 1 FROM attachments WHERE hash = ?').pluck()
    // A file the caller may not attach reads as one that does not exist (a hash is no proof of
    // access, and the answer must not tell whether someone stored those bytes).
    for (const hash of hashes) if (!known.get(hash) || (ctx.mayAttach && !ctx.mayAttach(hash, field))) fail(field, 'value.invalidAttachment', hash)
    const max = (field.config as { maxFiles?: number }).maxFiles
    if (max !== undefined && hashes.length > max) throw new ValidationError('value.tooManyOptions', { field: field.label, max }, field.apiKey)
    const unique = [...new Set(hashes)]
    return unique.length ? JSON.stringify(unique) : null
  },
  toApi: (stored, _field, ctx) => (typeof stored === 'string' ? (JSON.parse(stored) as string[]).map((h) => ctx.attachment(h)).filter((a) => a !== null) : []),
  toFormula: (stored) => (typeof stored === 'string' ? (JSON.parse(stored) as string[]) : []),
  format: (stored) => (typeof stored === 'string' ? String((JSON.parse(stored) as string[]).length) : ''),
  filter(op, _value, field, { column }) {
    if (op === 'empty') return { sql: `${column} IS NULL`, params: [] }
    if (op === 'notEmpty') return { sql: `${column} IS NOT NULL`, params: [] }
    return badFilter(field, op)
  }
}
