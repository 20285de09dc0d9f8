import { randomBytes } from 'node:crypto'
import QRCode from 'qrcode'
import type { Actor } from '../access/actor'
import type { Sqlite } from '../db/connection'
import { ident } from '../db/connection'
import type { Clock } from '../clock'
import type { SchemaService } from '../forms/schema-service'
import type { FieldModel, FormModel } from '../forms/model'
import type { WritePipeline } from '../records/write-pipeline'
import { optionsOf } from '../forms/field-types/select'
import { relationConfig } from '../forms/field-types/relation'
import { normalizePhone } from '../shared/crm-normalize'
import { ConflictError, NotFoundError, ValidationError } from '../shared/errors'
import { publicFormConfig, type PublicFormConfig, type PublicFormDto } from '../shared/api/publicforms'
import { HIDDEN_TYPES, PUBLIC_ACTOR, VISIBLE_TYPES, publicWriteInput, publishedFields } from './permission'
import { linkBase, SurveyService } from './survey'
import type { AccessLayer } from '../access/access-layer'
import type { ReadService } from '../records/read-service'

// Public forms (外链表单): an administrator publishes a form as a page anyone holding its link may
// fill in. The link carries an unguessable token (144 random bits); unpublishing keeps the token,
// so a printed QR code answers 「此表单已停止收集」 and works again when the form is republished.
// Each submission is written through the write pipeline by the public actor (permission.ts: create
// only, published fields only), ownerless — so a lead lands in the 公海 and the rules on `created`
// run as for any new record — and recorded in public_submissions with a possible duplicate.

export interface PublicFormDeps {
  db: Sqlite
  clock: Clock
  schema: SchemaService
  writes: WritePipeline
  access: AccessLayer
  reads: ReadService
  /** 访问地址 (system settings): links and QR codes handed out start with it when set. */
  publicUrl?: () => string
}

interface Row { form_id: number; token: string; published: number; config: string }

/** What the public page may show: the published fields' labels, types and options — nothing else. */
export interface PublicDefinition {
  token: string
  title: string
  intro: string
  thanks: string
  showLogo: boolean
  fields: Array<{ key: string; label: string; type: string; required: boolean; options: string[] }>
  hidden: Array<{ key: string; param: string; value: string }>
}


const TOKEN = /^[A-Za-z0-9_-]{24}$/

export class PublicFormService {
  /** 满意度回访: one-time survey links of single records (survey.ts). */
  readonly surveys: SurveyService

  constructor(private readonly deps: PublicFormDeps) {
    this.surveys = new SurveyService(deps)
  }

  private row(formId: number): Row | undefined {
    return this.deps.db.prepare('SELECT form_id, token, published, config FROM public_forms WHERE form_id = ?').get(formId) as Row | undefined
  }

  /** Whether a string has the shape of a token (checked before any lookup). */
  static isToken(token: string): boolean {
    return TOKEN.test(token)
  }

