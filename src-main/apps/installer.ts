import type { Core } from '../core'
import type { Actor } from '../access/actor'
import type { AppRow } from '../forms/schema-service'
import type { FormModel } from '../forms/model'
import { viewConfig, type FieldInput, type FormLayout } from '../shared/api/contracts'
import { ConflictError, DomainError, NotFoundError, PermissionError, ValidationError } from '../shared/errors'
import type { Locale } from '../shared/locales'
import { appDef, pick, relationDefConfig, rollupDefConfig, type AppPackage, type FieldDef, type FormDef } from './definition'
import { appSection, appSections, type AppChange, type SectionContext } from './sections'

// Installs an app definition through the schema service, in ONE transaction: the app, its forms,
// their plain fields, then relations and sub-tables (their targets exist by then), roll-ups
// (their relations exist), formulas (whatever they read exists), field order, conditions,
// layouts, title fields, views, and finally each registered engine section. If anything fails,
// nothing of the install remains.
//
// Idempotent by API key: an existing app, form or field (same API key) is kept exactly as the
// user has tailored it — only what is missing is added. A field whose type differs from the
// definition's is reported as a conflict and left alone. `previewApp` computes the same plan
// without writing anything.

export interface InstallOptions {
  locale: Locale
}

export interface InstallReport {
  appId: number
  changes: AppChange[]
}

type Phase = 'plain' | 'linked' | 'rollup' | 'formula'

function phaseOf(def: FieldDef): Phase {
  if (def.type === 'rollup') return 'rollup'
  if (def.type === 'formula') return 'formula'
  if (def.type === 'relation') return 'linked'
  // Sub-tables are created with their children, which may hold relations and formulas.
  if (def.type === 'subtable') return 'linked'
  return 'plain'
}

/** Validate a package: the app definition and each section's items. Bad input changes nothing. */
export function parsePackage(pkg: { app: unknown; sections?: Record<string, unknown> }): AppPackage {
  const parsed = appDef.safeParse(pkg.app)
  if (!parsed.success) throw badDefinition('forms', parsed.error.issues[0])
  const sections: Record<string, unknown[]> = {}
  for (const [key, raw] of Object.entries(pkg.sections ?? {})) {
    const section = appSection(key)
    if (!section) throw new ValidationError('crm.app.unknownSection', { section: key }, 'sections')
    if (!Array.isArray(raw)) throw new ValidationError('crm.app.badDefinition', { section: key, detail: 'not a list' }, 'sections')
    sections[key] = raw.map((item) => {
      const r = section.schema.safeParse(item)
      if (!r.success) throw badDefinition(key, r.error.issues[0])
      return r.data
    })
  }
  checkReferences(parsed.data)
  return { app: parsed.data, sections }
}

function badDefinition(section: string, issue: { path: PropertyKey[]; message: string } | undefined): ValidationError {
  return new ValidationError('crm.app.badDefinition', { section, detail: `${issue?.path.map(String).join('.') ?? ''} ${issue?.message ?? ''}`.trim() }, 'sections')
}

/** Relations and roll-ups must name forms and fields that exist in the definition (or are installed). */
function checkReferences(app: AppPackage['app']): void {
  const forms = new Map(app.forms.map((f) => [f.apiKey, f]))
  const seen = new Set<string>()
  for (const form of app.forms) {
    if (seen.has(form.apiKey)) throw new ValidationError('crm.app.badDefinition', { section: 'forms', detail: `duplicate form ${form.apiKey}` }, 'sections')
    seen.add(form.apiKey)
    const keys = new Set<string>()
    for (const field of form.fields) {
      if (keys.has(field.apiKey)) throw new ValidationError('crm.app.badDefinition', { section: 'forms', detail: `duplicate field ${form.apiKey}.${field.apiKey}` }, 'sections')
      keys.add(field.apiKey)
      if (field.type === 'rollup') {
        const c = rollupDefConfig.parse(field.config ?? {})
        const source = forms.get(c.relation.form)
        if (source && !source.fields.some((x) => x.apiKey === c.relation.field)) {
          throw new ValidationError('crm.app.badDefinition', { section: 'forms', detail: `${form.apiKey}.${field.apiKey}: no field ${c.relation.form}.${c.relation.field}` }, 'sections')
        }
      }
    }
  }
}

/** The installed app with this API key, or null. */
export function findApp(core: Core, apiKey: string): AppRow | null {
  return core.schema.listApps().find((a) => a.apiKey === apiKey) ?? null
}

function findForm(core: Core, apiKey: string): FormModel | null {
  try {
    return core.schema.form(apiKey)
  } catch (e) {
    if (e instanceof NotFoundError) return null
    throw e
  }
}

