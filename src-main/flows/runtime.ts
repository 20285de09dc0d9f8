import dayjs from 'dayjs'
import type { Statement } from 'better-sqlite3'
import { ident, type Sqlite } from '../db/connection'
import { SYSTEM_ACTOR, type Actor } from '../access/actor'
import type { FormModel } from '../forms/model'
import type { SchemaService } from '../forms/schema-service'
import type { WritePipeline } from '../records/write-pipeline'
import type { QueryBuilder } from '../records/query-builder'
import { evalContext, loadOutOfRowValues, valuesFromRow, type RecordRow, type StoredValues } from '../records/stored'
import type { ApproverSource, DeadlineConfig, FlowEdge, FlowGraph, FlowNode } from '../shared/api/flows'
import { evaluate, parseFormula } from '../shared/formula'
import type { FlowEvent } from '../events'
import type { ApproverResolver } from './approvers'
import { nodeConfig, nodeModule } from './nodes/registry'
import type { InstanceState, NewTask, StepApi, TaskRow, TaskStatus } from './types'

// One instance being moved along its graph inside one step's transaction. The step (see
// engine.ts) loads the instance, lets an action change tasks, calls into this class to enter and
// leave nodes, and saves the instance at the end; if anything throws, the whole step rolls back.

export interface InstanceRow {
  id: number
  flow_id: number
  version_id: number
  form_id: number
  record_id: number
  title: string
  status: 'running' | 'returned' | 'approved' | 'rejected' | 'withdrawn'
  submitter_id: number
  state: string
  acted: number
  started_at: number
  finished_at: number | null
}

export interface StatusMap {
  field: string | null
  pending: string
  approved: string
  rejected: string
  withdrawn: string
}

export interface RunDeps {
  db: Sqlite
  /** A cached prepared statement. */
  sql(text: string): Statement
  schema: SchemaService
  writes: WritePipeline
  queries: QueryBuilder
  resolver: ApproverResolver
  /** Tell a person about this instance (the notification center), in the same transaction. */
  notify(userId: number, what: NoticeKind, inst: InstanceRow): void
}

export type NoticeKind = 'approval' | 'fillin' | 'resubmit' | 'cc' | 'urge' | 'overdue' | 'approved' | 'rejected'

export const emptyState = (): InstanceState => ({ active: [], visited: [], edges: [], joins: {}, rounds: {}, chosen: {} })

export class InstanceRun implements StepApi {
  readonly state: InstanceState
  readonly form: FormModel
  readonly now: number
  /** Targets of edges being followed right now and not yet entered (live branches for joins). */
  private queued: string[] = []
  private values: StoredValues | null = null
  private readonly out = new Map<string, FlowEdge[]>()

  constructor(
    private readonly deps: RunDeps,
    readonly inst: InstanceRow,
    readonly graph: FlowGraph,
    private readonly status: StatusMap,
    now: number,
    private readonly events: FlowEvent[],
    private readonly actorId: number | null
  ) {
    this.state = { ...emptyState(), ...(JSON.parse(inst.state) as Partial<InstanceState>) }
    this.form = deps.schema.form(inst.form_id)
    this.now = now
    for (const e of graph.edges) this.out.set(e.source, [...(this.out.get(e.source) ?? []), e])
  }

  get submitterId(): number {
    return this.inst.submitter_id
  }

  get recordId(): number {
    return this.inst.record_id
  }

  get finished(): boolean {
    return this.inst.status !== 'running' && this.inst.status !== 'returned'
  }

  node(id: string): FlowNode {
    const n = this.graph.nodes.find((x) => x.id === id)
    if (!n) throw new Error(`Flow graph of instance ${this.inst.id} has no node ${id}`)
    return n
  }

  outgoing(nodeId: string): FlowEdge[] {
    return this.out.get(nodeId) ?? []
  }

  // ---------- moving along the graph ----------

  enter(nodeId: string, via: FlowEdge | null): void {
    if (this.finished) return
    if (via) this.state.edges.push(via.id)
    const node = this.node(nodeId)
    if (node.type === 'join') {
      const arrived = [...(this.state.joins[nodeId] ?? []), via?.id ?? '']
      this.state.joins[nodeId] = arrived
      // Wait while another live branch (a waiting node, or an edge about to be followed) can still get here.
      if (this.liveCanReach(nodeId)) return
      delete this.state.joins[nodeId]
    }
    this.state.visited.push(nodeId)
    this.state.rounds[nodeId] = (this.state.rounds[nodeId] ?? 0) + 1
    const mod = nodeModule(node.type)
    const outcome = mod.enter(this, node, nodeConfig(node.type, node.config))
    if ('wait' in outcome) {
      if (!this.state.active.includes(nodeId)) this.state.active.push(nodeId)
      return
    }
    if ('finish' in outcome) {
      this.finish(outcome.finish, nodeId)
      return
    }
    this.follow(outcome.next)
  }

