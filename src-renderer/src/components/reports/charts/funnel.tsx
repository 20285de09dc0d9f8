import { Box, Group, Stack, Text, Tooltip, UnstyledButton } from '@mantine/core'
import { useTranslation } from 'react-i18next'
import { formatValue, PALETTE } from '../format'
import type { ChartProps } from './types'

// The sales funnel: one band per stage in the stage order. A record at a later stage has passed
// the earlier ones, so every figure on the funnel means "reached this stage" (its own count plus
// every later stage's): the band's width, the number on it, and the conversion between two
// bands (reached(stage) / reached(stage before)), as the caption says. The tooltip gives both
// counts; a click drills down to the records now at the stage.

/** Per stage: the records at it and those that reached it (at it or any later stage). */
export function funnelCounts(values: Array<number | null>): Array<{ own: number; reached: number; conversion: number | null }> {
  const own = values.map((v) => v ?? 0)
  const reached = own.map((_, i) => own.slice(i).reduce((s, v) => s + v, 0))
  return own.map((v, i) => ({ own: v, reached: reached[i]!, conversion: i > 0 && reached[i - 1] ? reached[i]! / reached[i - 1]! : null }))
}

export function FunnelChart({ result, onPoint, selected }: ChartProps) {
  const { t } = useTranslation()
  const format = result.columns.find((c) => c.kind === 'measure')?.format ?? 'number'
  const rows = result.rows.filter((r) => r.keys[0] !== null)
  const counts = funnelCounts(rows.map((r) => r.values[0] ?? null))
  const max = Math.max(1e-9, counts[0]?.reached ?? 0)
  return (
    <Stack gap={6} justify="center" h="100%" px="xs" py={4} data-testid="funnel">
      <Text size="xs" c="dimmed" ta="center" data-testid="funnel-caption">
        {t('reports.chart.funnelCaption')}
      </Text>
      {rows.map((r, i) => {
        const c = counts[i]!
        const dim = selected && JSON.stringify(selected[0]) !== JSON.stringify(r.keys[0])
        return (
          <Group key={String(r.keys[0])} gap="sm" wrap="nowrap" style={{ flex: '1 1 0', maxHeight: 44, minHeight: 24 }}>
            <Text size="xs" c="dimmed" w={64} ta="right" style={{ flexShrink: 0 }} truncate>
              {r.labels[0]}
            </Text>
            <Box style={{ flex: 1, display: 'flex', justifyContent: 'center', alignSelf: 'stretch' }}>
              <Tooltip label={t('reports.chart.funnelTip', { stage: r.labels[0] ?? '', count: formatValue(c.own, format), reached: formatValue(c.reached, format) })} withArrow multiline maw={280}>
                <UnstyledButton
                  onClick={() => onPoint([r.keys[0] ?? null])}
                  data-testid={`funnel-stage-${String(r.keys[0])}`}
                  data-reached={c.reached}
                  data-own={c.own}
                  style={{
                    width: `${Math.max(12, (c.reached / max) * 100)}%`,
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
                  {formatValue(c.reached, format)}
                </UnstyledButton>
              </Tooltip>
            </Box>
            <Text size="xs" c="dimmed" w={76} style={{ flexShrink: 0 }} data-testid={`funnel-conversion-${String(r.keys[0])}`}>
              {c.conversion === null ? '' : t('reports.chart.conversion', { value: (c.conversion * 100).toFixed(1) })}
            </Text>
          </Group>
        )
      })}
    </Stack>
  )
}
