import type { Sqlite } from '../db/connection'
import type { Clock } from '../clock'
import type { ColumnTarget, ImportSettings } from '../shared/api/transfer'
import type { DateOrder } from '../shared/values'

// What a user chose when importing into a form, kept per user (table import_memory), so the next
// file of the same shape needs nothing redone: per column header the field it went to and the
// order of its dates; per select field and value the option it became; per set of headers the
// settings (mode, key, errors, duplicates, rules). Saved when a run starts, so a failed or
// cancelled run is remembered too; columns that created a field are remembered as that field
// once it exists.

export interface RememberedColumn { target: ColumnTarget; dateOrder?: DateOrder }
export type RememberedSettings = Pick<ImportSettings, 'mode' | 'keyField' | 'onError' | 'duplicates' | 'rules'>
export interface Recalled {
  columns: Record<string, RememberedColumn>
  options: Record<string, Record<string, string>>
  settings: RememberedSettings | null
}

/** The key of a file's shape: its headers, in order. */
const shapeOf = (headers: readonly string[]) => headers.map((h) => h.trim()).join('\u0001')
const OPTION_SEPARATOR = '\u0000'

export class ImportMemory {
  constructor(private readonly db: Sqlite, private readonly clock: Clock) {}

  recall(userId: number, formId: number, headers: readonly string[]): Recalled {
    const rows = this.db.prepare('SELECT kind, key, value FROM import_memory WHERE user_id = ? AND form_id = ?').all(userId, formId) as Array<{ kind: string; key: string; value: string }>
    const wanted = new Set(headers)
    const shape = shapeOf(headers)
    const out: Recalled = { columns: {}, options: {}, settings: null }
    for (const r of rows) {
      if (r.kind === 'column' && wanted.has(r.key)) out.columns[r.key] = JSON.parse(r.value) as RememberedColumn
      else if (r.kind === 'option') {
        const [field, label] = r.key.split(OPTION_SEPARATOR) as [string, string]
        ;(out.options[field] ??= {})[label] = r.value
      } else if (r.kind === 'settings' && r.key === shape) out.settings = JSON.parse(r.value) as RememberedSettings
    }
    return out
  }

  remember(userId: number, formId: number, headers: readonly string[], settings: ImportSettings): void {
    const put = this.db.prepare('INSERT INTO import_memory (user_id, form_id, kind, key, value, updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (user_id, form_id, kind, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at')
    const now = this.clock.now()
    this.db.transaction(() => {
      for (const c of settings.columns) {
        const header = headers[c.column]
        if (!header) continue
        const value: RememberedColumn = { target: c.target, ...(c.dateOrder ? { dateOrder: c.dateOrder } : {}) }
        put.run(userId, formId, 'column', header, JSON.stringify(value), now)
      }
      for (const [field, choices] of Object.entries(settings.options)) {
        for (const [label, choice] of Object.entries(choices)) put.run(userId, formId, 'option', `${field}${OPTION_SEPARATOR}${label}`, choice, now)
      }
      const kept: RememberedSettings = { mode: settings.mode, keyField: settings.keyField, onError: settings.onError, duplicates: settings.duplicates, rules: settings.rules }
      put.run(userId, formId, 'settings', shapeOf(headers), JSON.stringify(kept), now)
    })()
  }

  /** Columns that created a field are remembered as that field from now on. */
  created(userId: number, formId: number, headers: readonly string[], fields: ReadonlyArray<{ column: number; apiKey: string; dateOrder?: DateOrder }>): void {
    const put = this.db.prepare("UPDATE import_memory SET value = ?, updated_at = ? WHERE user_id = ? AND form_id = ? AND kind = 'column' AND key = ?")
    for (const f of fields) {
      const header = headers[f.column]
      if (!header) continue
      const value: RememberedColumn = { target: { action: 'field', field: f.apiKey }, ...(f.dateOrder ? { dateOrder: f.dateOrder } : {}) }
      put.run(JSON.stringify(value), this.clock.now(), userId, formId, header)
    }
  }
}
