import { nodeConfigs } from '../../shared/api/flows'
import type { z } from 'zod'
import type { NodeModule } from '../types'

type Config = z.infer<typeof nodeConfigs.end>

/** End (结束): the instance finishes with the node's outcome (approved unless set to rejected). */
export const endNode: NodeModule<Config> = {
  type: 'end',
  config: nodeConfigs.end,
  enter: (_step, _node, config) => ({ finish: config.outcome }),
  validate(node, _config, ctx, issue) {
    if (ctx.outgoing(node.id).length) issue('endHasOutgoing')
  }
}
