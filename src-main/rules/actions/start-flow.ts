import { ValidationError } from '../../shared/errors'
import type { ActionModule } from '../types'

interface FlowStarter {
  start(actor: unknown, input: { flow: number | string; form: number; recordId: number }): unknown
}

/** 发起流程: starts an approval flow on the record through the flow engine (core.flows). */
export const startFlow: ActionModule<'startFlow'> = {
  type: 'startFlow',
  external: false,
  run(action, firing, engine) {
    const flows = (engine.core as unknown as { flows?: FlowStarter }).flows
    if (!flows?.start) throw new ValidationError('rules.error.flowsUnavailable', {}, 'actions')
    engine.write(firing.rule, (actor) => flows.start(actor, { flow: action.flow, form: firing.form.id, recordId: firing.recordId }))
  }
}
