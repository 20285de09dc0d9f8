import type { NodeType } from '../../shared/api/flows'
import type { NodeModule } from '../types'
import { actionNode } from './action'
import { approvalNode } from './approval'
import { ccNode } from './cc'
import { conditionNode } from './condition'
import { endNode } from './end'
import { fillinNode } from './fillin'
import { joinNode } from './join'
import { parallelNode } from './parallel'
import { startNode } from './start'

// The flow engine's node registry: one module per node type. The runtime and the validator only
// call through here; the designer's counterpart is src-renderer/src/components/flows/nodes.tsx.
const NODES: Record<NodeType, NodeModule<never>> = {
  start: startNode,
  approval: approvalNode,
  fillin: fillinNode,
  condition: conditionNode,
  parallel: parallelNode,
  join: joinNode,
  cc: ccNode,
  action: actionNode,
  end: endNode
} as unknown as Record<NodeType, NodeModule<never>>

export function nodeModule(type: NodeType): NodeModule<unknown> {
  return NODES[type] as NodeModule<unknown>
}

/** A node's config parsed with its type's schema (defaults filled in). */
export function nodeConfig<C = unknown>(type: NodeType, config: unknown): C {
  return nodeModule(type).config.parse(config ?? {}) as C
}
