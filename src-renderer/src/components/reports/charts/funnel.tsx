import { Box, Group, Stack, Text, Tooltip, UnstyledButton } from '@mantine/core'
import { useTranslation } from 'react-i18next'
import { formatValue, PALETTE } from '../format'
import type { ChartProps } from './types'

// The sales funnel: one band per stage in the stage order, its width relative to the widest,
// with the conversion from the stage before. Drawn with plain boxes so labels never overlap.

export function FunnelChart({ result, onPoint, selected }: ChartProps) {
  const { t } = useTranslation()
  const format = result.columns.find((c) => c.kind === 'measure')?.format ?? 'number'
  const rows = result.rows.filter((r) => r.keys[0] !== null)
  const max = Math.max(1, ...rows.map((r) => r.values[0] ?? 0))
  return (
    <Stack gap={6} justify="center" h="100%" px="xs" data-testid="funnel">
      {rows.map((r, i) => {
        const value = r.values[0] ?? 0
        const prev = i > 0 ? rows[i - 1]!.values[0] ?? 0 : null
        const conversion = prev ? value / prev : null
        const dim = selected && JSON.stringify(selected[0]) !== JSON.stringify(r.keys[0])
        return (
          <Group key={String(r.keys[0])} gap="sm" wrap="nowrap">
            <Text size="xs" c="dimmed" w={72} ta="right" style={{ flexShrink: 0 }} truncate>
              {r.labels[0]}
            </Text>
            <Box style={{ flex: 1, display: 'flex', justifyContent: 'center' }}>
              <Tooltip label={`${r.labels[0]}：${formatValue(value, format)}`} withArrow>
                <UnstyledButton
                  onClick={() => onPoint([r.keys[0] ?? null])}
                  data-testid={`funnel-stage-${String(r.keys[0])}`}
                  style={{
                    width: `${Math.max(8, (value / max) * 100)}%`,
                    minHeight: 28,
                    background: PALETTE[i % PALETTE.length],
                    opacity: dim ? 0.35 : 1,
                    borderRadius: 6,
                    color: 'white',
                    display: 'flex',
                    alignItems: 'center',
                    justifyContent: 'center',
                    fontSize: 13,
                    fontWeight: 600,
                    transition: 'opacity 120ms'
                  }}
                >
                  {formatValue(value, format)}
                </UnstyledButton>
              </Tooltip>
            </Box>
            <Text size="xs" c="dimmed" w={72} style={{ flexShrink: 0 }}>
              {conversion === null ? '' : t('reports.chart.conversion', { value: (conversion * 100).toFixed(1) })}
            </Text>
          </Group>
        )
      })}
    </Stack>
  )
}
