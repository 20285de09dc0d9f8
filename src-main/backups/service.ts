import { createHash } from 'node:crypto'
import { accessSync, constants, copyFileSync, createReadStream, existsSync, readdirSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs'
import { basename, isAbsolute, join } from 'node:path'
import type { Sqlite } from '../db/connection'
import type { Clock } from '../clock'
import { backupDir, createBackup, listBackups, pruneBackups, verifyDatabaseFile, type BackupInfo, type BackupSeal } from '../db/backup'
import { latestVersion } from '../db/migrations'
import type { SystemSettings } from '../settings/system-settings'
import type { BackupEntryDto, BackupPreviewDto, BackupStatusDto } from '../shared/api/settings'
import { ValidationError } from '../shared/errors'
import { readCopyIndex, writeCopyIndex, type CopyRecord } from './copies'
import { previewDatabase, stamp, stampTime } from './inspect'

// Backups while the app runs: every day at the owner's time (a scheduler sweep; what fell due
// while the PC was off is covered by the start-up backup), the chosen number kept, and each one
// copied to a second place the owner chose (a USB stick, a NAS share, another disk) and verified
// there (same size, same SHA-256, integrity_check). The status says when the last good backup is
// older than the schedule allows or the second place could not be reached: the header warns.
//
// The backup files themselves are made by src-main/db/backup.ts (createBackup, listBackups);
// a restore goes through the core host (it closes the database and reopens it).

export interface BackupServiceDeps {
  db: Sqlite
  dataDir: string
  clock: Clock
  settings: SystemSettings
  /** Signs the audit chain's head into each backup's sidecar (src-main/access/audit-anchor.ts). */
  seal: BackupSeal
}

const HOUR = 3_600_000
const DAY = 24 * HOUR
/** How late a scheduled backup may be before the header warns. */
export const GRACE_MS = 2 * HOUR
/** Without a schedule, the header warns when the last backup is older than this. */
export const UNSCHEDULED_LIMIT_MS = 7 * DAY
const BACKUP_NAME = /^jimu-\d{8}-\d{6}-[a-z0-9-]+\.db$/

/** The most recent moment of the daily schedule at or before `now` (local time). */
export function slotAtOrBefore(now: number, time: string): number {
  const [h, m] = time.split(':').map(Number) as [number, number]
  const d = new Date(now)
  const today = new Date(d.getFullYear(), d.getMonth(), d.getDate(), h, m, 0, 0).getTime()
  return today <= now ? today : new Date(d.getFullYear(), d.getMonth(), d.getDate() - 1, h, m, 0, 0).getTime()
}

/** The first moment of the daily schedule strictly after `at`. */
export function slotAfter(at: number, time: string): number {
  const [h, m] = time.split(':').map(Number) as [number, number]
  const d = new Date(at)
  const today = new Date(d.getFullYear(), d.getMonth(), d.getDate(), h, m, 0, 0).getTime()
  return today > at ? today : new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1, h, m, 0, 0).getTime()
}

export function sha256File(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256')
    createReadStream(file).on('data', (chunk) => hash.update(chunk)).on('error', reject).on('end', () => resolve(hash.digest('hex')))
  })
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e))

export class BackupService {
  private running: Promise<BackupEntryDto> | null = null
  /** The sweep looks at the folder only from this time on (the next slot), not on every tick. */
  private nextCheck = 0
  /** Whether the newest backup was checked for a copy in the second place since the core opened. */
  private pendingChecked = false
  private readonly openedAt: number

  constructor(private readonly deps: BackupServiceDeps) {
    this.openedAt = deps.clock.now()
  }

  /** Backups newest first, each with where it was copied. */
  list(): BackupEntryDto[] {
    const index = readCopyIndex(this.deps.dataDir)
    return listBackups(this.deps.dataDir).map((b) => this.entry(b, index.copies[b.file] ?? []))
  }

