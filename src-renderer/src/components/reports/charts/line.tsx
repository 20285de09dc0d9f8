import { CartesianChart } from './cartesian'
import type { ChartProps } from './types'

/** Line chart (grouped by a second dimension, stacked with options.stacked). */
export function LineChart(props: ChartProps) {
  return <CartesianChart {...props} shape="line" />
}
