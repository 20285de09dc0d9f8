import Database from 'better-sqlite3'
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3'
import * as schema from './schema'
import { DomainError } from '../shared/errors'
import { cacheStatements } from './statement-cache'

export { schemaGeneration } from './statement-cache'

export type Sqlite = Database.Database
export type Drizzle = BetterSQLite3Database<typeof schema>

export interface OpenOptions {
  readonly?: boolean
  /** Refuse to create the file (backups, worker threads reading the live database). */
  fileMustExist?: boolean
}

/**
 * The one place a better-sqlite3 connection is made. It uses nothing from this module's scope, so
 * a thread started from source text (the read pool's workers) runs this very function
 * (`connectSource`) with the driver it loads itself.
 */
export function connect(Driver: typeof Database, file: string, options: OpenOptions): Sqlite {
  return new Driver(file, { readonly: options.readonly === true, fileMustExist: options.fileMustExist === true })
}

/** `connect` as source text, for `new Worker(…, { eval: true })`: `(${connectSource})(Driver, file, options)`. */
export const connectSource: string = connect.toString()

/**
 * Open a database file. better-sqlite3 loads its native module on the first open; when that
 * fails (a binary for another platform, a damaged install) the error says so in the user's
 * terms instead of a dlopen message.
 */
export function openDatabase(file: string, options: OpenOptions = {}): Sqlite {
  try {
    return connect(Database, file, options)
  } catch (e) {
    throw nativeModuleError(e) ?? e
  }
}

const NATIVE_LOAD_FAILURE = /NODE_MODULE_VERSION|did not self-register|better_sqlite3\.node|prebuilds[\\/]|invalid ELF|not a valid Win32|wrong ELF class|image not found|incompatible architecture/i

/** A typed error when `e` is the native module failing to load, otherwise null. */
export function nativeModuleError(e: unknown): DomainError | null {
  if (!(e instanceof Error)) return null
  const code = (e as NodeJS.ErrnoException).code
  if (code !== 'ERR_DLOPEN_FAILED' && !(code === 'MODULE_NOT_FOUND' && /better_sqlite3|prebuilds/.test(e.message)) && !NATIVE_LOAD_FAILURE.test(e.message)) return null
  const electron = process.versions.electron
  return new DomainError('INTERNAL', 'desktop.nativeModule', {
    runtime: electron ? `Electron ${electron}` : `Node.js ${process.versions.node}`,
    platform: `${process.platform}-${process.arch}`,
    detail: e.message.split('\n')[0]!
  })
}

/**
 * Open the database with the settings every connection must have: WAL (readers never block the
 * writer), foreign keys, and a busy timeout so a worker thread's connection waits instead of failing.
 * synchronous=NORMAL is safe in WAL mode against process crashes; only an OS crash or power loss
 * can lose the last transactions, never corrupt the file.
 */
export function openSqlite(file: string, options: Pick<OpenOptions, 'readonly'> = {}): Sqlite {
  const db = openDatabase(file, { readonly: options.readonly ?? false })
  if (!options.readonly) db.pragma('journal_mode = WAL')
  db.pragma('foreign_keys = ON')
  db.pragma('busy_timeout = 5000')
  db.pragma('synchronous = NORMAL')
  db.pragma('cache_size = -65536')
  db.pragma('temp_store = MEMORY')
  return cacheStatements(db)
}

export function wrapDrizzle(db: Sqlite): Drizzle {
  return drizzle(db, { schema })
}

/** Quote a generated identifier (f_12, c_34). Identifiers never come from user text. */
export function ident(name: string): string {
  if (!/^[a-z][a-z0-9_]*$/.test(name)) throw new Error(`Refusing to quote identifier ${name}`)
  return `"${name}"`
}
