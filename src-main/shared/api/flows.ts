import { z } from 'zod'
import { filterNode, formRef, id, method, ok, recordDto, type MethodContract } from './core'

// API methods of the flow engine (designer, instances, tasks, to-do center), declared with the
// helpers in ./core and merged into the one contract table in ./contracts. This engine's handlers
// live in src-main/api/handlers/flows.ts. The flow graph's schema lives here too: the designer
// (renderer) and the engine (main) read and write the same shape.

export const NODE_TYPES = ['start', 'approval', 'fillin', 'condition', 'parallel', 'join', 'cc', 'action', 'end'] as const
export type NodeType = (typeof NODE_TYPES)[number]

/** Where a node's people come from. Resolved when the node is entered, against the submitter and the record. */
export const approverSource = z.discriminatedUnion('type', [
  z.object({ type: z.literal('users'), ids: z.array(id).max(200) }),
  z.object({ type: z.literal('roles'), ids: z.array(id).max(50) }),
  /** The submitter's department head (level 1), or the head of the department N−1 levels above. */
  z.object({ type: z.literal('deptHead'), level: z.number().int().min(1).max(10).default(1) }),
  /** The N-th manager up the submitter's chain (1 = direct manager). */
  z.object({ type: z.literal('manager'), level: z.number().int().min(1).max(10).default(1) }),
  /** A member field on the record (API key). */
  z.object({ type: z.literal('field'), field: z.string().min(1).max(64) }),
  z.object({ type: z.literal('submitter') }),
  /** The submitter picks the people when starting the flow. */
  z.object({ type: z.literal('chosen') })
])
export type ApproverSource = z.infer<typeof approverSource>

export const FIELD_PERMISSIONS = ['hidden', 'readonly', 'editable', 'required'] as const
export type FieldPermission = (typeof FIELD_PERMISSIONS)[number]
export const APPROVAL_MODES = ['any', 'all', 'sequential', 'ratio'] as const
export const EMPTY_POLICIES = ['admin', 'pass', 'reject', 'user'] as const
export const DEADLINE_ACTIONS = ['remind', 'approve', 'return', 'escalate'] as const

export const deadlineConfig = z.object({
  /** Hours after the task is created, or a date/datetime field of the record (plus offset hours). */
  kind: z.enum(['duration', 'field']),
  hours: z.number().min(0).max(24 * 365).default(24),
  field: z.string().max(64).optional(),
  action: z.enum(DEADLINE_ACTIONS).default('remind')
})
export type DeadlineConfig = z.infer<typeof deadlineConfig>

const people = {
  approvers: z.array(approverSource).max(20).default([]),
  /** Asked when the approvers resolve to nobody (a submitter without a department head), before the empty-approver policy. */
  fallback: z.array(approverSource).max(20).default([]),
  emptyPolicy: z.enum(EMPTY_POLICIES).default('admin'),
  emptyUserId: id.nullable().default(null),
  fieldPerms: z.record(z.string(), z.enum(FIELD_PERMISSIONS)).default({}),
  deadline: deadlineConfig.nullable().default(null)
}

export const nodeConfigs = {
  start: z.object({ trigger: z.enum(['manual', 'submit', 'rule']).default('manual') }),
  approval: z.object({ ...people, mode: z.enum(APPROVAL_MODES).default('any'), ratio: z.number().int().min(1).max(100).default(50) }),
  fillin: z.object({ ...people }),
  condition: z.object({}),
  parallel: z.object({}),
  join: z.object({}),
  cc: z.object({ approvers: z.array(approverSource).max(20).default([]) }),
  action: z.object({
    kind: z.enum(['update', 'create']).default('update'),
    /** Target form of a created record (API key or id). */
    form: z.string().max(64).nullable().default(null),
    values: z.array(z.object({
      field: z.string().min(1).max(64),
      /** value: the literal; field: copy this record's field; record: this record's id (relations); submitter: the submitter's id; template: text with {field} placeholders; people: the first person the approver sources in `value` resolve to (a role, a department head). */
      from: z.enum(['value', 'field', 'record', 'submitter', 'template', 'people']).default('value'),
      value: z.unknown().optional()
    })).max(50).default([])
  }),
  end: z.object({ outcome: z.enum(['approved', 'rejected']).default('approved') })
} satisfies Record<NodeType, z.ZodType>

