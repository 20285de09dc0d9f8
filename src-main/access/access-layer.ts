import type { Sqlite } from '../db/connection'
import { ident } from '../db/connection'
import { PermissionError, NotFoundError } from '../shared/errors'
import type { FilterNode, PermissionDto } from '../shared/api/contracts'
import type { FieldModel, FormModel } from '../forms/model'
import type { Sql } from '../forms/field-types/types'
import type { Actor } from './actor'
import type { Organization } from './organization'
import { derivedHidden, type HiddenReason } from '../shared/computed-access'

export type RecordAction = 'view' | 'create' | 'edit' | 'delete' | 'import' | 'export' | 'design' | 'transfer'

interface Grant {
  actions: Set<RecordAction>
  scope: PermissionDto['scope']
  filter: FilterNode | null
  rules: Record<string, 'hidden' | 'readonly'>
}

/** The actor's roles on one form: grants, and the fields their field rules hide or make read-only. */
interface Base {
  admin: boolean
  departmentId: number | null
  grants: Grant[]
  hidden: Set<number>
  readonly: Set<number>
}

/**
 * Fields hidden from an actor on a form: those their roles hide, and the computed fields the
 * computed-field rule hides (`derived`, with the reasons; see shared/computed-access.ts).
 */
export type HiddenFields = ReadonlySet<number> & { readonly derived?: ReadonlyMap<number, readonly HiddenReason[]> }

interface Policy extends Omit<Base, 'hidden'> {
  hidden: HiddenFields
  derived: Map<number, HiddenReason[]>
  /** The compiled forms the derivation read (other than the form itself): a new model of any of them recomputes it. */
  deps: Array<[number, FormModel]>
  /** The fields the actor may read, once asked (see readableFields). */
  readable?: { form: FormModel; fields: FieldModel[] }
}

/**
 * The one access layer. Every read path asks it for the row scope (a WHERE fragment over the
 * form table aliased `t`) and the readable fields; every write asks it to authorize the action,
 * the record and each field. A user's roles combine permissively: an action is allowed if any
 * role allows it, on the union of those roles' data scopes; a field is hidden only if every role
 * that can see the form hides it. Administrators are not restricted.
 */
/** Which fields an actor may write on a form: everything as an administrator, else neither hidden nor read-only. */
export interface WriteRules { readonly admin: boolean; readonly hidden: ReadonlySet<number>; readonly readonly: ReadonlySet<number> }

export function writable(rules: WriteRules, field: FieldModel): boolean {
  return rules.admin || (!rules.hidden.has(field.id) && !rules.readonly.has(field.id))
}

export class AccessLayer {
  private bases = new Map<string, Base>()
  private policies = new Map<string, Policy>()
  /** Compiles a custom-scope filter; set by the core (the query builder depends on this layer). */
  compileFilter: ((actor: Actor, form: FormModel, node: FilterNode) => Sql) | null = null
  /**
   * Compiled forms by id, for roll-ups over other forms; set by the core (the schema service).
   * Without it every roll-up is hidden from non-administrators: its source cannot be checked.
   */
  formOf: ((formId: number) => FormModel) | null = null
  /**
   * The public pool (公海) seam. On forms listed here (API keys, registered by the CRM engine for
   * leads and customers) everyone who may view the form also sees its ownerless records, whatever
   * their data scope; and inside `claiming` a user may edit one such record to become its owner.
   */
  readonly poolForms = new Set<string>()
  private claim: { actorId: number; formId: number; recordId: number } | null = null

  constructor(private readonly db: Sqlite, private readonly org: Organization) {}

  /** Moves with every change of the organization (users, departments, roles, permissions): what caches of it are keyed by. */
  get organizationVersion(): number {
    return this.org.version
  }

  authorize(actor: Actor, action: RecordAction, form: FormModel): void {
    const p = this.base(actor, form)
    if (p.admin) return
    if (!p.grants.some((g) => g.actions.has(action))) throw new PermissionError('error.formPermission', { form: form.label, action })
  }

