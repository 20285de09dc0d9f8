import { Checkbox, SegmentedControl, ThemeIcon } from '@mantine/core'
import { IconCheck } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import { i18n } from '../i18n'
import type { FieldCellProps, FieldInputProps, FieldRenderer, FilterValueProps } from './types'

function CheckboxInput({ field, value, onChange, error, compact }: FieldInputProps) {
  return (
    <Checkbox
      label={compact ? undefined : field.label}
      aria-label={field.label}
      description={compact ? undefined : (field.description ?? undefined)}
      error={error}
      checked={value === true}
      onChange={(e) => onChange(e.currentTarget.checked)}
      mt={compact ? 0 : 'xs'}
    />
  )
}

function CheckboxCell({ value }: FieldCellProps) {
  return value === true ? (
    <ThemeIcon size="sm" radius="xl" color="teal" variant="light" aria-label={i18n.t('field.checkbox.checked')}>
      <IconCheck size={14} stroke={3} />
    </ThemeIcon>
  ) : null
}

function CheckboxFilterValue({ value, onChange }: FilterValueProps) {
  const { t } = useTranslation()
  return (
    <SegmentedControl
      size="xs"
      data={[
        { value: 'true', label: t('field.checkbox.checked') },
        { value: 'false', label: t('field.checkbox.unchecked') }
      ]}
      value={value === false ? 'false' : 'true'}
      onChange={(v) => onChange(v === 'true')}
    />
  )
}

export const checkbox: FieldRenderer = {
  Input: CheckboxInput,
  Cell: CheckboxCell,
  FilterValue: CheckboxFilterValue,
  empty: () => false,
  toWrite: (value) => value === true,
  text: (value) => (value === true ? i18n.t('field.checkbox.checked') : value === false ? i18n.t('field.checkbox.unchecked') : ''),
  // An unticked box is an answer ("no"), not a missing value; the core decides what required means.
  isEmpty: () => false,
  sortable: true,
  filterDefault: true
}
