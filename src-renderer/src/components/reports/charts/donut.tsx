import { PieChart } from './pie'
import type { ChartProps } from './types'

/** A pie with a hole showing the total. */
export function DonutChart(props: ChartProps) {
  return <PieChart {...props} donut />
}
