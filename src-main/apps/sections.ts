import type { z } from 'zod'
import type { Core } from '../core'
import type { Actor } from '../access/actor'
import type { AppRow } from '../forms/schema-service'
import type { FormModel } from '../forms/model'
import type { Locale } from '../shared/locales'

// The app-definition section registry: engine content that ships with an app (flows, rules,
// dashboards, …) and is installed, previewed and exported together with its forms.
//
// How an engine plugs in (from its own file, e.g. src-main/flows/app-section.ts):
//
//   import { registerAppSection } from '../apps/sections'
//   registerAppSection({
//     key: 'flows',                       // also the file name: resources/apps/<app>/flows.json
//     schema: flowDefinition,             // zod schema of ONE item; the file holds an array of items
//     install(core, actor, ctx, items) {  // create what is missing, idempotent by the item's key;
//       for (const item of items) { … ctx.form('opportunity') … ctx.change({ kind: 'add', … }) }
//     },
//     exportItems(core, appId) { return [...] },           // the app's items, in the schema's shape
//     preview(core, appId, items) { return [{ kind: 'add', section: 'flows', key, label }] }
//   })
//
// and make sure that file is imported at startup: import it from your engine's main module (the
// one core.ts constructs), so the section is registered whenever a Core exists.
//
// Invariants the installer relies on:
// - `install` runs inside the installer's one transaction, after every form, field and view of the
//   app exists; throw a typed error (src-main/shared/errors.ts) to roll the whole install back.
//   Write records only through core.writes, schema through core.schema.
// - `install` and `preview` are idempotent by a stable key per item (an API key or name): running
//   the install twice adds nothing the second time, and `preview` then reports only 'same' items.
// - `preview` writes nothing.
// - `exportItems(core, appId)` returns items that `install` accepts (export → import round-trips).
// Sections are installed in registration order; `order` (default 100) puts one earlier or later.

export type ChangeKind = 'add' | 'change' | 'same' | 'conflict'

/** One line of an install report or preview: what is (or would be) added or changed. */
export interface AppChange {
  kind: ChangeKind
  /** 'app', 'form', 'field', 'view', 'layout' or a section key. */
  section: string
  /** Stable key: form apiKey, `form.field`, view name, or the section item's key. */
  key: string
  /** Human-readable label in the install locale. */
  label: string
  /** Why something is kept as it is (a conflict), or what changes. */
  detail?: string
}

export interface SectionContext {
  app: AppRow
  locale: Locale
  /** The installed form by API key (throws NotFound when the app has no such form). */
  form(apiKey: string): FormModel
  /** Record a change in the install report. */
  change(change: AppChange): void
}

export interface AppSection<T = unknown> {
  key: string
  schema: z.ZodType<T>
  order?: number
  install(core: Core, actor: Actor, ctx: SectionContext, items: T[]): void
  exportItems(core: Core, appId: number): T[]
  preview(core: Core, appId: number | null, items: T[], ctx: { locale: Locale }): AppChange[]
}

const sections = new Map<string, AppSection>()

/** Register an engine's section. Registering the same key again replaces it (hot reload, tests). */
export function registerAppSection<T>(section: AppSection<T>): void {
  if (['forms', 'app'].includes(section.key)) throw new Error(`app section key "${section.key}" is reserved`)
  sections.set(section.key, section as AppSection)
}

export function appSection(key: string): AppSection | undefined {
  return sections.get(key)
}

/** Registered sections in install order. */
export function appSections(): AppSection[] {
  return [...sections.values()].sort((a, b) => (a.order ?? 100) - (b.order ?? 100))
}
