import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { Core } from '../../src-main/core'
import type { Actor } from '../../src-main/access/actor'
import type { FlowGraph } from '../../src-main/shared/api/flows'

// Flow engine benchmark: N open approval instances (default 10,000) on a contract form, each with
// a pending task for one of three directors (so one director holds a third of them) and a CC.
// Measured: the to-do list of a director (待办, first page of 50, with the tab counts) and one
// approve action (a full step: task, settle, leave to the end node, status write-back through the
// write pipeline, history, event). `npx tsx test/bench/flows.ts [--size N] [--json]`

export const TARGETS = { todo_p95_ms: { max: 20 }, approve_p50_ms: { max: 5 } } as const

function parseArgs(argv: string[]) {
  const size = Number(argv[argv.indexOf('--size') + 1])
  return { size: argv.includes('--size') && size > 0 ? size : 10_000, json: argv.includes('--json') }
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!
}

export async function runFlowsBench(size: number) {
  const dataDir = mkdtempSync(join(tmpdir(), 'jimu-bench-flows-'))
  const core = await Core.open({ dataDir })
  try {
    const { user } = await core.auth.setup({ name: '管理员', login: 'admin', password: 'secret123' })
    const admin: Actor = { id: user.id, name: user.name, isAdmin: true, locale: 'zh-CN' }
    const app = core.schema.createApp({ label: '销售管理' })
    const form = core.schema.createForm({ appId: app.id, label: '合同', fields: [
      { label: '合同名称', apiKey: 'name', type: 'text' },
      { label: '合同金额', apiKey: 'amount', type: 'amount' },
      { label: '审批状态', apiKey: 'approvalStatus', type: 'select', config: { options: ['none', 'pending', 'approved', 'rejected'].map((id) => ({ id, label: id, color: 'gray' })) } }
    ] })
    const directors: number[] = []
    for (const i of [1, 2, 3]) directors.push(await core.org.createUser(admin.id, { name: `总监${i}`, login: `director${i}`, password: 'secret123' }))
    const reps: number[] = []
    for (let i = 0; i < 20; i++) reps.push(await core.org.createUser(admin.id, { name: `销售${i}`, login: `rep${i}`, password: 'secret123' }))
    const flows = directors.map((d, i) => {
      const graph: FlowGraph = {
        nodes: [
          { id: 'start', type: 'start', label: '发起', position: { x: 0, y: 0 }, config: {} },
          { id: 'cc', type: 'cc', label: '抄送', position: { x: 0, y: 100 }, config: { approvers: [{ type: 'users', ids: [admin.id] }] } },
          { id: 'a', type: 'approval', label: '总监审批', position: { x: 0, y: 200 }, config: { approvers: [{ type: 'users', ids: [d] }], deadline: { kind: 'duration', hours: 48, action: 'remind' } } },
          { id: 'end', type: 'end', label: '结束', position: { x: 0, y: 300 }, config: {} }
        ],
        edges: [{ id: 'e1', source: 'start', target: 'cc' }, { id: 'e2', source: 'cc', target: 'a' }, { id: 'e3', source: 'a', target: 'end' }]
      }
      const f = core.flows.create(admin, { name: `合同审批${i}`, form: form.id, draft: graph })
      core.flows.publish(admin, f.id)
      return f.id
    })
    const actor = (id: number): Actor => ({ id, name: `u${id}`, isAdmin: false, locale: 'zh-CN' })
    const t0 = performance.now()
    for (let i = 0; i < size; i++) {
      const rep = reps[i % reps.length]!
      const recordId = core.writes.create(admin, form.id, { name: `合同${i}`, amount: 1000 + i, owner: rep })
      core.flows.start({ ...actor(rep), isAdmin: true }, { flowId: flows[i % 3]!, recordId })
    }
    const setupS = (performance.now() - t0) / 1000
    const director = actor(directors[0]!)
    const todoMs: number[] = []
    for (let i = 0; i < 200; i++) {
      const s = performance.now()
      core.flows.todo(director, { tab: 'todo', limit: 50, offset: (i % 5) * 50 })
      core.flows.counts(director)
      todoMs.push(performance.now() - s)
    }
    const tasks = core.flows.todo(director, { tab: 'todo', limit: 200, offset: 0 }).tasks
    const approveMs: number[] = []
    for (const task of tasks) {
      const s = performance.now()
      core.flows.approve(director, { taskId: task.id, comment: '同意' })
      approveMs.push(performance.now() - s)
    }
    // Every approve went through: the director's pending count fell by as many.
    if (core.flows.counts(director).todo !== Math.ceil(size / 3) - tasks.length) throw new Error('approvals did not all go through')
    return { size, setup_s: +setupS.toFixed(1), todo_p50_ms: +pct(todoMs, 50).toFixed(2), todo_p95_ms: +pct(todoMs, 95).toFixed(2), approve_p50_ms: +pct(approveMs, 50).toFixed(2), approve_p95_ms: +pct(approveMs, 95).toFixed(2), open_for_director: tasks.length ? Math.ceil(size / 3) : 0 }
  } finally {
    core.close()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

if (process.argv[1]?.endsWith('flows.ts')) {
  const { size, json } = parseArgs(process.argv.slice(2))
  void runFlowsBench(size).then((r) => {
    if (json) console.log(JSON.stringify(r))
    else {
      console.log(`flows bench: ${r.size} open instances (setup ${r.setup_s} s; ${r.open_for_director} pending for the measured director)`)
      console.log(`  to-do list (待办 page of 50 + counts) p50 ${r.todo_p50_ms} ms, p95 ${r.todo_p95_ms} ms   target p95 < ${TARGETS.todo_p95_ms.max} ms`)
      console.log(`  approve action p50 ${r.approve_p50_ms} ms, p95 ${r.approve_p95_ms} ms   target p50 < ${TARGETS.approve_p50_ms.max} ms`)
    }
  })
}
