import { statSync } from 'node:fs'
import { ident, openDatabase, type Sqlite } from '../db/connection'
import { formTable } from '../forms/model'
import { ValidationError } from '../shared/errors'
import type { BackupPreviewDto } from '../shared/api/settings'

// What a backup holds, read from the file itself (read-only): its records per form, its users,
// the time it was taken. Shown before a restore, so the administrator sees what they get back.

/** The time a backup was taken, from its name (jimu-YYYYMMDD-HHMMSS-reason.db), local time. */
export function stampTime(file: string): number | null {
  const m = /jimu-(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})-/.exec(file)
  if (!m) return null
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number]
  return new Date(y, mo - 1, d, h, mi, s).getTime()
}

export function stamp(ms: number): string {
  const d = new Date(ms)
  const p = (n: number, w = 2) => String(n).padStart(w, '0')
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`
}

export function previewDatabase(file: string, label: string): BackupPreviewDto {
  let db: Sqlite | undefined
  try {
    db = openDatabase(file, { readonly: true, fileMustExist: true })
    const version = Number(db.pragma('user_version', { simple: true }))
    const hasTable = (name: string) => db!.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined
    if (!hasTable('forms') || !hasTable('users')) throw new ValidationError('backup.error.notJimu', { file: label }, 'file')
    const forms = (db.prepare('SELECT id, label, api_key FROM forms ORDER BY position, id').all() as Array<{ id: number; label: string; api_key: string }>)
      .filter((f) => hasTable(formTable(f.id)))
      .map((f) => ({ label: f.label, apiKey: f.api_key, count: Number(db!.prepare(`SELECT count(*) FROM ${ident(formTable(f.id))} WHERE deleted_at IS NULL`).pluck().get()) }))
    const users = Number(db.prepare('SELECT count(*) FROM users').pluck().get())
    const at = stampTime(label)
    return { createdAt: at === null ? null : new Date(at).toISOString(), size: statSync(file).size, schemaVersion: version, forms, users }
  } catch (e) {
    if (e instanceof ValidationError) throw e
    throw new ValidationError('backup.error.notJimu', { file: label }, 'file')
  } finally {
    db?.close()
  }
}
