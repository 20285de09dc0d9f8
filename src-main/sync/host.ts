import { createHash } from 'node:crypto'
import { ident, type Sqlite } from '../db/connection'
import type { Clock } from '../clock'
import type { AccessLayer } from '../access/access-layer'
import type { Actor } from '../access/actor'
import type { WritePipeline } from '../records/write-pipeline'
import type { FlowEngine } from '../flows/engine'
import { Serializer } from '../records/serialize'
import type { RecordRow } from '../records/stored'
import type { SchemaService } from '../forms/schema-service'
import type { FieldModel, FormModel } from '../forms/model'
import { fieldType } from '../forms/field-types/registry'
import { COMPUTED_TYPES, subtableCellLabel } from '../shared/field-types'
import { DomainError, NotFoundError, ValidationError } from '../shared/errors'
import { translate, type Locale } from '../shared/locales'
import type { RecordDto } from '../shared/api/core'
import { TODO_LIMIT, type ConflictDto, type SyncOp, type SyncOpResult, type SyncPullOutput } from '../shared/api/sync'

// The host's side of offline sync (issue 18; design in docs/architecture.md "Offline laptops").
// The change log is the feed: its entry id is the host sequence number. A pull reads each changed
// record *now*, through the access layer (the user's current row scope and field masks), so what
// a user may not read never leaves the host. A push replays each operation through the write
// pipeline as the user; same-field overlaps go to the user's 冲突 inbox and the host keeps its value.

export interface SyncHostDeps {
  db: Sqlite
  schema: SchemaService
  access: AccessLayer
  writes: WritePipeline
  clock: Clock
  /** Approvals taken offline are applied through the flow engine, as the approver. */
  flows: FlowEngine
}

export interface PullInput {
  cursor: number
  forms: Record<string, string>
  resume: { head: number; form: number; afterId: number } | null
  limit: number
  refresh?: Array<{ form: number; id: number }>
  /** Send the user's open to-dos with the last page (approvals taken offline). */
  todos?: boolean
  /** The to-dos' key the client holds: the list is sent only when it changed. */
  todosKey?: string | null
}

type ConflictKind = ConflictDto['kind']
interface StoredField { mine: unknown; theirs: unknown; by: number | null; at: number | null }
interface ConflictRow {
  id: number; user_id: number; device: string; op_id: string; op: SyncOp['kind']; form_id: number; record_id: number | null; kind: ConflictKind
  fields: string; reason_key: string | null; reason_params: string | null; made_at: number; created_at: number; resolved_at: number | null; resolution: string | null
}
interface LogEntry { id: number; op: string; changes: string; actor_id: number | null; at: number }

/**
 * What a chunk of a push looks up once instead of once per operation: the change-log entries of
 * every record its operations name (after the lowest base an operation of the chunk holds for the
 * record, without the device's own), the operation ids already stored, and the log's head. Read
 * at the start of the chunk's transaction: every entry the chunk itself writes is the device's
 * own (stored in sync_ops under its operation's range), so it would not count anyway.
 */
interface ChunkCache {
  /** `${form}:${record}` → the entries a per-operation look-up would answer (before its own base filter). */
  entries: Map<string, LogEntry[]>
  /** Operation ids the host has not stored yet (taken out when used: a duplicate in the chunk looks again). */
  fresh: Set<string>
  head: number
}

/** A conflict found while applying an operation: stored with the result in the write's transaction. */
class Outcome {
  constructor(readonly status: 'applied' | 'conflict', readonly id: number | null, readonly conflict: { kind: ConflictKind; fields: Record<string, StoredField> } | null) {}
}

const PULL_FIELD_CHUNK = 500
/** Operations applied per transaction on a push. */
const PUSH_CHUNK = 1000

export class SyncHost {
  private readonly serializer: Serializer

  constructor(private readonly deps: SyncHostDeps) {
    this.serializer = new Serializer(deps.db, deps.schema, deps.access)
  }

  // ---------- pull ----------

  /**
   * The form's access key for the user: a change of any input to what they may see of it (schema
   * version, row scope, hidden fields, who belongs to which department) makes the client replace
   * its copy of the form.
   */
  accessKey(actor: Actor, form: FormModel): string {
    const scope = this.deps.access.rowScope(actor, form, 'view')
    const hidden = [...this.deps.access.hiddenFieldIds(actor, form)].sort((a, b) => a - b)
    const people = this.deps.db.prepare("SELECT group_concat(id || ':' || ifnull(department_id, '') || ':' || active || ':' || is_admin, ',') FROM (SELECT * FROM users ORDER BY id)").pluck().get() as string | null
    // The edit and delete scopes too: each record's rights come with it (see `denials`).
    const narrower = this.narrowerScopes(actor, form).map(({ action, scope: s }) => [action, s.sql, s.params])
    return createHash('sha256').update(JSON.stringify([form.schemaVersion, scope.sql, scope.params, hidden, people, narrower])).digest('base64url').slice(0, 32)
  }

  /**
   * The actions the user holds on the form over fewer records than they may view (a role may see
   * the department's records and change only its own): each record sent carries the ones it is
   * outside of, so the laptop refuses such a change offline as the office would. An action not
   * held on the form at all is the form's rights (`forms.access`), not the record's.
   */
  private narrowerScopes(actor: Actor, form: FormModel): Array<{ action: 'edit' | 'delete'; scope: { sql: string; params: unknown[] } }> {
    const { access } = this.deps
    const view = access.rowScope(actor, form, 'view')
    const out: Array<{ action: 'edit' | 'delete'; scope: { sql: string; params: unknown[] } }> = []
    for (const action of ['edit', 'delete'] as const) {
      if (!access.can(actor, action, form)) continue
      const scope = access.rowScope(actor, form, action)
      if (scope.sql === '1 = 1' || (scope.sql === view.sql && JSON.stringify(scope.params) === JSON.stringify(view.params))) continue
      out.push({ action, scope })
    }
    return out
  }

