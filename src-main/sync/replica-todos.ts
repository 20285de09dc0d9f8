import type { Sqlite } from '../db/connection'
import { flowContracts, type InstanceDto, type InstanceSummaryDto, type TaskDto } from '../shared/api/flows'
import type { SyncOp } from '../shared/api/sync'
import { ConflictError, DomainError, ValidationError } from '../shared/errors'
import { translate, type Locale } from '../shared/locales'
import type { ReplicaTodo, SyncClient } from './client'
import { modelFromDto, offlineWrite } from './client-write'

// The 待办 center while the office is unreachable (issue 18, "Approvals taken offline"): the
// user's open to-dos, kept in the replica by every sync (sync.pull's `todos`), listed as
// flows.todo lists them; opening one shows its instance as the office last showed it; approve,
// reject and return to the submitter — with a comment and the node's fill-in fields, checked here
// as the office checks them — queue an `approval` operation (SyncClient.approve), the to-do
// leaves the list, and the host applies it on reconnect if the task is still theirs and open.
// What the office alone can do (hand over, add a signer, return to an earlier node) answers so;
// files attached to the decision are those picked on this computer, uploaded before it is pushed. Fill-in fields are checked with the replica's look-ups, as a
// record edit offline: a relation to a record the replica holds (one made offline included: the
// op's localRefs), a colleague, sub-table rows, files picked here.

export const TODO_METHODS: ReadonlySet<string> = new Set(['flows.todo', 'flows.counts', 'flows.instance', 'flows.approve', 'flows.reject', 'flows.return', 'flows.batchApprove'])
/** The offline approval methods: a change (queued), not a read. */
export const TODO_CHANGES: ReadonlySet<string> = new Set(['flows.approve', 'flows.reject', 'flows.return', 'flows.batchApprove'])

const isBlank = (v: unknown) => v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0)
const TASK_STATUS = { approve: 'approved', reject: 'rejected', return: 'returned' } as const

function summaryOf(i: InstanceDto): InstanceSummaryDto {
  return {
    id: i.id, flowId: i.flowId, flowName: i.flowName, formId: i.formId, formLabel: i.formLabel, recordId: i.recordId, title: i.title,
    status: i.status, submitter: i.submitter, startedAt: i.startedAt, finishedAt: i.finishedAt, currentNodes: i.currentNodes
  }
}

/** The kept answer of a read the window made online (the replica's `answers` table), or null. */
export type KeptAnswer = (method: string, input: unknown) => unknown

export class ReplicaTodos {
  constructor(
    private readonly client: SyncClient,
    private readonly db: Sqlite,
    private readonly options: { userId: number; now: () => number; kept: KeptAnswer }
  ) {}

