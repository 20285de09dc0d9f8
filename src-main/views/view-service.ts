import type { Sqlite } from '../db/connection'
import type { Clock } from '../clock'
import type { AccessLayer } from '../access/access-layer'
import type { Actor } from '../access/actor'
import type { SchemaService } from '../forms/schema-service'
import type { FieldModel, FormModel } from '../forms/model'
import { resolveField, type QueryBuilder } from '../records/query-builder'
import { viewConfig, type FilterNode, type ViewConfig, type ViewDto } from '../shared/api/contracts'
import { NotFoundError, ValidationError } from '../shared/errors'
import { SYSTEM_FIELDS } from '../shared/field-types'
import { canonicalFilter } from '../shared/filter-match'
import { ensureViewIndex } from './view-indexes'
import { ensureAggregateIndex } from '../records/aggregate-indexes'

// Saved views of a form: table, kanban and calendar, each with its filter, sorts, columns and
// type-specific settings. Shared views are seen by everyone who may view the form and changed
// only by designers (administrators or the form's `design` permission); personal views exist only
// for their owner. Fields are referenced by API key; the schema service rewrites the keys when a
// field's key is renamed.
//
// No view is seeded: a form without saved views is shown in the renderer's built-in default table
// view (全部记录: every column, newest first), so every form offers a table view from the start.

interface ViewRow {
  id: number; form_id: number; name: string; type: string; shared: number; owner_user_id: number | null
  position: number; config: string
}

const NUMERIC_TYPES = new Set(['number', 'amount', 'percent', 'rollup'])

export class ViewService {
  constructor(
    private readonly db: Sqlite,
    private readonly schema: SchemaService,
    private readonly access: AccessLayer,
    private readonly queries: QueryBuilder,
    private readonly clock: Clock
  ) {}

  /** The shared views of the form and the actor's own, in their order. */
  list(actor: Actor, formRef: number | string): ViewDto[] {
    const form = this.schema.form(formRef)
    this.access.authorize(actor, 'view', form)
    const rows = this.db.prepare('SELECT * FROM views WHERE form_id = ? AND (shared = 1 OR owner_user_id = ?) ORDER BY position, id').all(form.id, actor.id) as ViewRow[]
    return rows.map((r) => this.toDto(r, form, actor))
  }