  /** Per record of `ids`, the actions of `narrowerScopes` it is outside of (records with none are left out). */
  private denials(actor: Actor, form: FormModel, ids: number[]): Map<number, Array<'edit' | 'delete'>> {
    const out = new Map<number, Array<'edit' | 'delete'>>()
    if (!ids.length) return out
    for (const { action, scope } of this.narrowerScopes(actor, form)) {
      for (let i = 0; i < ids.length; i += PULL_FIELD_CHUNK) {
        const chunk = ids.slice(i, i + PULL_FIELD_CHUNK)
        const inside = new Set(this.deps.db.prepare(`SELECT t.id FROM ${ident(form.table)} t WHERE t.id IN (${chunk.map(() => '?').join(',')}) AND (${scope.sql})`)
          .pluck().all(...chunk, ...scope.params) as number[])
        for (const id of chunk) if (!inside.has(id)) out.set(id, [...(out.get(id) ?? []), action])
      }
    }
    return out
  }

  private viewable(actor: Actor): FormModel[] {
    const out: FormModel[] = []
    for (const id of this.deps.schema.formIds()) {
      const form = this.deps.schema.form(id)
      if (this.deps.access.can(actor, 'view', form)) out.push(form)
    }
    return out
  }

  pull(actor: Actor, input: PullInput): SyncPullOutput {
    const out = this.pullRecords(actor, input)
    if (input.todos && !out.more) {
      // Sent again only when something they show changed (a pull follows every burst of live
      // events; 100 open to-dos are about 200 KB and tens of milliseconds to read).
      const key = this.todosKey(actor)
      out.todosKey = key
      if (key !== input.todosKey) out.todos = this.todos(actor)
    }
    return out
  }

  /**
   * What the kept to-dos depend on, cheaply: the user's open tasks (newest first, as listed), per
   * task its urging, its instance's latest history entry and task (someone acted, a signer was
   * added), the record's latest change, and the access key of each form (schema, row scope,
   * hidden fields: what the instance's record shows).
   */
  private todosKey(actor: Actor): string {
    const rows = this.deps.db.prepare(`SELECT t.id, t.urged_at, i.form_id, i.status,
        (SELECT MAX(h.id) FROM flow_history h WHERE h.instance_id = t.instance_id) AS h,
        (SELECT MAX(x.id) FROM flow_tasks x WHERE x.instance_id = t.instance_id) AS x,
        (SELECT MAX(c.id) FROM change_log c WHERE c.form_id = i.form_id AND c.record_id = i.record_id) AS c
      FROM flow_tasks t JOIN flow_instances i ON i.id = t.instance_id
      WHERE t.assignee_id = ? AND t.status = 'pending' AND t.kind IN ('approval', 'fillin', 'resubmit') ORDER BY t.created_at DESC, t.id DESC LIMIT ?`).all(actor.id, TODO_LIMIT) as Array<{ form_id: number }>
    const forms = [...new Set(rows.map((r) => r.form_id))].sort((a, b) => a - b).map((id) => {
      try {
        return this.accessKey(actor, this.deps.schema.form(id))
      } catch {
        return null
      }
    })
    return createHash('sha256').update(JSON.stringify([rows, forms])).digest('base64url').slice(0, 32)
  }

  /**
   * The user's open to-dos as the 待办 center lists them, each with its instance as flows.instance
   * answers them (the node's field permissions, the record as they may see it there) and the
   * schema version of the record's form: what a laptop needs to approve, reject or return offline.
   * Read through the flow engine as the user, so nothing reaches the laptop the window would not show.
   */
  private todos(actor: Actor): NonNullable<SyncPullOutput['todos']> {
    const { tasks } = this.deps.flows.todo(actor, { tab: 'todo', limit: TODO_LIMIT, offset: 0 })
    const out: NonNullable<SyncPullOutput['todos']> = []
    for (const task of tasks) {
      try {
        const instance = this.deps.flows.instance(actor, task.instanceId)
        out.push({ task, instance, schemaVersion: this.deps.schema.form(task.formId).schemaVersion })
      } catch (e) {
        // A form deleted meanwhile: that to-do is not offered offline.
        if (!(e instanceof DomainError)) throw e
      }
    }
    return out
  }

