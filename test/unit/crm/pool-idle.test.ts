import { afterEach, describe, expect, it } from 'vitest'
import type { Actor } from '../../../src-main/access/actor'
import { bundledApp } from '../../../src-main/apps/bundled'
import { installApp } from '../../../src-main/apps/installer'
import { testCore } from '../../support/core'

// 公海: a lead idle for 30 days returns to the pool (the shipped rule). Claimed again and left
// without a follow-up, it returns again 30 days after the claim: the claim restarts the idle clock.

const DAY = 86_400_000
let env: Awaited<ReturnType<typeof testCore>> | null = null
afterEach(() => {
  env?.close()
  env = null
})

describe('the idle clock of a pool record', () => {
  it('restarts on a claim, so a lead claimed again without a follow-up returns to the pool', async () => {
    env = await testCore()
    const { core, actor: admin, clock } = env
    installApp(core, admin, bundledApp('crm').pkg, { locale: 'zh-CN' })
    const role = core.org.roles().find((r) => r.key === 'sales_rep')!.id
    const rep: Actor = { id: await core.org.createUser(admin.id, { name: '张伟', login: 'zhangwei', password: 'secret123', roleIds: [role] }), name: '张伟', isAdmin: false, locale: 'zh-CN' }
    const lead = core.writes.create(admin, 'lead', { name: '周先生', owner: rep.id })
    const owner = () => core.reads.get(admin, 'lead', lead).owner?.id ?? null
    clock.advance(31 * DAY)
    await core.scheduler.tick()
    expect(owner()).toBeNull()

    core.crm.pool.claim(rep, 'lead', [lead])
    expect(owner()).toBe(rep.id)
    clock.advance(10 * DAY)
    await core.scheduler.tick()
    expect(owner()).toBe(rep.id)
    clock.advance(21 * DAY)
    await core.scheduler.tick()
    expect(owner()).toBeNull()
  })
})
