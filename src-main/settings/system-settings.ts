import type { Sqlite } from '../db/connection'
import type { AttachmentStore } from '../attachments'
import { accessSettings, backupSettings, companySettings, type AccessSettings, type BackupSettings, type CompanySettings } from '../shared/api/settings'

// The system settings (table system_settings, migration 10): one JSON value per section key,
// validated with the contract's schemas on the way in and out, so a value written by an older
// version still reads (missing keys take their defaults).

type Sections = { company: CompanySettings; backup: BackupSettings; access: AccessSettings }
const SCHEMAS = { company: companySettings, backup: backupSettings, access: accessSettings } as const

export class SystemSettings {
  constructor(private readonly db: Sqlite) {}

  private read<K extends keyof Sections>(key: K): Sections[K] {
    const raw = this.db.prepare('SELECT value FROM system_settings WHERE key = ?').pluck().get(key) as string | undefined
    return SCHEMAS[key].parse(raw ? JSON.parse(raw) : {}) as Sections[K]
  }

  private write<K extends keyof Sections>(key: K, value: Sections[K]): void {
    this.db.prepare('INSERT INTO system_settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, JSON.stringify(value))
  }

  company(): CompanySettings {
    return this.read('company')
  }

  setCompany(patch: Partial<CompanySettings>): CompanySettings {
    const next = companySettings.parse({ ...this.company(), ...patch })
    this.write('company', next)
    return next
  }

  /** 访问地址 (see accessSettings): where links handed out by the app point. */
  access(): AccessSettings {
    return this.read('access')
  }

  setAccess(patch: Partial<AccessSettings>): AccessSettings {
    const next = accessSettings.parse({ ...this.access(), ...patch })
    this.write('access', next)
    return next
  }

  backup(): BackupSettings {
    return this.read('backup')
  }

  setBackup(patch: Partial<BackupSettings>): BackupSettings {
    const next = backupSettings.parse({ ...this.backup(), ...patch })
    this.write('backup', next)
    return next
  }

  /**
   * The company used to live in the sales app's settings (crm_settings 'company', logo as a data
   * URL). Moved here once, the logo becoming an attachment; the old row is removed in the same
   * transaction so there is only ever one place it is read from.
   */
  adoptLegacyCompany(attachments: AttachmentStore): void {
    const hasTable = this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'crm_settings'").get()
    if (!hasTable) return
    const raw = this.db.prepare("SELECT value FROM crm_settings WHERE key = 'company'").pluck().get() as string | undefined
    if (raw === undefined) return
    const old = JSON.parse(raw) as { name?: unknown; address?: unknown; phone?: unknown; logo?: unknown }
    const text = (v: unknown) => (typeof v === 'string' ? v : '')
    const patch: Partial<CompanySettings> = { name: text(old.name), address: text(old.address), phone: text(old.phone) }
    const logo = /^data:(image\/(?:png|jpeg|svg\+xml|webp));base64,(.+)$/.exec(text(old.logo))
    if (logo) {
      const ext = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/svg+xml': 'svg', 'image/webp': 'webp' }[logo[1]!] ?? 'png'
      const stored = attachments.put(`logo.${ext}`, logo[1]!, logo[2]!)
      patch.logo = { hash: stored.hash, name: stored.name, mime: logo[1]!, size: stored.size }
    }
    this.db.transaction(() => {
      if (!this.db.prepare("SELECT 1 FROM system_settings WHERE key = 'company'").get()) this.setCompany(patch)
      this.db.prepare("DELETE FROM crm_settings WHERE key = 'company'").run()
    })()
  }
}
