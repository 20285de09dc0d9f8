import { existsSync, mkdirSync, readdirSync, rmSync, statSync, unlinkSync } from 'node:fs'
import { join } from 'node:path'
import { openDatabase, type Sqlite } from './connection'
import { NotFoundError, ValidationError } from '../shared/errors'

export const BACKUPS_KEPT = 14
const NAME = /^jimu-(\d{8})-(\d{6})-([a-z0-9-]+)\.db$/

export interface BackupInfo {
  file: string
  reason: string
  createdAt: number
  size: number
}

function stamp(ms: number): string {
  const d = new Date(ms)
  const p = (n: number, w = 2) => String(n).padStart(w, '0')
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`
}

export function backupDir(dataDir: string): string {
  const dir = join(dataDir, 'backups')
  mkdirSync(dir, { recursive: true })
  return dir
}

export function listBackups(dataDir: string): BackupInfo[] {
  const dir = backupDir(dataDir)
  return readdirSync(dir)
    .filter((f) => NAME.test(f))
    .map((file) => {
      const st = statSync(join(dir, file))
      return { file, reason: NAME.exec(file)![3]!, createdAt: st.mtimeMs, size: st.size }
    })
    .sort((a, b) => b.file.localeCompare(a.file))
}

/** Signs a fresh backup's audit head and writes its sidecar (the audit anchor's sealBackup). */
export type BackupSeal = (backupFile: string, now: number) => unknown

/** SQLite online backup: consistent even while the app keeps writing. Keeps the newest 14. */
export async function createBackup(db: Sqlite, dataDir: string, reason: string, now: number, seal?: BackupSeal): Promise<BackupInfo> {
  const dir = backupDir(dataDir)
  let file = `jimu-${stamp(now)}-${reason}.db`
  for (let i = 2; existsSync(join(dir, file)); i++) file = `jimu-${stamp(now)}-${reason}-${i}.db`
  await db.backup(join(dir, file))
  seal?.(join(dir, file), now)
  pruneBackups(dataDir)
  const st = statSync(join(dir, file))
  return { file, reason, createdAt: st.mtimeMs, size: st.size }
}

export function pruneBackups(dataDir: string, keep = BACKUPS_KEPT): void {
  const dir = backupDir(dataDir)
  for (const old of listBackups(dataDir).slice(keep)) {
    unlinkSync(join(dir, old.file))
    rmSync(join(dir, `${old.file}.audit.json`), { force: true })
  }
}

/** The start-up backup is taken at most once a calendar day. */
export function hasBackupOnDay(dataDir: string, now: number): boolean {
  const day = stamp(now).slice(0, 8)
  return listBackups(dataDir).some((b) => b.file.slice(5, 13) === day)
}

/** PRAGMA integrity_check on a database file, opened read-only. */
export function verifyDatabaseFile(file: string): boolean {
  let db: Sqlite | undefined
  try {
    db = openDatabase(file, { readonly: true, fileMustExist: true })
    const rows = db.pragma('integrity_check') as Array<{ integrity_check: string }>
    return rows.length === 1 && rows[0]!.integrity_check === 'ok'
  } catch {
    return false
  } finally {
    db?.close()
  }
}

/**
 * The path of a backup that may be restored: a plain file name inside the backups folder, present,
 * and passing integrity_check. Throws the translated error naming the file otherwise. Called
 * before anything is stopped or closed, so a bad request leaves the running app untouched.
 */
export function validateBackup(dataDir: string, file: string): string {
  if (!/^[\w.-]+$/.test(file) || file.startsWith('.')) throw new ValidationError('error.backupNotFound', { file }, 'file')
  const source = join(backupDir(dataDir), file)
  if (!existsSync(source) || !statSync(source).isFile()) throw new NotFoundError('error.backupNotFound', { file })
  if (!verifyDatabaseFile(source)) throw new ValidationError('error.backupCorrupt', { file }, 'file')
  return source
}
