import dayjs from 'dayjs'
import type { TransferDeps } from './index'
import type { Actor } from '../access/actor'
import type { FieldModel, FormModel } from '../forms/model'
import { parsePackage } from '../apps/installer'
import type { AppDef, FieldDef, FormDef, Text2 } from '../apps/definition'
import { PermissionError, ValidationError } from '../shared/errors'
import type { Locale } from '../shared/locales'
import type { z } from 'zod'
import type { appPreviewDto } from '../shared/api/transfer'

// App definitions as one file: an installed app (its forms with fields, layouts, validations and
// shared views, plus every registered engine section — flows, rules, dashboards) written in the
// app-definition format of src-main/apps, so another PC installs it with the same installer the
// bundled CRM app uses, after a preview of what it adds or changes. Fields and forms are named by
// API key in the file (formulas too), never by database id.

export const APP_FILE_FORMAT = 'jimu-app'

type AppPreview = z.infer<typeof appPreviewDto>

const both = (s: string): Text2 => ({ 'zh-CN': s, en: s })

export class AppDefinitions {
  constructor(private readonly core: TransferDeps) {}

  export(actor: Actor, appId: number): { name: string; data: Buffer } {
    if (!actor.isAdmin) throw new PermissionError('error.adminOnly')
    const app = this.core.schema.getApp(appId)
    const forms = this.core.schema.formIds(appId).map((id) => this.core.schema.form(id))
    const def: AppDef = {
      apiKey: app.apiKey,
      label: both(app.label),
      ...(app.icon ? { icon: app.icon } : {}),
      forms: forms.map((f) => this.formDef(f)),
      permissions: []
    }
    const sections = this.core.apps.exportSections(appId)
    // The file must install as it is: validate it the way an import will.
    parsePackage({ app: def, sections })
    const file = { format: APP_FILE_FORMAT, version: 1, exportedAt: new Date(this.core.clock.now()).toISOString(), app: def, sections }
    this.core.audit.appendCommitted({ op: 'export', actorId: actor.id || null, detail: { what: 'app', app: app.apiKey } })
    const name = `${app.label}-${dayjs(this.core.clock.now()).format('YYYYMMDD')}.jimu-app.json`.replace(/[\\/:*?"<>|]/g, '_')
    return { name, data: Buffer.from(JSON.stringify(file, null, 2), 'utf8') }
  }

  preview(actor: Actor, data: Buffer, locale: Locale): AppPreview {
    if (!actor.isAdmin) throw new PermissionError('error.adminOnly')
    const pkg = this.parse(data)
    const { appId, changes } = this.core.apps.preview(pkg, { locale })
    const groups = new Map<string, AppPreview['sections'][number]['items']>()
    for (const c of changes) {
      if (c.section === 'app') continue
      const list = groups.get(c.section) ?? []
      list.push({ key: c.key, label: c.label, change: c.kind, ...(c.detail ? { detail: c.detail } : {}) })
      groups.set(c.section, list)
    }
    return {
      app: { label: pkg.app.label[locale], apiKey: pkg.app.apiKey, exists: appId !== null },
      sections: [...groups].map(([section, items]) => ({ section, items }))
    }
  }

  install(actor: Actor, data: Buffer, locale: Locale): { appId: number } {
    const pkg = this.parse(data)
    return { appId: this.core.apps.install(actor, pkg, { locale }).appId }
  }

  private parse(data: Buffer) {
    let json: { format?: unknown; app?: unknown; sections?: Record<string, unknown> }
    try {
      json = JSON.parse(data.toString('utf8').replace(/^\uFEFF/, '')) as typeof json
    } catch {
      throw new ValidationError('transfer.error.appFile', {}, 'data')
    }
    if (json?.format !== APP_FILE_FORMAT || !json.app) throw new ValidationError('transfer.error.appFile', {}, 'data')
    return parsePackage({ app: json.app, sections: json.sections ?? {} })
  }

  private formDef(form: FormModel): FormDef {
    const views = this.core.db.prepare('SELECT name, type, config FROM views WHERE form_id = ? AND shared = 1 ORDER BY position, id').all(form.id) as Array<{ name: string; type: FormDef['views'][number]['type']; config: string }>
    const def: FormDef = {
      apiKey: form.apiKey,
      label: both(form.label),
      ...(form.description ? { description: both(form.description) } : {}),
      ...(form.titleField ? { titleField: form.titleField.apiKey } : {}),
      fields: form.fields.map((f) => this.fieldDef(form, f)),
      views: views.map((v) => ({ name: both(v.name), type: v.type, config: JSON.parse(v.config) as Record<string, unknown> })),
      validations: form.validations.map((v) => ({ formula: this.keyed(form, v.formula), message: both(v.message), ...(v.field ? { field: v.field } : {}) }))
    }
    if (form.layout) {
      def.layout = {
        tabs: form.layout.tabs.map((tab) => ({
          id: tab.id, label: both(tab.label || form.label),
          sections: tab.sections.map((s) => ({ id: s.id, label: s.label ? both(s.label) : null, columns: s.columns, fields: s.fieldIds.map((id) => form.byId.get(id)?.apiKey).filter((k): k is string => !!k) }))
        }))
      }
    }
    return def
  }

  private fieldDef(form: FormModel, f: FieldModel, parent?: FieldModel): FieldDef {
    const config: Record<string, unknown> = { ...f.config }
    if (Array.isArray(config.options)) config.options = (config.options as Array<{ id: string; label: string; color?: string }>).map((o) => ({ id: o.id, label: both(o.label), color: o.color ?? 'gray' }))
    if (f.type === 'relation') {
      const target = this.core.schema.form(config.targetFormId as number)
      delete config.targetFormId
      config.target = target.apiKey
      config.multiple = Boolean(config.multiple)
    }
    if (f.type === 'rollup') {
      const relation = this.core.schema.fieldById(config.relationFieldId as number)
      const source = this.core.schema.form(relation.formId)
      const target = config.targetFieldId ? source.byId.get(config.targetFieldId as number) : undefined
      delete config.relationFieldId
      delete config.targetFieldId
      config.relation = { form: source.apiKey, field: relation.apiKey }
      if (target) config.target = target.apiKey
    }
    if (f.type === 'formula' && typeof config.expression === 'string') config.expression = this.keyed(form, config.expression, parent)
    const def: FieldDef = { apiKey: f.apiKey, label: both(f.label), type: f.type, config }
    if (f.required) def.required = true
    if (f.unique) def.unique = true
    if (f.description) def.description = both(f.description)
    if (f.defaultValue !== null && f.defaultValue !== undefined) def.defaultValue = f.defaultValue
    if (f.visibleWhen) def.visibleWhen = f.visibleWhen
    if (f.requiredWhen) def.requiredWhen = f.requiredWhen
    if (f.requiredOnEnter) def.requiredOnEnter = f.requiredOnEnter
    if (f.type === 'subtable') def.children = (form.children.get(f.id) ?? []).map((c) => this.fieldDef(form, c, f))
    return def
  }

  /** Formulas name fields by label (`{金额}`, `{明细.小计}`); the file names them by API key. */
  private keyed(form: FormModel, source: string, parent?: FieldModel): string {
    const byLabel = (label: string, within: FieldModel[]) => within.find((x) => x.label === label)?.apiKey
    return source.replace(/\{([^{}.]+)(?:\.([^{}]+))?\}/g, (whole, name: string, sub?: string) => {
      if (sub) {
        const table = form.fields.find((x) => x.label === name && x.type === 'subtable')
        const child = table ? byLabel(sub, form.children.get(table.id) ?? []) : undefined
        return table && child ? `{${table.apiKey}.${child}}` : whole
      }
      const sibling = parent ? byLabel(name, form.children.get(parent.id) ?? []) : undefined
      const key = sibling ?? byLabel(name, form.fields)
      return key ? `{${key}}` : whole
    })
  }
}
