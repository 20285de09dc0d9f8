import type { crmContracts } from '../../shared/api/crm'
import { actorOf, type HandlersOf } from '../handler-kit'
import { bundledApp } from '../../apps/bundled'
import { CRM_APP_KEY } from '../../crm/crm-service'
import { demoPasswordHash, seedDemo } from '../../crm/seed'
import { outOfSight } from '../saved'

// Handlers of the methods declared in src-main/shared/api/crm.ts.
export const crmHandlers: HandlersOf<typeof crmContracts> = {
  'crm.status': (_i, ctx) => {
    const core = ctx.host.core
    const app = core.crm.app()
    const hasData = !!app && core.reads.count(actorOf(ctx), { form: 'customer' }).total > 0
    return { installed: !!app, appId: app?.id ?? null, hasData }
  },
  'crm.preview': (input, ctx) => {
    const { pkg, ignored } = bundledApp(CRM_APP_KEY)
    return { ...ctx.host.core.crm.preview(pkg, input.locale), ignored }
  },
  'crm.install': async (input, ctx) => {
    const core = ctx.host.core
    const actor = actorOf(ctx)
    const { pkg } = bundledApp(CRM_APP_KEY)
    // The demo users' password is hashed first (off the main thread); the load itself is synchronous.
    const passwordHash = input.sampleData ? await demoPasswordHash(core) : null
    const report = core.crm.install(actor, pkg, input.locale)
    // Sample records are created at their simulated time, so 创建时间 spans the two years too.
    const sample = passwordHash !== null ? core.clock.simulate((setTime) => seedDemo(core, actor, { seed: input.seed, setTime, passwordHash })).counts : null
    return { appId: report.appId, added: report.changes.filter((c) => c.kind === 'add').length, sample }
  },
  'crm.settings': (_i, ctx) => ctx.host.core.crm.settings.get(),
  'crm.updateSettings': (input, ctx) => ctx.host.core.crm.settings.set(input),
  'crm.pool.claim': (input, ctx) => {
    const done = ctx.host.core.crm.pool.claim(actorOf(ctx), input.form, input.ids)
    const gone = input.ids.map((id) => outOfSight(ctx, input.form, id, { assigned: 'crm.pool.claimedAssigned', outOfScope: 'crm.pool.claimedOutOfScope' })).filter((o) => o !== null)
    // Counted after the rules the claim triggered have run (they may have assigned some elsewhere).
    return { ...done, owned: ctx.host.core.crm.pool.owned(input.form, actorOf(ctx).id), outOfScope: gone }
  },
  'crm.pool.release': (input, ctx) => ctx.host.core.crm.pool.release(actorOf(ctx), input.form, input.ids, input.reason),
  'crm.pool.status': (input, ctx) => ({ owned: ctx.host.core.crm.pool.owned(input.form, actorOf(ctx).id), limit: ctx.host.core.crm.settings.get().poolLimits[input.form] }),
  'crm.pool.history': (input, ctx) => ctx.host.core.crm.pool.history(actorOf(ctx), input.form, input.id),
  'crm.convertLead': (input, ctx) => {
    const done = ctx.host.core.crm.conversions.convertLead(actorOf(ctx), input)
    return { ...done, outOfScope: outOfSight(ctx, 'customer', done.customerId, { assigned: 'crm.convert.doneAssigned', outOfScope: 'crm.convert.doneOutOfScope' }) }
  },
  'crm.duplicates.check': (input, ctx) => ctx.host.core.crm.duplicates.check(actorOf(ctx), input),
  'crm.duplicates.groups': (_i, ctx) => ctx.host.core.crm.duplicates.groups(actorOf(ctx)),
  'crm.merge': (input, ctx) => ctx.host.core.crm.duplicates.merge(actorOf(ctx), input.keepId, input.mergeIds),
  'crm.quoteToContract': (input, ctx) => {
    const done = ctx.host.core.crm.conversions.quoteToContract(actorOf(ctx), input.quoteId)
    return { ...done, outOfScope: outOfSight(ctx, 'contract', done.contractId, { assigned: 'crm.quote.convertedAssigned', outOfScope: 'crm.quote.convertedOutOfScope' }) }
  }
}
