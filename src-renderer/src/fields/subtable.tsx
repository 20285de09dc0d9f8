import { useContext, type ReactNode } from 'react'
import { closestCenter, DndContext, KeyboardSensor, PointerSensor, useSensor, useSensors, type DragEndEvent } from '@dnd-kit/core'
import { arrayMove, SortableContext, sortableKeyboardCoordinates, useSortable, verticalListSortingStrategy } from '@dnd-kit/sortable'
import { CSS } from '@dnd-kit/utilities'
import { ActionIcon, Badge, Button, Group, Input, Table, Text } from '@mantine/core'
import { IconGripVertical, IconPlus, IconTrash } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import type { FieldDto } from '@shared/api/contracts'
import { isSummableField, type FieldType } from '@shared/field-types'
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
  function SortableRow({ id, index, children }: { id: string; index: number; children: ReactNode }) {
    const { t } = useTranslation()
    const { attributes, listeners, setNodeRef, setActivatorNodeRef, transform, transition, isDragging } = useSortable({ id })
    return (
      <Table.Tr
        ref={setNodeRef}
        style={{ transform: CSS.Translate.toString(transform), transition, position: 'relative', zIndex: isDragging ? 2 : undefined, background: isDragging ? 'var(--mantine-color-body)' : undefined }}
        data-dragging={isDragging || undefined}
      >
        <Table.Td>
          <Group gap={2} wrap="nowrap">
            <ActionIcon
              ref={setActivatorNodeRef}
              variant="subtle"
              color="gray"
              size="sm"
              style={{ cursor: 'grab', touchAction: 'none' }}
              aria-label={t('field.subtable.moveRow', { index: index + 1 })}
              {...attributes}
              {...listeners}
            >
              <IconGripVertical size={14} />
            </ActionIcon>
            <Text size="xs" c="dimmed">
              {index + 1}
            </Text>
          </Group>
        </Table.Td>
        {children}
      </Table.Tr>
    )
  }

  function SubtableInput({ field, value, onChange, error }: FieldInputProps) {
    const { t } = useTranslation()
    const children = childFieldsOf(useContext(FormFieldsContext), field)
    const rows = rowsOf(value)
    const ids = rows.map(keyOf)
    const sensors = useSensors(useSensor(PointerSensor, { activationConstraint: { distance: 4 } }), useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }))
    const update = (index: number, apiKey: string, cell: unknown) => onChange(rows.map((row, i) => (i === index ? { ...row, [apiKey]: cell } : row)))
    const addRow = () => {
      const row: Row = { [ROW_KEY]: `n${nextRowKey++}` }
      for (const child of children) row[child.apiKey] = rendererOf(child.type).empty(child)
      onChange([...rows, row])
    }
    const onDragEnd = ({ active, over }: DragEndEvent) => {
      if (!over || active.id === over.id) return
      const from = ids.indexOf(String(active.id))
      const to = ids.indexOf(String(over.id))
      if (from >= 0 && to >= 0) onChange(arrayMove(rows, from, to))
    }
    // Only columns whose total means something: no 合计 of unit prices, rates or percentages.
    const summed = children.filter(isSummableField)
    const total = (child: FieldDto): string => {
      let sum = 0
      let any = false
      for (const row of rows) {
        const v = row[child.apiKey]
        if (typeof v === 'number' && Number.isFinite(v)) {
          sum += v
          any = true
        }
      }
      // Sum in integer steps of the smallest unit shown, so 0.1 + 0.2 reads 0.30, not 0.30000000000000004.
      return any ? rendererOf(child.type).text(Math.round(sum * 1e8) / 1e8, child) : ''
    }
    return (
      <Input.Wrapper label={field.label} withAsterisk={field.required} description={field.description ?? undefined} error={error}>
        {children.length === 0 ? (
          <Text size="sm" c="dimmed" mt={4}>
            {t('field.subtable.noChildren')}
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={children.length * 170 + 90} mt={4}>
            <DndContext sensors={sensors} collisionDetection={closestCenter} onDragEnd={onDragEnd}>
              <Table withTableBorder withColumnBorders verticalSpacing={4} horizontalSpacing={6} data-testid={`subtable-${field.apiKey}`}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th w={64}>
                      <Text size="xs" fw={600} c="dimmed">
                        {t('field.subtable.rowNumber')}
                      </Text>
                    </Table.Th>
                    {children.map((child) => (
                      <Table.Th key={child.id} style={rendererOf(child.type).numeric ? { textAlign: 'right' } : undefined}>
                        <Text size="xs" fw={600}>
                          {child.label}
                          {child.required ? (
                            <Text span c="red">
                              {' *'}
                            </Text>
                          ) : null}
                        </Text>
                      </Table.Th>
                    ))}
                    <Table.Th w={40} aria-label={t('field.subtable.actions')} />
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
                    <SortableContext items={ids} strategy={verticalListSortingStrategy}>
                      {rows.map((row, index) => (
                        <SortableRow key={ids[index]} id={ids[index]} index={index}>
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
                        </SortableRow>
                      ))}
                    </SortableContext>
                  )}
                </Table.Tbody>
                {summed.length > 0 && rows.length > 0 && (
                  <Table.Tfoot>
                    <Table.Tr data-testid={`subtable-${field.apiKey}-totals`}>
                      <Table.Td>
                        <Text size="xs" fw={600}>
                          {t('field.subtable.total')}
                        </Text>
                      </Table.Td>
                      {children.map((child) => (
                        <Table.Td key={child.id} style={{ textAlign: 'right' }}>
                          {summed.includes(child) ? (
                            <Text size="sm" fw={600}>
                              {total(child)}
                            </Text>
                          ) : null}
                        </Table.Td>
                      ))}
                      <Table.Td />
                    </Table.Tr>
                  </Table.Tfoot>
                )}
              </Table>
            </DndContext>
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
