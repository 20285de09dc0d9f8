import { nodeConfigs } from '../../shared/api/flows'
import type { z } from 'zod'
import type { NodeModule } from '../types'
import { settleApproval } from './approval'
import { enterWithTasks, validatePeople } from './people'

type Config = z.infer<typeof nodeConfigs.fillin>

/** Fill-in (填写): one of the assignees completes the node's editable and required fields, then submits. */
export const fillinNode: NodeModule<Config> = {
  type: 'fillin',
  config: nodeConfigs.fillin,
  returnable: true,
  enter: (step, node, config) => enterWithTasks(step, node, config, 'fillin', false),
  settle: (step, node) => settleApproval(step, node.id, 'any', 100),
  validate(node, config, ctx, issue) {
    validatePeople(node, config, ctx, issue)
    if (!Object.values(config.fieldPerms).some((p) => p === 'editable' || p === 'required')) issue('fillinNoFields')
  },
  fieldPerms: (config) => config.fieldPerms
}
