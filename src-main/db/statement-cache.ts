import type Database from 'better-sqlite3'

// Prepared statements kept per connection. The code base prepares its SQL where it runs it
// (`db.prepare(sql).get(...)`), which is clear to read; under load (the office network: 20
// colleagues on one server) compiling the same SQL again on every request was the largest single
// cost the profile showed (about 15 % of the server's CPU). A statement is compiled once per
// text and reused; SQLite recompiles it by itself when the schema changes (a field added in the
// designer), so a cached statement never runs against an old table shape.
//
// A reused statement must behave as a fresh one: its row mode (pluck / raw / expand, set by the
// previous caller) is reset, and a statement still being iterated (a caller looping over
// `.iterate()` that prepares the same text inside the loop) is never handed out: that caller gets
// a fresh, uncached statement.

const MAX = 1000

export function cacheStatements<T extends Database.Database>(db: T): T {
  const prepare = db.prepare.bind(db) as (sql: string) => Database.Statement
  const cache = new Map<string, Database.Statement>()
  const cached = (sql: string): Database.Statement => {
    const hit = cache.get(sql)
    if (hit && !hit.busy) {
      // Most recently used last: the oldest entry is the first to go when the cache is full.
      cache.delete(sql)
      cache.set(sql, hit)
      if (hit.reader) hit.pluck(false).raw(false).expand(false)
      return hit
    }
    if (hit) return prepare(sql)
    const statement = prepare(sql)
    cache.set(sql, statement)
    if (cache.size > MAX) cache.delete(cache.keys().next().value!)
    return statement
  }
  db.prepare = cached as T['prepare']
  return db
}
