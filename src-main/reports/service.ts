import type { Sqlite } from '../db/connection'
import type { Actor } from '../access/actor'
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
