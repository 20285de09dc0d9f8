import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { backupDir } from '../db/backup'

// Where each backup was copied, and the last failure to reach the second place, in
// backups/copies.json beside the backups themselves: it describes files in that folder, and it
// must survive a restore (which replaces the database, and would take a table with it).

export interface CopyRecord {
  path: string
  ok: boolean
  at: number
  error: string | null
}

export interface CopyIndex {
  copies: Record<string, CopyRecord[]>
  lastFailure: { path: string; at: number; error: string } | null
}

const FILE = 'copies.json'

export function readCopyIndex(dataDir: string): CopyIndex {
  const file = join(backupDir(dataDir), FILE)
  if (!existsSync(file)) return { copies: {}, lastFailure: null }
  try {
    const raw = JSON.parse(readFileSync(file, 'utf8')) as Partial<CopyIndex>
    return { copies: raw.copies ?? {}, lastFailure: raw.lastFailure ?? null }
  } catch {
    // A damaged index loses only the record of past copies, never a backup: start a new one.
    return { copies: {}, lastFailure: null }
  }
}

export function writeCopyIndex(dataDir: string, index: CopyIndex): void {
  const file = join(backupDir(dataDir), FILE)
  writeFileSync(`${file}.tmp`, JSON.stringify(index, null, 1))
  renameSync(`${file}.tmp`, file)
}
