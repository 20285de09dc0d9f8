import { Badge, Group, Stack, Text } from '@mantine/core'
import { IconArrowDownRight, IconArrowUpRight } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import { formatValue } from '../format'
import type { ChartProps } from './types'

/** One number over a period, with the change against the period before it. */
export function KpiCard({ result, onPoint }: ChartProps) {
  const { t } = useTranslation()
  const column = result.columns.find((c) => c.kind === 'measure')
  const value = result.rows[0]?.values[0] ?? null
  const previous = result.previous?.[0] ?? null
  const change = value !== null && previous ? (value - previous) / Math.abs(previous) : null
  const up = (change ?? 0) >= 0
  return (
    <Stack gap={6} justify="center" h="100%" px="sm" style={{ cursor: 'pointer' }} onClick={() => onPoint([])} data-testid="kpi">
      <Text fz={32} fw={700} lh={1.1} style={{ fontVariantNumeric: 'tabular-nums' }}>
        {formatValue(value, column?.format ?? 'number')}
      </Text>
      {!result.period ? (
        // 全部时间: nothing before it to compare with.
        <Badge variant="light" color="gray" data-testid="kpi-all-time">
          {t('reports.chart.allTime')}
        </Badge>
      ) : (
      <Group gap={6}>
        {change !== null ? (
          <Badge variant="light" color={up ? 'teal' : 'red'} leftSection={up ? <IconArrowUpRight size={12} /> : <IconArrowDownRight size={12} />}>
            {`${up ? '+' : ''}${(change * 100).toFixed(1)}%`}
          </Badge>
        ) : (
          <Badge variant="light" color="gray">
            {t('reports.chart.noPrevious')}
          </Badge>
        )}
        <Text size="xs" c="dimmed">
          {t('reports.chart.vsPrevious', { value: formatValue(previous, column?.format ?? 'number') })}
        </Text>
      </Group>
      )}
      {result.period && (
        <Text size="xs" c="dimmed">
          {result.period.from} ~ {result.period.to}
        </Text>
      )}
    </Stack>
  )
}