  private entry(b: BackupInfo, copies: CopyRecord[]): BackupEntryDto {
    const at = stampTime(b.file) ?? b.createdAt
    return {
      file: b.file, reason: b.reason, createdAt: new Date(at).toISOString(), size: b.size,
      copies: copies.map((c) => ({ path: c.path, ok: c.ok, at: new Date(c.at).toISOString(), error: c.error }))
    }
  }

  /** The time of the newest backup (from its name, which carries the core's clock), or null. */
  private lastAt(): { file: string; at: number } | null {
    const newest = listBackups(this.deps.dataDir)[0]
    return newest ? { file: newest.file, at: stampTime(newest.file) ?? newest.createdAt } : null
  }

  status(): BackupStatusDto {
    const now = this.deps.clock.now()
    const settings = this.deps.settings.backup()
    const last = this.lastAt()
    const since = last?.at ?? this.openedAt
    const overdue = settings.scheduled ? now > slotAfter(since, settings.time) + GRACE_MS : now > since + UNSCHEDULED_LIMIT_MS
    const failure = readCopyIndex(this.deps.dataDir).lastFailure
    return {
      lastGood: last ? { file: last.file, at: new Date(last.at).toISOString() } : null,
      overdue,
      copyFailed: failure && settings.copyTo ? { path: failure.path, at: new Date(failure.at).toISOString(), error: failure.error } : null,
      running: this.running !== null,
      nextAt: settings.scheduled ? new Date(slotAfter(Math.max(now, since), settings.time)).toISOString() : null
    }
  }

  /** The scheduler's sweep: a backup when the day's time has passed since the last one. */
  async sweep(now: number): Promise<void> {
    if (this.running) return
    // The backups made while the core opens (before a migration, the first start of the day) and
    // the one a restore makes of the data it replaces are copied to the second place here.
    if (!this.pendingChecked) {
      this.pendingChecked = true
      const newest = listBackups(this.deps.dataDir)[0]
      if (newest && this.deps.settings.backup().copyTo && !readCopyIndex(this.deps.dataDir).copies[newest.file]) await this.copy(newest.file)
    }
    if (now < this.nextCheck) return
    const settings = this.deps.settings.backup()
    if (!settings.scheduled) {
      this.nextCheck = Number.POSITIVE_INFINITY
      return
    }
    const last = this.lastAt()
    // Never a backup before the first slot after this data folder opened without any backup
    // (a fresh install has nothing to keep yet; the slot comes round on its own).
    const due = last ? last.at < slotAtOrBefore(now, settings.time) : now >= slotAfter(this.openedAt, settings.time)
    if (!due) {
      this.nextCheck = last ? slotAfter(now, settings.time) : slotAfter(this.openedAt, settings.time)
      return
    }
    await this.run('scheduled')
    this.nextCheck = slotAfter(this.deps.clock.now(), settings.time)
  }

  /** The schedule changed: look again at the next tick. */
  reschedule(): void {
    this.nextCheck = 0
  }

  /** Back up now (one at a time: a second call while one runs gets the same backup), keep the chosen number, copy to the second place. */
  run(reason = 'manual'): Promise<BackupEntryDto> {
    if (this.running) return this.running
    const job = this.make(reason).finally(() => {
      this.running = null
    })
    this.running = job
    return job
  }

  private async make(reason: string): Promise<BackupEntryDto> {
    const { db, dataDir, clock, settings, seal } = this.deps
    const info = await createBackup(db, dataDir, reason, clock.now(), seal)
    const keep = settings.backup().keep
    pruneBackups(dataDir, keep)
    const copies = await this.copy(info.file)
    return this.entry(info, copies)
  }

