import { ident } from '../db/connection'
import type { Actor } from '../access/actor'
import type { AccessLayer } from '../access/access-layer'
import { fieldType } from '../forms/field-types/registry'
import { relationConfig } from '../forms/field-types/relation'
import { linkTable, type FieldModel, type FormModel } from '../forms/model'
import type { SchemaService } from '../forms/schema-service'
import type { QueryBuilder, Sql } from '../records/query-builder'
import { resolveField } from '../records/query-builder'
import type { Clock } from '../clock'
import { FIELD_OPERATORS, type FieldType } from '../shared/field-types'
import type { FilterNode } from '../shared/api/contracts'
import { PermissionError, ValidationError } from '../shared/errors'

// Field paths of a report query resolved to SQL expressions. The base form's table is aliased
// `t` (the query builder's and access layer's convention); a sub-table source is `s`; each
// relation hop is one LEFT JOIN `r<n>`, restricted to the related records the caller may view
// (a row outside that scope reads as empty, so a dimension never discloses a hidden record).

export interface ReportDeps {
  schema: SchemaService
  access: AccessLayer
  queries: QueryBuilder
  clock: Clock
}

/** A resolved field path: the field at its end and the SQL expression of its value. */
export interface Resolved {
  /** The field the path ends at; for `x.department` the member field x. */
  field: FieldModel
  /** The form that field belongs to. */
  form: FormModel
  expr: string
  /** The value is a department id (a member field's department). */
  department: boolean
  /** The path stays on the base form (no relation hop, not a sub-table child). */
  base: boolean
  /** Sub-table child field. */
  child: boolean
  path: string
  /** Forms whose writes change this value (for cache invalidation). */
  forms: number[]
}

const SYSTEM_TYPES: ReadonlySet<string> = new Set(['owner', 'createdBy', 'updatedBy', 'createdAt', 'updatedAt', 'id'])

export class FieldScope {
  private joins_: Array<{ key: string; alias: string; sql: Sql; on: string; target: FormModel; links?: boolean }> = []
  readonly forms = new Set<number>()

  constructor(
    readonly deps: ReportDeps,
    readonly actor: Actor,
    readonly form: FormModel,
    /** Sub-table field whose rows are aggregated, or null for the form's records. */
    readonly source: FieldModel | null
  ) {
    deps.access.authorize(actor, 'view', form)
    this.forms.add(form.id)
  }

  static open(deps: ReportDeps, actor: Actor, formRef: number | string, sourceKey?: string): FieldScope {
    const form = deps.schema.form(formRef)
    let source: FieldModel | null = null
    if (sourceKey) {
      source = resolveField(form, sourceKey, deps.access.hiddenFieldIds(actor, form))
      if (source.type !== 'subtable') throw new ValidationError('reports.error.notSubtable', { field: source.label }, 'source')
    }
    return new FieldScope(deps, actor, form, source)
  }

  /**
   * FROM clause with the joins the resolved paths needed (call after resolving every path);
   * `without`: multiple-relation joins (aliases) left out, for a pivot's total over that dimension.
   */
  from(without: ReadonlySet<string> = new Set()): Sql {
    const base = this.source
      ? `${ident(`s_${this.source.id}`)} s JOIN ${ident(this.form.table)} t ON t.id = s.parent_id`
      : `${ident(this.form.table)} t`
    const joins = this.joins_.filter((j) => !(j.links && without.has(j.alias)))
    return { sql: [base, ...joins.map((j) => j.sql.sql)].join(' '), params: joins.flatMap((j) => j.sql.params) }
  }

  /** The relation joins alone (after the base table). */
  joins(): Sql {
    return { sql: this.joins_.map((j) => j.sql.sql).join(' '), params: this.joins_.flatMap((j) => j.sql.params) }
  }

  /** The relation joins made so far: alias, the expression joined on, the related form. */
  related(): Array<{ alias: string; on: string; target: FormModel }> {
    return this.joins_.map(({ alias, on, target }) => ({ alias, on, target }))
  }

  /** Columns of the base table (`t.<column>`) the joins start from. */
  joinedFromBase(): string[] {
    return [...new Set(this.joins_.map((j) => j.on).filter((on) => on.startsWith('t.')))]
  }

  /** A multi-relation's links are joined (a record is one row per linked record): no pre-aggregation, no summary. */
  multiplies(): boolean {
    return this.joins_.some((j) => j.links)
  }

