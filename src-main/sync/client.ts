import { createHash, randomUUID } from 'node:crypto'
import { openSqlite, type Sqlite } from '../db/connection'
import type { FormModel } from '../forms/model'
import type { FormDto, RecordDto } from '../shared/api/core'
import type { SyncOp, SyncOpResult, SyncPullOutput } from '../shared/api/sync'
import type { InstanceDto, TaskDto } from '../shared/api/flows'
import { DomainError, NotFoundError, PermissionError, ValidationError } from '../shared/errors'
import { Hlc } from './hlc'
import { FILLABLE_SOURCES, modelFromDto, offlineWrite, type OfflineLookups } from './client-write'

// The client's side of offline sync (issue 18; design in docs/architecture.md "Offline laptops"):
// a replica database of what its user may see, an outbox of operations written through the
// offline write (client-write.ts), and sync = push the whole outbox, then pull after the cursor.
// Plain Node: the desktop client wires a transport (its pinned-CA HTTPS client) to it.

/** How the client reaches the host: the rpc methods sync.push and sync.pull as the signed-in user. */
export interface SyncTransport {
  push(input: { device: string; ops: SyncOp[] }): Promise<{ results: SyncOpResult[] }>
  /**
   * attachments.upload as the user: a file picked offline, sent before the operation naming it;
   * null when the office refused the file (its answer), a throw when it cannot be reached.
   * Without it, no file is picked offline.
   */
  upload?(input: { name: string; mime: string; data: string }): Promise<{ hash: string } | null>
  pull(input: { cursor: number; forms: Record<string, string>; resume: { head: number; form: number; afterId: number } | null; limit: number; refresh: Array<{ form: number; id: number }>; todos?: boolean; todosKey?: string | null }): Promise<SyncPullOutput>
}

export type SyncState = 'online' | 'offline' | 'syncing'

