import type { Statement } from 'better-sqlite3'
import dayjs from 'dayjs'
import { ident, type Sqlite } from '../db/connection'
import type { Clock } from '../clock'
import { writable, type AccessLayer, type RecordAction } from '../access/access-layer'
import type { Actor } from '../access/actor'
import type { DomainEvent, EventBus, RecordEvent } from '../events'
import type { AuditLog } from '../access/audit'
import type { SchemaService } from '../forms/schema-service'
import { fieldType } from '../forms/field-types/registry'
import { relationConfig } from '../forms/field-types/relation'
import { subtableRows, type StoredSubRow } from '../forms/field-types/subtable'
import { phoneSearchForm } from '../forms/field-types/text'
import { storeFormulaValue } from '../forms/field-types/computed'
import { optionsOf } from '../forms/field-types/select'
import { fail } from '../forms/field-types/common'
import { member } from '../forms/field-types/member'
import { storedHashes } from '../forms/field-types/attachment'
import { linkTable, subTable, type FieldModel, type FormModel } from '../forms/model'
import type { CoerceContext, ReadContext } from '../forms/field-types/types'
import type { FilterNode } from '../shared/api/contracts'
import { findOptionIn, matchFilter } from '../shared/filter-match'
import { COMPUTED_TYPES, fillFromOf, subtableCellLabel } from '../shared/field-types'
import { ConflictError, DomainError, NotFoundError, ValidationError } from '../shared/errors'
import { evaluate, isFormulaDate } from '../shared/formula'
import { isBlank } from '../shared/values'
import { evalContext, rowEvalContext, loadOutOfRowValues, valuesFromRow, type RecordRow, type StoredValues } from './stored'

/**
 * The one write pipeline. Every create, update, delete and restore — from the UI, the REST API,
 * an import, a rule, a flow or sync — goes through here, in one transaction:
 *   1 authorize → 2 validate/coerce → 3 defaults, auto-numbers, formulas, roll-ups →
 *   4 write row(s) → 5 change log → 6 domain events (delivered after commit).
 * Nothing else writes to a form table. If any step throws, the transaction rolls back: no row,
 * no log entry, no event.
 */

type Changes = Record<string, [unknown, unknown]>

interface Pending {
  events: DomainEvent[]
  depth: number
  /** Owner look-ups made in this transaction (input → user id). */
  owners: Map<string, number>
  /** Set by bulkWrite: stored with every change-log entry (an import's batch id). */
  detail?: Record<string, unknown>
  /** Set by bulkWrite with `events: false`: the writes trigger no rules or flows. */
  quiet?: boolean
  /** Coercion contexts of this transaction, per actor id (an import coerces thousands of rows). */
  contexts: Map<number, CoerceContext>
  /** Set by onBehalfOf: the person updates are recorded as made by (log, 修改人, events). */
  onBehalf?: Actor
  /** Set by asEngine: the calling engine decided the owner and the system-owned values it writes. */
  engine?: boolean
  /**
   * Set by asHistory, bulkCreate and bulkWrite with action `import`: the writes record history
   * (imported won deals, an import undone), not a person moving a record, so `requiredOnEnter` is not checked.
   */
  history?: boolean
  /** System-owned field ids per form, looked up once per transaction (an import writes many rows). */
  owned: Map<number, ReadonlySet<number>>
  /** Set by tryBulkWrite: the transaction is always rolled back, so what no check reads is not written. */
  trial?: boolean
  /** Set by bulkWrite with `suspend`: the records inserted while a form's insert triggers are suspended. */
  suspended?: { suspension: TriggerSuspension; inserted: Set<number> } | null
}

/**
 * Insert triggers of a form's table suspended for one bulk write, inside its transaction (report
 * summaries: src-main/reports/summaries.ts). The pipeline notes each record it inserts into
 * `table`; before it updates a record of `table`, or columns of another table that `needs` names,
 * and at the end of the bulk write (also when it fails), it calls `resume` with those records:
 * what the triggers would have done for them is done, and the triggers are back.
 */
export interface TriggerSuspension {
  readonly table: string
  /** Whether an update of these columns of a table must find the triggers' work done. */
  needs(table: string, columns: readonly string[]): boolean
  /** Do for these records what the suspended triggers would have done, and restore the triggers (once). */
  resume(inserted: ReadonlySet<number>): void
}

/** One row of a bulk write: created, or with `id` an update of that record. */
export interface BulkRow { id?: number; values: Record<string, unknown> }
export type BulkOutcome = { ok: true; op: 'create' | 'update'; id: number } | { ok: false; error: DomainError }
export interface BulkOptions {
  /** The permission checked on the form (imports need `import`). */
  action?: RecordAction
  /** Skip rows that fail (each row in its own savepoint) instead of rolling back the whole batch. */
  skipBad?: boolean
  /** False: no record events, so rules and flows do not run on these writes. */
  events?: boolean
  /** Stored with each change-log entry of the batch (e.g. `{ importId }`). */
  detail?: Record<string, unknown>
  /**
   * For a batch of creates only: the form's insert triggers suspended while it writes (see
   * TriggerSuspension), e.g. `(form) => summaries.suspendInserts(form)`. Null: nothing to suspend.
   */
  suspend?: (form: FormModel) => TriggerSuspension | null
}

const OWNER_FIELD = { id: -1, label: '负责人', apiKey: 'owner', type: 'member', config: {} } as unknown as FieldModel

/** Field types a 关联带出 may copy from. */
const FILLABLE_SOURCES: ReadonlySet<string> = new Set(['text', 'textarea', 'number', 'amount', 'percent', 'phone', 'email', 'url', 'date'])

export class WritePipeline {
  private statements = new Map<string, Statement>()
  private readonly inserts = new Map<number, { statement: Statement; cols: FieldModel[]; version: number; form: FormModel }>()
  private pending: Pending | null = null
  /** Whether a person may attach a stored file they did not find in the field (src-main/attachments/attach.ts; set by the core). */
  attachPolicy: ((actor: Actor, hash: string) => boolean) | null = null
  /**
   * Engines that govern a record for a while check each update (input keys) and delete (null) of
   * it here, after the access checks and inside the write transaction: the flow engine applies the
   * current node's field permissions while a record is in a flow. A guard throws to refuse.
   */
  readonly guards: Array<(actor: Actor, form: FormModel, recordId: number, input: Record<string, unknown> | null) => void> = []
  /**
   * Called with a transaction's events as its last step before it commits: an engine that must
   * not miss an event (event-triggered rules) records it durably in the same transaction.
   */
  readonly beforeCommit: Array<(events: readonly DomainEvent[]) => void> = []
  /**
   * Engines that write fields themselves name them here (the flow engine: the approval status its
   * published flows write back). Such fields, and those the form marks `config.systemOwned`, are
   * written only by the system actor (flows, rules, derived values) or inside `asEngine`.
   */
  readonly systemFieldSources: Array<(form: FormModel) => Iterable<string>> = []
  /**
   * Values an app keeps following other values of the same record (the sales app's 赢单率 follows
   * 销售阶段). Each is called inside the write, after the input is applied and before formulas and
   * checks, with the fields the writer gave; it sets what follows on `values`. Deriving in the
   * write itself (not in a second update after commit) makes the value part of the same change —
   * one history entry, the same for an import with rules off — and costs no second write.
   * `before`: the stored values before an update (null when creating).
   */
  readonly derivations: Array<(form: FormModel, values: StoredValues, given: ReadonlySet<number>, before: StoredValues | null) => void> = []

