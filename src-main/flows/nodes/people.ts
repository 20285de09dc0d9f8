import type { ApproverSource, DeadlineConfig, FlowNode } from '../../shared/api/flows'
import type { IssueSink, Outcome, StepApi, TaskKind, ValidateContext } from '../types'

// What approval and fill-in nodes share: finding their people (with the empty-approver policy),
// creating the tasks, and the checks before publishing.

export interface PeopleConfig {
  approvers: ApproverSource[]
  fallback: ApproverSource[]
  emptyPolicy: 'admin' | 'pass' | 'reject' | 'user'
  emptyUserId: number | null
  deadline: DeadlineConfig | null
  fieldPerms: Record<string, string>
}

/** Resolve the node's people; with nobody, apply the empty-approver policy. Null: nobody, and the policy says pass or reject. */
export function peopleOf(step: StepApi, node: FlowNode, config: PeopleConfig): { users: number[] } | { outcome: 'pass' | 'reject' } {
  const users = step.resolve(config.approvers, node.id)
  if (users.length) return { users }
  // Nobody (the submitter's department has no head): the fallback sources, e.g. the role.
  const fallback = config.fallback.length ? step.resolve(config.fallback, node.id) : []
  if (fallback.length) {
    step.history('fallbackApprovers', null, node.id)
    return { users: fallback }
  }
  step.history('emptyApprovers', { policy: config.emptyPolicy }, node.id)
  switch (config.emptyPolicy) {
    case 'pass':
      return { outcome: 'pass' }
    case 'reject':
      return { outcome: 'reject' }
    case 'user':
      if (config.emptyUserId !== null) return { users: [config.emptyUserId] }
      return { users: step.admins() }
    case 'admin':
      return { users: step.admins() }
  }
}

/** Create one task per person; in sequential mode only the first is pending, the rest wait their turn. */
export function enterWithTasks(step: StepApi, node: FlowNode, config: PeopleConfig, kind: TaskKind, sequential: boolean): Outcome {
  const found = peopleOf(step, node, config)
  if ('outcome' in found) {
    if (found.outcome === 'reject') return { finish: 'rejected' }
    return { next: step.outgoing(node.id) }
  }
  found.users.forEach((assignee, i) => {
    step.createTask(node, { kind, assignee, seq: i, status: sequential && i > 0 ? 'waiting' : 'pending', deadline: config.deadline })
  })
  return { wait: true }
}

export function validatePeople(node: FlowNode, config: PeopleConfig, ctx: ValidateContext, issue: IssueSink): void {
  if (!config.approvers.length) {
    issue('noApprovers')
    return
  }
  for (const s of config.approvers) {
    if (s.type === 'field') {
      const f = ctx.field(s.field)
      if (!f || f.type !== 'member') issue('badMemberField', { field: s.field })
    }
  }
  for (const key of Object.keys(config.fieldPerms)) if (!ctx.field(key)) issue('unknownField', { field: key })
  if (config.deadline?.kind === 'field') {
    const f = config.deadline.field ? ctx.field(config.deadline.field) : undefined
    if (!f || (f.type !== 'date' && f.type !== 'datetime')) issue('badDeadlineField', { field: config.deadline.field ?? '' })
  }
  // Sources that depend on the record or the submitter's choice cannot be checked before a run.
  if (config.approvers.some((s) => s.type === 'field' || s.type === 'chosen' || s.type === 'submitter')) return
  for (const submitter of ctx.submitters()) {
    const users = ctx.resolveFor(config.approvers, submitter.id)
    if (users !== null && users.length === 0) {
      issue('resolvesToNobody', { submitter: submitter.name })
      return
    }
  }
}
