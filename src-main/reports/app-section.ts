import { z } from 'zod'
import { registerAppSection, type AppChange } from '../apps/sections'
import { CHART_TYPES, widgetLayout, widgetOptions, widgetQuery } from '../shared/api/reports'
import type { Locale } from '../shared/locales'

// The dashboards section of an app package (resources/apps/<app>/dashboards.json): each dashboard
// with a stable key, installed once (dashboards.app_key = `<app>:<key>`), shared with the roles
// named by key, editable afterwards; a reinstall never overwrites what the user changed. Widget
// queries name forms and fields by API key, so a package installs into any database.

const text2 = z.object({ 'zh-CN': z.string().min(1).max(100), en: z.string().min(1).max(100) })

export const dashboardDefinition = z.object({
  key: z.string().regex(/^[a-z][a-zA-Z0-9_-]{0,62}$/),
  name: text2,
  description: text2.optional(),
  /** Role keys it is shared with. */
  roles: z.array(z.string()).default([]),
  refreshSeconds: z.number().int().min(0).default(0),
  widgets: z.array(z.object({ key: z.string().min(1).max(40), title: text2, type: z.enum(CHART_TYPES), query: widgetQuery, layout: widgetLayout, options: widgetOptions.default({}) })).max(40),
  /** Measure and series labels in other languages, by the label as written in the query: `{ "en": { "赢单数": "Deals won" } }`. */
  translations: z.object({ en: z.record(z.string().max(100), z.string().min(1).max(100)) }).partial().optional()
})
export type DashboardDefinition = z.infer<typeof dashboardDefinition>

const pick = (t: { 'zh-CN': string; en: string }, locale: Locale) => t[locale] ?? t['zh-CN']

/** A widget query with its measure and series labels in the install language (the file writes them once, in Chinese). */
export function translateLabels<Q>(query: Q, words: Record<string, string> | undefined): Q {
  if (!words) return query
  const label = <T extends { label?: string }>(m: T): T => (m.label && words[m.label] ? { ...m, label: words[m.label] } : m)
  const q = query as { measures?: Array<{ label?: string }>; series?: Array<{ label?: string }> }
  return { ...query, ...(q.measures ? { measures: q.measures.map(label) } : {}), ...(q.series ? { series: q.series.map(label) } : {}) }
}

registerAppSection<DashboardDefinition>({
  key: 'dashboards',
  schema: dashboardDefinition,
  // After forms, flows and rules: dashboards only read.
  order: 300,
  install(core, actor, ctx, items) {
    for (const item of items) {
      const appKey = `${ctx.app.apiKey}:${item.key}`
      if (core.db.prepare('SELECT 1 FROM dashboards WHERE app_key = ?').get(appKey)) {
        ctx.change({ kind: 'same', section: 'dashboards', key: item.key, label: pick(item.name, ctx.locale) })
        continue
      }
      const roleIds = item.roles.map((key) => core.org.roles().find((r) => r.key === key)?.id).filter((id): id is number => id !== undefined)
      core.reports.create(
        actor,
        {
          name: pick(item.name, ctx.locale),
          description: item.description ? pick(item.description, ctx.locale) : null,
          roleIds,
          refreshSeconds: item.refreshSeconds,
          widgets: item.widgets.map((w) => ({ ...w, title: pick(w.title, ctx.locale), query: translateLabels(w.query, item.translations?.[ctx.locale as 'en']) }))
        },
        appKey
      )
      ctx.change({ kind: 'add', section: 'dashboards', key: item.key, label: pick(item.name, ctx.locale) })
    }
  },
  exportItems(core, appId) {
    const app = core.schema.getApp(appId)
    const rows = core.db.prepare(`SELECT id, app_key FROM dashboards WHERE app_key LIKE ? ORDER BY position, id`).all(`${app.apiKey}:%`) as Array<{ id: number; app_key: string }>
    const roles = core.org.roles()
    return rows.map((row) => {
      const d = core.reports.dashboards.get({ id: 0, name: 'system', isAdmin: true, locale: 'zh-CN' }, row.id)
      const both = (s: string) => ({ 'zh-CN': s, en: s })
      return {
        key: row.app_key.slice(app.apiKey.length + 1),
        name: both(d.name),
        description: d.description ? both(d.description) : undefined,
        roles: d.roleIds.map((id) => roles.find((r) => r.id === id)?.key).filter((k): k is string => k !== undefined),
        refreshSeconds: d.refreshSeconds,
        widgets: d.widgets.map((w) => ({ ...w, title: both(w.title) }))
      }
    })
  },
  preview(core, appId, items, { locale }): AppChange[] {
    const app = appId ? core.schema.getApp(appId) : null
    return items.map((item) => {
      const exists = app !== null && core.db.prepare('SELECT 1 FROM dashboards WHERE app_key = ?').get(`${app.apiKey}:${item.key}`) !== undefined
      return { kind: exists ? 'same' : 'add', section: 'dashboards', key: item.key, label: pick(item.name, locale) }
    })
  }
})
