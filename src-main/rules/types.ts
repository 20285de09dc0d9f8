import type { Actor } from '../access/actor'
import type { DomainEvent } from '../events'
import type { FormModel } from '../forms/model'
import type { RuleAction, RuleCondition, RuleTrigger } from '../shared/api/rules'
import type { RuleEngine } from './engine'

export interface RuleModel {
  id: number
  name: string
  formId: number
  enabled: boolean
  trigger: RuleTrigger
  condition: RuleCondition
  actions: RuleAction[]
  rateLimit: number | null
  description: string | null
  source: string | null
  createdAt: number
  updatedAt: number
}

/** One firing of a rule on one record for one period. */
export interface Firing {
  rule: RuleModel
  form: FormModel
  recordId: number
  /** (rule, record, period) fires once, ever. */
  period: string
  /** Record values in API shape plus system fields (id, owner, createdAt…); null when the record is gone. */
  values: Record<string, unknown>
  /** Extra placeholders (a sub-table row's values for a date-relative rule on plan.dueDate). */
  extra: Record<string, unknown>
  title: string
  ownerId: number | null
}

/** A firing's record as one reader of a message may read it (see RuleEngine.seenBy). */
export interface SeenRecord {
  viewer: Actor
  /** API-shape values they may read (with id, owner…); null when they may not view the record. */
  values: Record<string, unknown> | null
  /** Its title as they see it, or "a record you cannot open". */
  title: string
}

/** What a due scan found: a record and its period (and extra placeholders). */
export interface DueItem {
  recordId: number
  period: string
  extra?: Record<string, unknown>
}

export type TriggerOf<T extends RuleTrigger['type']> = Extract<RuleTrigger, { type: T }>
export type ActionOf<T extends RuleAction['type']> = Extract<RuleAction, { type: T }>

export interface TriggerModule<T extends RuleTrigger['type'] = RuleTrigger['type']> {
  type: T
  /** Record/flow event triggers: the period this event fires for, or null when it does not fire the rule. */
  onEvent?(trigger: TriggerOf<T>, event: DomainEvent, form: FormModel, engine: RuleEngine): string | null
  /** Time-based triggers: what has fallen due by `now` (called from the scheduler's sweep). */
  due?(trigger: TriggerOf<T>, rule: RuleModel, form: FormModel, now: number, engine: RuleEngine): Promise<DueItem[]>
  /** Dry run over history: the change-log operations this trigger reacts to (record triggers only). */
  historyOps?: ReadonlyArray<'create' | 'update' | 'delete'>
  /** Checks a trigger against the form when a rule is saved (fields exist, types fit). */
  validate?(trigger: TriggerOf<T>, form: FormModel, engine: RuleEngine): void
}

export interface ActionModule<T extends RuleAction['type'] = RuleAction['type']> {
  type: T
  /** External actions (email, webhook, desktop) run as scheduler jobs, retried with backoff. */
  external: boolean
  run(action: ActionOf<T>, firing: Firing, engine: RuleEngine): void | Promise<void>
  validate?(action: ActionOf<T>, form: FormModel, engine: RuleEngine): void
}
