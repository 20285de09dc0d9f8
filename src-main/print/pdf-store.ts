import type { Sqlite } from '../db/connection'
import type { Clock } from '../clock'
import type { Actor } from '../access/actor'
import type { AccessLayer } from '../access/access-layer'
import type { AuditLog } from '../access/audit'
import type { AttachmentStore } from '../attachments'
import type { SchemaService } from '../forms/schema-service'
import type { FieldModel, FormModel } from '../forms/model'
import type { ReadService } from '../records/read-service'
import type { WritePipeline } from '../records/write-pipeline'
import type { RecordDto } from '../shared/api/core'
import { PermissionError, ValidationError } from '../shared/errors'
import { isPdf, MAX_PDF_BYTES, pdfFileName } from './pdf-file'
import type { PdfMaker } from './pdf-maker'

// A record's print view saved as a PDF on the record (导出 PDF in the desktop app). Checked before
// anything is rendered — the caller reads the record and may change the attachment field the PDF
// goes into — then stored content-addressed and added to that field through the write pipeline,
// with an audit entry `print.pdf` in the same transaction (the record's history shows the file,
// the audit trail who printed what).

export interface PdfStoreDeps {
  db: Sqlite
  clock: Clock
  schema: SchemaService
  access: AccessLayer
  reads: ReadService
  writes: WritePipeline
  attachments: AttachmentStore
  audit: AuditLog
}

export interface PdfTarget {
  form: FormModel
  field: FieldModel
  record: RecordDto
}

type FileRef = { hash: string; name?: string }

export class PdfStore {
  constructor(private readonly deps: PdfStoreDeps) {}

  /**
   * The attachment field the PDF goes into: the one asked for, else the field a Word template of
   * the form stores its documents in (合同附件), else the form's first top-level attachment field —
   * in each case one the caller sees and may change on this record.
   */
  target(actor: Actor, formRef: number | string, recordId: number, fieldKey?: string): PdfTarget {
    const form = this.deps.schema.form(formRef)
    const record = this.deps.reads.get(actor, form.id, recordId)
    const usable = (f: FieldModel | undefined): boolean =>
      !!f && f.type === 'attachment' && f.parentFieldId === null && f.deletedAt === null && f.apiKey in record.fields && this.deps.access.canWriteField(actor, f, form)
    let field: FieldModel | undefined
    if (fieldKey !== undefined) {
      const asked = form.byKey.get(fieldKey)
      if (!asked || asked.type !== 'attachment' || asked.parentFieldId !== null || asked.deletedAt !== null) throw new ValidationError('print.error.fieldNotAttachment', { field: fieldKey }, 'field')
      if (!usable(asked)) throw new PermissionError('print.error.cannotStore', { field: asked.label })
      field = asked
    } else {
      const templateFields = (this.deps.db.prepare('SELECT field_id FROM document_templates WHERE form_id = ? ORDER BY id').all(form.id) as Array<{ field_id: number }>).map((r) => form.byId.get(r.field_id))
      field = templateFields.find((f) => usable(f)) ?? form.fields.find((f) => usable(f))
      if (!field) throw new ValidationError('print.error.noAttachmentField', { form: form.label }, 'field')
    }
    this.deps.access.authorizeRecord(actor, 'edit', form, recordId)
    return { form, field, record }
  }

  /** The day (local) the PDF is made, for its name. */
  private today(): string {
    const d = new Date(this.deps.clock.now())
    const pad = (n: number) => String(n).padStart(2, '0')
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
  }

  fileName(target: PdfTarget): string {
    const title = target.form.fields.find((f) => f.id === target.form.titleFieldId) ?? target.form.fields.find((f) => f.parentFieldId === null && f.deletedAt === null)
    const value = title ? target.record.fields[title.apiKey] : null
    return pdfFileName(target.form.label, typeof value === 'string' || typeof value === 'number' ? String(value) : null, target.record.id, this.today())
  }

  /** Store a made PDF on the record (checked again: the record may have changed while it printed). */
  store(actor: Actor, formRef: number | string, recordId: number, pdf: Buffer, fieldKey?: string): { file: { hash: string; name: string; size: number }; record: RecordDto } {
    if (!isPdf(pdf)) throw new ValidationError('print.error.notPdf', {}, 'file')
    if (pdf.length > MAX_PDF_BYTES) throw new ValidationError('print.error.tooLarge', { max: Math.round(MAX_PDF_BYTES / 1024 / 1024) }, 'file')
    const target = this.target(actor, formRef, recordId, fieldKey)
    const name = this.fileName(target)
    const stored = this.deps.attachments.put(name, 'application/pdf', pdf.toString('base64'), actor.id || null)
    const current = (target.record.fields[target.field.apiKey] as FileRef[] | null) ?? []
    this.deps.writes.transaction(() => {
      this.deps.writes.update(actor, target.form.id, recordId, { [target.field.apiKey]: [...current.map((f) => ({ hash: f.hash, name: f.name })), { hash: stored.hash, name }] })
      this.deps.audit.append({ op: 'print.pdf', formId: target.form.id, recordId, actorId: actor.id || null, detail: { file: name, hash: stored.hash, size: stored.size, field: target.field.apiKey } })
    })
    return { file: { hash: stored.hash, name, size: stored.size }, record: this.deps.reads.get(actor, target.form.id, recordId) }
  }

  /** Check, have the shell render the print view as the caller, store the result. */
  async make(actor: Actor, maker: PdfMaker, request: { form: number | string; record: number; field?: string; token: string; locale: 'zh-CN' | 'en' }): Promise<{ file: { hash: string; name: string; size: number }; record: RecordDto }> {
    const target = this.target(actor, request.form, request.record, request.field)
    const pdf = await maker.make({ formId: target.form.id, recordId: request.record, token: request.token, locale: request.locale })
    return this.store(actor, target.form.id, request.record, pdf, target.field.apiKey)
  }
}
