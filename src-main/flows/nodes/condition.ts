import { nodeConfigs } from '../../shared/api/flows'
import type { z } from 'zod'
import { parseFormula } from '../../shared/formula'
import type { NodeModule } from '../types'

type Config = z.infer<typeof nodeConfigs.condition>

/**
 * Condition branch (条件分支): its outgoing edges carry the conditions (a filter, or a formula
 * that must be true), tried in order; the one default edge is taken when none matches.
 */
export const conditionNode: NodeModule<Config> = {
  type: 'condition',
  config: nodeConfigs.condition,
  enter(step, node) {
    const edges = [...step.outgoing(node.id)].sort((a, b) => (a.order ?? 0) - (b.order ?? 0))
    for (const e of edges) {
      if (e.isDefault) continue
      const byFilter = e.filter ? step.matchesFilter(e.filter) : null
      const byFormula = e.formula ? step.matchesFormula(e.formula) : null
      if (byFilter === null && byFormula === null) continue
      if (byFilter !== false && byFormula !== false) return { next: [e] }
    }
    const fallback = edges.find((e) => e.isDefault)
    // Published graphs always have a default branch (validation); an old draft without one rejects.
    return fallback ? { next: [fallback] } : { finish: 'rejected' }
  },
  validate(node, _config, ctx, issue) {
    const out = ctx.outgoing(node.id)
    if (out.length < 2) issue('conditionNeedsBranches')
    const defaults = out.filter((e) => e.isDefault)
    if (defaults.length !== 1) issue('conditionNoDefault')
    // A branch is named by its label, or by where it leads.
    const name = (e: (typeof out)[number]) => e.label || `→ ${ctx.graph.nodes.find((n) => n.id === e.target)?.label || e.target}`
    for (const e of out) {
      if (e.isDefault) continue
      if (!e.filter && !e.formula) issue('branchWithoutCondition', { branch: name(e) }, e.id)
      if (e.formula) {
        try {
          parseFormula(e.formula)
        } catch {
          issue('badFormula', { branch: name(e) }, e.id)
        }
      }
    }
  }
}
