import { Children, isValidElement, type ReactNode } from 'react'
import { Stack } from '@mantine/core'

// A dashboard at phone width: its widgets one under another, top row first and left to right
// within a row (the order the grid shows them in), each as tall as in the grid but never lower
// than four rows, so a chart keeps room for its axis labels in a 390 px column.

const MIN_ROWS = 4
const KPI_MIN_ROWS = 2

interface Placed {
  i: string
  x: number
  y: number
  h: number
  w: number
}

/**
 * `natural`: widgets drawn at their content's height (a funnel's bands, a ranking's rows: a fixed height left a
 * gap under it). The others fill their height (the card stretches to it, so no gap either).
 */
export function WidgetStack({ layout, rowHeight, margin, natural, children }: { layout: readonly Placed[]; rowHeight: number; margin: number; natural?: ReadonlySet<string>; children: ReactNode }) {
  const byKey = new Map(layout.map((item) => [item.i, item]))
  const items = Children.toArray(children)
    .filter(isValidElement)
    .map((child) => ({ child, place: byKey.get(String(child.key).replace(/^\.\$/, '')) }))
    .sort((a, b) => (a.place?.y ?? 0) - (b.place?.y ?? 0) || (a.place?.x ?? 0) - (b.place?.x ?? 0))
  return (
    <Stack gap={margin} data-testid="dashboard-stack">
      {items.map(({ child, place }) => {
        // A small tile (a KPI, two rows high and narrow) stays small; charts get room.
        const rows = Math.max(place ? place.h : MIN_ROWS, place && place.h <= KPI_MIN_ROWS && place.w <= 4 ? KPI_MIN_ROWS : MIN_ROWS)
        if (place && natural?.has(place.i)) return <div key={child.key}>{child}</div>
        // A grid cell stretches its one child to the full height, so the card inside fills it.
        return (
          <div key={child.key} style={{ height: rows * rowHeight + (rows - 1) * margin, display: 'grid' }}>
            {child}
          </div>
        )
      })}
    </Stack>
  )
}
