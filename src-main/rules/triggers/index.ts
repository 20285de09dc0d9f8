import type { RuleTrigger } from '../../shared/api/rules'
import type { TriggerModule } from '../types'
import { created } from './created'
import { updated } from './updated'
import { deleted } from './deleted'
import { flowFinished } from './flow-finished'
import { schedule } from './schedule'
import { dateRelative } from './date-relative'
import { inactivity } from './inactivity'

/** The trigger registry: one module per trigger type. */
const TRIGGERS: { [T in RuleTrigger['type']]: TriggerModule<T> } = { created, updated, deleted, flowFinished, schedule, dateRelative, inactivity }

export function triggerModule<T extends RuleTrigger['type']>(type: T): TriggerModule<T> {
  return TRIGGERS[type]
}

/** Triggers driven by the scheduler's sweep rather than by record events. */
export const isTimed = (type: RuleTrigger['type']): boolean => TRIGGERS[type].due !== undefined