export const flowNode = z.object({
  id: z.string().min(1).max(40),
  type: z.enum(NODE_TYPES),
  label: z.string().trim().max(60).default(''),
  position: z.object({ x: z.number(), y: z.number() }).default({ x: 0, y: 0 }),
  config: z.record(z.string(), z.unknown()).default({})
})
export type FlowNode = z.infer<typeof flowNode>

export const flowEdge = z.object({
  id: z.string().min(1).max(60),
  source: z.string().min(1).max(40),
  target: z.string().min(1).max(40),
  /** Leaving a condition branch: the first edge (by `order`) whose condition matches is taken, else the default one. */
  label: z.string().max(60).optional(),
  filter: filterNode.nullable().optional(),
  formula: z.string().max(2000).nullable().optional(),
  isDefault: z.boolean().optional(),
  order: z.number().optional(),
  /** Drawing only: an edge that skips rows runs down this x (set by 自动排列) instead of through the nodes between. */
  lane: z.number().nullable().optional()
})
export type FlowEdge = z.infer<typeof flowEdge>

export const flowGraph = z.object({ nodes: z.array(flowNode).max(200), edges: z.array(flowEdge).max(400) })
export type FlowGraph = z.infer<typeof flowGraph>

/** Where the record's approval status is written back (a select field), and the option per outcome. */
export const statusMapping = z.object({
  field: z.string().max(64).nullable().default(null),
  pending: z.string().max(64).default('pending'),
  approved: z.string().max(64).default('approved'),
  rejected: z.string().max(64).default('rejected'),
  withdrawn: z.string().max(64).default('none')
})

export const validationIssue = z.object({ nodeId: z.string().nullable(), edgeId: z.string().nullable().optional(), code: z.string(), message: z.string() })
export type ValidationIssue = z.infer<typeof validationIssue>

export const flowDto = z.object({
  id,
  name: z.string(),
  formId: id,
  formLabel: z.string(),
  description: z.string().nullable(),
  enabled: z.boolean(),
  draft: flowGraph,
  status: statusMapping,
  publishedVersion: z.number().nullable(),
  /** The draft differs from the published version. */
  dirty: z.boolean(),
  updatedAt: z.string()
})
export type FlowDto = z.infer<typeof flowDto>

export const INSTANCE_STATUSES = ['running', 'returned', 'approved', 'rejected', 'withdrawn'] as const
export const TASK_KINDS = ['approval', 'fillin', 'cc', 'resubmit'] as const
export const TASK_STATUSES = ['pending', 'waiting', 'approved', 'rejected', 'returned', 'transferred', 'cancelled', 'done', 'unread', 'read'] as const

const userRefDto = z.object({ id, name: z.string() })

export const taskDto = z.object({
  id,
  instanceId: id,
  nodeId: z.string(),
  nodeLabel: z.string(),
  kind: z.enum(TASK_KINDS),
  assignee: userRefDto,
  status: z.enum(TASK_STATUSES),
  createdAt: z.string(),
  actedAt: z.string().nullable(),
  dueAt: z.string().nullable(),
  urgedAt: z.string().nullable(),
  flowName: z.string(),
  formId: id,
  formLabel: z.string(),
  recordId: id,
  title: z.string(),
  submitter: userRefDto,
  instanceStatus: z.enum(INSTANCE_STATUSES)
})
export type TaskDto = z.infer<typeof taskDto>

export const instanceSummaryDto = z.object({
  id,
  flowId: id,
  flowName: z.string(),
  formId: id,
  formLabel: z.string(),
  recordId: id,
  title: z.string(),
  status: z.enum(INSTANCE_STATUSES),
  submitter: userRefDto,
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  /** Labels of the nodes waiting now. */
  currentNodes: z.array(z.string())
})
export type InstanceSummaryDto = z.infer<typeof instanceSummaryDto>

