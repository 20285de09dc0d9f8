import type { RuleAction } from '../../shared/api/rules'
import type { ActionModule } from '../types'
import { update } from './update'
import { create } from './create'
import { assign } from './assign'
import { pool } from './pool'
import { startFlow } from './start-flow'
import { notify, desktop } from './notify'
import { email } from './email'
import { webhook } from './webhook'
import { score } from './score'

/** The action registry: one module per action type. */
const ACTIONS: { [T in RuleAction['type']]: ActionModule<T> } = { update, create, assign, pool, startFlow, notify, desktop, email, webhook, score }

export function actionModule<T extends RuleAction['type']>(type: T): ActionModule<T> {
  return ACTIONS[type]
}
