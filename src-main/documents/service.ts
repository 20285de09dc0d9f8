import type { Sqlite } from '../db/connection'
import type { Clock } from '../clock'
import { SYSTEM_ACTOR, type Actor } from '../access/actor'
import type { AccessLayer } from '../access/access-layer'
import type { SchemaService } from '../forms/schema-service'
import type { FieldModel, FormModel } from '../forms/model'
import type { ReadService } from '../records/read-service'
import type { WritePipeline } from '../records/write-pipeline'
import type { AttachmentStore } from '../attachments'
import type { SystemSettings } from '../settings/system-settings'
import type { Scheduler } from '../jobs/scheduler'
import type { SmtpSettings } from '../shared/api/rules'
import type { RecordDto } from '../shared/api/core'
import type { DocumentTemplateDto, SendResultDto } from '../shared/api/documents'
import { DomainError, NotFoundError, PermissionError, ValidationError } from '../shared/errors'
import { renderDocx, checkTemplate, type Entry, type Scope } from './render'
import { sendMailWithFile } from './mail'
import { relationConfig } from '../forms/field-types/relation'
import { DOCX_MIME } from './constants'
import './app-section'

// Documents from Word templates, and sending them by e-mail.
//
// A template belongs to a form and names the attachment field the made document is stored in.
// Generating reads the record as the caller sees it (the access layer leaves out hidden fields and
// records outside their scope, related records included), fills the template, stores the file
// content-addressed and adds it to the field through the write pipeline, so the record's history
// and the audit trail show who made which document when. Sending attaches a file of the record to
// an e-mail over the configured SMTP; once sent, a 跟进记录 (跟进方式 邮件, the file attached) is
// written to the customer's timeline. A failed send is answered as such and retried by the job
// scheduler (kind `documents.mail`), which writes the follow-up when it goes through.

export const MAIL_JOB = 'documents.mail'

export interface DocumentDeps {
  db: Sqlite
  clock: Clock
  schema: SchemaService
  access: AccessLayer
  reads: ReadService
  writes: WritePipeline
  attachments: AttachmentStore
  settings: SystemSettings
  scheduler: Scheduler
  smtp(): SmtpSettings
}

interface TemplateRow {
  id: number
  form_id: number
  name: string
  button: string
  hash: string
  field_id: number
  app_key: string | null
  updated_at: number
}

interface MailPayload {
  userId: number
  to: string
  subject: string
  body: string
  file: { hash: string; name: string }
  /** Links of the follow-up written once sent (API keys of the timeline form → record id). */
  links: Record<string, number>
  formLabel: string
}

/** The form that holds the timeline (跟进记录) and the keys the engine fills on it. */
const TIMELINE = { form: 'followUp', subject: 'subject', method: 'method', methodEmail: 'email', content: 'content', time: 'time', files: 'files' } as const

const COMPANY_NAMES: Record<string, keyof ReturnType<SystemSettings['company']>> = {
  名称: 'name', 公司名称: 'name', 地址: 'address', 电话: 'phone', 税号: 'taxId', 开户行: 'bankName', 银行账号: 'bankAccount', 账号: 'bankAccount'
}

const text = (value: string) => ({ kind: 'value' as const, cell: { field: { type: 'text' as const }, value } })

export class DocumentService {
  constructor(private readonly deps: DocumentDeps) {
    deps.scheduler.registerKind(MAIL_JOB, (payload) => this.deliver(payload as MailPayload), { maxAttempts: 6, backoffMs: 60_000 })
  }

  // ---- templates -------------------------------------------------------------------------

  private row(id: number): TemplateRow {
    const row = this.deps.db.prepare('SELECT * FROM document_templates WHERE id = ?').get(id) as TemplateRow | undefined
    if (!row) throw new NotFoundError('documents.error.templateNotFound', { id })
    return row
  }

