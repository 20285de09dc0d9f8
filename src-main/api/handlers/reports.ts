import type { reportContracts } from '../../shared/api/reports'
import { widgetWorkbook } from '../../reports/export'
import { actorOf, ok, type HandlersOf } from '../handler-kit'

// Handlers of the methods declared in src-main/shared/api/reports.ts.
export const reportHandlers: HandlersOf<typeof reportContracts> = {
  'reports.dashboards': (_i, ctx) => ctx.host.core.reports.dashboards.list(actorOf(ctx)),
  'reports.dashboard': (input, ctx) => {
    const dashboard = ctx.host.core.reports.dashboards.get(actorOf(ctx), input.id)
    // Its widgets are asked for next: the scan thread starts meanwhile.
    ctx.host.core.reports.engine.warm()
    return dashboard
  },
  'reports.createDashboard': (input, ctx) => ctx.host.core.reports.create(actorOf(ctx), input),
  'reports.updateDashboard': (input, ctx) => {
    const { id, ...patch } = input
    return ctx.host.core.reports.update(actorOf(ctx), id, patch)
  },
  'reports.deleteDashboard': (input, ctx) => {
    ctx.host.core.reports.dashboards.delete(actorOf(ctx), input.id)
    return ok
  },
  'reports.run': (input, ctx) => ctx.host.core.reports.engine.runAsync(actorOf(ctx), input, ctx.locale),
  'reports.drill': (input, ctx) => ctx.host.core.reports.engine.drill(actorOf(ctx), input),
  'reports.export': async (input, ctx) => {
    const result = await ctx.host.core.reports.engine.runAsync(actorOf(ctx), { ...input, query: { ...input.query, limit: input.type === 'table' ? 1000 : input.query.limit } }, ctx.locale)
    const buffer = await widgetWorkbook(input.title, result)
    return { fileName: `${input.title}.xlsx`, base64: buffer.toString('base64') }
  }
}
