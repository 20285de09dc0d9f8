import type { Sqlite } from '../db/connection'
import type { CoreClock } from '../clock'
import type { AccessLayer } from '../access/access-layer'
import type { AuditLog } from '../access/audit'
import type { SchemaService } from '../forms/schema-service'
import type { WritePipeline } from '../records/write-pipeline'
import type { ReadService } from '../records/read-service'
import type { ViewService } from '../views/view-service'
import type { AppInstaller } from '../apps/installer'
import { AppDefinitions } from './app-definition'
import { ExportService } from './export-service'
import { ImportService } from './import-service'

// The import/export engine as the core exposes it (`core.transfer`): Excel/CSV import sessions,
// exports of views and import templates, and app definitions.

/** What the import/export engine uses of the core: the composition root passes exactly these. */
export interface TransferDeps {
  /** Installs, previews and exports app packages (every engine's sections). */
  readonly apps: AppInstaller
  readonly db: Sqlite
  /** The database file the import worker thread opens read-only. */
  readonly databaseFile: string
  readonly dataDir: string
  readonly clock: CoreClock
  readonly schema: SchemaService
  readonly access: AccessLayer
  readonly audit: AuditLog
  readonly writes: WritePipeline
  readonly reads: ReadService
  readonly views: ViewService
  /** Adds the colleagues an import names in member columns (sales agents) who have no account. */
  readonly org: { createColleague(actorId: number, name: string): number }
}

export class TransferEngine {
  readonly imports: ImportService
  readonly exports: ExportService
  readonly apps: AppDefinitions

  constructor(core: TransferDeps) {
    this.imports = new ImportService(core)
    this.exports = new ExportService(core)
    this.apps = new AppDefinitions(core)
  }

  close(): Promise<void> {
    return this.imports.closeAll()
  }
}
