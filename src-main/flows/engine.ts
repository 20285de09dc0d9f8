import type { Statement } from 'better-sqlite3'
import type { Sqlite } from '../db/connection'
import type { Clock } from '../clock'
import type { Actor } from '../access/actor'
import { SYSTEM_ACTOR } from '../access/actor'
import type { AccessLayer } from '../access/access-layer'
import type { Organization } from '../access/organization'
import type { FormModel } from '../forms/model'
import type { SchemaService } from '../forms/schema-service'
import type { WritePipeline } from '../records/write-pipeline'
import type { QueryBuilder } from '../records/query-builder'
import type { ReadService } from '../records/read-service'
import type { EventBus, FlowEvent } from '../events'
import {
  flowGraph, statusMapping, type ApproverSource, type FlowDto, type FlowGraph, type FlowNode, type InstanceDto, type InstanceSummaryDto, type TaskDto, type ValidationIssue
} from '../shared/api/flows'
import type { RecordDto } from '../shared/api/contracts'
import { ConflictError, DomainError, NotFoundError, PermissionError, ValidationError } from '../shared/errors'
import { translate, type Locale } from '../shared/locales'
import { isBlank } from '../shared/values'
import { ApproverResolver } from './approvers'
import { nodeConfig, nodeModule } from './nodes/registry'
import { emptyState, InstanceRun, type InstanceRow, type NoticeKind, type StatusMap } from './runtime'
import type { TaskRow } from './types'
import { validateGraph, type RawIssue } from './validate'
import './app-section'

// The flow engine: definitions (draft graph, immutable published versions), the runtime
// (instances, tasks, history; each step one transaction through the write pipeline, events after
// commit), the to-do center lists and the deadline sweep. Node behaviour lives in ./nodes.

interface FlowRow {
  id: number
  name: string
  form_id: number
  description: string | null
  draft: string
  status_mapping: string
  enabled: number
  published_version_id: number | null
  source_key: string | null
  created_at: number
  updated_at: number
}

interface VersionRow { id: number; flow_id: number; version: number; graph: string; status_mapping: string }

type Attachment = { hash: string; name: string }
export interface ActionInput { taskId: number; comment?: string; attachments?: Attachment[] }
export type BatchResult = { taskId: number; ok: true } | { taskId: number; ok: false; error: DomainError }

const OPEN = "('running', 'returned')"
const ACTIONABLE_KINDS = "('approval', 'fillin', 'resubmit')"

/** A new flow: start → approval → end. */
export function starterGraph(): FlowGraph {
  return {
    nodes: [
      { id: 'start', type: 'start', label: '发起', position: { x: 250, y: 0 }, config: { trigger: 'manual' } },
      { id: 'approve1', type: 'approval', label: '审批', position: { x: 250, y: 140 }, config: { approvers: [{ type: 'manager', level: 1 }], mode: 'any' } },
      { id: 'end', type: 'end', label: '结束', position: { x: 250, y: 280 }, config: {} }
    ],
    edges: [
      { id: 'e-start-approve1', source: 'start', target: 'approve1' },
      { id: 'e-approve1-end', source: 'approve1', target: 'end' }
    ]
  }
}

/** Statements that change the flows table (and so which flows start on a new record). */
const CHANGES_FLOWS = /^\s*(INSERT INTO|UPDATE|DELETE FROM) flows\b/

/** Node field permissions that let the task's assignee change the field. */
const EDITABLE: ReadonlySet<string> = new Set(['editable', 'required'])

export class FlowEngine {
  readonly resolver: ApproverResolver
  /**
   * Where people are told about their tasks, urges and outcomes: set by the core to the
   * notification center (built after this engine). Written in the step's transaction.
   */
  /** Whether a person may attach a stored file (src-main/attachments/attach.ts; set by the core). */
  attachPolicy: ((actor: Actor, hash: string) => boolean) | null = null
  notifier: ((n: { userId: number; title: string; body: string; formId: number; recordId: number; desktop: boolean }) => void) | null = null
  private readonly versions = new Map<number, { graph: FlowGraph; status: StatusMap; version: number }>()
  private readonly st: Record<'openInstance' | 'task' | 'instance', Statement>
  private readonly statements = new Map<string, Statement>()
  /**
   * Per form, the published flows that a new record may start: read on every record created (an
   * import creates thousands), so kept until any statement changes the flows table.
   */
  private readonly startedOnCreate = new Map<number, Array<{ id: number; published_version_id: number }>>()

  constructor(
    private readonly db: Sqlite,
    private readonly schema: SchemaService,
    private readonly writes: WritePipeline,
    private readonly reads: ReadService,
    private readonly queries: QueryBuilder,
    private readonly access: AccessLayer,
    private readonly org: Organization,
    private readonly clock: Clock,
    private readonly bus: EventBus
  ) {
    this.resolver = new ApproverResolver(db, org)
    this.st = {
      openInstance: db.prepare(`SELECT * FROM flow_instances WHERE form_id = ? AND record_id = ? AND status IN ${OPEN} ORDER BY id DESC LIMIT 1`),
      task: db.prepare('SELECT * FROM flow_tasks WHERE id = ?'),
      instance: db.prepare('SELECT * FROM flow_instances WHERE id = ?')
    }
    writes.guards.push((actor, form, recordId, input) => this.guard(actor, form, recordId, input))
    writes.systemFieldSources.push((form) => this.statusFields(form.id))
    bus.on((event) => {
      if (event.type === 'record.created') this.onCreated(event.formId, event.recordId, event.actorId)
    })
  }

  /** The approval status fields the published flows of a form write back: only the flow sets them. */
  private statusFields(formId: number): string[] {
    const mappings = this.sql('SELECT v.status_mapping FROM flows f JOIN flow_versions v ON v.id = f.published_version_id WHERE f.form_id = ?').pluck().all(formId) as string[]
    return mappings.map((m) => (JSON.parse(m) as { field?: string | null }).field).filter((f): f is string => typeof f === 'string' && f.length > 0)
  }

  // ---------- definitions ----------

  list(formRef?: number | string): FlowDto[] {
    const formId = formRef === undefined ? null : this.schema.form(formRef).id
    const rows = (formId === null
      ? this.sql('SELECT * FROM flows ORDER BY id').all()
      : this.sql('SELECT * FROM flows WHERE form_id = ? ORDER BY id').all(formId)) as FlowRow[]
    const live = new Set(this.schema.formIds())
    return rows.filter((r) => live.has(r.form_id)).map((r) => this.toDto(r))
  }

  get(id: number): FlowDto {
    return this.toDto(this.row(id))
  }

