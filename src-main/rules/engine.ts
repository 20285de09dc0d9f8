import type { AccessLayer } from '../access/access-layer'
import type { AuthService } from '../access/auth'
import { performance } from 'node:perf_hooks'
import type { Statement } from 'better-sqlite3'
import type { Sqlite } from '../db/connection'
import type { Clock } from '../clock'
import type { EventBus } from '../events'
import type { SchemaService } from '../forms/schema-service'
import type { WritePipeline } from '../records/write-pipeline'
import type { ReadService } from '../records/read-service'
import type { QueryBuilder } from '../records/query-builder'
import type { Organization } from '../access/organization'
import type { Scheduler } from '../jobs/scheduler'
import type { Notifications } from '../notify/notifications'
import type { FlowEngine } from '../flows/engine'
import { ident } from '../db/connection'
import { SYSTEM_ACTOR, type Actor } from '../access/actor'
import type { DomainEvent } from '../events'
import type { FieldModel, FormModel } from '../forms/model'
import { subTable } from '../forms/model'
import { fieldType } from '../forms/field-types/registry'
import { storeFormulaValue } from '../forms/field-types/computed'
import { loadOutOfRowValues, evalContext, valuesFromRow, type RecordRow, type StoredValues } from '../records/stored'
import { matchFilter } from '../shared/filter-match'
import { evaluate, parseFormula } from '../shared/formula'
import { DomainError, NotFoundError, ValidationError } from '../shared/errors'
import { DEFAULT_LOCALE, translate, type Locale } from '../shared/locales'
import { formatFieldValue } from '../shared/format-value'
import { ruleInput, type Assignment, type Recipients, type RuleDto, type RuleInput, type RuleRunDto } from '../shared/api/rules'
import type { Sql } from '../forms/field-types/types'
import { NotifySettings } from '../notify/settings'
import { actionModule } from './actions'
import { isTimed, triggerModule } from './triggers'
import { ReadPool } from '../db/read-pool'
import './app-section'
import type { DueItem, Firing, RuleModel, SeenRecord } from './types'
import { toActor } from '../access/auth'

/**
 * The rule engine: "when / if / then" rules on a form.
 *
 * - Record and flow events (delivered by the write pipeline after commit) fire the event rules at
 *   once, in the same call stack: a rule's own writes emit events that may fire other rules, and
 *   that chain is tracked so a loop (A → B → A) stops with a logged error. Depth is capped too.
 * - Time-based rules (schedule, date-relative, inactivity) run from the scheduler's sweep; their
 *   scans run in a worker thread on a read-only connection.
 * - Each (rule, record, period) fires once, ever (rule_fired). A rule may be rate limited
 *   (firings per hour). Internal actions write through core.writes as the rule; external ones
 *   (email, webhook) become scheduler jobs with retry and backoff.
 * - Every firing batch is written to the rule's run log.
 */

const HOUR = 3600_000
const MAX_DEPTH = 5
/** Time-based rules are scanned at most this often (by the injected clock). */
const SCAN_EVERY = 60_000

interface RuleRow {
  id: number; name: string; form_id: number; enabled: number; trigger: string; condition: string | null; actions: string
  rate_limit: number | null; description: string | null; source: string | null; created_at: number; updated_at: number
}

interface Run {
  ruleId: number
  trigger: string
  startedAt: number
  t0: number
  matched: number
  actions: number
  errors: string[]
  records: number[]
}

/**
 * What the rule engine uses of the core, and nothing more: its reach is read here, and tests build
 * it with these services (src-main/core.ts passes its own).
 */
export interface RuleEngineDeps {
  db: Sqlite
  clock: Clock
  events: EventBus
  schema: SchemaService
  writes: WritePipeline
  reads: ReadService
  queries: QueryBuilder
  org: Organization
  scheduler: Scheduler
  notifications: Notifications
  /** Messages are rendered as each reader may read the record (rules/actions notify, email, webhook). */
  access: Pick<AccessLayer, 'hiddenFieldIds'>
  auth: Pick<AuthService, 'user'>
  /** The 发起流程 action starts flows through the flow engine. */
  flows: Pick<FlowEngine, 'start'>
}

export class RuleEngine {
  readonly settings: NotifySettings
  /** Rows fetched per scan at most; the rest is picked up by the next sweep. */
  scanLimit = 5000
  private byForm: Map<number, RuleModel[]> | null = null
  private readonly chain: number[] = []
  private scanner: ReadPool | null = null
  private lastChangeCache: { key: string; value: { id: number; changes: Record<string, [unknown, unknown]> } | null } | null = null
  /** Outbox rows of the events delivered in this process (see `keep`), and those handled but not yet removed. */
  private readonly outboxIds = new WeakMap<DomainEvent, number>()
  /** Each firing's record as each reader of its messages may read it. */
  private readonly seen = new WeakMap<Firing, Map<number, SeenRecord>>()
  private handled: number[] = []
  private outboxInsert: Statement | null = null