/** What installing the package would add or change. Writes nothing. */
export function previewApp(core: Core, pkg: AppPackage, options: InstallOptions): { appId: number | null; changes: AppChange[] } {
  const { locale } = options
  const app = findApp(core, pkg.app.apiKey)
  const changes: AppChange[] = [{ kind: app ? 'same' : 'add', section: 'app', key: pkg.app.apiKey, label: pick(pkg.app.label, locale) }]
  for (const def of pkg.app.forms) {
    const form = findForm(core, def.apiKey)
    changes.push({ kind: form ? 'same' : 'add', section: 'form', key: def.apiKey, label: form?.label ?? pick(def.label, locale) })
    for (const f of def.fields) {
      const existing = form?.byKey.get(f.apiKey)
      const deleted = form?.deletedFields.find((x) => x.apiKey === f.apiKey && x.parentFieldId === null)
      const label = `${form?.label ?? pick(def.label, locale)} · ${existing?.label ?? deleted?.label ?? pick(f.label, locale)}`
      // A field the user deleted stays deleted (it can be restored with its data in the designer).
      if (deleted && !existing) changes.push({ kind: 'same', section: 'field', key: `${def.apiKey}.${f.apiKey}`, label, detail: 'deleted' })
      else if (!existing) changes.push({ kind: 'add', section: 'field', key: `${def.apiKey}.${f.apiKey}`, label })
      else if (existing.type !== f.type) changes.push({ kind: 'conflict', section: 'field', key: `${def.apiKey}.${f.apiKey}`, label, detail: `${existing.type} ≠ ${f.type}` })
      else changes.push({ kind: 'same', section: 'field', key: `${def.apiKey}.${f.apiKey}`, label })
    }
    const names = form ? sharedViewNames(core, form.id) : new Set<string>()
    for (const v of def.views) {
      const exists = names.has(v.name['zh-CN']) || names.has(v.name.en)
      changes.push({ kind: exists ? 'same' : 'add', section: 'view', key: `${def.apiKey}.${v.name.en}`, label: `${form?.label ?? pick(def.label, locale)} · ${pick(v.name, locale)}` })
    }
  }
  for (const section of appSections()) {
    const items = pkg.sections[section.key]
    if (items?.length) changes.push(...section.preview(core, app?.id ?? null, items, { locale }))
  }
  return { appId: app?.id ?? null, changes }
}

