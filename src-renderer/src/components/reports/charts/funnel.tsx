import { Box, Group, Stack, Text, Tooltip, UnstyledButton } from '@mantine/core'
import { useTranslation } from 'react-i18next'
import { formatValue, PALETTE } from '../format'
import type { ChartProps } from './types'

// The sales funnel: one band per stage in the stage order. A record at a later stage has passed
// the earlier ones, so a band's width is the number that reached the stage (its own count plus
// every later stage's), and the conversion is reached(stage) / reached(stage before). The number
// on the band is the stage's own count: what a click drills down to.

export function FunnelChart({ result, onPoint, selected }: ChartProps) {
  const { t } = useTranslation()
  const format = result.columns.find((c) => c.kind === 'measure')?.format ?? 'number'
  const rows = result.rows.filter((r) => r.keys[0] !== null)
  const reached = rows.map((_, i) => rows.slice(i).reduce((s, r) => s + (r.values[0] ?? 0), 0))
  const max = Math.max(1e-9, reached[0] ?? 0)
  return (
    <Stack gap={6} justify="center" h="100%" px="xs" py={4} data-testid="funnel">
      {rows.map((r, i) => {
        const value = r.values[0] ?? 0
        const conversion = i > 0 && reached[i - 1] ? reached[i]! / reached[i - 1]! : null
        const dim = selected && JSON.stringify(selected[0]) !== JSON.stringify(r.keys[0])
        return (
          <Group key={String(r.keys[0])} gap="sm" wrap="nowrap" style={{ flex: '1 1 0', maxHeight: 44, minHeight: 24 }}>
            <Text size="xs" c="dimmed" w={64} ta="right" style={{ flexShrink: 0 }} truncate>
              {r.labels[0]}
            </Text>
            <Box style={{ flex: 1, display: 'flex', justifyContent: 'center', alignSelf: 'stretch' }}>
              <Tooltip label={t('reports.chart.funnelTip', { stage: r.labels[0] ?? '', count: formatValue(value, format), reached: formatValue(reached[i]!, format) })} withArrow>
                <UnstyledButton
                  onClick={() => onPoint([r.keys[0] ?? null])}
                  data-testid={`funnel-stage-${String(r.keys[0])}`}
                  style={{
                    width: `${Math.max(12, (reached[i]! / max) * 100)}%`,
                    background: PALETTE[i % PALETTE.length],
                    opacity: dim ? 0.35 : 1,
                    borderRadius: 4,
                    color: 'white',
                    display: 'flex',
                    alignItems: 'center',
                    justifyContent: 'center',
                    fontSize: 13,
                    fontWeight: 600,
                    transition: 'opacity 120ms, width 200ms'
                  }}
                >
                  {formatValue(value, format)}
                </UnstyledButton>
              </Tooltip>
            </Box>
            <Text size="xs" c="dimmed" w={76} style={{ flexShrink: 0 }}>
              {conversion === null ? '' : t('reports.chart.conversion', { value: (conversion * 100).toFixed(1) })}
            </Text>
          </Group>
        )
      })}
    </Stack>
  )
}
