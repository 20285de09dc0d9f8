import { extname } from 'node:path'

// What a stored file is, decided by the server from its bytes, never from what the uploader
// claimed: an HTML page uploaded as image/png is text/html here. The declared type and the
// file name only choose between formats that share one container (a .docx and an .xlsx are both
// zip files) and can never turn a file into an image or into markup.

/** Raster images shown inline (previews, <img>): they carry no script. Everything else downloads. */
const INLINE = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp'])

const ZIP_FORMATS: Record<string, string> = {
  '.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  '.pptx': 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  '.odt': 'application/vnd.oasis.opendocument.text',
  '.ods': 'application/vnd.oasis.opendocument.spreadsheet'
}
const OLE_FORMATS: Record<string, string> = { '.doc': 'application/msword', '.xls': 'application/vnd.ms-excel', '.ppt': 'application/vnd.ms-powerpoint' }

const starts = (data: Buffer, bytes: number[], at = 0) => data.length >= at + bytes.length && bytes.every((b, i) => data[at + i] === b)
const ascii = (data: Buffer, text: string, at = 0) => data.subarray(at, at + text.length).toString('latin1') === text

/** Markup a browser would run: HTML (sniffed anywhere near the start), SVG and other XML. */
function markup(head: string): string | null {
  const text = head.replace(/^\uFEFF/, '').trimStart().toLowerCase()
  if (text.startsWith('<?xml')) return /<svg[\s>]/.test(text) ? 'image/svg+xml' : 'application/xml'
  if (/^<svg[\s>]/.test(text)) return 'image/svg+xml'
  if (/<(!doctype html|html|head|body|script|iframe|svg|object|embed|meta|a\s|img\s|style|title)[\s>/]/.test(text)) return 'text/html'
  return null
}

/** The content type of a file from its bytes (and, inside one container format, its name). */
export function sniffMime(data: Buffer, name = ''): string {
  const ext = extname(name).toLowerCase()
  if (starts(data, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png'
  if (starts(data, [0xff, 0xd8, 0xff])) return 'image/jpeg'
  if (ascii(data, 'GIF87a') || ascii(data, 'GIF89a')) return 'image/gif'
  if (ascii(data, 'RIFF') && ascii(data, 'WEBP', 8)) return 'image/webp'
  if (ascii(data, 'RIFF') && ascii(data, 'WAVE', 8)) return 'audio/wav'
  if (ascii(data, 'BM') && data.length > 26 && data.readUInt32LE(2) === data.length) return 'image/bmp'
  if (starts(data, [0x00, 0x00, 0x01, 0x00])) return 'image/x-icon'
  if (ascii(data, '%PDF-')) return 'application/pdf'
  if (starts(data, [0x50, 0x4b, 0x03, 0x04]) || starts(data, [0x50, 0x4b, 0x05, 0x06])) return ZIP_FORMATS[ext] ?? 'application/zip'
  if (starts(data, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return OLE_FORMATS[ext] ?? 'application/x-ole-storage'
  if (starts(data, [0x1f, 0x8b])) return 'application/gzip'
  if (starts(data, [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c])) return 'application/x-7z-compressed'
  if (ascii(data, 'Rar!\x1a\x07')) return 'application/vnd.rar'
  if (ascii(data, 'ftyp', 4)) return /^(heic|heix|mif1)$/.test(data.subarray(8, 12).toString('latin1')) ? 'image/heic' : 'video/mp4'
  if (ascii(data, 'ID3') || starts(data, [0xff, 0xfb])) return 'audio/mpeg'
  const head = data.subarray(0, 4096)
  if (head.includes(0)) return 'application/octet-stream'
  const text = head.toString('utf8')
  const active = markup(text)
  if (active) return active
  if (ext === '.csv') return 'text/csv'
  return 'text/plain'
}

/** Whether a type may be shown inside the app (inline); every other file is served as a download. */
export const servedInline = (mime: string): boolean => INLINE.has(mime)

/**
 * A declared content type is kept for the record only, but it must look like one: `type/subtype`
 * with an optional parameter, printable ASCII, no line breaks.
 */
export const validDeclaredMime = (mime: string): boolean => /^[\w.+-]+\/[\w.+-]+(\s*;\s*[\w.+-]+=("[ !#-[\]-~]*"|[\w.+-]+))*$/.test(mime)