  /** Authorize an action on one record: the action on the form, and the record inside its scope. */
  authorizeRecord(actor: Actor, action: RecordAction, form: FormModel, recordId: number): void {
    this.authorize(actor, action, form)
    if (this.base(actor, form).admin) return
    const c = this.claim
    if (action === 'edit' && c && c.actorId === actor.id && c.formId === form.id && c.recordId === recordId) return
    const scope = this.rowScope(actor, form, action)
    const found = this.db.prepare(`SELECT 1 FROM ${ident(form.table)} t WHERE t.id = ? AND (${scope.sql})`).get(recordId, ...scope.params)
    if (found) return
    // A record the actor may see but not change (view and edit granted over different scopes)
    // says so; outside what they may see it reads as "not found": its existence is not disclosed.
    if (action !== 'view') {
      const visible = this.rowScope(actor, form, 'view')
      if (this.db.prepare(`SELECT 1 FROM ${ident(form.table)} t WHERE t.id = ? AND (${visible.sql})`).get(recordId, ...visible.params)) {
        throw new PermissionError(action === 'delete' ? 'error.recordDeleteDenied' : 'error.recordEditDenied', { id: recordId, form: form.label })
      }
    }
    throw new NotFoundError('error.recordNotFound', { id: recordId })
  }

  /**
   * Run a claim of one pool record (the caller has checked it is ownerless): inside `fn` the actor
   * may edit that record, so the owner change goes through the write pipeline as the actor.
   */
  claiming<T>(actor: Actor, form: FormModel, recordId: number, fn: () => T): T {
    if (!this.poolForms.has(form.apiKey)) throw new PermissionError('error.formPermission', { form: form.label, action: 'edit' })
    const outer = this.claim
    this.claim = { actorId: actor.id, formId: form.id, recordId }
    try {
      return fn()
    } finally {
      this.claim = outer
    }
  }

  /**
   * Who may decide a record's owner (a record created for someone else, an owner changed): the
   * system, administrators, roles holding `transfer` on the form, and a user claiming this pool
   * record (inside `claiming`). Everyone else's records are their own.
   */
  mayAssignOwner(actor: Actor, form: FormModel, recordId: number | null): boolean {
    if (actor.id === 0) return true
    const c = this.claim
    if (recordId !== null && c && c.actorId === actor.id && c.formId === form.id && c.recordId === recordId) return true
    const p = this.policy(actor, form)
    return p.admin || p.grants.some((g) => g.actions.has('transfer'))
  }

  /** Form design (fields, rules) on one form: administrators, or roles with the design action. */
  authorizeDesign(actor: Actor, form?: FormModel): void {
    if (actor.isAdmin) return
    if (form && this.base(actor, form).grants.some((g) => g.actions.has('design'))) return
    throw new PermissionError('error.adminOnly')
  }

  can(actor: Actor, action: RecordAction, form: FormModel): boolean {
    const p = this.base(actor, form)
    return p.admin || p.grants.some((g) => g.actions.has(action))
  }

  /** SQL condition limiting which rows of `form` (aliased `t`) the actor may act on. */
  rowScope(actor: Actor, form: FormModel, action: RecordAction = 'view'): Sql {
    const p = this.base(actor, form)
    if (p.admin) return { sql: '1 = 1', params: [] }
    const parts: Sql[] = p.grants.filter((g) => g.actions.has(action)).map((g) => this.scopeSql(actor, form, p, g))
    if (!parts.length) return { sql: '0', params: [] }
    if (action === 'view' && this.poolForms.has(form.apiKey)) parts.push({ sql: 't.owner_id IS NULL', params: [] })
    if (parts.some((s) => s.sql === '1 = 1')) return { sql: '1 = 1', params: [] }
    return { sql: parts.map((s) => `(${s.sql})`).join(' OR '), params: parts.flatMap((s) => s.params) }
  }

