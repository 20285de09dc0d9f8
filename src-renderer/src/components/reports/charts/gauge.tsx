import { Center, RingProgress, Stack, Text } from '@mantine/core'
import { useTranslation } from 'react-i18next'
import { formatValue } from '../format'
import type { ChartProps } from './types'

// Progress towards a goal: the sales targets (query.target: actual, target, achievement) or a
// fixed goal in the widget's options. With a dimension (targets per person), one ring each.

export function GaugeChart({ widget, result, onPoint }: ChartProps) {
  const { t } = useTranslation()
  const measures = result.columns.filter((c) => c.kind === 'measure')
  const hasTarget = measures.length >= 3
  const rows = result.rows.length ? result.rows : [{ keys: [], labels: [], values: [0] }]
  const items = rows.slice(0, 6).map((r) => {
    const actual = r.values[0] ?? 0
    const goal = hasTarget ? r.values[1] ?? 0 : widget.options.goal ?? 0
    return { key: r.keys[0] ?? null, label: r.labels[0] ?? '', actual, goal, ratio: goal ? actual / goal : null }
  })
  const format = measures[0]?.format ?? 'number'
  return (
    <Center h="100%" style={{ gap: 16, flexWrap: 'wrap' }}>
      {items.map((it) => {
        const pct = it.ratio === null ? 0 : Math.min(100, it.ratio * 100)
        const color = it.ratio === null ? 'gray' : it.ratio >= 1 ? 'teal' : it.ratio >= 0.6 ? 'blue' : 'orange'
        return (
          <Stack key={String(it.key)} gap={2} align="center" style={{ cursor: 'pointer' }} onClick={() => onPoint(it.key === null && !result.rows[0]?.keys.length ? [] : [it.key])}>
            <RingProgress
              size={items.length > 1 ? 110 : 160}
              thickness={items.length > 1 ? 10 : 14}
              roundCaps
              sections={[{ value: pct, color }]}
              label={
                <Text ta="center" fw={700} fz={items.length > 1 ? 'sm' : 'xl'}>
                  {it.ratio === null ? '—' : `${(it.ratio * 100).toFixed(0)}%`}
                </Text>
              }
            />
            {it.label && <Text size="sm" fw={500}>{it.label}</Text>}
            <Text size="xs" c="dimmed">
              {formatValue(it.actual, format)} / {it.goal ? formatValue(it.goal, format) : t('reports.chart.noGoal')}
            </Text>
          </Stack>
        )
      })}
    </Center>
  )
}