  /** Parse the window's input with the office's own contract, then answer. */
  run(method: string, raw: unknown, locale: Locale): unknown {
    const contract = flowContracts[method as keyof typeof flowContracts]
    const parsed = contract.input.safeParse(raw ?? {})
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!
      const path = issue.path.map(String)
      throw new ValidationError('error.badRequest', { detail: `${path.join('.') || 'input'}: ${issue.message}` }, path[0] === 'fields' ? path[1] : path.join('.') || undefined)
    }
    const input = parsed.data as Record<string, unknown>
    switch (method) {
      case 'flows.todo':
        return this.list(input as { tab: string; limit: number; offset: number; search?: string }, raw)
      case 'flows.counts': {
        const kept = this.options.kept('flows.counts', {}) as { todo: number; done: number; mine: number; cc: number } | null
        const open = this.open().length
        const decided = this.client.todos().length - open
        return { todo: open, done: (kept?.done ?? 0) + decided, mine: kept?.mine ?? 0, cc: kept?.cc ?? 0 }
      }
      case 'flows.instance':
        return this.instance(input.id as number)
      case 'flows.approve':
        return this.act(input.taskId as number, 'approve', input, locale)
      case 'flows.reject':
        return this.act(input.taskId as number, 'reject', input, locale)
      case 'flows.return':
        if (input.toNode) throw new DomainError('CONFLICT', 'sync.offline.returnToNode')
        return this.act(input.taskId as number, 'return', input, locale)
      case 'flows.batchApprove': {
        const results = (input.taskIds as number[]).map((taskId) => {
          try {
            this.act(taskId, 'approve', { comment: input.comment }, locale, true)
            return { taskId, ok: true, message: null }
          } catch (e) {
            if (!(e instanceof DomainError)) throw e
            return { taskId, ok: false, message: translate(locale, e.messageKey, e.params ?? {}) }
          }
        })
        return { results }
      }
      default:
        throw new DomainError('CONFLICT', 'sync.offline.unavailable')
    }
  }

  private open(): ReplicaTodo[] {
    return this.client.todos().filter((t) => !t.done)
  }

  /** 待办 from the replica (newest first, the title searched as the office searches it); the other tabs as the office last answered them. */
  private list(input: { tab: string; limit: number; offset: number; search?: string }, raw: unknown): { tasks: TaskDto[]; instances: InstanceSummaryDto[]; total: number } {
    if (input.tab !== 'todo') {
      const kept = this.options.kept('flows.todo', raw) as { tasks: TaskDto[]; instances: InstanceSummaryDto[]; total: number } | null
      if (kept) return kept
      throw new DomainError('CONFLICT', 'sync.offline.unavailable')
    }
    const q = input.search?.trim().toLowerCase()
    const tasks = this.open().map((t) => t.task).filter((t) => !q || t.title.toLowerCase().includes(q))
    return { tasks: tasks.slice(input.offset, input.offset + input.limit), instances: [], total: tasks.length }
  }

  /**
   * An instance as the office last showed it to the user. For a kept to-do: the actions offline
   * allows (approve, reject, return to the submitter; nothing the office alone does), and once
   * decided here, no action and the task marked with the decision. Any other instance the window
   * opened online answers as it did then, with no action.
   */
  private instance(id: number): InstanceDto {
    const todo = this.client.todos().find((t) => t.instance.id === id)
    const none = { act: false, withdraw: false, urge: false, resubmit: false }
    if (!todo) {
      const kept = this.options.kept('flows.instance', { id }) as InstanceDto | null
      if (!kept) throw new DomainError('CONFLICT', 'sync.offline.unavailable')
      return { ...kept, can: none, myTaskId: null, fieldPerms: {}, returnTargets: [] }
    }
    const i = todo.instance
    const record = i.record && this.replicaRecord(todo) ? { ...i.record, fields: { ...i.record.fields, ...this.pick(this.replicaRecord(todo)!, Object.keys(i.record.fields)) } } : i.record
    if (!todo.done) return { ...i, record, can: { ...none, act: i.can.act }, returnTargets: [] }
    const at = new Date(todo.done.at).toISOString()
    return {
      ...i, record, can: none, myTaskId: null, fieldPerms: {}, returnTargets: [],
      tasks: i.tasks.map((t) => (t.id === todo.task.id ? { ...t, status: TASK_STATUS[todo.done!.decision], actedAt: at } : t))
    }
  }

  private pick(fields: Record<string, unknown>, keys: string[]): Record<string, unknown> {
    return Object.fromEntries(keys.filter((k) => k in fields).map((k) => [k, fields[k]]))
  }

  private replicaRecord(todo: ReplicaTodo): Record<string, unknown> | null {
    try {
      return this.client.record(todo.task.formId, todo.task.recordId)?.fields ?? null
    } catch {
      return null
    }
  }

  /**
   * Approve / reject / return offline. The engine's checks that the laptop can make are made here
   * (the task still open here and of a kind that allows the action; fill-in fields only those the
   * node makes editable, converted and checked as a record edit; the node's required fields
   * filled); what only the office knows (the task still theirs and open there) is decided on push.
   */
  private act(taskId: number, decision: NonNullable<SyncOp['decision']>, input: Record<string, unknown>, _locale: Locale, batch = false): InstanceSummaryDto {
    const todo = this.client.todo(taskId)
    if (!todo || todo.done) throw new ConflictError('flows.error.taskClosed')
    const kinds = decision === 'reject' || batch ? ['approval'] : ['approval', 'fillin']
    if (!kinds.includes(todo.task.kind)) throw new ConflictError('flows.error.taskClosed')
    // Files attached to the decision: those picked on this computer (kept, uploaded before this is pushed).
    const attachments = (input.attachments as Array<{ hash: string; name: string }> | undefined) ?? []
    if (attachments.length && !this.client.takesFiles) throw new DomainError('CONFLICT', 'sync.offline.approvalAttachments')
    for (const a of attachments) {
      if (!this.client.lookups.upload(a.hash.toLowerCase())) throw new ValidationError('sync.offline.approvalFileUnknown', { name: a.name }, 'attachments')
    }
    const comment = typeof input.comment === 'string' && input.comment.trim() ? input.comment.trim() : undefined
    const given = decision === 'approve' ? ((input.fields as Record<string, unknown> | undefined) ?? {}) : {}
    let record: Record<string, unknown> | null = null
    if (decision === 'approve') record = this.checkFields(todo, given)
    this.client.approve(taskId, decision, comment, given, record, attachments.map((a) => ({ hash: a.hash.toLowerCase(), name: a.name })))
    return summaryOf(todo.instance)
  }

  /** The node's fill-in fields, checked as the office checks them; answers the record with them applied (null: not in the replica). */
  private checkFields(todo: ReplicaTodo, given: Record<string, unknown>): Record<string, unknown> | null {
    const perms = todo.instance.fieldPerms
    const form = (() => {
      try {
        return this.client.formDto(todo.task.formId)
      } catch {
        return null
      }
    })()
    const labelOf = (key: string) => form?.fields.find((f) => f.apiKey === key && f.parentFieldId === null)?.label ?? key
    for (const key of Object.keys(given)) {
      if (perms[key] !== 'editable' && perms[key] !== 'required') throw new ValidationError('flows.error.fieldLocked', { field: labelOf(key) }, key)
    }
    const current = this.replicaRecord(todo) ?? todo.instance.record?.fields ?? null
    let after: Record<string, unknown> = { ...(current ?? {}), ...given }
    if (Object.keys(given).length) {
      // A form the user does not view (the flow shows them the record): its schema is not on this computer.
      if (!form) throw new ValidationError('sync.offlineUnsupported', { field: labelOf(Object.keys(given)[0]!) }, Object.keys(given)[0])
      after = offlineWrite(this.db, this.options.now, modelFromDto(form), current ?? {}, given, this.options.userId, this.client.lookups)
    }
    for (const [key, p] of Object.entries(perms)) {
      if (p === 'required' && key in after && isBlank(after[key])) throw new ValidationError('value.required', { field: labelOf(key) }, key)
    }
    return Object.keys(given).length && this.replicaRecord(todo) ? after : null
  }
}
