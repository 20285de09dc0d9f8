import { ScrollArea, Table } from '@mantine/core'
import { formatValue } from '../format'
import type { ChartProps, PointKey } from './types'

// Rows × columns × measures with subtotals: the engine returns every cell and every rolled-up
// total (computed in SQL), flagged by `rollup`; this lays them out in a cross table.

export function PivotTable({ result, onPoint }: ChartProps) {
  const dims = result.columns.filter((c) => c.kind === 'dimension')
  const measures = result.columns.filter((c) => c.kind === 'measure')
  const k = (v: PointKey) => JSON.stringify(v)
  const two = dims.length === 2
  const rowKeys: Array<{ key: PointKey; label: string }> = []
  const colKeys: Array<{ key: PointKey; label: string }> = []
  const cells = new Map<string, Array<number | null>>()
  for (const r of result.rows) {
    const [g0, g1] = r.rollup ?? [false, false]
    if (!g0 && !rowKeys.some((x) => k(x.key) === k(r.keys[0] ?? null))) rowKeys.push({ key: r.keys[0] ?? null, label: r.labels[0] ?? '' })
    if (two && !g1 && !colKeys.some((x) => k(x.key) === k(r.keys[1] ?? null))) colKeys.push({ key: r.keys[1] ?? null, label: r.labels[1] ?? '' })
    cells.set(`${g0 ? '*' : k(r.keys[0] ?? null)}|${two ? (g1 ? '*' : k(r.keys[1] ?? null)) : '*'}`, r.values)
  }
  const cols = two ? [...colKeys.map((c) => ({ id: k(c.key), label: c.label, key: c.key as PointKey | undefined })), { id: '*', label: result.rows.find((r) => r.rollup?.[1])?.labels[1] ?? '', key: undefined }] : [{ id: '*', label: '', key: undefined }]
  const value = (row: string, col: string, m: number) => cells.get(`${row}|${col}`)?.[m] ?? null
  const totalLabel = result.rows.find((r) => r.rollup?.[0])?.labels[0] ?? ''
  const rows = [...rowKeys.map((r) => ({ id: k(r.key), label: r.label, key: r.key as PointKey | undefined, total: false })), { id: '*', label: totalLabel, key: undefined, total: true }]
  return (
    <ScrollArea h="100%" type="auto">
      <Table withColumnBorders withTableBorder striped fz="sm" verticalSpacing={4} data-testid="pivot" style={{ whiteSpace: 'nowrap' }}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th rowSpan={measures.length > 1 ? 2 : 1}>{dims.map((d) => d.label).join(' \\ ')}</Table.Th>
            {cols.map((c) => (
              <Table.Th key={c.id} colSpan={measures.length} ta="center" fw={c.id === '*' ? 700 : 600}>
                {two ? c.label : measures.length === 1 ? measures[0]!.label : ''}
              </Table.Th>
            ))}
          </Table.Tr>
          {measures.length > 1 && (
            <Table.Tr>
              {cols.flatMap((c) => measures.map((m) => <Table.Th key={`${c.id}-${m.key}`} ta="right" fw={500}>{m.label}</Table.Th>))}
            </Table.Tr>
          )}
        </Table.Thead>
        <Table.Tbody>
          {rows.map((r) => (
            <Table.Tr key={r.id} fw={r.total ? 700 : undefined}>
              <Table.Td fw={r.total ? 700 : 500}>{r.label}</Table.Td>
              {cols.flatMap((c) =>
                measures.map((m, j) => (
                  <Table.Td key={`${c.id}-${m.key}`} ta="right" style={{ fontVariantNumeric: 'tabular-nums', cursor: r.key !== undefined ? 'pointer' : undefined, fontWeight: c.id === '*' || r.total ? 700 : undefined }}
                    onClick={() => r.key !== undefined && onPoint(c.key !== undefined ? [r.key, c.key] : [r.key])}>
                    {formatValue(value(r.id, c.id, j), m.format)}
                  </Table.Td>
                ))
              )}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </ScrollArea>
  )
}
