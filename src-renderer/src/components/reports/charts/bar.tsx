import { CartesianChart } from './cartesian'
import type { ChartProps } from './types'

/** Bar chart (grouped by a second dimension, stacked with options.stacked). */
export function BarChart(props: ChartProps) {
  return <CartesianChart {...props} shape="bar" />
}
