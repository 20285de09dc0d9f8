import { nodeConfigs } from '../../shared/api/flows'
import type { z } from 'zod'
import type { NodeModule } from '../types'

type Config = z.infer<typeof nodeConfigs.cc>

/** CC (抄送): the recipients get the instance under 抄送我; the flow does not wait for them. */
export const ccNode: NodeModule<Config> = {
  type: 'cc',
  config: nodeConfigs.cc,
  enter(step, node, config) {
    for (const assignee of step.resolve(config.approvers, node.id)) step.createTask(node, { kind: 'cc', assignee, status: 'unread' })
    return { next: step.outgoing(node.id) }
  },
  validate(node, config, ctx, issue) {
    if (!config.approvers.length) issue('noApprovers')
    if (ctx.outgoing(node.id).length !== 1) issue('needsOneOutgoing')
  }
}
