import { CartesianChart } from './cartesian'
import type { ChartProps } from './types'

/** Column chart (grouped by a second dimension, stacked with options.stacked). */
export function ColumnChart(props: ChartProps) {
  return <CartesianChart {...props} shape="column" />
}
