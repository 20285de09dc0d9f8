// Versioned migrations of the system tables, applied in order at start-up (after a backup)
// and recorded in PRAGMA user_version. Never edit a released migration: add a new one.
export interface Migration {
  version: number
  name: string
  sql: string
}

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'init',
    sql: `
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE users (
        id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, login TEXT NOT NULL,
        password_hash TEXT NOT NULL, is_admin INTEGER NOT NULL DEFAULT 0, active INTEGER NOT NULL DEFAULT 1,
        locale TEXT NOT NULL DEFAULT 'zh-CN', created_at INTEGER NOT NULL);
      CREATE UNIQUE INDEX users_login ON users(login);
      CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id),
        created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, last_seen_at INTEGER NOT NULL, client TEXT);
      CREATE INDEX sessions_user ON sessions(user_id);
      CREATE TABLE apps (
        id INTEGER PRIMARY KEY AUTOINCREMENT, label TEXT NOT NULL, api_key TEXT NOT NULL, icon TEXT,
        position INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL);
      CREATE UNIQUE INDEX apps_api_key ON apps(api_key);
      CREATE TABLE forms (
        id INTEGER PRIMARY KEY AUTOINCREMENT, app_id INTEGER NOT NULL REFERENCES apps(id), label TEXT NOT NULL,
        api_key TEXT NOT NULL, description TEXT, title_field_id INTEGER, validations TEXT NOT NULL DEFAULT '[]',
        position INTEGER NOT NULL DEFAULT 0, schema_version INTEGER NOT NULL DEFAULT 1, created_at INTEGER NOT NULL);
      CREATE UNIQUE INDEX forms_api_key ON forms(api_key);
      CREATE TABLE fields (
        id INTEGER PRIMARY KEY AUTOINCREMENT, form_id INTEGER NOT NULL REFERENCES forms(id), parent_field_id INTEGER,
        label TEXT NOT NULL, api_key TEXT NOT NULL, type TEXT NOT NULL, config TEXT NOT NULL DEFAULT '{}',
        required INTEGER NOT NULL DEFAULT 0, is_unique INTEGER NOT NULL DEFAULT 0, description TEXT, default_value TEXT,
        position INTEGER NOT NULL DEFAULT 0, column_name TEXT, retired_columns TEXT NOT NULL DEFAULT '[]', result_type TEXT,
        deleted_at INTEGER, created_at INTEGER NOT NULL);
      CREATE INDEX fields_form ON fields(form_id);
      CREATE TABLE autonumber_counters (field_id INTEGER NOT NULL, period TEXT NOT NULL, value INTEGER NOT NULL, PRIMARY KEY (field_id, period));
      CREATE TABLE attachments (hash TEXT PRIMARY KEY, name TEXT NOT NULL, size INTEGER NOT NULL, mime TEXT NOT NULL, created_at INTEGER NOT NULL);
      CREATE TABLE change_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT, form_id INTEGER NOT NULL, record_id INTEGER NOT NULL, op TEXT NOT NULL,
        changes TEXT NOT NULL, actor_id INTEGER, at INTEGER NOT NULL, clock INTEGER NOT NULL);
      CREATE INDEX change_log_record ON change_log(form_id, record_id);
    `
  }
]

export const latestVersion = (): number => MIGRATIONS[MIGRATIONS.length - 1]!.version
