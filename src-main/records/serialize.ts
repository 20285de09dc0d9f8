import { ident, type Sqlite } from '../db/connection'
import { fieldType } from '../forms/field-types/registry'
import { storedAsIs } from '../forms/field-types/common'
import { relationConfig } from '../forms/field-types/relation'
import { storedHashes } from '../forms/field-types/attachment'
import type { AttachmentMeta, FieldTypeModule, ReadContext } from '../forms/field-types/types'
import type { FieldModel, FormModel } from '../forms/model'
import type { SchemaService } from '../forms/schema-service'
import type { RecordDto } from '../shared/api/contracts'
import type { AccessLayer } from '../access/access-layer'
import type { Actor } from '../access/actor'
import { isoTime } from '../shared/iso-time'
import { loadOutOfRowValues, type RecordRow, type StoredValues } from './stored'

// Turns stored rows into API records. Everything a page needs from other tables (user names,
// related records' titles, attachment metadata, sub-table rows) is loaded in one query per
// field for the whole page, never per record.

interface PageLayout {
  form: FormModel
  linked: FieldModel[]
  types: FieldTypeModule[]
  columns: Array<string | null>
}

export class Serializer {
  private readonly layouts = new WeakMap<FieldModel[], PageLayout>()
  private names: { version: number; byId: Map<number, string>; lookup: (id: number) => string | null } | null = null

  constructor(private readonly db: Sqlite, private readonly schema: SchemaService, private readonly access: AccessLayer) {}

  /**
   * People's names, kept between pages while the organization is unchanged (a rename moves its
   * version); one look-up per person the first time a page names them.
   */
  private userNames(): (id: number) => string | null {
    const version = this.access.organizationVersion
    if (this.names && this.names.version === version && this.names.byId.size < 10_000) return this.names.lookup
    const byId = new Map<number, string>()
    const statement = this.db.prepare('SELECT name FROM users WHERE id = ?').pluck()
    const lookup = (id: number): string | null => {
      const known = byId.get(id)
      if (known !== undefined) return known
      const name = (statement.get(id) as string | undefined) ?? null
      // Not kept when there is none: an id nobody has yet may be given to someone later.
      if (name !== null) byId.set(id, name)
      return name
    }
    this.names = { version, byId, lookup }
    return lookup
  }

  /**
   * Looked up once per form model and field list (an administrator's is the form's own; a role's
   * is kept with its policy), not per page or value: the fields other tables complete, each
   * field's type and the column its value is read from.
   */
  private layout(form: FormModel, fields: FieldModel[]): PageLayout {
    const kept = this.layouts.get(fields)
    if (kept && kept.form === form) return kept
    const linked = form.fields.filter((f) => f.type === 'relation' || f.type === 'attachment' || f.type === 'subtable')
    const layout: PageLayout = {
      form,
      linked,
      types: fields.map((f) => fieldType(f)),
      columns: fields.map((f) => (f.column && !linked.includes(f) ? f.column : null))
    }
    this.layouts.set(fields, layout)
    return layout
  }

  /** Build a read context for stored values of `form` (and its related forms) as `actor` sees them. */
  context(form: FormModel, valuesList: StoredValues[], actor: Actor): ReadContext {
    const locale = actor.locale
    const hidden = this.access.hiddenFieldIds(actor, form)
    const userName = this.userNames()
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
      userName,
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
    // Values other tables complete (relation titles, attachments, sub-table rows, multiple
    // relations) go through a per-record map that the context and the out-of-row loader fill;
    // every other value is read from the row as it is (no map per record for a plain page).
    const { linked, types, columns } = this.layout(form, fields)
    const valuesById = new Map<number, StoredValues>()
    if (linked.length) {
      for (const row of rows) {
        const values: StoredValues = new Map()
        for (const f of linked) if (f.column) values.set(f.id, row[f.column] ?? null)
        valuesById.set(row.id, values)
      }
      loadOutOfRowValues(this.db, form, rows.map((r) => r.id), valuesById)
    }
    const ctx = this.context(form, [...valuesById.values()], actor)
    // One {id, name} per person per page.
    const people = new Map<number, { id: number; name: string }>()
    const user = (id: number | null) => {
      if (!id) return null
      let person = people.get(id)
      if (!person) people.set(id, (person = { id, name: ctx.userName(id) ?? `#${id}` }))
      return person
    }
    // One context whose record creator is set for the row being read (toApi reads it
    // synchronously, keeps nothing).
    const rowCtx: ReadContext = { ...ctx, recordCreator: null }
    let lastMs = Number.NaN
    let lastIso = ''
    return rows.map((row) => {
      const values = valuesById.get(row.id)
      const out: Record<string, unknown> = {}
      rowCtx.recordCreator = row.created_by
      for (let i = 0; i < fields.length; i++) {
        const field = fields[i]!
        const column = columns[i]
        const stored = (column ? row[column] : values?.get(field.id)) ?? null
        const toApi = types[i]!.toApi
        out[field.apiKey] = toApi === storedAsIs ? stored : toApi(stored, field, rowCtx)
      }
      // Records made together (an import, a batch) share their time: formatted once.
      if (row.created_at !== lastMs) {
        lastMs = row.created_at
        lastIso = isoTime(lastMs)
      }
      const createdAt = lastIso
      return {
        id: row.id,
        fields: out,
        createdAt,
        // A record never edited since it was made (most of an imported history) formats one time.
        updatedAt: row.updated_at === row.created_at ? createdAt : isoTime(row.updated_at),
        createdBy: user(row.created_by),
        updatedBy: user(row.updated_by),
        owner: user(row.owner_id),
        version: row.version,
        deletedAt: row.deleted_at ? isoTime(row.deleted_at) : null
      }
    })
  }
}