  private pullRecords(actor: Actor, input: PullInput): SyncPullOutput {
    const { db } = this.deps
    const head = (db.prepare('SELECT ifnull(MAX(id), 0) FROM change_log').pluck().get() as number)
    const forms = this.viewable(actor)
    const keys = new Map(forms.map((f) => [f.id, this.accessKey(actor, f)]))
    const out: SyncPullOutput = { cursor: input.cursor, now: this.deps.clock.now(), visible: forms.map((f) => f.id), forms: [], reset: [], complete: [], records: [], removals: [], resume: null, more: false }
    let budget = input.limit

    // Snapshots first: every form whose key the client does not hold is sent whole. While one
    // is in progress the cursor does not move, so nothing changed meanwhile is skipped.
    const stale = forms.filter((f) => input.forms[String(f.id)] !== keys.get(f.id))
    if (stale.length) {
      const head0 = input.resume?.head ?? head
      for (const form of stale) {
        const resuming = input.resume?.form === form.id
        const afterId = resuming ? input.resume!.afterId : 0
        if (!resuming) {
          out.reset.push(form.id)
          out.forms.push({ form: this.deps.schema.toDto(form, this.deps.access.hiddenFieldIds(actor, form)), key: keys.get(form.id)! })
        }
        const scope = this.deps.access.rowScope(actor, form, 'view')
        const rows = db.prepare(`SELECT t.* FROM ${ident(form.table)} t WHERE t.id > ? AND t.deleted_at IS NULL AND (${scope.sql}) ORDER BY t.id LIMIT ?`)
          .all(afterId, ...scope.params, budget + 1) as RecordRow[]
        const page = rows.slice(0, budget)
        this.addRecords(actor, form, page, out)
        budget -= page.length
        if (rows.length > page.length) {
          out.resume = { head: head0, form: form.id, afterId: page[page.length - 1]!.id }
          out.more = true
          return out
        }
        out.complete.push(form.id)
        if (budget <= 0 && form !== stale[stale.length - 1]) {
          out.more = true
          if (input.cursor === 0) out.resume = { head: head0, form: 0, afterId: 0 }
          return out
        }
      }
      // A first replica starts its feed where the snapshot began; a client that held other forms
      // keeps its cursor, so their changes since are still sent (the reset forms' again: harmless).
      out.cursor = input.cursor === 0 ? head0 : input.cursor
      out.more = true
      return out
    }

    // The feed: records with change-log entries after the cursor, oldest last change first.
    const visible = new Map(forms.map((f) => [f.id, f]))
    const changed = db.prepare(`SELECT form_id AS form, record_id AS id, MAX(id) AS seq FROM change_log WHERE id > ? AND id <= ? AND record_id IS NOT NULL AND form_id IS NOT NULL
      GROUP BY form_id, record_id ORDER BY seq LIMIT ?`).all(input.cursor, head, budget + 1) as Array<{ form: number; id: number; seq: number }>
    const page = changed.slice(0, budget)
    out.more = changed.length > page.length
    out.cursor = out.more ? page[page.length - 1]!.seq : head
    const byForm = new Map<number, number[]>()
    for (const c of [...page, ...(input.refresh ?? [])]) {
      if (!visible.has(c.form)) continue
      const ids = byForm.get(c.form) ?? []
      if (!ids.includes(c.id)) ids.push(c.id)
      byForm.set(c.form, ids)
    }
    for (const [formId, ids] of byForm) {
      const form = visible.get(formId)!
      const scope = this.deps.access.rowScope(actor, form, 'view')
      const seen = new Set<number>()
      for (let i = 0; i < ids.length; i += PULL_FIELD_CHUNK) {
        const chunk = ids.slice(i, i + PULL_FIELD_CHUNK)
        const rows = db.prepare(`SELECT t.* FROM ${ident(form.table)} t WHERE t.id IN (${chunk.map(() => '?').join(',')}) AND t.deleted_at IS NULL AND (${scope.sql})`)
          .all(...chunk, ...scope.params) as RecordRow[]
        for (const r of rows) seen.add(r.id)
        this.addRecords(actor, form, rows, out)
      }
      // Deleted, transferred away, a collaboration ended: the replica drops it (an id, no content).
      for (const id of ids) if (!seen.has(id)) out.removals.push({ form: formId, id })
    }
    return out
  }

  private addRecords(actor: Actor, form: FormModel, rows: RecordRow[], out: SyncPullOutput): void {
    if (!rows.length) return
    const seqs = this.seqs(form.id, rows.map((r) => r.id))
    const records = this.serializer.records(form, rows, this.deps.access.readableFields(actor, form), actor)
    const denied = this.denials(actor, form, rows.map((r) => r.id))
    for (const record of records) {
      const entry: SyncPullOutput['records'][number] = { form: form.id, seq: seqs.get(record.id) ?? 0, record }
      const d = denied.get(record.id)
      if (d) entry.denied = d
      out.records.push(entry)
    }
  }

  /** The host sequence of each record's latest change: the base of what the client now holds. */
  private seqs(formId: number, ids: number[]): Map<number, number> {
    const out = new Map<number, number>()
    const stmt = this.deps.db.prepare('SELECT MAX(id) FROM change_log WHERE form_id = ? AND record_id = ?').pluck()
    for (const id of ids) out.set(id, (stmt.get(formId, id) as number | null) ?? 0)
    return out
  }

  // ---------- push ----------

  /**
   * Apply operations in order. They are applied in chunks, one transaction each (a commit per
   * operation would make a laptop's 10,000 offline changes wait on 10,000 commits). When one of a
   * chunk is refused, the chunk is rolled back; the operations before the refused one are applied
   * again in one transaction, the refused one alone (its refusal stored with its values kept in the
   * inbox), and the push goes on with a new chunk after it — each operation is tried at most twice,
   * whatever the number of refusals. From an operation answered `rebase` on, every later one is
   * answered `rebase` too (they are pushed again, in order, after the client's rebase).
   */
  push(actor: Actor, device: string, ops: SyncOp[], locale: Locale): SyncOpResult[] {
    const results: SyncOpResult[] = []
    const rebased = (op: SyncOp): SyncOpResult => ({ opId: op.opId, status: 'rebase', id: null, conflictId: null, message: null, field: null })
    let i = 0
    let size = PUSH_CHUNK
    while (i < ops.length) {
      if (results.length && results[results.length - 1]!.status === 'rebase') {
        results.push(...ops.slice(i).map(rebased))
        break
      }
      const chunk = ops.slice(i, i + size)
      size = PUSH_CHUNK
      let at = 0
      let fast: SyncOpResult[] | null = null
      try {
        fast = this.deps.writes.transaction(() => {
          const cache = this.chunkCache(actor, device, chunk)
          const out: SyncOpResult[] = []
          for (at = 0; at < chunk.length; at++) {
            const result = this.attempt(actor, device, chunk[at]!, cache)
            out.push(result)
            if (result.status === 'rebase') break
          }
          return out
        })
      } catch (e) {
        if (!(e instanceof DomainError)) throw e
      }
      if (fast) {
        results.push(...fast.map((r) => this.translateStored(r, locale)))
        i += fast.length
      } else if (at === 0) {
        results.push(this.apply(actor, device, chunk[0]!, locale))
        i += 1
      } else {
        // The operations before the refused one, again in one transaction.
        size = at
      }
    }
    return results
  }

