// Versioned migrations of the system tables, applied in order at start-up (after a backup)
// and recorded in PRAGMA user_version. Never edit a released migration: add a new one.
export interface Migration {
  version: number
  name: string
  sql: string
}

// Engines add their entries at the end of the list in any order; they are applied by version.
const ALL: Migration[] = [
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
  },
  {
    version: 2,
    name: 'organization-access-audit',
    sql: `
      CREATE TABLE departments (
        id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, parent_id INTEGER REFERENCES departments(id),
        head_user_id INTEGER REFERENCES users(id), position INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL);
      ALTER TABLE users ADD COLUMN phone TEXT;
      ALTER TABLE users ADD COLUMN email TEXT;
      ALTER TABLE users ADD COLUMN department_id INTEGER REFERENCES departments(id);
      ALTER TABLE users ADD COLUMN manager_id INTEGER REFERENCES users(id);
      ALTER TABLE users ADD COLUMN failed_logins INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE users ADD COLUMN locked_until INTEGER;
      CREATE TABLE roles (
        id INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT NOT NULL, name TEXT NOT NULL, description TEXT,
        is_admin INTEGER NOT NULL DEFAULT 0, position INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL);
      CREATE UNIQUE INDEX roles_key ON roles(key);
      CREATE TABLE user_roles (user_id INTEGER NOT NULL REFERENCES users(id), role_id INTEGER NOT NULL REFERENCES roles(id), PRIMARY KEY (user_id, role_id));
      CREATE TABLE permissions (
        role_id INTEGER NOT NULL REFERENCES roles(id), form_id INTEGER NOT NULL REFERENCES forms(id),
        actions TEXT NOT NULL DEFAULT '[]', scope TEXT NOT NULL DEFAULT 'own', scope_filter TEXT,
        field_rules TEXT NOT NULL DEFAULT '{}', PRIMARY KEY (role_id, form_id));
      CREATE TABLE collaborators (form_id INTEGER NOT NULL, record_id INTEGER NOT NULL, user_id INTEGER NOT NULL REFERENCES users(id), PRIMARY KEY (form_id, record_id, user_id));
      CREATE INDEX collaborators_user ON collaborators(user_id, form_id);
      CREATE TABLE api_tokens (
        id INTEGER PRIMARY KEY AUTOINCREMENT, user_id INTEGER NOT NULL REFERENCES users(id), name TEXT NOT NULL,
        token_hash TEXT NOT NULL, scope TEXT NOT NULL DEFAULT 'read', expires_at INTEGER, created_at INTEGER NOT NULL,
        last_used_at INTEGER, revoked_at INTEGER);
      CREATE UNIQUE INDEX api_tokens_hash ON api_tokens(token_hash);
      -- The change log becomes the whole audit trail: record changes and security events, each
      -- entry chained to the previous one by hash (tamper evidence).
      CREATE TABLE change_log_v2 (
        id INTEGER PRIMARY KEY AUTOINCREMENT, form_id INTEGER, record_id INTEGER, op TEXT NOT NULL,
        changes TEXT NOT NULL DEFAULT '{}', actor_id INTEGER, at INTEGER NOT NULL, clock INTEGER NOT NULL,
        detail TEXT, prev_hash TEXT NOT NULL DEFAULT '', hash TEXT NOT NULL DEFAULT '');
      INSERT INTO change_log_v2 (id, form_id, record_id, op, changes, actor_id, at, clock)
        SELECT id, form_id, record_id, op, changes, actor_id, at, clock FROM change_log;
      DROP TABLE change_log;
      ALTER TABLE change_log_v2 RENAME TO change_log;
      CREATE INDEX change_log_record ON change_log(form_id, record_id);
      CREATE INDEX change_log_actor ON change_log(actor_id, at);
      CREATE INDEX change_log_at ON change_log(at);
    `
  },
  {
    version: 3,
    name: 'designer-layout-conditions-views',
    sql: `
      -- The record page's arrangement (tabs, sections, columns) and per-field conditions, as JSON.
      ALTER TABLE forms ADD COLUMN layout TEXT;
      ALTER TABLE fields ADD COLUMN visible_when TEXT;
      ALTER TABLE fields ADD COLUMN required_when TEXT;
      -- Saved views of a form: shared ones (owner_user_id is who made them) and personal ones.
      CREATE TABLE views (
        id INTEGER PRIMARY KEY AUTOINCREMENT, form_id INTEGER NOT NULL REFERENCES forms(id), name TEXT NOT NULL,
        type TEXT NOT NULL, shared INTEGER NOT NULL DEFAULT 0, owner_user_id INTEGER REFERENCES users(id),
        position REAL NOT NULL DEFAULT 0, config TEXT NOT NULL DEFAULT '{}', created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
      CREATE INDEX views_form ON views(form_id, position);
    `
  },
  {
    version: 4,
    name: 'crm-pool-settings',
    sql: `
      -- Sales app settings (pool claim limits, company name and logo for printed quotes), key → JSON.
      CREATE TABLE crm_settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      -- Every claim from and release to the public pool (公海), with the reason given on release.
      CREATE TABLE crm_pool_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT, form_id INTEGER NOT NULL, record_id INTEGER NOT NULL, user_id INTEGER,
        action TEXT NOT NULL, reason TEXT, at INTEGER NOT NULL);
      CREATE INDEX crm_pool_log_record ON crm_pool_log(form_id, record_id, id);
      CREATE INDEX crm_pool_log_user ON crm_pool_log(user_id, action, at);
    `
  },
  {
    version: 6,
    name: 'rules-jobs-notifications',
    sql: `
      -- The durable scheduler's queue (src-main/jobs): a key is used once, ever (idempotency).
      CREATE TABLE jobs (
        id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, payload TEXT NOT NULL DEFAULT 'null',
        run_at INTEGER NOT NULL, key TEXT UNIQUE, attempts INTEGER NOT NULL DEFAULT 0, max_attempts INTEGER NOT NULL DEFAULT 5,
        last_error TEXT, status TEXT NOT NULL DEFAULT 'pending', created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
        finished_at INTEGER);
      CREATE INDEX jobs_due ON jobs(status, run_at);
      CREATE TABLE job_sweeps (name TEXT PRIMARY KEY, last_run_at INTEGER, last_error TEXT);
      -- Rules (src-main/rules): when / if / then as JSON, one form each.
      CREATE TABLE rules (
        id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, form_id INTEGER NOT NULL REFERENCES forms(id),
        enabled INTEGER NOT NULL DEFAULT 0, trigger TEXT NOT NULL, condition TEXT, actions TEXT NOT NULL DEFAULT '[]',
        rate_limit INTEGER, description TEXT, source TEXT, created_by INTEGER, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
      CREATE INDEX rules_form ON rules(form_id, enabled);
      -- Each (rule, record, period) fires once.
      CREATE TABLE rule_fired (
        rule_id INTEGER NOT NULL REFERENCES rules(id) ON DELETE CASCADE, record_id INTEGER NOT NULL, period TEXT NOT NULL,
        at INTEGER NOT NULL, PRIMARY KEY (rule_id, record_id, period)) WITHOUT ROWID;
      CREATE TABLE rule_runs (
        id INTEGER PRIMARY KEY AUTOINCREMENT, rule_id INTEGER NOT NULL REFERENCES rules(id) ON DELETE CASCADE,
        trigger TEXT NOT NULL, started_at INTEGER NOT NULL, duration_ms REAL NOT NULL DEFAULT 0, matched INTEGER NOT NULL DEFAULT 0,
        actions INTEGER NOT NULL DEFAULT 0, errors TEXT, records TEXT);
      CREATE INDEX rule_runs_rule ON rule_runs(rule_id, id);
      CREATE TABLE rule_state (rule_id INTEGER NOT NULL REFERENCES rules(id) ON DELETE CASCADE, key TEXT NOT NULL, value TEXT NOT NULL,
        PRIMARY KEY (rule_id, key)) WITHOUT ROWID;
      -- In-app notifications (src-main/notify).
      CREATE TABLE notifications (
        id INTEGER PRIMARY KEY AUTOINCREMENT, user_id INTEGER NOT NULL REFERENCES users(id), title TEXT NOT NULL, body TEXT NOT NULL DEFAULT '',
        form_id INTEGER, record_id INTEGER, rule_id INTEGER, created_at INTEGER NOT NULL, read_at INTEGER, desktop INTEGER NOT NULL DEFAULT 0,
        shown_at INTEGER);
      CREATE INDEX notifications_user ON notifications(user_id, read_at, id);
      CREATE TABLE notify_settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    `
  },
  {
    version: 7,
    name: 'reports',
    sql: `
      -- Dashboards (src-main/reports): owner_user_id NULL with app_key set = shipped with an app.
      CREATE TABLE dashboards (
        id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, description TEXT, app_key TEXT,
        owner_user_id INTEGER REFERENCES users(id), refresh_seconds INTEGER NOT NULL DEFAULT 0,
        position REAL NOT NULL DEFAULT 0, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
      CREATE INDEX dashboards_owner ON dashboards(owner_user_id);
      -- Sharing: users holding one of these roles see the dashboard.
      CREATE TABLE dashboard_roles (
        dashboard_id INTEGER NOT NULL REFERENCES dashboards(id) ON DELETE CASCADE, role_id INTEGER NOT NULL REFERENCES roles(id),
        PRIMARY KEY (dashboard_id, role_id)) WITHOUT ROWID;
      -- Widgets: chart type, query description and grid position, as JSON.
      CREATE TABLE dashboard_widgets (
        id INTEGER PRIMARY KEY AUTOINCREMENT, dashboard_id INTEGER NOT NULL REFERENCES dashboards(id) ON DELETE CASCADE,
        key TEXT NOT NULL, title TEXT NOT NULL, type TEXT NOT NULL, query TEXT NOT NULL, layout TEXT NOT NULL,
        options TEXT NOT NULL DEFAULT '{}', position INTEGER NOT NULL DEFAULT 0);
      CREATE UNIQUE INDEX dashboard_widgets_key ON dashboard_widgets(dashboard_id, key);
    `
  },
  {
    version: 5,
    name: 'flows',
    sql: `
      -- Approval flows: an editable draft graph per flow; publishing freezes it as a version that
      -- instances keep running on. Instances, tasks and history are the runtime; each step is one
      -- transaction, so a restart resumes exactly where the database says.
      CREATE TABLE flows (
        id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, form_id INTEGER NOT NULL REFERENCES forms(id),
        description TEXT, draft TEXT NOT NULL, status_mapping TEXT NOT NULL DEFAULT '{}', enabled INTEGER NOT NULL DEFAULT 1,
        published_version_id INTEGER, source_key TEXT, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
      CREATE INDEX flows_form ON flows(form_id);
      CREATE UNIQUE INDEX flows_source_key ON flows(source_key) WHERE source_key IS NOT NULL;
      CREATE TABLE flow_versions (
        id INTEGER PRIMARY KEY AUTOINCREMENT, flow_id INTEGER NOT NULL REFERENCES flows(id), version INTEGER NOT NULL,
        graph TEXT NOT NULL, status_mapping TEXT NOT NULL, published_by INTEGER, published_at INTEGER NOT NULL);
      CREATE UNIQUE INDEX flow_versions_flow ON flow_versions(flow_id, version);
      CREATE TABLE flow_instances (
        id INTEGER PRIMARY KEY AUTOINCREMENT, flow_id INTEGER NOT NULL REFERENCES flows(id), version_id INTEGER NOT NULL REFERENCES flow_versions(id),
        form_id INTEGER NOT NULL, record_id INTEGER NOT NULL, title TEXT NOT NULL DEFAULT '', status TEXT NOT NULL,
        submitter_id INTEGER NOT NULL, state TEXT NOT NULL, acted INTEGER NOT NULL DEFAULT 0,
        started_at INTEGER NOT NULL, finished_at INTEGER);
      CREATE INDEX flow_instances_record ON flow_instances(form_id, record_id);
      CREATE INDEX flow_instances_submitter ON flow_instances(submitter_id, started_at);
      CREATE TABLE flow_tasks (
        id INTEGER PRIMARY KEY AUTOINCREMENT, instance_id INTEGER NOT NULL REFERENCES flow_instances(id), node_id TEXT NOT NULL,
        kind TEXT NOT NULL, assignee_id INTEGER NOT NULL, status TEXT NOT NULL, seq INTEGER NOT NULL DEFAULT 0,
        extra INTEGER NOT NULL DEFAULT 0, blocked_by INTEGER, round INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL, acted_at INTEGER, due_at INTEGER, due_done INTEGER NOT NULL DEFAULT 0, urged_at INTEGER);
      CREATE INDEX flow_tasks_assignee ON flow_tasks(assignee_id, status, created_at);
      CREATE INDEX flow_tasks_instance ON flow_tasks(instance_id, node_id);
      CREATE INDEX flow_tasks_due ON flow_tasks(due_at) WHERE status = 'pending' AND due_done = 0 AND due_at IS NOT NULL;
      CREATE TABLE flow_history (
        id INTEGER PRIMARY KEY AUTOINCREMENT, instance_id INTEGER NOT NULL REFERENCES flow_instances(id), node_id TEXT,
        task_id INTEGER, action TEXT NOT NULL, actor_id INTEGER, comment TEXT, attachments TEXT NOT NULL DEFAULT '[]',
        detail TEXT, at INTEGER NOT NULL);
      CREATE INDEX flow_history_instance ON flow_history(instance_id, id);
    `
  },
  {
    version: 8,
    name: 'import batches',
    sql: `
      -- One row per Excel/CSV import run (src-main/transfer): what it wrote, so it can be undone as one unit.
      CREATE TABLE import_batches (
        id INTEGER PRIMARY KEY AUTOINCREMENT, form_id INTEGER NOT NULL REFERENCES forms(id), actor_id INTEGER,
        file_name TEXT NOT NULL, mode TEXT NOT NULL, status TEXT NOT NULL, created INTEGER NOT NULL DEFAULT 0,
        updated INTEGER NOT NULL DEFAULT 0, failed INTEGER NOT NULL DEFAULT 0, started_at INTEGER NOT NULL,
        finished_at INTEGER, undone_at INTEGER, undone_by INTEGER);
      CREATE INDEX import_batches_form ON import_batches(form_id, id);
      -- Per record written: created, or updated with the values it had before (API shape, JSON).
      CREATE TABLE import_batch_rows (
        batch_id INTEGER NOT NULL REFERENCES import_batches(id) ON DELETE CASCADE, record_id INTEGER NOT NULL,
        op TEXT NOT NULL, before TEXT, PRIMARY KEY (batch_id, record_id)) WITHOUT ROWID;
    `
  },
  {
    version: 9,
    name: 'rule outbox',
    sql: `
      -- Events that event-triggered rules must see (src-main/rules), written in the transaction of
      -- the change they describe and removed once handled: a crash between the commit and the
      -- rule leaves them here, and they are handled at the next start.
      CREATE TABLE rule_outbox (id INTEGER PRIMARY KEY, event TEXT NOT NULL, at INTEGER NOT NULL);
    `
  },
  {
    version: 10,
    name: 'attachment uploads',
    sql: `
      -- One row per upload (src-main/attachments): the name and type the uploader gave, and who
      -- uploaded. The blob row in attachments is per content hash; what one uploader called a file
      -- must not become what a later uploader of the same bytes is told. Files uploaded before
      -- this table existed keep their first name, with no known uploader.
      CREATE TABLE attachment_uploads (
        id INTEGER PRIMARY KEY AUTOINCREMENT, hash TEXT NOT NULL, name TEXT NOT NULL, declared_mime TEXT NOT NULL,
        uploader_id INTEGER, created_at INTEGER NOT NULL);
      CREATE INDEX attachment_uploads_hash ON attachment_uploads(hash, uploader_id);
      INSERT INTO attachment_uploads (hash, name, declared_mime, uploader_id, created_at) SELECT hash, name, mime, NULL, created_at FROM attachments;
    `
  },
  {
    version: 11,
    name: 'transfer permission',
    sql: `
      -- Choosing a record's owner became its own action (转移/分配负责人). Before, any role with
      -- edit could hand records over; the roles that edit beyond their own records (managers,
      -- finance, service) keep that, roles limited to their own records (reps) do not get it.
      UPDATE permissions SET actions = json_insert(actions, '$[#]', 'transfer')
        WHERE scope <> 'own'
          AND EXISTS (SELECT 1 FROM json_each(permissions.actions) WHERE value = 'edit')
          AND NOT EXISTS (SELECT 1 FROM json_each(permissions.actions) WHERE value = 'transfer');
    `
  },
  {
    version: 12,
    name: 'system settings',
    sql: `
      -- System settings (src-main/settings): the company on quotes and documents, the backup
      -- schedule, retention and second place. One JSON value per section, key → JSON.
      CREATE TABLE system_settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    `
  },
  {
    version: 13,
    name: 'import memory',
    sql: `
      -- What each user chose when importing into a form (src-main/transfer/memory.ts), so the next
      -- file of the same shape needs nothing redone: per column header its target and date order,
      -- per select field and value the option chosen, per set of headers the import settings.
      CREATE TABLE import_memory (
        user_id INTEGER NOT NULL, form_id INTEGER NOT NULL REFERENCES forms(id) ON DELETE CASCADE, kind TEXT NOT NULL,
        key TEXT NOT NULL, value TEXT NOT NULL, updated_at INTEGER NOT NULL,
        PRIMARY KEY (user_id, form_id, kind, key)) WITHOUT ROWID;
    `
  },
  {
    version: 14,
    name: 'office network devices',
    sql: `
      -- The office network (src-main/lan): PCs paired with this host (pending until an
      -- administrator approves; the device proves itself with a secret whose hash is kept) and the
      -- sessions signed in over the LAN server, so turning sharing off or revoking a device ends them.
      CREATE TABLE lan_devices (
        id TEXT PRIMARY KEY, name TEXT NOT NULL, address TEXT, status TEXT NOT NULL,
        secret_hash TEXT NOT NULL, commitment TEXT NOT NULL, server_nonce TEXT NOT NULL, code TEXT,
        user_id INTEGER, created_at INTEGER NOT NULL, decided_at INTEGER, last_seen_at INTEGER);
      CREATE TABLE lan_sessions (
        token_hash TEXT PRIMARY KEY, device_id TEXT, address TEXT, created_at INTEGER NOT NULL);
    `
  },
  {
    version: 15,
    name: 'public forms',
    sql: `
      -- Public forms (src-main/publicforms): a form published as a page anyone with its link may
      -- fill in. The token is the link's secret; it is kept when the form is unpublished, so a
      -- printed QR code keeps pointing at the same page. config is the page's settings (JSON).
      CREATE TABLE public_forms (
        form_id INTEGER PRIMARY KEY REFERENCES forms(id) ON DELETE CASCADE, token TEXT NOT NULL UNIQUE,
        published INTEGER NOT NULL DEFAULT 0, config TEXT NOT NULL, updated_at INTEGER NOT NULL, updated_by INTEGER);
      -- Each accepted submission: the record it made, and an existing record with the same phone
      -- (flagged for a person to look at, never merged).
      CREATE TABLE public_submissions (
        id INTEGER PRIMARY KEY, form_id INTEGER NOT NULL REFERENCES forms(id) ON DELETE CASCADE, record_id INTEGER NOT NULL,
        at INTEGER NOT NULL, duplicate_of INTEGER, address TEXT NOT NULL DEFAULT '');
      CREATE INDEX public_submissions_form ON public_submissions (form_id, id);
      -- 满意度回访: a one-time survey link for one record (a closed ticket). The token is the
      -- link's secret; used_at is set by the one accepted answer.
      CREATE TABLE public_survey_tokens (
        token TEXT PRIMARY KEY, form_id INTEGER NOT NULL REFERENCES forms(id) ON DELETE CASCADE, record_id INTEGER NOT NULL,
        created_at INTEGER NOT NULL, created_by INTEGER, used_at INTEGER);
      CREATE INDEX public_survey_tokens_record ON public_survey_tokens (form_id, record_id);
    `
  },
  {
    version: 16,
    name: 'document templates',
    sql: `
      -- Word templates per form (src-main/documents): the .docx is an attachment blob (hash), the
      -- button on the record (生成合同), and the attachment field the made document is stored in.
      -- app_key marks a template shipped with an app (<app>:<key>), so a reinstall adds it once.
      CREATE TABLE document_templates (
        id INTEGER PRIMARY KEY, form_id INTEGER NOT NULL REFERENCES forms(id) ON DELETE CASCADE,
        name TEXT NOT NULL, button TEXT NOT NULL, hash TEXT NOT NULL, field_id INTEGER NOT NULL,
        app_key TEXT UNIQUE, created_by INTEGER, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
      CREATE INDEX document_templates_form ON document_templates(form_id);
    `
  },
  {
    version: 17,
    name: 'dingtalk and wecom work notices',
    sql: `
      -- DingTalk / WeCom work notices (src-main/im): the settings (one JSON value per key; the
      -- secrets are kept here and never answered) and which external user id each user receives
      -- notices at, per provider. The notices themselves wait in the jobs table (kind im.notice).
      CREATE TABLE im_settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE im_bindings (
        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE, provider TEXT NOT NULL, external_id TEXT NOT NULL,
        created_at INTEGER NOT NULL, PRIMARY KEY (user_id, provider), UNIQUE (provider, external_id)) WITHOUT ROWID;
    `
  },
  {
    version: 18,
    name: 'workbench recent records',
    sql: `
      -- 我的工作台 (src-main/workbench): the records each user opened lately, newest first (the
      -- newest 30 per user are kept). Read back through the access layer, so a record that left
      -- the user's sight is not shown.
      CREATE TABLE workbench_recent (
        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE, form_id INTEGER NOT NULL REFERENCES forms(id) ON DELETE CASCADE,
        record_id INTEGER NOT NULL, opened_at INTEGER NOT NULL,
        PRIMARY KEY (user_id, form_id, record_id)) WITHOUT ROWID;
      CREATE INDEX workbench_recent_user ON workbench_recent(user_id, opened_at);
    `
  },
  {
    version: 19,
    name: 'sync operations',
    sql: `
      -- Offline laptops (src-main/sync): each operation a client pushed, once. The result is stored
      -- in the transaction of the write it made, so a push retried after a dropped connection
      -- answers it again and applies nothing twice. seq_from..seq_to are the change-log entries the
      -- operation wrote: the device's own later operations do not conflict with them.
      CREATE TABLE sync_ops (
        op_id TEXT PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE, device TEXT NOT NULL,
        form_id INTEGER NOT NULL, status TEXT NOT NULL, result TEXT NOT NULL, seq_from INTEGER, seq_to INTEGER, at INTEGER NOT NULL) WITHOUT ROWID;
      CREATE INDEX sync_ops_device ON sync_ops(user_id, device, seq_from);
    `
  },
  {
    version: 20,
    name: 'sync conflicts inbox',
    sql: `
      -- The 冲突 inbox: what a client's operation changed that the host did not take (a field the
      -- office changed too, a delete against an edit, a refusal), per user, with both values, who
      -- changed the office's and when. Nothing typed is lost: the values stay until resolved.
      CREATE TABLE sync_conflicts (
        id INTEGER PRIMARY KEY AUTOINCREMENT, user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        device TEXT NOT NULL, op_id TEXT NOT NULL, op TEXT NOT NULL, form_id INTEGER NOT NULL REFERENCES forms(id) ON DELETE CASCADE,
        record_id INTEGER, kind TEXT NOT NULL, fields TEXT NOT NULL, reason_key TEXT, reason_params TEXT,
        made_at INTEGER NOT NULL, created_at INTEGER NOT NULL, resolved_at INTEGER, resolution TEXT);
      CREATE INDEX sync_conflicts_user ON sync_conflicts(user_id, resolved_at, id);
    `
  },
  {
    version: 21,
    name: 'required on entering',
    sql: `
      -- A field required when the record enters a condition (赢单 needs the signed contract scan):
      -- a JSON filter checked only on a write that makes the record match it (the write pipeline's check).
      ALTER TABLE fields ADD COLUMN required_on_enter TEXT;
    `
  }
]

export const MIGRATIONS: Migration[] = [...ALL].sort((a, b) => a.version - b.version)

export const latestVersion = (): number => MIGRATIONS[MIGRATIONS.length - 1]!.version
