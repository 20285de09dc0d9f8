import { z } from 'zod'
import type { Sqlite } from '../db/connection'

// The sales app's settings (table crm_settings, migration 4): per-form claim limits of the public
// pool. One JSON value per key. (The company printed on quotes moved to the system settings,
// src-main/settings, with migration 10.)

export const POOL_FORMS = ['lead', 'customer'] as const
export type PoolForm = (typeof POOL_FORMS)[number]

export const crmSettings = z.object({
  /** Most records of the form one rep may own at a time (claims beyond it are refused); null = no limit. */
  poolLimits: z.object({ lead: z.number().int().min(1).max(100_000).nullable().default(null), customer: z.number().int().min(1).max(100_000).nullable().default(null) }).default({ lead: null, customer: null })
})
export type CrmSettings = z.infer<typeof crmSettings>

export class SettingsStore {
  constructor(private readonly db: Sqlite) {}

  get(): CrmSettings {
    const rows = this.db.prepare('SELECT key, value FROM crm_settings').all() as Array<{ key: string; value: string }>
    const raw: Record<string, unknown> = {}
    for (const r of rows) raw[r.key] = JSON.parse(r.value) as unknown
    return crmSettings.parse(raw)
  }

  set(patch: Partial<CrmSettings>): CrmSettings {
    const next = crmSettings.parse({ ...this.get(), ...patch })
    const put = this.db.prepare('INSERT INTO crm_settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value')
    this.db.transaction(() => {
      for (const key of Object.keys(patch) as Array<keyof CrmSettings>) put.run(key, JSON.stringify(next[key]))
    })()
    return next
  }
}
