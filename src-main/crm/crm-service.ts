import type { Core } from '../core'
import type { Actor } from '../access/actor'
import { installApp, previewApp, findApp, type InstallReport } from '../apps/installer'
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

export class CrmService {
  readonly settings: SettingsStore
  readonly pool: PublicPool
  readonly duplicates: Duplicates
  readonly conversions: Conversions

  constructor(private readonly core: Core) {
    this.settings = new SettingsStore(core.db)
    this.pool = new PublicPool(core, this.settings)
    this.duplicates = new Duplicates(core)
    this.conversions = new Conversions(core)
    for (const form of POOL_FORMS) core.access.poolForms.add(form)
    watchDerivedValues(core)
  }

  /** The installed sales app, or null. */
  app(): { id: number; label: string } | null {
    const app = findApp(this.core, CRM_APP_KEY)
    return app ? { id: app.id, label: app.label } : null
  }

  install(actor: Actor, pkg: AppPackage, locale: Locale): InstallReport {
    return installApp(this.core, actor, pkg, { locale })
  }

  preview(pkg: AppPackage, locale: Locale) {
    return previewApp(this.core, pkg, { locale })
  }

  getSettings(): CrmSettings {
    return this.settings.get()
  }
}
