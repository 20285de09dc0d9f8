import type { FlowGraph } from '@shared/api/flows'

// 自动排列: nodes in rows by their longest distance from the start (loops back are ignored),
// each row centred and ordered by where its parents sit, so branches spread left and right.

const ROW = 120
const COL = 270

export function autoLayout(graph: FlowGraph): FlowGraph {
  const start = graph.nodes.find((n) => n.type === 'start')
  if (!start) return graph
  const out = new Map<string, string[]>()
  for (const e of graph.edges) out.set(e.source, [...(out.get(e.source) ?? []), e.target])
  // Depth-first order, to tell edges that loop back (退回-like cycles) from forward ones.
  const order: string[] = []
  const onStack = new Set<string>()
  const seen = new Set<string>()
  const back = new Set<string>()
  const visit = (id: string) => {
    seen.add(id)
    onStack.add(id)
    for (const t of out.get(id) ?? []) {
      if (onStack.has(t)) back.add(`${id}>${t}`)
      else if (!seen.has(t)) visit(t)
    }
    onStack.delete(id)
    order.unshift(id)
  }
  visit(start.id)
  const depth = new Map<string, number>([[start.id, 0]])
  for (const id of order) for (const t of out.get(id) ?? []) if (!back.has(`${id}>${t}`)) depth.set(t, Math.max(depth.get(t) ?? 0, (depth.get(id) ?? 0) + 1))
  const rows = new Map<number, string[]>()
  for (const id of order) rows.set(depth.get(id)!, [...(rows.get(depth.get(id)!) ?? []), id])
  const x = new Map<string, number>()
  for (const d of [...rows.keys()].sort((a, b) => a - b)) {
    const ids = rows.get(d)!
    const parentsX = (id: string) => {
      const xs = graph.edges.filter((e) => e.target === id && x.has(e.source)).map((e) => x.get(e.source)!)
      return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0
    }
    ids.sort((a, b) => parentsX(a) - parentsX(b))
    ids.forEach((id, i) => x.set(id, (i - (ids.length - 1) / 2) * COL + (ids.length === 1 ? parentsX(id) : 0)))
  }
  // Edges that skip rows get a lane right of every node they pass, so they are not drawn through them.
  const WIDTH = 220
  const lanes = new Map<string, number>()
  const used: Array<{ x: number; from: number; to: number }> = []
  for (const e of graph.edges) {
    const a = depth.get(e.source)
    const b = depth.get(e.target)
    if (a === undefined || b === undefined || b - a < 2 || back.has(`${e.source}>${e.target}`)) continue
    let lane = Math.max(...[...rows.entries()].filter(([d]) => d > a && d < b).flatMap(([, ids]) => ids.map((id) => x.get(id)! + WIDTH))) + 70
    while (used.some((u) => Math.abs(u.x - lane) < 30 && u.from < b && a < u.to)) lane += 40
    used.push({ x: lane, from: a, to: b })
    lanes.set(e.id, lane)
  }
  let spare = 0
  return {
    ...graph,
    edges: graph.edges.map((e) => ({ ...e, lane: lanes.get(e.id) ?? null })),
    nodes: graph.nodes.map((n) => {
      // Nodes not reachable from the start are lined up underneath, to be connected or removed.
      if (!depth.has(n.id)) return { ...n, position: { x: (spare++) * COL, y: (rows.size + 1) * ROW } }
      return { ...n, position: { x: x.get(n.id)!, y: depth.get(n.id)! * ROW } }
    })
  }
}
