import type Database from 'better-sqlite3'

// Prepared statements kept per connection. The code base prepares its SQL where it runs it
// (`db.prepare(sql).get(...)`), which is clear to read; under load (the office network: 20
// colleagues on one server) compiling the same SQL again on every request was the largest single
// cost the profile showed (about 15 % of the server's CPU). A statement is compiled once per
// text and reused; SQLite recompiles it by itself when the schema changes (a field added in the
// designer), so a cached statement never runs against an old table shape.
//
// Every `prepare` still returns its own statement object (a Shared handle), so code that keeps a
// statement with a row mode (`db.prepare(sql).pluck()` held in a map) is never disturbed by
// another caller of the same text: each handle remembers its own mode and sets it on the compiled
// statement right before each run. A compiled statement still being iterated (a loop over
// `.iterate()` that runs the same text inside) is never shared: that run gets a fresh one.

const MAX = 1000

type Mode = 'flat' | 'pluck' | 'raw' | 'expand'
type Inner = Database.Statement

/** The row mode each compiled statement was last set to (a fresh statement is flat). */
const modes = new WeakMap<Inner, Mode>()

class Shared {
  private mode: Mode = 'flat'
  private safe: boolean | null = null
  constructor(private readonly take: () => Inner, private inner: Inner) {}

  /**
   * The compiled statement in this handle's mode; a fresh one when the shared one is busy. The
   * mode is set on the compiled statement only when the last handle to run it left another one
   * (each setter is a call into the native module: three per run added a tenth to a first page).
   */
  private ready(): Inner {
    let s = this.inner
    if (s.busy) s = this.inner = this.take()
    if (s.reader && modes.get(s) !== this.mode) {
      if (this.mode === 'flat') s.pluck(false).raw(false).expand(false)
      else s[this.mode](true)
      modes.set(s, this.mode)
    }
    if (this.safe !== null) s.safeIntegers(this.safe)
    return s
  }

  get reader(): boolean { return this.inner.reader }
  get readonly(): boolean { return this.inner.readonly }
  get source(): string { return this.inner.source }
  get busy(): boolean { return false }
  get database(): Database.Database { return this.inner.database }

  pluck(on = true): this { this.mode = on ? 'pluck' : this.mode === 'pluck' ? 'flat' : this.mode; return this }
  raw(on = true): this { this.mode = on ? 'raw' : this.mode === 'raw' ? 'flat' : this.mode; return this }
  expand(on = true): this { this.mode = on ? 'expand' : this.mode === 'expand' ? 'flat' : this.mode; return this }
  safeIntegers(on = true): this { this.safe = on; return this }
  columns() { return this.inner.columns() }
  /** Binding is permanent: a bound statement is this handle's own, never shared. */
  bind(...params: unknown[]): this {
    this.inner = this.take()
    this.inner.bind(...params)
    return this
  }
  private onRun: (() => void) | null = null
  /** Calls `fn` after each run (a statement that changes the schema moves its generation). */
  afterRun(fn: () => void): this { this.onRun = fn; return this }
  run(...params: unknown[]) {
    if (!this.onRun) return this.ready().run(...params)
    try {
      return this.ready().run(...params)
    } finally {
      this.onRun()
    }
  }
  get(...params: unknown[]) { return this.ready().get(...params) }
  all(...params: unknown[]) { return this.ready().all(...params) }
  iterate(...params: unknown[]) { return this.ready().iterate(...params) }
}

export function cacheStatements<T extends Database.Database>(db: T): T {
  const prepare = db.prepare.bind(db) as (sql: string) => Inner
  const cache = new Map<string, Inner>()
  const compiled = (sql: string): Inner => {
    const hit = cache.get(sql)
    if (hit) {
      // Most recently used last: the oldest entry is the first to go when the cache is full.
      cache.delete(sql)
      cache.set(sql, hit)
      return hit
    }
    const statement = prepare(sql)
    cache.set(sql, statement)
    if (cache.size > MAX) cache.delete(cache.keys().next().value!)
    return statement
  }
  const generation = { n: 0 }
  generations.set(db, generation)
  db.prepare = ((sql: string) => {
    const shared = new Shared(() => prepare(sql), compiled(sql))
    return DDL.test(sql) ? shared.afterRun(() => generation.n++) : shared
  }) as unknown as T['prepare']
  // exec runs scripts (migrations, a form's table and indexes), pragma may run ANALYZE (optimize):
  // both count as a schema change.
  const plain: Database.Database = db
  const exec = db.exec.bind(db)
  plain.exec = ((sql: string) => {
    try {
      return exec(sql)
    } finally {
      generation.n++
    }
  }) as Database.Database['exec']
  const pragma = db.pragma.bind(db)
  plain.pragma = ((source: string, options?: Database.PragmaOptions) => {
    try {
      return pragma(source, options)
    } finally {
      generation.n++
    }
  }) as Database.Database['pragma']
  return db
}

const DDL = /^\s*(CREATE|DROP|ALTER|ANALYZE|REINDEX)\b/i
const generations = new WeakMap<Database.Database, { n: number }>()

/**
 * A number that moves whenever this connection changes the schema (a table, an index, ANALYZE's
 * statistics): plans asked of SQLite are kept per generation without asking SQLite for its
 * schema cookie on every read. Only this process's own connection writes the schema. Null for a
 * connection not opened with kept statements (ask SQLite's schema cookie instead).
 */
export function schemaGeneration(db: Database.Database): number | null {
  return generations.get(db)?.n ?? null
}
