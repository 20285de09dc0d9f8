import { randomUUID } from 'node:crypto'
import type { TransferDeps } from './index'
import type { Actor } from '../access/actor'
import { OPTION_COLORS, type SelectOption } from '../shared/field-types'
import { optionsOf } from '../forms/field-types/select'
import type { FormModel } from '../forms/model'
import { DomainError, NotFoundError, PermissionError, ValidationError } from '../shared/errors'
import { translate, type Locale } from '../shared/locales'
import type { ImportSettings, ImportStatus, PreviewDto } from '../shared/api/transfer'
import type { BulkRow } from '../records/write-pipeline'
import { NEW_OPTION, NEW_PERSON, type Scopes } from './convert'
import { newFieldColumns, type ImportJob, type PreparedRow } from './import-job'
import { ImportWorker } from './worker-client'
import { ImportMemory } from './memory'
import { ReportSummaries } from '../reports/summaries'

type SheetSummary = Awaited<ReturnType<ImportJob['open']>>[number]

/** `options` with the labels it lacks appended (new ids, the palette's colours in turn). */
function withOptions(options: readonly SelectOption[], labels: readonly string[]): SelectOption[] {
  const colors = OPTION_COLORS.filter((c) => c !== 'gray')
  const next: SelectOption[] = [...options]
  let n = options.length
  for (const label of labels) {
    if (next.some((o) => o.label === label)) continue
    let id = `o${++n}`
    while (next.some((o) => o.id === id)) id = `o${++n}`
    next.push({ id, label, color: colors[next.length % colors.length]! })
  }
  return next
}

// Import sessions. The worker thread reads and checks the file; this side creates the fields and
// options the user asked for, then writes the prepared rows through the write pipeline's bulk
// path in batches (validation, formulas, change log; rules and flows only when asked), yielding
// between batches so the app stays responsive and the status can be polled. Every record written
// is noted with the import batch, so the whole import can be undone as one unit; an
// all-or-nothing import that fails part-way, or a cancelled one, takes back what it wrote.

/**
 * `batch`: rows per write transaction. `atomic`: an all-or-nothing import of at most this many
 * rows is written in one transaction, so a failure leaves no trace at all; larger ones go in
 * batches (the app stays responsive, progress shows) and a failure takes back the earlier
 * batches through the undo path. Tests shrink these to exercise the batched path.
 */
export const IMPORT_LIMITS = { batch: 500, atomic: 5000 }
/** Sessions left alone this long are closed (their worker and file freed). */
const IDLE_MS = 60 * 60 * 1000

interface Session {
  id: string
  actorId: number
  formId: number
  fileName: string
  worker: ImportWorker
  status: ImportStatus
  cancel: boolean
  /** Line → why it was not imported, from the write (the worker knows the preview's). */
  writeErrors: Array<[number, string]>
  previewed: { settings: ImportSettings; preview: PreviewDto; prepared: number; rejected: number; newOptions: Record<string, string[]>; newPeople: string[] } | null
  touched: number
  running: Promise<void> | null
  /** Rows per write transaction of the current run. */
  batchSize: number
  /** The file being read (worker), then its sheets. */
  reading: Promise<SheetSummary[]> | null
}

export class ImportService {
  private readonly sessions = new Map<string, Session>()
  private readonly memory: ImportMemory
  private readonly summaries: ReportSummaries

  constructor(private readonly core: TransferDeps) {
    this.memory = new ImportMemory(core.db, core.clock)
    this.summaries = new ReportSummaries(core.db, core.schema, core.access)
    // An import still marked running was cut short (the app closed mid-way): what it wrote stays
    // noted, so it can be undone from the import history.
    core.db.prepare("UPDATE import_batches SET status = 'interrupted' WHERE status = 'running'").run()
  }

  /** Open a file and wait for its sheets (start + sheets). */
  async open(actor: Actor, formRef: number | string, fileName: string, data: Buffer) {
    const session = this.start(actor, formRef, fileName, data)
    return { session, sheets: await this.sheets(actor, session) }
  }

