import { inflateRawSync } from 'node:zlib'
import { ValidationError } from '../shared/errors'

// An .xlsx file is a zip. Before exceljs inflates anything, walk the zip's central directory and
// inflate each entry ourselves with a hard cap on its output, so a zip bomb (a few KB that
// inflate to gigabytes, or a directory that lies about its sizes) is refused with a clear error
// instead of exhausting memory. Truncated or damaged files fail here too, with their own message.
// The inflated entries are handed back: the import's xlsx reader parses them (xlsx-parse.ts).

export const ZIP_LIMITS = {
  /** Everything inflated together. A 100,000-row sheet of ten columns is about 40 MB. */
  totalBytes: 600 * 1024 * 1024,
  /** Compression ratio above which a large entry is taken for a bomb. */
  ratio: 200,
  /** Entries smaller than this are never bombs, whatever their ratio. */
  ratioFloor: 20 * 1024 * 1024,
  entries: 10_000
}

export interface ZipSummary {
  /** Every file entry by its path in the zip, inflated. */
  entries: Map<string, Buffer>
  uncompressed: number
}

const EOCD = 0x06054b50
const CENTRAL = 0x02014b50
const LOCAL = 0x04034b50

export function inspectZip(data: Buffer, fileName: string): ZipSummary {
  const bad = () => new ValidationError('transfer.error.badZip', { name: fileName }, 'data')
  const bomb = () => new ValidationError('transfer.error.zipBomb', { name: fileName }, 'data')
  let eocd = -1
  for (let i = data.length - 22; i >= Math.max(0, data.length - 22 - 65_535); i--) {
    if (data.readUInt32LE(i) === EOCD) { eocd = i; break }
  }
  if (eocd < 0) throw bad()
  const count = data.readUInt16LE(eocd + 10)
  const dirSize = data.readUInt32LE(eocd + 12)
  const dirOffset = data.readUInt32LE(eocd + 16)
  if (count === 0xffff || dirOffset === 0xffffffff) throw bad() // zip64: never written by Excel for sheets this size
  if (count > ZIP_LIMITS.entries) throw bomb()
  if (dirOffset + dirSize > eocd) throw bad()
  const entries = new Map<string, Buffer>()
  let total = 0
  let p = dirOffset
  for (let n = 0; n < count; n++) {
    if (p + 46 > data.length || data.readUInt32LE(p) !== CENTRAL) throw bad()
    const method = data.readUInt16LE(p + 10)
    const compressed = data.readUInt32LE(p + 20)
    const declared = data.readUInt32LE(p + 24)
    const nameLen = data.readUInt16LE(p + 28)
    const extraLen = data.readUInt16LE(p + 30)
    const commentLen = data.readUInt16LE(p + 32)
    const local = data.readUInt32LE(p + 42)
    const name = data.toString('utf8', p + 46, p + 46 + nameLen)
    p += 46 + nameLen + extraLen + commentLen
    total += declared
    if (total > ZIP_LIMITS.totalBytes) throw bomb()
    if (declared > ZIP_LIMITS.ratioFloor && declared > compressed * ZIP_LIMITS.ratio) throw bomb()
    if (local + 30 > data.length || data.readUInt32LE(local) !== LOCAL) throw bad()
    const start = local + 30 + data.readUInt16LE(local + 26) + data.readUInt16LE(local + 28)
    if (start + compressed > data.length) throw bad()
    if (name.endsWith('/')) continue
    const raw = data.subarray(start, start + compressed)
    let content: Buffer
    if (method === 0) content = raw
    else if (method === 8) {
      try {
        // One byte more than declared: a directory that lies about the size fails here.
        content = inflateRawSync(raw, { maxOutputLength: Math.max(1, declared + 1) })
      } catch (e) {
        if (e instanceof RangeError || (e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw bomb()
        throw bad()
      }
    } else throw bad()
    if (content.length !== declared) throw content.length > declared ? bomb() : bad()
    entries.set(name, content)
  }
  return { entries, uncompressed: total }
}

/** "B2" → { row: 2, col: 2 } (both 1-based). */
export function cellAddress(ref: string): { row: number; col: number } {
  const m = /^([A-Z]+)(\d+)$/.exec(ref)
  if (!m) return { row: 0, col: 0 }
  let col = 0
  for (const ch of m[1]!) col = col * 26 + (ch.charCodeAt(0) - 64)
  return { row: Number(m[2]), col }
}
