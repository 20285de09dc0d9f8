import type { Sqlite } from './connection'
import { latestVersion, MIGRATIONS } from './migrations'

export function schemaVersion(db: Sqlite): number {
  return db.pragma('user_version', { simple: true }) as number
}

export function pendingMigrations(db: Sqlite): number {
  return MIGRATIONS.filter((m) => m.version > schemaVersion(db)).length
}

/** Apply pending migrations, each in its own transaction together with the version bump. */
export function applyMigrations(db: Sqlite): number[] {
  const applied: number[] = []
  for (const m of MIGRATIONS) {
    if (m.version <= schemaVersion(db)) continue
    db.transaction(() => {
      db.exec(m.sql)
      db.pragma(`user_version = ${m.version}`)
    })()
    applied.push(m.version)
  }
  if (schemaVersion(db) > latestVersion()) {
    throw new Error(`Database schema version ${schemaVersion(db)} is newer than this app (${latestVersion()}); update Jimu CRM`)
  }
  return applied
}