export const historyDto = z.object({
  id,
  nodeId: z.string().nullable(),
  nodeLabel: z.string().nullable(),
  action: z.string(),
  actor: userRefDto.nullable(),
  comment: z.string().nullable(),
  attachments: z.array(z.object({ hash: z.string(), name: z.string() })),
  detail: z.record(z.string(), z.unknown()).nullable(),
  at: z.string()
})

export const instanceDto = instanceSummaryDto.extend({
  graph: flowGraph,
  version: z.number(),
  visitedNodes: z.array(z.string()),
  takenEdges: z.array(z.string()),
  activeNodes: z.array(z.string()),
  tasks: z.array(taskDto),
  history: z.array(historyDto),
  /** The record as the caller may see it here (the node's hidden fields removed for its approver). */
  record: recordDto.nullable(),
  /** Field permissions of the caller's pending task's node (API key → permission). */
  fieldPerms: z.record(z.string(), z.enum(FIELD_PERMISSIONS)),
  /** What the caller may do now. */
  can: z.object({ act: z.boolean(), withdraw: z.boolean(), urge: z.boolean(), resubmit: z.boolean() }),
  myTaskId: id.nullable(),
  /** Earlier nodes the caller may return the instance to. */
  returnTargets: z.array(z.object({ id: z.string(), label: z.string() })),
  /** Names of the people and roles the graph's nodes name by id (id → name), so the graph shows names, not ids. */
  names: z.object({ users: z.record(z.string(), z.string()), roles: z.record(z.string(), z.string()) })
})
export type InstanceDto = z.infer<typeof instanceDto>

const attachmentRefs = z.array(z.object({ hash: z.string().min(8).max(128), name: z.string().max(255) })).max(20).default([])
const comment = z.string().max(2000).optional()
const taskAction = { taskId: id, comment, attachments: attachmentRefs }

export const TODO_TABS = ['todo', 'done', 'mine', 'cc'] as const

