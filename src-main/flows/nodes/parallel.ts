import { nodeConfigs } from '../../shared/api/flows'
import type { z } from 'zod'
import type { NodeModule } from '../types'

type Config = z.infer<typeof nodeConfigs.parallel>

/** Parallel split (并行分支): every outgoing branch runs at once, until a join (汇聚) brings them together. */
export const parallelNode: NodeModule<Config> = {
  type: 'parallel',
  config: nodeConfigs.parallel,
  enter: (step, node) => ({ next: step.outgoing(node.id) }),
  validate(node, _config, ctx, issue) {
    const out = ctx.outgoing(node.id)
    if (out.length < 2) issue('parallelNeedsBranches')
    // Every branch must reach one same join node.
    const joinsFrom = (start: string): Set<string> => {
      const seen = new Set<string>([start])
      const found = new Set<string>()
      const queue = [start]
      while (queue.length) {
        const id = queue.shift()!
        const n = ctx.graph.nodes.find((x) => x.id === id)
        if (n?.type === 'join') {
          found.add(id)
          continue
        }
        for (const e of ctx.outgoing(id)) if (!seen.has(e.target)) { seen.add(e.target); queue.push(e.target) }
      }
      return found
    }
    const sets = out.map((e) => joinsFrom(e.target))
    const common = sets.length ? [...sets[0]!].filter((j) => sets.every((s) => s.has(j))) : []
    if (!common.length) issue('parallelWithoutJoin')
  }
}