  create(actor: Actor, input: { form: number | string; name: string; type: ViewDto['type']; shared: boolean; config: ViewConfig }): ViewDto {
    const form = this.schema.form(input.form)
    this.access.authorize(actor, 'view', form)
    if (input.shared) this.access.authorizeDesign(actor, form)
    const config = this.checkConfig(actor, form, input.config)
    const now = this.clock.now()
    const position = this.db.prepare('SELECT COALESCE(MAX(position), 0) + 1 FROM views WHERE form_id = ?').pluck().get(form.id) as number
    if (input.shared) ensureViewIndex(this.db, form, config)
    if (input.shared) ensureAggregateIndex(this.db, form, input.type, config)
    const id = Number(this.db.prepare('INSERT INTO views (form_id, name, type, shared, owner_user_id, position, config, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(form.id, input.name, input.type, input.shared ? 1 : 0, actor.id || null, position, JSON.stringify(config), now, now).lastInsertRowid)
    return this.toDto(this.row(id), form, actor)
  }

  update(actor: Actor, input: { id: number; name?: string; shared?: boolean; position?: number; config?: ViewConfig }): ViewDto {
    const row = this.editable(actor, input.id)
    const form = this.schema.form(row.form_id)
    // Sharing or un-sharing a view changes what others see: a designer's decision.
    if (input.shared !== undefined && input.shared !== !!row.shared) this.access.authorizeDesign(actor, form)
    const checked = input.config ? this.checkConfig(actor, form, input.config) : null
    const config = checked ? JSON.stringify(checked) : row.config
    if (input.shared ?? !!row.shared) ensureViewIndex(this.db, form, checked ?? (JSON.parse(row.config) as ViewConfig))
    if (input.shared ?? !!row.shared) ensureAggregateIndex(this.db, form, row.type, checked ?? (JSON.parse(row.config) as ViewConfig))
    // A shared view made personal becomes the personal view of whoever un-shared it.
    const owner = input.shared === false && row.shared ? actor.id || null : row.owner_user_id
    this.db.prepare('UPDATE views SET name = ?, shared = ?, owner_user_id = ?, position = ?, config = ?, updated_at = ? WHERE id = ?').run(
      input.name ?? row.name, (input.shared ?? !!row.shared) ? 1 : 0, owner, input.position ?? row.position, config, this.clock.now(), row.id)
    return this.toDto(this.row(row.id), form, actor)
  }

  delete(actor: Actor, id: number): void {
    const row = this.editable(actor, id)
    this.db.prepare('DELETE FROM views WHERE id = ?').run(row.id)
  }

  // ---------- internals ----------

  private row(id: number): ViewRow {
    const row = this.db.prepare('SELECT * FROM views WHERE id = ?').get(id) as ViewRow | undefined
    if (!row) throw new NotFoundError('view.notFound', { id })
    return row
  }

  /** A view the actor may change: their own personal view, or a shared one they may design. */
  private editable(actor: Actor, id: number): ViewRow {
    const row = this.row(id)
    const form = this.schema.form(row.form_id)
    this.access.authorize(actor, 'view', form)
    // Someone else's personal view does not exist for the actor.
    if (!row.shared && row.owner_user_id !== actor.id) throw new NotFoundError('view.notFound', { id })
    if (row.shared) this.access.authorizeDesign(actor, form)
    return row
  }

  /**
   * Every field the config names must exist on the form and be visible to the actor; the kanban
   * field must be a single select, the calendar field a date or date-time, the total field a number.
   * Fields named by label are stored by API key.
   */
  private checkConfig(actor: Actor, form: FormModel, input: ViewConfig): ViewConfig {
    const config = viewConfig.parse(input)
    const hidden = this.access.hiddenFieldIds(actor, form)
    const field = (key: string): FieldModel => {
      try {
        return resolveField(form, key, hidden)
      } catch (e) {
        // A computed field the actor may not read is named as such; anything else does not exist for them.
        if (e instanceof ValidationError && e.messageKey === 'query.fieldNotReadable') throw new ValidationError(e.messageKey, e.params, 'config')
        throw new ValidationError('view.unknownField', { field: key }, 'config')
      }
    }
    const keyOf = (key: string) => field(key).apiKey
    const out: ViewConfig = { ...config }
    if (config.filter) {
      // Compiling the filter checks fields, operators and values exactly as a query would.
      this.queries.filter(actor, form, config.filter, hidden)
      out.filter = canonicalFilter(config.filter, form.fields)
    }
    out.sort = config.sort.map((s) => {
      const f = field(s.field)
      if (!f.column) throw new ValidationError('query.notSortable', { field: f.label }, 'config')
      return { ...s, field: f.apiKey }
    })
    out.columns = config.columns.map((c) => ({ ...c, field: keyOf(c.field) }))
    out.cardFields = config.cardFields.map(keyOf)
    if (config.groupBy) {
      const f = field(config.groupBy)
      if (!f.column) throw new ValidationError('query.notSortable', { field: f.label }, 'config')
      out.groupBy = f.apiKey
    }
    if (config.kanbanField) {
      const f = field(config.kanbanField)
      if (f.type !== 'select') throw new ValidationError('view.kanbanField', { field: f.label }, 'config')
      out.kanbanField = f.apiKey
    }
    if (config.calendarField) {
      const f = field(config.calendarField)
      if (f.type !== 'date' && f.type !== 'datetime') throw new ValidationError('view.calendarField', { field: f.label }, 'config')
      out.calendarField = f.apiKey
    }
    if (config.sumField) {
      const f = field(config.sumField)
      const numeric = NUMERIC_TYPES.has(f.type) || (f.type === 'formula' && f.resultType === 'number')
      if (!numeric || f.id === -1) throw new ValidationError('view.sumField', { field: f.label }, 'config')
      out.sumField = f.apiKey
    }
    return out
  }

  /**
   * A view as the actor sees it. A shared view may name fields the actor may not read (hidden by a
   * role, or computed from what they may not read: see the access layer), and any
   * view may name a field deleted since: those columns, card fields, sorts, settings and filter
   * conditions are left out, so a hidden field's key or threshold is never disclosed and the view
   * still runs as a query.
   */
  private toDto(row: ViewRow, form: FormModel, actor: Actor): ViewDto {
    const hidden = this.access.hiddenFieldIds(actor, form)
    const known = new Set([...form.fields.filter((f) => !hidden.has(f.id)).map((f) => f.apiKey), ...SYSTEM_FIELDS.map((f) => f.key)])
    const config = viewConfig.parse(JSON.parse(row.config))
    const ok = (k: string | null) => (k !== null && !known.has(k) ? null : k)
    config.columns = config.columns.filter((c) => known.has(c.field))
    config.cardFields = config.cardFields.filter((k) => known.has(k))
    config.sort = config.sort.filter((s) => known.has(s.field))
    config.groupBy = ok(config.groupBy)
    config.kanbanField = ok(config.kanbanField)
    config.sumField = ok(config.sumField)
    config.calendarField = ok(config.calendarField)
    config.filter = config.filter ? pruneFilter(config.filter, known) : null
    return {
      id: row.id, formId: row.form_id, name: row.name, type: row.type as ViewDto['type'], shared: !!row.shared,
      ownerId: row.owner_user_id, position: row.position, config
    }
  }
}

/** The filter without conditions on unknown fields (an emptied group is dropped with them). */
function pruneFilter(node: FilterNode, known: ReadonlySet<string>): FilterNode | null {
  if ('and' in node || 'or' in node) {
    const list = ('and' in node ? node.and : node.or).map((n) => pruneFilter(n, known))
    const kept = list.filter((n): n is FilterNode => n !== null)
    if (kept.length === 0 && list.length > 0) return null
    return 'and' in node ? { and: kept } : { or: kept }
  }
  return known.has(node.field) ? node : null
}
