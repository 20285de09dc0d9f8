import { ActionIcon, Button, Group, Paper, SegmentedControl, Select, Stack, Text } from '@mantine/core'
import { IconPlus, IconX } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import type { FieldDto, FilterCondition, FilterNode } from '@shared/api/contracts'
import { FIELD_OPERATORS, VALUELESS_OPERATORS, type FilterOperator } from '@shared/field-types'
import { rendererOf } from '../../fields/registry'
import { fromConditionModel, toConditionModel, type ConditionModel, type ConditionPart } from './condition-model'
import { KeptConditions } from './KeptConditions'

// A small condition builder for conditional visibility and conditional required: rows of
// field / operator / value joined by AND or OR. Fields are named by draft key (the synthetic
// DTOs' API key); the save plan turns them into API keys.

interface Props {
  /** Fields a condition may test (top-level, not the field itself). */
  fields: FieldDto[]
  value: FilterNode | null
  onChange(next: FilterNode | null): void
  testId: string
}

/** Operators a condition offers; `isMe` needs a signed-in viewer and makes no sense in a form rule. */
const operatorsOf = (field: FieldDto): FilterOperator[] => FIELD_OPERATORS[field.type].filter((op) => op !== 'isMe')

export function ConditionBuilder({ fields, value, onChange, testId }: Props) {
  const { t } = useTranslation()
  const candidates = fields.filter((f) => operatorsOf(f).length > 0)
  const byKey = new Map(candidates.map((f) => [f.apiKey, f]))
  const model = toConditionModel(value, new Set(byKey.keys()))
  const rules = model.parts.flatMap((p) => (p.kind === 'rule' ? [p.rule] : []))
  const kept = model.parts.flatMap((p) => (p.kind === 'kept' ? [p] : []))
  const set = (next: ConditionModel) => onChange(fromConditionModel(next))
  /** The model with its conditions replaced (kept parts stay where they were; new conditions follow). */
  const withRules = (next: FilterCondition[]): ConditionModel => {
    let i = 0
    const parts = model.parts.flatMap((p): ConditionPart[] => (p.kind === 'kept' ? [p] : i < next.length ? [{ kind: 'rule', rule: next[i++]! }] : []))
    while (i < next.length) parts.push({ kind: 'rule', rule: next[i++]! })
    return { ...model, parts }
  }

  const add = () => {
    const field = candidates[0]
    if (!field) return
    set(withRules([...rules, { field: field.apiKey, op: operatorsOf(field)[0]!, value: rendererOf(field.type).filterDefault }]))
  }
  const update = (index: number, patch: Partial<FilterCondition>) => set(withRules(rules.map((r, i) => (i === index ? { ...r, ...patch } : r))))

  return (
    <Paper withBorder radius="sm" p="xs" data-testid={testId}>
      <Stack gap={6}>
        {model.parts.length > 1 && (
          <Group gap={6}>
            <Text size="xs" c="dimmed">
              {t('filter.match')}
            </Text>
            <SegmentedControl
              size="xs"
              value={model.conj}
              onChange={(conj) => set({ ...model, leaf: false, conj: conj as ConditionModel['conj'] })}
              data={[
                { value: 'and', label: t('filter.and') },
                { value: 'or', label: t('filter.or') }
              ]}
            />
          </Group>
        )}
        {model.parts.length === 0 && (
          <Text size="xs" c="dimmed">
            {t('designer.condition.none')}
          </Text>
        )}
        {rules.map((rule, index) => {
          const field = byKey.get(rule.field)
          const ops = field ? operatorsOf(field) : []
          const Editor = field ? rendererOf(field.type).FilterValue : null
          return (
            <Stack key={index} gap={4} data-testid={`${testId}-rule`}>
              <Group gap={4} wrap="nowrap">
                <Select
                  size="xs"
                  style={{ flex: 1 }}
                  aria-label={t('filter.field')}
                  data={candidates.map((f) => ({ value: f.apiKey, label: f.label }))}
                  value={field ? rule.field : null}
                  placeholder={t('designer.condition.missingField')}
                  onChange={(key) => {
                    const next = key ? byKey.get(key) : undefined
                    if (next) update(index, { field: next.apiKey, op: operatorsOf(next)[0], value: rendererOf(next.type).filterDefault })
                  }}
                  comboboxProps={{ withinPortal: true }}
                  allowDeselect={false}
                />
                <Select
                  size="xs"
                  w={112}
                  aria-label={t('filter.operator')}
                  data={ops.map((op) => ({ value: op, label: t(`op.${op}`) }))}
                  value={rule.op}
                  onChange={(op) => op && update(index, { op: op as FilterOperator, value: VALUELESS_OPERATORS.has(op as FilterOperator) ? undefined : rule.value })}
                  comboboxProps={{ withinPortal: true }}
                  allowDeselect={false}
                />
                <ActionIcon variant="subtle" color="gray" aria-label={t('filter.remove')} onClick={() => set(withRules(rules.filter((_, i) => i !== index)))}>
                  <IconX size={14} />
                </ActionIcon>
              </Group>
              {field && Editor && !VALUELESS_OPERATORS.has(rule.op) && <Editor field={field} op={rule.op} value={rule.value ?? null} onChange={(v) => update(index, { value: v })} />}
            </Stack>
          )
        })}
        <KeptConditions kept={kept} fields={fields} onRemove={(key) => set({ ...model, parts: model.parts.filter((p) => p.kind === 'rule' || p.key !== key) })} />
        <Button variant="subtle" size="compact-xs" leftSection={<IconPlus size={12} />} onClick={add} disabled={candidates.length === 0} style={{ alignSelf: 'flex-start' }}>
          {t('filter.add')}
        </Button>
      </Stack>
    </Paper>
  )
}