  private dto(row: TemplateRow): DocumentTemplateDto {
    const form = this.deps.schema.form(row.form_id)
    const field = form.byId.get(row.field_id)
    const blob = this.deps.attachments.get(row.hash).blob
    return { id: row.id, form: row.form_id, name: row.name, button: row.button, field: field?.apiKey ?? null, fieldLabel: field?.label ?? null, file: { hash: row.hash, size: blob.size }, shipped: row.app_key !== null, updatedAt: new Date(row.updated_at).toISOString() }
  }

  /** The templates of a form the caller may view (the buttons on its records). */
  list(actor: Actor, formRef: number | string): DocumentTemplateDto[] {
    const form = this.deps.schema.form(formRef)
    this.deps.access.authorize(actor, 'view', form)
    const rows = this.deps.db.prepare('SELECT * FROM document_templates WHERE form_id = ? ORDER BY id').all(form.id) as TemplateRow[]
    return rows.map((r) => this.dto(r))
  }

  private targetField(form: FormModel, key: string): FieldModel {
    const field = form.byKey.get(key)
    if (!field || field.type !== 'attachment' || field.parentFieldId !== null || field.deletedAt !== null) throw new ValidationError('documents.error.fieldNotAttachment', { field: key }, 'field')
    return field
  }

  /** Add or change a template (administrators). A new .docx is checked to compile first. */
  save(actor: Actor, input: { id?: number; form: number | string; name: string; button: string; field: string; file?: { hash: string } }, appKey: string | null = null): DocumentTemplateDto {
    const form = this.deps.schema.form(input.form)
    this.deps.access.authorizeDesign(actor, form)
    const field = this.targetField(form, input.field)
    let hash = input.id ? this.row(input.id).hash : null
    if (input.file) {
      const stored = this.deps.attachments.get(input.file.hash)
      checkTemplate(stored.data)
      hash = stored.blob.hash
    }
    if (!hash) throw new ValidationError('documents.error.fileRequired', {}, 'file')
    const now = this.deps.clock.now()
    let id = input.id
    if (id) {
      const before = this.row(id)
      if (before.form_id !== form.id) throw new NotFoundError('documents.error.templateNotFound', { id })
      this.deps.db.prepare('UPDATE document_templates SET name = ?, button = ?, hash = ?, field_id = ?, updated_at = ? WHERE id = ?').run(input.name, input.button, hash, field.id, now, id)
    } else {
      id = Number(this.deps.db.prepare('INSERT INTO document_templates (form_id, name, button, hash, field_id, app_key, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)').run(form.id, input.name, input.button, hash, field.id, appKey, actor.id || null, now, now).lastInsertRowid)
    }
    return this.dto(this.row(id))
  }

  remove(actor: Actor, id: number): void {
    const row = this.row(id)
    this.deps.access.authorizeDesign(actor, this.deps.schema.form(row.form_id))
    this.deps.db.prepare('DELETE FROM document_templates WHERE id = ?').run(id)
  }

  /** The template's .docx (for an administrator to download and edit). */
  templateFile(actor: Actor, id: number): { name: string; data: Buffer } {
    const row = this.row(id)
    this.deps.access.authorizeDesign(actor, this.deps.schema.form(row.form_id))
    return { name: `${row.name}.docx`, data: this.deps.attachments.get(row.hash).data }
  }

  // ---- generating ------------------------------------------------------------------------

