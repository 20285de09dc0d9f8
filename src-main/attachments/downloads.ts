import type { Actor } from '../access/actor'
import type { FlowEngine } from '../flows/engine'
import type { FieldModel, FormModel } from '../forms/model'
import type { SchemaService } from '../forms/schema-service'
import type { ReadService } from '../records/read-service'
import type { RecordDto } from '../shared/api/contracts'
import { DomainError, NotFoundError, ValidationError } from '../shared/errors'
import { servedInline } from './content-type'
import type { AttachmentStore } from './store'

// Who may download a stored file, decided in one place for the HTTP route (/files/<hash>) and
// the desktop window's protocol (jimu-file://files/<hash>). A hash alone grants nothing: the
// request names where the caller saw the file, and the file is served only when it is there in
// what the caller may read right now —
//   ?form=<id>&record=<id>&field=<id>  an attachment field of a record, or of a sub-table row
//                                      (the field is the sub-table's child field), read through
//                                      the read service: the access layer's row scope and field
//                                      masks apply, so a hidden field gives nothing;
//   ?flow=<instance id>                an approval's comment attachments (or its record's files),
//                                      as the flow engine shows that instance to the caller;
//   nothing                            the caller's own upload (a file picked but not saved yet).
// Anything else reads as "not found", so a hash does not even disclose that a file exists.
// Served files can never run as the app: only raster images are shown inline, every response
// forbids sniffing and carries a sandboxing Content-Security-Policy.

export type FileRef =
  | { kind: 'record'; form: number; record: number; field: number }
  | { kind: 'flow'; instance: number }
  | { kind: 'company' }
  | { kind: 'upload' }

export interface DownloadDeps {
  attachments: AttachmentStore
  schema: SchemaService
  reads: ReadService
  flows: FlowEngine
  /** The company logo (设置 → 系统) is shown to every signed-in user: header, quotes. */
  settings?: { company(): { logo: Meta | null } }
}

export interface FileAnswer {
  status: number
  headers: Record<string, string>
  body: Buffer | string
}

const positive = (query: URLSearchParams, name: string): number => {
  const raw = query.get(name) ?? ''
  if (!/^[1-9]\d{0,15}$/.test(raw)) throw new ValidationError('error.badRequest', { detail: name }, name)
  return Number(raw)
}

/** The reference part of a file URL's query string. */
export function parseFileRef(query: URLSearchParams): FileRef {
  if (query.has('flow')) return { kind: 'flow', instance: positive(query, 'flow') }
  if (query.has('company')) {
    if (query.get('company') !== 'logo') throw new ValidationError('error.badRequest', { detail: 'company' }, 'company')
    return { kind: 'company' }
  }
  if (query.has('form') || query.has('record') || query.has('field')) {
    return { kind: 'record', form: positive(query, 'form'), record: positive(query, 'record'), field: positive(query, 'field') }
  }
  return { kind: 'upload' }
}

interface Meta { hash: string; name: string }

const filesIn = (value: unknown): Meta[] =>
  Array.isArray(value) ? value.filter((v): v is Meta => typeof v === 'object' && v !== null && typeof (v as Meta).hash === 'string' && typeof (v as Meta).name === 'string') : []

/** A field of the form by id: top level, or a child of one of its sub-tables (with that sub-table). */
function fieldOf(form: FormModel, id: number): { field: FieldModel; parent: FieldModel | null } | null {
  const top = form.fields.find((f) => f.id === id)
  if (top) return { field: top, parent: null }
  for (const [parentId, children] of form.children) {
    const child = children.find((c) => c.id === id)
    const parent = form.fields.find((f) => f.id === parentId)
    if (child && parent) return { field: child, parent }
  }
  return null
}

/** The file `hash` as it appears in attachment `field` of `record` (as the caller reads it). */
function inRecordField(record: RecordDto, field: FieldModel, parent: FieldModel | null, hash: string): Meta | null {
  if (field.type !== 'attachment') return null
  const values = parent ? (Array.isArray(record.fields[parent.apiKey]) ? (record.fields[parent.apiKey] as Array<Record<string, unknown>>) : []).map((row) => row[field.apiKey]) : [record.fields[field.apiKey]]
  for (const value of values) {
    const found = filesIn(value).find((f) => f.hash === hash)
    if (found) return found
  }
  return null
}