  create(actor: Actor, input: { name: string; form: number | string; description?: string | null; draft?: FlowGraph; status?: Partial<StatusMap>; sourceKey?: string | null }): FlowDto {
    const form = this.schema.form(input.form)
    const now = this.clock.now()
    const status = statusMapping.parse(input.status ?? { field: form.byKey.has('approvalStatus') ? 'approvalStatus' : null })
    const id = Number(this.sql('INSERT INTO flows (name, form_id, description, draft, status_mapping, enabled, source_key, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?)')
      .run(input.name, form.id, input.description ?? null, JSON.stringify(flowGraph.parse(input.draft ?? starterGraph())), JSON.stringify(status), input.sourceKey ?? null, now, now).lastInsertRowid)
    void actor
    return this.get(id)
  }

  save(input: { id: number; name?: string; description?: string | null; draft?: FlowGraph; status?: StatusMap; enabled?: boolean }): FlowDto {
    const row = this.row(input.id)
    this.sql('UPDATE flows SET name = ?, description = ?, draft = ?, status_mapping = ?, enabled = ?, updated_at = ? WHERE id = ?').run(
      input.name ?? row.name, input.description === undefined ? row.description : input.description,
      input.draft ? JSON.stringify(flowGraph.parse(input.draft)) : row.draft, input.status ? JSON.stringify(statusMapping.parse(input.status)) : row.status_mapping,
      input.enabled === undefined ? row.enabled : input.enabled ? 1 : 0, this.clock.now(), input.id)
    return this.get(input.id)
  }

  /** A flow that never ran is deleted; one with instances is disabled (their history stays readable). */
  remove(id: number): 'deleted' | 'disabled' {
    this.row(id)
    return this.db.transaction(() => {
      if (this.sql('SELECT 1 FROM flow_instances WHERE flow_id = ? LIMIT 1').get(id)) {
        this.sql('UPDATE flows SET enabled = 0, updated_at = ? WHERE id = ?').run(this.clock.now(), id)
        return 'disabled' as const
      }
      this.sql('DELETE FROM flow_versions WHERE flow_id = ?').run(id)
      this.sql('DELETE FROM flows WHERE id = ?').run(id)
      return 'deleted' as const
    })()
  }

  validate(id: number, draft: FlowGraph | undefined, locale: Locale): ValidationIssue[] {
    const row = this.row(id)
    const graph = draft ?? flowGraph.parse(JSON.parse(row.draft))
    return this.rawIssues(graph, this.schema.form(row.form_id)).map((i) => ({
      nodeId: i.nodeId, edgeId: i.edgeId ?? null, code: i.code, message: translate(locale, `flows.validate.${i.code}`, i.params)
    }))
  }

  rawIssues(graph: FlowGraph, form: FormModel): RawIssue[] {
    return validateGraph(graph, form, {
      submitters: () => this.possibleSubmitters(form),
      resolveFor: (sources, submitterId) => this.resolver.resolve(sources, { submitterId, memberValue: null, chosen: null }),
      formExists: (ref) => this.formExists(ref)
    })
  }

