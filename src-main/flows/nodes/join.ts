import { nodeConfigs } from '../../shared/api/flows'
import type { z } from 'zod'
import type { NodeModule } from '../types'

type Config = z.infer<typeof nodeConfigs.join>

/**
 * Join (汇聚): waits until no other live branch can still reach it, then continues once. Arrivals
 * are recorded by the runtime in the instance state (see runtime.ts, `arriveAtJoin`).
 */
export const joinNode: NodeModule<Config> = {
  type: 'join',
  config: nodeConfigs.join,
  enter: (step, node) => ({ next: step.outgoing(node.id) }),
  validate(node, _config, ctx, issue) {
    if (ctx.outgoing(node.id).length !== 1) issue('needsOneOutgoing')
  }
}
