import { ident, type Sqlite } from '../db/connection'
import { fieldType } from '../forms/field-types/registry'
import { relationConfig } from '../forms/field-types/relation'
import { storedHashes } from '../forms/field-types/attachment'
import type { AttachmentMeta, ReadContext } from '../forms/field-types/types'
import type { FieldModel, FormModel } from '../forms/model'
import type { SchemaService } from '../forms/schema-service'
import type { RecordDto } from '../shared/api/contracts'
import type { AccessLayer } from '../access/access-layer'
import type { Actor } from '../access/actor'
import { loadOutOfRowValues, valuesFromRow, type RecordRow, type StoredValues } from './stored'

// Turns stored rows into API records. Everything a page needs from other tables (user names,
// related records' titles, attachment metadata, sub-table rows) is loaded in one query per
// field for the whole page, never per record.

export class Serializer {
  constructor(private readonly db: Sqlite, private readonly schema: SchemaService, private readonly access: AccessLayer) {}

  /** Build a read context for stored values of `form` (and its related forms) as `actor` sees them. */
  context(form: FormModel, valuesList: StoredValues[], actor: Actor): ReadContext {
    const locale = actor.locale
    const hidden = this.access.hiddenFieldIds(actor, form)
    const users = new Map((this.db.prepare('SELECT id, name FROM users').all() as Array<{ id: number; name: string }>).map((u) => [u.id, u.name]))
    const titles = new Map<number, Map<number, string>>()
    const hashes = new Set<string>()
    const collect = (fields: FieldModel[], values: Map<number, unknown>) => {
      for (const f of fields) {
        const v = values.get(f.id)
        if (f.type === 'relation') {
          const bucket = titles.get(f.id) ?? new Map<number, string>()
          titles.set(f.id, bucket)
          for (const id of Array.isArray(v) ? v : typeof v === 'number' ? [v] : []) bucket.set(id as number, '')
        } else if (f.type === 'attachment' && typeof v === 'string') {
          for (const h of storedHashes(v)) hashes.add(h)
        } else if (f.type === 'subtable' && Array.isArray(v)) {
          // Rows read from the table carry a values map; sub-table rows in the change log are plain objects and need no titles.
          for (const row of v as Array<{ values?: unknown }>) if (row?.values instanceof Map) collect(form.children.get(f.id) ?? [], row.values as Map<number, unknown>)
        }
      }
    }
    for (const values of valuesList) collect(form.fields, values)
    for (const [fieldId, bucket] of titles) {
      const field = form.byId.get(fieldId)
      if (!field || !bucket.size) continue
      const target = this.schema.form(relationConfig(field).targetFormId)
      for (const [id, title] of this.titles(target, [...bucket.keys()], actor)) bucket.set(id, title)
    }
    const attachments = new Map<string, AttachmentMeta>()
    // Each uploader's first name for a file: the name of a value stored without one (see
    // forms/field-types/attachment.ts) is the one the record's creator uploaded it under.
    const uploads = new Map<string, string>()
    if (hashes.size) {
      const list = [...hashes]
      const marks = list.map(() => '?').join(',')
      const rows = this.db.prepare(`SELECT hash, name, size, mime FROM attachments WHERE hash IN (${marks})`).all(...list) as AttachmentMeta[]
      for (const r of rows) attachments.set(r.hash, r)
      const named = this.db.prepare(`SELECT hash, uploader_id, name FROM attachment_uploads WHERE hash IN (${marks}) AND uploader_id IS NOT NULL ORDER BY id`).all(...list) as Array<{ hash: string; uploader_id: number; name: string }>
      for (const u of named) if (!uploads.has(`${u.hash}:${u.uploader_id}`)) uploads.set(`${u.hash}:${u.uploader_id}`, u.name)
    }
    return {
      locale,
      userName: (id) => users.get(id) ?? null,
      relationTitle: (field, id) => titles.get(field.id)?.get(id) || `#${id}`,
      attachment: (hash, uploader) => {
        const blob = attachments.get(hash)
        const name = uploader ? uploads.get(`${hash}:${uploader}`) : undefined
        return blob ? (name === undefined ? blob : { ...blob, name }) : null
      },
      childFields: (field) => (form.children.get(field.id) ?? []).filter((c) => !hidden.has(c.id)),
      fieldType
    }
  }

  /**
   * Display titles of records of a form, by its title field. Records the actor may not view,
   * and titles from a field hidden from them, show as `#id` only.
   */
  titles(form: FormModel, ids: number[], actor: Actor): Map<number, string> {
    const out = new Map<number, string>()
    const field = form.titleField
    if (!ids.length) return out
    for (const id of ids) out.set(id, `#${id}`)
    if (!field?.column || !this.access.can(actor, 'view', form) || this.access.hiddenFieldIds(actor, form).has(field.id)) return out
    const scope = this.access.rowScope(actor, form)
    const rows = this.db.prepare(`SELECT t.id, t.${ident(field.column)} AS v FROM ${ident(form.table)} t WHERE t.id IN (${ids.map(() => '?').join(',')}) AND (${scope.sql})`)
      .all(...ids, ...scope.params) as Array<{ id: number; v: unknown }>
    for (const r of rows) out.set(r.id, fieldType(field).format(r.v, field, actor.locale) || `#${r.id}`)
    return out
  }

  records(form: FormModel, rows: RecordRow[], fields: FieldModel[], actor: Actor): RecordDto[] {
    const valuesById = new Map<number, StoredValues>()
    for (const row of rows) valuesById.set(row.id, valuesFromRow(form, row))
    loadOutOfRowValues(this.db, form, rows.map((r) => r.id), valuesById)
    const ctx = this.context(form, [...valuesById.values()], actor)
    const user = (id: number | null) => (id ? { id, name: ctx.userName(id) ?? `#${id}` } : null)
    // Looked up once per page, not per value: each field's type, and one context whose record
    // creator is set for the row being read (toApi reads it synchronously, keeps nothing).
    const types = fields.map((f) => fieldType(f))
    const rowCtx: ReadContext = { ...ctx, recordCreator: null }
    return rows.map((row) => {
      const values = valuesById.get(row.id)!
      const out: Record<string, unknown> = {}
      rowCtx.recordCreator = row.created_by
      for (let i = 0; i < fields.length; i++) out[fields[i]!.apiKey] = types[i]!.toApi(values.get(fields[i]!.id) ?? null, fields[i]!, rowCtx)
      return {
        id: row.id,
        fields: out,
        createdAt: new Date(row.created_at).toISOString(),
        updatedAt: new Date(row.updated_at).toISOString(),
        createdBy: user(row.created_by),
        updatedBy: user(row.updated_by),
        owner: user(row.owner_id),
        version: row.version,
        deletedAt: row.deleted_at ? new Date(row.deleted_at).toISOString() : null
      }
    })
  }
}
