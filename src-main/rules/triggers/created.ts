import type { TriggerModule } from '../types'

/** 当记录创建时 */
export const created: TriggerModule<'created'> = {
  type: 'created',
  historyOps: ['create'],
  onEvent: (_t, event) => (event.type === 'record.created' ? 'created' : null)
}
