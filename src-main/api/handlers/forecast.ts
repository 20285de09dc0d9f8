import type { forecastContracts } from '../../shared/api/forecast'
import { SalesForecast } from '../../reports/forecast'
import { actorOf, type HandlersOf } from '../handler-kit'

// Handlers of the methods declared in src-main/shared/api/forecast.ts. The forecast holds no
// state of its own: it is built over the live core's report engine per call (a restored backup
// swaps the core).
export const forecastHandlers: HandlersOf<typeof forecastContracts> = {
  'forecast.run': (input, ctx) => new SalesForecast(ctx.host.core.reports.engine, ctx.host.core).run(actorOf(ctx), input, ctx.locale)
}
