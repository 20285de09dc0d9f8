import { ident } from '../db/connection'
import type { CrmDeps } from './crm-service'
import type { Actor } from '../access/actor'
import type { FormModel } from '../forms/model'
import { ConflictError, NotFoundError, ValidationError } from '../shared/errors'
import type { SettingsStore, PoolForm } from './settings'

// The public pool (公海): leads and customers without an owner. Every user who may view the form
// sees them (the access layer's pool seam, registered in crm-service.ts); a rep claims one to
// become its owner, within the per-rep limit the administrator sets, and releases one back with a
// reason. Both go through the write pipeline (the owner change is in the record's history) and
// are logged in crm_pool_log and the audit trail.

export interface PoolLogEntry { id: number; action: 'claim' | 'release'; reason: string | null; at: string; user: { id: number; name: string } | null }

export class PublicPool {
  constructor(private readonly core: CrmDeps, private readonly settings: SettingsStore) {}

  /** Records of the form the user owns now (what the claim limit counts). */
  owned(form: PoolForm, userId: number): number {
    const model = this.core.schema.form(form)
    return this.core.db.prepare(`SELECT COUNT(*) FROM ${ident(model.table)} WHERE owner_id = ? AND deleted_at IS NULL`).pluck().get(userId) as number
  }

  claim(actor: Actor, form: PoolForm, ids: number[]): { claimed: number; owned: number; limit: number | null } {
    const model = this.core.schema.form(form)
    this.core.access.authorize(actor, 'view', model)
    const limit = this.settings.get().poolLimits[form]
    return this.core.writes.transaction(() => {
      const owned = this.owned(form, actor.id)
      if (limit !== null && owned + ids.length > limit) {
        throw new ValidationError('crm.pool.limitReached', { limit, owned, form: model.label }, 'ids')
      }
      const ownerOf = this.core.db.prepare(`SELECT owner_id FROM ${ident(model.table)} WHERE id = ? AND deleted_at IS NULL`).pluck()
      for (const id of ids) {
        const owner = ownerOf.get(id) as number | null | undefined
        if (owner === undefined) throw new NotFoundError('error.recordNotFound', { id })
        if (owner !== null) throw this.claimed(actor, model, id)
        this.core.access.claiming(actor, model, id, () => this.core.writes.update(actor, model.id, id, { owner: actor.id }))
        this.log(model.id, id, actor.id, 'claim', null)
      }
      return { claimed: ids.length, owned: owned + ids.length, limit }
    })
  }

  release(actor: Actor, form: PoolForm, ids: number[], reason: string): { released: number } {
    const model = this.core.schema.form(form)
    const why = reason.trim()
    if (!why) throw new ValidationError('crm.pool.reasonRequired', {}, 'reason')
    return this.core.writes.transaction(() => {
      for (const id of ids) {
        this.core.access.authorizeRecord(actor, 'edit', model, id)
        const owner = this.core.db.prepare(`SELECT owner_id FROM ${ident(model.table)} WHERE id = ?`).pluck().get(id) as number | null
        if (owner === null) throw new ConflictError('crm.pool.alreadyInPool', { title: this.title(actor, form, id) }, 'ids')
        // Releasing empties the owner: the pool decides that (with the reason), not a transfer right.
        this.core.writes.asEngine(() => this.core.writes.update(actor, model.id, id, { owner: null }))
        this.log(model.id, id, actor.id, 'release', why)
      }
      return { released: ids.length }
    })
  }

  /** Claims and releases of one record, newest first (anyone who may see the record). */
  history(actor: Actor, form: PoolForm, id: number): PoolLogEntry[] {
    const model = this.core.schema.form(form)
    this.core.access.authorizeRecord(actor, 'view', model, id)
    const rows = this.core.db.prepare(`SELECT l.id, l.action, l.reason, l.at, u.id AS userId, u.name AS userName FROM crm_pool_log l
      LEFT JOIN users u ON u.id = l.user_id WHERE l.form_id = ? AND l.record_id = ? ORDER BY l.id DESC`).all(model.id, id) as Array<{ id: number; action: 'claim' | 'release'; reason: string | null; at: number; userId: number | null; userName: string | null }>
    return rows.map((r) => ({ id: r.id, action: r.action, reason: r.reason, at: new Date(r.at).toISOString(), user: r.userId ? { id: r.userId, name: r.userName ?? '' } : null }))
  }

  /**
   * The refusal of a claim on a record someone owns. A user who may see the record is told which
   * one; anyone else learns only that it is taken — not its name, not its owner — and whom to ask.
   */
  private claimed(actor: Actor, model: FormModel, id: number): ConflictError {
    const scope = this.core.access.rowScope(actor, model)
    const visible = this.core.db.prepare(`SELECT 1 FROM ${ident(model.table)} t WHERE t.id = ? AND (${scope.sql})`).get(id, ...scope.params) !== undefined
    if (!visible) return new ConflictError('crm.pool.claimedByOther', { form: model.label }, 'ids')
    return new ConflictError('crm.pool.alreadyClaimed', { title: this.title(actor, model.apiKey as PoolForm, id) }, 'ids')
  }

  private title(actor: Actor, form: PoolForm, id: number): string {
    const model = this.core.schema.form(form)
    const key = model.titleField?.apiKey
    try {
      const value = key ? this.core.reads.get(actor, form, id).fields[key] : null
      return typeof value === 'string' && value ? value : `#${id}`
    } catch (e) {
      if (e instanceof NotFoundError) return `#${id}`
      throw e
    }
  }

  private log(formId: number, recordId: number, userId: number, action: 'claim' | 'release', reason: string | null): void {
    this.core.db.prepare('INSERT INTO crm_pool_log (form_id, record_id, user_id, action, reason, at) VALUES (?, ?, ?, ?, ?, ?)').run(formId, recordId, userId || null, action, reason, this.core.clock.now())
    this.core.audit.append({ op: `crm.pool.${action}`, formId, recordId, actorId: userId || null, detail: reason ? { reason } : {} })
  }
}
