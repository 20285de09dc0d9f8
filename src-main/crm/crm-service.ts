import type { Sqlite } from '../db/connection'
import type { Clock } from '../clock'
import type { EventBus } from '../events'
import type { Actor } from '../access/actor'
import type { AccessLayer } from '../access/access-layer'
import type { AuditLog } from '../access/audit'
import type { SchemaService } from '../forms/schema-service'
import type { WritePipeline } from '../records/write-pipeline'
import type { ReadService } from '../records/read-service'
import type { QueryBuilder } from '../records/query-builder'
import type { AppInstaller, InstallReport } from '../apps/installer'
import type { AppPackage } from '../apps/definition'
import type { Locale } from '../shared/locales'
import { PublicPool } from './pool'
import { Duplicates } from './duplicates'
import { Conversions } from './conversion'
import { SettingsStore, POOL_FORMS, type CrmSettings } from './settings'
import { watchDerivedValues } from './derived'

// The sales app's behaviour on top of the form engine: installing the app definition, the public
// pool, conversions, duplicates and merge, and the values derived after each change. The forms
// themselves are ordinary forms (resources/apps/crm), so a user may tailor every one of them;
// each part here looks its fields up by API key and does nothing for fields that are gone.

export const CRM_APP_KEY = 'crm'

/** What the sales app uses of the core, and nothing more (src-main/core.ts passes its own services). */
export interface CrmDeps {
  db: Sqlite
  clock: Clock
  events: EventBus
  schema: SchemaService
  access: AccessLayer
  audit: AuditLog
  writes: WritePipeline
  reads: ReadService
  queries: QueryBuilder
}

export class CrmService {
  readonly settings: SettingsStore
  readonly pool: PublicPool
  readonly duplicates: Duplicates
  readonly conversions: Conversions

  constructor(deps: CrmDeps, private readonly apps: AppInstaller) {
    this.settings = new SettingsStore(deps.db)
    this.pool = new PublicPool(deps, this.settings)
    this.duplicates = new Duplicates(deps)
    this.conversions = new Conversions(deps)
    for (const form of POOL_FORMS) deps.access.poolForms.add(form)
    watchDerivedValues(deps)
  }

  /** The installed sales app, or null. */
  app(): { id: number; label: string } | null {
    const app = this.apps.find(CRM_APP_KEY)
    return app ? { id: app.id, label: app.label } : null
  }

  install(actor: Actor, pkg: AppPackage, locale: Locale): InstallReport {
    return this.apps.install(actor, pkg, { locale })
  }

  preview(pkg: AppPackage, locale: Locale) {
    return this.apps.preview(pkg, { locale })
  }

  getSettings(): CrmSettings {
    return this.settings.get()
  }
}