  /**
   * The row scope split for data kept per owner rather than per record (report summaries):
   * `owner`, a condition on `t.owner_id` alone, and whether records shared with the actor as a
   * collaborator add to it (they do for every scope but "all"). Together they select exactly what
   * `rowScope` selects. Null when the scope reads other columns (a custom scope filter).
   */
  ownerScope(actor: Actor, form: FormModel, action: RecordAction = 'view'): { owner: Sql; collaborators: boolean } | null {
    const p = this.base(actor, form)
    if (p.admin) return { owner: { sql: '1 = 1', params: [] }, collaborators: false }
    const grants = p.grants.filter((g) => g.actions.has(action))
    if (!grants.length) return { owner: { sql: '0', params: [] }, collaborators: false }
    if (grants.some((g) => g.scope === 'all')) return { owner: { sql: '1 = 1', params: [] }, collaborators: false }
    if (grants.some((g) => g.scope === 'custom' && g.filter && this.compileFilter)) return null
    const parts: Sql[] = grants.map((g) => {
      const own = { sql: 't.owner_id = ?', params: [actor.id] }
      if ((g.scope !== 'department' && g.scope !== 'departmentTree') || p.departmentId === null) return own
      const depts = g.scope === 'department' ? [p.departmentId] : this.org.subtree(p.departmentId)
      return { sql: `t.owner_id IN (SELECT id FROM users WHERE department_id IN (${depts.map(() => '?').join(',')})) OR ${own.sql}`, params: [...depts, ...own.params] }
    })
    if (action === 'view' && this.poolForms.has(form.apiKey)) parts.push({ sql: 't.owner_id IS NULL', params: [] })
    return { owner: { sql: parts.map((s) => `(${s.sql})`).join(' OR '), params: parts.flatMap((s) => s.params) }, collaborators: true }
  }

  /** Whether the actor sees every record of the form (no row restriction). */
  seesAll(actor: Actor, form: FormModel): boolean {
    return this.rowScope(actor, form).sql === '1 = 1'
  }

  /** Fields the actor may not read on the form: hidden by their roles, or computed from what they may not read. */
  hiddenFieldIds(actor: Actor, form: FormModel): HiddenFields {
    return this.policy(actor, form).hidden
  }

  /** The computed fields hidden from the actor by the computed-field rule, with the reasons. */
  hiddenReasons(actor: Actor, form: FormModel): ReadonlyMap<number, readonly HiddenReason[]> {
    return this.policy(actor, form).derived
  }

  /** Fields the actor may read: neither hidden by a role nor computed from something hidden (see the class comment). */
  readableFields(actor: Actor, form: FormModel): FieldModel[] {
    const p = this.policy(actor, form)
    if (p.admin) return form.fields
    // Kept with the policy (same form model, same roles): readers key their own caches by it.
    if (p.readable?.form !== form) p.readable = { form, fields: form.fields.filter((f) => !p.hidden.has(f.id)) }
    return p.readable.fields
  }

  canWriteField(actor: Actor, field: FieldModel, form: FormModel): boolean {
    return writable(this.writeRules(actor, form), field)
  }

  /** The actor's field rules on a form, looked up once for a record of many fields (see `writable`). */
  writeRules(actor: Actor, form: FormModel): WriteRules {
    return this.policy(actor, form)
  }

  private scopeSql(actor: Actor, form: FormModel, p: Base, g: Grant): Sql {
    // The record's collaborations are read once per query (an uncorrelated IN list), not once
    // per row: a rep's list then tests ownership from a view index without reading rows.
    const own = { sql: `(t.owner_id = ? OR t.id IN (SELECT c.record_id FROM collaborators c WHERE c.form_id = ? AND c.user_id = ?))`, params: [actor.id, form.id, actor.id] }
    switch (g.scope) {
      case 'all':
        return { sql: '1 = 1', params: [] }
      case 'own':
        return own
      case 'department':
      case 'departmentTree': {
        if (p.departmentId === null) return own
        const depts = g.scope === 'department' ? [p.departmentId] : this.org.subtree(p.departmentId)
        return { sql: `(t.owner_id IN (SELECT id FROM users WHERE department_id IN (${depts.map(() => '?').join(',')})) OR ${own.sql})`, params: [...depts, ...own.params] }
      }
      case 'custom': {
        if (!g.filter || !this.compileFilter) return own
        const custom = this.compileFilter(actor, form, g.filter)
        return { sql: `((${custom.sql}) OR ${own.sql})`, params: [...custom.params, ...own.params] }
      }
    }
  }