  /**
   * Start reading a file in a new session's worker; returns the session at once. status() shows
   * the rows read so far; sheets() waits for the result. A file that cannot be read ends the
   * session with its error (sheets() throws it).
   */
  start(actor: Actor, formRef: number | string, fileName: string, data: Buffer): string {
    const form = this.core.schema.form(formRef)
    this.core.access.authorize(actor, 'import', form)
    this.sweep()
    const worker = new ImportWorker(this.core.databaseFile)
    const id = randomUUID()
    const session: Session = {
      id, actorId: actor.id, formId: form.id, fileName, worker, cancel: false, writeErrors: [], previewed: null, touched: this.core.clock.now(), running: null, batchSize: IMPORT_LIMITS.batch,
      status: { session: id, phase: 'reading', done: 0, total: 0, created: 0, updated: 0, failed: 0, skipped: 0, batchId: null, message: null, hasReport: false, colleagues: [] },
      reading: null
    }
    session.reading = worker.call('open', fileName, data).then(
      (sheets) => {
        session.status.phase = 'ready'
        return sheets
      },
      (e: unknown) => {
        // Nothing to keep: the file was refused. The session stays only to report why.
        void worker.terminate()
        session.status.phase = 'failed'
        throw e
      }
    )
    session.reading.catch(() => undefined)
    this.sessions.set(id, session)
    return id
  }

  async sheets(actor: Actor, sessionId: string) {
    const s = this.session(actor, sessionId)
    try {
      return await s.reading!
    } catch (e) {
      this.sessions.delete(s.id)
      throw e
    }
  }

  /**
   * The header's columns with their guessed targets; what this user chose before for the same
   * headers on this form comes first, with the option choices and, for a file of the same
   * shape, the settings.
   */
  async columns(actor: Actor, sessionId: string, sheet: number, headerRow: number) {
    const s = this.session(actor, sessionId)
    const headers = await s.worker.call('headers', sheet, headerRow)
    const recalled = this.memory.recall(actor.id, s.formId, headers)
    const result = await s.worker.call('columns', s.formId, sheet, headerRow, recalled.columns)
    return { ...result, remembered: { options: recalled.options, settings: recalled.settings } }
  }

  async preview(actor: Actor, sessionId: string, settings: ImportSettings, locale: Locale): Promise<PreviewDto> {
    const s = this.session(actor, sessionId)
    if (s.running) throw new ValidationError('transfer.error.running', {}, 'session')
    const form = this.core.schema.form(s.formId)
    this.checkSettings(actor, form, settings)
    const result = await s.worker.call('preview', form.id, settings, this.scopes(actor, form), locale)
    // The worker converted every row; the write pipeline decides the rest (conditional required,
    // unique values, formulas and validation rules, permissions) in a trial write rolled back.
    const refused = await this.trialWrite(actor, s, form, settings, result.prepared, result.newPeople, locale)
    if (refused.length) {
      await s.worker.call('refuse', refused, settings.columns)
      this.addRefusals(result.preview, refused, settings)
      result.prepared -= refused.length
      result.rejected += refused.length
    }
    s.previewed = { settings, ...result }
    s.status = { ...s.status, phase: 'ready', total: result.preview.total, done: 0, message: null }
    return result.preview
  }

