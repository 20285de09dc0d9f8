import { ValidationError } from '../../shared/errors'
import type { ActionModule } from '../types'

/** 线索评分: add (or subtract) points to a number field. */
export const score: ActionModule<'score'> = {
  type: 'score',
  external: false,
  run(action, firing, engine) {
    const current = Number(firing.values[action.field] ?? 0) || 0
    engine.write(firing.rule, (actor) => engine.core.writes.update(actor, firing.form.id, firing.recordId, { [action.field]: current + action.delta }))
  },
  validate(action, form) {
    const f = form.byKey.get(action.field)
    if (!f || f.type !== 'number') throw new ValidationError('rules.error.scoreField', { field: action.field }, 'actions')
  }
}
