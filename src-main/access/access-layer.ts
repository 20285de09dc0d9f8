import { PermissionError } from '../shared/errors'
import type { FieldModel, FormModel } from '../forms/model'
import type { Sql } from '../forms/field-types/types'
import type { Actor } from './actor'

export type RecordAction = 'view' | 'create' | 'edit' | 'delete' | 'import' | 'export'

/**
 * The access layer: every read path asks it for the row scope and readable fields, every write
 * asks it to authorize. Until roles and permissions exist (organization issue) it gives the
 * administrator everything and other signed-in users full record access but no design rights.
 * Changing the policy here changes it for every path: nothing reads or writes around it.
 */
export class AccessLayer {
  authorize(actor: Actor, _action: RecordAction, _form: FormModel): void {
    if (actor.id < 0) throw new PermissionError()
  }

  authorizeDesign(actor: Actor): void {
    if (!actor.isAdmin) throw new PermissionError('error.adminOnly')
  }

  /** SQL condition limiting which rows of `form` the actor may see (aliased as `t`). */
  rowScope(_actor: Actor, _form: FormModel): Sql {
    return { sql: '1 = 1', params: [] }
  }

  readableFields(_actor: Actor, form: FormModel): FieldModel[] {
    return form.fields
  }

  canWriteField(_actor: Actor, _field: FieldModel): boolean {
    return true
  }
}
