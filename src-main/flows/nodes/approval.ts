import { nodeConfigs } from '../../shared/api/flows'
import type { z } from 'zod'
import type { NodeModule, Settlement, StepApi, TaskRow } from '../types'
import { enterWithTasks, validatePeople } from './people'

type Config = z.infer<typeof nodeConfigs.approval>

/**
 * Approval (审批): approvers from the configured sources; any-one (或签), all (会签), sequential
 * (依次) or a pass ratio. Signers added by an approver (加签) must approve whatever the mode.
 */
export const approvalNode: NodeModule<Config> = {
  type: 'approval',
  config: nodeConfigs.approval,
  returnable: true,
  enter: (step, node, config) => enterWithTasks(step, node, config, 'approval', config.mode === 'sequential'),
  settle(step, node, config) {
    return settleApproval(step, node.id, config.mode, config.ratio)
  },
  validate: validatePeople,
  fieldPerms: (config) => config.fieldPerms
}

export function settleApproval(step: StepApi, nodeId: string, mode: Config['mode'], ratio: number): Settlement {
  const tasks = step.tasks(nodeId)
  unblock(step, tasks)
  const base = tasks.filter((t) => !t.extra)
  const extras = tasks.filter((t) => t.extra)
  if (extras.some((t) => t.status === 'rejected')) return 'rejected'
  const approved = base.filter((t) => t.status === 'approved').length
  const rejected = base.filter((t) => t.status === 'rejected').length
  let baseDone = false
  if (mode === 'ratio') {
    const total = base.length
    if (approved * 100 >= ratio * total) baseDone = true
    else if ((total - rejected) * 100 < ratio * total) return 'rejected'
  } else {
    if (rejected > 0) return 'rejected'
    if (mode === 'any') baseDone = approved > 0
    else baseDone = approved === base.length
    if (mode === 'sequential' && !baseDone && !base.some((t) => t.status === 'pending')) {
      const next = base.filter((t) => t.status === 'waiting' && t.blocked_by === null).sort((a, b) => a.seq - b.seq)[0]
      if (next) step.setTaskStatus(next.id, 'pending')
    }
  }
  if (!baseDone) return 'wait'
  // The node's own decision is made: open base tasks are no longer needed (或签, ratio reached).
  for (const t of base) if (t.status === 'pending' || t.status === 'waiting') step.setTaskStatus(t.id, 'cancelled')
  return extras.every((t) => t.status === 'approved' || t.status === 'cancelled') ? 'done' : 'wait'
}

/**
 * A task waiting for signers added before it (加签 before: its blocked_by is itself, their seq is
 * its id) becomes pending once all of them approved.
 */
function unblock(step: StepApi, tasks: TaskRow[]): void {
  for (const t of tasks) {
    if (t.status !== 'waiting' || t.blocked_by === null) continue
    const signers = tasks.filter((b) => b.extra && b.seq === t.id && b.status !== 'cancelled')
    if (signers.every((b) => b.status === 'approved')) {
      step.setTaskStatus(t.id, 'pending')
      t.status = 'pending'
    }
  }
}
