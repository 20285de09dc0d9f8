import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { openSqlite, type Sqlite } from './db/connection'
import { applyMigrations, pendingMigrations, schemaVersion } from './db/migrate'
import { backupDir, createBackup, hasBackupOnDay, listBackups, validateBackup } from './db/backup'
import { CoreClock, systemClock, type Clock } from './clock'
import { AccessLayer } from './access/access-layer'
import { AuthService, PasswordHasher, type ScryptCost } from './access/auth'
import { AuditLog } from './access/audit'
import { AuditAnchor } from './access/audit-anchor'
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
import { appInstaller } from './apps/installer'
import { TransferEngine } from './transfer'
import { ReportService } from './reports/service'
import { Scheduler } from './jobs/scheduler'
import { FlowEngine } from './flows/engine'
import { RuleEngine } from './rules/engine'
import { Notifications } from './notify/notifications'
import { SystemSettings } from './settings/system-settings'
import { BackupService } from './backups/service'
import { PublicFormService } from './publicforms/service'
import { DocumentService } from './documents/service'
import { SurveyMailer } from './publicforms/survey-mail'
import { ImService } from './im/service'

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
  /**
   * Set when a restore just put a backup in place: a backup from before the audit key has a chain
   * of plain links, which is then verified and anchored with the key (as an upgrade does) if its
   * head is the one signed at the upgrade. Never set otherwise: an unkeyed chain appearing in a
   * keyed installation is a forgery to report.
   */
  adoptUnkeyedAudit?: boolean
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
  /** System settings (company, backups): src-main/settings. */
  readonly settings: SystemSettings
  /** Scheduled backups, retention and the second place: src-main/backups. */
  readonly backupService: BackupService
  /** Public forms (外链表单): src-main/publicforms. */
  readonly publicForms: PublicFormService
  /** 满意度回访 e-mailed when a ticket closes: src-main/publicforms/survey-mail.ts. */
  readonly surveyMail: SurveyMailer
  readonly documents: DocumentService
  /** DingTalk / WeCom work notices and contact import: src-main/im. */
  readonly im: ImService

  private constructor(readonly db: Sqlite, readonly dataDir: string, readonly clock: CoreClock, private readonly auditAnchor: AuditAnchor, passwordCost?: ScryptCost) {
    const passwords = new PasswordHasher(passwordCost)
    this.schema = new SchemaService(db, clock)
    this.audit = new AuditLog(db, clock, auditAnchor)
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
    const apps = appInstaller(this)
    this.crm = new CrmService(this, apps)
    this.transfer = new TransferEngine({ apps, db, databaseFile: join(dataDir, DB_FILE), dataDir, clock, schema: this.schema, access: this.access, audit: this.audit, writes: this.writes, reads: this.reads, views: this.views, org: this.org })
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
    this.settings = new SystemSettings(db)
    this.settings.adoptLegacyCompany(this.attachments)
    this.backupService = new BackupService({ db, dataDir, clock, settings: this.settings, seal: (file, now) => auditAnchor.sealBackup(file, now) })
    this.scheduler.registerSweep('backups.daily', (now) => this.backupService.sweep(now))
    this.publicForms = new PublicFormService({ db, clock, schema: this.schema, writes: this.writes, access: this.access, reads: this.reads, publicUrl: () => this.settings.access().publicUrl })
    this.documents = new DocumentService({ db, clock, schema: this.schema, access: this.access, reads: this.reads, writes: this.writes, attachments: this.attachments, settings: this.settings, scheduler: this.scheduler, smtp: () => this.rules.settings.smtp() })
    this.im = new ImService({ db, clock, scheduler: this.scheduler, org: this.org, audit: this.audit, settings: this.settings })
    this.im.adoptLegacyPublicUrl()
    this.notifications.onStored = (n) => this.im.enqueueFor(n)
    this.surveyMail = new SurveyMailer({ db, clock, schema: this.schema, reads: this.reads, writes: this.writes, events: this.events, scheduler: this.scheduler, surveys: this.publicForms.surveys, smtp: () => this.rules.settings.smtp(), publicUrl: () => this.settings.access().publicUrl })
  }

  /**
   * Open the data directory: back up before any migration (and once a day on start), migrate,
   * and build the services.
   */
  static async open(options: CoreOptions): Promise<Core> {
    const clock = options.clock ?? systemClock
    mkdirSync(options.dataDir, { recursive: true })
    const anchor = AuditAnchor.open(options.dataDir)
    const seal = (file: string, now: number) => anchor.sealBackup(file, now)
    const db = openSqlite(join(options.dataDir, DB_FILE))
    let core: Core
    try {
      const existing = schemaVersion(db) > 0
      if (existing && pendingMigrations(db) > 0) await createBackup(db, options.dataDir, 'pre-migration', clock.now(), seal)
      applyMigrations(db)
      if (existing && !hasBackupOnDay(options.dataDir, clock.now())) await createBackup(db, options.dataDir, 'daily', clock.now(), seal)
      core = new Core(db, options.dataDir, new CoreClock(clock), anchor, options.passwordCost)
      // A key made just now (the first start after the upgrade): anchor the plain chain the
      // database holds, and sign the heads of the backups made before. A restored backup from
      // before the key is anchored only if its head is the one signed then.
      if (anchor.created) {
        core.audit.adoptUnkeyed()
        anchor.sealLegacyBackups(backupDir(options.dataDir), listBackups(options.dataDir).map((b) => b.file), clock.now())
      } else if (options.adoptUnkeyedAudit) core.audit.adoptUnkeyed({ vouched: true })
    } catch (e) {
      db.close()
      throw e
    }
    return core
  }

  backup(reason = 'manual') {
    return createBackup(this.db, this.dataDir, reason, this.clock.now(), (file, now) => this.auditAnchor.sealBackup(file, now))
  }

  backups() {
    return listBackups(this.dataDir)
  }

  /**
   * Stop everything that may still use the connection, then close it: the scheduler (a tick in
   * progress finishes its current sweep or job first), import sessions and the rule and report
   * scan workers. A restore needs this; close() alone leaves a running tick to hit a closed database.
   */
  async shutdown(): Promise<void> {
    this.scheduler.halt()
    await this.scheduler.stop()
    await Promise.all([this.transfer.close(), this.rules.close(), this.reports.engine.close()])
    this.close()
  }

  close(): void {
    this.scheduler.halt()
    void this.transfer.close()
    void this.rules.close()
    void this.reports.engine.close()
    if (this.db.open) {
      // The head at close, signed outside the database: entries cut off while the app is closed show up.
      this.audit.checkpoint('close')
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
  const source = validateBackup(dataDir, file)
  const target = join(dataDir, DB_FILE)
  const anchor = AuditAnchor.open(dataDir)
  if (existsSync(target)) {
    const current = openSqlite(target)
    try {
      await createBackup(current, dataDir, 'pre-restore', clock.now(), (f, now) => anchor.sealBackup(f, now))
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
  // The checkpoints on file belong to the timeline just left; the restored database is checked
  // against the ones its backup carried (AuditAnchor.restart says why and keeps the old file).
  anchor.restart(anchor.carriedBy(source), new Date(clock.now()).toISOString().replace(/[:.]/g, '-'))
}
