import Database from 'better-sqlite3'
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3'
import * as schema from './schema'

export type Sqlite = Database.Database
export type Drizzle = BetterSQLite3Database<typeof schema>

/**
 * Open the database with the settings every connection must have: WAL (readers never block the
 * writer), foreign keys, and a busy timeout so a worker thread's connection waits instead of failing.
 * synchronous=NORMAL is safe in WAL mode against process crashes; only an OS crash or power loss
 * can lose the last transactions, never corrupt the file.
 */
export function openSqlite(file: string, options: { readonly?: boolean } = {}): Sqlite {
  const db = new Database(file, { readonly: options.readonly ?? false })
  if (!options.readonly) db.pragma('journal_mode = WAL')
  db.pragma('foreign_keys = ON')
  db.pragma('busy_timeout = 5000')
  db.pragma('synchronous = NORMAL')
  db.pragma('cache_size = -65536')
  db.pragma('temp_store = MEMORY')
  return db
}

export function wrapDrizzle(db: Sqlite): Drizzle {
  return drizzle(db, { schema })
}

/** Quote a generated identifier (f_12, c_34). Identifiers never come from user text. */
export function ident(name: string): string {
  if (!/^[a-z][a-z0-9_]*$/.test(name)) throw new Error(`Refusing to quote identifier ${name}`)
  return `"${name}"`
}