  constructor(
    private readonly db: Sqlite,
    private readonly schema: SchemaService,
    private readonly access: AccessLayer,
    private readonly clock: Clock,
    private readonly events: EventBus,
    private readonly audit: AuditLog
  ) {}

  /**
   * Several writes as one change (a lead conversion, a merge): one transaction, all or nothing,
   * events delivered only after it commits.
   */
  transaction<T>(fn: () => T): T {
    return this.run(fn)
  }

  /** An engine's own event about a change it made in this transaction (flow.finished): delivered with the records' after commit. */
  queueEvent(event: DomainEvent): void {
    if (!this.pending) throw new Error('queueEvent outside a write transaction')
    this.pending.events.push(event)
  }

  /**
   * Updates an engine makes with its own authority on a person's behalf — an approver's edits of
   * the fields their flow node makes editable, which their roles might not — are authorized as
   * the engine (the actor passed to update) and recorded as that person's: the change log, 修改人
   * and the events name them.
   */
  onBehalfOf<T>(person: Actor, fn: () => T): T {
    return this.run(() => {
      const pending = this.pending!
      const outer = pending.onBehalf
      pending.onBehalf = person
      try {
        return fn()
      } finally {
        pending.onBehalf = outer
      }
    })
  }

  /**
   * Writes whose owner and system-owned values an engine decided itself, after its own checks — a
   * lead conversion gives the new customer the lead's owner, a pool release empties the owner, the
   * sample data writes approval states. Inside `fn` those two checks are the engine's; every other
   * check (form action, record scope, field permissions) still applies to the actor.
   */
  asEngine<T>(fn: () => T): T {
    return this.run(() => {
      const pending = this.pending!
      const outer = pending.engine
      pending.engine = true
      try {
        return fn()
      } finally {
        pending.engine = outer
      }
    })
  }

  /**
   * Writes that record history rather than move a record now: an import of last year's won deals,
   * an import undone. Inside `fn` a field's `requiredOnEnter` (赢单 needs the signed contract scan)
   * is not checked — every other check is: those records did enter the stage, long before the gate.
   */
  asHistory<T>(fn: () => T): T {
    return this.run(() => {
      const pending = this.pending!
      const outer = pending.history
      pending.history = true
      try {
        return fn()
      } finally {
        pending.history = outer
      }
    })
  }

  /**
   * Fields of the form no person writes: those marked `config.systemOwned` in the form (审批状态)
   * and those an engine declares it writes (see systemFieldSources).
   */
  systemOwnedFields(form: FormModel): ReadonlySet<number> {
    const known = this.pending?.owned.get(form.id)
    if (known) return known
    const ids = new Set(form.fields.filter((f) => (f.config as { systemOwned?: unknown }).systemOwned === true).map((f) => f.id))
    for (const source of this.systemFieldSources) {
      for (const key of source(form)) {
        const f = form.byKey.get(key)
        if (f) ids.add(f.id)
      }
    }
    this.pending?.owned.set(form.id, ids)
    return ids
  }

  create(actor: Actor, formRef: number | string, input: Record<string, unknown>): number {
    return this.run(() => {
      const form = this.schema.form(formRef)
      this.access.authorize(actor, 'create', form)
      return this.insertOne(actor, form, input)
    })
  }

  /** The bulk path for imports: same rules per row, one transaction, all or nothing. */
  bulkCreate(actor: Actor, formRef: number | string, rows: Array<Record<string, unknown>>, action: RecordAction = 'import'): number[] {
    return this.asHistory(() => {
      const form = this.schema.form(formRef)
      this.access.authorize(actor, action, form)
      const ids: number[] = []
      rows.forEach((row, i) => {
        try {
          ids.push(this.insertOne(actor, form, row))
        } catch (e) {
          if (e instanceof DomainError) e.row = i + 1
          throw e
        }
      })
      return ids
    })
  }

  /**
   * What bulkWrite would answer for these rows, always rolled back: each row goes through exactly
   * the steps of the real write (coercion, defaults, formulas, validation, unique values within
   * the rows and against the table, permissions), so an import's preview counts what its run
   * writes. The change log and the search index, which no check reads, are not written, and no
   * event is delivered. Must be called outside any write transaction (it owns its own).
   */
  tryBulkWrite(actor: Actor, formRef: number | string, rows: BulkRow[], options: Omit<BulkOptions, 'events' | 'detail'> = {}): BulkOutcome[] {
    if (this.pending) throw new Error('tryBulkWrite inside a write transaction')
    const rollback = Symbol('rollback')
    let outcomes: BulkOutcome[] = []
    try {
      this.run(() => {
        this.pending!.trial = true
        outcomes = this.bulkWrite(actor, formRef, rows, { ...options, events: false })
        throw rollback
      })
    } catch (e) {
      if (e !== rollback) throw e
    }
    return outcomes
  }

  /**
   * The bulk path for imports with update and upsert: creates and updates in one transaction, each
   * row through the same steps as create/update. With `skipBad` a failing row is rolled back to
   * its savepoint and reported, the others are kept; without it the first failure rolls back all.
   */
  bulkWrite(actor: Actor, formRef: number | string, rows: BulkRow[], options: BulkOptions = {}): BulkOutcome[] {
    return this.run(() => {
      const form = this.schema.form(formRef)
      this.access.authorize(actor, options.action ?? 'import', form)
      const pending = this.pending!
      const outer = { detail: pending.detail, quiet: pending.quiet, history: pending.history }
      // The import wizard writes history (won deals from the old spreadsheet): no stage is entered now.
      if ((options.action ?? 'import') === 'import') pending.history = true
      if (options.detail) pending.detail = options.detail
      if (options.events === false) pending.quiet = true
      const suspension = options.suspend && !pending.suspended && rows.length > 1 && rows.every((r) => r.id === undefined) ? options.suspend(form) : null
      if (suspension) pending.suspended = { suspension, inserted: new Set() }
      try {
        return rows.map((row, i): BulkOutcome => {
          const step = (): BulkOutcome => {
            if (row.id === undefined) return { ok: true, op: 'create', id: this.insertOne(actor, form, row.values) }
            this.access.authorizeRecord(actor, 'edit', form, row.id)
            this.updateOne(actor, form, row.id, row.values)
            return { ok: true, op: 'update', id: row.id }
          }
          if (!options.skipBad) {
            try {
              return step()
            } catch (e) {
              if (e instanceof DomainError) e.row = i + 1
              throw e
            }
          }
          const queued = pending.events.length
          const suspended = pending.suspended
          try {
            return this.db.transaction(step)()
          } catch (e) {
            if (!(e instanceof DomainError)) throw e
            // The savepoint rolled back this row's log entries and events: forget them too.
            this.audit.reset()
            pending.events.length = queued
            // And a resume made inside it: the triggers are suspended again, the rows not yet added.
            pending.suspended = suspended
            e.row = i + 1
            return { ok: false, error: e }
          }
        })
      } finally {
        pending.detail = outer.detail
        pending.quiet = outer.quiet
        pending.history = outer.history
        // Also when a row failed: whatever the caller then does, the triggers' work matches the rows.
        if (suspension) this.resumeSuspended()
      }
    })
  }