  /** The path names a multiple relation of the base form itself (商机.意向产品). */
  isLinks(path: string): boolean {
    if (path.includes('.')) return false
    const field = this.form.byKey.get(path) ?? this.form.fields.find((f) => f.label === path)
    return Boolean(field && field.type === 'relation' && relationConfig(field).multiple && field.parentFieldId === null)
  }

  /**
   * A multiple relation as a dimension: the record joined with each record it links to (the link
   * table's key is (src, dst): each linked record once per record), keyed by the linked record's id. Only links to records the
   * caller may view are joined, as for a single relation: a record whose links are all out of
   * scope reads as empty, so no hidden record's id or title reaches the result.
   */
  links(path: string): Resolved {
    const field = resolveField(this.form, path, this.deps.access.hiddenFieldIds(this.actor, this.form))
    const target = this.deps.schema.form(relationConfig(field).targetFormId)
    if (!this.deps.access.can(this.actor, 'view', target)) throw new PermissionError('error.formPermission', { form: target.label, action: 'view' })
    const key = `links:${field.id}`
    let alias = this.joins_.find((j) => j.key === key)?.alias
    if (!alias) {
      alias = `m${this.joins_.length + 1}`
      const scope = this.deps.access.seesAll(this.actor, target) ? null : this.deps.access.rowScope(this.actor, target)
      // The row scope is written over alias `t`: the linked form is `t` inside the subquery.
      const sql = {
        sql: `LEFT JOIN (SELECT l.src AS src, l.dst AS dst FROM ${ident(linkTable(field.id))} l JOIN ${ident(target.table)} t ON t.id = l.dst AND t.deleted_at IS NULL${scope ? ` AND (${scope.sql})` : ''}) ${alias} ON ${alias}.src = t.id`,
        params: scope?.params ?? []
      }
      this.joins_.push({ key, alias, sql, on: 't.id', target, links: true })
    }
    this.forms.add(target.id)
    return { field, form: this.form, expr: `${alias}.dst`, department: false, base: true, child: false, path, forms: [this.form.id, target.id] }
  }

  /** The rows counted: sub-table rows or records. */
  rowId(): string {
    return this.source ? 's.id' : 't.id'
  }

  resolve(path: string): Resolved {
    const parts = path.split('.')
    const hiddenBase = this.deps.access.hiddenFieldIds(this.actor, this.form)
    let form = this.form
    let alias = 't'
    let child = false
    let field: FieldModel | undefined
    const forms = [this.form.id]
    // A sub-table source: its child fields come first.
    if (this.source) {
      const children = this.form.children.get(this.source.id) ?? []
      const found = children.find((c) => c.apiKey === parts[0] || c.label === parts[0])
      if (found) {
        if (hiddenBase.derived?.has(found.id)) throw new ValidationError('query.fieldNotReadable', { field: found.label }, parts[0])
        if (hiddenBase.has(found.id)) throw new ValidationError('value.unknownField', { field: parts[0]! }, parts[0])
        field = found
        alias = 's'
        child = true
      }
    }
    // Fields the caller may not read (hidden by a role, or computed from what they may not read:
    // a roll-up over records they cannot all see, a formula over a hidden field) are refused here.
    field ??= resolveField(form, parts[0]!, hiddenBase)
    let expr = this.column(alias, field)
    for (let i = 1; i < parts.length; i++) {
      const seg = parts[i]!
      if (seg === 'department' && (field.type === 'member' || SYSTEM_TYPES.has(field.apiKey)) && i === parts.length - 1) {
        return { field, form, expr: `(SELECT department_id FROM users WHERE id = ${expr})`, department: true, base: false, child, path, forms }
      }
      if (field.type !== 'relation' || relationConfig(field).multiple) throw new ValidationError('reports.error.badPath', { path }, path)
      const target = this.deps.schema.form(relationConfig(field).targetFormId)
      if (!this.deps.access.can(this.actor, 'view', target)) throw new PermissionError('error.formPermission', { form: target.label, action: 'view' })
      const key = parts.slice(0, i).join('.')
      alias = this.join(key, target, expr)
      form = target
      forms.push(target.id)
      this.forms.add(target.id)
      field = resolveField(target, seg, this.deps.access.hiddenFieldIds(this.actor, target))
      expr = this.column(alias, field)
    }
    this.watch(field)
    return { field, form, expr, department: false, base: parts.length === 1 && !child, child, path, forms }
  }