  /** The chunk's look-ups, set-based (see ChunkCache). */
  private chunkCache(actor: Actor, device: string, chunk: SyncOp[]): ChunkCache {
    const { db } = this.deps
    const ids = chunk.map((op) => op.opId)
    const stored = new Set(db.prepare('SELECT op_id FROM sync_ops WHERE op_id IN (SELECT value FROM json_each(?))').pluck().all(JSON.stringify(ids)) as string[])
    const fresh = new Set(ids.filter((id) => !stored.has(id)))
    // Per form, per record: the lowest base of the chunk's operations on it.
    const after = new Map<number, Map<number, number>>()
    for (const op of chunk) {
      if (op.kind === 'create' || typeof op.record !== 'number') continue
      const base = Math.min(...Object.values(op.base), Number.MAX_SAFE_INTEGER)
      const records = after.get(op.form) ?? new Map<number, number>()
      records.set(op.record, Math.min(records.get(op.record) ?? Number.MAX_SAFE_INTEGER, base))
      after.set(op.form, records)
    }
    const entries = new Map<string, LogEntry[]>()
    const stmt = db.prepare(`SELECT e.record_id, e.id, e.op, e.changes, e.actor_id, e.at FROM json_each(?) j CROSS JOIN change_log e
      ON e.form_id = ? AND e.record_id = CAST(j.key AS INTEGER) AND e.id > j.value
      WHERE NOT EXISTS (SELECT 1 FROM (SELECT o.seq_to FROM sync_ops o WHERE o.user_id = ? AND o.device = ? AND o.seq_from <= e.id ORDER BY o.seq_from DESC LIMIT 1) WHERE seq_to >= e.id)
      ORDER BY e.id`)
    for (const [formId, records] of after) {
      for (const id of records.keys()) entries.set(`${formId}:${id}`, [])
      const rows = stmt.all(JSON.stringify(Object.fromEntries(records)), formId, actor.id, device) as Array<LogEntry & { record_id: number }>
      for (const { record_id, ...entry } of rows) entries.get(`${formId}:${record_id}`)!.push(entry)
    }
    return { entries, fresh, head: this.head() }
  }

  private stored(opId: string): { user_id: number; result: string } | undefined {
    return this.deps.db.prepare('SELECT user_id, result FROM sync_ops WHERE op_id = ?').get(opId) as { user_id: number; result: string } | undefined
  }

  /** One operation in its own transaction; a refusal is stored with the values kept in the inbox. */
  private apply(actor: Actor, device: string, op: SyncOp, locale: Locale): SyncOpResult {
    try {
      return this.translateStored(this.deps.writes.transaction(() => this.attempt(actor, device, op)), locale)
    } catch (e) {
      if (!(e instanceof DomainError)) throw e
      let form: FormModel | null = null
      try {
        form = this.deps.schema.form(op.form)
      } catch {
        form = null
      }
      let recordId: number | null = null
      try {
        recordId = op.kind === 'approval' ? this.approvalRecord(actor, op) : this.resolveRecord(actor, op)
      } catch {
        recordId = null
      }
      return this.refuseAndKeep(actor, device, op, form, recordId, e, locale)
    }
  }

