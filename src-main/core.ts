import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { openSqlite, type Sqlite } from './db/connection'
import { applyMigrations, pendingMigrations, schemaVersion } from './db/migrate'
import { createBackup, hasBackupOnDay, listBackups, backupDir, verifyDatabaseFile } from './db/backup'
import { CoreClock, systemClock, type Clock } from './clock'
import { AccessLayer } from './access/access-layer'
import { AuthService, PasswordHasher, type ScryptCost } from './access/auth'
import { AuditLog } from './access/audit'
import { Organization } from './access/organization'
import { EventBus } from './events'
import { SchemaService } from './forms/schema-service'
import { WritePipeline } from './records/write-pipeline'
import { QueryBuilder } from './records/query-builder'
import { Serializer } from './records/serialize'
import { ReadService } from './records/read-service'
import { AttachmentStore, mayAttach } from './attachments'
import { ViewService } from './views/view-service'
import { CrmService } from './crm/crm-service'
import { TransferEngine } from './transfer'
import { ReportService } from './reports/service'
import { Scheduler } from './jobs/scheduler'
import { FlowEngine } from './flows/engine'
import { RuleEngine } from './rules/engine'
import { Notifications } from './notify/notifications'
import { NotFoundError, ValidationError } from './shared/errors'

// The core: one database, the engines and services over it. Runs in plain Node (serve mode,
// tests, benchmarks) and inside Electron's main process alike; nothing here imports electron.

export interface CoreOptions {
  dataDir: string
  clock?: Clock
  /**
   * Tests only: a cheaper scrypt cost so hashing does not dominate the suite. Production entry
   * points never set it (and no environment variable does), so installs use PASSWORD_COST.
   */
  passwordCost?: ScryptCost
}

export const DB_FILE = 'jimu.db'

export class Core {
  readonly events = new EventBus()
  readonly access: AccessLayer
  readonly org: Organization
  readonly schema: SchemaService
  readonly writes: WritePipeline
  readonly reads: ReadService
  readonly queries: QueryBuilder
  readonly auth: AuthService
  readonly attachments: AttachmentStore
  readonly audit: AuditLog
  readonly views: ViewService
  /** The sales app (公海, conversions, duplicates): src-main/crm. */
  readonly crm: CrmService
  readonly transfer: TransferEngine
  readonly reports: ReportService
  readonly scheduler: Scheduler
  readonly flows: FlowEngine
  readonly notifications: Notifications
  readonly rules: RuleEngine

  private constructor(readonly db: Sqlite, readonly dataDir: string, readonly clock: CoreClock, passwordCost?: ScryptCost) {
    const passwords = new PasswordHasher(passwordCost)
    this.schema = new SchemaService(db, clock)
    this.audit = new AuditLog(db, clock)
    this.org = new Organization(db, clock, this.audit, passwords)
    this.org.ensureDefaults()
    this.access = new AccessLayer(db, this.org)
    this.writes = new WritePipeline(db, this.schema, this.access, clock, this.events, this.audit)
    this.schema.hooks = { recomputeAll: (form) => this.writes.recomputeAll(form) }
    this.queries = new QueryBuilder(db, this.access, clock)
    this.access.compileFilter = (actor, form, node) => this.queries.filter(actor, form, node)
    this.access.formOf = (formId) => this.schema.form(formId)
    this.reads = new ReadService(db, this.schema, this.access, this.queries, new Serializer(db, this.schema, this.access))
    this.auth = new AuthService(db, clock, this.audit, passwords)
    this.attachments = new AttachmentStore(db, dataDir, clock)
    this.views = new ViewService(db, this.schema, this.access, this.queries, clock)
    this.crm = new CrmService(this)
    this.transfer = new TransferEngine(this)
    this.reports = new ReportService(db, { schema: this.schema, access: this.access, queries: this.queries, clock, org: this.org }, clock, this.events)
    this.scheduler = new Scheduler(db, clock)
    this.flows = new FlowEngine(db, this.schema, this.writes, this.reads, this.queries, this.access, this.org, clock, this.events)
    this.scheduler.registerSweep('flows.deadlines', (now) => {
      this.flows.processDue(now)
    })
    let summariesChecked = false
    this.scheduler.registerSweep('reports.summaries', async () => {
      if (summariesChecked) return
      summariesChecked = true
      await this.reports.ensureAll()
    })
    this.notifications = new Notifications(db, clock)
    this.flows.notifier = (n) => void this.notifications.add(n)
    // One decision of who may attach a stored file, for record fields and approval comments.
    const attachDeps = { db, attachments: this.attachments, schema: this.schema, reads: this.reads, flows: this.flows }
    this.writes.attachPolicy = this.flows.attachPolicy = (actor, hash) => mayAttach(attachDeps, actor, hash)
    this.rules = new RuleEngine(this)
  }

  /**
   * Open the data directory: back up before any migration (and once a day on start), migrate,
   * and build the services.
   */
  static async open(options: CoreOptions): Promise<Core> {
    const clock = options.clock ?? systemClock
    mkdirSync(options.dataDir, { recursive: true })
    const db = openSqlite(join(options.dataDir, DB_FILE))
    try {
      const existing = schemaVersion(db) > 0
      if (existing && pendingMigrations(db) > 0) await createBackup(db, options.dataDir, 'pre-migration', clock.now())
      applyMigrations(db)
      if (existing && !hasBackupOnDay(options.dataDir, clock.now())) await createBackup(db, options.dataDir, 'daily', clock.now())
    } catch (e) {
      db.close()
      throw e
    }
    return new Core(db, options.dataDir, new CoreClock(clock), options.passwordCost)
  }

  backup(reason = 'manual') {
    return createBackup(this.db, this.dataDir, reason, this.clock.now())
  }

  backups() {
    return listBackups(this.dataDir)
  }

  close(): void {
    this.scheduler.halt()
    void this.transfer.close()
    void this.rules.close()
    if (this.db.open) {
      this.db.pragma('optimize')
      this.db.close()
    }
  }
}

/**
 * Replace the database with a backup. The backup is verified with integrity_check first and the
 * current database is itself backed up, so a restore can be undone. The core must be closed.
 */
export async function restoreBackup(dataDir: string, file: string, clock: Clock = systemClock): Promise<void> {
  if (!/^[\w.-]+$/.test(file)) throw new ValidationError('error.backupNotFound', { file }, 'file')
  const source = join(backupDir(dataDir), file)
  if (!existsSync(source)) throw new NotFoundError('error.backupNotFound', { file })
  if (!verifyDatabaseFile(source)) throw new ValidationError('error.backupCorrupt', { file }, 'file')
  const target = join(dataDir, DB_FILE)
  if (existsSync(target)) {
    const current = openSqlite(target)
    try {
      await createBackup(current, dataDir, 'pre-restore', clock.now())
      current.pragma('wal_checkpoint(TRUNCATE)')
    } finally {
      current.close()
    }
  }
  for (const suffix of ['-wal', '-shm']) rmSync(target + suffix, { force: true })
  copyFileSync(source, `${target}.restoring`)
  rmSync(target, { force: true })
  copyFileSync(`${target}.restoring`, target)
  rmSync(`${target}.restoring`, { force: true })
}