  /** The suspended triggers' work done for the records inserted so far, and the triggers back. */
  private resumeSuspended(): void {
    const suspended = this.pending?.suspended
    if (!suspended) return
    this.pending!.suspended = null
    suspended.suspension.resume(suspended.inserted)
  }

  /** Before an update of these columns of a table: resume suspended triggers that must see it. */
  private touch(table: string, columns: readonly string[]): void {
    const suspended = this.pending?.suspended
    if (suspended && suspended.suspension.needs(table, columns)) this.resumeSuspended()
  }

  update(actor: Actor, formRef: number | string, id: number, input: Record<string, unknown>, expectedVersion?: number): void {
    this.run(() => {
      const form = this.schema.form(formRef)
      this.access.authorizeRecord(actor, 'edit', form, id)
      this.updateOne(actor, form, id, input, expectedVersion)
    })
  }

  private updateOne(actor: Actor, form: FormModel, id: number, input: Record<string, unknown>, expectedVersion?: number): void {
    for (const guard of this.guards) guard(actor, form, id, input)
    const row = this.loadRow(form, id)
    if (expectedVersion !== undefined && row.version !== expectedVersion) throw new ConflictError('error.versionConflict')
    const before = this.loadValues(form, row)
    const after = new Map(before)
    const touched = this.applyInput(actor, form, input, after, false)
    for (const derive of this.derivations) derive(form, after, touched, before)
    if ('owner' in input) touched.add(-1)
    const owner = 'owner' in input ? this.coerceOwner(input.owner) : row.owner_id
    if (owner !== row.owner_id) this.authorizeOwner(actor, form, id)
    this.fillFromRelations(actor, form, after)
    this.compute(form, after)
    this.check(form, after, id, actor, before)
    const changes = this.diff(form, before, after)
    if (owner !== row.owner_id) changes['owner'] = [row.owner_id, owner]
    if (!Object.keys(changes).length) return
    const by = this.pending?.onBehalf ?? actor
    this.writeUpdate(by, form, row, before, after, owner)
    this.log(by, form, id, 'update', changes)
    this.queue('record.updated', form, id, by, this.changedKeys(form, changes))
    this.propagate(actor, form, before, after, changes)
  }

  delete(actor: Actor, formRef: number | string, ids: number[]): number {
    return this.setDeleted(actor, formRef, ids, true)
  }

  restore(actor: Actor, formRef: number | string, ids: number[]): number {
    return this.setDeleted(actor, formRef, ids, false)
  }

  /**
   * Deletes are soft: the row stays (with its sub-table rows and links) and is hidden by
   * deleted_at, so a restore brings everything back. Restoring re-checks unique fields.
   */
  private setDeleted(actor: Actor, formRef: number | string, ids: number[], deleted: boolean): number {
    return this.run(() => {
      const form = this.schema.form(formRef)
      this.access.authorize(actor, 'delete', form)
      let n = 0
      const now = this.clock.now()
      for (const id of ids) {
        if (deleted) {
          this.access.authorizeRecord(actor, 'delete', form, id)
          for (const guard of this.guards) guard(actor, form, id, null)
        }
        const row = this.loadRow(form, id, !deleted)
        if ((row.deleted_at !== null) === deleted) continue
        const values = this.loadValues(form, row)
        if (!deleted) this.check(form, values, id, actor)
        this.touch(form.table, ['deleted_at', 'updated_at', 'updated_by', 'version'])
        this.stmt(`UPDATE ${ident(form.table)} SET deleted_at = ?, updated_at = ?, updated_by = ?, version = version + 1 WHERE id = ?`).run(deleted ? now : null, now, actor.id || null, id)
        this.log(actor, form, id, deleted ? 'delete' : 'restore', {})
        this.queue(deleted ? 'record.deleted' : 'record.restored', form, id, actor, [])
        this.propagate(actor, form, values, values, null)
        n++
      }
      return n
    })
  }

  /**
   * Hand records to another owner: the chosen ids, or every record `fromUserId` owns that the
   * actor may edit (a rep leaves). Each record's owner change is logged like any update, plus one
   * summary entry for the transfer.
   */
  transfer(actor: Actor, formRef: number | string, input: { ids?: number[]; fromUserId?: number; toUserId: number }): number {
    return this.run(() => {
      const form = this.schema.form(formRef)
      this.access.authorize(actor, 'transfer', form)
      const to = this.coerceOwner(input.toUserId)
      let ids = input.ids ?? []
      if (!input.ids) {
        const scope = this.access.rowScope(actor, form, 'edit')
        ids = this.db.prepare(`SELECT t.id FROM ${ident(form.table)} t WHERE t.deleted_at IS NULL AND t.owner_id = ? AND (${scope.sql}) ORDER BY t.id`).pluck().all(input.fromUserId ?? -1, ...scope.params) as number[]
      }
      let n = 0
      for (const id of ids) {
        const before = this.loadRow(form, id)
        if (before.owner_id === to) continue
        this.update(actor, form.id, id, { owner: to })
        n++
      }
      this.audit.append({ op: 'records.transfer', formId: form.id, actorId: actor.id || null, detail: { fromUserId: input.fromUserId ?? null, toUserId: to, count: n, ids: ids.slice(0, 1000) } })
      return n
    })
  }

  collaborators(formId: number, recordId: number): number[] {
    return this.db.prepare('SELECT user_id FROM collaborators WHERE form_id = ? AND record_id = ? ORDER BY user_id').pluck().all(formId, recordId) as number[]
  }

  setCollaborators(actor: Actor, formRef: number | string, recordId: number, userIds: number[]): number[] {
    return this.run(() => {
      const form = this.schema.form(formRef)
      this.access.authorizeRecord(actor, 'edit', form, recordId)
      const before = this.collaborators(form.id, recordId)
      const after = [...new Set(userIds.map((u) => this.coerceOwner(u)!))].sort((a, b) => a - b)
      this.db.prepare('DELETE FROM collaborators WHERE form_id = ? AND record_id = ?').run(form.id, recordId)
      const insert = this.stmt('INSERT INTO collaborators (form_id, record_id, user_id) VALUES (?, ?, ?)')
      for (const u of after) insert.run(form.id, recordId, u)
      if (JSON.stringify(before) !== JSON.stringify(after)) {
        this.audit.append({ op: 'records.collaborators', formId: form.id, recordId, actorId: actor.id || null, changes: { collaborators: [before, after] } })
      }
      return after
    })
  }