export const flowContracts = {
  'flows.list': method({ access: 'user', summary: 'Flows, optionally of one form', input: z.object({ form: formRef.optional() }).default({}), output: z.array(flowDto) }),
  'flows.get': method({ access: 'user', summary: 'One flow with its draft graph', input: z.object({ id }), output: flowDto }),
  'flows.create': method({
    access: 'admin', summary: 'Create a flow on a form (a start and an end node to begin with)',
    input: z.object({ name: z.string().trim().min(1).max(60), form: formRef, description: z.string().max(500).nullable().optional() }),
    output: flowDto
  }),
  'flows.save': method({
    access: 'admin', summary: 'Save the draft: name, graph, status write-back, enabled',
    input: z.object({ id, name: z.string().trim().min(1).max(60).optional(), description: z.string().max(500).nullable().optional(), draft: flowGraph.optional(), status: statusMapping.optional(), enabled: z.boolean().optional() }),
    output: flowDto
  }),
  'flows.delete': method({ access: 'admin', summary: 'Delete a flow that never ran (one with instances is disabled instead)', input: z.object({ id }), output: ok }),
  'flows.validate': method({ access: 'admin', summary: 'Check a graph before publishing; each issue names its node', input: z.object({ id, draft: flowGraph.optional() }), output: z.array(validationIssue) }),
  'flows.publish': method({
    access: 'admin', summary: 'Publish the draft as a new immutable version (refused with the issues when invalid)',
    input: z.object({ id }),
    output: z.object({ flow: flowDto, version: z.number() })
  }),
  'flows.available': method({
    access: 'user', summary: 'Published, enabled flows a user may start on a record of this form, with the nodes whose approvers the submitter chooses',
    input: z.object({ form: formRef }),
    output: z.array(z.object({ id, name: z.string(), chooseNodes: z.array(z.object({ id: z.string(), label: z.string() })) }))
  }),
  'flows.start': method({
    access: 'user', summary: 'Submit a record for approval (提交审批)',
    input: z.object({ flowId: id.optional(), form: formRef.optional(), recordId: id, chosen: z.record(z.string(), z.array(id).max(50)).optional(), comment }),
    output: instanceSummaryDto
  }),
  'flows.recordStatus': method({
    access: 'user', summary: 'The latest flow instance of a record, if any, and the fields the caller may change while it is in the flow (null: not restricted)',
    input: z.object({ form: formRef, recordId: id }), output: instanceSummaryDto.extend({ editable: z.array(z.string()).nullable() }).nullable()
  }),
  'flows.instance': method({ access: 'user', summary: 'An instance: graph, path taken, current nodes, tasks, history and the record', input: z.object({ id }), output: instanceDto }),
  'flows.todo': method({
    access: 'user', summary: 'To-do center lists: 待办 (todo), 已办 (done), 我发起的 (mine), 抄送我 (cc)',
    input: z.object({ tab: z.enum(TODO_TABS), limit: z.number().int().min(1).max(200).default(50), offset: z.number().int().min(0).default(0), search: z.string().max(100).optional() }),
    output: z.object({ tasks: z.array(taskDto), instances: z.array(instanceSummaryDto), total: z.number() })
  }),
  'flows.counts': method({ access: 'user', summary: 'Counts for the to-do center tabs and the badge', input: z.object({}).default({}), output: z.object({ todo: z.number(), done: z.number(), mine: z.number(), cc: z.number() }) }),
  'flows.approve': method({ access: 'user', summary: 'Approve a task; the fill-in/editable fields of the node may be given', input: z.object({ ...taskAction, fields: z.record(z.string(), z.unknown()).optional() }), output: instanceSummaryDto }),
  'flows.reject': method({ access: 'user', summary: 'Reject: the instance ends rejected', input: z.object(taskAction), output: instanceSummaryDto }),
  'flows.return': method({ access: 'user', summary: 'Return to the submitter (to resubmit) or to an earlier node', input: z.object({ ...taskAction, toNode: z.string().max(40).nullable().default(null) }), output: instanceSummaryDto }),
  'flows.transfer': method({ access: 'user', summary: 'Hand my task to someone else', input: z.object({ ...taskAction, toUserId: id }), output: instanceSummaryDto }),
  'flows.addSigner': method({ access: 'user', summary: 'Add a signer before me (they approve first) or after me', input: z.object({ ...taskAction, userIds: z.array(id).min(1).max(20), position: z.enum(['before', 'after']) }), output: instanceSummaryDto }),
  'flows.withdraw': method({ access: 'user', summary: 'Withdraw my submission while nobody has acted on it', input: z.object({ instanceId: id, comment }), output: instanceSummaryDto }),
  'flows.resubmit': method({ access: 'user', summary: 'Resubmit an instance returned to me', input: z.object({ instanceId: id, comment }), output: instanceSummaryDto }),
  'flows.urge': method({ access: 'user', summary: 'Urge the people whose tasks are pending', input: z.object({ instanceId: id, comment }), output: z.object({ urged: z.number() }) }),
  'flows.comment': method({ access: 'user', summary: 'Comment on an instance, with attachments', input: z.object({ instanceId: id, comment: z.string().trim().min(1).max(2000), attachments: attachmentRefs }), output: ok }),
  'flows.markRead': method({ access: 'user', summary: 'Mark a CC as read', input: z.object({ taskId: id }), output: ok }),
  'flows.batchApprove': method({
    access: 'user', summary: 'Approve several tasks; each is its own step, and each result says whether it went through',
    input: z.object({ taskIds: z.array(id).min(1).max(200), comment }),
    output: z.object({ results: z.array(z.object({ taskId: id, ok: z.boolean(), message: z.string().nullable() })) })
  })
} as const satisfies Record<string, MethodContract>

/** Methods of this engine a read-only API token may call. */
export const FLOW_READ_ONLY: readonly string[] = ['flows.list', 'flows.get', 'flows.available', 'flows.recordStatus', 'flows.instance', 'flows.todo', 'flows.counts']
