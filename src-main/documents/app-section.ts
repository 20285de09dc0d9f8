import { z } from 'zod'
import { registerAppSection } from '../apps/sections'
import type { Locale } from '../shared/locales'
import { DOCX_MIME } from './constants'
import { SHIPPED_TEMPLATES } from './shipped'

// The documents section of an app package (resources/apps/<app>/documents.json): Word templates
// per form, each with a stable key, installed once (document_templates.app_key = `<app>:<key>`);
// the administrator may replace the file or rename the button afterwards, a reinstall keeps that.
// A template is either one the app ships (`shipped`, written by documents/shipped.ts) or carried
// in the package itself (`data`, base64 — what an export writes).

const text2 = z.object({ 'zh-CN': z.string().min(1).max(60), en: z.string().min(1).max(60) })

export const documentTemplateDefinition = z.object({
  key: z.string().regex(/^[a-z][a-zA-Z0-9_-]{0,62}$/),
  form: z.string().min(1).max(64),
  name: text2,
  button: text2,
  /** API key of the attachment field documents are stored in. */
  field: z.string().min(1).max(64),
  shipped: z.enum(Object.keys(SHIPPED_TEMPLATES) as [keyof typeof SHIPPED_TEMPLATES]).optional(),
  data: z.string().max(20_000_000).optional()
})
export type DocumentTemplateDefinition = z.infer<typeof documentTemplateDefinition>

const pick = (t: { 'zh-CN': string; en: string }, locale: Locale) => t[locale] ?? t['zh-CN']

registerAppSection<DocumentTemplateDefinition>({
  key: 'documents',
  schema: documentTemplateDefinition,
  order: 250,
  install(core, actor, ctx, items) {
    for (const item of items) {
      const appKey = `${ctx.app.apiKey}:${item.key}`
      if (core.db.prepare('SELECT 1 FROM document_templates WHERE app_key = ?').get(appKey)) {
        ctx.change({ kind: 'same', section: 'documents', key: item.key, label: pick(item.name, ctx.locale) })
        continue
      }
      const data = item.shipped ? SHIPPED_TEMPLATES[item.shipped]().toString('base64') : item.data
      if (!data) continue
      const form = ctx.form(item.form)
      const file = core.attachments.put(`${pick(item.name, ctx.locale)}.docx`, DOCX_MIME, data, actor.id || null)
      core.documents.save(actor, { form: form.id, name: pick(item.name, ctx.locale), button: pick(item.button, ctx.locale), field: item.field, file: { hash: file.hash } }, appKey)
      ctx.change({ kind: 'add', section: 'documents', key: item.key, label: pick(item.name, ctx.locale) })
    }
  },
  exportItems(core, appId) {
    const app = core.schema.getApp(appId)
    const rows = core.db.prepare('SELECT id, app_key FROM document_templates WHERE form_id IN (SELECT id FROM forms WHERE app_id = ?) ORDER BY id').all(appId) as Array<{ id: number; app_key: string | null }>
    return rows.flatMap((row) => {
      const t = core.db.prepare('SELECT * FROM document_templates WHERE id = ?').get(row.id) as { form_id: number; name: string; button: string; hash: string; field_id: number }
      const form = core.schema.form(t.form_id)
      const field = form.byId.get(t.field_id)
      if (!field) return []
      const both = (s: string) => ({ 'zh-CN': s, en: s })
      const key = row.app_key?.startsWith(`${app.apiKey}:`) ? row.app_key.slice(app.apiKey.length + 1) : `template${row.id}`
      return [{ key, form: form.apiKey, name: both(t.name), button: both(t.button), field: field.apiKey, data: core.attachments.get(t.hash).data.toString('base64') }]
    })
  },
  preview(core, _appId, items, ctx) {
    return items.map((item) => {
      const exists = core.db.prepare('SELECT 1 FROM document_templates WHERE app_key LIKE ?').get(`%:${item.key}`) !== undefined
      return { kind: exists ? ('same' as const) : ('add' as const), section: 'documents', key: item.key, label: pick(item.name, ctx.locale) }
    })
  }
})
