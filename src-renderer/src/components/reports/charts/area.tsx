import { CartesianChart } from './cartesian'
import type { ChartProps } from './types'

/** Area chart (grouped by a second dimension, stacked with options.stacked). */
export function AreaChart(props: ChartProps) {
  return <CartesianChart {...props} shape="area" />
}
