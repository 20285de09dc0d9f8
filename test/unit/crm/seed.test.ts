import { afterEach, describe, expect, it } from 'vitest'
import { testCore, caught } from '../../support/core'
import { bundledApp } from '../../../src-main/apps/bundled'
import { demoPasswordHash, seedDemo } from '../../../src-main/crm/seed'
import { handlers } from '../../../src-main/api/handlers'
import type { CoreHost } from '../../../src-main/api/host'

const cores: Array<Awaited<ReturnType<typeof testCore>>> = []
afterEach(() => {
  for (const c of cores.splice(0)) c.close()
})

async function seeded(seed: number) {
  const ctx = await testCore({ now: new Date(2025, 5, 15, 9, 0, 0).getTime() })
  cores.push(ctx)
  ctx.core.crm.install(ctx.actor, bundledApp('crm').pkg, 'zh-CN')
  const start = ctx.clock.now()
  const report = seedDemo(ctx.core, ctx.actor, { seed, customers: 60, setTime: (ms) => ctx.clock.set(ms), passwordHash: await demoPasswordHash(ctx.core) })
  ctx.clock.set(start)
  return { ...ctx, report }
}

const snapshot = (ctx: Awaited<ReturnType<typeof seeded>>, form: string) =>
  ctx.core.reads.list(ctx.actor, { form, limit: 500, sort: [{ field: 'id', dir: 'asc' }] }).records.map((r): Record<string, unknown> => ({ ...r.fields, owner: r.owner?.name ?? null, createdAt: r.createdAt }))

describe('sample data', () => {
  it('is deterministic for a seed and a day, and spreads over two years', async () => {
    const a = await seeded(7)
    const b = await seeded(7)
    expect(a.report.counts).toEqual(b.report.counts)
    for (const form of ['customer', 'opportunity', 'contract', 'payment', 'followUp']) expect(snapshot(a, form)).toEqual(snapshot(b, form))
    const c = await seeded(8)
    expect(snapshot(c, 'customer')).not.toEqual(snapshot(a, 'customer'))

    expect(a.report.counts.customer).toBe(60)
    const opps = snapshot(a, 'opportunity')
    expect(new Set(opps.map((o) => o.stage))).toEqual(new Set(['初步接洽', '需求分析', '方案报价', '商务谈判', '赢单', '输单']))
    const created = snapshot(a, 'customer').map((r) => Date.parse(r.createdAt as string))
    expect(Math.max(...created) - Math.min(...created)).toBeGreaterThan(365 * 86_400_000)
    // Pool records exist and belong to nobody; reps exist with the sales_rep role.
    expect(snapshot(a, 'customer').some((r) => r.owner === null)).toBe(true)
    const reps = a.core.org.roles().find((r) => r.key === 'sales_rep')!
    expect(reps.userCount).toBe(6)
    // Contracts: received follows the payments, outstanding the rest.
    for (const k of snapshot(a, 'contract')) expect(((k.received as number | null) ?? 0) + (k.outstanding as number)).toBeCloseTo(k.amount as number, 2)
  })

  it('from the first-run choice (crm.install with sample data) also spreads 创建时间 over two years, and time flows again after', async () => {
    const ctx = await testCore({ now: new Date(2025, 5, 15, 9, 0, 0).getTime() })
    cores.push(ctx)
    const host = { core: ctx.core } as unknown as CoreHost
    const out = await handlers['crm.install']({ locale: 'zh-CN', sampleData: true, seed: 3 }, { host, actor: ctx.actor, token: null, locale: 'zh-CN' })
    expect(out.sample?.customer).toBeGreaterThan(0)
    const created = snapshot({ ...ctx, report: { users: 0, departments: 0, counts: {} } }, 'customer').map((r) => Date.parse(r.createdAt as string))
    expect(Math.max(...created) - Math.min(...created)).toBeGreaterThan(365 * 86_400_000)
    expect(ctx.core.clock.now()).toBe(ctx.clock.now())
  })

  it('refuses to load twice', async () => {
    const a = await seeded(1)
    const passwordHash = await demoPasswordHash(a.core)
    expect(caught(() => seedDemo(a.core, a.actor, { seed: 1, passwordHash })).messageKey).toBe('crm.seed.notEmpty')
  })
})
