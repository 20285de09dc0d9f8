import type { TriggerModule } from '../types'

/** 当记录删除时 (each deletion is its own period: a restored and deleted-again record fires again). */
export const deleted: TriggerModule<'deleted'> = {
  type: 'deleted',
  historyOps: ['delete'],
  onEvent: (_t, event) => (event.type === 'record.deleted' ? `deleted:${event.at}` : null)
}
