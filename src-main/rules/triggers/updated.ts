import { ValidationError } from '../../shared/errors'
import type { TriggerModule } from '../types'

/**
 * 当记录修改时: any change, a change of one of the chosen fields, or a change of the first chosen
 * field from one value to another (`from`/`to` compared with stored values: option ids for
 * selects, user ids for members). The period is the change-log entry, so each update fires once.
 */
export const updated: TriggerModule<'updated'> = {
  type: 'updated',
  historyOps: ['update'],
  onEvent(trigger, event, form, engine) {
    if (event.type !== 'record.updated') return null
    const fields = trigger.fields ?? []
    if (fields.length && !fields.some((f) => event.fields.includes(f))) return null
    const last = engine.lastChange(event.formId, event.recordId)
    if (!last) return null
    if (fields.length && (trigger.from !== undefined || trigger.to !== undefined)) {
      const key = fields[0]!
      const field = key === 'owner' ? null : form.byKey.get(key)
      const change = last.changes[key === 'owner' ? 'owner' : String(field?.id)]
      if (!change) return null
      if (trigger.from !== undefined && !sameValue(change[0], trigger.from)) return null
      if (trigger.to !== undefined && !sameValue(change[1], trigger.to)) return null
    }
    return `u:${last.id}`
  },
  validate(trigger, form) {
    for (const key of trigger.fields ?? []) {
      if (key !== 'owner' && !form.byKey.has(key)) throw new ValidationError('rules.error.unknownField', { field: key }, 'trigger')
    }
  }
}

function sameValue(stored: unknown, wanted: unknown): boolean {
  if (wanted === null || wanted === '') return stored === null || stored === undefined || stored === ''
  return String(stored) === String(wanted)
}
