import type { FlowGraph } from '../shared/api/flows'
import type { FormModel } from '../forms/model'
import type { ValidateContext } from './types'
import { nodeModule } from './nodes/registry'

// Checks before publishing. Each issue names the node (and edge) it is about, so the designer can
// highlight it. Codes map to the message keys `flows.validate.<code>`.

export interface RawIssue {
  nodeId: string | null
  edgeId?: string | null
  code: string
  params: Record<string, string | number>
}

export function validateGraph(graph: FlowGraph, form: FormModel, ctx: Omit<ValidateContext, 'graph' | 'form' | 'outgoing' | 'incoming' | 'field'>): RawIssue[] {
  const issues: RawIssue[] = []
  const out = new Map<string, FlowGraph['edges']>()
  const inc = new Map<string, FlowGraph['edges']>()
  const ids = new Set<string>()
  for (const n of graph.nodes) {
    if (ids.has(n.id)) issues.push({ nodeId: n.id, code: 'duplicateNode', params: {} })
    ids.add(n.id)
  }
  for (const e of graph.edges) {
    if (!ids.has(e.source) || !ids.has(e.target)) {
      issues.push({ nodeId: null, edgeId: e.id, code: 'danglingEdge', params: {} })
      continue
    }
    out.set(e.source, [...(out.get(e.source) ?? []), e])
    inc.set(e.target, [...(inc.get(e.target) ?? []), e])
  }
  const full: ValidateContext = {
    ...ctx,
    graph,
    form,
    field: (key) => form.byKey.get(key),
    outgoing: (id) => out.get(id) ?? [],
    incoming: (id) => inc.get(id) ?? []
  }
  const starts = graph.nodes.filter((n) => n.type === 'start')
  if (starts.length !== 1) issues.push({ nodeId: starts[1]?.id ?? null, code: starts.length ? 'manyStarts' : 'noStart', params: {} })
  if (!graph.nodes.some((n) => n.type === 'end')) issues.push({ nodeId: null, code: 'noEnd', params: {} })

  // Reachability from the start, and whether each node can still reach an end.
  const reach = new Set<string>()
  if (starts[0]) {
    const queue = [starts[0].id]
    reach.add(starts[0].id)
    while (queue.length) for (const e of full.outgoing(queue.shift()!)) if (!reach.has(e.target)) { reach.add(e.target); queue.push(e.target) }
  }
  for (const n of graph.nodes) {
    const label = n.label || n.id
    if (starts[0] && !reach.has(n.id)) {
      issues.push({ nodeId: n.id, code: 'unreachable', params: { node: label } })
      continue
    }
    if (n.type !== 'end' && !full.outgoing(n.id).length) {
      issues.push({ nodeId: n.id, code: 'deadEnd', params: { node: label } })
      continue
    }
    const mod = nodeModule(n.type)
    const parsed = mod.config.safeParse(n.config ?? {})
    if (!parsed.success) {
      issues.push({ nodeId: n.id, code: 'badConfig', params: { node: label } })
      continue
    }
    mod.validate?.(n, parsed.data, full, (code, params = {}, edgeId) => issues.push({ nodeId: n.id, edgeId: edgeId ?? null, code, params: { node: label, ...params } }))
  }
  return issues
}