/** The file in any attachment field of a record as shown (sub-table rows included). */
function inRecord(form: FormModel, record: RecordDto, hash: string): Meta | null {
  for (const f of form.fields) {
    const found = f.type === 'subtable' ? (form.children.get(f.id) ?? []).map((c) => inRecordField(record, c, f, hash)).find(Boolean) : inRecordField(record, f, null, hash)
    if (found) return found
  }
  return null
}

/**
 * The name under which the caller may download `hash` through `ref` (the name the record or
 * comment shows: each record keeps its own name for a file); NotFoundError when the file
 * is not in what the reference lets them read (or does not exist).
 */
export function authorizeDownload(deps: DownloadDeps, actor: Actor, hash: string, ref: FileRef): { name: string } {
  const seen = (): Meta | null => {
    if (ref.kind === 'record') {
      const form = deps.schema.form(ref.form)
      const target = fieldOf(form, ref.field)
      if (!target) return null
      // A record in the recycle bin is still read in the caller's scope (the trash list shows it).
      return inRecordField(deps.reads.get(actor, form.id, ref.record, true), target.field, target.parent, hash)
    }
    if (ref.kind === 'company') {
      const logo = deps.settings?.company().logo ?? null
      return logo && logo.hash === hash ? logo : null
    }
    if (ref.kind === 'flow') {
      const inst = deps.flows.instance(actor, ref.instance)
      for (const h of inst.history) {
        const found = h.attachments.find((a) => a.hash === hash)
        if (found) return found
      }
      return inst.record ? inRecord(deps.schema.form(inst.formId), inst.record, hash) : null
    }
    return null
  }
  let found: Meta | null = null
  try {
    found = seen()
  } catch (e) {
    // An unknown form, a record outside the caller's scope, an instance they take no part in:
    // all read as "not here", and the caller's own upload may still answer below.
    if (!(e instanceof DomainError) || e.code === 'INTERNAL') throw e
  }
  if (found) return { name: found.name }
  // Whoever uploaded the bytes may always fetch them back (a file added but not yet saved).
  const own = deps.attachments.uploadedBy(hash, actor.id)
  if (own) return own
  throw new NotFoundError()
}

/** Headers every served file carries, whatever its type: nothing in it may run as the app. */
export const FILE_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'content-security-policy': "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'",
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer'
}

/**
 * Answer a file request: `actor` null means nobody is signed in. `ifNoneMatch` is the request's
 * If-None-Match, answered with 304 only after the caller is authorized (files are cached as
 * `no-cache`, so a revoked permission takes effect at the next view).
 */
export function answerFileRequest(deps: DownloadDeps, actor: Actor | null, hash: string, query: URLSearchParams, ifNoneMatch?: string): FileAnswer {
  const plain = (status: number, body: string): FileAnswer => ({ status, body, headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', ...FILE_SECURITY_HEADERS } })
  if (!actor) return plain(401, 'Please log in first')
  let name: string
  let file: ReturnType<AttachmentStore['get']>
  try {
    const ref = parseFileRef(query)
    name = authorizeDownload(deps, actor, hash, ref).name
    file = deps.attachments.get(hash, name)
  } catch (e) {
    if (e instanceof DomainError && e.code === 'VALIDATION') return plain(400, 'Bad file reference')
    if (e instanceof DomainError && e.code === 'NOT_FOUND') return plain(404, 'Not found')
    throw e
  }
  const etag = `"${hash}"`
  const headers: Record<string, string> = {
    'content-type': file.mime,
    'content-disposition': `${servedInline(file.mime) ? 'inline' : 'attachment'}; filename*=UTF-8''${encodeURIComponent(name)}`,
    'cache-control': 'private, no-cache',
    etag,
    ...FILE_SECURITY_HEADERS
  }
  if (ifNoneMatch && ifNoneMatch.split(',').some((t) => t.trim() === etag)) return { status: 304, headers, body: '' }
  return { status: 200, headers: { ...headers, 'content-length': String(file.data.length) }, body: file.data }
}