  /**
   * Merge options of a select or multi-select field (top-level or in a sub-table) into one: every
   * record holding a merged option — deleted ones too, so a restore brings back the merged value —
   * is changed and logged like any update, multi-selects de-duplicated; then the merged options are
   * removed from the field. One transaction: all of it or nothing. It is a schema change, so it
   * applies to every record whatever the actor's row scope; the caller needs the design permission.
   * Returns the field after the change and the number of records changed.
   */
  mergeOptions(actor: Actor, fieldId: number, from: string[], into: string): { field: FieldModel; updated: number } {
    return this.run(() => {
      const field = this.schema.fieldById(fieldId)
      const form = this.schema.form(field.formId)
      this.access.authorizeDesign(actor, form)
      if ((field.type !== 'select' && field.type !== 'multiselect') || !field.column) throw new ValidationError('schema.notSelectField', { field: field.label }, 'id')
      const options = optionsOf(field)
      const target = findOptionIn(options, into) ?? fail(field, 'schema.unknownOption', into, { option: into })
      const merged = [...new Set(from.map((f) => (findOptionIn(options, f) ?? fail(field, 'schema.unknownOption', f, { option: f })).id))].filter((id) => id !== target.id)
      if (!merged.length) throw new ValidationError('schema.mergeIntoSelf', { option: target.label, field: field.label }, 'from')
      const order = options.map((o) => o.id)
      const rewrite = (v: unknown): unknown => {
        if (typeof v !== 'string') return v
        if (field.type === 'select') return merged.includes(v) ? target.id : v
        const list = JSON.parse(v) as string[]
        if (!list.some((id) => merged.includes(id))) return v
        const next = [...new Set(list.map((id) => (merged.includes(id) ? target.id : id)))].sort((a, b) => order.indexOf(a) - order.indexOf(b))
        return JSON.stringify(next)
      }
      const col = ident(field.column)
      const holds = field.type === 'select'
        ? `${col} IN (${merged.map(() => '?').join(',')})`
        : `EXISTS (SELECT 1 FROM json_each(${col}) WHERE value IN (${merged.map(() => '?').join(',')}))`
      const recordIds = (field.parentFieldId === null
        ? this.db.prepare(`SELECT id FROM ${ident(form.table)} WHERE ${holds} ORDER BY id`).pluck().all(...merged)
        : this.db.prepare(`SELECT DISTINCT parent_id FROM ${ident(subTable(field.parentFieldId))} WHERE ${holds} ORDER BY parent_id`).pluck().all(...merged)) as number[]
      if (field.unique && field.parentFieldId === null && recordIds.length + (this.db.prepare(`SELECT COUNT(*) FROM ${ident(form.table)} WHERE ${col} = ? AND deleted_at IS NULL`).pluck().get(target.id) as number) > 1) {
        throw new ValidationError('schema.uniqueViolation', { field: field.label }, 'into')
      }
      for (const id of recordIds) {
        const row = this.loadRow(form, id, true)
        const before = this.loadValues(form, row)
        const after = new Map(before)
        if (field.parentFieldId === null) after.set(field.id, rewrite(before.get(field.id)))
        else {
          const rows = (before.get(field.parentFieldId) ?? []) as StoredSubRow[]
          after.set(field.parentFieldId, rows.map((r) => ({ id: r.id, values: new Map([...r.values].map(([k, v]) => [k, k === field.id ? rewrite(v) : v])) })))
        }
        this.compute(form, after, id)
        const changes = this.diff(form, before, after)
        if (!Object.keys(changes).length) continue
        this.writeUpdate(actor, form, row, before, after, row.owner_id)
        this.log(actor, form, id, 'update', changes)
        this.queue('record.updated', form, id, actor, this.changedKeys(form, changes))
        this.propagate(actor, form, before, after, changes)
      }
      this.schema.replaceOptionReferences(field, merged, target.id)
      const { field: updated } = this.schema.updateField({ id: field.id, config: { ...field.config, options: options.filter((o) => !merged.includes(o.id)) } })
      return { field: updated, updated: recordIds.length }
    })
  }

  /** Recompute formulas and roll-ups of every record of a form (after a schema change), in batches. */
  recomputeAll(form: FormModel): void {
    if (!form.computeOrder.length) return
    const read = this.db.prepare(`SELECT * FROM ${ident(form.table)} WHERE id > ? ORDER BY id LIMIT 500`)
    let last = 0
    for (;;) {
      const rows = read.all(last) as RecordRow[]
      if (!rows.length) break
      for (const row of rows) {
        last = row.id
        const before = this.loadValues(form, row)
        const after = new Map(before)
        this.compute(form, after, row.id)
        const cols = form.computeOrder.filter((f) => f.column && after.get(f.id) !== before.get(f.id))
        if (cols.length) {
          this.touch(form.table, cols.map((f) => f.column!))
          this.stmt(`UPDATE ${ident(form.table)} SET ${cols.map((f) => `${ident(f.column!)} = ?`).join(', ')} WHERE id = ?`).run(...cols.map((f) => after.get(f.id) ?? null), row.id)
        }
      }
    }
  }

  // ---------- steps ----------

  private run<T>(fn: () => T): T {
    if (this.pending) {
      this.pending.depth++
      try {
        return fn()
      } finally {
        this.pending.depth--
      }
    }
    const pending: Pending = { events: [], depth: 0, owners: new Map(), contexts: new Map(), owned: new Map() }
    this.pending = pending
    let result: T
    try {
      result = this.db.transaction(() => {
        const value = fn()
        if (pending.events.length) for (const hook of this.beforeCommit) hook(pending.events)
        return value
      })()
    } catch (e) {
      this.audit.reset()
      throw e
    } finally {
      this.pending = null
    }
    // Delivered only after commit (see events.ts).
    this.events.emit(pending.events)
    return result
  }

  private insertOne(actor: Actor, form: FormModel, input: Record<string, unknown>): number {
    const values: StoredValues = new Map()
    for (const f of form.fields) values.set(f.id, f.type === 'subtable' || (f.type === 'relation' && relationConfig(f).multiple) ? [] : null)
    const given = this.applyInput(actor, form, input, values, true)
    this.applyDefaults(form, values, given)
    for (const derive of this.derivations) derive(form, values, given, null)
    const owner = 'owner' in input && !isBlank(input.owner) ? this.coerceOwner(input.owner) : actor.id || null
    if (owner !== (actor.id || null)) this.authorizeOwner(actor, form, null)
    const now = this.clock.now()
    for (const f of form.fields) if (f.type === 'autonumber') values.set(f.id, this.nextNumber(f, now))
    this.fillFromRelations(actor, form, values)
    this.compute(form, values)
    this.check(form, values, null, actor)
    const id = this.writeInsert(actor, form, values, owner, now)
    const changes: Changes = {}
    for (const f of form.fields) {
      const v = values.get(f.id)
      if (v !== null && v !== undefined && !(Array.isArray(v) && !v.length)) changes[f.id] = [null, logValue(v)]
    }
    if (owner !== null) changes['owner'] = [null, owner]
    this.log(actor, form, id, 'create', changes)
    this.queue('record.created', form, id, actor, [])
    this.propagate(actor, form, null, values, changes)
    return id
  }

