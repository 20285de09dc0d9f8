import { Legend, PolarAngleAxis, PolarGrid, PolarRadiusAxis, Radar, RadarChart as ReRadarChart, ResponsiveContainer, Tooltip } from 'recharts'
import { useTranslation } from 'react-i18next'
import { compactValue, formatValue, PALETTE } from '../format'
import { seriesData } from './series'
import type { ChartProps } from './types'

/** One axis per value of the first dimension; one polygon per measure (or per second-dimension value). */
export function RadarChart({ result }: ChartProps) {
  const { i18n } = useTranslation()
  const { data, series } = seriesData(result)
  const format = series[0]?.format ?? 'number'
  return (
    <ResponsiveContainer width="100%" height="100%">
      <ReRadarChart data={data} outerRadius="72%">
        <PolarGrid stroke="var(--mantine-color-default-border)" />
        <PolarAngleAxis dataKey="name" tick={{ fontSize: 12 }} />
        <PolarRadiusAxis tickFormatter={(v: number) => compactValue(v, format, i18n.language)} tick={{ fontSize: 10 }} angle={90} />
        <Tooltip formatter={(v) => formatValue(Number(v), format)} />
        {series.length > 1 && <Legend wrapperStyle={{ fontSize: 12 }} iconType="circle" iconSize={8} />}
        {series.map((s, i) => (
          <Radar key={s.key} dataKey={s.key} name={s.label} stroke={PALETTE[i % PALETTE.length]} fill={PALETTE[i % PALETTE.length]} fillOpacity={0.25} isAnimationActive={false} />
        ))}
      </ReRadarChart>
    </ResponsiveContainer>
  )
}
