import { z } from 'zod'
import { registerAppSection, type AppChange } from '../apps/sections'
import type { Core } from '../core'
import type { Actor } from '../access/actor'
import { flowGraph, statusMapping, type FlowGraph } from '../shared/api/flows'
import { ValidationError } from '../shared/errors'
import type { Locale } from '../shared/locales'

// The flows section of an app package (resources/apps/<app>/flows.json): each flow with a stable
// key, installed once (flows.source_key = `app:<app>:<key>`) and published, editable afterwards;
// a reinstall never overwrites what the user changed. Roles are named by key in the file
// (`{ "type": "roles", "roleKeys": ["legal"] }`): roles the installation lacks are created.

const text2 = z.object({ 'zh-CN': z.string().min(1).max(300), en: z.string().min(1).max(300) })

export const flowDefinition = z.object({
  key: z.string().regex(/^[a-z][a-zA-Z0-9_-]{0,62}$/),
  name: text2,
  description: text2.optional(),
  form: z.string().min(1).max(64),
  enabled: z.boolean().default(true),
  status: statusMapping.default({ field: 'approvalStatus', pending: 'pending', approved: 'approved', rejected: 'rejected', withdrawn: 'none' }),
  /** Roles the flow's nodes name by key, with their names when they must be created. */
  roles: z.array(z.object({ key: z.string().min(1).max(40), name: text2 })).default([]),
  graph: z.object({ nodes: z.array(z.record(z.string(), z.unknown())).max(200), edges: z.array(z.record(z.string(), z.unknown())).max(400) }),
  /** Node and branch labels in other languages, by the label as written in the graph: `{ "en": { "法务审批": "Legal review" } }`. */
  translations: z.object({ en: z.record(z.string().max(300), z.string().min(1).max(300)) }).partial().optional()
})
export type FlowDefinition = z.infer<typeof flowDefinition>

const pick = (t: { 'zh-CN': string; en: string }, locale: Locale) => t[locale] ?? t['zh-CN']
const sourceKey = (app: string, key: string) => `app:${app}:${key}`

type RawSource = { type: string; ids?: number[]; roleKeys?: string[] } & Record<string, unknown>

/** Role keys → role ids in the graph's approver sources; missing roles are created (named per locale). */
function resolveRoles(core: Core, actor: Actor, item: FlowDefinition, locale: Locale): FlowGraph {
  // Labels are written once (in Chinese); an install in another language takes them from `translations`.
  const words = item.translations?.[locale as 'en']
  const translated = <T extends Record<string, unknown>>(part: T): T =>
    typeof part.label === 'string' && words?.[part.label] ? { ...part, label: words[part.label] } : part
  const byKey = (list: RawSource[]) =>
    list.map((s) => {
      if (s.type !== 'roles' || !s.roleKeys) return s
      const ids = s.roleKeys.map((key) => roleId(core, actor, key, item.roles.find((r) => r.key === key)?.name, locale))
      return { type: 'roles', ids }
    })
  const nodes = item.graph.nodes.map((n) => {
    const config = (n.config ?? {}) as { approvers?: RawSource[]; fallback?: RawSource[]; values?: Array<{ from?: string; value?: unknown }> }
    const next: Record<string, unknown> = { ...config }
    if (config.approvers) next.approvers = byKey(config.approvers)
    // The fallback approvers and an action's `people` values name roles by key too.
    if (config.fallback) next.fallback = byKey(config.fallback)
    if (config.values) next.values = config.values.map((v) => (v.from === 'people' && Array.isArray(v.value) ? { ...v, value: byKey(v.value as RawSource[]) } : v))
    return { ...translated(n), config: next }
  })
  return flowGraph.parse({ nodes, edges: item.graph.edges.map(translated) })
}