  /** Copy a backup to the second place and verify the copy; the outcome is recorded either way. */
  async copy(file: string): Promise<CopyRecord[]> {
    const { dataDir, clock, settings } = this.deps
    const target = settings.backup().copyTo
    const index = readCopyIndex(dataDir)
    const kept = new Set(listBackups(dataDir).map((b) => b.file))
    for (const name of Object.keys(index.copies)) if (!kept.has(name)) delete index.copies[name]
    if (!target) {
      writeCopyIndex(dataDir, index)
      return index.copies[file] ?? []
    }
    const source = join(backupDir(dataDir), file)
    const at = clock.now()
    let record: CopyRecord
    try {
      checkFolder(target)
      const dest = join(target, file)
      copyFileSync(source, `${dest}.partial`)
      renameSync(`${dest}.partial`, dest)
      const [a, b] = [statSync(source).size, statSync(dest).size]
      if (a !== b) throw new Error(`size ${b} ≠ ${a}`)
      if ((await sha256File(source)) !== (await sha256File(dest))) throw new Error('SHA-256 differs')
      if (!verifyDatabaseFile(dest)) throw new Error('integrity_check failed')
      pruneFolder(target, settings.backup().keep)
      record = { path: dest, ok: true, at, error: null }
      index.lastFailure = null
    } catch (e) {
      const error = e instanceof ValidationError ? String(e.params.reason ?? e.messageKey) : message(e)
      record = { path: join(target, file), ok: false, at, error }
      index.lastFailure = { path: target, at, error }
    }
    index.copies[file] = [...(index.copies[file] ?? []).filter((c) => c.path !== record.path), record]
    writeCopyIndex(dataDir, index)
    return index.copies[file]!
  }

  preview(file: string): BackupPreviewDto {
    if (!/^[\w.-]+$/.test(file)) throw new ValidationError('error.backupNotFound', { file }, 'file')
    const path = join(backupDir(this.deps.dataDir), file)
    if (!existsSync(path)) throw new ValidationError('error.backupNotFound', { file }, 'file')
    return previewDatabase(path, file)
  }

  /** What a backup file elsewhere (a USB stick) holds, read in place. */
  previewFile(path: string): BackupPreviewDto {
    if (!isAbsolute(path) || !existsSync(path) || !statSync(path).isFile()) throw new ValidationError('backup.error.noFile', { path }, 'path')
    return previewDatabase(path, basename(path))
  }

  /**
   * A backup file from elsewhere (a USB stick): checked (a Jimu database, intact, not from a newer
   * version) and copied into the backups folder, where the host's restore takes it from.
   */
  stageFile(path: string): string {
    const preview = this.previewFile(path)
    if (preview.schemaVersion > latestVersion()) throw new ValidationError('backup.error.newer', { path }, 'path')
    if (!verifyDatabaseFile(path)) throw new ValidationError('error.backupCorrupt', { file: path }, 'path')
    return this.stage((dest) => copyFileSync(path, dest))
  }

  /** Put a database into the backups folder under a fresh imported name; `write` fills the file. */
  stage(write: (dest: string) => void): string {
    const dir = backupDir(this.deps.dataDir)
    let file = `jimu-${stamp(this.deps.clock.now())}-imported.db`
    for (let i = 2; existsSync(join(dir, file)); i++) file = `jimu-${stamp(this.deps.clock.now())}-imported-${i}.db`
    write(join(dir, `${file}.partial`))
    renameSync(join(dir, `${file}.partial`), join(dir, file))
    return file
  }
}

/** A second place must be an existing folder this program can write to (a plugged-in USB stick, a mounted share). */
export function checkFolder(path: string): void {
  const fail = (reason: string) => new ValidationError('backup.error.folder', { path, reason }, 'copyTo')
  if (!isAbsolute(path)) throw fail('not an absolute path')
  if (!existsSync(path)) throw fail('not found')
  if (!statSync(path).isDirectory()) throw fail('not a folder')
  try {
    accessSync(path, constants.W_OK)
    const probe = join(path, `.jimu-write-test-${process.pid}`)
    writeFileSync(probe, 'ok')
    rmSync(probe, { force: true })
  } catch (e) {
    throw fail(message(e))
  }
}

/** Keep the newest `keep` backups in the second place; only files named like ours are touched. */
function pruneFolder(dir: string, keep: number): void {
  const ours = readdirSync(dir).filter((f) => BACKUP_NAME.test(f)).sort((a, b) => b.localeCompare(a))
  for (const old of ours.slice(keep)) unlinkSync(join(dir, old))
}

