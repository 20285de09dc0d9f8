import { z } from 'zod'
import { registerAppSection, type AppChange } from '../apps/sections'
import { ruleAction, ruleCondition, ruleTrigger } from '../shared/api/rules'
import type { Locale } from '../shared/locales'

// The rules section of an app package (resources/apps/<app>/rules.json): each rule with a stable
// key, installed once (rules.source = `app:<app>:<key>`), editable afterwards; a reinstall never
// overwrites what the user changed.

const text2 = z.object({ 'zh-CN': z.string().min(1).max(100), en: z.string().min(1).max(100) })

export const ruleDefinition = z.object({
  key: z.string().regex(/^[a-z][a-zA-Z0-9_-]{0,62}$/),
  name: text2,
  description: text2.optional(),
  form: z.string().min(1).max(64),
  enabled: z.boolean().default(true),
  trigger: ruleTrigger,
  condition: ruleCondition.default({}),
  actions: z.array(ruleAction).min(1).max(20),
  rateLimit: z.number().int().min(1).nullable().default(null)
})
export type RuleDefinition = z.infer<typeof ruleDefinition>

const pick = (t: { 'zh-CN': string; en: string }, locale: Locale) => t[locale] ?? t['zh-CN']

registerAppSection<RuleDefinition>({
  key: 'rules',
  schema: ruleDefinition,
  // After flows: a rule may start a shipped flow.
  order: 200,
  install(core, actor, ctx, items) {
    const app = ctx.app
    for (const item of items) {
      const source = `app:${app.apiKey}:${item.key}`
      const exists = core.db.prepare('SELECT id FROM rules WHERE source = ?').pluck().get(source) !== undefined
      if (exists) {
        ctx.change({ kind: 'same', section: 'rules', key: item.key, label: pick(item.name, ctx.locale) })
        continue
      }
      const form = ctx.form(item.form)
      core.rules.create(
        {
          name: pick(item.name, ctx.locale), form: form.id, enabled: item.enabled, trigger: item.trigger, condition: item.condition, actions: item.actions,
          rateLimit: item.rateLimit, description: item.description ? pick(item.description, ctx.locale) : null
        },
        actor.id || null,
        source
      )
      ctx.change({ kind: 'add', section: 'rules', key: item.key, label: pick(item.name, ctx.locale) })
    }
  },
  exportItems(core, appId) {
    const formIds = new Set(core.schema.formIds(appId))
    return core.rules
      .list()
      .filter((r) => formIds.has(r.formId))
      .map((r) => ({
        key: r.source?.split(':')[2] ?? `rule${r.id}`,
        name: { 'zh-CN': r.name, en: r.name },
        description: r.description ? { 'zh-CN': r.description, en: r.description } : undefined,
        form: r.formKey,
        enabled: r.enabled,
        trigger: r.trigger,
        condition: r.condition,
        actions: r.actions,
        rateLimit: r.rateLimit
      }))
  },
  preview(core, appId, items, { locale }): AppChange[] {
    void appId
    return items.map((item) => {
      const exists = core.db.prepare('SELECT 1 FROM rules WHERE source LIKE ?').get(`app:%:${item.key}`) !== undefined
      return { kind: exists ? 'same' : 'add', section: 'rules', key: item.key, label: pick(item.name, locale) }
    })
  }
})