  async get(formRef: number | string, origin?: string): Promise<PublicFormDto> {
    const form = this.deps.schema.form(formRef)
    const row = this.row(form.id)
    const path = row ? `/p/${row.token}` : null
    const base = linkBase(this.deps, origin)
    const submissions = (this.deps.db.prepare('SELECT id, record_id, at, duplicate_of FROM public_submissions WHERE form_id = ? ORDER BY id DESC LIMIT 50').all(form.id) as Array<{ id: number; record_id: number; at: number; duplicate_of: number | null }>)
      .map((s) => ({ id: s.id, recordId: s.record_id, at: new Date(s.at).toISOString(), duplicateOf: s.duplicate_of }))
    return {
      formId: form.id,
      published: row?.published === 1,
      path,
      config: row ? publicFormConfig.parse(JSON.parse(row.config)) : null,
      base,
      qrSvg: path && base ? await QRCode.toString(base + path, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' }) : null,
      submissions,
      publishable: form.fields
        .filter((f) => f.deletedAt === null && HIDDEN_TYPES.has(f.type))
        .map((f) => ({ key: f.apiKey, label: f.label, type: f.type, hiddenOnly: !VISIBLE_TYPES.has(f.type) }))
    }
  }

  /** Save the settings (checked against the form now) and publish or keep unpublished; the token is made once. */
  async save(actor: Actor, formRef: number | string, config: PublicFormConfig, published: boolean, origin?: string): Promise<PublicFormDto> {
    const form = this.deps.schema.form(formRef)
    const parsed = publicFormConfig.parse(config)
    publishedFields(form, parsed)
    // A field the form requires must be on the page (or prefilled), or every submission would fail.
    const covered = new Set([...parsed.fields.map((f) => f.field), ...parsed.hidden.map((h) => h.field)])
    const missing = form.fields.find((f) => f.deletedAt === null && f.required && (f.defaultValue === null || f.defaultValue === undefined || f.defaultValue === '') && !covered.has(f.apiKey))
    if (missing) throw new ValidationError('publicforms.error.requiredMissing', { field: missing.label }, 'fields')
    if (parsed.duplicateField !== null) {
      const f = form.byKey.get(parsed.duplicateField)
      if (!f || f.type !== 'phone') throw new ValidationError('publicforms.error.duplicateField', { field: f?.label ?? parsed.duplicateField }, 'duplicateField')
    }
    const now = this.deps.clock.now()
    const existing = this.row(form.id)
    if (existing) {
      this.deps.db.prepare('UPDATE public_forms SET published = ?, config = ?, updated_at = ?, updated_by = ? WHERE form_id = ?').run(published ? 1 : 0, JSON.stringify(parsed), now, actor.id || null, form.id)
    } else {
      const token = randomBytes(18).toString('base64url')
      this.deps.db.prepare('INSERT INTO public_forms (form_id, token, published, config, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?)').run(form.id, token, published ? 1 : 0, JSON.stringify(parsed), now, actor.id || null)
    }
    return this.get(form.id, origin)
  }

  async unpublish(formRef: number | string, origin?: string): Promise<PublicFormDto> {
    const form = this.deps.schema.form(formRef)
    if (!this.row(form.id)) throw new NotFoundError('publicforms.error.notPublished')
    this.deps.db.prepare('UPDATE public_forms SET published = 0, updated_at = ? WHERE form_id = ?').run(this.deps.clock.now(), form.id)
    return this.get(form.id, origin)
  }

  /**
   * The page's definition for a token: null for an unknown token (the page answers 404), 'closed'
   * for an unpublished form or one whose fields no longer fit (removed since).
   */
  definition(token: string): PublicDefinition | 'closed' | null {
    if (!TOKEN.test(token)) return null
    const row = this.deps.db.prepare('SELECT form_id, token, published, config FROM public_forms WHERE token = ?').get(token) as Row | undefined
    if (!row) return null
    if (row.published !== 1) return 'closed'
    let form: FormModel
    try {
      form = this.deps.schema.form(row.form_id)
    } catch (e) {
      if (e instanceof NotFoundError) return 'closed'
      throw e
    }
    const config = publicFormConfig.parse(JSON.parse(row.config))
    let fields: { visible: FieldModel[] }
    try {
      fields = publishedFields(form, config)
    } catch (e) {
      if (e instanceof ValidationError) return 'closed'
      throw e
    }
    return {
      token,
      title: config.title,
      intro: config.intro,
      thanks: config.thanks,
      showLogo: config.showLogo,
      fields: fields.visible.map((f, i) => ({
        key: f.apiKey, label: f.label, type: f.type, required: config.fields[i]!.required || f.required,
        options: f.type === 'select' || f.type === 'multiselect' ? optionsOf(f).map((o) => o.label) : []
      })),
      hidden: config.hidden.map((h) => ({ key: h.field, param: h.param, value: h.value }))
    }
  }

  /**
   * Write one submission as the public actor. `submitted` is the visitor's fields by key (hidden
   * ones included); a field not published refuses the whole submission. Answers the new record's
   * id and the record it may duplicate.
   */
  submit(token: string, submitted: Record<string, string>, address: string): { recordId: number; duplicateOf: number | null } {
    const definition = this.definition(token)
    if (definition === null) throw new NotFoundError('publicforms.error.notFound')
    if (definition === 'closed') throw new ConflictError('publicforms.closed')
    const row = this.deps.db.prepare('SELECT form_id, config FROM public_forms WHERE token = ?').get(token) as { form_id: number; config: string }
    const form = this.deps.schema.form(row.form_id)
    const config = publicFormConfig.parse(JSON.parse(row.config))
    const input: Record<string, unknown> = publicWriteInput(form, config, submitted)
    for (const h of config.hidden) {
      const field = form.byKey.get(h.field)!
      const value = input[h.field]
      if (typeof value === 'string' && field.type === 'relation') {
        // A link names the related record by its title (市场活动=2026春季展); one that names none is left empty.
        const id = this.recordByTitle(field, value)
        if (id === null) delete input[h.field]
        else input[h.field] = id
      }
    }
    const duplicateOf = this.duplicateOf(form, config, input)
    const recordId = this.deps.writes.create(PUBLIC_ACTOR, form.id, input)
    this.deps.db.prepare('INSERT INTO public_submissions (form_id, record_id, at, duplicate_of, address) VALUES (?, ?, ?, ?, ?)').run(form.id, recordId, this.deps.clock.now(), duplicateOf, address.slice(0, 64))
    return { recordId, duplicateOf }
  }

  private recordByTitle(field: FieldModel, title: string): number | null {
    const target = this.deps.schema.form(relationConfig(field).targetFormId)
    const column = target.titleField?.column
    if (!column) return null
    return (this.deps.db.prepare(`SELECT id FROM ${ident(target.table)} WHERE deleted_at IS NULL AND ${ident(column)} = ? ORDER BY id LIMIT 1`).pluck().get(title.trim()) as number | undefined) ?? null
  }

  /** An existing live record with the same phone: flagged on the submission, never merged. */
  private duplicateOf(form: FormModel, config: PublicFormConfig, input: Record<string, unknown>): number | null {
    const key = config.duplicateField
    const value = key ? input[key] : undefined
    if (!key || typeof value !== 'string') return null
    const column = form.byKey.get(key)?.column
    const digits = normalizePhone(value)
    if (!column || digits.length < 5) return null
    const candidates = this.deps.db
      .prepare(`SELECT id, ${ident(column)} AS phone FROM ${ident(form.table)} WHERE deleted_at IS NULL AND ${ident(column)} LIKE ? ORDER BY id`)
      .all(`%${digits.slice(-4, -2)}%${digits.slice(-2)}`) as Array<{ id: number; phone: string }>
    return candidates.find((c) => normalizePhone(c.phone) === digits)?.id ?? null
  }
}