  /**
   * Apply one operation inside the caller's write transaction and store its result there. Throws
   * the DomainError of a refusal (the caller rolls back). Answers stored message keys (untranslated).
   */
  private attempt(actor: Actor, device: string, op: SyncOp, cache: ChunkCache | null = null): SyncOpResult {
    const { db } = this.deps
    const done = cache?.fresh.delete(op.opId) ? undefined : this.stored(op.opId)
    if (done) {
      if (done.user_id !== actor.id) throw new ValidationError('sync.opTaken', {})
      return JSON.parse(done.result) as SyncOpResult
    }
    const form = this.deps.schema.form(op.form)
    if (op.schemaVersion !== form.schemaVersion) return { opId: op.opId, status: 'rebase', id: null, conflictId: null, message: null, field: null }
    const recordId = this.resolveRecord(actor, op)
    const from = (cache ? cache.head : this.head()) + 1
    const outcome = this.applyOne(actor, device, form, this.linkLocal(actor, form, op), recordId, cache)
    const to = this.head()
    if (cache) cache.head = to
    let conflictId: number | null = null
    if (outcome.conflict) conflictId = this.storeConflict(actor, device, op, form, outcome.id, outcome.conflict.kind, outcome.conflict.fields, null)
    const result: SyncOpResult = { opId: op.opId, status: outcome.status, id: outcome.id, conflictId, message: outcome.status === 'conflict' ? 'sync.conflictStored' : null, field: null }
    db.prepare('INSERT INTO sync_ops (op_id, user_id, device, form_id, status, result, seq_from, seq_to, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(op.opId, actor.id, device, form.id, result.status, JSON.stringify(result), to >= from ? from : null, to >= from ? to : null, this.deps.clock.now())
    return result
  }

  private head(): number {
    return this.deps.db.prepare('SELECT ifnull(MAX(id), 0) FROM change_log').pluck().get() as number
  }

  /** A record named by the create operation that made it offline: the id that create got. */
  private resolveRecord(actor: Actor, op: SyncOp): number | null {
    if (op.kind === 'create' || op.kind === 'approval') return null
    if (op.record === undefined) throw new ValidationError('sync.recordMissing', {})
    if (typeof op.record === 'number') return op.record
    const done = this.stored(op.record.op)
    const made = done && done.user_id === actor.id ? (JSON.parse(done.result) as SyncOpResult) : null
    if (!made || made.id === null || made.status !== 'applied') throw new ValidationError('sync.createNotApplied', {})
    return made.id
  }

  /**
   * The operation's values with each record made offline that they link to (a relation of the
   * record or of a sub-table row, by its local negative id) replaced by the id the host gave it:
   * the stored result of the create operation `localRefs` names, taken from this user earlier in
   * this push or an earlier one. A create the host never took, or refused, refuses this operation
   * too, naming the field (its values wait in the 冲突 inbox with the reason).
   */
  private linkLocal(actor: Actor, form: FormModel, op: SyncOp): SyncOp {
    const refs = op.localRefs
    if (!refs || !Object.keys(refs).length) return op
    const hostId = (field: FieldModel, label: string, local: number): number => {
      const opId = refs[String(local)]
      if (opId === undefined) return local
      const done = this.stored(opId)
      const made = done && done.user_id === actor.id ? (JSON.parse(done.result) as SyncOpResult) : null
      if (!made || made.status !== 'applied' || made.id === null) throw new ValidationError('sync.localRefMissing', { field: label }, field.apiKey)
      return made.id
    }
    const link = (field: FieldModel, label: string, raw: unknown): unknown => {
      const one = (v: unknown): unknown => {
        if (typeof v === 'number' && v < 0) return hostId(field, label, v)
        if (typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as { id?: unknown }).id === 'number' && (v as { id: number }).id < 0) return { ...v, id: hostId(field, label, (v as { id: number }).id) }
        return v
      }
      return Array.isArray(raw) ? raw.map(one) : one(raw)
    }
    const values: Record<string, unknown> = {}
    for (const [key, raw] of Object.entries(op.values)) {
      const field = form.byKey.get(key) ?? form.fields.find((f) => f.label === key)
      if (field?.type === 'relation') values[key] = link(field, field.label, raw)
      else if (field?.type === 'subtable' && Array.isArray(raw)) {
        const children = form.children.get(field.id) ?? []
        values[key] = raw.map((row, i) => {
          if (typeof row !== 'object' || row === null || Array.isArray(row)) return row
          const out: Record<string, unknown> = {}
          for (const [k, v] of Object.entries(row as Record<string, unknown>)) {
            const child = children.find((c) => c.apiKey === k || c.label === k)
            out[k] = child?.type === 'relation' ? link(field, subtableCellLabel(field.label, i, child.label), v) : v
          }
          return out
        })
      } else values[key] = raw
    }
    return { ...op, values }
  }

  /**
   * The record is authorized by the write pipeline when the operation writes (the pipeline's
   * update and delete authorize the record as the user); the paths that write nothing (a conflict,
   * a delete of a deleted record) authorize it here, so no outcome says anything about a record the
   * user may not edit. The form-level check comes first either way, as before.
   */
  private applyOne(actor: Actor, device: string, form: FormModel, op: SyncOp, recordId: number | null, cache: ChunkCache | null): Outcome {
    const { writes, access } = this.deps
    if (op.kind === 'create') return new Outcome('applied', writes.create(actor, form.id, op.values), null)
    if (op.kind === 'approval') return new Outcome('applied', this.approve(actor, form, op), null)
    const id = recordId!
    const action = op.kind === 'delete' ? 'delete' : 'edit'
    access.authorize(actor, action, form)
    const authorized = () => access.authorizeRecord(actor, action, form, id)
    const row = this.deps.db.prepare(`SELECT * FROM ${ident(form.table)} WHERE id = ?`).get(id) as RecordRow | undefined
    if (!row) throw new NotFoundError('error.recordNotFound', { id })
    const after = Math.min(...Object.values(op.base), Number.MAX_SAFE_INTEGER)
    const prefetched = cache?.entries.get(`${form.id}:${id}`)
    const entries = prefetched ? prefetched.filter((e) => e.id > after) : this.hostChanges(actor, device, form.id, id, after)
    if (op.kind === 'delete') {
      if (row.deleted_at !== null) {
        authorized()
        return new Outcome('applied', id, null)
      }
      const base = op.base['*'] ?? 0
      const since = entries.filter((e) => e.id > base)
      if (since.length) {
        authorized()
        const last = since[since.length - 1]!
        return new Outcome('conflict', id, { kind: 'delete', fields: { '*': { mine: null, theirs: null, by: last.actor_id, at: last.at } } })
      }
      writes.delete(actor, form.id, [id])
      return new Outcome('applied', id, null)
    }
    if (row.deleted_at !== null) {
      authorized()
      const fields: Record<string, StoredField> = {}
      for (const [k, v] of Object.entries(op.values)) fields[k] = { mine: v, theirs: null, by: null, at: null }
      return new Outcome('conflict', id, { kind: 'deleted', fields })
    }
    let shown: RecordDto | null = null
    const current = () => (shown ??= this.serializer.records(form, [row], this.deps.access.readableFields(actor, form), actor)[0]!)
    const apply: Record<string, unknown> = {}
    const conflicts: Record<string, StoredField> = {}
    const changed = entries.map((e) => JSON.parse(e.changes) as Record<string, unknown>)
    const lastChange = (fieldId: string, base: number): LogEntry | undefined => {
      for (let i = entries.length - 1; i >= 0; i--) if (entries[i]!.id > base && fieldId in changed[i]!) return entries[i]
      return undefined
    }
    for (const [key, value] of Object.entries(op.values)) {
      const field = key === 'owner' ? null : form.byKey.get(key)
      const fieldId = key === 'owner' ? 'owner' : field ? String(field.id) : null
      const base = op.base[key] ?? 0
      const last = fieldId === null ? undefined : lastChange(fieldId, base)
      if (last && field && !this.sameValue(actor, form, field, value, row)) {
        conflicts[key] = { mine: value, theirs: current().fields[key] ?? null, by: last.actor_id, at: last.at }
        continue
      }
      if (last && key === 'owner') {
        conflicts[key] = { mine: value, theirs: current().owner, by: last.actor_id, at: last.at }
        continue
      }
      apply[key] = value
    }
    if (Object.keys(apply).length) writes.update(actor, form.id, id, apply)
    else authorized()
    if (Object.keys(conflicts).length) return new Outcome('conflict', id, { kind: 'field', fields: conflicts })
    return new Outcome('applied', id, null)
  }