  /** Publish the draft as the next immutable version. Refused (naming the first issue's node) when the graph is invalid. */
  publish(actor: Actor, id: number, options: { allowUnresolved?: boolean } = {}): { flow: FlowDto; version: number } {
    const row = this.row(id)
    const graph = flowGraph.parse(JSON.parse(row.draft))
    // Shipped flows are installed before anyone holds their roles: only their structure must be sound.
    const issues = this.rawIssues(graph, this.schema.form(row.form_id)).filter((i) => !(options.allowUnresolved && i.code === 'resolvesToNobody'))
    if (issues.length) {
      const first = issues[0]!
      throw new ValidationError('flows.error.invalidGraph', { count: issues.length, node: String(first.params.node ?? first.nodeId ?? '') }, first.nodeId ?? undefined)
    }
    const version = this.db.transaction(() => {
      const next = (this.sql('SELECT COALESCE(MAX(version), 0) + 1 FROM flow_versions WHERE flow_id = ?').pluck().get(id) as number)
      const vid = Number(this.sql('INSERT INTO flow_versions (flow_id, version, graph, status_mapping, published_by, published_at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(id, next, JSON.stringify(graph), row.status_mapping, actor.id || null, this.clock.now()).lastInsertRowid)
      this.sql('UPDATE flows SET published_version_id = ?, updated_at = ? WHERE id = ?').run(vid, this.clock.now(), id)
      return next
    })()
    return { flow: this.get(id), version }
  }

  // ---------- starting ----------

  /** Published, enabled flows of a form, with the nodes whose approvers the submitter chooses. */
  available(actor: Actor, formRef: number | string): Array<{ id: number; name: string; chooseNodes: Array<{ id: string; label: string }> }> {
    const form = this.schema.form(formRef)
    this.access.authorize(actor, 'view', form)
    // Submitting needs the edit right (see start): a view-only user is offered no flow.
    if (!this.access.can(actor, 'edit', form)) return []
    const rows = this.sql('SELECT * FROM flows WHERE form_id = ? AND enabled = 1 AND published_version_id IS NOT NULL ORDER BY id').all(form.id) as FlowRow[]
    return rows.map((r) => {
      const { graph } = this.version(r.published_version_id!)
      const chooseNodes = graph.nodes.filter((n) => ((n.config as { approvers?: Array<{ type: string }> }).approvers ?? []).some((s) => s.type === 'chosen')).map((n) => ({ id: n.id, label: n.label || n.id }))
      return { id: r.id, name: r.name, chooseNodes }
    })
  }

  /**
   * Submit a record to a flow (提交审批): by flow id, or the form's first enabled published flow
   * (the rule engine's "start a flow" action calls this). One transaction.
   */
  start(actor: Actor, input: { flowId?: number; formId?: number | string; form?: number | string; recordId: number; chosen?: Record<string, number[]>; comment?: string }): InstanceSummaryDto {
    const formRef = input.formId ?? input.form
    let flow: FlowRow | undefined
    if (input.flowId !== undefined) flow = this.row(input.flowId)
    else if (formRef !== undefined) {
      const form = this.schema.form(formRef)
      flow = this.sql('SELECT * FROM flows WHERE form_id = ? AND enabled = 1 AND published_version_id IS NOT NULL ORDER BY id LIMIT 1').get(form.id) as FlowRow | undefined
      if (!flow) throw new NotFoundError('flows.error.noFlowForForm', { form: form.label })
    } else throw new ValidationError('flows.error.flowRequired', {}, 'flowId')
    if (!flow.enabled || flow.published_version_id === null) throw new ConflictError('flows.error.notPublished', { flow: flow.name })
    const form = this.schema.form(flow.form_id)
    if (actor.id !== 0) {
      this.access.authorizeRecord(actor, 'view', form, input.recordId)
      // Submitting changes the record (its approval status, then locks it): a user who may only
      // view it cannot submit it.
      this.access.authorizeRecord(actor, 'edit', form, input.recordId)
    }
    const record = this.systemRecord(form, input.recordId)
    const submitterId = actor.id || record.owner?.id || record.createdBy?.id
    if (!submitterId) throw new ValidationError('flows.error.noSubmitter')
    const versionId = flow.published_version_id
    const { graph } = this.version(versionId)
    const id = this.step((events) => {
      if (this.st.openInstance.get(form.id, input.recordId)) throw new ConflictError('flows.error.alreadyInFlow', { record: this.titleOf(form, record) })
      const state = { ...emptyState(), chosen: input.chosen ?? {} }
      const now = this.clock.now()
      const instanceId = Number(this.sql(`INSERT INTO flow_instances (flow_id, version_id, form_id, record_id, title, status, submitter_id, state, started_at)
        VALUES (?, ?, ?, ?, ?, 'running', ?, ?, ?)`).run(flow.id, versionId, form.id, input.recordId, this.titleOf(form, record), submitterId, JSON.stringify(state), now).lastInsertRowid)
      const run = this.run(instanceId, events, submitterId)
      run.history('submit', null, this.startNode(graph).id, { actorId: submitterId, comment: input.comment ?? null })
      run.writeStatus('pending')
      run.enter(this.startNode(graph).id, null)
      run.save()
      return instanceId
    })
    return this.summary(id)
  }

  // ---------- actions ----------

  approve(actor: Actor, input: ActionInput & { fields?: Record<string, unknown> }): InstanceSummaryDto {
    return this.act(actor, input.taskId, ['approval', 'fillin'], (run, task) => {
      const perms = this.nodePerms(run.graph, task.node_id)
      if (input.fields && Object.keys(input.fields).length) {
        for (const key of Object.keys(input.fields)) {
          if (perms[key] !== 'editable' && perms[key] !== 'required') throw new ValidationError('flows.error.fieldLocked', { field: run.form.byKey.get(key)?.label ?? key }, key)
        }
        // Checked against the node's field permissions above; recorded as the approver's change.
        run.updateRecord(input.fields, actor)
      }
      for (const [key, p] of Object.entries(perms)) {
        if (p === 'required' && isBlank(run.value(key))) {
          throw new ValidationError('value.required', { field: run.form.byKey.get(key)?.label ?? key }, key)
        }
      }
      run.setTaskStatus(task.id, 'approved')
      run.history(task.kind === 'fillin' ? 'fill' : 'approve', input.fields ? { fields: Object.keys(input.fields) } : null, task.node_id, this.extra(actor, input, task))
      run.settle(task.node_id)
    })
  }

  reject(actor: Actor, input: ActionInput): InstanceSummaryDto {
    return this.act(actor, input.taskId, ['approval'], (run, task) => {
      run.setTaskStatus(task.id, 'rejected')
      run.history('reject', null, task.node_id, this.extra(actor, input, task))
      run.settle(task.node_id)
    })
  }

  /** 退回: to the submitter (who edits and resubmits), or to an earlier node of the path taken. */
  returnTo(actor: Actor, input: ActionInput & { toNode: string | null }): InstanceSummaryDto {
    return this.act(actor, input.taskId, ['approval', 'fillin'], (run, task) => {
      run.setTaskStatus(task.id, 'returned')
      if (input.toNode) {
        const targets = this.returnTargets(run.graph, run.state.visited, task.node_id)
        if (!targets.some((t) => t.id === input.toNode)) throw new ValidationError('flows.error.badReturnTarget', { node: input.toNode }, 'toNode')
        run.history('return', { toNode: input.toNode }, task.node_id, this.extra(actor, input, task))
        run.restartAt(input.toNode)
      } else {
        run.history('return', { toNode: null }, task.node_id, this.extra(actor, input, task))
        this.returnToSubmitter(run)
      }
    })
  }

  /** 转交: the task goes to someone else, who acts in my place. */
  transfer(actor: Actor, input: ActionInput & { toUserId: number }): InstanceSummaryDto {
    return this.act(actor, input.taskId, ['approval', 'fillin'], (run, task) => {
      if (input.toUserId === actor.id) throw new ValidationError('flows.error.transferToSelf', {}, 'toUserId')
      this.requireActiveUser(input.toUserId, 'toUserId')
      run.setTaskStatus(task.id, 'transferred')
      this.copyTask(task, input.toUserId, run.now)
      run.history('transfer', { to: input.toUserId, toName: this.userName(input.toUserId) }, task.node_id, this.extra(actor, input, task))
    })
  }

  /** 加签: before me (they approve first, then my task opens again) or after me (I approve now, they must approve too). */
  addSigner(actor: Actor, input: ActionInput & { userIds: number[]; position: 'before' | 'after' }): InstanceSummaryDto {
    return this.act(actor, input.taskId, ['approval'], (run, task) => {
      const users = [...new Set(input.userIds)]
      for (const u of users) {
        if (u === actor.id) throw new ValidationError('flows.error.signerIsSelf', {}, 'userIds')
        this.requireActiveUser(u, 'userIds')
      }
      const insert = this.sql(`INSERT INTO flow_tasks (instance_id, node_id, kind, assignee_id, status, seq, extra, round, created_at, due_at)
        VALUES (?, ?, 'approval', ?, 'pending', ?, 1, ?, ?, ?)`)
      for (const u of users) {
        insert.run(task.instance_id, task.node_id, u, input.position === 'before' ? task.id : -1, task.round, run.now, task.due_at)
        this.notify(u, 'approval', run.inst)
      }
      run.history('addSigner', { position: input.position, users, names: users.map((u) => this.userName(u)) }, task.node_id, this.extra(actor, input, task))
      if (input.position === 'before') {
        this.sql("UPDATE flow_tasks SET status = 'waiting', blocked_by = ? WHERE id = ?").run(task.id, task.id)
      } else {
        run.setTaskStatus(task.id, 'approved')
        run.history('approve', null, task.node_id, this.extra(actor, { taskId: task.id }, task))
        run.settle(task.node_id)
      }
    })
  }

  /** 撤回: the submitter takes the submission back while nobody has acted on it. */
  withdraw(actor: Actor, input: { instanceId: number; comment?: string }): InstanceSummaryDto {
    this.step((events) => {
      const inst = this.instanceRow(input.instanceId)
      if (inst.submitter_id !== actor.id) throw new PermissionError('flows.error.notSubmitter')
      if (inst.status !== 'running' && inst.status !== 'returned') throw new ConflictError('flows.error.instanceClosed')
      if (inst.acted) throw new ConflictError('flows.error.alreadyActed')
      const run = this.run(inst.id, events, actor.id)
      run.history('withdraw', null, null, { actorId: actor.id, comment: input.comment ?? null })
      run.finish('withdrawn', null)
      run.save()
    })
    return this.summary(input.instanceId)
  }

  /** Resubmit an instance returned to the submitter: it starts again from the start node. */
  resubmit(actor: Actor, input: { instanceId: number; comment?: string }): InstanceSummaryDto {
    this.step((events) => {
      const inst = this.instanceRow(input.instanceId)
      if (inst.submitter_id !== actor.id) throw new PermissionError('flows.error.notSubmitter')
      if (inst.status !== 'returned') throw new ConflictError('flows.error.notReturned')
      const run = this.run(inst.id, events, actor.id)
      this.sql("UPDATE flow_tasks SET status = 'done', acted_at = ? WHERE instance_id = ? AND kind = 'resubmit' AND status = 'pending'").run(run.now, inst.id)
      run.inst.status = 'running'
      run.history('resubmit', null, this.startNode(run.graph).id, { actorId: actor.id, comment: input.comment ?? null })
      run.writeStatus('pending')
      run.state.joins = {}
      run.enter(this.startNode(run.graph).id, null)
      run.save()
    })
    return this.summary(input.instanceId)
  }

  /** 催办: the submitter reminds the people whose tasks are pending. */
  urge(actor: Actor, input: { instanceId: number; comment?: string }): number {
    return this.step(() => {
      const inst = this.instanceRow(input.instanceId)
      if (inst.submitter_id !== actor.id && !actor.isAdmin) throw new PermissionError('flows.error.notSubmitter')
      if (inst.status !== 'running') throw new ConflictError('flows.error.instanceClosed')
      const now = this.clock.now()
      const n = this.sql("UPDATE flow_tasks SET urged_at = ? WHERE instance_id = ? AND status = 'pending' AND kind IN ('approval', 'fillin')").run(now, inst.id).changes
      const people = this.sql("SELECT DISTINCT assignee_id FROM flow_tasks WHERE instance_id = ? AND status = 'pending' AND kind IN ('approval', 'fillin')").pluck().all(inst.id) as number[]
      for (const u of people) this.notify(u, 'urge', inst)
      this.history(inst.id, 'urge', { count: n }, null, actor.id, input.comment ?? null, [], now)
      return n
    })
  }

  comment(actor: Actor, input: { instanceId: number; comment: string; attachments?: Attachment[] }): void {
    const inst = this.instanceRow(input.instanceId)
    this.requireParticipant(actor, inst)
    const attachments = this.attachable(actor, input.attachments ?? [])
    this.history(inst.id, 'comment', null, null, actor.id, input.comment, attachments, this.clock.now())
  }

  markRead(actor: Actor, taskId: number): void {
    const task = this.taskRow(taskId)
    if (task.assignee_id !== actor.id) throw new PermissionError('flows.error.notYourTask')
    if (task.kind === 'cc' && task.status === 'unread') this.sql("UPDATE flow_tasks SET status = 'read', acted_at = ? WHERE id = ?").run(this.clock.now(), taskId)
  }

  /** Batch approve: each task is its own step; every result says whether it went through and why not. */
  batchApprove(actor: Actor, input: { taskIds: number[]; comment?: string }): BatchResult[] {
    return input.taskIds.map((taskId): BatchResult => {
      try {
        this.approve(actor, { taskId, comment: input.comment })
        return { taskId, ok: true }
      } catch (e) {
        if (e instanceof DomainError) return { taskId, ok: false, error: e }
        throw e
      }
    })
  }

  /**
   * Deadlines: every pending task due by `now` that was not handled yet gets its node's deadline
   * action (remind, auto-approve, auto-return, escalate to the assignee's manager). Each task is
   * its own step and is marked handled in it, so running this twice, or after a restart, or hours
   * late after the PC was off, handles each task exactly once. Returns how many were handled.
   */
  processDue(now: number): number {
    const due = this.sql("SELECT id FROM flow_tasks WHERE status = 'pending' AND due_done = 0 AND due_at IS NOT NULL AND due_at <= ? ORDER BY due_at, id LIMIT 1000").pluck().all(now) as number[]
    let handled = 0
    for (const taskId of due) {
      const done = this.step((events) => {
        const task = this.st.task.get(taskId) as TaskRow | undefined
        if (!task || task.status !== 'pending' || task.due_done) return false
        this.sql('UPDATE flow_tasks SET due_done = 1 WHERE id = ?').run(task.id)
        const inst = this.instanceRow(task.instance_id)
        if (inst.status !== 'running') return true
        const run = this.run(inst.id, events, null)
        const node = run.node(task.node_id)
        const action = (nodeConfig<{ deadline: { action: string } | null }>(node.type, node.config).deadline?.action ?? 'remind') as 'remind' | 'approve' | 'return' | 'escalate'
        const meta = { actorId: null, taskId: task.id }
        if (action === 'remind') {
          this.sql('UPDATE flow_tasks SET urged_at = ? WHERE id = ?').run(run.now, task.id)
          this.notify(task.assignee_id, 'overdue', inst)
          run.history('overdueRemind', { assignee: task.assignee_id, name: this.userName(task.assignee_id) }, task.node_id, meta)
        } else if (action === 'approve') {
          run.setTaskStatus(task.id, 'approved')
          run.inst.acted = 1
          run.history('autoApprove', { assignee: task.assignee_id, name: this.userName(task.assignee_id) }, task.node_id, meta)
          run.settle(task.node_id)
        } else if (action === 'return') {
          run.setTaskStatus(task.id, 'returned')
          run.inst.acted = 1
          run.history('autoReturn', { assignee: task.assignee_id, name: this.userName(task.assignee_id) }, task.node_id, meta)
          this.returnToSubmitter(run)
        } else {
          const manager = this.org.managerChain(task.assignee_id)[0] ?? this.resolver.admins().find((a) => a !== task.assignee_id)
          if (manager !== undefined) {
            run.setTaskStatus(task.id, 'transferred')
            const copy = this.copyTask(task, manager, run.now)
            this.sql('UPDATE flow_tasks SET due_done = 1 WHERE id = ?').run(copy)
            run.history('escalate', { from: task.assignee_id, to: manager, fromName: this.userName(task.assignee_id), toName: this.userName(manager) }, task.node_id, meta)
          } else run.history('overdueRemind', { assignee: task.assignee_id, name: this.userName(task.assignee_id) }, task.node_id, meta)
        }
        run.save()
        return true
      })
      if (done) handled++
    }
    return handled
  }

  // ---------- reading ----------

  /**
   * The record's latest flow instance, and which fields the caller may change while it is in
   * one (`editable`: null when the flow does not restrict them; see `inFlow`).
   */
  recordStatus(actor: Actor, formRef: number | string, recordId: number): (InstanceSummaryDto & { editable: string[] | null }) | null {
    const form = this.schema.form(formRef)
    if (actor.id !== 0) this.access.authorizeRecord(actor, 'view', form, recordId)
    const id = this.sql('SELECT id FROM flow_instances WHERE form_id = ? AND record_id = ? ORDER BY id DESC LIMIT 1').pluck().get(form.id, recordId) as number | undefined
    if (id === undefined) return null
    const restricted = this.inFlow(actor, form, recordId)
    return { ...this.summary(id), editable: restricted && (restricted.perms ? Object.keys(restricted.perms).filter((k) => EDITABLE.has(restricted.perms![k]!)) : []) }
  }

  instance(actor: Actor, id: number): InstanceDto {
    const inst = this.instanceRow(id)
    this.requireParticipant(actor, inst)
    const { graph, version } = this.version(inst.version_id)
    const state = { ...emptyState(), ...(JSON.parse(inst.state) as object) } as ReturnType<typeof emptyState>
    const tasks = (this.sql('SELECT * FROM flow_tasks WHERE instance_id = ? ORDER BY id').all(id) as TaskRow[])
    const mine = tasks.find((t) => t.assignee_id === actor.id && t.status === 'pending' && t.kind !== 'cc') ?? null
    const perms = mine && mine.kind !== 'resubmit' ? this.nodePerms(graph, mine.node_id) : {}
    const form = this.schema.form(inst.form_id)
    let record: RecordDto | null = null
    try {
      record = this.canViewRecord(actor, form, inst.record_id) ? this.reads.get(actor, form.id, inst.record_id) : this.systemRecord(form, inst.record_id)
      for (const [key, p] of Object.entries(perms)) if (p === 'hidden') delete record.fields[key]
    } catch (e) {
      if (!(e instanceof NotFoundError)) throw e
    }
    const names = this.names(tasks.map((t) => t.assignee_id))
    const history = this.sql('SELECT * FROM flow_history WHERE instance_id = ? ORDER BY id').all(id) as Array<{ id: number; node_id: string | null; action: string; actor_id: number | null; comment: string | null; attachments: string; detail: string | null; at: number }>
    const actorNames = this.names(history.map((h) => h.actor_id).filter((x): x is number => x !== null))
    const summary = this.summary(id)
    const open = inst.status === 'running'
    return {
      ...summary,
      graph,
      version,
      visitedNodes: state.visited,
      takenEdges: state.edges,
      activeNodes: state.active,
      tasks: tasks.map((t) => this.taskDto(t, inst, graph, names, summary)),
      history: history.map((h) => ({
        id: h.id,
        nodeId: h.node_id,
        nodeLabel: h.node_id ? (graph.nodes.find((n) => n.id === h.node_id)?.label ?? h.node_id) : null,
        action: h.action,
        actor: h.actor_id === null ? null : { id: h.actor_id, name: actorNames.get(h.actor_id) ?? `#${h.actor_id}` },
        comment: h.comment,
        attachments: JSON.parse(h.attachments) as Attachment[],
        detail: h.detail ? (JSON.parse(h.detail) as Record<string, unknown>) : null,
        at: new Date(h.at).toISOString()
      })),
      record,
      fieldPerms: perms as InstanceDto['fieldPerms'],
      can: {
        act: open && !!mine && mine.kind !== 'resubmit',
        withdraw: (open || inst.status === 'returned') && inst.submitter_id === actor.id && !inst.acted,
        urge: open && inst.submitter_id === actor.id && tasks.some((t) => t.status === 'pending' && t.kind !== 'cc'),
        resubmit: inst.status === 'returned' && inst.submitter_id === actor.id
      },
      myTaskId: mine?.id ?? null,
      returnTargets: mine && mine.kind !== 'resubmit' ? this.returnTargets(graph, state.visited, mine.node_id) : [],
      names: this.graphNames(graph)
    }
  }

  /** The names of the users and roles the graph's approver sources name by id. */
  private graphNames(graph: FlowGraph): InstanceDto['names'] {
    const userIds: number[] = []
    const roleIds: number[] = []
    for (const node of graph.nodes) {
      const sources = (node.config as { approvers?: ApproverSource[] }).approvers ?? []
      for (const s of sources) {
        if (s.type === 'users') userIds.push(...s.ids)
        else if (s.type === 'roles') roleIds.push(...s.ids)
      }
    }
    const users = Object.fromEntries([...this.names(userIds)].map(([k, v]) => [String(k), v]))
    const unique = [...new Set(roleIds)]
    const roles = unique.length
      ? Object.fromEntries((this.sql(`SELECT id, name FROM roles WHERE id IN (${unique.map(() => '?').join(',')})`).all(...unique) as Array<{ id: number; name: string }>).map((r) => [String(r.id), r.name]))
      : {}
    return { users, roles }
  }

  /** To-do center lists. 待办 and 已办 and 抄送我 are tasks; 我发起的 are instances. */
  todo(actor: Actor, input: { tab: 'todo' | 'done' | 'mine' | 'cc'; limit: number; offset: number; search?: string }): { tasks: TaskDto[]; instances: InstanceSummaryDto[]; total: number } {
    const search = input.search?.trim() ? `%${input.search.trim()}%` : null
    const like = search ? ' AND i.title LIKE ?' : ''
    const sp = search ? [search] : []
    if (input.tab === 'mine') {
      const total = this.sql(`SELECT COUNT(*) FROM flow_instances i WHERE i.submitter_id = ?${like}`).pluck().get(actor.id, ...sp) as number
      const ids = this.sql(`SELECT i.id FROM flow_instances i WHERE i.submitter_id = ?${like} ORDER BY i.started_at DESC, i.id DESC LIMIT ? OFFSET ?`).pluck().all(actor.id, ...sp, input.limit, input.offset) as number[]
      return { tasks: [], instances: ids.map((id) => this.summary(id)), total }
    }
    const where = input.tab === 'todo' ? `t.status = 'pending' AND t.kind IN ${ACTIONABLE_KINDS}`
      : input.tab === 'cc' ? "t.status IN ('unread', 'read') AND t.kind = 'cc'"
      : "t.status IN ('approved', 'rejected', 'returned', 'transferred', 'done') AND t.kind IN ('approval', 'fillin')"
    const order = input.tab === 'todo' ? 't.created_at DESC, t.id DESC' : input.tab === 'cc' ? 't.id DESC' : 't.acted_at DESC, t.id DESC'
    const total = this.sql(`SELECT COUNT(*) FROM flow_tasks t${search ? ' JOIN flow_instances i ON i.id = t.instance_id' : ''} WHERE t.assignee_id = ? AND ${where}${like}`).pluck().get(actor.id, ...sp) as number
    const rows = this.sql(`SELECT t.* FROM flow_tasks t${search ? ' JOIN flow_instances i ON i.id = t.instance_id' : ''} WHERE t.assignee_id = ? AND ${where}${like} ORDER BY ${order} LIMIT ? OFFSET ?`)
      .all(actor.id, ...sp, input.limit, input.offset) as TaskRow[]
    return { tasks: this.taskDtos(rows), instances: [], total }
  }

  counts(actor: Actor): { todo: number; done: number; mine: number; cc: number } {
    const count = (sql: string) => this.sql(sql).pluck().get(actor.id) as number
    return {
      todo: count(`SELECT COUNT(*) FROM flow_tasks WHERE assignee_id = ? AND status = 'pending' AND kind IN ${ACTIONABLE_KINDS}`),
      done: count("SELECT COUNT(*) FROM flow_tasks WHERE assignee_id = ? AND status IN ('approved', 'rejected', 'returned', 'transferred', 'done') AND kind IN ('approval', 'fillin')"),
      mine: count(`SELECT COUNT(*) FROM flow_instances WHERE submitter_id = ? AND status IN ${OPEN}`),
      cc: count("SELECT COUNT(*) FROM flow_tasks WHERE assignee_id = ? AND status = 'unread' AND kind = 'cc'")
    }
  }

  // ---------- internals ----------

  /** Prepared statements, compiled once each (the to-do list and approve run them many times). */
  private sql(text: string): Statement {
    if (CHANGES_FLOWS.test(text)) this.startedOnCreate.clear()
    let st = this.statements.get(text)
    if (!st) {
      if (this.statements.size > 500) this.statements.clear()
      st = this.db.prepare(text)
      this.statements.set(text, st)
    }
    return st
  }

  /** One flow step: one write transaction; its flow events are delivered with the records' after it commits. */
  private step<T>(fn: (events: FlowEvent[]) => T): T {
    return this.writes.transaction(() => {
      const events: FlowEvent[] = []
      const result = fn(events)
      for (const event of events) this.writes.queueEvent(event)
      return result
    })
  }

  private act(actor: Actor, taskId: number, kinds: string[], fn: (run: InstanceRun, task: TaskRow) => void): InstanceSummaryDto {
    const instanceId = this.step((events) => {
      const task = this.taskRow(taskId)
      // Only the task's assignee acts on it; anyone else learns nothing more than "not yours".
      if (task.assignee_id !== actor.id) throw new PermissionError('flows.error.notYourTask')
      if (task.status !== 'pending' || !kinds.includes(task.kind)) throw new ConflictError('flows.error.taskClosed')
      const inst = this.instanceRow(task.instance_id)
      if (inst.status !== 'running') throw new ConflictError('flows.error.instanceClosed')
      const run = this.run(inst.id, events, actor.id)
      run.inst.acted = 1
      fn(run, task)
      run.save()
      return inst.id
    })
    return this.summary(instanceId)
  }

  private returnToSubmitter(run: InstanceRun): void {
    run.cancelOpenTasks()
    run.state.active = []
    run.state.joins = {}
    run.inst.status = 'returned'
    // The submitter may act again: withdrawing is allowed until someone acts on the resubmission.
    run.inst.acted = 0
    const start = this.startNode(run.graph)
    run.createTask(start, { kind: 'resubmit', assignee: run.inst.submitter_id })
  }

  private copyTask(task: TaskRow, assignee: number, now: number): number {
    this.notify(assignee, task.kind, this.instanceRow(task.instance_id))
    return Number(this.sql(`INSERT INTO flow_tasks (instance_id, node_id, kind, assignee_id, status, seq, extra, blocked_by, round, created_at, due_at, due_done)
      VALUES (?, ?, ?, ?, 'pending', ?, ?, NULL, ?, ?, ?, ?)`).run(task.instance_id, task.node_id, task.kind, assignee, task.seq, task.extra, task.round, now, task.due_at, task.due_done).lastInsertRowid)
  }

  private run(instanceId: number, events: FlowEvent[], actorId: number | null): InstanceRun {
    const inst = this.instanceRow(instanceId)
    const { graph, status } = this.version(inst.version_id)
    return new InstanceRun({ db: this.db, sql: (text) => this.sql(text), schema: this.schema, writes: this.writes, queries: this.queries, resolver: this.resolver, notify: (u, k, i) => this.notify(u, k, i) }, inst, graph, status, this.clock.now(), events, actorId)
  }

  /** A notification in the recipient's language, linking to the record. */
  private notify(userId: number, what: NoticeKind, inst: InstanceRow): void {
    if (!this.notifier || userId === 0) return
    const locale: Locale = (this.sql('SELECT locale FROM users WHERE id = ?').pluck().get(userId) as string | undefined) === 'en' ? 'en' : 'zh-CN'
    const flow = this.sql('SELECT name FROM flows WHERE id = ?').pluck().get(inst.flow_id) as string
    const params = { title: inst.title, flow, submitter: this.userName(inst.submitter_id) }
    this.notifier({
      userId, title: translate(locale, `flows.notice.${what}`, params), body: translate(locale, 'flows.notice.body', params),
      formId: inst.form_id, recordId: inst.record_id, desktop: what !== 'cc'
    })
  }

  private history(instanceId: number, action: string, detail: Record<string, unknown> | null, nodeId: string | null, actorId: number | null, comment: string | null, attachments: Attachment[], at: number): void {
    this.sql('INSERT INTO flow_history (instance_id, node_id, action, actor_id, comment, attachments, detail, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(instanceId, nodeId, action, actorId, comment, JSON.stringify(attachments), detail ? JSON.stringify(detail) : null, at)
  }

  private extra(actor: Actor, input: ActionInput, task: TaskRow) {
    return { actorId: actor.id || null, comment: input.comment ?? null, attachments: this.attachable(actor, input.attachments ?? []), taskId: task.id }
  }

  /**
   * Files for a comment or an action: stored, and (for a person) theirs to attach by the one
   * decision of src-main/attachments/attach.ts. A file they may not attach reads as not uploaded.
   */
  private attachable(actor: Actor, attachments: Attachment[]): Attachment[] {
    for (const a of attachments) {
      const stored = this.sql('SELECT 1 FROM attachments WHERE hash = ?').get(a.hash)
      if (!stored || (this.attachPolicy && !this.attachPolicy(actor, a.hash))) throw new ValidationError('flows.error.unknownAttachment', { name: a.name }, 'attachments')
    }
    return attachments
  }

  /**
   * The write-pipeline guard: while a record is in a flow, people other than the system and
   * administrators may change only the fields the node of their pending task makes editable;
   * nobody deletes it. A record returned to its submitter is theirs to edit before resubmitting.
   */
  private guard(actor: Actor, form: FormModel, recordId: number, input: Record<string, unknown> | null): void {
    if (input === null) {
      // Nobody but the system and administrators deletes a record in a flow (a returned one included).
      const open = actor.id === 0 || actor.isAdmin ? undefined : (this.st.openInstance.get(form.id, recordId) as InstanceRow | undefined)
      if (open) throw new ConflictError('flows.error.recordInFlow', { record: open.title })
      return
    }
    const restricted = this.inFlow(actor, form, recordId)
    if (!restricted) return
    const { inst, perms } = restricted
    if (!perms) throw new ValidationError('flows.error.recordInFlow', { record: inst.title })
    for (const key of Object.keys(input)) {
      if (!EDITABLE.has(perms[key] ?? '')) throw new ValidationError('flows.error.fieldLocked', { field: form.byKey.get(key)?.label ?? key }, key)
    }
  }

  /**
   * How a flow restricts `actor` on a record: null when it does not (no open instance, the
   * system, administrators, the submitter of a returned record, who edits before resubmitting);
   * else the open instance and the field permissions of the nodes where the actor has a pending
   * approval or fill-in task (null: no such task — nothing may be changed).
   */
  private inFlow(actor: Actor, form: FormModel, recordId: number): { inst: InstanceRow; perms: Record<string, string> | null } | null {
    if (actor.id === 0 || actor.isAdmin) return null
    const inst = this.st.openInstance.get(form.id, recordId) as InstanceRow | undefined
    if (!inst || (inst.status === 'returned' && inst.submitter_id === actor.id)) return null
    const { graph } = this.version(inst.version_id)
    const nodes = this.sql("SELECT node_id FROM flow_tasks WHERE instance_id = ? AND assignee_id = ? AND status = 'pending' AND kind IN ('approval', 'fillin')").pluck().all(inst.id, actor.id) as string[]
    return { inst, perms: nodes.length ? (Object.assign({}, ...nodes.map((n) => this.nodePerms(graph, n))) as Record<string, string>) : null }
  }

  private onCreated(formId: number, recordId: number, actorId: number | null): void {
    let flows = this.startedOnCreate.get(formId)
    if (!flows) {
      flows = this.sql('SELECT id, published_version_id FROM flows WHERE form_id = ? AND enabled = 1 AND published_version_id IS NOT NULL ORDER BY id').all(formId) as Array<{ id: number; published_version_id: number }>
      this.startedOnCreate.set(formId, flows)
    }
    for (const f of flows) {
      const start = this.startNode(this.version(f.published_version_id).graph)
      if ((start.config as { trigger?: string }).trigger !== 'submit') continue
      const actor = actorId ? this.actorOf(actorId) : SYSTEM_ACTOR
      try {
        this.start(actor, { flowId: f.id, recordId })
      } catch (e) {
        // The record is already saved (events come after commit); the failed start is reported, not retried.
        console.error(`[flows] starting flow ${f.id} on record ${recordId} of form ${formId} failed:`, e)
      }
      return
    }
  }

  private actorOf(userId: number): Actor {
    const u = this.sql('SELECT id, name, is_admin, locale FROM users WHERE id = ?').get(userId) as { id: number; name: string; is_admin: number; locale: string } | undefined
    if (!u) throw new NotFoundError('error.userNotFound', { id: userId })
    return { id: u.id, name: u.name, isAdmin: !!u.is_admin, locale: u.locale === 'en' ? 'en' : 'zh-CN' }
  }

  nodePerms(graph: FlowGraph, nodeId: string): Record<string, string> {
    const node = graph.nodes.find((n) => n.id === nodeId)
    if (!node) return {}
    const mod = nodeModule(node.type)
    return mod.fieldPerms ? mod.fieldPerms(nodeConfig(node.type, node.config)) : {}
  }

  /** Nodes already passed that lead to the current one: approval and fill-in nodes upstream of it. */
  private returnTargets(graph: FlowGraph, visited: string[], current: string): Array<{ id: string; label: string }> {
    const upstream = new Set<string>()
    const queue = [current]
    while (queue.length) {
      const id = queue.shift()!
      for (const e of graph.edges) if (e.target === id && !upstream.has(e.source)) { upstream.add(e.source); queue.push(e.source) }
    }
    const out: Array<{ id: string; label: string }> = []
    for (const id of visited) {
      if (id === current || !upstream.has(id) || out.some((o) => o.id === id)) continue
      const n = graph.nodes.find((x) => x.id === id)
      if (n && nodeModule(n.type).returnable) out.push({ id, label: n.label || id })
    }
    return out
  }

  private startNode(graph: FlowGraph): FlowNode {
    const s = graph.nodes.find((n) => n.type === 'start')
    if (!s) throw new ValidationError('flows.validate.noStart')
    return s
  }

  private requireParticipant(actor: Actor, inst: InstanceRow): void {
    if (actor.isAdmin || inst.submitter_id === actor.id) return
    if (this.sql('SELECT 1 FROM flow_tasks WHERE instance_id = ? AND assignee_id = ? LIMIT 1').get(inst.id, actor.id)) return
    if (this.canViewRecord(actor, this.schema.form(inst.form_id), inst.record_id)) return
    throw new NotFoundError('flows.error.instanceNotFound', { id: inst.id })
  }

  private canViewRecord(actor: Actor, form: FormModel, recordId: number): boolean {
    try {
      this.access.authorizeRecord(actor, 'view', form, recordId)
      return true
    } catch (e) {
      if (e instanceof DomainError) return false
      throw e
    }
  }

  private requireActiveUser(id: number, field: string): void {
    if (!this.sql('SELECT 1 FROM users WHERE id = ? AND active = 1').get(id)) throw new ValidationError('error.userNotFound', { id }, field)
  }

  private possibleSubmitters(form: FormModel): Array<{ id: number; name: string }> {
    return this.sql(`SELECT DISTINCT u.id, u.name FROM users u JOIN user_roles ur ON ur.user_id = u.id JOIN permissions p ON p.role_id = ur.role_id
      WHERE u.active = 1 AND u.is_admin = 0 AND p.form_id = ? AND p.actions LIKE '%"create"%' ORDER BY u.id`).all(form.id) as Array<{ id: number; name: string }>
  }

  private systemRecord(form: FormModel, recordId: number): RecordDto {
    return this.reads.get(SYSTEM_ACTOR, form.id, recordId)
  }

  private titleOf(form: FormModel, record: RecordDto): string {
    const key = form.titleField?.apiKey ?? form.fields.find((f) => f.type === 'text')?.apiKey
    const v = key ? record.fields[key] : null
    const text = typeof v === 'string' || typeof v === 'number' ? String(v) : ''
    return text || `${form.label} #${record.id}`
  }

  private row(id: number): FlowRow {
    const r = this.sql('SELECT * FROM flows WHERE id = ?').get(id) as FlowRow | undefined
    if (!r) throw new NotFoundError('flows.error.flowNotFound', { id })
    return r
  }

  private instanceRow(id: number): InstanceRow {
    const r = this.st.instance.get(id) as InstanceRow | undefined
    if (!r) throw new NotFoundError('flows.error.instanceNotFound', { id })
    return r
  }

  private taskRow(id: number): TaskRow {
    const r = this.st.task.get(id) as TaskRow | undefined
    if (!r) throw new NotFoundError('flows.error.taskNotFound', { id })
    return r
  }

  version(versionId: number): { graph: FlowGraph; status: StatusMap; version: number } {
    const cached = this.versions.get(versionId)
    if (cached) return cached
    const v = this.sql('SELECT * FROM flow_versions WHERE id = ?').get(versionId) as VersionRow | undefined
    if (!v) throw new NotFoundError('flows.error.flowNotFound', { id: versionId })
    const entry = { graph: flowGraph.parse(JSON.parse(v.graph)), status: statusMapping.parse(JSON.parse(v.status_mapping)), version: v.version }
    this.versions.set(versionId, entry)
    return entry
  }

  private toDto(r: FlowRow): FlowDto {
    const form = this.schema.form(r.form_id)
    const draft = flowGraph.parse(JSON.parse(r.draft))
    let publishedVersion: number | null = null
    let dirty = true
    if (r.published_version_id !== null) {
      const v = this.sql('SELECT version, graph, status_mapping FROM flow_versions WHERE id = ?').get(r.published_version_id) as VersionRow
      publishedVersion = v.version
      dirty = JSON.stringify(flowGraph.parse(JSON.parse(v.graph))) !== JSON.stringify(draft) || v.status_mapping !== r.status_mapping
    }
    return {
      id: r.id, name: r.name, formId: r.form_id, formLabel: form.label, description: r.description, enabled: !!r.enabled, draft,
      status: statusMapping.parse(JSON.parse(r.status_mapping)), publishedVersion, dirty, updatedAt: new Date(r.updated_at).toISOString()
    }
  }

  summary(id: number): InstanceSummaryDto {
    const inst = this.instanceRow(id)
    const { graph } = this.version(inst.version_id)
    const flowName = this.sql('SELECT name FROM flows WHERE id = ?').pluck().get(inst.flow_id) as string
    const state = JSON.parse(inst.state) as { active?: string[] }
    const names = this.names([inst.submitter_id])
    return {
      id: inst.id, flowId: inst.flow_id, flowName, formId: inst.form_id, formLabel: this.formLabel(inst.form_id), recordId: inst.record_id, title: inst.title,
      status: inst.status, submitter: { id: inst.submitter_id, name: names.get(inst.submitter_id) ?? `#${inst.submitter_id}` },
      startedAt: new Date(inst.started_at).toISOString(), finishedAt: inst.finished_at === null ? null : new Date(inst.finished_at).toISOString(),
      currentNodes: inst.status === 'returned' ? [this.startNode(graph).label || 'start'] : (state.active ?? []).map((n) => graph.nodes.find((x) => x.id === n)?.label || n)
    }
  }

  private taskDtos(rows: TaskRow[]): TaskDto[] {
    if (!rows.length) return []
    const instances = new Map<number, InstanceRow>()
    for (const id of new Set(rows.map((r) => r.instance_id))) instances.set(id, this.instanceRow(id))
    const names = this.names([...rows.map((r) => r.assignee_id), ...[...instances.values()].map((i) => i.submitter_id)])
    return rows.map((t) => {
      const inst = instances.get(t.instance_id)!
      return this.taskDto(t, inst, this.version(inst.version_id).graph, names, null)
    })
  }

  private taskDto(t: TaskRow, inst: InstanceRow, graph: FlowGraph, names: Map<number, string>, summary: InstanceSummaryDto | null): TaskDto {
    const iso = (v: number | null) => (v === null ? null : new Date(v).toISOString())
    const flowName = summary?.flowName ?? (this.sql('SELECT name FROM flows WHERE id = ?').pluck().get(inst.flow_id) as string)
    return {
      id: t.id, instanceId: t.instance_id, nodeId: t.node_id, nodeLabel: graph.nodes.find((n) => n.id === t.node_id)?.label || t.node_id, kind: t.kind,
      assignee: { id: t.assignee_id, name: names.get(t.assignee_id) ?? this.userName(t.assignee_id) }, status: t.status,
      createdAt: new Date(t.created_at).toISOString(), actedAt: iso(t.acted_at), dueAt: iso(t.due_at), urgedAt: iso(t.urged_at),
      flowName, formId: inst.form_id, formLabel: this.formLabel(inst.form_id), recordId: inst.record_id, title: inst.title,
      submitter: { id: inst.submitter_id, name: names.get(inst.submitter_id) ?? this.userName(inst.submitter_id) }, instanceStatus: inst.status
    }
  }

  private formExists(ref: string): boolean {
    try {
      this.schema.form(ref)
      return true
    } catch (e) {
      if (e instanceof NotFoundError) return false
      throw e
    }
  }

  private formLabel(formId: number): string {
    try {
      return this.schema.form(formId).label
    } catch {
      return `#${formId}`
    }
  }

  private names(ids: number[]): Map<number, string> {
    const unique = [...new Set(ids)]
    if (!unique.length) return new Map()
    const rows = this.sql(`SELECT id, name FROM users WHERE id IN (${unique.map(() => '?').join(',')})`).all(...unique) as Array<{ id: number; name: string }>
    return new Map(rows.map((r) => [r.id, r.name]))
  }

  private userName(id: number): string {
    return (this.sql('SELECT name FROM users WHERE id = ?').pluck().get(id) as string | undefined) ?? `#${id}`
  }
}
