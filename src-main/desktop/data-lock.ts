import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs'
import { hostname, uptime } from 'node:os'
import { join } from 'node:path'
import { ConflictError } from '../shared/errors'
import { pickLocale, translate } from '../shared/locales'

// One data folder, one process. The desktop app and serve mode run the same core with its own
// scheduler (rules, flow deadlines, e-mail): two of them on one folder would run every job twice
// and race on auto-numbers. So the first to open a folder writes `jimu.lock` (created exclusively,
// holding its pid), the second is refused with a message naming the folder and the holder, and a
// lock left behind by a crashed process (its pid no longer alive) is taken over.

export const LOCK_FILE = 'jimu.lock'

export type LockApp = 'desktop' | 'serve' | 'cli'

export interface LockHolder {
  pid: number
  host: string
  app: LockApp | 'unknown'
  since: number
}

export interface LockOptions {
  app: LockApp
  pid?: number
  host?: string
  now?: () => number
  /** Whether a process with this pid runs on this machine (injectable for tests). */
  isAlive?: (pid: number) => boolean
  /** When this machine started (ms); a lock written before it is stale whatever its pid. */
  bootTime?: number
}

/** The folder lock held by this process: `release()` removes the file if it is still ours. */
export interface DataDirLock {
  readonly file: string
  release(): void
}

/** Another live process holds the folder. The message names the folder and the holder. */
export class DataDirLockedError extends ConflictError {
  constructor(readonly dir: string, readonly holder: LockHolder) {
    super(`desktop.dataLocked.${holder.app}`, { dir, pid: holder.pid, host: holder.host, since: localTime(holder.since) })
  }
}

/** 2024-03-05 09:30, in this machine's time zone. */
function localTime(ms: number): string {
  const d = new Date(ms)
  const two = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}`
}

/** process.kill(pid, 0) probes without signalling: ESRCH means gone, EPERM means alive but not ours. */
export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

function readHolder(file: string): LockHolder | null {
  try {
    const raw = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockHolder>
    if (typeof raw.pid !== 'number') return null
    return {
      pid: raw.pid,
      host: typeof raw.host === 'string' ? raw.host : '?',
      app: raw.app === 'desktop' || raw.app === 'serve' || raw.app === 'cli' ? raw.app : 'unknown',
      since: typeof raw.since === 'number' ? raw.since : 0
    }
  } catch {
    // Unreadable or half-written: a crash between create and write. Nobody can be identified as
    // holding it, so it counts as stale.
    return null
  }
}

/** Take the folder's lock or throw DataDirLockedError. */
export function lockDataDir(dir: string, options: LockOptions): DataDirLock {
  const pid = options.pid ?? process.pid
  const host = options.host ?? hostname()
  const isAlive = options.isAlive ?? processAlive
  const now = options.now ?? Date.now
  const bootTime = options.bootTime ?? Date.now() - uptime() * 1000
  const file = join(dir, LOCK_FILE)
  mkdirSync(dir, { recursive: true })
  const me: LockHolder = { pid, host, app: options.app, since: now() }

  // Two attempts: the second follows the removal of a stale lock. If another process took the
  // stale lock over in between, its fresh lock is found on the second read and refused.
  for (let attempt = 0; attempt < 2; attempt++) {
    let fd: number
    try {
      fd = openSync(file, 'wx')
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
      const holder = readHolder(file)
      // A lock from another machine (a shared folder) cannot be probed: it is respected. On this
      // machine, a lock older than the last boot is stale even if its pid now belongs to some
      // other process (after a power cut the pid is soon reused).
      const stale = holder === null || (holder.host === host && holder.pid !== pid && (holder.since < bootTime || !isAlive(holder.pid)))
      if (holder !== null && holder.host === host && holder.pid === pid) {
        // This very process locked it already (a second open in the same process).
        return ownLock(file, pid)
      }
      if (!stale) throw new DataDirLockedError(dir, holder)
      try {
        unlinkSync(file)
      } catch (u) {
        if ((u as NodeJS.ErrnoException).code !== 'ENOENT') throw u
      }
      continue
    }
    try {
      writeSync(fd, JSON.stringify(me))
    } finally {
      closeSync(fd)
    }
    return ownLock(file, pid)
  }
  const holder = readHolder(file)
  throw new DataDirLockedError(dir, holder ?? { pid: 0, host, app: 'unknown', since: now() })
}

function ownLock(file: string, pid: number): DataDirLock {
  let released = false
  const release = () => {
    if (released) return
    released = true
    process.removeListener('exit', release)
    // Remove only our own lock: never one a later process wrote after ours was taken over.
    if (readHolder(file)?.pid !== pid) return
    try {
      unlinkSync(file)
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e
    }
  }
  // However the process ends normally (exit, a signal handler calling process.exit), the lock goes
  // with it; after a crash the next start finds the pid gone and takes the lock over.
  process.once('exit', release)
  return { file, release }
}

/**
 * For command-line entries (serve mode): take the lock, or print the translated reason (LANG
 * picks Chinese or English) and exit with status 1, without a stack trace.
 */
export function lockDataDirOrExit(dir: string, app: LockApp): DataDirLock {
  try {
    return lockDataDir(dir, { app })
  } catch (e) {
    if (!(e instanceof DataDirLockedError)) throw e
    console.error(translate(pickLocale(process.env.LC_ALL || process.env.LC_MESSAGES || process.env.LANG), e.messageKey, e.params))
    process.exit(1)
  }
}
