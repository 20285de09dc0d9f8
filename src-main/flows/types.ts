import type { z } from 'zod'
import type { FieldModel, FormModel } from '../forms/model'
import type { ApproverSource, DeadlineConfig, FlowEdge, FlowGraph, FlowNode, NodeType } from '../shared/api/flows'

// What a node module sees of the runtime while a step runs (inside the step's transaction), and
// what it must provide. One module per node type in ./nodes, registered in ./nodes/registry.ts.

export type TaskKind = 'approval' | 'fillin' | 'cc' | 'resubmit'
export type TaskStatus = 'pending' | 'waiting' | 'approved' | 'rejected' | 'returned' | 'transferred' | 'cancelled' | 'done' | 'unread' | 'read'

export interface TaskRow {
  id: number
  instance_id: number
  node_id: string
  kind: TaskKind
  assignee_id: number
  status: TaskStatus
  seq: number
  extra: number
  blocked_by: number | null
  round: number
  created_at: number
  acted_at: number | null
  due_at: number | null
  due_done: number
  urged_at: number | null
}

/** An instance's position in its graph. Persisted as JSON on the instance row after each step. */
export interface InstanceState {
  /** Nodes waiting on tasks now. */
  active: string[]
  /** Every node entered, in order (a node entered twice appears twice). */
  visited: string[]
  /** Edges taken, in order. */
  edges: string[]
  /** Per join node: the edges that arrived in the current pass. */
  joins: Record<string, string[]>
  /** Per node: how many times it was entered (tasks carry the round they belong to). */
  rounds: Record<string, number>
  /** People the submitter chose for nodes whose approvers are "chosen by the submitter". */
  chosen: Record<string, number[]>
}

/** Entering a node: wait for its tasks, follow these edges, or finish the instance. */
export type Outcome = { wait: true } | { next: FlowEdge[] } | { finish: 'approved' | 'rejected' }

/** After a task of a node changed: still waiting, done (leave the node), or rejected. */
export type Settlement = 'wait' | 'done' | 'rejected'

export interface NewTask {
  kind: TaskKind
  assignee: number
  status?: TaskStatus
  seq?: number
  extra?: boolean
  deadline?: DeadlineConfig | null
}

export interface StepApi {
  readonly graph: FlowGraph
  readonly form: FormModel
  readonly submitterId: number
  readonly recordId: number
  readonly now: number
  readonly state: InstanceState
  outgoing(nodeId: string): FlowEdge[]
  /** User ids the sources resolve to for this instance (active users, de-duplicated, in order). */
  resolve(sources: ApproverSource[], nodeId: string): number[]
  /** Administrators (the empty-approver fallback). */
  admins(): number[]
  createTask(node: FlowNode, task: NewTask): number
  /** Tasks of the node in its current round (transferred and cancelled ones left out). */
  tasks(nodeId: string): TaskRow[]
  setTaskStatus(taskId: number, status: TaskStatus): void
  matchesFilter(filter: NonNullable<FlowEdge['filter']>): boolean
  matchesFormula(formula: string): boolean
  /** The record's stored value of a field (by API key). */
  value(field: string): unknown
  /** Write fields of this record through the write pipeline (as the system). */
  updateRecord(values: Record<string, unknown>): void
  createRecord(form: string, values: Record<string, unknown>): number
  history(action: string, detail?: Record<string, unknown> | null, nodeId?: string | null): void
  recordTitle(): string
}

export interface IssueSink {
  (code: string, params?: Record<string, string | number>, edgeId?: string): void
}

export interface ValidateContext {
  graph: FlowGraph
  form: FormModel
  field(key: string): FieldModel | undefined
  /** Users who could submit (for "resolves to nobody for some submitter"): id and name. */
  submitters(): Array<{ id: number; name: string }>
  /** Resolve sources for a hypothetical submitter; field/chosen sources are not resolvable before a run (null). */
  resolveFor(sources: ApproverSource[], submitterId: number): number[] | null
  outgoing(nodeId: string): FlowEdge[]
  incoming(nodeId: string): FlowEdge[]
  formExists(ref: string): boolean
}

export interface NodeModule<C = unknown> {
  type: NodeType
  config: z.ZodType<C>
  enter(step: StepApi, node: FlowNode, config: C): Outcome
  /** Nodes with tasks: whether the node is complete after one of its tasks changed. */
  settle?(step: StepApi, node: FlowNode, config: C): Settlement
  /** Node-specific checks before publishing. */
  validate?(node: FlowNode, config: C, ctx: ValidateContext, issue: IssueSink): void
  /** Nodes whose people act on tasks (approval, fill-in): the field permissions and whether they may be returned to. */
  fieldPerms?(config: C): Record<string, string>
  returnable?: boolean
}