  /** Step 2: map input keys to fields and coerce each value with its type. Returns the ids given. */
  private applyInput(actor: Actor, form: FormModel, input: Record<string, unknown>, values: StoredValues, creating: boolean): Set<number> {
    const given = new Set<number>()
    const ctx = this.attachContext(actor, this.coerceContext(actor), (f) => [values.get(f.id)])
    const rules = this.access.writeRules(actor, form)
    const owned = actor.id === 0 || this.pending?.engine ? null : this.systemOwnedFields(form)
    for (const key of Object.keys(input)) {
      const raw = input[key]
      if (key === 'owner' || key === 'id') continue
      const field = form.byKey.get(key) ?? form.fields.find((f) => f.label === key)
      if (!field) throw new ValidationError('value.unknownField', { field: key }, key)
      if (COMPUTED_TYPES.has(field.type)) {
        if (isBlank(raw)) continue
        throw new ValidationError('value.readOnly', { field: field.label }, field.apiKey)
      }
      if (!writable(rules, field)) {
        // A hidden field does not exist for the caller; a read-only one says so.
        if (rules.hidden.has(field.id)) throw new ValidationError('value.unknownField', { field: key }, key)
        throw new ValidationError('value.readOnly', { field: field.label }, field.apiKey)
      }
      const stored = this.coerceValue(actor, form, field, raw, values, ctx)
      if (owned?.has(field.id)) {
        // Sending back the value the record has (or, new, would get) changes nothing: allowed.
        if (same(stored, creating ? this.defaultOf(field) : values.get(field.id) ?? null)) continue
        throw new ValidationError('value.systemOwned', { field: field.label }, field.apiKey)
      }
      given.add(field.id)
      values.set(field.id, stored)
    }
    return given
  }

  /** One input value as stored: sub-table rows, ids of a multiple relation, or the type's coerced and validated value. */
  private coerceValue(actor: Actor, form: FormModel, field: FieldModel, raw: unknown, values: StoredValues, ctx: CoerceContext): unknown {
    if (field.type === 'subtable') return isBlank(raw) ? [] : this.coerceRows(actor, form, field, raw, values.get(field.id) as StoredSubRow[] | undefined)
    const multiple = field.type === 'relation' && relationConfig(field).multiple
    if (isBlank(raw) || (Array.isArray(raw) && raw.length === 0)) return multiple ? [] : null
    const mod = fieldType(field)
    const stored = mod.coerce(raw, field, ctx)
    mod.validate?.(stored, field)
    return stored
  }

  /** The value a new record starts with: its plain (non-formula) default, else empty. */
  private defaultOf(field: FieldModel): unknown {
    if (field.type === 'subtable' || (field.type === 'relation' && relationConfig(field).multiple)) return []
    if (field.defaultFormula || field.defaultValue === null || field.defaultValue === undefined) return null
    return fieldType(field).coerce(field.defaultValue, field, { db: this.db, clock: this.clock })
  }

  /** The owner of a record is someone else's choice only for those who may assign it (see AccessLayer.mayAssignOwner). */
  private authorizeOwner(actor: Actor, form: FormModel, recordId: number | null): void {
    if (this.pending?.engine || this.access.mayAssignOwner(actor, form, recordId)) return
    throw new ValidationError('value.ownerAssign', {}, 'owner')
  }

  private coerceRows(actor: Actor, form: FormModel, field: FieldModel, raw: unknown, existing: StoredSubRow[] | undefined): StoredSubRow[] {
    const children = form.children.get(field.id) ?? []
    const ctx = this.attachContext(actor, this.coerceContext(actor), (child) => (existing ?? []).map((r) => r.values.get(child.id)))
    const known = new Set((existing ?? []).map((r) => r.id))
    return subtableRows(raw, field).map((row, i) => {
      const values = new Map<number, unknown>()
      for (const [key, v] of Object.entries(row.values)) {
        const child = children.find((c) => c.apiKey === key || c.label === key)
        if (!child) throw new ValidationError('value.unknownField', { field: `${field.label}.${key}` }, field.apiKey)
        if (isBlank(v)) continue
        const mod = fieldType(child)
        try {
          const stored = mod.coerce(v, child, ctx)
          mod.validate?.(stored, child)
          values.set(child.id, stored)
        } catch (e) {
          if (e instanceof ValidationError) throw new ValidationError(e.messageKey, { ...e.params, field: subtableCellLabel(field.label, i, child.label) }, field.apiKey)
          throw e
        }
      }
      for (const child of children) {
        if (child.required && (values.get(child.id) ?? null) === null) {
          throw new ValidationError('value.required', { field: subtableCellLabel(field.label, i, child.label) }, field.apiKey)
        }
      }
      // An id that is not one of this record's rows is treated as a new row, never an update elsewhere.
      return { id: row.id !== undefined && known.has(row.id) ? row.id : 0, values }
    })
  }

  private applyDefaults(form: FormModel, values: StoredValues, given: Set<number>): void {
    const ctx = { db: this.db, clock: this.clock }
    for (const f of form.fields) {
      if (given.has(f.id) || COMPUTED_TYPES.has(f.type) || f.defaultValue === null || f.defaultValue === undefined) continue
      if (f.defaultFormula) {
        const result = evaluate(f.defaultFormula, evalContext(form, values, () => this.clock.now()))
        // A date-time default keeps its time (=NOW() on a new 跟进 is now, not today 00:00).
        const r = result.value
        const v = f.type === 'datetime' && isFormulaDate(r) ? new Date(r.ms).toISOString() : storeFormulaValue(r)
        if (v !== null) values.set(f.id, fieldType(f).coerce(v, f, ctx))
      } else if (f.type !== 'subtable') {
        values.set(f.id, fieldType(f).coerce(f.defaultValue, f, ctx))
      }
    }
  }

  /**
   * 关联带出 (config.fillFrom): an empty field takes a value of the record its sibling relation
   * picks — on the record itself and in every sub-table row (报价明细 单价 ← 产品 标准单价). A field
   * of the picked record hidden from the actor is not copied.
   */
  private fillFromRelations(actor: Actor, form: FormModel, values: StoredValues): void {
    const fill = (fields: FieldModel[], get: (f: FieldModel) => unknown, set: (f: FieldModel, v: unknown) => void) => {
      for (const f of fields) {
        const source = fillFromOf(f)
        if (!source || !isBlank(get(f))) continue
        const relation = fields.find((r) => r.apiKey === source.relationFieldKey)
        if (!relation || relation.type !== 'relation' || relationConfig(relation).multiple) continue
        const picked = get(relation)
        if (typeof picked !== 'number') continue
        const value = this.relatedValue(actor, relationConfig(relation).targetFormId, picked, source.targetFieldKey)
        if (value === null) continue
        try {
          const stored = fieldType(f).coerce(value, f, this.coerceContext(actor))
          fieldType(f).validate?.(stored, f)
          set(f, stored)
        } catch (e) {
          // A value this field cannot hold (text into a number) is simply not copied.
          if (!(e instanceof ValidationError)) throw e
        }
      }
    }
    fill(form.fields.filter((f) => f.parentFieldId === null), (f) => values.get(f.id) ?? null, (f, v) => values.set(f.id, v))
    for (const [parentId, children] of form.children) {
      const rows = values.get(parentId)
      if (!Array.isArray(rows)) continue
      for (const row of rows as StoredSubRow[]) fill(children, (f) => row.values.get(f.id) ?? null, (f, v) => row.values.set(f.id, v))
    }
  }

