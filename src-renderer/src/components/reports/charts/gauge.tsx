import { Center, Group, Progress, RingProgress, ScrollArea, Stack, Text } from '@mantine/core'
import { useTranslation } from 'react-i18next'
import { formatValue } from '../format'
import type { ChartProps } from './types'

// Progress towards a goal: the sales targets (query.target: actual, target, achievement) or a
// fixed goal in the widget's options. One total: a ring; per person or department: a bar each.

const colorOf = (ratio: number | null) => (ratio === null ? 'gray' : ratio >= 1 ? 'teal' : ratio >= 0.6 ? 'blue' : 'orange')

export function GaugeChart({ widget, result, onPoint }: ChartProps) {
  const { t } = useTranslation()
  const measures = result.columns.filter((c) => c.kind === 'measure')
  const hasTarget = measures.length >= 3
  const format = measures[0]?.format ?? 'number'
  const items = result.rows.map((r) => {
    const actual = r.values[0] ?? 0
    const goal = hasTarget ? r.values[1] ?? 0 : widget.options.goal ?? 0
    return { keys: r.keys, label: r.labels[0] ?? '', actual, goal, ratio: goal ? actual / goal : null }
  })
  if (items.length <= 1) {
    const it = items[0] ?? { keys: [], label: '', actual: 0, goal: widget.options.goal ?? 0, ratio: null }
    return (
      <Center h="100%">
        <Stack gap={2} align="center" style={{ cursor: 'pointer' }} onClick={() => onPoint(it.keys)}>
          <RingProgress size={128} thickness={12} roundCaps sections={[{ value: Math.min(100, (it.ratio ?? 0) * 100), color: colorOf(it.ratio) }]}
            label={<Text ta="center" fw={700} fz="xl">{it.ratio === null ? '—' : `${(it.ratio * 100).toFixed(0)}%`}</Text>} />
          {it.label && <Text size="sm" fw={500}>{it.label}</Text>}
          <Text size="xs" c="dimmed">
            {formatValue(it.actual, format)} / {it.goal ? formatValue(it.goal, format) : t('reports.chart.noGoal')}
          </Text>
        </Stack>
      </Center>
    )
  }
  return (
    <ScrollArea h="100%" type="auto" data-testid="gauge-list">
      <Stack gap={10} py={4} pr="xs">
        {items.map((it) => (
          <div key={JSON.stringify(it.keys)} style={{ cursor: 'pointer' }} onClick={() => onPoint(it.keys)}>
            <Group justify="space-between" gap={4} wrap="nowrap">
              <Text size="sm" fw={500} truncate>{it.label}</Text>
              <Text size="sm" fw={700} c={colorOf(it.ratio)} style={{ fontVariantNumeric: 'tabular-nums' }}>
                {it.ratio === null ? '—' : `${(it.ratio * 100).toFixed(0)}%`}
              </Text>
            </Group>
            <Progress value={Math.min(100, (it.ratio ?? 0) * 100)} color={colorOf(it.ratio)} size="md" radius="xl" mt={4} />
            <Text size="xs" c="dimmed" mt={2}>
              {formatValue(it.actual, format)} / {it.goal ? formatValue(it.goal, format) : t('reports.chart.noGoal')}
            </Text>
          </div>
        ))}
      </Stack>
    </ScrollArea>
  )
}