  /**
   * The prepared rows written through the write pipeline exactly as the run writes them (bulk,
   * a savepoint per row), in batches each rolled back: the rows it refuses, with the pipeline's
   * message. Values the run only makes valid by creating something are stood in for: a column
   * for a new field is left out (nothing can depend on a field that does not exist yet), a value
   * that becomes a new option is tried as one of the field's options (so a required or
   * conditionally required select still counts as filled). Each batch is one synchronous
   * transaction, so no other write can fall into it; the app stays responsive between batches.
   */
  private async trialWrite(actor: Actor, s: Session, form: FormModel, settings: ImportSettings, total: number, newPeople: readonly string[], locale: Locale): Promise<Array<{ line: number; message: string; field: string | null }>> {
    const { core } = this
    const refused: Array<{ line: number; message: string; field: string | null }> = []
    if (!total) return refused
    const added = new Map<string, { labels: Set<string>; standIn: string | null }>()
    for (const [apiKey, choices] of Object.entries(settings.options)) {
      const labels = Object.entries(choices).filter(([, v]) => v === NEW_OPTION).map(([label]) => label)
      const field = form.byKey.get(apiKey)
      if (labels.length && field) added.set(apiKey, { labels: new Set(labels), standIn: optionsOf(field)[0]?.id ?? null })
    }
    // A colleague the run adds is stood in for by the importer (who may own and be named anywhere).
    const people = new Set(newPeople)
    const members = new Set(['owner', ...form.fields.filter((f) => f.type === 'member').map((f) => f.apiKey)])
    const trialValues = (values: Record<string, unknown>): Record<string, unknown> => {
      const out: Record<string, unknown> = {}
      for (const [k, v] of Object.entries(values)) {
        if (k.startsWith('__new_')) continue
        if (members.has(k) && typeof v === 'string' && people.has(v)) {
          out[k] = actor.id
          continue
        }
        const adding = added.get(k)
        if (adding) {
          const swap = (x: unknown) => (adding.labels.has(String(x)) ? adding.standIn : x)
          const tried = Array.isArray(v) ? [...new Set(v.map(swap).filter((x) => x !== null))] : swap(v)
          if (tried !== null) out[k] = tried
          continue
        }
        out[k] = v
      }
      return out
    }
    const batch = IMPORT_LIMITS.batch
    // The worker hands over the next batch while this thread tries the current one.
    const take = (from: number) => {
      const p = s.worker.call('take', from, batch, {})
      p.catch(() => undefined) // awaited below; one left behind by an error must not go unhandled
      return p
    }
    let next: Promise<PreparedRow[]> | null = take(0)
    for (let from = 0; from < total; from += batch) {
      const rows = await next!
      next = from + batch < total ? take(from + batch) : null
      const bulk: BulkRow[] = rows.map((r) => (r.id !== undefined ? { id: r.id, values: trialValues(r.values) } : { values: trialValues(r.values) }))
      const outcomes = core.writes.tryBulkWrite(actor, form.id, bulk, { action: 'import', skipBad: true })
      outcomes.forEach((o, i) => {
        if (!o.ok) refused.push({ line: rows[i]!.line, message: translate(locale, o.error.messageKey, o.error.params), field: o.error.field ?? null })
      })
      if (from + batch < total) await new Promise<void>((resolve) => setImmediate(resolve))
    }
    return refused
  }

  /** The refused rows counted, listed and marked in the preview. */
  private addRefusals(preview: PreviewDto, refused: ReadonlyArray<{ line: number; message: string; field: string | null }>, settings: ImportSettings): void {
    const columnOf = (field: string | null) => (field ? settings.columns.find((c) => c.target.action === 'field' && c.target.field === field)?.column : undefined) ?? -1
    const byLine = new Map(refused.map((r) => [r.line, { column: columnOf(r.field), field: r.field ?? '', message: r.message }]))
    preview.valid -= refused.length
    preview.invalid += refused.length
    for (const row of preview.rows) {
      const e = byLine.get(row.line)
      if (e) row.errors.push(e)
    }
    const listed = new Map(preview.errors.map((e) => [e.line, e]))
    for (const [line, e] of byLine) {
      const entry = listed.get(line)
      if (entry) entry.errors.push(e)
      else if (preview.errors.length < 500) preview.errors.push({ line, errors: [e] })
    }
    preview.errors.sort((a, b) => a.line - b.line)
  }

  /** Start writing; resolves once started. Poll status() for progress. */
  async run(actor: Actor, sessionId: string, settings: ImportSettings, locale: Locale): Promise<ImportStatus> {
    const s = this.session(actor, sessionId)
    if (s.running) throw new ValidationError('transfer.error.running', {}, 'session')
    // The rows written are the ones the user previewed with exactly these settings.
    if (!s.previewed || JSON.stringify(s.previewed.settings) !== JSON.stringify(settings)) await this.preview(actor, sessionId, settings, locale)
    const { preview, prepared, rejected } = s.previewed!
    if (preview.total === 0) throw new ValidationError('transfer.error.noRows', { name: s.fileName }, 'sheet')
    // A date column no value disambiguates is read the way the user says, never guessed.
    const undecided = preview.dateOrders.filter((d) => d.needsChoice)
    if (undecided.length) throw new ValidationError('transfer.error.dateOrder', { columns: undecided.map((d) => d.header).join('、') }, 'columns')
    if (settings.onError === 'abort' && preview.invalid > 0) {
      throw new ValidationError('transfer.error.rowsInvalid', { count: preview.invalid }, 'onError')
    }
    if (preview.missingRequired.length && settings.onError === 'abort') {
      throw new ValidationError('transfer.error.missingRequired', { fields: preview.missingRequired.join('、') }, 'columns')
    }
    // Remembered as chosen, before anything is written: a failed or cancelled run needs nothing redone.
    this.memory.remember(actor.id, s.formId, await s.worker.call('headers', settings.sheet, settings.headerRow), settings)
    s.cancel = false
    s.writeErrors = []
    s.status = { session: s.id, phase: 'writing', done: 0, total: prepared, created: 0, updated: 0, failed: 0, skipped: rejected, batchId: null, message: null, hasReport: rejected > 0, colleagues: [] }
    s.running = this.write(actor, s, settings, prepared, locale).finally(() => { s.running = null })
    return { ...s.status }
  }