  /** A record as `actor` sees it, as a template scope; related records are read the same way, when asked. */
  private recordScope(actor: Actor, form: FormModel, record: RecordDto | null, extra: Record<string, Entry> = {}): Scope {
    const fields = new Map<string, FieldModel>()
    for (const f of form.fields) {
      if (f.parentFieldId !== null || f.deletedAt !== null) continue
      fields.set(f.label, f)
      fields.set(f.apiKey, f)
    }
    const title = form.fields.find((f) => f.id === form.titleFieldId) ?? form.fields.find((f) => f.parentFieldId === null)
    return {
      lookup: (name) => {
        if (name in extra) return extra[name]!
        if (name === '\u0000title') return title && record ? { kind: 'value', cell: { field: title, value: record.fields[title.apiKey] ?? null } } : null
        if (name === '负责人' || name === 'owner') return record?.owner ? text(record.owner.name) : null
        if (name === '创建时间' || name === 'createdAt') return record ? { kind: 'value', cell: { field: { type: 'datetime' }, value: record.createdAt } } : null
        const field = fields.get(name)
        if (!field) return undefined
        // Absent from the record: hidden from this caller (or no record at all) — blank.
        const value = record && field.apiKey in record.fields ? record.fields[field.apiKey] : null
        if (field.type === 'subtable') {
          const children = (form.children.get(field.id) ?? []).filter((c) => c.deletedAt === null)
          const rows = Array.isArray(value) ? (value as Array<Record<string, unknown>>) : []
          return { kind: 'rows', rows: rows.map((row) => this.rowScope(actor, children, row)) }
        }
        if (field.type === 'relation' && !relationConfig(field).multiple) {
          const ref = value as { id: number } | null
          return { kind: 'record', scope: () => this.related(actor, field, ref?.id ?? null) }
        }
        return { kind: 'value', cell: { field, value } }
      }
    }
  }

  private rowScope(actor: Actor, children: FieldModel[], row: Record<string, unknown>): Scope {
    const byName = new Map<string, FieldModel>()
    for (const c of children) {
      byName.set(c.label, c)
      byName.set(c.apiKey, c)
    }
    return {
      lookup: (name) => {
        const field = byName.get(name)
        if (!field) return undefined
        const value = field.apiKey in row ? row[field.apiKey] : null
        if (field.type === 'relation' && !relationConfig(field).multiple) {
          const ref = value as { id: number; title?: string } | null
          // {产品} shows the title; {产品.单位} follows the relation.
          return { kind: 'record', scope: () => this.related(actor, field, ref?.id ?? null) }
        }
        return { kind: 'value', cell: { field, value } }
      }
    }
  }

  /** A related record as the caller sees it; a scope with no values when they may not see it (it reads blank). */
  private related(actor: Actor, field: FieldModel, id: number | null): Scope {
    const form = this.deps.schema.form(relationConfig(field).targetFormId)
    let record: RecordDto | null = null
    if (id !== null) {
      try {
        record = this.deps.reads.get(actor, form.id, id)
      } catch (e) {
        if (!(e instanceof DomainError) || e.code === 'INTERNAL') throw e
      }
    }
    return this.recordScope(actor, form, record)
  }

