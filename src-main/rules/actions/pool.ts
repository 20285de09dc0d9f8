import { ValidationError } from '../../shared/errors'
import type { ActionModule } from '../types'

/** 退回公海 (owner = nobody) or 从公海领取 (a record in the pool goes to a user). */
export const pool: ActionModule<'pool'> = {
  type: 'pool',
  external: false,
  run(action, firing, engine) {
    if (action.op === 'return') {
      if (firing.ownerId === null) return
      engine.updateRecord(firing.rule, firing.form.id, firing.recordId, { owner: null })
      return
    }
    if (firing.ownerId !== null) return
    engine.updateRecord(firing.rule, firing.form.id, firing.recordId, { owner: action.userId! })
  },
  validate(action) {
    if (action.op === 'claim' && !action.userId) throw new ValidationError('rules.error.assignUser', {}, 'actions')
  }
}