export interface ReplicaRecord extends RecordDto {
  /** Created on this computer and not yet taken by the host: its auto-numbers show 待分配. */
  provisional: boolean
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS forms (id INTEGER PRIMARY KEY, key TEXT, complete INTEGER NOT NULL DEFAULT 0, dto TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS records (form_id INTEGER NOT NULL, id INTEGER NOT NULL, seq INTEGER NOT NULL, data TEXT NOT NULL, local_op TEXT,
    PRIMARY KEY (form_id, id)) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS outbox (n INTEGER PRIMARY KEY AUTOINCREMENT, op TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS refresh (form_id INTEGER NOT NULL, id INTEGER NOT NULL, PRIMARY KEY (form_id, id)) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS results (op_id TEXT PRIMARY KEY, status TEXT NOT NULL, record_id INTEGER, message TEXT) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS local_ids (id INTEGER PRIMARY KEY, op_id TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS todos (task_id INTEGER PRIMARY KEY, position INTEGER NOT NULL, form_id INTEGER NOT NULL, record_id INTEGER NOT NULL,
    schema_version INTEGER NOT NULL, task TEXT NOT NULL, instance TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS denied (form_id INTEGER NOT NULL, id INTEGER NOT NULL, actions TEXT NOT NULL, PRIMARY KEY (form_id, id)) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS uploads (hash TEXT PRIMARY KEY, name TEXT NOT NULL, mime TEXT NOT NULL, declared TEXT NOT NULL, size INTEGER NOT NULL, at INTEGER NOT NULL,
    sent INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS todo_done (task_id INTEGER PRIMARY KEY, op_id TEXT NOT NULL, decision TEXT NOT NULL, at INTEGER NOT NULL);
`

/** An open to-do kept in the replica: the 待办 list's row, its instance as the user saw it, and whether it was decided here. */
export interface ReplicaTodo {
  task: TaskDto
  instance: InstanceDto
  schemaVersion: number
  /** Decided on this computer (waiting in the outbox, or answered and not yet replaced by the host's list). */
  done: { decision: NonNullable<SyncOp['decision']>; at: number } | null
}

export class SyncClient {
  private readonly hlc: Hlc
  private readonly models = new Map<number, FormModel>()
  state: SyncState = 'offline'

  /** The replica database file (WAL, foreign keys, prepared statements kept: the core's own opening). */
  static openReplica(file: string): Sqlite {
    return openSqlite(file)
  }

  private readonly refs = new Map<number | string, number>()

  /**
   * The colleagues the replica keeps (users.list as the office last answered this user): the
   * members an offline write may name. Set by the replica's API (src-main/sync/replica-api.ts).
   */
  colleagues: () => Array<{ id: number; name: string }> = () => []

  /** What the offline write looks up: the replica's records (with their titles) and colleagues. */
  readonly lookups: OfflineLookups = {
    record: (formId, id) => this.linked(formId, id),
    user: (key) => this.colleague(key),
    fieldValue: (formId, id, key) => {
      const found = this.linked(formId, id)
      if (!found) return null
      const dto = this.formDto(formId)
      const field = dto.fields.find((f) => f.apiKey === key && f.deletedAt === null && f.parentFieldId === null)
      if (!field || !FILLABLE_SOURCES.has(field.type)) return null
      return this.record(formId, found.id)?.fields[key] ?? null
    },
    upload: (hash) => {
      const row = this.db.prepare('SELECT hash, name, size, mime FROM uploads WHERE hash = ?').get(hash) as { hash: string; name: string; size: number; mime: string } | undefined
      return row ?? null
    }
  }

  /** Whether files can be picked offline here (kept beside the replica and uploaded before the push). */
  get takesFiles(): boolean {
    return !!this.options.files && !!this.transport.upload
  }

  /**
   * A file picked offline (attachments.upload's input): kept beside the replica under its
   * SHA-256 and answered as the office would (hash, name, size, the type read from the bytes);
   * the record naming it is checked against this list, and the bytes go to the office before the
   * first operation naming them is pushed.
   */
  upload(name: string, declaredMime: string, bytes: Buffer, meta: { mime: string }): { hash: string; name: string; size: number; mime: string } {
    if (!this.options.files || !this.transport.upload) throw new DomainError('CONFLICT', 'sync.offline.unavailable')
    const hash = createHash('sha256').update(bytes).digest('hex')
    if (!this.options.files.keep(hash, bytes, { name, mime: meta.mime })) throw new ValidationError('sync.offline.fileTooBig', { name })
    this.db.prepare('INSERT INTO uploads (hash, name, mime, declared, size, at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(hash) DO UPDATE SET name = excluded.name, declared = excluded.declared')
      .run(hash, name, meta.mime, declaredMime, bytes.length, this.options.now())
    return { hash, name, size: bytes.length, mime: meta.mime }
  }

  /** Files picked here and not yet sent to the office (their copies stay however the replica's records change). */
  pendingUploads(): string[] {
    return this.db.prepare('SELECT hash FROM uploads WHERE sent = 0').pluck().all() as string[]
  }

  /**
   * Before a batch is pushed: each file picked offline that its operations name goes to the
   * office first (attachments.upload as the user, so the office lets them attach it). A file the
   * office refuses (its type, its size) is marked and the operation naming it is refused by the
   * office in turn, into the 冲突 inbox; an office that cannot be reached stops the sync.
   */
  private async sendUploads(ops: SyncOp[]): Promise<void> {
    const pending = this.db.prepare('SELECT hash, name, declared FROM uploads WHERE sent = 0').all() as Array<{ hash: string; name: string; declared: string }>
    if (!pending.length || !this.transport.upload || !this.options.files) return
    const text = JSON.stringify(ops.map((o) => [o.values, o.attachments ?? []]))
    for (const file of pending) {
      if (!text.includes(file.hash)) continue
      const bytes = this.options.files.read(file.hash)
      if (!bytes) {
        this.db.prepare('UPDATE uploads SET sent = 2 WHERE hash = ?').run(file.hash)
        continue
      }
      // Refused by the office: the operation naming the file is refused in turn. Not reached: the throw stops the sync.
      const answer = await this.transport.upload({ name: file.name, mime: file.declared, data: bytes.toString('base64') })
      const sent = answer && answer.hash === file.hash ? 1 : 2
      this.db.prepare('UPDATE uploads SET sent = ? WHERE hash = ?').run(sent, file.hash)
    }
  }

  constructor(
    readonly db: Sqlite,
    private readonly transport: SyncTransport,
    private readonly options: {
      device: string
      userId: number
      now: () => number
      pageSize?: number
      /** The user's name, shown as creator, owner and last editor of what they change offline (the host decides on push). */
      userName?: () => string | null
      /**
       * Files picked offline, kept beside the replica (src-main/lan/replica-files.ts, content
       * addressed): `keep` stores the bytes under their SHA-256, `read` gives them back for the
       * upload before the push. Without it, files are attached once connected.
       */
      files?: { keep(hash: string, bytes: Buffer, meta: { name: string; mime: string }): boolean; read(hash: string): Buffer | null }
    }
  ) {
    // The replica is a cache of the host plus the outbox: WAL with NORMAL sync survives a crash of the app.
    db.pragma('synchronous = NORMAL')
    db.exec(SCHEMA)
    this.hlc = new Hlc(options.now, this.meta('hlc'))
  }

  private meta(key: string): string | null {
    return (this.db.prepare('SELECT value FROM meta WHERE key = ?').pluck().get(key) as string | undefined) ?? null
  }

  private setMeta(key: string, value: string): void {
    this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value)
  }

  get cursor(): number {
    return Number(this.meta('cursor') ?? 0)
  }

  /** Operations not yet answered by the host (the chip's 离线 · N 条待同步). */
  pending(): number {
    return this.db.prepare('SELECT COUNT(*) FROM outbox').pluck().get() as number
  }

  form(ref: number | string): FormModel {
    const known = this.refs.get(ref)
    const cached = known !== undefined ? this.models.get(known) : undefined
    if (cached) return cached
    const row = (typeof ref === 'number'
      ? this.db.prepare('SELECT id, dto FROM forms WHERE id = ?').get(ref)
      : this.db.prepare("SELECT id, dto FROM forms WHERE json_extract(dto, '$.apiKey') = ?").get(ref)) as { id: number; dto: string } | undefined
    if (!row) throw new NotFoundError('error.formNotFound', { form: String(ref) })
    let model = this.models.get(row.id)
    if (!model) {
      model = modelFromDto(JSON.parse(row.dto) as FormDto)
      this.models.set(row.id, model)
    }
    this.refs.set(ref, row.id)
    return model
  }

  /** Every form the replica holds, as forms.get showed it to the user. */
  formDtos(): FormDto[] {
    return (this.db.prepare('SELECT dto FROM forms ORDER BY id').pluck().all() as string[]).map((s) => JSON.parse(s) as FormDto)
  }

  formDto(ref: number | string): FormDto {
    const id = this.form(ref).id
    return JSON.parse(this.db.prepare('SELECT dto FROM forms WHERE id = ?').pluck().get(id) as string) as FormDto
  }

  /** One record of the replica (a local one by its negative id), or null. */
  record(formRef: number | string, id: number): ReplicaRecord | null {
    const form = this.form(formRef)
    const row = this.db.prepare('SELECT data, local_op FROM records WHERE form_id = ? AND id = ?').get(form.id, id) as { data: string; local_op: string | null } | undefined
    return row ? { ...(JSON.parse(row.data) as RecordDto), provisional: row.local_op !== null } : null
  }

  /**
   * A record the replica holds, with its title as records.get shows it (the title field's value, else
   * `#id`); a local id the office numbered since is answered under the office's id.
   */
  private linked(formId: number, id: number): { id: number; title: string } | null {
    let dto: FormDto
    try {
      dto = this.formDto(formId)
    } catch {
      return null
    }
    let data = this.db.prepare('SELECT data FROM records WHERE form_id = ? AND id = ?').pluck().get(formId, id) as string | undefined
    if (data === undefined && id < 0) {
      const host = this.hostId(id)
      if (host !== null) {
        id = host
        data = this.db.prepare('SELECT data FROM records WHERE form_id = ? AND id = ?').pluck().get(formId, id) as string | undefined
      }
    }
    if (data === undefined) return null
    // The office's title field: the form's, else its first text or auto-number field (src-main/forms/schema-service.ts); hidden from the user: `#id`.
    const live = dto.fields.filter((f) => f.deletedAt === null && f.parentFieldId === null)
    const title = dto.titleFieldId !== null ? live.find((f) => f.id === dto.titleFieldId) : live.find((f) => f.type === 'text' || f.type === 'autonumber')
    const value = title ? (JSON.parse(data) as RecordDto).fields[title.apiKey] : null
    const text = typeof value === 'string' ? value : typeof value === 'number' ? String(value) : ''
    return { id, title: text || `#${id}` }
  }

  /** A colleague by id or exact name (the office's users.list as kept), the signed-in user included. */
  private colleague(key: number | string): { id: number; name: string } | null {
    const list = this.colleagues()
    const me = this.me()
    const all = me && !list.some((u) => u.id === me.id) ? [...list, me] : list
    const asId = typeof key === 'number' ? key : /^\d+$/.test(key) ? Number(key) : null
    const found = (asId !== null ? all.find((u) => u.id === asId) : undefined) ?? (typeof key === 'string' ? all.find((u) => u.name === key) : undefined)
    return found ? { id: found.id, name: found.name } : null
  }

  /** The owner an offline write names (`owner`: an id, {id} or a name), as the host's pipeline reads it. */
  ownerOf(raw: unknown): { id: number; name: string } | null {
    if (raw === null || raw === undefined || raw === '') return null
    const k = typeof raw === 'object' ? (raw as { id?: unknown }).id : raw
    const found = typeof k === 'number' || typeof k === 'string' ? this.colleague(typeof k === 'string' ? k.trim() : k) : null
    if (!found) throw new ValidationError('value.invalidUser', { field: '负责人', value: String(typeof raw === 'object' ? JSON.stringify(raw) : raw).slice(0, 100) }, 'owner')
    return found
  }

  /**
   * The records made offline the values link to: local id → the operation that created it (the
   * host links the id that create got). Relations of the record and of its sub-table rows. The
   * values answered name each such record `{id, title}` (the title the replica shows): should the
   * office refuse the change, the 冲突 inbox shows what was linked by its name, not a local id.
   */
  private localRefs(form: FormModel, values: Record<string, unknown>): { values: Record<string, unknown>; refs?: Record<string, string> } {
    const ids = new Set<number>()
    const link = (field: FormModel['fields'][number], raw: unknown): unknown => {
      if (field.type === 'relation') {
        const one = (v: unknown): unknown => {
          const id = typeof v === 'object' && v !== null ? (v as { id?: unknown }).id : v
          if (typeof id !== 'number' || id >= 0) return v
          ids.add(id)
          return { id, title: this.linked((field.config as { targetFormId: number }).targetFormId, id)?.title ?? `#${id}` }
        }
        return Array.isArray(raw) ? raw.map(one) : one(raw)
      }
      if (field.type === 'subtable' && Array.isArray(raw)) {
        const children = form.children.get(field.id) ?? []
        return raw.map((row) => {
          if (typeof row !== 'object' || row === null || Array.isArray(row)) return row
          return Object.fromEntries(Object.entries(row as Record<string, unknown>).map(([key, v]) => {
            const child = children.find((c) => c.apiKey === key || c.label === key)
            return [key, child ? link(child, v) : v]
          }))
        })
      }
      return raw
    }
    const out = Object.fromEntries(Object.entries(values).map(([key, raw]) => {
      const field = form.byKey.get(key)
      return [key, field ? link(field, raw) : raw]
    }))
    if (!ids.size) return { values }
    const refs: Record<string, string> = {}
    for (const id of ids) {
      const op = this.db.prepare('SELECT op_id FROM local_ids WHERE id = ?').pluck().get(id) as string | undefined
      if (op) refs[String(id)] = op
    }
    return Object.keys(refs).length ? { values: out, refs } : { values: out }
  }

  /** The replica's records of a form (live ones), as records.get shows them, plus whether each is provisional. */
  records(formRef: number | string): ReplicaRecord[] {
    const form = this.form(formRef)
    return (this.db.prepare('SELECT data, local_op FROM records WHERE form_id = ? ORDER BY id').all(form.id) as Array<{ data: string; local_op: string | null }>)
      .map((r) => ({ ...(JSON.parse(r.data) as RecordDto), provisional: r.local_op !== null }))
  }

  private row(formId: number, id: number): { seq: number; data: string; local_op: string | null } {
    const row = this.db.prepare('SELECT seq, data, local_op FROM records WHERE form_id = ? AND id = ?').get(formId, id) as { seq: number; data: string; local_op: string | null } | undefined
    if (!row) throw new NotFoundError('sync.offlineNotFound', {})
    return row
  }

  /**
   * Refuse a change of a record the host said is outside the user's edit (or delete) scope — the
   * message the office gives for it; the form-wide rights are checked by the caller.
   */
  private allowed(form: FormModel, id: number, action: 'edit' | 'delete'): void {
    const actions = this.db.prepare('SELECT actions FROM denied WHERE form_id = ? AND id = ?').pluck().get(form.id, id) as string | undefined
    if (actions !== undefined && (JSON.parse(actions) as string[]).includes(action)) {
      throw new PermissionError(action === 'delete' ? 'error.recordDeleteDenied' : 'error.recordEditDenied', { id, form: form.label })
    }
  }

  private enqueue(op: Omit<SyncOp, 'opId' | 'hlc'>): SyncOp {
    const full: SyncOp = { opId: randomUUID(), hlc: this.hlc.tick(), ...op }
    this.db.prepare('INSERT INTO outbox (op) VALUES (?)').run(JSON.stringify(full))
    this.setMeta('hlc', this.hlc.toString())
    return full
  }

  private me(): { id: number; name: string } | null {
    const name = this.options.userName?.() ?? null
    return name === null ? null : { id: this.options.userId, name }
  }

  /** Create a record offline. Answers its local id (negative) until the host gives it one. */
  create(formRef: number | string, values: Record<string, unknown>): number {
    const form = this.form(formRef)
    return this.db.transaction(() => {
      const { owner: ownerInput, ...typed } = values
      const owner = 'owner' in values ? this.ownerOf(ownerInput) : null
      const fields = offlineWrite(this.db, this.options.now, form, null, typed, this.options.userId, this.lookups)
      // Local ids are never reused (a window may still show an earlier one, now the host's).
      const lowest = this.db.prepare('SELECT MIN(m) FROM (SELECT MIN(id) AS m FROM records UNION ALL SELECT MIN(id) FROM local_ids)').pluck().get() as number | null
      const local = Math.min(0, lowest ?? 0) - 1
      const linked = this.localRefs(form, values)
      const op = this.enqueue({ form: form.id, schemaVersion: form.schemaVersion, kind: 'create', values: linked.values, base: {}, ...(linked.refs ? { localRefs: linked.refs } : {}) })
      const at = new Date(this.options.now()).toISOString()
      const me = this.me()
      const record: RecordDto = { id: local, fields, createdAt: at, updatedAt: at, createdBy: me, updatedBy: me, owner: owner ?? me, version: 0, deletedAt: null }
      this.db.prepare('INSERT INTO records (form_id, id, seq, data, local_op) VALUES (?, ?, 0, ?, ?)').run(form.id, local, JSON.stringify(record), op.opId)
      // A window may still show the record by this id after the host numbered it (hostId).
      this.db.prepare('INSERT OR REPLACE INTO local_ids (id, op_id) VALUES (?, ?)').run(local, op.opId)
      return local
    })()
  }

  /** Change fields of a record offline; each field's base is the host sequence the replica holds. */
  update(formRef: number | string, id: number, values: Record<string, unknown>): void {
    const form = this.form(formRef)
    this.db.transaction(() => {
      const row = this.row(form.id, id)
      this.allowed(form, id, 'edit')
      const record = JSON.parse(row.data) as RecordDto
      const { owner: ownerInput, ...typed } = values
      if ('owner' in values) record.owner = this.ownerOf(ownerInput)
      record.fields = offlineWrite(this.db, this.options.now, form, record.fields, typed, this.options.userId, this.lookups)
      record.updatedAt = new Date(this.options.now()).toISOString()
      record.updatedBy = this.me() ?? record.updatedBy
      const base = Object.fromEntries(Object.keys(values).map((k) => [k, row.seq]))
      const linked = this.localRefs(form, values)
      this.enqueue({ form: form.id, schemaVersion: form.schemaVersion, kind: 'update', record: row.local_op ? { op: row.local_op } : id, values: linked.values, base, ...(linked.refs ? { localRefs: linked.refs } : {}) })
      this.db.prepare('UPDATE records SET data = ? WHERE form_id = ? AND id = ?').run(JSON.stringify(record), form.id, id)
    })()
  }

  remove(formRef: number | string, id: number): void {
    const form = this.form(formRef)
    this.db.transaction(() => {
      const row = this.row(form.id, id)
      this.allowed(form, id, 'delete')
      this.enqueue({ form: form.id, schemaVersion: form.schemaVersion, kind: 'delete', record: row.local_op ? { op: row.local_op } : id, values: {}, base: { '*': row.seq } })
      this.db.prepare('DELETE FROM records WHERE form_id = ? AND id = ?').run(form.id, id)
    })()
  }

  /** The open to-dos the host sent last (newest first), with those decided here marked. */
  todos(): ReplicaTodo[] {
    const rows = this.db.prepare('SELECT t.task, t.instance, t.schema_version, d.decision, d.at FROM todos t LEFT JOIN todo_done d ON d.task_id = t.task_id ORDER BY t.position')
      .all() as Array<{ task: string; instance: string; schema_version: number; decision: string | null; at: number | null }>
    return rows.map((r) => ({
      task: JSON.parse(r.task) as TaskDto, instance: JSON.parse(r.instance) as InstanceDto, schemaVersion: r.schema_version,
      done: r.decision ? { decision: r.decision as NonNullable<SyncOp['decision']>, at: r.at! } : null
    }))
  }

  todo(taskId: number): ReplicaTodo | null {
    return this.todos().find((t) => t.task.id === taskId) ?? null
  }

  /**
   * An approver's action taken offline (approve, reject, return to the submitter, with a comment and
   * the node's fill-in fields already checked by the caller): queued as an `approval` operation
   * against the schema version of the record's form, the to-do marked done here (it leaves the
   * list). The host applies it on push if the task is still theirs and open; else it lands in their
   * 冲突 inbox with the reason. `record` is the replica's record with the fill-in values applied.
   */
  approve(taskId: number, decision: NonNullable<SyncOp['decision']>, comment: string | undefined, values: Record<string, unknown>, record: Record<string, unknown> | null, attachments: NonNullable<SyncOp['attachments']> = []): SyncOp {
    return this.db.transaction(() => {
      const todo = this.todo(taskId)
      if (!todo || todo.done) throw new NotFoundError('flows.error.taskClosed', {})
      const formId = todo.task.formId
      const known = this.db.prepare("SELECT json_extract(dto, '$.schemaVersion') FROM forms WHERE id = ?").pluck().get(formId) as number | undefined
      const base = (this.db.prepare('SELECT seq FROM records WHERE form_id = ? AND id = ?').pluck().get(formId, todo.task.recordId) as number | undefined) ?? 0
      // Fill-in values linking a record made offline name it by its create (the host links the id it got).
      const linked = known !== undefined && Object.keys(values).length ? this.localRefs(this.form(formId), values) : { values }
      const op = this.enqueue({
        form: formId, schemaVersion: known ?? todo.schemaVersion, kind: 'approval', record: todo.task.recordId, values: linked.values,
        base: Object.fromEntries(Object.keys(values).map((k) => [k, base])), task: taskId, decision, ...(comment ? { comment } : {}),
        ...(linked.refs ? { localRefs: linked.refs } : {}), ...(attachments.length ? { attachments } : {})
      })
      this.db.prepare('INSERT OR REPLACE INTO todo_done (task_id, op_id, decision, at) VALUES (?, ?, ?, ?)').run(taskId, op.opId, decision, this.options.now())
      if (record && Object.keys(values).length) {
        const row = this.db.prepare('SELECT data FROM records WHERE form_id = ? AND id = ?').pluck().get(formId, todo.task.recordId) as string | undefined
        if (row) {
          const data = JSON.parse(row) as RecordDto
          data.fields = record
          this.db.prepare('UPDATE records SET data = ? WHERE form_id = ? AND id = ?').run(JSON.stringify(data), formId, todo.task.recordId)
        }
      }
      return op
    })()
  }

  /** The host's id of a record made here under a local (negative) id, once the host took it. */
  hostId(localId: number): number | null {
    return (this.db.prepare("SELECT r.record_id FROM local_ids l JOIN results r ON r.op_id = l.op_id WHERE l.id = ? AND r.status = 'applied'").pluck().get(localId) as number | null | undefined) ?? null
  }

  /** What the host answered for an operation (applied / conflict / refused). */
  result(opId: string): { status: string; recordId: number | null; message: string | null } | null {
    const r = this.db.prepare('SELECT status, record_id, message FROM results WHERE op_id = ?').get(opId) as { status: string; record_id: number | null; message: string | null } | undefined
    return r ? { status: r.status, recordId: r.record_id, message: r.message } : null
  }

  /**
   * Push the whole outbox (in order; an answer lost on the way is asked again and the host answers
   * it from its store), then pull. Throws when the host cannot be reached; the outbox is kept.
   */
  async sync(): Promise<void> {
    this.state = 'syncing'
    try {
      for (let round = 0; round < 20; round++) {
        const rebase = await this.pushAll()
        if (rebase) {
          await this.pullAll()
          this.restamp()
          continue
        }
        await this.pullAll()
        if (!this.pending()) break
      }
      this.state = 'online'
    } catch (e) {
      this.state = 'offline'
      throw e
    }
  }

  /** Answers true when the host asked for a rebase (a form's schema changed). */
  private async pushAll(): Promise<boolean> {
    const batch = 1000
    for (;;) {
      const rows = this.db.prepare('SELECT n, op FROM outbox ORDER BY n LIMIT ?').all(batch) as Array<{ n: number; op: string }>
      if (!rows.length) return false
      const ops = rows.map((r) => JSON.parse(r.op) as SyncOp)
      await this.sendUploads(ops)
      const { results } = await this.transport.push({ device: this.options.device, ops })
      let rebase = false
      this.db.transaction(() => {
        for (let i = 0; i < results.length; i++) {
          const r = results[i]!
          if (r.opId !== ops[i]!.opId) throw new Error('sync.push answered out of order')
          if (r.status === 'rebase') {
            rebase = true
            break
          }
          this.db.prepare('INSERT OR REPLACE INTO results (op_id, status, record_id, message) VALUES (?, ?, ?, ?)').run(r.opId, r.status, r.id, r.message)
          this.db.prepare('DELETE FROM outbox WHERE n = ?').run(rows[i]!.n)
          // The host left the record as it was (a conflict, a refusal): the next pull sends it again.
          if (r.status !== 'applied' && r.id !== null) this.db.prepare('INSERT OR IGNORE INTO refresh (form_id, id) VALUES (?, ?)').run(ops[i]!.form, r.id)
          // A record made offline is the host's now (or, refused, kept in the 冲突 inbox): the pull brings it back under its id.
          if (ops[i]!.kind === 'create') this.db.prepare('DELETE FROM records WHERE local_op = ?').run(r.opId)
        }
      })()
      if (rebase) return true
    }
  }

  /** After a rebase the outbox's operations are checked against the new schema by the host: they carry its version now. */
  private restamp(): void {
    const rows = this.db.prepare('SELECT n, op FROM outbox').all() as Array<{ n: number; op: string }>
    for (const r of rows) {
      const op = JSON.parse(r.op) as SyncOp
      const form = (this.db.prepare("SELECT json_extract(dto, '$.schemaVersion') FROM forms WHERE id = ?").pluck().get(op.form) as number | undefined)
        // An approval on a form the user does not view (the flow shows them the record): the version the to-dos came with.
        ?? (op.kind === 'approval' ? (this.db.prepare('SELECT MAX(schema_version) FROM todos WHERE form_id = ?').pluck().get(op.form) as number | null) ?? undefined : undefined)
      if (form !== undefined) op.schemaVersion = form
      this.db.prepare('UPDATE outbox SET op = ? WHERE n = ?').run(JSON.stringify(op), r.n)
    }
  }

  private async pullAll(): Promise<void> {
    let resume: { head: number; form: number; afterId: number } | null = null
    for (;;) {
      const keys = Object.fromEntries((this.db.prepare('SELECT id, key FROM forms WHERE complete = 1').all() as Array<{ id: number; key: string }>).map((r) => [String(r.id), r.key]))
      const refresh = this.db.prepare('SELECT form_id AS form, id FROM refresh LIMIT 5000').all() as Array<{ form: number; id: number }>
      const page = await this.transport.pull({ cursor: this.cursor, forms: keys, resume, limit: this.options.pageSize ?? 2000, refresh, todos: true, todosKey: this.meta('todosKey') })
      this.apply(page)
      resume = page.resume
      if (!page.more) return
    }
  }

  private apply(page: SyncPullOutput): void {
    this.hlc.receive(page.now)
    if (page.forms.length || page.visible.length !== this.models.size) this.refs.clear()
    this.db.transaction(() => {
      const visible = new Set(page.visible)
      for (const id of this.db.prepare('SELECT id FROM forms').pluck().all() as number[]) {
        if (visible.has(id)) continue
        this.db.prepare('DELETE FROM records WHERE form_id = ?').run(id)
        this.db.prepare('DELETE FROM denied WHERE form_id = ?').run(id)
        this.db.prepare('DELETE FROM forms WHERE id = ?').run(id)
        this.models.delete(id)
      }
      for (const { form, key } of page.forms) {
        this.db.prepare('INSERT INTO forms (id, key, complete, dto) VALUES (?, ?, 0, ?) ON CONFLICT(id) DO UPDATE SET key = excluded.key, complete = 0, dto = excluded.dto').run(form.id, key, JSON.stringify(form))
        this.models.delete(form.id)
      }
      // A snapshot replaces the form's records (but not those made here and not yet pushed).
      for (const id of page.reset) {
        this.db.prepare('DELETE FROM records WHERE form_id = ? AND local_op IS NULL').run(id)
        this.db.prepare('DELETE FROM denied WHERE form_id = ?').run(id)
      }
      const put = this.db.prepare('INSERT INTO records (form_id, id, seq, data, local_op) VALUES (?, ?, ?, ?, NULL) ON CONFLICT(form_id, id) DO UPDATE SET seq = excluded.seq, data = excluded.data')
      // Each record's own rights come with it: outside the user's edit or delete scope, or not.
      const deny = this.db.prepare('INSERT INTO denied (form_id, id, actions) VALUES (?, ?, ?) ON CONFLICT(form_id, id) DO UPDATE SET actions = excluded.actions')
      const undeny = this.db.prepare('DELETE FROM denied WHERE form_id = ? AND id = ?')
      for (const r of page.records) {
        put.run(r.form, r.record.id, r.seq, JSON.stringify(r.record))
        if (r.denied?.length) deny.run(r.form, r.record.id, JSON.stringify(r.denied))
        else undeny.run(r.form, r.record.id)
      }
      const drop = this.db.prepare('DELETE FROM records WHERE form_id = ? AND id = ?')
      for (const r of page.removals) {
        drop.run(r.form, r.id)
        undeny.run(r.form, r.id)
      }
      for (const id of page.complete) this.db.prepare('UPDATE forms SET complete = 1 WHERE id = ?').run(id)
      // Refreshed records came with a page of the feed (a snapshot replaced their form whole).
      if (!page.resume && !page.reset.length) this.db.prepare('DELETE FROM refresh').run()
      if (page.todos) this.keepTodos(page.todos)
      if (page.todosKey !== undefined) {
        this.setMeta('todosKey', page.todosKey)
        // Decided here and answered by the host: the host's list is the truth (unchanged there, e.g. a refused fill-in, the to-do is back).
        this.db.prepare("DELETE FROM todo_done WHERE op_id NOT IN (SELECT json_extract(op, '$.opId') FROM outbox)").run()
      }
      this.setMeta('cursor', String(page.cursor))
      this.setMeta('hlc', this.hlc.toString())
      this.overlay()
    })()
  }

  /**
   * The host's open to-dos replace the kept ones (sent only when their key changed). A to-do
   * decided here stays marked while its operation waits in the outbox (after a rebase the host
   * still lists it as open); once the host answered the operation, its list is the truth.
   */
  private keepTodos(todos: NonNullable<SyncPullOutput['todos']>): void {
    this.db.prepare('DELETE FROM todos').run()
    const put = this.db.prepare('INSERT INTO todos (task_id, position, form_id, record_id, schema_version, task, instance) VALUES (?, ?, ?, ?, ?, ?, ?)')
    todos.forEach((t, i) => put.run(t.task.id, i, t.task.formId, t.task.recordId, t.schemaVersion, JSON.stringify(t.task), JSON.stringify(t.instance)))
  }

  /** Operations still waiting (after a rebase) are laid over the host's records again: what the user typed stays on screen. */
  private overlay(): void {
    const ops = (this.db.prepare('SELECT op FROM outbox ORDER BY n').pluck().all() as string[]).map((s) => JSON.parse(s) as SyncOp)
    for (const op of ops) {
      if (op.kind !== 'update' || typeof op.record !== 'number') continue
      const row = this.db.prepare('SELECT data FROM records WHERE form_id = ? AND id = ?').get(op.form, op.record) as { data: string } | undefined
      if (!row) continue
      const record = JSON.parse(row.data) as RecordDto
      try {
        const { owner: _owner, ...typed } = op.values
        record.fields = offlineWrite(this.db, this.options.now, this.form(op.form), record.fields, typed, this.options.userId, this.lookups)
      } catch {
        // The host decides on push (and keeps the values in the 冲突 inbox when it refuses).
        continue
      }
      this.db.prepare('UPDATE records SET data = ? WHERE form_id = ? AND id = ?').run(JSON.stringify(record), op.form, op.record)
    }
  }
}
