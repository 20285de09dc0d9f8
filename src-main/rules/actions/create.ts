import { relationConfig } from '../../forms/field-types/relation'
import { ValidationError } from '../../shared/errors'
import type { ActionModule } from '../types'

/**
 * 新建记录 (a task, a follow-up): fields mapped from values or formulas over the triggering
 * record, optionally linked back to it; owned by the record's owner unless told otherwise.
 */
export const create: ActionModule<'create'> = {
  type: 'create',
  external: false,
  run(action, firing, engine) {
    const target = engine.deps.schema.form(action.form)
    const input = engine.assignments(firing.form, action.set, firing)
    if (action.link) input[action.link] = firing.recordId
    input['owner'] = action.owner === 'recordOwner' ? firing.ownerId : null
    engine.createRecord(firing.rule, target.id, input)
  },
  validate(action, form, engine) {
    const target = engine.formOrFail(action.form)
    engine.checkAssignments(target, action.set)
    if (action.link) {
      const link = target.byKey.get(action.link)
      if (!link || link.type !== 'relation' || relationConfig(link).targetFormId !== form.id) throw new ValidationError('rules.error.badLink', { field: action.link }, 'actions')
    }
  }
}
