import { ActionIcon, Box, Button, Group, Paper, SegmentedControl, Select, Stack, Text } from '@mantine/core'
import { IconFolderPlus, IconPlus, IconTrash, IconX } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import type { FieldDto } from '@shared/api/contracts'
import { VALUELESS_OPERATORS, type FilterOperator } from '@shared/field-types'
import { rendererOf } from '../../fields/registry'
import { operatorsFor, type Condition, type ConditionGroup, type FilterState } from './filter'

let nextKey = 0

interface Props {
  fields: FieldDto[]
  value: FilterState
  onChange(next: FilterState): void
  /** Offer 添加条件组 (AND/OR groups one level deep). */
  allowGroups?: boolean
  /** Drawn without its own border (inside a popover). */
  bare?: boolean
}

/** Conditions field → operator → value, joined by AND or OR, plus optional groups with their own AND/OR. */
export function FilterPanel({ fields, value, onChange, allowGroups = false, bare = false }: Props) {
  const { t } = useTranslation()
  const filterable = fields.filter((f) => operatorsFor(f).length > 0)
  const byKey = new Map(filterable.map((f) => [f.apiKey, f]))
  const groups = value.groups ?? []

  const startValue = (field: FieldDto) => rendererOf(field.type).filterDefault
  const fresh = (): Condition | null => {
    const field = filterable[0]
    if (!field) return null
    return { key: `c${nextKey++}`, field: field.apiKey, op: operatorsFor(field)[0]!, value: startValue(field) }
  }
  const add = () => {
    const c = fresh()
    if (c) onChange({ ...value, conditions: [...value.conditions, c] })
  }
  const addGroup = () => {
    const c = fresh()
    if (c) onChange({ ...value, groups: [...groups, { key: `g${nextKey++}`, conj: 'or', conditions: [c] }] })
  }
  const setGroup = (key: string, patch: (g: ConditionGroup) => ConditionGroup | null) =>
    onChange({ ...value, groups: groups.map((g) => (g.key === key ? patch(g) : g)).filter((g): g is ConditionGroup => g !== null && g.conditions.length > 0) })

  const conjControl = (conj: 'and' | 'or', set: (c: 'and' | 'or') => void, testId: string) => (
    <SegmentedControl
      size="xs"
      value={conj}
      onChange={(c) => set(c as 'and' | 'or')}
      data-testid={testId}
      data={[
        { value: 'and', label: t('filter.and') },
        { value: 'or', label: t('filter.or') }
      ]}
    />
  )

  const row = (condition: Condition, update: (patch: Partial<Condition>) => void, remove: () => void) => {
    const field = byKey.get(condition.field)
    if (!field) return null
    const Editor = rendererOf(field.type).FilterValue
    return (
      <Group key={condition.key} gap="xs" wrap="nowrap" align="flex-start" data-testid="filter-condition">
        <Select
          size="xs"
          w={150}
          aria-label={t('filter.field')}
          data={filterable.map((f) => ({ value: f.apiKey, label: f.label }))}
          value={condition.field}
          allowDeselect={false}
          searchable={filterable.length > 10}
          onChange={(apiKey) => {
            const next = apiKey ? byKey.get(apiKey) : undefined
            if (next) update({ field: next.apiKey, op: operatorsFor(next)[0], value: startValue(next) })
          }}
          comboboxProps={{ withinPortal: true }}
        />
        <Select
          size="xs"
          w={130}
          aria-label={t('filter.operator')}
          data={operatorsFor(field).map((op) => ({ value: op, label: t(`op.${op}`) }))}
          value={condition.op}
          allowDeselect={false}
          onChange={(op) => {
            if (!op) return
            // A value of one shape (a list for "is any of", a pair for "between") does not carry over.
            const keep = sameShape(condition.op, op as FilterOperator)
            update({ op: op as FilterOperator, value: keep ? condition.value : startValue(field) })
          }}
          comboboxProps={{ withinPortal: true }}
        />
        <div style={{ flex: 1, minWidth: 160, maxWidth: 380 }}>
          {!VALUELESS_OPERATORS.has(condition.op) && <Editor field={field} op={condition.op} value={condition.value} onChange={(v) => update({ value: v })} />}
        </div>
        <ActionIcon variant="subtle" color="gray" aria-label={t('filter.remove')} onClick={remove} mt={2}>
          <IconX size={16} />
        </ActionIcon>
      </Group>
    )
  }

  const parts = value.conditions.length + groups.length
  const body = (
    <Stack gap="xs">
      <Group justify="space-between">
        <Group gap="xs">
          <Text size="sm" fw={600}>
            {t('filter.title')}
          </Text>
          {parts > 1 && (
            <Group gap={6}>
              <Text size="sm" c="dimmed">
                {t('filter.match')}
              </Text>
              {conjControl(value.conj, (conj) => onChange({ ...value, conj }), 'filter-conj')}
            </Group>
          )}
        </Group>
        {parts > 0 && (
          <Button variant="subtle" color="gray" size="compact-xs" onClick={() => onChange({ ...value, conditions: [], groups: [] })}>
            {t('filter.clear')}
          </Button>
        )}
      </Group>

      {parts === 0 && (
        <Text size="sm" c="dimmed">
          {t('filter.none')}
        </Text>
      )}

      {value.conditions.map((condition) =>
        row(
          condition,
          (patch) => onChange({ ...value, conditions: value.conditions.map((c) => (c.key === condition.key ? { ...c, ...patch } : c)) }),
          () => onChange({ ...value, conditions: value.conditions.filter((c) => c.key !== condition.key) })
        )
      )}

      {groups.map((group) => (
        <Box key={group.key} p="xs" data-testid="filter-group" style={{ border: '1px dashed var(--mantine-color-indigo-3)', borderRadius: 8, background: 'var(--mantine-color-indigo-light)' }}>
          <Stack gap={6}>
            <Group justify="space-between">
              <Group gap={6}>
                <Text size="xs" fw={600} c="indigo">
                  {t('views.filter.group')}
                </Text>
                {group.conditions.length > 1 && (
                  <>
                    <Text size="xs" c="dimmed">
                      {t('filter.match')}
                    </Text>
                    {conjControl(group.conj, (conj) => setGroup(group.key, (g) => ({ ...g, conj })), 'filter-group-conj')}
                  </>
                )}
              </Group>
              <ActionIcon size="sm" variant="subtle" color="gray" aria-label={t('views.filter.removeGroup')} onClick={() => setGroup(group.key, () => null)}>
                <IconTrash size={14} />
              </ActionIcon>
            </Group>
            {group.conditions.map((condition) =>
              row(
                condition,
                (patch) => setGroup(group.key, (g) => ({ ...g, conditions: g.conditions.map((c) => (c.key === condition.key ? { ...c, ...patch } : c)) })),
                () => setGroup(group.key, (g) => ({ ...g, conditions: g.conditions.filter((c) => c.key !== condition.key) }))
              )
            )}
            <Group>
              <Button
                variant="subtle"
                size="compact-xs"
                leftSection={<IconPlus size={12} />}
                onClick={() => {
                  const c = fresh()
                  if (c) setGroup(group.key, (g) => ({ ...g, conditions: [...g.conditions, c] }))
                }}
              >
                {t('views.filter.addToGroup')}
              </Button>
            </Group>
          </Stack>
        </Box>
      ))}

      <Group gap="xs">
        <Button variant="light" size="xs" leftSection={<IconPlus size={14} />} onClick={add} disabled={filterable.length === 0}>
          {t('filter.add')}
        </Button>
        {allowGroups && (
          <Button variant="subtle" size="xs" leftSection={<IconFolderPlus size={14} />} onClick={addGroup} disabled={filterable.length === 0}>
            {t('views.filter.addGroup')}
          </Button>
        )}
      </Group>
    </Stack>
  )

  if (bare) return <div data-testid="filter-panel">{body}</div>
  return (
    <Paper withBorder p="sm" radius="md" data-testid="filter-panel">
      {body}
    </Paper>
  )
}

const LIST_OPS: ReadonlySet<FilterOperator> = new Set(['in', 'notIn', 'hasAny', 'hasAll'])
const COUNT_OPS: ReadonlySet<FilterOperator> = new Set(['lastNDays', 'nextNDays'])
const shapeOf = (op: FilterOperator) => (LIST_OPS.has(op) ? 'list' : op === 'between' ? 'pair' : COUNT_OPS.has(op) ? 'count' : VALUELESS_OPERATORS.has(op) ? 'none' : 'one')
const sameShape = (a: FilterOperator, b: FilterOperator) => shapeOf(a) === shapeOf(b)
