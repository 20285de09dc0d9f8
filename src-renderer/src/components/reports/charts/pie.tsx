import { Cell, Legend, Pie, PieChart as RePieChart, ResponsiveContainer, Tooltip } from 'recharts'
import { formatValue, PALETTE } from '../format'
import type { ChartProps } from './types'

/** Share of each value of one dimension; `donut` leaves a hole with the total in it. */
export function PieChart({ result, onPoint, selected, donut = false }: ChartProps & { donut?: boolean }) {
  const format = result.columns.find((c) => c.kind === 'measure')?.format ?? 'number'
  const data = result.rows.map((r) => ({ name: r.labels[0] ?? '', key: r.keys[0] ?? null, value: r.values[0] ?? 0 }))
  const total = data.reduce((s, d) => s + (d.value ?? 0), 0)
  return (
    <ResponsiveContainer width="100%" height="100%">
      <RePieChart>
        <Tooltip formatter={(v) => `${formatValue(Number(v), format)}（${total ? ((Number(v) / total) * 100).toFixed(1) : 0}%）`} />
        <Legend layout="vertical" align="right" verticalAlign="middle" iconType="circle" iconSize={8} wrapperStyle={{ fontSize: 12, maxWidth: '40%' }} />
        <Pie data={data} dataKey="value" nameKey="name" cx="40%" cy="50%" innerRadius={donut ? '55%' : 0} outerRadius="80%" paddingAngle={donut ? 2 : 0} isAnimationActive={false}
          cursor="pointer" onClick={(item) => onPoint([(item.payload as { key: string | number | null }).key])}
          label={donut ? undefined : ({ percent }: { percent?: number }) => (percent && percent > 0.06 ? `${(percent * 100).toFixed(0)}%` : '')} labelLine={false}>
          {data.map((d, i) => (
            <Cell key={String(d.key)} fill={PALETTE[i % PALETTE.length]} stroke="var(--mantine-color-body)" opacity={selected && JSON.stringify(selected[0]) !== JSON.stringify(d.key) ? 0.35 : 1} />
          ))}
        </Pie>
        {donut && (
          <text x="40%" y="50%" textAnchor="middle" dominantBaseline="middle" style={{ fontSize: 16, fontWeight: 600, fill: 'var(--mantine-color-text)' }}>
            {formatValue(total, format)}
          </text>
        )}
      </RePieChart>
    </ResponsiveContainer>
  )
}
