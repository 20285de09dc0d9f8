import { CartesianGrid, ResponsiveContainer, Scatter, ScatterChart as ReScatterChart, Tooltip, XAxis, YAxis, ZAxis } from 'recharts'
import { useTranslation } from 'react-i18next'
import { compactValue, formatValue, PALETTE } from '../format'
import type { ChartProps } from './types'

/** One point per value of the dimension: x = first measure, y = second, size = third. */
export function ScatterChart({ result, onPoint }: ChartProps) {
  const { i18n } = useTranslation()
  const measures = result.columns.filter((c) => c.kind === 'measure')
  const data = result.rows.map((r) => ({ name: r.labels[0] ?? '', key: r.keys[0] ?? null, x: r.values[0] ?? 0, y: r.values[1] ?? 0, z: r.values[2] ?? 1 }))
  const [mx, my] = [measures[0], measures[1]]
  return (
    <ResponsiveContainer width="100%" height="100%">
      <ReScatterChart margin={{ top: 8, right: 16, bottom: 16, left: 4 }}>
        <CartesianGrid strokeDasharray="3 3" stroke="var(--mantine-color-default-border)" />
        <XAxis type="number" dataKey="x" name={mx?.label} tickFormatter={(v: number) => compactValue(v, mx?.format ?? 'number', i18n.language)} tick={{ fontSize: 12 }}
          label={{ value: mx?.label, position: 'insideBottom', offset: -8, fontSize: 12 }} />
        <YAxis type="number" dataKey="y" name={my?.label} tickFormatter={(v: number) => compactValue(v, my?.format ?? 'number', i18n.language)} tick={{ fontSize: 12 }} width={64} />
        <ZAxis type="number" dataKey="z" range={measures[2] ? [40, 400] : [60, 60]} />
        <Tooltip cursor={{ strokeDasharray: '3 3' }} content={({ payload }) => {
          const p = payload?.[0]?.payload as (typeof data)[number] | undefined
          if (!p) return null
          return (
            <div style={{ background: 'var(--mantine-color-body)', border: '1px solid var(--mantine-color-default-border)', padding: '6px 10px', borderRadius: 6, fontSize: 12 }}>
              <b>{p.name}</b>
              <div>{mx?.label}：{formatValue(p.x, mx?.format ?? 'number')}</div>
              <div>{my?.label}：{formatValue(p.y, my?.format ?? 'number')}</div>
            </div>
          )
        }} />
        <Scatter data={data} fill={PALETTE[0]} fillOpacity={0.7} cursor="pointer" onClick={(p) => {
          const point = p as unknown as { key?: string | number | null; payload?: { key: string | number | null } }
          onPoint([point.payload?.key ?? point.key ?? null])
        }} isAnimationActive={false} />
      </ReScatterChart>
    </ResponsiveContainer>
  )
}
