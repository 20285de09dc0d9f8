import { Badge, Group, Progress, ScrollArea, Table, Text } from '@mantine/core'
import { formatValue } from '../format'
import type { ChartProps } from './types'

/** A leaderboard: rank, name, a bar for the first measure, and every measure's value. */
export function RankingTable({ result, onPoint, selected }: ChartProps) {
  const measures = result.columns.filter((c) => c.kind === 'measure')
  const dim = result.columns.find((c) => c.kind === 'dimension')
  const max = Math.max(1e-9, ...result.rows.map((r) => Math.abs(r.values[0] ?? 0)))
  const medal = ['yellow', 'gray', 'orange']
  return (
    <ScrollArea h="100%" type="auto">
      <Table highlightOnHover verticalSpacing={6} fz="sm" data-testid="ranking">
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={48}>#</Table.Th>
            <Table.Th>{dim?.label}</Table.Th>
            {measures.map((m) => (
              <Table.Th key={m.key} ta="right">
                {m.label}
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {result.rows.map((r, i) => (
            <Table.Tr key={String(r.keys[0])} style={{ cursor: 'pointer' }} onClick={() => onPoint([r.keys[0] ?? null])}
              bg={selected && JSON.stringify(selected[0]) === JSON.stringify(r.keys[0]) ? 'var(--mantine-primary-color-light)' : undefined}>
              <Table.Td>{i < 3 ? <Badge circle color={medal[i]} variant="filled">{i + 1}</Badge> : <Text size="sm" c="dimmed" pl={6}>{i + 1}</Text>}</Table.Td>
              <Table.Td>
                <Text size="sm" fw={500} truncate>{r.labels[0]}</Text>
                <Progress value={((r.values[0] ?? 0) / max) * 100} size={4} mt={4} radius="xl" />
              </Table.Td>
              {measures.map((m, j) => (
                <Table.Td key={m.key} ta="right" style={{ fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' }}>
                  {formatValue(r.values[j], m.format)}
                </Table.Td>
              ))}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {!result.rows.length && <Group justify="center" p="md" />}
    </ScrollArea>
  )
}