  status(actor: Actor, sessionId: string): ImportStatus {
    const s = this.session(actor, sessionId)
    if (s.status.phase === 'reading') return { ...s.status, done: s.worker.rowsRead }
    return { ...s.status }
  }

  /** Wait for a running import (tests, benchmarks). */
  async settle(actor: Actor, sessionId: string): Promise<ImportStatus> {
    const s = this.session(actor, sessionId)
    await s.running
    return { ...s.status }
  }

  async cancel(actor: Actor, sessionId: string): Promise<ImportStatus> {
    const s = this.session(actor, sessionId)
    s.cancel = true
    await s.running
    return { ...s.status }
  }

  async close(actor: Actor, sessionId: string): Promise<void> {
    const s = this.session(actor, sessionId)
    s.cancel = true
    await s.running
    this.sessions.delete(s.id)
    await s.worker.terminate()
  }

  async errorReport(actor: Actor, sessionId: string, locale: Locale): Promise<{ name: string; data: Buffer }> {
    const s = this.session(actor, sessionId)
    if (!s.previewed) throw new ValidationError('transfer.error.noReport', {}, 'session')
    const data = await s.worker.call('report', s.writeErrors, locale)
    const base = s.fileName.replace(/\.(xlsx|xlsm|csv|txt|tsv)$/i, '')
    return { name: `${base}-${translate(locale, 'transfer.report.suffix')}.xlsx`, data: Buffer.from(data) }
  }

  // ---------- writing ----------

