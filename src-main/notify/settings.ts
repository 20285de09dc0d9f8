import type { Sqlite } from '../db/connection'
import { smtpSettings, type SmtpSettings } from '../shared/api/rules'

/** SMTP settings in notify_settings (the password is stored, never returned by the API). */
export class NotifySettings {
  constructor(private readonly db: Sqlite) {}

  smtp(): SmtpSettings {
    const raw = this.db.prepare("SELECT value FROM notify_settings WHERE key = 'smtp'").pluck().get() as string | undefined
    return smtpSettings.parse(raw ? JSON.parse(raw) : {})
  }

  setSmtp(input: SmtpSettings): void {
    const current = this.smtp()
    const next = { ...input, password: input.password ? input.password : current.password }
    this.db.prepare("INSERT INTO notify_settings (key, value) VALUES ('smtp', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value").run(JSON.stringify(next))
  }
}