  /**
   * An approver's action taken offline, applied now through the flow engine as them: only while
   * the task is still theirs and open (the engine's own checks — 不是你的待办, 已处理, 审批已结束 —
   * refuse it otherwise, and the refusal goes to the inbox with the decision and comment typed).
   * Answers the record's id.
   */
  private approve(actor: Actor, form: FormModel, op: SyncOp): number {
    const task = this.taskRecord(op.task!)
    if (!task) throw new NotFoundError('sync.approvalTaskMissing', {})
    if (task.form_id !== form.id) throw new ValidationError('sync.approvalWrongForm', { form: form.label })
    const input = { taskId: op.task!, comment: op.comment || undefined, attachments: op.attachments?.length ? op.attachments : undefined }
    if (op.decision === 'approve') this.deps.flows.approve(actor, { ...input, fields: Object.keys(op.values).length ? op.values : undefined })
    else if (op.decision === 'reject') this.deps.flows.reject(actor, input)
    else this.deps.flows.returnTo(actor, { ...input, toNode: null })
    return task.record_id
  }

  private taskRecord(taskId: number): { form_id: number; record_id: number; assignee_id: number } | undefined {
    return this.deps.db.prepare('SELECT i.form_id, i.record_id, t.assignee_id FROM flow_tasks t JOIN flow_instances i ON i.id = t.instance_id WHERE t.id = ?').get(taskId) as
      { form_id: number; record_id: number; assignee_id: number } | undefined
  }

  /** The record an approval was about, for its inbox entry: only one the approver may see. */
  private approvalRecord(actor: Actor, op: SyncOp): number | null {
    const task = op.task === undefined ? undefined : this.taskRecord(op.task)
    if (!task || task.form_id !== op.form) return null
    try {
      this.deps.access.authorizeRecord(actor, 'view', this.deps.schema.form(task.form_id), task.record_id)
      return task.record_id
    } catch (e) {
      if (e instanceof DomainError) return null
      throw e
    }
  }

  /** Whether the client's value is what the host holds already (both sides typed the same: no conflict). */
  private sameValue(actor: Actor, form: FormModel, field: FieldModel, value: unknown, row: RecordRow): boolean {
    if (!field.column || COMPUTED_TYPES.has(field.type)) return false
    const stored = row[field.column] ?? null
    if (value === null || value === undefined || value === '') return stored === null || stored === ''
    try {
      const coerced = fieldType(field).coerce(value, field, { db: this.deps.db, clock: this.deps.clock, actorId: actor.id })
      return JSON.stringify(coerced ?? null) === JSON.stringify(stored)
    } catch {
      return false
    }
  }

  /**
   * The record's change-log entries after `after`, except those the device's own operations
   * wrote: a device editing a field twice offline does not conflict with itself.
   */
  private hostChanges(actor: Actor, device: string, formId: number, recordId: number, after: number): LogEntry[] {
    // The ranges of a device's operations do not overlap: the latest one starting at or before an entry is the only one that can hold it.
    return this.deps.db.prepare(`SELECT e.id, e.op, e.changes, e.actor_id, e.at FROM change_log e WHERE e.form_id = ? AND e.record_id = ? AND e.id > ?
      AND NOT EXISTS (SELECT 1 FROM (SELECT o.seq_to FROM sync_ops o WHERE o.user_id = ? AND o.device = ? AND o.seq_from <= e.id ORDER BY o.seq_from DESC LIMIT 1) WHERE seq_to >= e.id)
      ORDER BY e.id`).all(formId, recordId, after, actor.id, device) as LogEntry[]
  }

  /** A refused operation: its values are kept in the inbox with the reason, and the refusal is stored under its id. */
  private refuseAndKeep(actor: Actor, device: string, op: SyncOp, form: FormModel | null, recordId: number | null, error: DomainError, locale: Locale): SyncOpResult {
    let result!: SyncOpResult
    this.deps.writes.transaction(() => {
      let conflictId: number | null = null
      if (form) {
        const fields: Record<string, StoredField> = {}
        if (op.kind === 'approval') {
          fields['*task'] = { mine: op.task ?? null, theirs: null, by: null, at: null }
          fields['*decision'] = { mine: op.decision ?? null, theirs: null, by: null, at: null }
          if (op.comment) fields['*comment'] = { mine: op.comment, theirs: null, by: null, at: null }
          if (op.attachments?.length) fields['*attachments'] = { mine: op.attachments, theirs: null, by: null, at: null }
        }
        for (const [k, v] of Object.entries(op.values)) fields[k] = { mine: v, theirs: null, by: null, at: null }
        conflictId = this.storeConflict(actor, device, op, form, recordId, 'refused', fields, error)
      }
      result = { opId: op.opId, status: 'refused', id: recordId, conflictId, message: JSON.stringify([error.messageKey, error.params]), field: error.field ?? null }
      this.deps.db.prepare('INSERT OR IGNORE INTO sync_ops (op_id, user_id, device, form_id, status, result, seq_from, seq_to, at) VALUES (?, ?, ?, ?, ?, ?, NULL, NULL, ?)')
        .run(op.opId, actor.id, device, op.form, 'refused', JSON.stringify(result), this.deps.clock.now())
    })
    return this.translateStored(result, locale)
  }

