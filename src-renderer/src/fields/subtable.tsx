import { useContext } from 'react'
import { ActionIcon, Badge, Button, Input, Table, Text } from '@mantine/core'
import { IconPlus, IconTrash } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import type { FieldDto } from '@shared/api/contracts'
import type { FieldType } from '@shared/field-types'
import { i18n } from '../i18n'
import { childFieldsOf, FormFieldsContext } from './context'
import type { FieldCellProps, FieldInputProps, FieldRenderer, FilterValueProps } from './types'

// A sub-table (回款计划, 产品明细) is a list of rows of child fields, edited as a small grid.
// Rows read from the API carry their `id`; writing rows without an id adds them and leaving a
// row out removes it, so the whole list is sent whenever it changed.

type Row = Record<string, unknown> & { id?: number; [ROW_KEY]?: string }

/** Stable React key for rows not saved yet; a symbol, so it never reaches the API. */
const ROW_KEY = Symbol('rowKey')
let nextRowKey = 0

const rowsOf = (value: unknown): Row[] => (Array.isArray(value) ? (value as Row[]) : [])
const keyOf = (row: Row, index: number): string => (typeof row.id === 'number' ? `r${row.id}` : (row[ROW_KEY] ?? `i${index}`))

/** The registry is passed in rather than imported, so the two modules do not import each other. */
export function makeSubtable(rendererOf: (type: FieldType) => FieldRenderer): FieldRenderer {
  function SubtableInput({ field, value, onChange, error }: FieldInputProps) {
    const { t } = useTranslation()
    const children = childFieldsOf(useContext(FormFieldsContext), field)
    const rows = rowsOf(value)
    const update = (index: number, apiKey: string, cell: unknown) => onChange(rows.map((row, i) => (i === index ? { ...row, [apiKey]: cell } : row)))
    const addRow = () => {
      const row: Row = { [ROW_KEY]: `n${nextRowKey++}` }
      for (const child of children) row[child.apiKey] = rendererOf(child.type).empty(child)
      onChange([...rows, row])
    }
    return (
      <Input.Wrapper label={field.label} withAsterisk={field.required} description={field.description ?? undefined} error={error}>
        {children.length === 0 ? (
          <Text size="sm" c="dimmed" mt={4}>
            {t('field.subtable.noChildren')}
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={children.length * 160} mt={4}>
            <Table withTableBorder withColumnBorders verticalSpacing={4} horizontalSpacing={6} data-testid={`subtable-${field.apiKey}`}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th w={36}>#</Table.Th>
                  {children.map((child) => (
                    <Table.Th key={child.id}>
                      <Text size="xs" fw={600}>
                        {child.label}
                        {child.required ? <Text span c="red"> *</Text> : null}
                      </Text>
                    </Table.Th>
                  ))}
                  <Table.Th w={40} />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.length === 0 ? (
                  <Table.Tr>
                    <Table.Td colSpan={children.length + 2}>
                      <Text size="sm" c="dimmed" ta="center" py={6}>
                        {t('field.subtable.noRows')}
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                ) : (
                  rows.map((row, index) => (
                    <Table.Tr key={keyOf(row, index)}>
                      <Table.Td>
                        <Text size="xs" c="dimmed">
                          {index + 1}
                        </Text>
                      </Table.Td>
                      {children.map((child) => {
                        const Child = rendererOf(child.type).Input
                        return (
                          <Table.Td key={child.id}>
                            <Child field={child} value={row[child.apiKey] ?? null} onChange={(v) => update(index, child.apiKey, v)} compact />
                          </Table.Td>
                        )
                      })}
                      <Table.Td>
                        <ActionIcon variant="subtle" color="gray" aria-label={t('field.subtable.removeRow')} onClick={() => onChange(rows.filter((_, i) => i !== index))}>
                          <IconTrash size={16} />
                        </ActionIcon>
                      </Table.Td>
                    </Table.Tr>
                  ))
                )}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        {children.length > 0 && (
          <Button variant="subtle" size="xs" leftSection={<IconPlus size={14} />} onClick={addRow} mt={4}>
            {t('field.subtable.addRow')}
          </Button>
        )}
      </Input.Wrapper>
    )
  }

  function SubtableCell({ value }: FieldCellProps) {
    const count = rowsOf(value).length
    return count ? (
      <Badge variant="outline" color="gray" radius="sm" tt="none" fw={500}>
        {i18n.t('field.subtable.rows', { count })}
      </Badge>
    ) : null
  }

  return {
    Input: SubtableInput,
    Cell: SubtableCell,
    // Sub-tables only offer empty / not empty, which take no value.
    FilterValue: (_props: FilterValueProps) => null,
    empty: () => [],
    toWrite(value, field: FieldDto, ctx) {
      const children = childFieldsOf(ctx.fields, field).filter((c) => !rendererOf(c.type).computed)
      return rowsOf(value).map((row) => {
        const out: Record<string, unknown> = typeof row.id === 'number' ? { id: row.id } : {}
        for (const child of children) {
          const written = rendererOf(child.type).toWrite(row[child.apiKey] ?? null, child, ctx)
          if (written !== undefined) out[child.apiKey] = written
        }
        return out
      })
    },
    text: (value) => {
      const count = rowsOf(value).length
      return count ? i18n.t('field.subtable.rows', { count }) : ''
    },
    isEmpty: (value) => rowsOf(value).length === 0,
    sortable: false,
    wide: true
  }
}