  constructor(readonly deps: RuleEngineDeps) {
    this.settings = new NotifySettings(deps.db)
    deps.events.on((event) => this.handle(event))
    deps.writes.beforeCommit.push((events) => this.keep(events))
    deps.scheduler.registerKind('rules.action', (payload) => this.runExternal(payload as ExternalPayload), { maxAttempts: 5, backoffMs: 60_000 })
    deps.scheduler.registerSweep('rules', (now) => this.sweep(now))
  }

  // ---------- rules ----------

  list(form?: number | string): RuleDto[] {
    const formId = form === undefined ? null : this.deps.schema.form(form).id
    const rows = this.deps.db.prepare(`SELECT * FROM rules ${formId === null ? '' : 'WHERE form_id = ?'} ORDER BY id`).all(...(formId === null ? [] : [formId])) as RuleRow[]
    return rows.map((r) => this.toDto(toModel(r)))
  }

  rule(id: number): RuleModel {
    const row = this.deps.db.prepare('SELECT * FROM rules WHERE id = ?').get(id) as RuleRow | undefined
    if (!row) throw new NotFoundError('rules.error.ruleNotFound', { id })
    return toModel(row)
  }

  get(id: number): RuleDto {
    return this.toDto(this.rule(id))
  }

  create(input: RuleInput, actorId: number | null, source: string | null = null): RuleDto {
    const parsed = ruleInput.parse(input)
    const form = this.formOrFail(parsed.form)
    this.validate({ ...parsed, formId: form.id } as unknown as RuleModel, form)
    const now = this.deps.clock.now()
    const id = Number(
      this.deps.db
        .prepare('INSERT INTO rules (name, form_id, enabled, trigger, condition, actions, rate_limit, description, source, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
        .run(parsed.name, form.id, parsed.enabled ? 1 : 0, JSON.stringify(parsed.trigger), JSON.stringify(parsed.condition), JSON.stringify(parsed.actions), parsed.rateLimit, parsed.description, source, actorId, now, now).lastInsertRowid
    )
    if (parsed.enabled) this.setState(id, 'enabledAt', String(now))
    this.byForm = null
    return this.get(id)
  }

  update(id: number, input: Partial<RuleInput>): RuleDto {
    const current = this.rule(id)
    const form = input.form === undefined ? this.deps.schema.form(current.formId) : this.formOrFail(input.form)
    const merged = ruleInput.parse({
      name: current.name, form: form.id, enabled: current.enabled, trigger: current.trigger, condition: current.condition,
      actions: current.actions, rateLimit: current.rateLimit, description: current.description, ...input
    })
    this.validate({ ...merged, formId: form.id } as unknown as RuleModel, form)
    const now = this.deps.clock.now()
    this.deps.db
      .prepare('UPDATE rules SET name = ?, form_id = ?, enabled = ?, trigger = ?, condition = ?, actions = ?, rate_limit = ?, description = ?, updated_at = ? WHERE id = ?')
      .run(merged.name, form.id, merged.enabled ? 1 : 0, JSON.stringify(merged.trigger), JSON.stringify(merged.condition), JSON.stringify(merged.actions), merged.rateLimit, merged.description, now, id)
    if (merged.enabled && !current.enabled) this.setState(id, 'enabledAt', String(now))
    if (JSON.stringify(merged.trigger) !== JSON.stringify(current.trigger)) {
      this.deps.db.prepare("DELETE FROM rule_state WHERE rule_id = ? AND key IN ('scannedTo', 'occurrence', 'scannedAt')").run(id)
    }
    this.byForm = null
    return this.get(id)
  }

  setEnabled(id: number, enabled: boolean): RuleDto {
    return this.update(id, { enabled })
  }

  delete(id: number): void {
    this.rule(id)
    this.deps.db.prepare('DELETE FROM rules WHERE id = ?').run(id)
    this.byForm = null
  }

  runs(id: number, limit = 100): RuleRunDto[] {
    const rows = this.deps.db.prepare('SELECT * FROM rule_runs WHERE rule_id = ? ORDER BY id DESC LIMIT ?').all(id, limit) as Array<{
      id: number; rule_id: number; trigger: string; started_at: number; duration_ms: number; matched: number; actions: number; errors: string | null; records: string | null
    }>
    return rows.map((r) => ({
      id: r.id, ruleId: r.rule_id, trigger: r.trigger, startedAt: r.started_at, durationMs: r.duration_ms, matched: r.matched, actions: r.actions,
      errors: r.errors ? (JSON.parse(r.errors) as string[]) : [], records: r.records ? (JSON.parse(r.records) as number[]) : []
    }))
  }

  private toDto(rule: RuleModel): RuleDto {
    const form = this.deps.schema.form(rule.formId)
    const lastRunAt = (this.deps.db.prepare('SELECT MAX(started_at) FROM rule_runs WHERE rule_id = ?').pluck().get(rule.id) as number | null) ?? null
    return { ...rule, formKey: form.apiKey, formLabel: form.label, lastRunAt }
  }

  validate(rule: RuleModel, form: FormModel): void {
    const trigger = triggerModule(rule.trigger.type)
    ;(trigger.validate as ((t: unknown, f: FormModel, e: RuleEngine) => void) | undefined)?.(rule.trigger, form, this)
    if (rule.condition.filter) this.deps.queries.filter(SYSTEM_ACTOR, form, rule.condition.filter)
    if (rule.condition.formula) this.checkFormula(form, rule.condition.formula, 'condition')
    for (const action of rule.actions) {
      const mod = actionModule(action.type)
      ;(mod.validate as ((a: unknown, f: FormModel, e: RuleEngine) => void) | undefined)?.(action, form, this)
    }
  }

  formOrFail(ref: number | string): FormModel {
    try {
      return this.deps.schema.form(ref)
    } catch (e) {
      if (e instanceof NotFoundError) throw new ValidationError('rules.error.unknownForm', { form: String(ref) }, 'form')
      throw e
    }
  }

  private enabledRules(formId: number): RuleModel[] {
    if (!this.byForm) {
      this.byForm = new Map()
      for (const row of this.deps.db.prepare('SELECT * FROM rules WHERE enabled = 1 ORDER BY id').all() as RuleRow[]) {
        const rule = toModel(row)
        const list = this.byForm.get(rule.formId) ?? []
        list.push(rule)
        this.byForm.set(rule.formId, list)
      }
    }
    return this.byForm.get(formId) ?? []
  }

  private allEnabled(): RuleModel[] {
    this.enabledRules(-1)
    return [...this.byForm!.values()].flat()
  }

  // ---------- event rules ----------

  /**
   * Event rules must not miss an event to a crash between a change's commit and their run: the
   * events of forms with event rules go into the outbox in the change's own transaction, leave it
   * once handled, and what is left at the next start is handled then (`recover`). Firing is
   * once per (rule, record, period), so an event handled twice fires nothing twice.
   */
  private keep(events: readonly DomainEvent[]): void {
    // Called before every write commits: nothing is prepared or written for forms without event rules.
    for (const event of events) {
      if (!this.enabledRules(event.formId).some((r) => triggerModule(r.trigger.type).onEvent)) continue
      this.outboxInsert ??= this.deps.db.prepare('INSERT INTO rule_outbox (event, at) VALUES (?, ?)')
      this.outboxIds.set(event, Number(this.outboxInsert.run(JSON.stringify(event), event.at).lastInsertRowid))
    }
  }

  private handle(event: DomainEvent): void {
    try {
      this.onEvent(event)
    } finally {
      const id = this.outboxIds.get(event)
      if (id !== undefined) this.done(id)
    }
  }

  /** Handled: removed from the outbox soon after, in one statement for a whole import's events. */
  private done(id: number): void {
    this.handled.push(id)
    if (this.handled.length > 1) return
    setImmediate(() => this.flushHandled())
  }

  private flushHandled(): void {
    const ids = this.handled
    this.handled = []
    if (!this.deps.db.open) return
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500)
      this.deps.db.prepare(`DELETE FROM rule_outbox WHERE id IN (${chunk.map(() => '?').join(',')})`).run(...chunk)
    }
  }

  /** Events committed but not handled before the process stopped: handled now, oldest first. */
  recover(): number {
    const pending = new Set(this.handled)
    const rows = this.deps.db.prepare('SELECT id, event FROM rule_outbox ORDER BY id').all() as Array<{ id: number; event: string }>
    let n = 0
    for (const row of rows) {
      if (pending.has(row.id)) continue
      try {
        this.onEvent(JSON.parse(row.event) as DomainEvent)
      } finally {
        this.deps.db.prepare('DELETE FROM rule_outbox WHERE id = ?').run(row.id)
      }
      n++
    }
    return n
  }

  private onEvent(event: DomainEvent): void {
    const rules = this.enabledRules(event.formId)
    if (!rules.length) return
    let form: FormModel | null = null
    this.lastChangeCache = null
    // The record is read once for all the rules an event fires, until an action changes it.
    const cache: FiringCache = { firing: undefined }
    for (const rule of rules) {
      const mod = triggerModule(rule.trigger.type)
      if (!mod.onEvent) continue
      form ??= this.deps.schema.form(event.formId)
      let period: string | null
      try {
        period = (mod.onEvent as (t: unknown, e: DomainEvent, f: FormModel, engine: RuleEngine) => string | null)(rule.trigger, event, form, this)
      } catch (e) {
        this.logRun({ ...this.newRun(rule, event.type), errors: [message(e)] })
        continue
      }
      if (period === null) continue
      const run = this.newRun(rule, event.type)
      this.fire(rule, form, { recordId: event.recordId, period }, run, cache)
      this.logRun(run, true)
    }
  }

  /** The latest change-log entry of a record (the update an event is about). */
  lastChange(formId: number, recordId: number): { id: number; changes: Record<string, [unknown, unknown]> } | null {
    const key = `${formId}:${recordId}`
    if (this.lastChangeCache?.key === key) return this.lastChangeCache.value
    const row = this.deps.db.prepare("SELECT id, changes FROM change_log WHERE form_id = ? AND record_id = ? AND op = 'update' ORDER BY id DESC LIMIT 1").get(formId, recordId) as { id: number; changes: string } | undefined
    const value = row ? { id: row.id, changes: JSON.parse(row.changes) as Record<string, [unknown, unknown]> } : null
    this.lastChangeCache = { key, value }
    return value
  }

  // ---------- time-based rules ----------

  /** The scheduler's sweep: every time-based rule's due scan, at most once a minute per rule. */
  async sweep(now: number): Promise<void> {
    this.recover()
    for (const rule of this.allEnabled()) {
      if (!isTimed(rule.trigger.type)) continue
      const scannedAt = this.stateNumber(rule.id, 'scannedAt')
      if (scannedAt !== null && now - scannedAt < SCAN_EVERY && now >= scannedAt) continue
      await this.runTimed(rule, now)
    }
  }

  /** Scan one time-based rule now and fire what is due. */
  async runTimed(rule: RuleModel, now: number): Promise<void> {
    const run = this.newRun(rule, rule.trigger.type)
    let items: DueItem[] = []
    let form: FormModel
    try {
      form = this.deps.schema.form(rule.formId)
      const mod = triggerModule(rule.trigger.type)
      items = await (mod.due as (t: unknown, r: RuleModel, f: FormModel, now: number, e: RuleEngine) => Promise<DueItem[]>)(rule.trigger, rule, form, now, this)
      this.setState(rule.id, 'scannedAt', String(now))
    } catch (e) {
      run.errors.push(message(e))
      this.logRun(run)
      return
    }
    // Firing is main-thread work (reads, writes): yield between small batches so requests
    // from the UI are served while a large backlog (a week offline) is worked off.
    for (let i = 0; i < items.length; i++) {
      if (i > 0 && i % 50 === 0) await new Promise((resolve) => setImmediate(resolve))
      if (!this.deps.db.open) return
      this.fire(rule, form, items[i]!, run)
    }
    this.logRun(run, true)
  }

  /** Catch-up time runs for rules whose time has come by `now`; same as a scheduler tick. */
  tick(): Promise<unknown> {
    return this.deps.scheduler.tick()
  }

  // ---------- firing ----------

  /**
   * Fire a rule on a record for a period: condition, cascade and rate checks, the once-only mark,
   * then the actions. Internal actions run synchronously, so the chain of rules whose writes led
   * here is exact; external ones are queued as jobs.
   */
  private fire(rule: RuleModel, form: FormModel, item: DueItem, run: Run, cache?: FiringCache): void {
    try {
      let firing: Firing | null
      if (cache) {
        if (cache.firing === undefined) cache.firing = this.firing(rule, form, item.recordId, item.period, item.extra ?? {})
        firing = cache.firing && { ...cache.firing, rule, period: item.period }
      } else {
        firing = this.firing(rule, form, item.recordId, item.period, item.extra ?? {})
      }
      if (!firing) return
      if (!this.conditionHolds(rule, form, firing)) return
      if (this.chain.includes(rule.id) || this.chain.length >= MAX_DEPTH) {
        const names = [...this.chain, rule.id].map((id) => this.nameOf(id)).join(' → ')
        run.errors.push(`cascade stopped: ${names} (record ${item.recordId})`)
        run.matched++
        return
      }
      if (rule.rateLimit !== null) {
        const recent = this.deps.db.prepare('SELECT COUNT(*) FROM rule_fired WHERE rule_id = ? AND at > ?').pluck().get(rule.id, this.deps.clock.now() - HOUR) as number
        if (recent >= rule.rateLimit) {
          run.errors.push(`rate limit: ${rule.rateLimit}/h reached (record ${item.recordId})`)
          return
        }
      }
      const marked = this.deps.db.prepare('INSERT OR IGNORE INTO rule_fired (rule_id, record_id, period, at) VALUES (?, ?, ?, ?)').run(rule.id, item.recordId, item.period, this.deps.clock.now())
      if (!marked.changes) return
      run.matched++
      if (run.records.length < 200) run.records.push(item.recordId)
      if (cache) cache.firing = undefined
      rule.actions.forEach((action, index) => {
        const mod = actionModule(action.type)
        if (mod.external) {
          this.deps.scheduler.enqueue('rules.action', { ruleId: rule.id, recordId: item.recordId, period: item.period, action, extra: item.extra ?? {} } satisfies ExternalPayload, {
            key: `rule:${rule.id}:${item.recordId}:${item.period}:${index}`
          })
          run.actions++
          return
        }
        try {
          this.chain.push(rule.id)
          void (mod.run as (a: unknown, f: Firing, e: RuleEngine) => unknown)(action, firing, this)
          run.actions++
          // Later actions see what earlier ones wrote (a score after an assignment…).
          const again = this.firing(rule, form, item.recordId, item.period, item.extra ?? {})
          if (again) Object.assign(firing, again)
        } catch (e) {
          run.errors.push(`${action.type}: ${message(e)}`)
        } finally {
          this.chain.pop()
        }
      })
    } catch (e) {
      run.errors.push(message(e))
    }
  }

  private async runExternal(payload: ExternalPayload): Promise<void> {
    const rule = this.rule(payload.ruleId)
    const form = this.deps.schema.form(rule.formId)
    const firing = this.firing(rule, form, payload.recordId, payload.period, payload.extra)
    if (!firing) return
    const mod = actionModule(payload.action.type)
    const t0 = performance.now()
    try {
      await (mod.run as (a: unknown, f: Firing, e: RuleEngine) => Promise<void>)(payload.action, firing, this)
      this.logRun({ ruleId: rule.id, trigger: `job:${payload.action.type}`, startedAt: this.deps.clock.now(), t0, matched: 1, actions: 1, errors: [], records: [payload.recordId] })
    } catch (e) {
      this.logRun({ ruleId: rule.id, trigger: `job:${payload.action.type}`, startedAt: this.deps.clock.now(), t0, matched: 1, actions: 0, errors: [message(e)], records: [payload.recordId] })
      throw e
    }
  }

  /** The record as a rule sees it (any owner, any field: rules run with the system's rights). */
  firing(rule: RuleModel, form: FormModel, recordId: number, period: string, extra: Record<string, unknown>): Firing | null {
    let dto
    try {
      dto = this.deps.reads.get(SYSTEM_ACTOR, form.id, recordId, true)
    } catch (e) {
      if (e instanceof NotFoundError) return null
      throw e
    }
    const values: Record<string, unknown> = { ...dto.fields, id: dto.id, owner: dto.owner, createdAt: dto.createdAt, updatedAt: dto.updatedAt, createdBy: dto.createdBy, updatedBy: dto.updatedBy }
    const titleKey = form.titleField?.apiKey
    const title = (titleKey ? this.plain(dto.fields[titleKey]) : '') || `#${recordId}`
    return { rule, form, recordId, period, values, extra, title, ownerId: dto.owner?.id ?? null }
  }

  conditionHolds(rule: RuleModel, form: FormModel, firing: Firing): boolean {
    const { filter, formula } = rule.condition
    if (filter && !matchFilter(filter, firing.values, { fields: form.fields, userId: null, now: new Date(this.deps.clock.now()), timeZone: TIME_ZONE })) return false
    if (formula?.trim()) {
      const { value } = evaluate(parseFormula(formula), evalContext(form, this.storedValues(form, firing.recordId), () => this.deps.clock.now()))
      if (!(value === true || (typeof value === 'number' && value !== 0))) return false
    }
    return true
  }

  /** SQL for the rule's filter (the query builder's meaning), for scans. */
  conditionSql(form: FormModel, rule: RuleModel): Sql {
    return rule.condition.filter ? this.deps.queries.filter(SYSTEM_ACTOR, form, rule.condition.filter) : { sql: '1 = 1', params: [] }
  }

  /** Stored values of one record, for formulas (conditions and assignments). */
  storedValues(form: FormModel, recordId: number): StoredValues {
    const row = this.deps.db.prepare(`SELECT * FROM ${ident(form.table)} WHERE id = ?`).get(recordId) as RecordRow | undefined
    if (!row) return new Map()
    const values = valuesFromRow(form, row)
    const all = new Map([[recordId, values]])
    loadOutOfRowValues(this.deps.db, form, [recordId], all)
    return values
  }

  /** Run a scan off the main thread (a worker with its own read-only connection). */
  scan<T>(sql: string, params: unknown[]): Promise<T[]> {
    this.scanner ??= new ReadPool(this.deps.db.name)
    return this.scanner.query<T>(sql, params)
  }

  async close(): Promise<void> {
    await this.scanner?.close()
    this.scanner = null
  }

  /** Values of one sub-table row by column API key, as placeholders `{{plan.dueDate}}`. */
  subRowValues(subtable: FieldModel, rowId: number): Record<string, unknown> {
    const form = this.deps.schema.form(subtable.formId)
    const children = form.children.get(subtable.id) ?? []
    const row = this.deps.db.prepare(`SELECT * FROM ${ident(subTable(subtable.id))} WHERE id = ?`).get(rowId) as Record<string, unknown> | undefined
    const out: Record<string, unknown> = {}
    if (!row) return out
    for (const c of children) {
      if (!c.column) continue
      const formatted = fieldType(c).format(row[c.column] ?? null, c, 'zh-CN')
      out[`${subtable.apiKey}.${c.apiKey}`] = formatted
      out[`${subtable.label}.${c.label}`] = formatted
    }
    return out
  }

  // ---------- helpers for actions ----------

  /** Run something as the rule: the system's rights, the rule named as the actor; the cascade chain is kept by fire(). */
  write<T>(rule: RuleModel, fn: (actor: Actor) => T): T {
    return fn(this.actorFor(rule))
  }

  /**
   * Change a record through the write pipeline as the rule: the change-log entry names the rule as
   * its origin (`detail.rule`), so the record's history says which rule changed it.
   */
  updateRecord(rule: RuleModel, form: number | string, recordId: number, values: Record<string, unknown>): void {
    this.deps.writes.bulkWrite(this.actorFor(rule), form, [{ id: recordId, values }], { action: 'edit', detail: origin(rule) })
  }

  /** Create a record through the write pipeline as the rule (origin in the change log). */
  createRecord(rule: RuleModel, form: number | string, values: Record<string, unknown>): number {
    const [outcome] = this.deps.writes.bulkWrite(this.actorFor(rule), form, [{ values }], { action: 'create', detail: origin(rule) })
    if (!outcome?.ok) throw outcome?.error ?? new Error('create failed')
    return outcome.id
  }

  private actorFor(rule: RuleModel): Actor {
    return { ...SYSTEM_ACTOR, name: `规则：${rule.name}` }
  }

  /** Evaluate assignments (values or formulas over the triggering record) into write input. */
  assignments(source: FormModel, set: Assignment[], firing: Firing): Record<string, unknown> {
    const out: Record<string, unknown> = {}
    let stored: StoredValues | null = null
    for (const a of set) {
      if (a.formula?.trim()) {
        stored ??= this.storedValues(source, firing.recordId)
        const { value, error } = evaluate(parseFormula(a.formula), evalContext(source, stored, () => this.deps.clock.now()))
        if (error) throw new ValidationError('rules.error.formula', { field: a.field, message: error.message }, 'actions')
        out[a.field] = storeFormulaValue(value)
      } else {
        out[a.field] = typeof a.value === 'string' ? (this.rawPlaceholder(a.value, firing) ?? this.render(a.value, firing, null)) : (a.value ?? null)
      }
    }
    return out
  }

  /**
   * A value that is one placeholder naming the owner, a member or a relation (`{{owner}}`,
   * `{{customer}}`) stands for that user or record itself, not its name: a to-do's 负责人 or
   * 客户 is set to the same user or record.
   */
  private rawPlaceholder(value: string, firing: Firing): number | null {
    const m = /^\{\{\s*([^{}]+?)\s*\}\}$/.exec(value)
    if (!m) return null
    const name = m[1]!
    if (name === 'owner' || name === '负责人') return firing.ownerId
    const field = firing.form.byKey.get(name) ?? firing.form.fields.find((f) => f.label === name)
    if (!field || (field.type !== 'member' && field.type !== 'relation')) return null
    const v = firing.values[field.apiKey]
    const one = Array.isArray(v) ? v[0] : v
    return typeof one === 'object' && one !== null && typeof (one as { id?: unknown }).id === 'number' ? (one as { id: number }).id : null
  }

  checkAssignments(form: FormModel, set: Assignment[]): void {
    for (const a of set) {
      if (a.field !== 'owner' && !form.byKey.has(a.field)) throw new ValidationError('rules.error.unknownField', { field: a.field }, 'actions')
    }
  }

  private checkFormula(form: FormModel, formula: string, where: string): void {
    try {
      parseFormula(formula)
    } catch (e) {
      throw new ValidationError('rules.error.formula', { field: form.label, message: message(e) }, where)
    }
  }

  /**
   * Fill `{{placeholder}}`s with the system's view of the record — for values a rule writes
   * (update/create actions), never for a message someone reads (see renderFor): a field by API key or label (`{{name}}`, `{{客户名称}}`), a sub-table
   * row's column (`{{plan.dueDate}}`), and 标题 / 负责人 / 规则 / 表单 / 链接 (title, owner, rule, form, link).
   * Values are written for a reader in `locale` (¥902,000.00, 2026年3月2日: see formatFieldValue);
   * `null` keeps them as stored text, for values written into fields.
   */
  render(template: string, firing: Firing, locale: Locale | null = DEFAULT_LOCALE): string {
    return template.replace(/\{\{\s*([^{}]+?)\s*\}\}/g, (whole, name: string) => {
      const special: Record<string, string> = {
        标题: firing.title, title: firing.title,
        负责人: this.plain(firing.values['owner']), owner: this.plain(firing.values['owner']),
        规则: firing.rule.name, rule: firing.rule.name,
        表单: firing.form.label, form: firing.form.label,
        链接: `#/forms/${firing.form.id}/records/${firing.recordId}`, link: `#/forms/${firing.form.id}/records/${firing.recordId}`
      }
      if (name in special) return special[name]!
      if (name in firing.extra) return locale ? this.extraText(firing, name, locale) : this.plain(firing.extra[name])
      const field = firing.form.byKey.get(name) ?? firing.form.fields.find((f) => f.label === name)
      if (field) return locale ? formatFieldValue(field, firing.values[field.apiKey], locale) : this.plain(firing.values[field.apiKey])
      return whole
    })
  }

  /**
   * The record as `viewer` may read it, for messages to them: their row scope and field masks
   * (the access layer's readable fields, which hide a computed field whose sources they cannot
   * read); `values` null when they may not view the record at all. One read per firing and viewer.
   */
  seenBy(firing: Firing, viewer: Actor): SeenRecord {
    const cache = this.seen.get(firing) ?? new Map<number, SeenRecord>()
    this.seen.set(firing, cache)
    const known = cache.get(viewer.id)
    if (known) return known
    let seen: SeenRecord
    try {
      const dto = this.deps.reads.get(viewer, firing.form.id, firing.recordId, true)
      const values: Record<string, unknown> = { ...dto.fields, id: dto.id, owner: dto.owner, createdAt: dto.createdAt, updatedAt: dto.updatedAt, createdBy: dto.createdBy, updatedBy: dto.updatedBy }
      const titleKey = firing.form.titleField?.apiKey
      seen = { viewer, values, title: (titleKey && titleKey in dto.fields ? this.plain(dto.fields[titleKey]) : '') || `#${firing.recordId}` }
    } catch (e) {
      if (!(e instanceof NotFoundError)) throw e
      seen = { viewer, values: null, title: translate(viewer.locale, 'rules.render.unviewable') }
    }
    cache.set(viewer.id, seen)
    return seen
  }

  /** A user as a message reader (null when the account is gone). */
  userActor(userId: number): Actor | null {
    const user = this.deps.auth.user(userId)
    return user ? toActor(user) : null
  }

  /**
   * Whose permissions a message to outside addresses (e-mail to literal addresses, webhooks) is
   * rendered with: the rule's author — an administrator, since only administrators make rules —
   * with their rights now (a demoted or removed author's rule tells the outside no more than they
   * may read). A rule with no recorded author (installed with an app package by an administrator)
   * renders as the system, like the package's other admin-made settings.
   */
  author(rule: RuleModel): Actor {
    const id = this.deps.db.prepare('SELECT created_by FROM rules WHERE id = ?').pluck().get(rule.id) as number | null | undefined
    if (id === null || id === undefined) return SYSTEM_ACTOR
    return this.userActor(id) ?? { id, name: '', isAdmin: false, locale: 'zh-CN' }
  }

  /**
   * `render` for one reader of the message: a field they may not read (hidden for them, computed
   * from what they cannot read, or on a record they may not view) is "—" in their language,
   * never its value; so are 负责人 and the sub-table values of a record they may not view, whose
   * 标题 reads "a record you cannot open".
   */
  renderFor(template: string, firing: Firing, reader: SeenRecord): string {
    const none = translate(reader.viewer.locale, 'rules.render.hidden')
    const values = reader.values
    const readable = (name: string): FieldModel | null => {
      const field = firing.form.byKey.get(name) ?? firing.form.fields.find((f) => f.label === name)
      return field && values && field.apiKey in values ? field : null
    }
    return template.replace(/\{\{\s*([^{}]+?)\s*\}\}/g, (whole, name: string) => {
      const special: Record<string, string> = {
        标题: reader.title, title: reader.title,
        负责人: values ? this.plain(values['owner']) : none, owner: values ? this.plain(values['owner']) : none,
        规则: firing.rule.name, rule: firing.rule.name,
        表单: firing.form.label, form: firing.form.label,
        链接: `#/forms/${firing.form.id}/records/${firing.recordId}`, link: `#/forms/${firing.form.id}/records/${firing.recordId}`
      }
      if (name in special) return special[name]!
      if (name in firing.extra) {
        // A sub-table row's value (plan.dueDate): readable when the sub-table and its column are.
        const [parent, child] = name.split('.')
        const table = parent ? readable(parent) : null
        const column = table && child ? (firing.form.children.get(table.id) ?? []).find((c) => c.apiKey === child || c.label === child) : null
        return table && (!child || (column && !this.deps.access.hiddenFieldIds(reader.viewer, firing.form).has(column.id))) ? this.extraText(firing, name, reader.viewer.locale) : none
      }
      const field = firing.form.byKey.get(name) ?? firing.form.fields.find((f) => f.label === name)
      if (field) return readable(name) ? formatFieldValue(field, values![field.apiKey], reader.viewer.locale) : none
      return whole
    })
  }

  /** A firing's extra value for a reader: a sub-table row's date as a date, the idle-since time as a time. */
  private extraText(firing: Firing, name: string, locale: Locale): string {
    const value = firing.extra[name]
    if (name === 'idleSince' && typeof value === 'number') return formatFieldValue({ type: 'datetime' }, value, locale)
    const [parent, child] = name.split('.')
    const sub = firing.form.byKey.get(parent ?? '') ?? firing.form.fields.find((f) => f.label === parent)
    const column = sub && (firing.form.children.get(sub.id) ?? []).find((c) => c.apiKey === child || c.label === child)
    if (column?.type === 'date' && typeof value === 'string') return formatFieldValue(column, value, locale)
    return this.plain(value)
  }

  /** A value in API shape as text. */
  plain(v: unknown): string {
    if (v === null || v === undefined) return ''
    if (Array.isArray(v)) return v.map((x) => this.plain(x)).join('、')
    if (typeof v === 'object') {
      const o = v as { name?: string; title?: string; label?: string; id?: unknown }
      return o.name ?? o.title ?? o.label ?? String(o.id ?? '')
    }
    if (typeof v === 'boolean') return v ? '是' : '否'
    return String(v)
  }

  /** User ids a notification goes to. */
  recipients(to: Recipients, firing: Firing): number[] {
    const ids = new Set<number>(to.users)
    if (to.owner && firing.ownerId !== null) ids.add(firing.ownerId)
    if (to.manager && firing.ownerId !== null) {
      const manager = this.deps.org.managerChain(firing.ownerId)[0]
      if (manager !== undefined) ids.add(manager)
    }
    if (to.roles.length) {
      const rows = this.deps.db.prepare(`SELECT ur.user_id FROM user_roles ur JOIN users u ON u.id = ur.user_id WHERE u.active = 1 AND ur.role_id IN (${to.roles.map(() => '?').join(',')})`).pluck().all(...to.roles) as number[]
      rows.forEach((u) => ids.add(u))
    }
    if (to.roleKeys.length) {
      const rows = this.deps.db
        .prepare(`SELECT ur.user_id FROM user_roles ur JOIN users u ON u.id = ur.user_id JOIN roles r ON r.id = ur.role_id WHERE u.active = 1 AND r.key IN (${to.roleKeys.map(() => '?').join(',')})`)
        .pluck()
        .all(...to.roleKeys) as number[]
      rows.forEach((u) => ids.add(u))
    }
    for (const key of to.fields) {
      const v = firing.values[key]
      for (const item of Array.isArray(v) ? v : [v]) {
        const id = typeof item === 'object' && item !== null ? (item as { id?: unknown }).id : item
        if (typeof id === 'number') ids.add(id)
      }
    }
    return [...ids].filter((id) => id > 0)
  }

  /** The user recipients of an e-mail with the address on their profile. */
  userEmails(to: Recipients, firing: Firing): Array<{ userId: number; email: string }> {
    const users = this.recipients(to, firing)
    if (!users.length) return []
    return this.deps.db.prepare(`SELECT id AS userId, email FROM users WHERE active = 1 AND email IS NOT NULL AND email <> '' AND id IN (${users.map(() => '?').join(',')})`).all(...users) as Array<{ userId: number; email: string }>
  }

  /** Candidates for round-robin and least-loaded: the listed users, or the department's active users. */
  candidates(userIds: number[], departmentId: number | undefined): number[] {
    if (userIds.length) return [...userIds]
    if (!departmentId) return []
    const depts = this.deps.org.subtree(departmentId)
    return this.deps.db.prepare(`SELECT id FROM users WHERE active = 1 AND department_id IN (${depts.map(() => '?').join(',')}) ORDER BY id`).pluck().all(...depts) as number[]
  }

  state(ruleId: number, key: string): string | null {
    return (this.deps.db.prepare('SELECT value FROM rule_state WHERE rule_id = ? AND key = ?').pluck().get(ruleId, key) as string | undefined) ?? null
  }

  stateNumber(ruleId: number, key: string): number | null {
    const v = this.state(ruleId, key)
    return v === null ? null : Number(v)
  }

  setState(ruleId: number, key: string, value: string): void {
    this.deps.db.prepare('INSERT INTO rule_state (rule_id, key, value) VALUES (?, ?, ?) ON CONFLICT(rule_id, key) DO UPDATE SET value = excluded.value').run(ruleId, key, value)
  }

  /** When the rule was (last) enabled: time-based rules never replay what fell due before. */
  enabledAt(rule: RuleModel): number {
    return this.stateNumber(rule.id, 'enabledAt') ?? rule.updatedAt
  }

  private nameOf(ruleId: number): string {
    return (this.deps.db.prepare('SELECT name FROM rules WHERE id = ?').pluck().get(ruleId) as string | undefined) ?? `#${ruleId}`
  }

  private newRun(rule: RuleModel, trigger: string): Run {
    return { ruleId: rule.id, trigger, startedAt: this.deps.clock.now(), t0: performance.now(), matched: 0, actions: 0, errors: [], records: [] }
  }

  /** Append to the run log; with `onlyIfSomething`, a run that matched nothing and failed nothing is not logged. */
  private logRun(run: Run, onlyIfSomething = false): void {
    if (onlyIfSomething && !run.matched && !run.errors.length) return
    if (!this.deps.db.open) return
    this.deps.db
      .prepare('INSERT INTO rule_runs (rule_id, trigger, started_at, duration_ms, matched, actions, errors, records) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(run.ruleId, run.trigger, run.startedAt, Math.round((performance.now() - run.t0) * 1000) / 1000, run.matched, run.actions, run.errors.length ? JSON.stringify(run.errors.slice(0, 50)) : null, JSON.stringify(run.records))
    for (const e of run.errors) this.deps.scheduler.onError(`rule ${run.ruleId}`, e)
  }
}

interface FiringCache {
  /** undefined: not read yet; null: the record is gone. */
  firing: Firing | null | undefined
}

interface ExternalPayload {
  ruleId: number
  recordId: number
  period: string
  action: RuleModel['actions'][number]
  extra: Record<string, unknown>
}

const TIME_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone

/** What the change log keeps about a rule's write. */
const origin = (rule: RuleModel) => ({ origin: 'rule', rule: { id: rule.id, name: rule.name } })

function toModel(r: RuleRow): RuleModel {
  return {
    id: r.id, name: r.name, formId: r.form_id, enabled: r.enabled === 1, trigger: JSON.parse(r.trigger) as RuleModel['trigger'],
    condition: r.condition ? (JSON.parse(r.condition) as RuleModel['condition']) : {}, actions: JSON.parse(r.actions) as RuleModel['actions'],
    rateLimit: r.rate_limit, description: r.description, source: r.source, createdAt: r.created_at, updatedAt: r.updated_at
  }
}

function message(e: unknown): string {
  if (e instanceof DomainError) return translate('zh-CN', e.messageKey, e.params)
  return e instanceof Error ? e.message : String(e)
}
