import type { Actor } from '../../../src-main/access/actor'
import { SyncHost } from '../../../src-main/sync/host'
import { SyncClient, type SyncTransport } from '../../../src-main/sync/client'
import { syncContracts } from '../../../src-main/shared/api/sync'
import { testCore } from '../../support/core'

// A host (a real core) with a form, an administrator at the office and reps with their own
// records, and clients talking to it through the contracts' own validation (JSON both ways).

export async function syncWorld(reps = 2) {
  const t = await testCore()
  const form = t.form('商机', [
    { label: '名称', type: 'text', required: true },
    { label: '金额', type: 'amount' },
    { label: '数量', type: 'number' },
    { label: '备注', type: 'text' },
    { label: '阶段', type: 'select', config: { options: [{ id: 'a', label: '初步接洽', color: 'blue' }, { id: 'b', label: '谈判', color: 'orange' }] } },
    { label: '合计', type: 'formula', config: { expression: '{金额} * 2' } },
    { label: '编号', type: 'autonumber', config: { pattern: 'SJ{0000}' } }
  ])
  const role = t.core.org.createRole(t.actor.id, { name: '销售代表' })
  const noteField = form.byKey.get('note') ?? form.fields.find((f) => f.label === '备注')!
  t.core.org.setPermission(t.actor.id, role.id, { formId: form.id, actions: ['view', 'create', 'edit', 'delete'], scope: 'own', fieldRules: {} })
  const users: Actor[] = []
  for (let i = 0; i < reps; i++) {
    const id = await t.core.org.createUser(t.actor.id, { name: `代表${i + 1}`, login: `rep${i + 1}`, password: 'demo12345', roleIds: [role.id] })
    users.push({ id, name: `代表${i + 1}`, isAdmin: false, locale: 'zh-CN' })
  }
  const host = new SyncHost({ db: t.core.db, schema: t.core.schema, access: t.core.access, writes: t.core.writes, clock: t.core.clock, flows: t.core.flows })
  const key = (label: string) => form.fields.find((f) => f.label === label)!.apiKey
  return { ...t, host, form, role, users, key, noteField }
}
export type World = Awaited<ReturnType<typeof syncWorld>>

/** A transport straight into the host, through the contracts' parsing and a JSON round trip (what HTTP does). */
export function directTransport(w: World, user: Actor): SyncTransport {
  const json = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T
  return {
    push: async (input) => {
      const parsed = syncContracts['sync.push'].input.parse(json(input))
      return json(syncContracts['sync.push'].output.parse({ results: w.host.push(user, parsed.device, parsed.ops, 'zh-CN') }))
    },
    pull: async (input) => {
      const parsed = syncContracts['sync.pull'].input.parse(json(input))
      return json(syncContracts['sync.pull'].output.parse(w.host.pull(user, parsed)))
    }
  }
}

export function client(w: World, user: Actor, transport: SyncTransport = directTransport(w, user), now: () => number = () => w.clock.now(), device = `pc-${user.id}`) {
  return new SyncClient(SyncClient.openReplica(':memory:'), transport, { device, userId: user.id, now, pageSize: 50 })
}

/** The host's view of a form for a user: every live record they may see, as the replica should hold it. */
export function hostView(w: World, user: Actor): Map<number, Record<string, unknown>> {
  const out = new Map<number, Record<string, unknown>>()
  let cursor: string | undefined
  do {
    const page = w.core.reads.list(user, { form: w.form.id, limit: 500, cursor })
    for (const r of page.records) out.set(r.id, r.fields)
    cursor = page.nextCursor ?? undefined
  } while (cursor)
  return out
}

export function replicaView(c: SyncClient, formId: number): Map<number, Record<string, unknown>> {
  return new Map(c.records(formId).map((r) => [r.id, r.fields]))
}
