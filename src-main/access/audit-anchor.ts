import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { appendFileSync, chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { openDatabase } from '../db/connection'

// What anchors the audit chain outside the database. Someone who can open jimu.db with a SQLite
// tool can rewrite entries and recompute plain hashes, or cut off the newest entries; neither can
// be seen from inside the file alone. So:
//  - the key: 32 random bytes in <dataDir>/keys/audit.key (mode 0600, folder 0700), made on the
//    first open. Each entry's link is an HMAC-SHA-256 under it, so without the key file no link
//    can be forged. The key never goes into the database or a backup; moving an installation
//    means moving the keys folder with jimu.db.
//  - checkpoints: the head of the chain (entry id, clock and its MAC), signed with the same key,
//    appended to <dataDir>/keys/audit.checkpoints (JSON lines) every so many entries, on close and
//    at each backup, and copied into each backup's sidecar. An entry missing after the newest
//    checkpoint is a truncation that verify names.

export interface Checkpoint {
  /** The head entry's id, clock and stored MAC when the checkpoint was taken. */
  id: number
  clock: number
  mac: string
  /** When it was taken (ms) and why: periodic, close, backup, keyed, restore. */
  at: number
  reason: string
  sig: string
}

const KEY_FILE = 'audit.key'
const CHECKPOINT_FILE = 'audit.checkpoints'
/** The checkpoint file is rewritten with its newest KEEP lines once it holds ROTATE_AT. */
const ROTATE_AT = 1000
const KEEP = 500
/** Checkpoint files set aside by restores, kept for an investigation; the oldest go first. */
const SET_ASIDE_KEPT = 5

export class AuditAnchor {
  private constructor(
    private readonly dir: string,
    private readonly key: Buffer,
    /** The key was made by this open: the database's existing entries (if any) were chained without it. */
    readonly created: boolean,
    private checkpoints: Checkpoint[] = []
  ) {}

  /** Lines of the checkpoint file whose signature does not check out (edited, or from another key). */
  private bad = 0

  get badCheckpoints(): number {
    return this.bad
  }

  static open(dataDir: string): AuditAnchor {
    const dir = join(dataDir, 'keys')
    mkdirSync(dir, { recursive: true, mode: 0o700 })
    const file = join(dir, KEY_FILE)
    let created = false
    if (!existsSync(file)) {
      // 'wx': two processes opening the same folder at once cannot both make a key.
      try {
        writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600, flag: 'wx' })
        created = true
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
      }
    }
    const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'hex')
    if (key.length !== 32) throw new Error(`The audit key ${file} is damaged (expected 32 bytes)`)
    const anchor = new AuditAnchor(dir, key, created)
    const { valid, bad } = anchor.parse(existsSync(anchor.file) ? readFileSync(anchor.file, 'utf8') : '')
    anchor.checkpoints = valid
    anchor.bad = bad
    return anchor
  }

  /** HMAC-SHA-256 of a message under the audit key, hex. */
  mac(message: string): string {
    return createHmac('sha256', this.key).update(message).digest('hex')
  }

  sign(c: Omit<Checkpoint, 'sig'>): Checkpoint {
    return { id: c.id, clock: c.clock, mac: c.mac, at: c.at, reason: c.reason, sig: this.mac(checkpointMessage(c)) }
  }

  signed(c: Checkpoint): boolean {
    if (typeof c?.sig !== 'string' || !Number.isInteger(c.id) || typeof c.mac !== 'string') return false
    const expected = Buffer.from(this.mac(checkpointMessage(c)), 'hex')
    const given = Buffer.from(c.sig, 'hex')
    return given.length === expected.length && timingSafeEqual(given, expected)
  }

  /** The checkpoints on file that check out, oldest first. */
  list(): readonly Checkpoint[] {
    return this.checkpoints
  }

  /** Append a checkpoint to the file (rotating it when long). */
  record(c: Checkpoint): void {
    this.checkpoints.push(c)
    if (this.checkpoints.length >= ROTATE_AT) {
      this.checkpoints = this.checkpoints.slice(-KEEP)
      this.rewrite(this.checkpoints)
    } else {
      appendFileSync(this.file, JSON.stringify(c) + '\n', { mode: 0o600 })
    }
  }

  /**
   * A restore puts an older database in place on purpose. The checkpoints on file describe the
   * timeline being abandoned: kept, they would report the restored database as truncated. So the
   * file is set aside (renamed, never deleted, for an investigation) and a new one starts from the
   * checkpoints the backup carried in its sidecar: the restored database is still checked against
   * the heads it had, so a backup edited or cut short before its restore is detected.
   */
  restart(from: Checkpoint[], stamp: string): void {
    if (existsSync(this.file)) renameSync(this.file, join(this.dir, `${CHECKPOINT_FILE}.before-restore-${stamp}`))
    const aside = readdirSync(this.dir).filter((f) => f.startsWith(`${CHECKPOINT_FILE}.before-restore-`)).sort()
    for (const old of aside.slice(0, Math.max(0, aside.length - SET_ASIDE_KEPT))) rmSync(join(this.dir, old), { force: true })
    this.checkpoints = from.filter((c) => this.signed(c))
    this.bad = 0
    this.rewrite(this.checkpoints)
  }

  /**
   * Seal a backup just written: sign its head as a checkpoint (recorded here too, the live chain
   * passed through it) and write the sidecar `<backup>.audit.json` with the checkpoints up to that
   * head, which a restore of this backup starts from.
   */
  sealBackup(backupFile: string, now: number, options: { record?: boolean } = {}): Checkpoint | null {
    let head: { id: number; clock: number; hash: string } | undefined
    const db = openDatabase(backupFile, { readonly: true, fileMustExist: true })
    try {
      // A backup taken before a migration may come from before the chain existed.
      const columns = db.prepare("SELECT name FROM pragma_table_info('change_log')").pluck().all() as string[]
      if (columns.includes('hash')) head = db.prepare('SELECT id, clock, hash FROM change_log ORDER BY id DESC LIMIT 1').get() as typeof head
    } finally {
      db.close()
    }
    const c = head ? this.sign({ id: head.id, clock: head.clock, mac: head.hash, at: now, reason: 'backup' }) : null
    if (c && options.record !== false) this.record(c)
    // A backup sealed apart from the live chain carries only its own head.
    const carried = !c ? [] : options.record === false ? [c] : [...this.checkpoints.filter((x) => x.id < c.id).slice(-99), c]
    writeFileSync(sidecarOf(backupFile), carried.map((x) => JSON.stringify(x) + '\n').join(''), { mode: 0o600 })
    return c
  }

  /**
   * When the key is made (the upgrade), the backups already on disk are chained without it. Each
   * gets a sidecar with its head signed now, so a later restore can tell that backup, as it was,
   * from one rewritten afterwards. Their heads are not recorded in the live file: a backup may come
   * from a timeline the live database left.
   */
  sealLegacyBackups(dir: string, files: string[], now: number): void {
    for (const file of files) if (!existsSync(sidecarOf(join(dir, file)))) this.sealBackup(join(dir, file), now, { record: false })
  }

  /** The checkpoints a backup's sidecar carries that check out under this key (none for a backup from before the key). */
  carriedBy(backupFile: string): Checkpoint[] {
    const file = sidecarOf(backupFile)
    return existsSync(file) ? this.parse(readFileSync(file, 'utf8')).valid : []
  }

  /** Checkpoints in the file format (JSON lines): those that check out, and how many lines do not. */
  parse(text: string): { valid: Checkpoint[]; bad: number } {
    const valid: Checkpoint[] = []
    let bad = 0
    for (const line of text.split('\n')) {
      if (!line.trim()) continue
      let c: Checkpoint | null = null
      try {
        c = JSON.parse(line) as Checkpoint
      } catch {
        c = null
      }
      if (c && this.signed(c)) valid.push(c)
      else bad++
    }
    return { valid, bad }
  }

  private get file(): string {
    return join(this.dir, CHECKPOINT_FILE)
  }

  private rewrite(list: Checkpoint[]): void {
    const tmp = `${this.file}.tmp`
    writeFileSync(tmp, list.map((c) => JSON.stringify(c) + '\n').join(''), { mode: 0o600 })
    chmodSync(tmp, 0o600)
    renameSync(tmp, this.file)
  }
}

/** What a checkpoint's signature covers; the prefix keeps it apart from any chain link's message. */
function checkpointMessage(c: Omit<Checkpoint, 'sig'>): string {
  return `jimu-audit-checkpoint\n${JSON.stringify([c.id, c.clock, c.mac, c.at, c.reason])}`
}

/** The sidecar next to a backup file, with the checkpoints it carries. */
export function sidecarOf(backupFile: string): string {
  return `${backupFile}.audit.json`
}