  private async write(actor: Actor, s: Session, settings: ImportSettings, total: number, locale: Locale): Promise<void> {
    const { core } = this
    let batchId: number | null = null
    let created: number[] = []
    try {
      s.status.colleagues = this.addColleagues(actor, s.previewed?.newPeople ?? [])
      const schema = this.prepareSchema(actor, s.formId, settings, s.previewed?.newOptions ?? {})
      const renames = schema.renames
      created = schema.created
      const form = core.schema.form(s.formId)
      batchId = Number(core.db.prepare('INSERT INTO import_batches (form_id, actor_id, file_name, mode, status, started_at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(form.id, actor.id || null, s.fileName, settings.mode, 'running', core.clock.now()).lastInsertRowid)
      s.status.batchId = batchId
      const note = core.db.prepare('INSERT OR IGNORE INTO import_batch_rows (batch_id, record_id, op, before) VALUES (?, ?, ?, ?)')
      const progress = core.db.prepare('UPDATE import_batches SET created = ?, updated = ? WHERE id = ?')
      const mappedKeys = [...new Set(settings.columns.flatMap((c) => (c.target.action === 'field' ? [c.target.field] : [])))]
      const batch = settings.onError === 'abort' && total <= IMPORT_LIMITS.atomic ? Math.max(1, total) : IMPORT_LIMITS.batch
      s.batchSize = batch
      // The worker hands over the next batch while this thread writes the current one.
      const take = (from: number) => {
        const p = s.worker.call('take', from, batch, renames)
        p.catch(() => undefined) // awaited below; a batch never awaited (cancel) must not go unhandled
        return p
      }
      let next: Promise<PreparedRow[]> | null = total > 0 ? take(0) : null
      for (let from = 0; from < total; from += batch) {
        if (s.cancel) break
        const rows: PreparedRow[] = await next!
        next = from + batch < total ? take(from + batch) : null
        // One write transaction of the pipeline's own (not a savepoint around it: SQLite would keep
        // every page each statement touches in a sub-journal until the batch ends).
        const failed = core.writes.transaction(() => {
          const befores = new Map<number, string>()
          for (const r of rows) if (r.id !== undefined) befores.set(r.id, JSON.stringify(this.before(actor, form, r.id, mappedKeys)))
          const bulk: BulkRow[] = rows.map((r) => (r.id !== undefined ? { id: r.id, values: r.values } : { values: r.values }))
          // A batch of new records is added to the report summaries once, not by a trigger per row.
          const outcomes = core.writes.bulkWrite(actor, form.id, bulk, { action: 'import', skipBad: settings.onError === 'skip', events: settings.rules, detail: { importId: batchId }, suspend: (f) => this.summaries.suspendInserts(f) })
          let bad = 0
          outcomes.forEach((o, i) => {
            if (o.ok) {
              note.run(batchId, o.id, o.op, o.op === 'update' ? (befores.get(o.id) ?? null) : null)
              if (o.op === 'create') s.status.created++
              else s.status.updated++
            } else {
              bad++
              s.writeErrors.push([rows[i]!.line, translate(locale, o.error.messageKey, o.error.params)])
            }
          })
          // Counts kept current with the rows, so an import cut short can still be undone.
          progress.run(s.status.created, s.status.updated, batchId)
          return bad
        })
        s.status.failed += failed
        s.status.done = Math.min(total, from + rows.length)
        if (failed) s.status.hasReport = true
        await new Promise<void>((resolve) => setImmediate(resolve))
      }
      if (s.cancel) {
        s.status.phase = 'undoing'
        await this.undoBatch(actor, batchId, 'cancelled')
        this.dropCreated(created)
        s.status = { ...s.status, phase: 'cancelled', created: 0, updated: 0 }
        return
      }
      // The columns that created a field are remembered as that field.
      const headers = await s.worker.call('headers', settings.sheet, settings.headerRow).catch(() => [] as string[])
      this.memory.created(actor.id, form.id, headers, newFieldColumns(settings.columns).flatMap(({ key, mapping }) => (renames[key] ? [{ column: mapping.column, apiKey: renames[key]!, dateOrder: mapping.dateOrder }] : [])))
      this.finish(batchId, 'done', s.status)
      core.audit.appendCommitted({ op: 'import', formId: form.id, actorId: actor.id || null, detail: { importId: batchId, file: s.fileName, mode: settings.mode, created: s.status.created, updated: s.status.updated, failed: s.status.failed, skipped: s.status.skipped } })
      s.status.phase = 'done'
    } catch (e) {
      const error = e instanceof DomainError ? e : null
      const line = error?.row !== undefined ? await this.lineOf(s, error.row) : null
      const message = error ? translate(locale, error.messageKey, error.params) : String(e)
      if (line !== null) {
        s.writeErrors.push([line, message])
        s.status.hasReport = true
      }
      // All or nothing: what the earlier batches wrote is taken back.
      if (batchId !== null) await this.undoBatch(actor, batchId, 'failed').catch(() => undefined)
      // Nor are the fields it created left half-made: the next try creates them again.
      this.dropCreated(created)
      s.status = { ...s.status, phase: 'failed', created: 0, updated: 0, message: line !== null ? translate(locale, 'transfer.report.line', { line }) + message : message }
      if (!error) console.error('import failed', e)
    }
  }

  /** The file line of the n-th (1-based) row of the batch being written when it failed. */
  private async lineOf(s: Session, rowInBatch: number): Promise<number | null> {
    const from = Math.floor(Math.max(0, s.status.done) / s.batchSize) * s.batchSize
    const rows = await s.worker.call('take', from + rowInBatch - 1, 1, {}).catch(() => [])
    return rows[0]?.line ?? null
  }

  private finish(batchId: number, status: string, st: ImportStatus): void {
    this.core.db.prepare('UPDATE import_batches SET status = ?, created = ?, updated = ?, failed = ?, finished_at = ? WHERE id = ?')
      .run(status, st.created, st.updated, st.failed + st.skipped, this.core.clock.now(), batchId)
  }

  /** The values an update will overwrite, in API shape, to put back on undo. */
  private before(actor: Actor, form: FormModel, id: number, keys: string[]): Record<string, unknown> {
    const record = this.core.reads.get(actor, form.id, id)
    const out: Record<string, unknown> = {}
    for (const k of keys) {
      if (k === 'owner') out.owner = record.owner?.id ?? null
      else if (k in record.fields) out[k] = record.fields[k] ?? null
    }
    return out
  }

  /**
   * The people the user chose to add, as colleagues who do not sign in (an administrator can give
   * them a password in 组织 later), before any row is written; the rows name them, and the write
   * finds them by name. They stay if the run fails: they are people of the firm, and the next try
   * finds them. Returns the names added.
   */
  private addColleagues(actor: Actor, names: readonly string[]): string[] {
    if (!names.length) return []
    if (!actor.isAdmin) throw new PermissionError('transfer.error.colleaguesAdminOnly', {})
    const exists = this.core.db.prepare('SELECT 1 FROM users WHERE name = ? AND active = 1')
    const added: string[] = []
    for (const name of names) {
      if (exists.get(name)) continue
      this.core.org.createColleague(actor.id, name)
      added.push(name)
    }
    return added
  }

  /** New fields from columns and new select options, created before any row is written. */
  private prepareSchema(actor: Actor, formId: number, settings: ImportSettings, newOptions: Record<string, string[]>): { renames: Record<string, string>; created: number[] } {
    const renames: Record<string, string> = {}
    const created: number[] = []
    const form = this.core.schema.form(formId)
    for (const { key, mapping } of newFieldColumns(settings.columns)) {
      if (mapping.target.action !== 'new') continue
      let config = mapping.target.config
      // A select made from the column gets every value the column holds, not only the wizard's guess.
      if ((mapping.target.type === 'select' || mapping.target.type === 'multiselect') && newOptions[key]?.length) {
        config = { ...config, options: withOptions((config as { options?: SelectOption[] }).options ?? [], newOptions[key]) }
      }
      const field = this.core.schema.addField(form.id, { label: mapping.target.label, type: mapping.target.type, config })
      renames[key] = field.apiKey
      created.push(field.id)
    }
    for (const [apiKey, choices] of Object.entries(settings.options)) {
      const added = Object.entries(choices).filter(([, v]) => v === NEW_OPTION).map(([label]) => label)
      if (!added.length) continue
      const field = this.core.schema.form(formId).byKey.get(apiKey)
      if (!field) continue
      this.core.schema.updateField({ id: field.id, config: { ...field.config, options: withOptions(optionsOf(field), added) } })
    }
    return { renames, created }
  }

  /**
   * Fields a failed or cancelled run created are removed for good (their records were taken
   * back). Options it added to existing fields stay: they are whole options, and the next try
   * finds them by their label.
   */
  private dropCreated(fieldIds: readonly number[]): void {
    for (const id of fieldIds) {
      try {
        this.core.schema.deleteField(id)
        this.core.schema.purgeField(id)
      } catch (e) {
        console.error('import: could not remove a field it created', id, e)
      }
    }
  }

  /** Creating fields or options from an import is a design change. */
  private checkSettings(actor: Actor, form: FormModel, settings: ImportSettings): void {
    this.core.access.authorize(actor, 'import', form)
    const designs = settings.columns.some((c) => c.target.action === 'new') || Object.values(settings.options).some((m) => Object.values(m).includes(NEW_OPTION))
    if (designs) this.core.access.authorizeDesign(actor, form)
    // Adding people is user management: administrators only, refused before anything is read.
    if (!actor.isAdmin && Object.values(settings.people).includes(NEW_PERSON)) throw new PermissionError('transfer.error.colleaguesAdminOnly', {})
    for (const c of settings.columns) {
      if (c.target.action !== 'field' || c.target.field === 'owner') continue
      if (!form.byKey.has(c.target.field)) throw new ValidationError('value.unknownField', { field: c.target.field }, 'columns')
    }
    const fields = settings.columns.flatMap((c) => (c.target.action === 'field' ? [c.target.field] : []))
    const twice = fields.find((f, i) => fields.indexOf(f) !== i)
    if (twice) throw new ValidationError('transfer.error.mappedTwice', { field: form.byKey.get(twice)?.label ?? twice }, 'columns')
  }

  /** The actor's row scope on this form and every form its relations point to. */
  private scopes(actor: Actor, form: FormModel): Scopes {
    const scopes: Scopes = { [form.id]: this.core.access.rowScope(actor, form) }
    for (const f of form.fields) {
      if (f.type !== 'relation') continue
      const target = this.core.schema.form((f.config as { targetFormId: number }).targetFormId)
      scopes[target.id] = this.core.access.rowScope(actor, target)
    }
    return scopes
  }

  // ---------- undo ----------

  batches(actor: Actor, formRef: number | string) {
    const form = this.core.schema.form(formRef)
    this.core.access.authorize(actor, 'import', form)
    const rows = this.core.db.prepare(`SELECT b.*, u.name AS actor_name FROM import_batches b LEFT JOIN users u ON u.id = b.actor_id
      WHERE b.form_id = ? ORDER BY b.id DESC LIMIT 50`).all(form.id) as Array<Record<string, unknown>>
    const iso = (v: unknown) => (typeof v === 'number' ? new Date(v).toISOString() : null)
    return rows.map((r) => ({
      id: r.id as number, formId: r.form_id as number, fileName: r.file_name as string, mode: r.mode as string, status: r.status as string,
      created: r.created as number, updated: r.updated as number, failed: r.failed as number,
      actor: r.actor_id ? { id: r.actor_id as number, name: (r.actor_name as string) ?? '' } : null,
      startedAt: iso(r.started_at)!, finishedAt: iso(r.finished_at), undoneAt: iso(r.undone_at)
    }))
  }

  /** Undo a finished import as one unit: created records deleted (recoverable), updated ones restored. */
  async undo(actor: Actor, batchId: number): Promise<{ deleted: number; restored: number }> {
    const batch = this.core.db.prepare('SELECT * FROM import_batches WHERE id = ?').get(batchId) as { form_id: number; actor_id: number | null; status: string; undone_at: number | null } | undefined
    if (!batch) throw new NotFoundError('transfer.error.batchNotFound', { id: batchId })
    if (batch.undone_at !== null) throw new ValidationError('transfer.error.alreadyUndone', { id: batchId }, 'batchId')
    if (batch.status === 'running') throw new ValidationError('transfer.error.running', {}, 'batchId')
    if (!actor.isAdmin && batch.actor_id !== actor.id) throw new PermissionError()
    return this.undoBatch(actor, batchId, 'undone')
  }

  private async undoBatch(actor: Actor, batchId: number, status: string): Promise<{ deleted: number; restored: number }> {
    const { core } = this
    const batch = core.db.prepare('SELECT form_id FROM import_batches WHERE id = ?').get(batchId) as { form_id: number }
    const rows = core.db.prepare('SELECT record_id, op, before FROM import_batch_rows WHERE batch_id = ? ORDER BY record_id').all(batchId) as Array<{ record_id: number; op: string; before: string | null }>
    const created = rows.filter((r) => r.op === 'create').map((r) => r.record_id)
    const updated = rows.filter((r) => r.op === 'update')
    let deleted = 0
    let restored = 0
    for (let i = 0; i < created.length; i += IMPORT_LIMITS.batch) {
      deleted += core.writes.delete(actor, batch.form_id, created.slice(i, i + IMPORT_LIMITS.batch))
      await new Promise<void>((resolve) => setImmediate(resolve))
    }
    for (let i = 0; i < updated.length; i += IMPORT_LIMITS.batch) {
      core.db.transaction(() => {
        for (const r of updated.slice(i, i + IMPORT_LIMITS.batch)) {
          // Undoing restores history: a deal the import moved out of 赢单 goes back without the stage gate.
          core.writes.asHistory(() => core.writes.update(actor, batch.form_id, r.record_id, JSON.parse(r.before ?? '{}') as Record<string, unknown>))
          restored++
        }
      })()
      await new Promise<void>((resolve) => setImmediate(resolve))
    }
    core.db.prepare('UPDATE import_batches SET status = ?, undone_at = ?, undone_by = ?, finished_at = COALESCE(finished_at, ?) WHERE id = ?')
      .run(status, core.clock.now(), actor.id || null, core.clock.now(), batchId)
    core.audit.appendCommitted({ op: 'import.undo', formId: batch.form_id, actorId: actor.id || null, detail: { importId: batchId, deleted, restored, reason: status } })
    return { deleted, restored }
  }

  // ---------- sessions ----------

  private session(actor: Actor, id: string): Session {
    const s = this.sessions.get(id)
    if (!s || s.actorId !== actor.id) throw new NotFoundError('transfer.error.sessionNotFound')
    s.touched = this.core.clock.now()
    return s
  }

  private sweep(): void {
    const now = this.core.clock.now()
    for (const s of this.sessions.values()) {
      if (!s.running && now - s.touched > IDLE_MS) {
        this.sessions.delete(s.id)
        void s.worker.terminate()
      }
    }
  }

  async closeAll(): Promise<void> {
    for (const s of [...this.sessions.values()]) {
      s.cancel = true
      await s.running
      await s.worker.terminate()
    }
    this.sessions.clear()
  }
}
