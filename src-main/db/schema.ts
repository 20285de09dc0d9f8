import { sqliteTable, integer, text, primaryKey, uniqueIndex, index } from 'drizzle-orm/sqlite-core'

// System tables (drizzle). Their DDL lives in migrations.ts, versioned; a unit test checks the
// two agree. User forms are NOT here: each is a physical table `f_<formId>` built from metadata
// (src-main/forms/physical.ts).

export const meta = sqliteTable('meta', {
  key: text('key').primaryKey(),
  value: text('value').notNull()
})

export const users = sqliteTable('users', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull(),
  login: text('login').notNull(),
  passwordHash: text('password_hash').notNull(),
  isAdmin: integer('is_admin', { mode: 'boolean' }).notNull().default(false),
  active: integer('active', { mode: 'boolean' }).notNull().default(true),
  locale: text('locale').notNull().default('zh-CN'),
  createdAt: integer('created_at').notNull()
}, (t) => [uniqueIndex('users_login').on(t.login)])

export const sessions = sqliteTable('sessions', {
  tokenHash: text('token_hash').primaryKey(),
  userId: integer('user_id').notNull().references(() => users.id),
  createdAt: integer('created_at').notNull(),
  expiresAt: integer('expires_at').notNull(),
  lastSeenAt: integer('last_seen_at').notNull(),
  client: text('client')
}, (t) => [index('sessions_user').on(t.userId)])

export const apps = sqliteTable('apps', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  label: text('label').notNull(),
  apiKey: text('api_key').notNull(),
  icon: text('icon'),
  position: integer('position').notNull().default(0),
  createdAt: integer('created_at').notNull()
}, (t) => [uniqueIndex('apps_api_key').on(t.apiKey)])

export const forms = sqliteTable('forms', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  appId: integer('app_id').notNull().references(() => apps.id),
  label: text('label').notNull(),
  apiKey: text('api_key').notNull(),
  description: text('description'),
  titleFieldId: integer('title_field_id'),
  validations: text('validations').notNull().default('[]'),
  position: integer('position').notNull().default(0),
  schemaVersion: integer('schema_version').notNull().default(1),
  createdAt: integer('created_at').notNull()
}, (t) => [uniqueIndex('forms_api_key').on(t.apiKey)])

export const fields = sqliteTable('fields', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  formId: integer('form_id').notNull().references(() => forms.id),
  parentFieldId: integer('parent_field_id'),
  label: text('label').notNull(),
  apiKey: text('api_key').notNull(),
  type: text('type').notNull(),
  config: text('config').notNull().default('{}'),
  required: integer('required', { mode: 'boolean' }).notNull().default(false),
  unique: integer('is_unique', { mode: 'boolean' }).notNull().default(false),
  description: text('description'),
  defaultValue: text('default_value'),
  position: integer('position').notNull().default(0),
  /** Physical column name in the form (or sub-table) table; changes on a type change. */
  columnName: text('column_name'),
  /** Columns left behind by type changes: their old values are kept until the field is purged. */
  retiredColumns: text('retired_columns').notNull().default('[]'),
  resultType: text('result_type'),
  deletedAt: integer('deleted_at'),
  createdAt: integer('created_at').notNull()
}, (t) => [index('fields_form').on(t.formId)])

export const autonumberCounters = sqliteTable('autonumber_counters', {
  fieldId: integer('field_id').notNull(),
  period: text('period').notNull(),
  value: integer('value').notNull()
}, (t) => [primaryKey({ columns: [t.fieldId, t.period] })])

export const attachments = sqliteTable('attachments', {
  hash: text('hash').primaryKey(),
  name: text('name').notNull(),
  size: integer('size').notNull(),
  mime: text('mime').notNull(),
  createdAt: integer('created_at').notNull()
})

/**
 * The change log: audit trail, record history, undo, and later the LAN-sync feed.
 * One row per record change; `changes` is JSON {fieldKey: [old, new]} keyed by field id.
 */
export const changeLog = sqliteTable('change_log', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  formId: integer('form_id').notNull(),
  recordId: integer('record_id').notNull(),
  op: text('op').notNull(),
  changes: text('changes').notNull(),
  actorId: integer('actor_id'),
  at: integer('at').notNull(),
  clock: integer('clock').notNull()
}, (t) => [index('change_log_record').on(t.formId, t.recordId)])
