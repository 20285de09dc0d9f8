import { z } from 'zod'
import { FIELD_TYPES, OPTION_COLORS } from '../shared/field-types'
import { apiKey, DATA_SCOPES, filterNode, RECORD_ACTIONS, VIEW_TYPES } from '../shared/api/contracts'
import type { Locale } from '../shared/locales'

// An app definition: an app with its forms, fields, record-page layouts and views, written with
// API keys only (never database ids) and labels in both UI languages, so it can ship in
// `resources/apps/<app>/`, be exported from one database and installed into another. Engine
// content (flows, rules, dashboards…) travels beside it in named sections (see sections.ts).
//
// Field configuration is the field type's own config (src-main/shared/field-types.ts) with ids
// replaced by API keys:
//   select / multiselect  options: [{ id, label: {zh-CN, en}, color }]
//   relation              { target: '<form apiKey>', multiple? }
//   rollup                { relation: { form: '<form apiKey>', field: '<relation field apiKey>' }, target?: '<field apiKey>', aggregate }
//   formula               { expression } where `{apiKey}` / `{subtable.child}` refer to fields by API key;
//                         the installer rewrites them to the installed labels, as a user would type them.
// Conditions (visibleWhen / requiredWhen / requiredOnEnter) and view settings name fields by API key already.

export const text2 = z.object({ 'zh-CN': z.string().trim().min(1).max(200), en: z.string().trim().min(1).max(200) })
export type Text2 = z.infer<typeof text2>

export const optionDef = z.object({ id: z.string().min(1).max(40), label: text2, color: z.enum(OPTION_COLORS).default('gray') })

export interface FieldDef {
  apiKey: string
  label: Text2
  type: (typeof FIELD_TYPES)[number]
  config?: Record<string, unknown>
  required?: boolean
  unique?: boolean
  description?: Text2
  defaultValue?: unknown
  visibleWhen?: z.infer<typeof filterNode> | null
  requiredWhen?: z.infer<typeof filterNode> | null
  /** Required on a write that makes the record match it (赢单 needs the signed contract scan). */
  requiredOnEnter?: z.infer<typeof filterNode> | null
  children?: FieldDef[]
}

export const fieldDef: z.ZodType<FieldDef> = z.lazy(() =>
  z.object({
    apiKey,
    label: text2,
    type: z.enum(FIELD_TYPES),
    config: z.record(z.string(), z.unknown()).optional(),
    required: z.boolean().optional(),
    unique: z.boolean().optional(),
    description: text2.optional(),
    defaultValue: z.unknown().optional(),
    visibleWhen: filterNode.nullable().optional(),
    requiredWhen: filterNode.nullable().optional(),
    requiredOnEnter: filterNode.nullable().optional(),
    children: z.array(fieldDef).max(100).optional()
  })
)

export const relationDefConfig = z.object({ target: apiKey, multiple: z.boolean().default(false) })
export const rollupDefConfig = z.object({
  relation: z.object({ form: apiKey, field: apiKey }),
  target: apiKey.optional(),
  aggregate: z.enum(['sum', 'count', 'min', 'max', 'avg'])
})

/** The record page's arrangement by field API key (the installer maps keys to ids). */
export const layoutDef = z.object({
  tabs: z.array(z.object({
    id: z.string().min(1).max(40),
    label: text2,
    sections: z.array(z.object({ id: z.string().min(1).max(40), label: text2.nullable().default(null), columns: z.number().int().min(1).max(3).default(2), fields: z.array(apiKey) }))
  })).min(1).max(20)
})

export const viewDef = z.object({
  /** Identifies the view across installs (a shared view of the form with this name in either language). */
  name: text2,
  type: z.enum(VIEW_TYPES),
  config: z.record(z.string(), z.unknown()).default({})
})

export const formDef = z.object({
  apiKey,
  label: text2,
  icon: z.string().max(40).optional(),
  description: text2.optional(),
  /** API key of the field shown as the record's title. */
  titleField: apiKey.optional(),
  fields: z.array(fieldDef).min(1).max(500),
  layout: layoutDef.optional(),
  views: z.array(viewDef).max(50).default([]),
  validations: z.array(z.object({ formula: z.string().min(1), message: text2, field: apiKey.optional() })).default([])
})
export type FormDef = z.infer<typeof formDef>

/** What a role (by its key, e.g. sales_rep) may do on a form; set at install only where the role has no rule for it yet. */
export const permissionDef = z.object({
  role: z.string().min(1).max(40),
  /** A role the installation may lack (法务): created with this name, found by it on a reinstall. */
  roleName: text2.optional(),
  form: apiKey,
  actions: z.array(z.enum(RECORD_ACTIONS)),
  scope: z.enum(DATA_SCOPES)
})

export const appDef = z.object({
  apiKey,
  label: text2,
  icon: z.string().max(40).optional(),
  description: text2.optional(),
  forms: z.array(formDef).min(1).max(200),
  permissions: z.array(permissionDef).max(2000).default([])
})
export type AppDef = z.infer<typeof appDef>

/** An app definition with its engine sections (section key → items, validated by each section's schema). */
export interface AppPackage {
  app: AppDef
  sections: Record<string, unknown[]>
}

export const pick = (t: Text2, locale: Locale): string => t[locale]
