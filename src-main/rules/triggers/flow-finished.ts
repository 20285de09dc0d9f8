import type { TriggerModule } from '../types'

/** 当审批流程结束时 (approved, rejected, or either); once per flow instance. */
export const flowFinished: TriggerModule<'flowFinished'> = {
  type: 'flowFinished',
  onEvent(trigger, event) {
    if (event.type !== 'flow.finished') return null
    if (trigger.outcome !== 'any' && event.outcome !== trigger.outcome) return null
    return `flow:${event.instanceId}`
  }
}
