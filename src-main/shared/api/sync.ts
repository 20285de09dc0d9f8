import { z } from 'zod'
import { formDto, id, method, recordDto, type MethodContract } from './core'
import { instanceDto, taskDto } from './flows'

// Offline laptops (issue 18): a paired desktop client keeps a replica of what its user may see
// and syncs with the host — push its outbox of operations, then pull the changes after its
// cursor. The host is the authority; see docs/architecture.md "Offline laptops" and
// src-main/sync. Handlers in src-main/api/handlers/sync.ts.

/** An operation id: a UUID the client makes; the host applies each one once. */
const opId = z.string().regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/)
const fieldKey = z.string().min(1).max(64)
/** A record of the host (its id) or one created offline (the id of the create operation). */
const recordRef = z.union([id, z.object({ op: opId })])

/** An approver's action on a to-do taken offline: applied on reconnect if the task is still theirs and open. */
export const APPROVAL_DECISIONS = ['approve', 'reject', 'return'] as const

export const syncOp = z.object({
  opId,
  /** Hybrid-logical-clock stamp of the client (`<wall ms>-<counter>`): orders a device's operations, dates them in the inbox. */
  hlc: z.string().regex(/^\d{13}-\d{1,6}$/),
  /** The form of the record (for an approval: of the task's record). */
  form: id,
  /** The schema version of the form the client checked the values against. */
  schemaVersion: z.number().int().nonnegative(),
  kind: z.enum(['create', 'update', 'delete', 'approval']),
  record: recordRef.optional(),
  /** For an approval: the node's fill-in or editable fields the approver gave. */
  values: z.record(fieldKey, z.unknown()).default({}),
  /**
   * Records made offline that the values link to (a relation, a sub-table cell's relation): their
   * local (negative) id → the id of the operation that created them. The host links the id that
   * create got (its stored result); a create it never took or refused refuses this operation.
   */
  localRefs: z.record(z.string().regex(/^-\d{1,15}$/), opId).refine((refs) => Object.keys(refs).length <= 1000, { message: 'at most 1000 local references' }).optional(),
  /** Per field (and for a delete, `*`): the host sequence number of the value the client saw. */
  base: z.record(z.string().min(1).max(64), z.number().int().nonnegative()).default({}),
  /** An approval: the to-do (flow task) acted on, what the approver decided (退回: to the submitter), and their comment. */
  task: id.optional(),
  decision: z.enum(APPROVAL_DECISIONS).optional(),
  comment: z.string().trim().max(2000).optional(),
  /** An approval: files attached to the decision (picked on the laptop and uploaded before this operation is pushed). */
  attachments: z.array(z.object({ hash: z.string().regex(/^[0-9a-f]{64}$/), name: z.string().trim().min(1).max(255) })).max(20).optional()
}).refine((op) => op.kind !== 'approval' || (op.task !== undefined && op.decision !== undefined), { message: 'an approval names its task and decision', path: ['task'] })
export type SyncOp = z.infer<typeof syncOp>

export const syncOpResult = z.object({
  opId,
  status: z.enum(['applied', 'conflict', 'refused', 'rebase']),
  /** The host's id of the record (a create's new id). */
  id: id.nullable(),
  /** The 冲突 inbox entry the operation left, if any. */
  conflictId: id.nullable(),
  /** Why it was refused or is a conflict, in the caller's language. */
  message: z.string().nullable(),
  field: z.string().nullable()
})
export type SyncOpResult = z.infer<typeof syncOpResult>

export const syncPullInput = z.object({
  cursor: z.number().int().nonnegative().default(0),
  /** The access key the client holds per form id (from earlier pulls). */
  forms: z.record(z.string().regex(/^\d+$/), z.string().max(64)).default({}),
  /** Continue a form's snapshot (from the previous answer's `resume`). */
  resume: z.object({ head: z.number().int().nonnegative(), form: z.number().int().nonnegative(), afterId: z.number().int().nonnegative() }).nullable().default(null),
  limit: z.number().int().min(1).max(5000).default(2000),
  /** Records to send again whatever the cursor (those a push left unchanged on the host: a conflict, a refusal). */
  refresh: z.array(z.object({ form: id, id })).max(5000).default([]),
  /** Send my open to-dos (the 待办 list, each with its instance) with the last page: approvals taken offline. */
  todos: z.boolean().default(false),
  /** The `todosKey` of the to-dos the client holds: unchanged, the answer carries the key and no list. */
  todosKey: z.string().max(64).nullable().default(null)
})