  private rootScope(actor: Actor, form: FormModel, record: RecordDto): Scope {
    const company = this.deps.settings.company()
    const companyScope: Scope = {
      lookup: (name) => {
        if (name === '\u0000title') return text(company.name)
        const key = COMPANY_NAMES[name] ?? (name in company ? (name as keyof typeof company) : undefined)
        if (!key || key === 'logo') return undefined
        return text(String(company[key] ?? ''))
      }
    }
    const now = new Date(this.deps.clock.now())
    const pad = (n: number) => String(n).padStart(2, '0')
    const today = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`
    return this.recordScope(actor, form, record, {
      公司: { kind: 'record', scope: () => companyScope },
      company: { kind: 'record', scope: () => companyScope },
      今天: { kind: 'value', cell: { field: { type: 'date' }, value: today } },
      today: { kind: 'value', cell: { field: { type: 'date' }, value: today } }
    })
  }

  /** Fill a template from a record as `actor` sees it, without storing anything (previews and tests). */
  render(actor: Actor, templateId: number, recordId: number): { name: string; data: Buffer; template: TemplateRow; form: FormModel; record: RecordDto } {
    const template = this.row(templateId)
    const form = this.deps.schema.form(template.form_id)
    const record = this.deps.reads.get(actor, form.id, recordId)
    const docx = this.deps.attachments.get(template.hash).data
    const data = renderDocx(docx, this.rootScope(actor, form, record))
    const title = form.fields.find((f) => f.id === form.titleFieldId)
    const titleText = title ? String((record.fields[title.apiKey] as string | null) ?? '') : ''
    // File names without path separators, characters Windows refuses, or control characters.
    const safe = (s: string) => [...s].filter((c) => c.charCodeAt(0) >= 0x20 && !'\\/:*?"<>|'.includes(c)).join('').trim()
    const name = `${safe(template.name)}${titleText ? `-${safe(titleText)}` : `-${record.id}`}.docx`
    return { name, data, template, form, record }
  }

  /**
   * Make the document and store it on the record (the template's attachment field), through the
   * write pipeline as the caller: they must be allowed to change that field of this record.
   */
  generate(actor: Actor, templateId: number, recordId: number): { file: { hash: string; name: string; size: number }; record: RecordDto } {
    const template = this.row(templateId)
    const form = this.deps.schema.form(template.form_id)
    const field = form.byId.get(template.field_id)
    if (!field || field.deletedAt !== null) throw new ValidationError('documents.error.fieldNotAttachment', { field: String(template.field_id) }, 'field')
    const seen = this.deps.reads.get(actor, form.id, recordId)
    // The field's current files are kept: a caller who cannot read the field cannot add to it either.
    if (!(field.apiKey in seen.fields) || !this.deps.access.canWriteField(actor, field, form)) throw new PermissionError('documents.error.cannotStore', { field: field.label })
    this.deps.access.authorizeRecord(actor, 'edit', form, recordId)
    const { name, data, record } = this.render(actor, templateId, recordId)
    const stored = this.deps.attachments.put(name, DOCX_MIME, data.toString('base64'), actor.id || null)
    const current = (record.fields[field.apiKey] as Array<{ hash: string; name?: string }> | null) ?? []
    this.deps.writes.update(actor, form.id, recordId, { [field.apiKey]: [...current.map((f) => ({ hash: f.hash, name: f.name })), { hash: stored.hash, name }] })
    return { file: { hash: stored.hash, name, size: stored.size }, record: this.deps.reads.get(actor, form.id, recordId) }
  }

  // ---- e-mail ----------------------------------------------------------------------------

  /** The record's customer (itself, or its first relation to the customer form) and related records, for the follow-up. */
  private links(form: FormModel, record: RecordDto): Record<string, number> {
    const out: Record<string, number> = {}
    out[form.apiKey] = record.id
    for (const f of form.fields) {
      if (f.type !== 'relation' || f.parentFieldId !== null) continue
      const target = this.deps.schema.form(relationConfig(f).targetFormId)
      const ref = record.fields[f.apiKey] as { id: number } | null | undefined
      if (ref && typeof ref === 'object' && 'id' in ref && !(target.apiKey in out)) out[target.apiKey] = ref.id
    }
    return out
  }

  /** Addresses of the customer's contacts the caller may see (and the record's own contact first). */
  recipients(actor: Actor, formRef: number | string, recordId: number): Array<{ name: string; email: string }> {
    const form = this.deps.schema.form(formRef)
    const record = this.deps.reads.get(actor, form.id, recordId)
    const links = this.links(form, record)
    const contactForm = this.deps.schema.formIds().map((id) => this.deps.schema.form(id)).find((f) => f.apiKey === 'contact')
    if (!contactForm || !this.deps.access.can(actor, 'view', contactForm)) return []
    const email = contactForm.fields.find((f) => f.type === 'email' && f.parentFieldId === null)
    const name = contactForm.fields.find((f) => f.id === contactForm.titleFieldId)
    const byCustomer = contactForm.fields.find((f) => f.type === 'relation' && this.deps.schema.form(relationConfig(f).targetFormId).apiKey === 'customer')
    if (!email || !name) return []
    const out: Array<{ name: string; email: string }> = []
    const add = (r: RecordDto) => {
      const address = r.fields[email.apiKey]
      if (typeof address === 'string' && address && !out.some((o) => o.email === address)) out.push({ name: String(r.fields[name.apiKey] ?? ''), email: address })
    }
    if (links['contact']) {
      try {
        add(this.deps.reads.get(actor, contactForm.id, links['contact']))
      } catch (e) {
        if (!(e instanceof DomainError) || e.code === 'INTERNAL') throw e
      }
    }
    if (byCustomer && links['customer']) {
      for (const r of this.deps.reads.list(actor, { form: contactForm.id, filter: { field: byCustomer.apiKey, op: 'eq', value: links['customer'] }, limit: 50 }).records) add(r)
    }
    return out
  }

  /**
   * Send a file of the record by e-mail. Checked first (the caller sees the record and the file is
   * one of its attachments); then sent at once, or — when the SMTP server fails — queued for the
   * scheduler to retry, and answered as such.
   */
  async send(actor: Actor, input: { form: number | string; record: number; file: string; to: string; subject: string; body: string }): Promise<SendResultDto> {
    const form = this.deps.schema.form(input.form)
    const record = this.deps.reads.get(actor, form.id, input.record)
    const file = form.fields
      .filter((f) => f.type === 'attachment' && f.parentFieldId === null && f.apiKey in record.fields)
      .flatMap((f) => (record.fields[f.apiKey] as Array<{ hash: string; name: string }> | null) ?? [])
      .find((f) => f.hash === input.file)
    if (!file) throw new ValidationError('documents.error.fileNotOnRecord', {}, 'file')
    if (!this.deps.smtp().host) throw new ValidationError('rules.error.smtpNotSet', {}, 'to')
    const payload: MailPayload = { userId: actor.id, to: input.to, subject: input.subject, body: input.body, file: { hash: file.hash, name: file.name }, links: this.links(form, record), formLabel: form.label }
    try {
      const followUp = await this.deliver(payload)
      return { status: 'sent', followUp, error: null }
    } catch (e) {
      const job = this.deps.scheduler.enqueue(MAIL_JOB, payload, { runAt: this.deps.clock.now() + 60_000 })
      return { status: 'queued', followUp: null, error: e instanceof Error ? e.message : String(e), job }
    }
  }

  /** Send one queued e-mail and write its follow-up; throws on an SMTP failure so the scheduler retries. */
  private async deliver(p: MailPayload): Promise<number | null> {
    const stored = this.deps.attachments.get(p.file.hash)
    await sendMailWithFile(this.deps.smtp(), { to: p.to, subject: p.subject, text: p.body, file: { name: p.file.name, data: stored.data, mime: stored.mime } })
    return this.logFollowUp(p)
  }

  /** The 跟进记录 of a sent e-mail, owned by the sender, with the file; null when the app has no timeline form. */
  private logFollowUp(p: MailPayload): number | null {
    const timeline = this.deps.schema.formIds().map((id) => this.deps.schema.form(id)).find((f) => f.apiKey === TIMELINE.form)
    if (!timeline) return null
    const values: Record<string, unknown> = { [TIMELINE.subject]: p.subject, owner: p.userId || null }
    if (timeline.byKey.has(TIMELINE.method)) values[TIMELINE.method] = TIMELINE.methodEmail
    if (timeline.byKey.has(TIMELINE.content)) values[TIMELINE.content] = `${p.to}\n\n${p.body}`
    if (timeline.byKey.has(TIMELINE.time)) values[TIMELINE.time] = new Date(this.deps.clock.now()).toISOString()
    if (timeline.byKey.get(TIMELINE.files)?.type === 'attachment') values[TIMELINE.files] = [{ hash: p.file.hash, name: p.file.name }]
    for (const f of timeline.fields) {
      if (f.type !== 'relation' || f.parentFieldId !== null) continue
      const target = this.deps.schema.form(relationConfig(f).targetFormId).apiKey
      if (p.links[target]) values[f.apiKey] = p.links[target]
    }
    // Written by the engine (the mail is already sent: a write refused now must not undo that it went).
    return this.deps.writes.create(SYSTEM_ACTOR, timeline.id, values)
  }
}