  /**
   * The actor's policy on a form: the roles' grants and field rules, plus the computed fields the
   * computed-field rule hides. Cached per actor, form schema version and organization version;
   * the derivation also reads other forms (roll-up sources), so a cached policy is used only while
   * those forms' compiled models are the ones it was computed from.
   */
  private policy(actor: Actor, form: FormModel): Policy {
    const key = `${actor.id}:${form.id}:${form.schemaVersion}:${this.org.version}`
    const cached = this.policies.get(key)
    if (cached && cached.deps.every(([id, model]) => this.current(id) === model)) return cached
    if (this.policies.size > 5000) this.policies.clear()
    const base = this.base(actor, form)
    const deps = new Map<number, FormModel>()
    const formById = (id: number): FormModel | undefined => {
      if (id === form.id) return form
      const model = this.current(id)
      if (model) deps.set(id, model)
      return model
    }
    const derived = base.admin
      ? new Map<number, HiddenReason[]>()
      : derivedHidden(form.id, {
          fields: (id) => {
            const f = formById(id)
            return f ? [...f.fields, ...[...f.children.values()].flat()] : undefined
          },
          hidden: (id) => {
            const f = formById(id)
            return f ? this.base(actor, f).hidden : new Set()
          },
          seesAll: (id) => {
            const f = formById(id)
            return !!f && this.seesAll(actor, f)
          },
          formOfField: (fieldId) => {
            const own = form.byId.get(fieldId) ?? [...form.children.values()].flat().find((c) => c.id === fieldId)
            if (own) return own.formId
            return this.db.prepare('SELECT form_id FROM fields WHERE id = ? AND deleted_at IS NULL').pluck().get(fieldId) as number | undefined
          }
        })
    const hidden: HiddenFields = Object.assign(new Set([...base.hidden, ...derived.keys()]), { derived })
    const policy: Policy = { ...base, hidden, derived, deps: [...deps] }
    this.policies.set(key, policy)
    return policy
  }

  /** The compiled model of a form, or undefined when it is gone (or no schema is wired in). */
  private current(formId: number): FormModel | undefined {
    if (!this.formOf) return undefined
    try {
      return this.formOf(formId)
    } catch {
      return undefined
    }
  }

  /** The actor's roles on a form (grants and field rules), cached per actor, form schema version and organization version. */
  private base(actor: Actor, form: FormModel): Base {
    const key = `${actor.id}:${form.id}:${form.schemaVersion}:${this.org.version}`
    const cached = this.bases.get(key)
    if (cached) return cached
    if (this.bases.size > 5000) this.bases.clear()
    const user = this.db.prepare('SELECT is_admin, department_id, active FROM users WHERE id = ?').get(actor.id) as { is_admin: number; department_id: number | null; active: number } | undefined
    const admin = actor.id === 0 || (!!user && !!user.active && (!!user.is_admin || actor.isAdmin))
    const rows = this.db.prepare(`SELECT p.actions, p.scope, p.scope_filter, p.field_rules FROM permissions p JOIN user_roles ur ON ur.role_id = p.role_id
      WHERE ur.user_id = ? AND p.form_id = ?`).all(actor.id, form.id) as Array<{ actions: string; scope: string; scope_filter: string | null; field_rules: string }>
    const grants: Grant[] = rows.map((r) => ({
      actions: new Set(JSON.parse(r.actions) as RecordAction[]),
      scope: r.scope as Grant['scope'],
      filter: r.scope_filter ? (JSON.parse(r.scope_filter) as FilterNode) : null,
      rules: JSON.parse(r.field_rules) as Record<string, 'hidden' | 'readonly'>
    }))
    const viewers = grants.filter((g) => g.actions.has('view'))
    const writers = grants.filter((g) => g.actions.has('edit') || g.actions.has('create'))
    const allFields = [...form.fields, ...[...form.children.values()].flat()]
    const hidden = new Set(allFields.filter((f) => viewers.length > 0 && viewers.every((g) => g.rules[f.id] === 'hidden')).map((f) => f.id))
    const readonly = new Set(allFields.filter((f) => !writers.some((g) => !g.rules[f.id])).map((f) => f.id))
    const base: Base = { admin, departmentId: user?.department_id ?? null, grants, hidden, readonly }
    this.bases.set(key, base)
    return base
  }
}
