import { Group, MultiSelect } from '@mantine/core'
import { useTranslation } from 'react-i18next'
import type { FieldCellProps, FieldInputProps, FieldRenderer } from './types'
import { i18n } from '../i18n'
import { inputChrome } from './shared'
import { OptionBadge, OptionFilterValue, optionData, optionsOf, OptionWithColor } from './select'

const labels = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [])

function MultiSelectInput({ field, value, onChange, error, compact }: FieldInputProps) {
  const { t } = useTranslation()
  const max = (field.config as { maxSelected?: number }).maxSelected
  return (
    <MultiSelect
      {...inputChrome(field, { compact, error })}
      data={optionData(field)}
      value={labels(value)}
      onChange={onChange}
      placeholder={labels(value).length ? undefined : t('field.select.placeholder')}
      renderOption={(item) => <OptionWithColor field={field} label={item.option.label} />}
      maxValues={max}
      clearable
      searchable={optionsOf(field).length > 8}
      comboboxProps={{ withinPortal: true }}
    />
  )
}

function MultiSelectCell({ value, field }: FieldCellProps) {
  const list = labels(value)
  if (!list.length) return null
  return (
    <Group gap={4} wrap="nowrap">
      {list.map((label) => (
        <OptionBadge key={label} field={field} label={label} />
      ))}
    </Group>
  )
}

export const multiselect: FieldRenderer = {
  Input: MultiSelectInput,
  Cell: MultiSelectCell,
  FilterValue: OptionFilterValue,
  empty: () => [],
  toWrite: (value) => labels(value),
  text: (value) => labels(value).join(i18n.t('common.listSeparator')),
  isEmpty: (value) => labels(value).length === 0,
  sortable: false
}