  /**
   * A filter over paths. Conditions on the base form's own fields are compiled by the query
   * builder; others by the field type at the end of the path, over its joined column.
   */
  filter(node: FilterNode): Sql {
    if ('and' in node || 'or' in node) {
      const list = 'and' in node ? node.and : node.or
      if (!list.length) return { sql: '1 = 1', params: [] }
      const parts = list.map((n) => this.filter(n))
      return { sql: parts.map((p) => `(${p.sql})`).join('and' in node ? ' AND ' : ' OR '), params: parts.flatMap((p) => p.params) }
    }
    // A multiple relation's condition (linked to any of …, empty) is the query builder's.
    if (!this.source && this.isLinks(node.field)) return this.deps.queries.filter(this.actor, this.form, node, this.deps.access.hiddenFieldIds(this.actor, this.form))
    const r = this.resolve(node.field)
    if (r.base) return this.deps.queries.filter(this.actor, this.form, node, this.deps.access.hiddenFieldIds(this.actor, this.form))
    if (r.department) {
      const ids = (Array.isArray(node.value) ? node.value : [node.value]).map(Number).filter((n) => Number.isInteger(n))
      if (node.op === 'empty') return { sql: `${r.expr} IS NULL`, params: [] }
      if (node.op === 'notEmpty') return { sql: `${r.expr} IS NOT NULL`, params: [] }
      if ((node.op !== 'eq' && node.op !== 'in') || !ids.length) throw new ValidationError('query.badOperator', { field: node.field, op: node.op }, node.field)
      return { sql: `${r.expr} IN (${ids.map(() => '?').join(',')})`, params: ids }
    }
    if (!FIELD_OPERATORS[r.field.type].includes(node.op)) throw new ValidationError('query.badOperator', { field: r.field.label, op: node.op }, node.field)
    const rowId = r.child ? 's.id' : r.expr.replace(/\.[^.]+$/, '.id')
    return fieldType(r.field).filter(node.op, node.value, r.field, { clock: this.deps.clock, actorId: this.actor.id, column: r.expr, rowId })
  }

  private column(alias: string, field: FieldModel): string {
    if (!field.column) {
      if (field.type === 'relation') throw new ValidationError('reports.error.multiRelation', { field: field.label }, field.apiKey)
      throw new ValidationError('reports.error.notAggregatable', { field: field.label }, field.apiKey)
    }
    return `${alias}.${ident(field.column)}`
  }

  /**
   * Roll-ups change when the records they add up change, and a relation is shown by the related
   * record's title: those forms are watched too.
   */
  private watch(field: FieldModel): void {
    if (field.type === 'relation' && !relationConfig(field).multiple) this.forms.add(relationConfig(field).targetFormId)
    if (field.type !== 'rollup') return
    const relationId = (field.config as { relationFieldId: number }).relationFieldId
    this.forms.add(this.deps.schema.fieldById(relationId).formId)
  }

  private join(key: string, target: FormModel, on: string): string {
    const existing = this.joins_.find((j) => j.key === key)
    if (existing) return existing.alias
    const alias = `r${this.joins_.length + 1}`
    const table = ident(target.table)
    let sql: Sql
    if (this.deps.access.seesAll(this.actor, target)) {
      sql = { sql: `LEFT JOIN ${table} ${alias} ON ${alias}.id = ${on} AND ${alias}.deleted_at IS NULL`, params: [] }
    } else {
      // The row scope is written over alias `t`: it is applied inside the joined subquery.
      const scope = this.deps.access.rowScope(this.actor, target)
      sql = { sql: `LEFT JOIN (SELECT t.* FROM ${table} t WHERE t.deleted_at IS NULL AND (${scope.sql})) ${alias} ON ${alias}.id = ${on}`, params: scope.params }
    }
    this.joins_.push({ key, alias, sql, on, target })
    return alias
  }
}

/** Value types a dimension or measure can be. */
export function valueKind(r: Resolved): 'date' | 'datetime' | 'number' | 'other' {
  const type: FieldType = r.field.type
  if (r.department) return 'other'
  if (type === 'date') return 'date'
  if (type === 'datetime') return 'datetime'
  if (['number', 'amount', 'percent', 'rollup', 'autonumber'].includes(type)) return type === 'autonumber' ? 'other' : 'number'
  // A formula that returns a date stores ISO day text like a date field: it buckets by week,
  // month, quarter and year like one (and takes date ranges and KPI periods).
  if (type === 'formula' && r.field.resultType === 'date') return 'date'
  if (type === 'formula' && r.field.resultType === 'number') return 'number'
  return 'other'
}
