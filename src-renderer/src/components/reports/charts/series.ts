import type { WidgetResult } from '@shared/api/reports'
import type { PointKey } from './types'

// Result rows shaped for recharts. One dimension: one datum per row, one series per measure.
// Two dimensions: one datum per value of the first, one series per value of the second (first
// measure), so grouped and stacked bars, multi-line charts and radars read the same data.

export interface Series {
  key: string
  label: string
  /** Second-dimension key of the series (two dimensions), for drill-down. */
  dimKey?: PointKey
  format: WidgetResult['columns'][number]['format']
}

export interface Datum {
  name: string
  key: PointKey
  [series: string]: number | string | null | PointKey
}

export function seriesData(result: WidgetResult): { data: Datum[]; series: Series[] } {
  const dims = result.columns.filter((c) => c.kind === 'dimension')
  const measures = result.columns.filter((c) => c.kind === 'measure')
  if (dims.length < 2) {
    return {
      data: result.rows.map((r) => ({ name: r.labels[0] ?? '', key: r.keys[0] ?? null, ...Object.fromEntries(r.values.map((v, i) => [`m${i}`, v])) })),
      series: measures.map((m, i) => ({ key: `m${i}`, label: m.label, format: m.format }))
    }
  }
  const series: Series[] = []
  const seriesIndex = new Map<string, string>()
  const byFirst = new Map<string, Datum>()
  for (const r of result.rows) {
    const k1 = JSON.stringify(r.keys[1] ?? null)
    if (!seriesIndex.has(k1)) {
      const key = `s${series.length}`
      seriesIndex.set(k1, key)
      series.push({ key, label: r.labels[1] ?? '', dimKey: r.keys[1] ?? null, format: measures[0]?.format ?? 'number' })
    }
    const k0 = JSON.stringify(r.keys[0] ?? null)
    let datum = byFirst.get(k0)
    if (!datum) {
      datum = { name: r.labels[0] ?? '', key: r.keys[0] ?? null }
      byFirst.set(k0, datum)
    }
    datum[seriesIndex.get(k1)!] = r.values[0] ?? null
  }
  return { data: [...byFirst.values()], series }
}
