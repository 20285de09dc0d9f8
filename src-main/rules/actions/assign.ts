import { ident } from '../../db/connection'
import { ValidationError } from '../../shared/errors'
import type { ActionModule, ActionOf, Firing } from '../types'
import type { RuleEngine } from '../engine'

/**
 * 分配负责人: a fixed user; round-robin over a list or a department (the turn is kept per rule);
 * the least-loaded candidate (fewest live records of this form); or a mapping from a field's value
 * (city, region) to a rep, with a fallback.
 */
export const assign: ActionModule<'assign'> = {
  type: 'assign',
  external: false,
  run(action, firing, engine) {
    const owner = pickOwner(action, firing, engine)
    if (owner === null) return
    engine.updateRecord(firing.rule, firing.form.id, firing.recordId, { owner })
  },
  validate(action, form) {
    if (action.mode === 'user' && !action.userId) throw new ValidationError('rules.error.assignUser', {}, 'actions')
    if ((action.mode === 'roundRobin' || action.mode === 'leastLoaded') && !action.userIds.length && !action.departmentId) throw new ValidationError('rules.error.assignCandidates', {}, 'actions')
    if (action.mode === 'mapping' && (!action.mapField || !form.byKey.has(action.mapField))) throw new ValidationError('rules.error.unknownField', { field: action.mapField ?? '' }, 'actions')
  }
}

function pickOwner(action: ActionOf<'assign'>, firing: Firing, engine: RuleEngine): number | null {
  if (action.mode === 'user') return action.userId ?? null
  if (action.mode === 'mapping') {
    const raw = firing.values[action.mapField ?? '']
    const value = engine.plain(raw)
    const field = firing.form.byKey.get(action.mapField ?? '')
    const optionId = field && (field.type === 'select') ? ((field.config as { options?: Array<{ id: string; label: string }> }).options ?? []).find((o) => o.label === value)?.id : undefined
    const hit = action.map.find((m) => m.value === value || (optionId !== undefined && m.value === optionId))
    return hit?.userId ?? action.fallbackUserId ?? null
  }
  const candidates = engine.candidates(action.userIds, action.departmentId)
  if (!candidates.length) throw new ValidationError('rules.error.assignCandidates', {}, 'actions')
  if (action.mode === 'roundRobin') {
    const turn = engine.stateNumber(firing.rule.id, 'turn') ?? 0
    engine.setState(firing.rule.id, 'turn', String(turn + 1))
    return candidates[turn % candidates.length]!
  }
  const counts = new Map(
    (engine.deps.db.prepare(`SELECT owner_id AS id, COUNT(*) AS n FROM ${ident(firing.form.table)} WHERE deleted_at IS NULL AND owner_id IN (${candidates.map(() => '?').join(',')}) GROUP BY owner_id`).all(...candidates) as Array<{ id: number; n: number }>).map((r) => [r.id, r.n])
  )
  // The record being assigned does not count against its current owner.
  if (firing.ownerId !== null && counts.has(firing.ownerId)) counts.set(firing.ownerId, counts.get(firing.ownerId)! - 1)
  return [...candidates].sort((a, b) => (counts.get(a) ?? 0) - (counts.get(b) ?? 0) || a - b)[0]!
}
