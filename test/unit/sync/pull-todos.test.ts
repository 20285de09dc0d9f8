import { afterEach, describe, expect, it } from 'vitest'
import { SyncHost } from '../../../src-main/sync/host'
import { edge, flowEnv, node, type Env } from '../flows/helpers'

// sync.pull's `todos` (issue 18, approvals taken offline): asked for, the last page carries the
// user's open to-dos as the 待办 center lists them, each with its instance as flows.instance
// answers that user (the node's hidden fields left out) and the record form's schema version —
// also for an approver who does not view the form (the flow shows them the record). Nothing of
// another user's to-dos, nothing unasked, nothing on a page that says `more`.

let env: Env
afterEach(() => env?.close())

type PullOut = ReturnType<SyncHost['pull']>
/** A first replica, page after page as the client asks; answers the last page. */
function pull(host: SyncHost, actor: Parameters<SyncHost['pull']>[0], extra: Partial<Parameters<SyncHost['pull']>[1]> = {}): PullOut {
  let input = { cursor: 0, forms: {} as Record<string, string>, resume: null as PullOut['resume'], limit: 2000, refresh: [], ...extra }
  const keys = new Map<number, string>()
  for (let i = 0; i < 100; i++) {
    const page = host.pull(actor, input)
    if (!page.more) return page
    expect(page.todos).toBeUndefined()
    for (const f of page.forms) keys.set(f.form.id, f.key)
    input = { ...input, cursor: page.cursor, resume: page.resume, forms: { ...input.forms, ...Object.fromEntries(page.complete.map((id) => [String(id), keys.get(id)!])) } }
  }
  throw new Error('the pull did not end')
}

describe('sync.pull sends my open to-dos', () => {
  it('each with its instance as I may see it, only mine, only when asked, with the last page', async () => {
    env = await flowEnv()
    const host = new SyncHost({ db: env.core.db, schema: env.core.schema, access: env.core.access, writes: env.core.writes, clock: env.core.clock, flows: env.core.flows })
    // Legal sees the contract only through the flow (their role has no right on the form); the node hides the cost from them.
    const flowId = env.publish({
      nodes: [node('start', 'start'), node('legal', 'approval', { approvers: [{ type: 'users', ids: [env.users.legal] }], fieldPerms: { legalNote: 'editable', cost: 'hidden' } }, '法务审批'), node('end', 'end')],
      edges: [edge('start', 'legal'), edge('legal', 'end')]
    })
    const recordId = env.contract(env.users.rep, { amount: 80_000, cost: 424242 })
    const instance = env.core.flows.start(env.as(env.users.rep), { flowId, recordId })
    const legal = env.as(env.users.legal)

    expect(pull(host, legal).todos).toBeUndefined()
    const answer = pull(host, legal, { todos: true })
    expect(answer.visible).not.toContain(env.formId)
    expect(answer.todos).toHaveLength(1)
    const [todo] = answer.todos!
    expect(todo!.task).toMatchObject({ instanceId: instance.id, recordId, kind: 'approval', nodeLabel: '法务审批' })
    expect(todo!.instance).toMatchObject({ id: instance.id, myTaskId: todo!.task.id, can: { act: true }, fieldPerms: { legalNote: 'editable', cost: 'hidden' } })
    expect(todo!.schemaVersion).toBe(env.core.schema.form(env.formId).schemaVersion)
    // The hidden field's value is nowhere in what goes to the laptop.
    expect(todo!.instance.record!.fields).not.toHaveProperty('cost')
    expect(JSON.stringify(answer)).not.toContain('424242')

    // Asked again with the key it holds: nothing changed, no list; the record changed, the list again.
    const same = pull(host, legal, { todos: true, todosKey: answer.todosKey })
    expect(same.todosKey).toBe(answer.todosKey)
    expect(same.todos).toBeUndefined()
    env.core.writes.update(env.admin, env.formId, recordId, { note: '补充条款' })
    const changed = pull(host, legal, { todos: true, todosKey: answer.todosKey })
    expect(changed.todosKey).not.toBe(answer.todosKey)
    expect(changed.todos![0]!.instance.record!.fields.note).toBe('补充条款')

    // The submitter has no to-do; the director none either.
    expect(pull(host, env.as(env.users.rep), { todos: true }).todos).toEqual([])
    expect(pull(host, env.as(env.users.director), { todos: true }).todos).toEqual([])
    // A page that says `more` does not carry them: the last one does.
    for (let i = 0; i < 3; i++) env.contract(env.users.rep, { amount: i })
    const director = env.as(env.users.director)
    const first = host.pull(director, { cursor: 0, forms: {}, resume: null, limit: 1, refresh: [], todos: true })
    expect(first.more).toBe(true)
    expect(first.todos).toBeUndefined()
    expect(pull(host, director, { todos: true, limit: 1 }).todos).toEqual([])
  })
})
