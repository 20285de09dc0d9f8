import { Area, AreaChart, Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts'
import { useTranslation } from 'react-i18next'
import { compactValue, formatValue, PALETTE } from '../format'
import { seriesData, type Datum } from './series'
import type { ChartProps } from './types'

// Bars, columns, lines and areas share axes, tooltip and legend; each chart type module picks
// its shape. A click on a bar or point passes its keys (and the series' key with two dimensions).

export function CartesianChart({ widget, result, onPoint, shape }: ChartProps & { shape: 'bar' | 'column' | 'line' | 'area' }) {
  const { i18n } = useTranslation()
  const { data, series } = seriesData(result)
  const stacked = widget.options.stacked === true
  const horizontal = shape === 'bar'
  const format = series[0]?.format ?? 'number'
  const tick = (v: number) => compactValue(v, format, i18n.language)
  const click = (datum: Datum, seriesKey: SeriesKey) => onPoint(seriesKey === undefined ? [datum.key] : [datum.key, seriesKey])
  const valueAxis = <YAxis type="number" tickFormatter={tick} width={64} tick={{ fontSize: 12 }} axisLine={false} tickLine={false} />
  const categoryAxis = <XAxis type="category" dataKey="name" tick={{ fontSize: 12 }} interval="preserveStartEnd" tickLine={false} />
  const common = { data, margin: { top: 8, right: 16, bottom: 4, left: 4 } }
  const tooltip = <Tooltip formatter={(v, _n, item) => formatValue(Number(v), series.find((s) => s.key === item.dataKey)?.format ?? format)} />
  const legend = series.length > 1 ? <Legend wrapperStyle={{ fontSize: 12 }} iconType="circle" iconSize={8} /> : null
  const grid = <CartesianGrid strokeDasharray="3 3" vertical={horizontal} horizontal={!horizontal} stroke="var(--mantine-color-default-border)" />

  if (shape === 'line' || shape === 'area') {
    const Chart = shape === 'line' ? LineChart : AreaChart
    return (
      <ResponsiveContainer width="100%" height="100%">
        <Chart {...common}>
          {grid}
          {categoryAxis}
          {valueAxis}
          {tooltip}
          {legend}
          {series.map((s, i) =>
            shape === 'line' ? (
              <Line key={s.key} type="monotone" dataKey={s.key} name={s.label} stroke={PALETTE[i % PALETTE.length]} strokeWidth={2} dot={{ r: 3 }}
                activeDot={{ r: 5, cursor: 'pointer', onClick: (_e: unknown, p: unknown) => click((p as { payload: Datum }).payload, s.dimKey) }} isAnimationActive={false} />
            ) : (
              <Area key={s.key} type="monotone" dataKey={s.key} name={s.label} stroke={PALETTE[i % PALETTE.length]} fill={PALETTE[i % PALETTE.length]} fillOpacity={0.18}
                stackId={stacked ? 'a' : undefined} dot={{ r: 2 }} activeDot={{ r: 5, cursor: 'pointer', onClick: (_e: unknown, p: unknown) => click((p as { payload: Datum }).payload, s.dimKey) }} isAnimationActive={false} />
            )
          )}
        </Chart>
      </ResponsiveContainer>
    )
  }
  return (
    <ResponsiveContainer width="100%" height="100%">
      <BarChart {...common} layout={horizontal ? 'vertical' : 'horizontal'} barCategoryGap="20%">
        {grid}
        {horizontal ? <XAxis type="number" tickFormatter={tick} tick={{ fontSize: 12 }} axisLine={false} tickLine={false} /> : categoryAxis}
        {horizontal ? <YAxis type="category" dataKey="name" width={96} tick={{ fontSize: 12 }} tickLine={false} interval={0} /> : valueAxis}
        {tooltip}
        {legend}
        {series.map((s, i) => (
          <Bar key={s.key} dataKey={s.key} name={s.label} fill={PALETTE[i % PALETTE.length]} stackId={stacked ? 'a' : undefined} maxBarSize={48}
            radius={stacked ? 0 : horizontal ? [0, 4, 4, 0] : [4, 4, 0, 0]} cursor="pointer" onClick={(item) => click(item.payload as Datum, s.dimKey)} isAnimationActive={false} />
        ))}
      </BarChart>
    </ResponsiveContainer>
  )
}

type SeriesKey = Datum['key'] | undefined
