import type { Actor } from '../access/actor'
import { PermissionError } from '../shared/errors'
import type { Locale } from '../shared/locales'
import { FORECAST_COLUMNS, forecastFilters, forecastInput, forecastMeasure, forecastQuery, type ForecastInput, type ForecastResult, type ForecastRow, type ForecastShape } from '../shared/api/forecast'
import type { MeasureSpec } from '../shared/api/reports'
import type { ReportEngine } from './engine'
import type { ReportDeps } from './fields'

// The sales forecast over the report engine: one widget query (close period × rep or team, the
// forecast measures, the targets join), run in the caller's scope. What the caller may read
// decides the shape first: 预计成交金额 hidden from them refuses the forecast (every figure is
// a sum of it); 加权金额 unreadable under the computed-field rule drops the weighted column; a
// hidden or missing 预测类别 (an install from before the field) drops commit and best case;
// the 销售目标 form (or its amount) not readable drops the target.

export class SalesForecast {
  constructor(private readonly engine: ReportEngine, private readonly deps: Pick<ReportDeps, 'schema' | 'access'>) {}

  shape(actor: Actor): { formId: number; shape: ForecastShape } {
    const form = this.deps.schema.form('opportunity')
    const readable = (key: string) => {
      const field = form.byKey.get(key)
      if (!field) return false
      const hidden = this.deps.access.hiddenFieldIds(actor, form)
      return !hidden.has(field.id) && !hidden.derived?.has(field.id)
    }
    this.deps.access.authorize(actor, 'view', form)
    if (!readable('amount')) throw new PermissionError('forecast.error.amountHidden', { field: form.byKey.get('amount')?.label ?? 'amount' })
    let target = false
    try {
      const t = this.deps.schema.form('salesTarget')
      const amount = t.byKey.get('amount')
      const hidden = this.deps.access.hiddenFieldIds(actor, t)
      target = this.deps.access.can(actor, 'view', t) && !!amount && !hidden.has(amount.id) && !hidden.derived?.has(amount.id)
    } catch {
      // No 销售目标 form in this install: the forecast has no target column.
      target = false
    }
    return { formId: form.id, shape: { weighted: readable('weightedAmount') && readable('probability'), categories: readable('forecastCategory'), target } }
  }

  async run(actor: Actor, raw: ForecastInput, locale: Locale): Promise<ForecastResult> {
    const input = forecastInput.parse(raw)
    const { formId, shape } = this.shape(actor)
    const columns = FORECAST_COLUMNS.filter((c) => forecastMeasure(c, shape))
    const measures = columns.map((c) => forecastMeasure(c, shape)!) as MeasureSpec[]
    const result = await this.engine.runAsync(actor, { type: 'column', query: forecastQuery(input, shape, measures), filters: forecastFilters(input.year) }, locale)
    const rows: ForecastRow[] = result.rows.map((r) => {
      const row: ForecastRow = {
        period: String(r.keys[0] ?? ''),
        periodLabel: r.labels[0] ?? '',
        key: typeof r.keys[1] === 'number' ? r.keys[1] : r.keys[1] === null ? null : Number(r.keys[1]),
        label: r.labels[1] ?? '',
        pipeline: null, weighted: null, commit: null, bestCase: null, won: null, target: null
      }
      columns.forEach((c, i) => (row[c] = r.values[i] ?? 0))
      if (shape.target) row.target = r.values[columns.length] ?? 0
      return row
    }).filter((r) => r.period !== '')
    // Period totals add up the rows above them (the people or teams the caller sees), so a
    // total never holds a colleague's target next to figures the caller cannot see.
    const totals = new Map<string, ForecastRow>()
    for (const r of rows) {
      const t = totals.get(r.period) ?? { ...r, key: null, label: '', pipeline: null, weighted: null, commit: null, bestCase: null, won: null, target: null }
      for (const c of [...FORECAST_COLUMNS, 'target'] as const) if (r[c] !== null) t[c] = (t[c] ?? 0) + r[c]
      totals.set(r.period, t)
    }
    return { formId, shown: shape, rows, totals: [...totals.values()].sort((a, b) => a.period.localeCompare(b.period)) }
  }
}