  /** One field of a live record of another form, API shape; null when absent, deleted or hidden from the actor. */
  private relatedValue(actor: Actor, formId: number, id: number, key: string): unknown {
    const target = this.schema.form(formId)
    const field = target.byKey.get(key)
    // Plain values only: their stored form is their API form (no look-ups needed to read them).
    if (!field || !field.column || field.parentFieldId !== null || !FILLABLE_SOURCES.has(field.type)) return null
    if (actor.id !== 0 && this.access.hiddenFieldIds(actor, target).has(field.id)) return null
    const row = this.db.prepare(`SELECT ${ident(field.column)} AS v FROM ${ident(target.table)} WHERE id = ? AND deleted_at IS NULL`).get(id) as { v: unknown } | undefined
    return row?.v ?? null
  }

  /** Step 3: formulas and roll-ups in dependency order. */
  private compute(form: FormModel, values: StoredValues, recordId?: number): void {
    // Sub-table row formulas first (a quote line's 小计): top-level formulas may sum them.
    for (const [parentId, children] of form.children) {
      const formulas = children.filter((c) => c.type === 'formula' && c.formula)
      const rows = values.get(parentId)
      if (!formulas.length || !Array.isArray(rows)) continue
      for (const row of rows as StoredSubRow[]) for (const c of formulas) row.values.set(c.id, roundTo(storeFormulaValue(evaluate(c.formula!, rowEvalContext(children, row, () => this.clock.now())).value), c))
    }
    for (const f of form.computeOrder) {
      if (f.type === 'rollup') {
        if (recordId !== undefined) values.set(f.id, this.rollup(f, recordId))
        continue
      }
      if (!f.formula) continue
      const result = evaluate(f.formula, evalContext(form, values, () => this.clock.now()))
      values.set(f.id, roundTo(storeFormulaValue(result.value), f))
    }
  }

  /**
   * Required, unique and form-level rules, after everything is computed.
   *
   * Conditional fields: a field whose `visibleWhen` the record does not match is hidden on the
   * record page, so it is never required — not by `required`, not by `requiredWhen` — since the
   * user could not fill it in (输单原因 shown only when 销售阶段 = 输单 must not block saving an
   * open opportunity). A visible field is required when `required` is set or the record matches
   * `requiredWhen`. Values of hidden fields are kept as they are, never erased.
   *
   * `requiredOnEnter` is a gate on entering: a visible blank field is required when the record
   * matches the condition after this write and did not before it (`before` null: a create), so an
   * update into 赢单 or a create at 赢单 needs the signed contract scan, while any other edit of a
   * deal won before the gate existed is allowed. Writes recording history (asHistory) skip it.
   */
  /** Whether the actor's view scope holds the record (the public pool included). */
  private visibleTo(actor: Actor, form: FormModel, recordId: number): boolean {
    const scope = this.access.rowScope(actor, form)
    return this.db.prepare(`SELECT 1 FROM ${ident(form.table)} t WHERE t.id = ? AND (${scope.sql})`).get(recordId, ...scope.params) !== undefined
  }

