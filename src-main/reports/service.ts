import type { Sqlite } from '../db/connection'
import { ZodError } from 'zod'
import { SYSTEM_ACTOR, type Actor } from '../access/actor'
import type { Organization } from '../access/organization'
import type { Clock } from '../clock'
import type { EventBus } from '../events'
import { widgetInput, widgetQuery, type DashboardDto } from '../shared/api/reports'
import { DomainError, ValidationError } from '../shared/errors'
import { translate } from '../shared/locales'
import { DashboardStore, type DashboardInput } from './dashboards'
import { ReportEngine } from './engine'
// Registers the dashboards section of app packages (resources/apps/<app>/dashboards.json).
import './app-section'
import type { ReportDeps } from './fields'

// The report engine as the core sees it: dashboards (storage and sharing) and the query engine.
// Saving a dashboard checks every widget's query as its author (unknown or hidden fields are
// refused, naming the widget) and creates the indexes its widgets group on.

export class ReportService {
  readonly engine: ReportEngine
  readonly dashboards: DashboardStore

  constructor(private readonly db: Sqlite, deps: ReportDeps & { org: Organization }, clock: Clock, events: EventBus) {
    this.engine = new ReportEngine(db, deps, events)
    this.dashboards = new DashboardStore(db, clock)
  }

  create(actor: Actor, input: DashboardInput, appKey: string | null = null): DashboardDto {
    this.check(actor, input.widgets ?? [])
    return this.dashboards.get(actor, this.dashboards.create(actor, input, appKey))
  }

  update(actor: Actor, id: number, patch: Partial<DashboardInput>): DashboardDto {
    if (patch.widgets) this.check(actor, patch.widgets)
    this.dashboards.update(actor, id, patch)
    return this.dashboards.get(actor, id)
  }

  /**
   * The indexes and summaries every saved dashboard's widgets need, made where missing: dashboards
   * saved before summaries existed get theirs after an upgrade. Run by the scheduler once per
   * start, one widget at a time (on a large form, building a summary takes seconds); a widget
   * whose fields are gone is skipped (it shows its error when opened).
   */
  async ensureAll(): Promise<number> {
    const widgets = this.db.prepare("SELECT query FROM dashboard_widgets WHERE type <> 'table' ORDER BY dashboard_id, position").pluck().all() as string[]
    let checked = 0
    for (const query of widgets) {
      try {
        this.engine.ensureIndexes(widgetQuery.parse(JSON.parse(query)), SYSTEM_ACTOR)
        checked++
      } catch (e) {
        if (!(e instanceof DomainError) && !(e instanceof ZodError)) throw e
      }
      await new Promise((resolve) => setImmediate(resolve))
      if (!this.db.open) break
    }
    return checked
  }

  private check(actor: Actor, widgets: NonNullable<DashboardInput['widgets']>): void {
    for (const raw of widgets) {
      const w = widgetInput.parse(raw)
      try {
        // Compiling runs every resolution and access check without touching the data.
        this.engine.explain(actor, { type: w.type, query: w.query })
        if (w.type !== 'table') this.engine.ensureIndexes(widgetQuery.parse(w.query), actor)
      } catch (e) {
        if (e instanceof DomainError) {
          throw new ValidationError('reports.error.widget', { title: w.title, reason: translate(actor.locale, e.messageKey, e.params) }, 'widgets')
        }
        throw e
      }
    }
  }
}
