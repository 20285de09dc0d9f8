import { createContext } from 'react'

// Where an attachment is shown decides the URL it is fetched from. The server serves a file only
// when it is in what the user may read there (src-main/attachments/downloads.ts), so a URL names
// the place: a record's attachment field, or an approval instance. A file just uploaded and not
// saved yet needs no place: its uploader may always fetch it back.
// Over HTTP files are at /files/<hash>; inside Electron the main process answers jimu-file://files/<hash>.

/** The record an attachment input belongs to; null on a new record (files are then the user's own uploads). */
export type FileScope = { form: number; record: number } | null

export const FileScopeContext = createContext<FileScope>(null)

/** Where a file is shown: a record's attachment field, an approval, or the company logo (设置 → 系统). */
export type FilePlace = { form: number; record: number; field: number } | { flow: number } | { company: 'logo' } | null

export function fileUrl(hash: string, place: FilePlace = null): string {
  const base = typeof window !== 'undefined' && 'jimu' in window && Boolean(window.jimu) ? `jimu-file://files/${hash}` : `/files/${hash}`
  if (!place) return base
  const query = 'flow' in place ? `flow=${place.flow}` : 'company' in place ? 'company=logo' : `form=${place.form}&record=${place.record}&field=${place.field}`
  return `${base}?${query}`
}
