import { nodeConfigs } from '../../shared/api/flows'
import type { z } from 'zod'
import type { NodeModule } from '../types'

type Config = z.infer<typeof nodeConfigs.start>

/** Start (发起): a record submitted by hand, created (trigger "submit"), or a rule's "start a flow" action. */
export const startNode: NodeModule<Config> = {
  type: 'start',
  config: nodeConfigs.start,
  enter: (step, node) => ({ next: step.outgoing(node.id) }),
  validate(node, _config, ctx, issue) {
    if (ctx.incoming(node.id).length) issue('startHasIncoming')
    if (ctx.outgoing(node.id).length !== 1) issue('needsOneOutgoing')
  }
}