  private follow(edges: FlowEdge[]): void {
    this.queued.push(...edges.map((e) => e.target))
    for (const e of edges) {
      this.queued.splice(this.queued.indexOf(e.target), 1)
      this.enter(e.target, e)
    }
  }

  /** The node's tasks are done: leave it along its outgoing edges. */
  leave(nodeId: string): void {
    this.state.active = this.state.active.filter((n) => n !== nodeId)
    this.follow(this.outgoing(nodeId))
  }

  /** A task of the node changed: settle the node (continue, keep waiting, or reject). */
  settle(nodeId: string): void {
    if (this.finished) return
    const node = this.node(nodeId)
    const mod = nodeModule(node.type)
    if (!mod.settle) return
    const result = mod.settle(this, node, nodeConfig(node.type, node.config))
    if (result === 'done') this.leave(nodeId)
    else if (result === 'rejected') this.finish('rejected', nodeId)
  }

  /** Cancel every open task and re-enter an earlier node (退回 to a node). */
  restartAt(nodeId: string): void {
    this.cancelOpenTasks()
    this.state.active = []
    this.state.joins = {}
    this.enter(nodeId, null)
  }

  cancelOpenTasks(): void {
    this.deps.sql("UPDATE flow_tasks SET status = 'cancelled', acted_at = ? WHERE instance_id = ? AND status IN ('pending', 'waiting')").run(this.now, this.inst.id)
  }

  finish(outcome: 'approved' | 'rejected' | 'withdrawn', nodeId: string | null): void {
    if (this.finished) return
    this.cancelOpenTasks()
    this.state.active = []
    this.inst.status = outcome
    this.inst.finished_at = this.now
    this.history('finish', { outcome }, nodeId)
    this.writeStatus(outcome)
    // The submitter hears the outcome unless they ended it themselves (撤回).
    if (outcome !== 'withdrawn') this.deps.notify(this.inst.submitter_id, outcome, this.inst)
    this.events.push({ type: 'flow.finished', formId: this.inst.form_id, recordId: this.inst.record_id, flowId: this.inst.flow_id, instanceId: this.inst.id, outcome, actorId: this.actorId, at: this.now })
  }

  /** Write the approval status back to the record (审批状态), through the write pipeline. */
  writeStatus(key: 'pending' | 'approved' | 'rejected' | 'withdrawn'): void {
    const field = this.status.field
    if (!field || !this.form.byKey.has(field)) return
    const exists = this.deps.sql(`SELECT 1 FROM ${ident(this.form.table)} WHERE id = ? AND deleted_at IS NULL`).get(this.inst.record_id)
    if (!exists) return
    this.deps.writes.update(SYSTEM_ACTOR, this.form.id, this.inst.record_id, { [field]: this.status[key] })
    this.values = null
  }

  save(): void {
    this.deps.sql('UPDATE flow_instances SET status = ?, state = ?, acted = ?, finished_at = ? WHERE id = ?')
      .run(this.inst.status, JSON.stringify(this.state), this.inst.acted, this.inst.finished_at, this.inst.id)
  }

  private liveCanReach(target: string): boolean {
    const starts = [...this.state.active, ...this.queued]
    for (const s of starts) if (this.reaches(s, target)) return true
    return false
  }

  private reaches(from: string, target: string): boolean {
    const seen = new Set([from])
    const queue = [from]
    while (queue.length) {
      const id = queue.shift()!
      if (id === target) return true
      for (const e of this.outgoing(id)) if (!seen.has(e.target)) { seen.add(e.target); queue.push(e.target) }
    }
    return false
  }

  // ---------- StepApi for node modules ----------

  resolve(sources: ApproverSource[], nodeId: string): number[] {
    return this.deps.resolver.resolve(sources, { submitterId: this.inst.submitter_id, memberValue: (f) => this.value(f), chosen: this.state.chosen[nodeId] ?? [] }) ?? []
  }

  admins(): number[] {
    return this.deps.resolver.admins()
  }

