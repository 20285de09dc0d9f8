import type { Actor } from '../../access/actor'
import { ValidationError } from '../../shared/errors'
import type { ActionModule } from '../types'

/**
 * 发起流程: starts an approval flow on the record through the flow engine (the engine's `flows` dependency), submitted
 * in the name of the record's owner (the rule itself when the record has none). The flow is given
 * by id, or by the key it was shipped with / its name.
 */
export const startFlow: ActionModule<'startFlow'> = {
  type: 'startFlow',
  external: false,
  run(action, firing, engine) {
    const flows = engine.deps.flows
    const flowId = typeof action.flow === 'number' ? action.flow : (engine.deps.db.prepare('SELECT id FROM flows WHERE source_key = ? OR name = ? ORDER BY id LIMIT 1').pluck().get(action.flow, action.flow) as number | undefined)
    if (flowId === undefined) throw new ValidationError('rules.error.unknownFlow', { flow: String(action.flow) }, 'actions')
    const owner = firing.values['owner'] as { id: number; name: string } | null
    engine.write(firing.rule, (ruleActor) => {
      const actor: Actor = owner ? { id: owner.id, name: owner.name, isAdmin: true, locale: 'zh-CN' } : ruleActor
      return flows.start(actor, { flowId, form: firing.form.id, recordId: firing.recordId })
    })
  }
}
