import { Checkbox, Group, Table, Text, UnstyledButton } from '@mantine/core'
import { IconArrowDown, IconArrowUp, IconSelector } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import type { FieldDto, RecordDto } from '@shared/api/contracts'
import { rendererOf } from '../../fields/registry'

export interface SortState {
  field: string
  dir: 'asc' | 'desc'
}

interface Props {
  fields: FieldDto[]
  records: RecordDto[]
  sort: SortState | null
  onSort(next: SortState | null): void
  selected: ReadonlySet<number>
  onSelect(next: Set<number>): void
  /** Footer sums by API key; no footer when absent. */
  totals?: Record<string, number | null>
  onOpen(record: RecordDto): void
}

/** Column header clicks cycle: ascending → descending → unsorted. */
function nextSort(current: SortState | null, field: string): SortState | null {
  if (current?.field !== field) return { field, dir: 'asc' }
  return current.dir === 'asc' ? { field, dir: 'desc' } : null
}

export function RecordsTable({ fields, records, sort, onSort, selected, onSelect, totals, onOpen }: Props) {
  const { t } = useTranslation()
  const allSelected = records.length > 0 && records.every((r) => selected.has(r.id))
  const someSelected = records.some((r) => selected.has(r.id))
  const summable = fields.filter((f) => rendererOf(f.type).summable)
  const showFooter = totals !== undefined && summable.length > 0 && records.length > 0

  const toggle = (id: number) => {
    const next = new Set(selected)
    if (next.has(id)) next.delete(id)
    else next.add(id)
    onSelect(next)
  }

  return (
    <Table.ScrollContainer minWidth={Math.max(600, 48 + fields.length * 150)} type="native">
      <Table className="jimu-table" highlightOnHover verticalSpacing="sm" horizontalSpacing="md" stickyHeader data-testid="records-table" bg="white">
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={44}>
              <Checkbox
                aria-label={t('records.selectAll')}
                checked={allSelected}
                indeterminate={someSelected && !allSelected}
                onChange={() => onSelect(allSelected ? new Set() : new Set(records.map((r) => r.id)))}
              />
            </Table.Th>
            {fields.map((field) => {
              const renderer = rendererOf(field.type)
              const dir = sort?.field === field.apiKey ? sort.dir : null
              const SortIcon = dir === 'asc' ? IconArrowUp : dir === 'desc' ? IconArrowDown : IconSelector
              return (
                <Table.Th
                  key={field.id}
                  className={renderer.sortable ? 'jimu-sort-header' : undefined}
                  ta={renderer.numeric ? 'right' : undefined}
                  aria-sort={dir === 'asc' ? 'ascending' : dir === 'desc' ? 'descending' : undefined}
                  onClick={renderer.sortable ? () => onSort(nextSort(sort, field.apiKey)) : undefined}
                >
                  {renderer.sortable ? (
                    <UnstyledButton component="span" fz="sm" fw={600} title={dir ? t(dir === 'asc' ? 'records.sortAsc' : 'records.sortDesc') : undefined}>
                      <Group gap={4} wrap="nowrap" justify={renderer.numeric ? 'flex-end' : undefined}>
                        {field.label}
                        <SortIcon size={14} color={dir ? 'var(--mantine-color-indigo-6)' : 'var(--mantine-color-gray-5)'} />
                      </Group>
                    </UnstyledButton>
                  ) : (
                    <Text span fz="sm" fw={600}>
                      {field.label}
                    </Text>
                  )}
                </Table.Th>
              )
            })}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {records.map((record) => (
            <Table.Tr
              key={record.id}
              className="jimu-row"
              bg={selected.has(record.id) ? 'var(--mantine-color-indigo-light)' : undefined}
              onClick={() => onOpen(record)}
              data-testid={`record-row-${record.id}`}
              aria-label={t('records.open', { id: record.id })}
            >
              <Table.Td onClick={(e) => e.stopPropagation()}>
                <Checkbox aria-label={t('records.selectRow')} checked={selected.has(record.id)} onChange={() => toggle(record.id)} />
              </Table.Td>
              {fields.map((field) => {
                const renderer = rendererOf(field.type)
                const Cell = renderer.Cell
                return (
                  <Table.Td key={field.id} ta={renderer.numeric ? 'right' : undefined} style={renderer.numeric ? { fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' } : undefined}>
                    <Cell field={field} value={record.fields[field.apiKey] ?? null} />
                  </Table.Td>
                )
              })}
            </Table.Tr>
          ))}
        </Table.Tbody>
        {showFooter && (
          <Table.Tfoot>
            <Table.Tr data-testid="records-totals" bg="var(--mantine-color-gray-0)">
              <Table.Td style={{ overflow: 'visible' }}>
                <Text size="xs" c="dimmed" fw={600}>
                  {t('records.sum')}
                </Text>
              </Table.Td>
              {fields.map((field) => {
                const renderer = rendererOf(field.type)
                const total = totals?.[field.apiKey]
                const Cell = renderer.Cell
                return (
                  <Table.Td key={field.id} ta={renderer.numeric ? 'right' : undefined} fw={600} style={{ fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' }}>
                    {renderer.summable && total !== undefined && total !== null ? <Cell field={field} value={total} /> : null}
                  </Table.Td>
                )
              })}
            </Table.Tr>
          </Table.Tfoot>
        )}
      </Table>
    </Table.ScrollContainer>
  )
}
