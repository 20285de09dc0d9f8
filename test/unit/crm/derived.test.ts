import { afterEach, describe, expect, it } from 'vitest'
import { testCore } from '../../support/core'
import { bundledApp } from '../../../src-main/apps/bundled'
import type { Actor } from '../../../src-main/access/actor'

// The sales app's 赢单率 follows 销售阶段 inside the write (a WritePipeline derivation), not in a
// second update after commit: imports with rules off get it too, a re-save that does not change the
// stage keeps a probability the rep typed, and a stage change is one history entry.

let ctx: Awaited<ReturnType<typeof testCore>> | null = null
afterEach(() => {
  ctx?.close()
  ctx = null
})

async function salesCore() {
  ctx = await testCore()
  const { core, actor } = ctx
  core.crm.install(actor, bundledApp('crm').pkg, 'zh-CN')
  const repRole = core.org.roles().find((r) => r.key === 'sales_rep')!.id
  const id = await core.org.createUser(actor.id, { name: '张伟', login: 'zhangwei', password: 'secret123', roleIds: [repRole] })
  const zhang: Actor = { id, name: '张伟', isAdmin: false, locale: 'zh-CN' }
  return { core, zhang }
}

describe('probability from the stage', () => {
  it('is set on imported opportunities even when the import runs without rules and events', async () => {
    const { core, zhang } = await salesCore()
    // History (asHistory): 赢单's contract scan is asked for on a move, not of imported deals.
    const outcomes = core.writes.asHistory(() => core.writes.bulkWrite(zhang, 'opportunity', [
      { values: { name: '甲', stage: '商务谈判' } },
      { values: { name: '乙', stage: '赢单' } },
      { values: { name: '丙', stage: '方案报价', probability: 0.3 } }
    ], { events: false, action: 'create' }))
    const probabilities = outcomes.map((o) => (o.ok ? core.reads.get(zhang, 'opportunity', o.id).fields.probability : 'failed'))
    expect(probabilities).toEqual([0.75, 1, 0.3])
  })

  it('follows a changed stage in the same change, and leaves a typed probability alone when the stage stays', async () => {
    const { core, zhang } = await salesCore()
    const id = core.writes.create(zhang, 'opportunity', { name: '门禁系统', amount: 50000 })
    core.writes.update(zhang, 'opportunity', id, { probability: 0.35 })
    // A full-form save sends the stage again, unchanged: the typed 35% stays.
    core.writes.update(zhang, 'opportunity', id, { stage: '初步接洽', name: '门禁系统二期' })
    expect(core.reads.get(zhang, 'opportunity', id).fields.probability).toBe(0.35)

    const before = core.reads.history(zhang, 'opportunity', id).length
    core.writes.update(zhang, 'opportunity', id, { stage: 'negotiation' })
    const history = core.reads.history(zhang, 'opportunity', id)
    expect(history.length).toBe(before + 1)
    expect(Object.keys(history[0]!.changes).sort()).toEqual(expect.arrayContaining(['stage', 'probability']))
    expect(history[0]!.actor?.name).toBe('张伟')
    expect(core.reads.get(zhang, 'opportunity', id).fields.probability).toBe(0.75)
  })
})
