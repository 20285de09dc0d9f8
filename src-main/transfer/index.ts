import type { Core } from '../core'
import { AppDefinitions } from './app-definition'
import { ExportService } from './export-service'
import { ImportService } from './import-service'

// The import/export engine as the core exposes it (`core.transfer`): Excel/CSV import sessions,
// exports of views and import templates, and app definitions.

export class TransferEngine {
  readonly imports: ImportService
  readonly exports: ExportService
  readonly apps: AppDefinitions

  constructor(core: Core) {
    this.imports = new ImportService(core)
    this.exports = new ExportService(core)
    this.apps = new AppDefinitions(core)
  }

  close(): Promise<void> {
    return this.imports.closeAll()
  }
}