function roleId(core: Core, actor: Actor, key: string, name: { 'zh-CN': string; en: string } | undefined, locale: Locale): number {
  const roles = core.org.roles()
  const found = roles.find((r) => r.key === key) ?? (name ? roles.find((r) => r.name === name['zh-CN'] || r.name === name.en) : undefined)
  if (found) return found.id
  if (!name) throw new ValidationError('flows.error.unknownRole', { role: key }, 'roles')
  return core.org.createRole(actor.id, { name: pick(name, locale) }).id
}

registerAppSection<FlowDefinition>({
  key: 'flows',
  schema: flowDefinition,
  // Before rules: a shipped rule may start a shipped flow.
  order: 150,
  install(core, actor, ctx, items) {
    for (const item of items) {
      const key = sourceKey(ctx.app.apiKey, item.key)
      const label = pick(item.name, ctx.locale)
      if (core.db.prepare('SELECT 1 FROM flows WHERE source_key = ?').get(key)) {
        ctx.change({ kind: 'same', section: 'flows', key: item.key, label })
        continue
      }
      const form = ctx.form(item.form)
      const flow = core.flows.create(actor, {
        name: label, form: form.id, description: item.description ? pick(item.description, ctx.locale) : null,
        draft: resolveRoles(core, actor, item, ctx.locale), status: item.status, sourceKey: key
      })
      // Shipped flows are published at once; their roles may have no members yet on a new
      // installation, which the empty-approver policy of each node covers until people are added.
      core.flows.publish(actor, flow.id, { allowUnresolved: true })
      if (!item.enabled) core.flows.save({ id: flow.id, enabled: false })
      ctx.change({ kind: 'add', section: 'flows', key: item.key, label })
    }
  },
  exportItems(core, appId) {
    const formIds = new Set(core.schema.formIds(appId))
    const roles = core.org.roles()
    return core.flows.list().filter((f) => formIds.has(f.formId)).map((f) => {
      const key = (core.db.prepare('SELECT source_key FROM flows WHERE id = ?').pluck().get(f.id) as string | null)?.split(':')[2] ?? `flow${f.id}`
      const used = new Map<string, { key: string; name: { 'zh-CN': string; en: string } }>()
      const nodes = f.draft.nodes.map((n) => {
        const config = n.config as { approvers?: RawSource[]; fallback?: RawSource[]; values?: Array<{ from?: string; value?: unknown }> }
        const toKeys = (list: RawSource[]) =>
          list.map((s) => {
            if (s.type !== 'roles') return s
            const keys = (s.ids ?? []).map((id) => roles.find((r) => r.id === id)).filter((r) => !!r).map((r) => {
              used.set(r.key, { key: r.key, name: { 'zh-CN': r.name, en: r.name } })
              return r.key
            })
            return { type: 'roles', roleKeys: keys }
          })
        const next: Record<string, unknown> = { ...config }
        if (config.approvers) next.approvers = toKeys(config.approvers)
        if (config.fallback) next.fallback = toKeys(config.fallback)
        if (config.values) next.values = config.values.map((v) => (v.from === 'people' && Array.isArray(v.value) ? { ...v, value: toKeys(v.value as RawSource[]) } : v))
        return { ...n, config: next } as unknown as Record<string, unknown>
      })
      return {
        key, name: { 'zh-CN': f.name, en: f.name }, description: f.description ? { 'zh-CN': f.description, en: f.description } : undefined,
        form: core.schema.form(f.formId).apiKey, enabled: f.enabled, status: f.status, roles: [...used.values()],
        graph: { nodes, edges: f.draft.edges as unknown as Array<Record<string, unknown>> }
      }
    })
  },
  preview(core, appId, items, { locale }): AppChange[] {
    void appId
    return items.map((item) => {
      const exists = core.db.prepare('SELECT 1 FROM flows WHERE source_key LIKE ?').get(`app:%:${item.key}`) !== undefined
      return { kind: exists ? 'same' : 'add', section: 'flows', key: item.key, label: pick(item.name, locale) }
    })
  }
})
