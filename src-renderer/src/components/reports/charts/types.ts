import type { ComponentType } from 'react'
import type { WidgetDto, WidgetResult } from '@shared/api/reports'

export type PointKey = string | number | null

export interface ChartProps {
  widget: WidgetDto
  result: WidgetResult
  /** A point was clicked: its dimension keys (drill-down, cross-filter). */
  onPoint(keys: PointKey[]): void
  /** Opens one record (detail table rows). */
  onRecord?(id: number): void
  /** The keys of the point other widgets are filtered by, to highlight it. */
  selected?: PointKey[] | null
}

/** One chart type's renderer; registered in ./registry beside the engine's chart module. */
export type ChartRenderer = ComponentType<ChartProps>