  private check(form: FormModel, values: StoredValues, id: number | null, actor: Actor | null = null, before: StoredValues | null = null): void {
    // The record as filters see it, built only when a blank field's condition needs it.
    let matches: ((node: FilterNode) => boolean) | null = null
    let matchedBefore: ((node: FilterNode) => boolean) | null = null
    const gate = !this.pending?.history
    for (const f of form.fields) {
      const v = values.get(f.id)
      const blank = v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0)
      const onEnter = gate ? (f.requiredOnEnter ?? null) : null
      if (blank && !COMPUTED_TYPES.has(f.type) && (f.required || f.requiredWhen || onEnter)) {
        matches ??= this.matcher(form, values, actor)
        const visible = !f.visibleWhen || matches(f.visibleWhen)
        const required = visible && (f.required || (f.requiredWhen !== null && matches(f.requiredWhen)))
        if (required) throw new ValidationError('value.required', { field: f.label }, f.apiKey)
        if (visible && onEnter && matches(onEnter)) {
          matchedBefore ??= before ? this.matcher(form, before, actor) : () => false
          if (!matchedBefore(onEnter)) throw new ValidationError('value.requiredOnEnter', { field: f.label }, f.apiKey)
        }
      }
      if (f.unique && !blank && f.column) {
        const dup = this.stmt(`SELECT id FROM ${ident(form.table)} WHERE ${ident(f.column)} = ? AND deleted_at IS NULL AND id <> ? LIMIT 1`).pluck().get(v, id ?? -1)
        if (dup !== undefined) {
          const value = fieldType(f).format(v, f, 'zh-CN') || String(v)
          // A record the writer may not see is not described, not even as "exists, cannot repeat":
          // they are told it is a colleague's and whom to ask, and nothing of it.
          if (actor && !this.visibleTo(actor, form, dup as number)) throw new ValidationError('value.duplicateElsewhere', { field: f.label, value }, f.apiKey)
          throw new ValidationError('value.duplicate', { field: f.label, value }, f.apiKey)
        }
      }
    }
    for (const rule of form.validations) {
      if (!rule.ast) continue
      const { value } = evaluate(rule.ast, evalContext(form, values, () => this.clock.now()))
      if (value === false) {
        const field = rule.field ? form.byKey.get(rule.field) : undefined
        throw new ValidationError('value.formRule', { message: rule.message, field: field?.label ?? '' }, field?.apiKey)
      }
    }
  }

  private matcher(form: FormModel, values: StoredValues, actor: Actor | null): (node: FilterNode) => boolean {
    const record = apiValues(form, values)
    const context = { fields: form.fields, userId: actor?.id ?? null, now: new Date(this.clock.now()), timeZone: LOCAL_TIME_ZONE }
    return (node) => matchFilter(node, record, context)
  }

  private writeInsert(actor: Actor, form: FormModel, values: StoredValues, owner: number | null, now: number): number {
    const { statement, cols } = this.insertStatement(form)
    const params: unknown[] = [now, now, actor.id || null, actor.id || null, owner]
    for (const f of cols) params.push(values.get(f.id) ?? null)
    const id = Number(statement.run(...params).lastInsertRowid)
    const suspended = this.pending?.suspended
    if (suspended && suspended.suspension.table === form.table) suspended.inserted.add(id)
    this.writeOutOfRow(form, id, null, values)
    if (!this.pending?.trial) this.writeSearch(form, id, values, false)
    // Roll-ups of a new record start from what already links to it (nothing, or rows restored).
    return id
  }

  private writeUpdate(actor: Actor, form: FormModel, row: RecordRow, before: StoredValues, after: StoredValues, owner: number | null): void {
    const cols = form.fields.filter((f) => f.column && !same(before.get(f.id), after.get(f.id)))
    const now = this.clock.now()
    const sets = ['updated_at = ?', 'updated_by = ?', 'owner_id = ?', 'version = version + 1', ...cols.map((f) => `${ident(f.column!)} = ?`)]
    this.touch(form.table, ['updated_at', 'updated_by', 'owner_id', 'version', ...cols.map((f) => f.column!)])
    this.stmt(`UPDATE ${ident(form.table)} SET ${sets.join(', ')} WHERE id = ?`).run(now, actor.id || null, owner, ...cols.map((f) => after.get(f.id) ?? null), row.id)
    this.writeOutOfRow(form, row.id, before, after)
    if (!this.pending?.trial && form.fields.some((f) => fieldType(f).searchable && !same(before.get(f.id), after.get(f.id)))) this.writeSearch(form, row.id, after, true)
  }

  private writeOutOfRow(form: FormModel, id: number, before: StoredValues | null, after: StoredValues): void {
    for (const f of form.fields) {
      const next = after.get(f.id)
      if (before && same(before.get(f.id), next)) continue
      if (f.type === 'subtable') {
        const children = (form.children.get(f.id) ?? []).filter((c) => c.column)
        const rows = (next ?? []) as StoredSubRow[]
        const keep = rows.filter((r) => r.id).map((r) => r.id)
        this.stmt(`DELETE FROM ${ident(subTable(f.id))} WHERE parent_id = ?${keep.length ? ` AND id NOT IN (${keep.join(',')})` : ''}`).run(id)
        rows.forEach((r, position) => {
          const vals = children.map((c) => r.values.get(c.id) ?? null)
          if (r.id) {
            this.stmt(`UPDATE ${ident(subTable(f.id))} SET position = ?${children.map((c) => `, ${ident(c.column!)} = ?`).join('')} WHERE id = ? AND parent_id = ?`).run(position, ...vals, r.id, id)
          } else {
            r.id = Number(this.stmt(`INSERT INTO ${ident(subTable(f.id))} (parent_id, position${children.map((c) => `, ${ident(c.column!)}`).join('')}) VALUES (?, ?${children.map(() => ', ?').join('')})`).run(id, position, ...vals).lastInsertRowid)
          }
        })
      } else if (f.type === 'relation' && relationConfig(f).multiple) {
        this.stmt(`DELETE FROM ${ident(linkTable(f.id))} WHERE src = ?`).run(id)
        ;((next ?? []) as number[]).forEach((dst, position) => this.stmt(`INSERT INTO ${ident(linkTable(f.id))} (src, dst, position) VALUES (?, ?, ?)`).run(id, dst, position))
      }
    }
  }

  private writeSearch(form: FormModel, id: number, values: StoredValues, replace: boolean): void {
    const parts: string[] = []
    for (const f of form.fields) {
      const mod = fieldType(f)
      if (!mod.searchable) continue
      const text = mod.format(values.get(f.id) ?? null, f, 'zh-CN')
      if (text) parts.push(text)
      // A phone kept as typed (138-1234-5678) is found by its digits too.
      const digits = f.type === 'phone' && text ? phoneSearchForm(text) : null
      if (digits) parts.push(digits)
    }
    if (replace) this.stmt(`DELETE FROM ${ident(form.ftsTable)} WHERE rowid = ?`).run(id)
    if (parts.length) this.stmt(`INSERT INTO ${ident(form.ftsTable)} (rowid, body) VALUES (?, ?)`, form).run(id, parts.join('\n'))
  }

  /** Step 5. Runs in the write transaction, or the audit trail could miss a change. */
  private log(actor: Actor, form: FormModel, recordId: number, op: 'create' | 'update' | 'delete' | 'restore', changes: Changes): void {
    if (this.pending?.trial) return
    this.audit.append({ formId: form.id, recordId, op, changes, actorId: actor.id || null, detail: this.pending?.detail ?? null })
  }

  private queue(type: RecordEvent['type'], form: FormModel, recordId: number, actor: Actor, fields: string[]): void {
    if (this.pending?.quiet) return
    this.pending?.events.push({ type, formId: form.id, recordId, fields, actorId: actor.id || null, at: this.clock.now() })
  }

  /**
   * Roll-ups elsewhere that aggregate this form through one of its relation fields are
   * recomputed for the parents the record linked to before and after the change.
   */
  private propagate(actor: Actor, form: FormModel, before: StoredValues | null, after: StoredValues, changes: Changes | null): void {
    if (this.pending && this.pending.depth > 8) return
    for (const rel of form.fields) {
      if (rel.type !== 'relation') continue
      const rollups = this.schema.rollupsUsing(rel.id)
      if (!rollups.length) continue
      const relevant = changes === null || rel.id in changes || rollups.some((r) => r.targetFieldId !== undefined && String(r.targetFieldId) in changes)
      if (!relevant) continue
      const parents = new Set<number>([...ids(before?.get(rel.id)), ...ids(after.get(rel.id))])
      const target = this.schema.form(relationConfig(rel).targetFormId)
      for (const parentId of parents) this.recomputeRecord(actor, target, parentId)
    }
  }

  private recomputeRecord(actor: Actor, form: FormModel, id: number): void {
    const row = this.db.prepare(`SELECT * FROM ${ident(form.table)} WHERE id = ?`).get(id) as RecordRow | undefined
    if (!row) return
    const before = this.loadValues(form, row)
    const after = new Map(before)
    this.compute(form, after, id)
    const changes = this.diff(form, before, after)
    if (!Object.keys(changes).length) return
    const cols = form.computeOrder.filter((f) => f.column && !same(before.get(f.id), after.get(f.id)))
    this.touch(form.table, ['version', ...cols.map((f) => f.column!)])
    this.stmt(`UPDATE ${ident(form.table)} SET version = version + 1${cols.map((f) => `, ${ident(f.column!)} = ?`).join('')} WHERE id = ?`).run(...cols.map((f) => after.get(f.id) ?? null), id)
    this.log(actor, form, id, 'update', changes)
    this.queue('record.updated', form, id, actor, this.changedKeys(form, changes))
    this.run(() => this.propagate(actor, form, before, after, changes))
  }

  private rollup(field: FieldModel, recordId: number): number | null {
    const { relationFieldId, targetFieldId, aggregate } = field.config as { relationFieldId: number; targetFieldId?: number; aggregate: 'sum' | 'count' | 'min' | 'max' | 'avg' }
    const rel = this.schema.fieldById(relationFieldId)
    const source = this.schema.form(rel.formId)
    const target = targetFieldId ? source.byId.get(targetFieldId) : undefined
    const expr = aggregate === 'count' ? 'COUNT(*)' : target?.column ? `${aggregate.toUpperCase()}(t.${ident(target.column)})` : null
    if (!expr) return null
    const sql = relationConfig(rel).multiple
      ? `SELECT ${expr} FROM ${ident(source.table)} t JOIN ${ident(linkTable(rel.id))} l ON l.src = t.id WHERE l.dst = ? AND t.deleted_at IS NULL`
      : `SELECT ${expr} FROM ${ident(source.table)} t WHERE t.${ident(rel.column!)} = ? AND t.deleted_at IS NULL`
    const v = this.stmt(sql).pluck().get(recordId) as number | null
    return aggregate === 'count' ? (v ?? 0) : v
  }

  private nextNumber(field: FieldModel, now: number): string {
    const { pattern, reset } = field.config as { pattern: string; reset: 'never' | 'daily' | 'monthly' | 'yearly' }
    const d = dayjs(now)
    const period = reset === 'daily' ? d.format('YYYYMMDD') : reset === 'monthly' ? d.format('YYYYMM') : reset === 'yearly' ? d.format('YYYY') : ''
    const n = this.stmt(`INSERT INTO autonumber_counters (field_id, period, value) VALUES (?, ?, 1)
      ON CONFLICT(field_id, period) DO UPDATE SET value = value + 1 RETURNING value`).pluck().get(field.id, period) as number
    return formatAutoNumber(pattern, n, now)
  }

  private coerceContext(actor: Actor): CoerceContext {
    const known = this.pending?.contexts.get(actor.id)
    if (known) return known
    const ctx: CoerceContext = { db: this.db, clock: this.clock, actorId: actor.id, scopeOf: (formId) => this.access.rowScope(actor, this.schema.form(formId)) }
    this.pending?.contexts.set(actor.id, ctx)
    return ctx
  }

  /**
   * The coerce context for one record's input: a person (not the system, an administrator or an
   * engine) attaches only files `attachPolicy` allows, or files already in that field of the
   * record (`current`: its stored values, every sub-table row for a cell).
   */
  private attachContext(actor: Actor, ctx: CoerceContext, current: (field: FieldModel) => unknown[]): CoerceContext {
    const policy = this.attachPolicy
    if (!policy || actor.id === 0 || actor.isAdmin || this.pending?.engine) return { ...ctx, attached: current }
    return { ...ctx, attached: current, mayAttach: (hash, field) => current(field).some((v) => storedHashes(v).includes(hash)) || policy(actor, hash) }
  }

  private coerceOwner(input: unknown): number | null {
    if (isBlank(input)) return null
    // An import names the same few owners on every row: look each up once per transaction.
    const key = typeof input === 'object' ? null : `${typeof input}:${String(input)}`
    const cache = this.pending?.owners
    const known = key !== null ? cache?.get(key) : undefined
    if (known !== undefined) return known
    const id = member.coerce(input, OWNER_FIELD, { db: this.db, clock: this.clock }) as number
    if (key !== null) cache?.set(key, id)
    return id
  }

  private loadRow(form: FormModel, id: number, includeDeleted = false): RecordRow {
    const row = this.stmt(`SELECT * FROM ${ident(form.table)} WHERE id = ?`, form).get(id) as RecordRow | undefined
    if (!row || (row.deleted_at !== null && !includeDeleted)) throw new NotFoundError('error.recordNotFound', { id })
    return row
  }

  private loadValues(form: FormModel, row: RecordRow): StoredValues {
    const values = valuesFromRow(form, row)
    loadOutOfRowValues(this.db, form, [row.id], new Map([[row.id, values]]))
    return values
  }

  private diff(form: FormModel, before: StoredValues, after: StoredValues): Changes {
    const changes: Changes = {}
    for (const f of form.fields) {
      const a = before.get(f.id) ?? null
      const b = after.get(f.id) ?? null
      if (!same(a, b)) changes[f.id] = [logValue(a), logValue(b)]
    }
    return changes
  }

  private changedKeys(form: FormModel, changes: Changes): string[] {
    return Object.keys(changes).map((k) => (k === 'owner' ? 'owner' : form.byId.get(Number(k))?.apiKey ?? k))
  }

  /** Prepared statements are cached; per-form ones are keyed by the schema version. */
  /** The INSERT of a form's row, built once per schema version (imports insert many rows). */
  private insertStatement(form: FormModel): { statement: Statement; cols: FieldModel[] } {
    const cached = this.inserts.get(form.id)
    if (cached && cached.version === form.schemaVersion && cached.form === form) return cached
    const cols = form.fields.filter((f) => f.column)
    const statement = this.db.prepare(`INSERT INTO ${ident(form.table)} (created_at, updated_at, created_by, updated_by, owner_id${cols.map((f) => `, ${ident(f.column!)}`).join('')})
      VALUES (?, ?, ?, ?, ?${cols.map(() => ', ?').join('')})`)
    const entry = { statement, cols, version: form.schemaVersion, form }
    this.inserts.set(form.id, entry)
    return entry
  }

  private stmt(sql: string, form?: FormModel): Statement {
    const key = form ? `${form.id}:${form.schemaVersion}:${sql}` : sql
    let s = this.statements.get(key)
    if (!s) {
      if (this.statements.size > 2000) this.statements.clear()
      s = this.db.prepare(sql)
      this.statements.set(key, s)
    }
    return s
  }
}

