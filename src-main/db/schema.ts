import { sqliteTable, integer, text, real, primaryKey, uniqueIndex, index } from 'drizzle-orm/sqlite-core'

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
  createdAt: integer('created_at').notNull(),
  phone: text('phone'),
  email: text('email'),
  departmentId: integer('department_id'),
  managerId: integer('manager_id'),
  failedLogins: integer('failed_logins').notNull().default(0),
  lockedUntil: integer('locked_until')
}, (t) => [uniqueIndex('users_login').on(t.login)])

export const departments = sqliteTable('departments', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull(),
  parentId: integer('parent_id'),
  headUserId: integer('head_user_id'),
  position: integer('position').notNull().default(0),
  createdAt: integer('created_at').notNull()
})

export const roles = sqliteTable('roles', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  key: text('key').notNull(),
  name: text('name').notNull(),
  description: text('description'),
  isAdmin: integer('is_admin', { mode: 'boolean' }).notNull().default(false),
  position: integer('position').notNull().default(0),
  createdAt: integer('created_at').notNull()
}, (t) => [uniqueIndex('roles_key').on(t.key)])

export const userRoles = sqliteTable('user_roles', {
  userId: integer('user_id').notNull(),
  roleId: integer('role_id').notNull()
}, (t) => [primaryKey({ columns: [t.userId, t.roleId] })])

/** What a role may do on a form: actions, which rows (scope) and per-field hidden/read-only. */
export const permissions = sqliteTable('permissions', {
  roleId: integer('role_id').notNull(),
  formId: integer('form_id').notNull(),
  actions: text('actions').notNull().default('[]'),
  scope: text('scope').notNull().default('own'),
  scopeFilter: text('scope_filter'),
  fieldRules: text('field_rules').notNull().default('{}')
}, (t) => [primaryKey({ columns: [t.roleId, t.formId] })])

export const collaborators = sqliteTable('collaborators', {
  formId: integer('form_id').notNull(),
  recordId: integer('record_id').notNull(),
  userId: integer('user_id').notNull()
}, (t) => [primaryKey({ columns: [t.formId, t.recordId, t.userId] })])

export const apiTokens = sqliteTable('api_tokens', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  userId: integer('user_id').notNull(),
  name: text('name').notNull(),
  tokenHash: text('token_hash').notNull(),
  scope: text('scope').notNull().default('read'),
  expiresAt: integer('expires_at'),
  createdAt: integer('created_at').notNull(),
  lastUsedAt: integer('last_used_at'),
  revokedAt: integer('revoked_at')
})

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
  createdAt: integer('created_at').notNull(),
  /** The record page's tabs, sections and columns (JSON FormLayout); null until arranged. */
  layout: text('layout')
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
  createdAt: integer('created_at').notNull(),
  /** JSON filter: the field is shown only when the record matches it. */
  visibleWhen: text('visible_when'),
  /** JSON filter: the field is required when the record matches it. */
  requiredWhen: text('required_when'),
  /** JSON filter: the field is required on a write that makes the record match it (entering a stage). */
  requiredOnEnter: text('required_on_enter')
}, (t) => [index('fields_form').on(t.formId)])

/** Saved views of a form (table, kanban, calendar); config is JSON ViewConfig. */
export const views = sqliteTable('views', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  formId: integer('form_id').notNull().references(() => forms.id),
  name: text('name').notNull(),
  type: text('type').notNull(),
  shared: integer('shared', { mode: 'boolean' }).notNull().default(false),
  ownerUserId: integer('owner_user_id').references(() => users.id),
  position: real('position').notNull().default(0),
  config: text('config').notNull().default('{}'),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull()
}, (t) => [index('views_form').on(t.formId, t.position)])

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
 * The change log: audit trail, record history, undo, and later the LAN-sync feed. One row per
 * record change (`changes` is JSON {fieldId: [old, new]}) or security event (login, export,
 * permission change: `detail`). Each row carries the hash of the previous one (tamper evidence).
 */
export const changeLog = sqliteTable('change_log', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  formId: integer('form_id'),
  recordId: integer('record_id'),
  op: text('op').notNull(),
  changes: text('changes').notNull().default('{}'),
  actorId: integer('actor_id'),
  at: integer('at').notNull(),
  clock: integer('clock').notNull(),
  detail: text('detail'),
  prevHash: text('prev_hash').notNull().default(''),
  hash: text('hash').notNull().default('')
}, (t) => [index('change_log_record').on(t.formId, t.recordId)])