  /** Results are stored with message keys and answered in the caller's language. */
  private translateStored(result: SyncOpResult, locale: Locale): SyncOpResult {
    if (!result.message) return result
    if (result.message.startsWith('[')) {
      const [key, params] = JSON.parse(result.message) as [string, Record<string, string | number>]
      return { ...result, message: translate(locale, key, params) }
    }
    return { ...result, message: translate(locale, result.message) }
  }

  private storeConflict(actor: Actor, device: string, op: SyncOp, form: FormModel, recordId: number | null, kind: ConflictKind, fields: Record<string, StoredField>, error: DomainError | null): number {
    const madeAt = Number(op.hlc.split('-')[0])
    return Number(this.deps.db.prepare(`INSERT INTO sync_conflicts (user_id, device, op_id, op, form_id, record_id, kind, fields, reason_key, reason_params, made_at, created_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(actor.id, device, op.opId, op.kind, form.id, recordId, kind, JSON.stringify(fields), error?.messageKey ?? null,
      error ? JSON.stringify(error.params) : null, madeAt, this.deps.clock.now()).lastInsertRowid)
  }

  // ---------- the 冲突 inbox ----------

  conflicts(actor: Actor, open: boolean, limit: number): ConflictDto[] {
    const rows = this.deps.db.prepare(`SELECT * FROM sync_conflicts WHERE user_id = ? AND (resolved_at IS NULL) = ? ORDER BY id DESC LIMIT ?`).all(actor.id, open ? 1 : 0, limit) as ConflictRow[]
    return rows.flatMap((r) => {
      const dto = this.toDto(actor, r)
      return dto ? [dto] : []
    })
  }

  /**
   * An entry as the user may see it now: a form they no longer view, or a record out of their
   * scope, is not shown (its values stay stored); fields now hidden from them are left out.
   */
  private toDto(actor: Actor, r: ConflictRow): ConflictDto | null {
    let form: FormModel
    try {
      form = this.deps.schema.form(r.form_id)
    } catch {
      return null
    }
    if (!this.deps.access.can(actor, 'view', form)) return null
    let title: string | null = null
    if (r.record_id !== null) {
      const scope = this.deps.access.rowScope(actor, form, 'view')
      const row = this.deps.db.prepare(`SELECT t.* FROM ${ident(form.table)} t WHERE t.id = ? AND (${scope.sql})`).get(r.record_id, ...scope.params) as RecordRow | undefined
      if (!row && r.kind !== 'refused') return null
      if (row) title = this.serializer.titles(form, [r.record_id], actor).get(r.record_id) ?? null
    }
    const hidden = this.deps.access.hiddenFieldIds(actor, form)
    const names = new Map<number, string>()
    const name = (id: number | null) => {
      if (id === null) return null
      if (!names.has(id)) names.set(id, (this.deps.db.prepare('SELECT name FROM users WHERE id = ?').pluck().get(id) as string | undefined) ?? `#${id}`)
      return names.get(id)!
    }
    const stored = JSON.parse(r.fields) as Record<string, StoredField>
    const fields: ConflictDto['fields'] = []
    for (const [key, f] of Object.entries(stored)) {
      if (key === '*task') continue
      if (key === '*attachments') {
        const files = Array.isArray(f.mine) ? (f.mine as Array<{ name?: unknown }>).map((a) => String(a.name ?? '')).join('、') : ''
        fields.push({ key, label: translate(actor.locale, 'sync.approval.attachments'), mine: files, theirs: null, theirsBy: null, theirsAt: null })
        continue
      }
      if (key === '*decision' || key === '*comment') {
        const mine = key === '*decision' ? translate(actor.locale, `sync.approval.${String(f.mine)}`) : f.mine
        fields.push({ key, label: translate(actor.locale, key === '*decision' ? 'sync.approval.decision' : 'sync.approval.comment'), mine, theirs: null, theirsBy: null, theirsAt: null })
        continue
      }
      const field = form.byKey.get(key)
      if (field && hidden.has(field.id)) continue
      if (!field && key !== 'owner' && key !== '*') continue
      const label = key === '*' ? translate(actor.locale, 'sync.wholeRecord') : key === 'owner' ? translate(actor.locale, 'sync.owner') : field!.label
      const mine = key === 'owner' ? this.ownerShown(f.mine, name) : field ? this.shown(actor, form, field, f.mine) : null
      fields.push({ key, label, mine, theirs: f.theirs ?? null, theirsBy: name(f.by), theirsAt: f.at ? new Date(f.at).toISOString() : null })
    }
    const reason = r.reason_key ? translate(actor.locale, r.reason_key, r.reason_params ? (JSON.parse(r.reason_params) as Record<string, string | number>) : {}) : null
    return {
      id: r.id, form: { id: form.id, label: form.label }, recordId: r.record_id, recordTitle: title, kind: r.kind, op: r.op, fields, reason,
      madeAt: new Date(r.made_at).toISOString(), device: r.device, createdAt: new Date(r.created_at).toISOString(), resolvedAt: r.resolved_at ? new Date(r.resolved_at).toISOString() : null
    }
  }

  /**
   * The client's value as records.get would show it (a member as {id, name}, a relation as
   * {id, title}, an option as its label…), so the inbox shows both sides the same way. A value the
   * host would not take (the reason of a refused entry) is shown as it was typed: it cannot be
   * converted, and the user copies it from there. Relation titles go through the user's row scope.
   */
  private shown(actor: Actor, form: FormModel, field: FieldModel, raw: unknown): unknown {
    if (raw === null || raw === undefined || raw === '') return null
    const type = fieldType(field)
    let stored: unknown
    try {
      stored = type.coerce(raw, field, { db: this.deps.db, clock: this.deps.clock, actorId: actor.id, scopeOf: (id) => this.deps.access.rowScope(actor, this.deps.schema.form(id), 'view') })
    } catch (e) {
      if (e instanceof DomainError) return raw
      throw e
    }
    return type.toApi(stored, field, { ...this.serializer.context(form, [new Map([[field.id, stored]])], actor), recordCreator: actor.id })
  }

  /** The client's owner (a user id) as records.get shows an owner. */
  private ownerShown(raw: unknown, name: (id: number | null) => string | null): unknown {
    return typeof raw === 'number' ? { id: raw, name: name(raw) } : (raw ?? null)
  }

  /**
   * Resolve an entry. Keeping mine writes the client's values through the pipeline as the user
   * (every check applies; a refusal changes nothing and leaves the entry open).
   */
  resolve(actor: Actor, input: { id: number; fields: Record<string, 'mine' | 'theirs'>; keep?: 'mine' | 'theirs' }): ConflictDto {
    const { db, writes } = this.deps
    const row = db.prepare('SELECT * FROM sync_conflicts WHERE id = ? AND user_id = ?').get(input.id, actor.id) as ConflictRow | undefined
    const dto = row ? this.toDto(actor, row) : null
    if (!row || !dto) throw new NotFoundError('sync.conflictNotFound', { id: input.id })
    if (row.resolved_at !== null) throw new ValidationError('sync.alreadyResolved', {})
    const stored = JSON.parse(row.fields) as Record<string, StoredField>
    writes.transaction(() => {
      if (row.kind === 'field') {
        const mine: Record<string, unknown> = {}
        for (const f of dto.fields) {
          const choice = input.fields[f.key]
          if (!choice) throw new ValidationError('sync.chooseField', { field: f.label }, f.key)
          if (choice === 'mine') mine[f.key] = stored[f.key]!.mine
        }
        if (Object.keys(mine).length) writes.update(actor, row.form_id, row.record_id!, mine)
      } else {
        if (!input.keep) throw new ValidationError('sync.chooseKeep', {})
        if (input.keep === 'mine') {
          const values = Object.fromEntries(Object.entries(stored).filter(([k]) => k !== '*').map(([k, f]) => [k, f.mine]))
          if (row.kind === 'delete') writes.delete(actor, row.form_id, [row.record_id!])
          else if (row.kind === 'deleted') {
            writes.restore(actor, row.form_id, [row.record_id!])
            if (Object.keys(values).length) writes.update(actor, row.form_id, row.record_id!, values)
          } else if (row.op === 'approval') this.approveAgain(actor, row, stored)
          else if (row.op === 'create') writes.create(actor, row.form_id, values)
          else if (row.op === 'delete' && row.record_id !== null) writes.delete(actor, row.form_id, [row.record_id])
          else if (row.record_id !== null && Object.keys(values).length) writes.update(actor, row.form_id, row.record_id, values)
        }
      }
      db.prepare('UPDATE sync_conflicts SET resolved_at = ?, resolution = ? WHERE id = ?').run(this.deps.clock.now(), JSON.stringify({ fields: input.fields, keep: input.keep ?? null }), row.id)
    })
    return this.toDto(actor, db.prepare('SELECT * FROM sync_conflicts WHERE id = ?').get(row.id) as ConflictRow)!
  }

  /**
   * 重新提交: the approval kept in the inbox, applied now to the approver's open to-do on the same
   * record (a task handed back or a resubmission makes a new one), else to the task it was for —
   * whose refusal (not theirs, closed) is answered as such and leaves the entry open.
   */
  private approveAgain(actor: Actor, row: ConflictRow, stored: Record<string, StoredField>): void {
    const values = Object.fromEntries(Object.entries(stored).filter(([k]) => !k.startsWith('*')).map(([k, f]) => [k, f.mine]))
    const current = row.record_id === null ? undefined : this.deps.db.prepare(`SELECT t.id FROM flow_tasks t JOIN flow_instances i ON i.id = t.instance_id
      WHERE i.form_id = ? AND i.record_id = ? AND i.status = 'running' AND t.assignee_id = ? AND t.status = 'pending' AND t.kind IN ('approval', 'fillin') ORDER BY t.id DESC LIMIT 1`)
      .pluck().get(row.form_id, row.record_id, actor.id) as number | undefined
    const op = {
      opId: row.op_id, hlc: '0000000000000-0', form: row.form_id, schemaVersion: 0, kind: 'approval', values, base: {},
      task: current ?? (stored['*task']?.mine as number), decision: stored['*decision']?.mine as SyncOp['decision'], comment: (stored['*comment']?.mine as string | undefined) ?? undefined,
      attachments: (stored['*attachments']?.mine as SyncOp['attachments']) ?? undefined
    } satisfies SyncOp
    this.approve(actor, this.deps.schema.form(row.form_id), op)
  }

  /** Open entries of the user (the status chip's 冲突 N). */
  openCount(actor: Actor): number {
    return this.deps.db.prepare('SELECT COUNT(*) FROM sync_conflicts WHERE user_id = ? AND resolved_at IS NULL').pluck().get(actor.id) as number
  }
}

export type { RecordDto }