  createTask(node: FlowNode, task: NewTask): number {
    const due = task.status === 'pending' || task.status === 'waiting' || task.status === undefined ? this.dueAt(task.deadline ?? null) : null
    const id = Number(this.deps.sql(`INSERT INTO flow_tasks (instance_id, node_id, kind, assignee_id, status, seq, extra, blocked_by, round, created_at, due_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(this.inst.id, node.id, task.kind, task.assignee, task.status ?? 'pending', task.seq ?? 0, task.extra ? 1 : 0, null,
      this.state.rounds[node.id] ?? 1, this.now, due).lastInsertRowid)
    // People waiting their turn (依次, 加签 before) are told when their task opens.
    if (task.status !== 'waiting') this.deps.notify(task.assignee, task.kind, this.inst)
    return id
  }

  tasks(nodeId: string): TaskRow[] {
    return this.deps.sql("SELECT * FROM flow_tasks WHERE instance_id = ? AND node_id = ? AND round = ? AND status NOT IN ('transferred') ORDER BY id")
      .all(this.inst.id, nodeId, this.state.rounds[nodeId] ?? 1) as TaskRow[]
  }

  setTaskStatus(taskId: number, status: TaskStatus): void {
    const closed = status !== 'pending' && status !== 'waiting'
    const before = status === 'pending' ? (this.deps.sql('SELECT status, assignee_id, kind FROM flow_tasks WHERE id = ?').get(taskId) as { status: string; assignee_id: number; kind: TaskRow['kind'] } | undefined) : undefined
    this.deps.sql('UPDATE flow_tasks SET status = ?, acted_at = ? WHERE id = ?').run(status, closed ? this.now : null, taskId)
    if (before && before.status === 'waiting') this.deps.notify(before.assignee_id, before.kind, this.inst)
  }

  matchesFilter(filter: NonNullable<FlowEdge['filter']>): boolean {
    const where = this.deps.queries.filter(SYSTEM_ACTOR, this.form, filter)
    return this.deps.sql(`SELECT 1 FROM ${ident(this.form.table)} t WHERE t.id = ? AND (${where.sql})`).get(this.inst.record_id, ...where.params) !== undefined
  }

  matchesFormula(formula: string): boolean {
    const { value } = evaluate(parseFormula(formula), evalContext(this.form, this.stored(), () => this.now))
    return value === true
  }

  value(field: string): unknown {
    if (field === 'id') return this.inst.record_id
    const f = this.form.byKey.get(field)
    if (!f) return null
    return this.stored().get(f.id) ?? null
  }

  /** Write fields of the record with the flow's authority; `by` is the person it is recorded as (an approver's edits). */
  updateRecord(values: Record<string, unknown>, by?: Actor): void {
    const write = () => this.deps.writes.update(SYSTEM_ACTOR, this.form.id, this.inst.record_id, values)
    if (by) this.deps.writes.onBehalfOf(by, write)
    else write()
    this.values = null
  }

  createRecord(form: string, values: Record<string, unknown>): number {
    const ref = /^\d+$/.test(form) ? Number(form) : form
    return this.deps.writes.create(SYSTEM_ACTOR, ref, { owner: this.inst.submitter_id, ...values })
  }

  history(action: string, detail: Record<string, unknown> | null = null, nodeId: string | null = null, extra: { actorId?: number | null; comment?: string | null; attachments?: unknown[]; taskId?: number | null } = {}): void {
    this.deps.sql('INSERT INTO flow_history (instance_id, node_id, task_id, action, actor_id, comment, attachments, detail, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(this.inst.id, nodeId, extra.taskId ?? null, action, extra.actorId === undefined ? null : extra.actorId, extra.comment ?? null, JSON.stringify(extra.attachments ?? []),
        detail ? JSON.stringify(detail) : null, this.now)
  }

  recordTitle(): string {
    return this.inst.title
  }

  private stored(): StoredValues {
    if (this.values) return this.values
    const row = this.deps.sql(`SELECT * FROM ${ident(this.form.table)} WHERE id = ?`).get(this.inst.record_id) as RecordRow | undefined
    const values = row ? valuesFromRow(this.form, row) : new Map<number, unknown>()
    if (row) loadOutOfRowValues(this.deps.db, this.form, [row.id], new Map([[row.id, values]]))
    this.values = values
    return values
  }

  /** When a task falls due: hours after now, or a date field of the record plus the hours. */
  private dueAt(deadline: DeadlineConfig | null): number | null {
    if (!deadline) return null
    const hours = deadline.hours * 3600_000
    if (deadline.kind === 'duration') return this.now + hours
    const v = deadline.field ? this.value(deadline.field) : null
    if (v === null || v === undefined || v === '') return null
    const at = typeof v === 'number' ? v : dayjs(String(v)).valueOf()
    return Number.isFinite(at) ? at + hours : null
  }
}
