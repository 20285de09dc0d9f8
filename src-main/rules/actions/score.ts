import { SYSTEM_ACTOR } from '../../access/actor'
import { relationConfig } from '../../forms/field-types/relation'
import { ValidationError } from '../../shared/errors'
import type { ActionModule } from '../types'

/**
 * 线索评分: add (or subtract) points to a number field — of the record itself, or of the record a
 * relation field points to (`via`: a new follow-up scores its lead).
 */
export const score: ActionModule<'score'> = {
  type: 'score',
  external: false,
  run(action, firing, engine) {
    let form = firing.form
    let recordId = firing.recordId
    let current: unknown = firing.values[action.field]
    if (action.via) {
      const link = firing.form.byKey.get(action.via)!
      const target = firing.values[action.via] as { id?: number } | null
      if (!target?.id) return
      form = engine.deps.schema.form(relationConfig(link).targetFormId)
      recordId = target.id
      current = engine.deps.reads.get(SYSTEM_ACTOR, form.id, recordId).fields[action.field]
    }
    const next = (Number(current ?? 0) || 0) + action.delta
    engine.updateRecord(firing.rule, form.id, recordId, { [action.field]: next })
  },
  validate(action, form, engine) {
    let target = form
    if (action.via) {
      const link = form.byKey.get(action.via)
      if (!link || link.type !== 'relation' || relationConfig(link).multiple) throw new ValidationError('rules.error.badLink', { field: action.via }, 'actions')
      target = engine.deps.schema.form(relationConfig(link).targetFormId)
    }
    const f = target.byKey.get(action.field)
    if (!f || f.type !== 'number') throw new ValidationError('rules.error.scoreField', { field: action.field }, 'actions')
  }
}