export const syncPullOutput = z.object({
  /** The cursor to store once this answer is applied. */
  cursor: z.number().int().nonnegative(),
  /** The host's clock (ms), for the client's hybrid logical clock. */
  now: z.number(),
  /** Every form the user may view now (the client drops the others). */
  visible: z.array(id),
  /** Forms whose access key changed (and the first page of their snapshot is here), as forms.get shows them to the user. */
  forms: z.array(z.object({ form: formDto, key: z.string() })),
  /** Forms whose records this answer replaces from the start (the first page of a snapshot). */
  reset: z.array(id),
  /** Forms whose snapshot is complete with this answer: the client stores their keys now. */
  complete: z.array(id),
  /** `denied`: actions the user holds on the form but not on this record (outside their edit or delete scope); absent when none. */
  records: z.array(z.object({ form: id, seq: z.number().int().nonnegative(), record: recordDto, denied: z.array(z.enum(['edit', 'delete'])).optional() })),
  removals: z.array(z.object({ form: id, id })),
  resume: z.object({ head: z.number().int().nonnegative(), form: z.number().int().nonnegative(), afterId: z.number().int().nonnegative() }).nullable(),
  /** Call again (with `cursor` and `resume`) for the rest. */
  more: z.boolean(),
  /**
   * Asked for (`todos`) and this is the last page: the user's open to-dos as the 待办 center lists
   * them (newest first, at most TODO_LIMIT), each with its instance as flows.instance answers the
   * user and the schema version of its record's form (an offline approval is written against it).
   */
  todos: z.array(z.object({ task: taskDto, instance: instanceDto, schemaVersion: z.number().int().nonnegative() })).optional(),
  /** With the last page when to-dos were asked for: their key now (the list itself only when it differs from the client's). */
  todosKey: z.string().optional()
})
/** The most open to-dos a pull sends (the 待办 center's page size at most). */
export const TODO_LIMIT = 200

export type SyncPullOutput = z.infer<typeof syncPullOutput>

export const conflictDto = z.object({
  id,
  form: z.object({ id, label: z.string() }),
  recordId: z.number().nullable(),
  recordTitle: z.string().nullable(),
  kind: z.enum(['field', 'delete', 'deleted', 'refused']),
  /** What the client did: create, update, delete, or an approver's action (its decision and comment are the entry's fields `*decision`, `*comment`). */
  op: z.enum(['create', 'update', 'delete', 'approval']),
  fields: z.array(z.object({ key: z.string(), label: z.string(), mine: z.unknown(), theirs: z.unknown(), theirsBy: z.string().nullable(), theirsAt: z.string().nullable() })),
  reason: z.string().nullable(),
  /** When the user made the change on their computer. */
  madeAt: z.string(),
  device: z.string(),
  createdAt: z.string(),
  resolvedAt: z.string().nullable()
})
export type ConflictDto = z.infer<typeof conflictDto>

export const syncContracts = {
  'sync.pull': method({ access: 'user', summary: 'Offline replica: the records I may see changed after my cursor (and removals), with the forms’ schema', input: syncPullInput, output: syncPullOutput }),
  'sync.push': method({
    access: 'user',
    summary: 'Offline replica: apply my computer’s operations in order, each once (applied, conflict or refused)',
    input: z.object({ device: z.string().trim().min(1).max(64), ops: z.array(syncOp).max(2000) }),
    output: z.object({ results: z.array(syncOpResult) })
  }),
  'sync.conflicts': method({ access: 'user', summary: 'My 冲突 inbox: changes from my computer the office did not take, with both values', input: z.object({ open: z.boolean().default(true), limit: z.number().int().min(1).max(500).default(100) }).default({ open: true, limit: 100 }), output: z.array(conflictDto) }),
  'sync.resolve': method({
    access: 'user',
    summary: 'Resolve a 冲突 entry: per field keep mine or the office’s; keep or drop a delete or a refused change',
    input: z.object({ id, fields: z.record(fieldKey, z.enum(['mine', 'theirs'])).default({}), keep: z.enum(['mine', 'theirs']).optional() }),
    output: conflictDto
  })
} as const satisfies Record<string, MethodContract>

export const SYNC_READ_ONLY: readonly string[] = ['sync.pull', 'sync.conflicts']
