import { Badge, ColorSwatch, Group, MultiSelect, Select, Text } from '@mantine/core'
import { useTranslation } from 'react-i18next'
import type { FieldDto } from '@shared/api/contracts'
import type { SelectOption } from '@shared/field-types'
import type { FieldCellProps, FieldInputProps, FieldRenderer, FilterValueProps } from './types'
import { asString, inputChrome, isBlankValue } from './shared'

// The API speaks option labels; colours come from the option definitions.

export const optionsOf = (field: FieldDto): SelectOption[] => ((field.config as { options?: SelectOption[] }).options ?? [])

export function optionColor(field: FieldDto, label: string): string {
  return optionsOf(field).find((o) => o.label === label)?.color ?? 'gray'
}

export const optionData = (field: FieldDto) => optionsOf(field).map((o) => ({ value: o.label, label: o.label }))

export function OptionWithColor({ field, label }: { field: FieldDto; label: string }) {
  return (
    <Group gap="xs" wrap="nowrap">
      <ColorSwatch size={10} color={`var(--mantine-color-${optionColor(field, label)}-5)`} withShadow={false} />
      <Text size="sm">{label}</Text>
    </Group>
  )
}

export function OptionBadge({ field, label }: { field: FieldDto; label: string }) {
  return (
    <Badge color={optionColor(field, label)} variant="light" radius="sm" tt="none" fw={500}>
      {label}
    </Badge>
  )
}

function SelectInput({ field, value, onChange, error, compact }: FieldInputProps) {
  const { t } = useTranslation()
  const current = asString(value) || null
  return (
    <Select
      {...inputChrome(field, { compact, error })}
      data={optionData(field)}
      value={current}
      onChange={(v) => onChange(v)}
      placeholder={t('field.select.placeholder')}
      renderOption={(item) => <OptionWithColor field={field} label={item.option.label} />}
      leftSection={current ? <ColorSwatch size={10} color={`var(--mantine-color-${optionColor(field, current)}-5)`} withShadow={false} /> : undefined}
      clearable
      searchable={optionsOf(field).length > 8}
      comboboxProps={{ withinPortal: true }}
    />
  )
}

function SelectCell({ value, field }: FieldCellProps) {
  const label = asString(value)
  return label ? <OptionBadge field={field} label={label} /> : null
}

/** Single-value operators pick one option, list operators several. */
export function OptionFilterValue({ field, op, value, onChange }: FilterValueProps) {
  const { t } = useTranslation()
  const multiple = op === 'in' || op === 'notIn' || op === 'hasAny' || op === 'hasAll'
  // A stored condition (a shipped rule's, say) may name options by id: show their labels.
  const shown = (v: unknown): string => {
    const options = optionsOf(field)
    const text = String(v)
    return options.some((o) => o.label === text) ? text : (options.find((o) => o.id === text)?.label ?? text)
  }
  if (multiple) {
    return (
      <MultiSelect
        size="xs"
        aria-label={t('filter.value')}
        placeholder={t('filter.value')}
        data={optionData(field)}
        value={Array.isArray(value) ? value.map(shown) : []}
        onChange={onChange}
        comboboxProps={{ withinPortal: true }}
      />
    )
  }
  return (
    <Select
      size="xs"
      aria-label={t('filter.value')}
      placeholder={t('filter.value')}
      data={optionData(field)}
      value={typeof value === 'string' ? shown(value) : null}
      onChange={onChange}
      comboboxProps={{ withinPortal: true }}
    />
  )
}

export const select: FieldRenderer = {
  Input: SelectInput,
  Cell: SelectCell,
  FilterValue: OptionFilterValue,
  empty: () => null,
  toWrite: (value) => (isBlankValue(value) ? null : asString(value)),
  text: asString,
  isEmpty: isBlankValue,
  sortable: true
}