/** Install (or complete) the app in one transaction. Administrators only. */
export function installApp(core: Core, actor: Actor, pkg: AppPackage, options: InstallOptions): InstallReport {
  if (!actor.isAdmin) throw new PermissionError('error.adminOnly')
  const { locale } = options
  const plan = previewApp(core, pkg, options)
  const sectionChanges: AppChange[] = []
  const appId = core.db.transaction(() => {
    const app = findApp(core, pkg.app.apiKey) ?? core.schema.createApp({ label: pick(pkg.app.label, locale), apiKey: pkg.app.apiKey, icon: pkg.app.icon })
    const created = new Set<string>()
    const addedFields = new Map<string, Set<string>>()
    // Pass 1: forms (new ones with their plain fields).
    for (const def of pkg.app.forms) {
      if (findForm(core, def.apiKey)) continue
      const plain = def.fields.filter((f) => phaseOf(f) === 'plain')
      core.schema.createForm({
        appId: app.id, label: pick(def.label, locale), apiKey: def.apiKey,
        description: def.description ? pick(def.description, locale) : undefined,
        fields: plain.map((f) => toFieldInput(core, def, f, locale))
      })
      created.add(def.apiKey)
      addedFields.set(def.apiKey, new Set(plain.map((f) => f.apiKey)))
    }
    // Passes 2–4: every missing field, in dependency phases.
    // A roll-up may aggregate another form's roll-up (客户.已回款 sums 合同.已回款金额): it waits
    // for a later round until that field exists.
    // A roll-up may also sum another form's formula (市场活动.赢单金额 sums 商机.赢单金额), and a
    // formula may read such a roll-up: in the last phase both wait until what they read exists.
    const ready = (f: FieldDef, def: FormDef, strict: boolean) => {
      if (f.type === 'formula') {
        const expression = (f.config as { expression?: unknown } | undefined)?.expression
        if (strict || typeof expression !== 'string') return true
        const form = core.schema.form(def.apiKey)
        return [...expression.matchAll(/\{([^}.]+)[^}]*\}/g)].every(([, key]) => form.byKey.has(key!) || !def.fields.some((d) => d.apiKey === key))
      }
      if (f.type !== 'rollup') return true
      const c = rollupDefConfig.parse(f.config ?? {})
      return !c.target || !!core.schema.form(c.relation.form).byKey.get(c.target)
    }
    const inPhase = (f: FieldDef, phase: Phase) => phaseOf(f) === phase || (phase === 'formula' && phaseOf(f) === 'rollup')
    for (const [phase, strict] of [['plain', false], ['linked', false], ['rollup', false], ['formula', false], ['formula', true]] as Array<[Phase, boolean]>) {
      for (let progress = true; progress;) {
        progress = false
        for (const def of pkg.app.forms) {
          const added = addedFields.get(def.apiKey) ?? new Set<string>()
          addedFields.set(def.apiKey, added)
          for (const f of def.fields) {
            if (!inPhase(f, phase) || added.has(f.apiKey) || !ready(f, def, strict)) continue
            const form = core.schema.form(def.apiKey)
            if (form.byKey.has(f.apiKey) || form.deletedFields.some((x) => x.apiKey === f.apiKey && x.parentFieldId === null)) continue
            core.schema.addField(def.apiKey, toFieldInput(core, def, f, locale))
            added.add(f.apiKey)
            progress = true
          }
        }
      }
    }
    // Field order, conditions, layout and title field of what this install added.
    for (const def of pkg.app.forms) {
      const added = addedFields.get(def.apiKey)!
      if (!added.size) continue
      const isNew = created.has(def.apiKey)
      const form = core.schema.form(def.apiKey)
      if (isNew) {
        def.fields.forEach((f, i) => {
          const field = form.byKey.get(f.apiKey)!
          if (field.position !== i + 1) core.schema.updateField({ id: field.id, position: i + 1 })
        })
      }
      for (const f of def.fields) {
        if (!added.has(f.apiKey) || (!f.visibleWhen && !f.requiredWhen && !f.requiredOnEnter)) continue
        core.schema.updateField({
          id: core.schema.form(def.apiKey).byKey.get(f.apiKey)!.id, visibleWhen: f.visibleWhen ?? null, requiredWhen: f.requiredWhen ?? null, requiredOnEnter: f.requiredOnEnter ?? null
        })
      }
      if (isNew) {
        const fresh = core.schema.form(def.apiKey)
        const titleFieldId = def.titleField ? (fresh.byKey.get(def.titleField)?.id ?? null) : undefined
        const validations = def.validations.map((v) => ({ formula: expression(def, v.formula, locale), message: pick(v.message, locale), field: v.field }))
        core.schema.updateForm({ form: fresh.id, titleFieldId, layout: def.layout ? toLayout(fresh, def, locale) : undefined, validations: validations.length ? validations : undefined })
      }
    }
    // Views: shared, identified by name in either language.
    for (const def of pkg.app.forms) {
      const form = core.schema.form(def.apiKey)
      const names = sharedViewNames(core, form.id)
      for (const v of def.views) {
        if (names.has(v.name['zh-CN']) || names.has(v.name.en)) continue
        core.views.create(actor, { form: form.id, name: pick(v.name, locale), type: v.type, shared: true, config: viewConfig.parse(v.config) })
      }
    }
    // Role permissions, only where the role has no rule for the form yet (an admin's choice stands).
    for (const perm of pkg.app.permissions) {
      const name = perm.roleName
      const role =
        core.org.roles().find((r) => r.key === perm.role || (name && (r.name === name['zh-CN'] || r.name === name.en))) ??
        (name ? core.org.createRole(actor.id, { name: pick(name, locale) }) : undefined)
      if (!role || role.isAdmin) continue
      const form = core.schema.form(perm.form)
      if (core.org.permissions(role.id).some((x) => x.formId === form.id)) continue
      core.org.setPermission(actor.id, role.id, { formId: form.id, actions: perm.actions, scope: perm.scope, fieldRules: {} })
    }
    // Engine sections.
    const ctx: SectionContext = {
      app, locale,
      form: (apiKey) => core.schema.form(apiKey),
      change: (c) => sectionChanges.push(c)
    }
    for (const section of appSections()) {
      const items = pkg.sections[section.key]
      if (items?.length) section.install(core, actor, ctx, items)
    }
    core.audit.append({ op: 'apps.install', actorId: actor.id || null, detail: { app: pkg.app.apiKey, added: plan.changes.filter((c) => c.kind === 'add').length } })
    return app.id
  })()
  const formPart = plan.changes.filter((c) => ['app', 'form', 'field', 'view'].includes(c.section))
  const sectionPart = sectionChanges.length ? sectionChanges : plan.changes.filter((c) => !['app', 'form', 'field', 'view'].includes(c.section))
  return { appId, changes: [...formPart, ...sectionPart] }
}

function sharedViewNames(core: Core, formId: number): Set<string> {
  return new Set(core.db.prepare('SELECT name FROM views WHERE form_id = ? AND shared = 1').pluck().all(formId) as string[])
}