/**
 * The query builder compares relative dates in the process' local time zone; conditions checked
 * here must agree with it (a rule's list view and its condition must select the same records).
 */
const LOCAL_TIME_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone

const NO_PAGE_CONTEXT: ReadContext = {
  locale: 'zh-CN',
  userName: () => null,
  relationTitle: () => '',
  attachment: () => null,
  childFields: () => [],
  fieldType
}

/**
 * Stored values → the API-shape values matchFilter reads (option labels, booleans, ids for
 * members and relations). Names and titles are not needed to evaluate a condition.
 */
function apiValues(form: FormModel, values: StoredValues): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const f of form.fields) {
    const v = values.get(f.id) ?? null
    if (f.type === 'attachment') out[f.apiKey] = typeof v === 'string' ? (JSON.parse(v) as string[]) : []
    else if (f.type === 'subtable' || f.type === 'relation' || f.type === 'member' || f.type === 'datetime') out[f.apiKey] = v
    else out[f.apiKey] = fieldType(f).toApi(v, f, NO_PAGE_CONTEXT)
  }
  return out
}

function ids(v: unknown): number[] {
  if (Array.isArray(v)) return v.filter((x): x is number => typeof x === 'number')
  return typeof v === 'number' ? [v] : []
}

/** Sub-table rows are compared by content; everything else by value. */
function same(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (a === undefined || b === undefined || a === null || b === null) return (a ?? null) === (b ?? null)
  if (Array.isArray(a) && Array.isArray(b)) return JSON.stringify(logValue(a)) === JSON.stringify(logValue(b))
  return false
}

/** Change-log representation: sub-table rows as plain objects keyed by child field id. */
function logValue(v: unknown): unknown {
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'object' && x !== null && 'values' in x ? { id: (x as StoredSubRow).id, ...Object.fromEntries((x as StoredSubRow).values) } : x))
  return v ?? null
}

function roundTo(v: number | string | null, f: FieldModel): number | string | null {
  const precision = (f.config as { precision?: number }).precision
  return typeof v === 'number' && precision !== undefined ? Math.round(v * 10 ** precision) / 10 ** precision : v
}

/** `HT-{YYYYMMDD}-{0000}` with counter 7 on 2024-03-05 → `HT-20240305-0007`. */
export function formatAutoNumber(pattern: string, n: number, now: number): string {
  const d = dayjs(now)
  return pattern.replace(/\{(YYYYMMDD|YYYYMM|YYYY|YY|MM|DD|0+)\}/g, (_, token: string) =>
    /^0+$/.test(token) ? String(n).padStart(token.length, '0') : d.format(token))
}
