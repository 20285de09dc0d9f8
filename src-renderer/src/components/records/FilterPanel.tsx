import { ActionIcon, Button, Group, Paper, SegmentedControl, Select, Stack, Text } from '@mantine/core'
import { IconPlus, IconX } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import type { FieldDto } from '@shared/api/contracts'
import { VALUELESS_OPERATORS, type FilterOperator } from '@shared/field-types'
import { rendererOf } from '../../fields/registry'
import { operatorsFor, type Condition, type FilterState } from './filter'

let nextKey = 0

/** Conditions field → operator → value, joined by AND or OR. Values come from each type's editor. */
export function FilterPanel({ fields, value, onChange }: { fields: FieldDto[]; value: FilterState; onChange(next: FilterState): void }) {
  const { t } = useTranslation()
  const filterable = fields.filter((f) => operatorsFor(f).length > 0)
  const byKey = new Map(filterable.map((f) => [f.apiKey, f]))

  const startValue = (field: FieldDto) => rendererOf(field.type).filterDefault
  const add = () => {
    const field = filterable[0]
    if (!field) return
    const op = operatorsFor(field)[0]
    onChange({ ...value, conditions: [...value.conditions, { key: `c${nextKey++}`, field: field.apiKey, op, value: startValue(field) }] })
  }
  const update = (key: string, patch: Partial<Condition>) => onChange({ ...value, conditions: value.conditions.map((c) => (c.key === key ? { ...c, ...patch } : c)) })
  const remove = (key: string) => onChange({ ...value, conditions: value.conditions.filter((c) => c.key !== key) })

  return (
    <Paper withBorder p="sm" radius="md" data-testid="filter-panel">
      <Stack gap="xs">
        <Group justify="space-between">
          <Group gap="xs">
            <Text size="sm" fw={600}>
              {t('filter.title')}
            </Text>
            {value.conditions.length > 1 && (
              <Group gap={6}>
                <Text size="sm" c="dimmed">
                  {t('filter.match')}
                </Text>
                <SegmentedControl
                  size="xs"
                  value={value.conj}
                  onChange={(conj) => onChange({ ...value, conj: conj as FilterState['conj'] })}
                  data={[
                    { value: 'and', label: t('filter.and') },
                    { value: 'or', label: t('filter.or') }
                  ]}
                />
              </Group>
            )}
          </Group>
          {value.conditions.length > 0 && (
            <Button variant="subtle" color="gray" size="compact-xs" onClick={() => onChange({ ...value, conditions: [] })}>
              {t('filter.clear')}
            </Button>
          )}
        </Group>

        {value.conditions.length === 0 && (
          <Text size="sm" c="dimmed">
            {t('filter.none')}
          </Text>
        )}

        {value.conditions.map((condition) => {
          const field = byKey.get(condition.field)
          if (!field) return null
          const Editor = rendererOf(field.type).FilterValue
          return (
            <Group key={condition.key} gap="xs" wrap="nowrap" align="flex-start" data-testid="filter-condition">
              <Select
                size="xs"
                w={160}
                aria-label={t('filter.field')}
                data={filterable.map((f) => ({ value: f.apiKey, label: f.label }))}
                value={condition.field}
                allowDeselect={false}
                onChange={(apiKey) => {
                  const next = apiKey ? byKey.get(apiKey) : undefined
                  if (next) update(condition.key, { field: next.apiKey, op: operatorsFor(next)[0], value: startValue(next) })
                }}
                comboboxProps={{ withinPortal: true }}
              />
              <Select
                size="xs"
                w={150}
                aria-label={t('filter.operator')}
                data={operatorsFor(field).map((op) => ({ value: op, label: t(`op.${op}`) }))}
                value={condition.op}
                allowDeselect={false}
                onChange={(op) => {
                  if (!op) return
                  // A value of one shape (a list for "is any of", a pair for "between") does not carry over.
                  const keep = sameShape(condition.op, op as FilterOperator)
                  update(condition.key, { op: op as FilterOperator, value: keep ? condition.value : startValue(field) })
                }}
                comboboxProps={{ withinPortal: true }}
              />
              <div style={{ flex: 1, minWidth: 160, maxWidth: 420 }}>
                {!VALUELESS_OPERATORS.has(condition.op) && <Editor field={field} op={condition.op} value={condition.value} onChange={(v) => update(condition.key, { value: v })} />}
              </div>
              <ActionIcon variant="subtle" color="gray" aria-label={t('filter.remove')} onClick={() => remove(condition.key)} mt={2}>
                <IconX size={16} />
              </ActionIcon>
            </Group>
          )
        })}

        <Group>
          <Button variant="light" size="xs" leftSection={<IconPlus size={14} />} onClick={add} disabled={filterable.length === 0}>
            {t('filter.add')}
          </Button>
        </Group>
      </Stack>
    </Paper>
  )
}

const LIST_OPS: ReadonlySet<FilterOperator> = new Set(['in', 'notIn', 'hasAny', 'hasAll'])
const COUNT_OPS: ReadonlySet<FilterOperator> = new Set(['lastNDays', 'nextNDays'])
const shapeOf = (op: FilterOperator) => (LIST_OPS.has(op) ? 'list' : op === 'between' ? 'pair' : COUNT_OPS.has(op) ? 'count' : VALUELESS_OPERATORS.has(op) ? 'none' : 'one')
const sameShape = (a: FilterOperator, b: FilterOperator) => shapeOf(a) === shapeOf(b)
