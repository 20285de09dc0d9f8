import { ScrollArea, Table, Text } from '@mantine/core'
import type { ChartProps } from './types'

/** Detail table: the matching records' fields; a click opens the record. */
export function DetailTable({ result, onRecord }: ChartProps) {
  return (
    <ScrollArea h="100%" type="auto">
      <Table highlightOnHover stickyHeader fz="sm" verticalSpacing={6} data-testid="detail-table" style={{ whiteSpace: 'nowrap' }}>
        <Table.Thead>
          <Table.Tr>
            {result.columns.map((c) => (
              <Table.Th key={c.key}>{c.label}</Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {result.rows.map((r, i) => (
            <Table.Tr key={result.recordIds?.[i] ?? i} style={{ cursor: 'pointer' }} onClick={() => result.recordIds?.[i] && onRecord?.(result.recordIds[i]!)}>
              {r.labels.map((l, j) => (
                <Table.Td key={j} maw={240}>
                  <Text size="sm" truncate>{l || '—'}</Text>
                </Table.Td>
              ))}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </ScrollArea>
  )
}