/** A definition field as forms.create / fields.create take it: ids resolved, labels picked, formulas in labels. */
function toFieldInput(core: Core, form: FormDef, def: FieldDef, locale: Locale, parent?: FieldDef): FieldInput {
  const config: Record<string, unknown> = { ...(def.config ?? {}) }
  if (Array.isArray(config.options)) {
    config.options = (config.options as Array<{ id: string; label: { 'zh-CN': string; en: string }; color?: string }>).map((o) => ({ id: o.id, label: o.label[locale], color: o.color ?? 'gray' }))
  }
  if (def.type === 'relation') {
    const c = relationDefConfig.parse(config)
    const target = findForm(core, c.target)
    if (!target) throw new ValidationError('crm.app.badDefinition', { section: 'forms', detail: `${form.apiKey}.${def.apiKey}: no form ${c.target}` }, 'sections')
    delete config.target
    config.targetFormId = target.id
    config.multiple = c.multiple
  }
  if (def.type === 'rollup') {
    const c = rollupDefConfig.parse(config)
    const source = core.schema.form(c.relation.form)
    const relation = source.byKey.get(c.relation.field)
    if (!relation) throw new ValidationError('crm.app.badDefinition', { section: 'forms', detail: `${form.apiKey}.${def.apiKey}: no field ${c.relation.form}.${c.relation.field}` }, 'sections')
    const target = c.target ? source.byKey.get(c.target) : undefined
    for (const k of ['relation', 'target']) delete config[k]
    config.relationFieldId = relation.id
    if (target) config.targetFieldId = target.id
  }
  if (def.type === 'formula' && typeof config.expression === 'string') config.expression = expression(form, config.expression, locale, parent)
  const input: FieldInput = {
    label: pick(def.label, locale), apiKey: def.apiKey, type: def.type, config,
    required: def.required ?? false, unique: def.unique ?? false, description: def.description ? pick(def.description, locale) : undefined,
    defaultValue: def.defaultValue
  }
  if (def.children) input.children = def.children.map((c) => toFieldInput(core, form, c, locale, def))
  return input
}

/**
 * A definition formula names fields by API key (`{amount}`, `{lines.lineTotal}`); users read and
 * write formulas with labels, so the installed formula uses the labels of the install locale.
 * Inside a sub-table, `{key}` names a sibling column first.
 */
function expression(form: FormDef, source: string, locale: Locale, parent?: FieldDef): string {
  const label = (key: string, within?: FieldDef[]) => {
    const found = (within ?? form.fields).find((f) => f.apiKey === key)
    return found ? pick(found.label, locale) : key
  }
  return source.replace(/\{([A-Za-z][A-Za-z0-9_]*)(?:\.([A-Za-z][A-Za-z0-9_]*))?\}/g, (whole, name: string, sub?: string) => {
    if (sub) {
      const table = form.fields.find((f) => f.apiKey === name)
      return table ? `{${label(name)}.${label(sub, table.children)}}` : whole
    }
    if (parent?.children?.some((c) => c.apiKey === name)) return `{${label(name, parent.children)}}`
    return `{${label(name)}}`
  })
}

function toLayout(form: FormModel, def: FormDef, locale: Locale): FormLayout {
  const layout = def.layout!
  return {
    tabs: layout.tabs.map((tab) => ({
      id: tab.id,
      label: pick(tab.label, locale),
      sections: tab.sections.map((s) => ({
        id: s.id,
        label: s.label ? pick(s.label, locale) : null,
        columns: s.columns,
        fieldIds: s.fields.map((k) => form.byKey.get(k)?.id).filter((x): x is number => x !== undefined)
      }))
    }))
  }
}

/** A typed error for a section that cannot install an item (for section authors). */
export function sectionConflict(section: string, key: string, detail: string): DomainError {
  return new ConflictError('crm.app.sectionConflict', { section, key, detail })
}

/**
 * Installing an app package touches every engine (forms, views, flows, rules, dashboards), so the
 * core hands the engines that install or export apps (the sales app, app definitions) these
 * functions rather than itself.
 */
export interface AppInstaller {
  find(apiKey: string): { id: number; label: string } | null
  install(actor: Actor, pkg: AppPackage, options: { locale: Locale }): InstallReport
  preview(pkg: AppPackage, options: { locale: Locale }): { appId: number | null; changes: AppChange[] }
  /** The engine sections (flows, rules, dashboards…) of an app as a package holds them. */
  exportSections(appId: number): Record<string, unknown[]>
}

/** The installer for one core, as engines receive it. */
export function appInstaller(core: Core): AppInstaller {
  return {
    find: (key) => findApp(core, key),
    install: (actor, pkg, options) => installApp(core, actor, pkg, options),
    preview: (pkg, options) => previewApp(core, pkg, options),
    exportSections: (appId) => {
      const sections: Record<string, unknown[]> = {}
      for (const section of appSections()) {
        const items = section.exportItems(core, appId)
        if (items.length) sections[section.key] = items
      }
      return sections
    }
  }
}
