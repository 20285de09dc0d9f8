import { DateInput } from '@mantine/dates'
import { formatDate } from '@shared/values'
import type { FieldDto } from '@shared/api/contracts'
import { currentLocale, i18n } from '../i18n'
import type { FieldCellProps, FieldInputProps, FieldRenderer } from './types'
import { DateFilterValue, inputChrome } from './shared'

// Dates travel as 'YYYY-MM-DD' both ways, which is also what Mantine's date inputs hold.

const isoDate = (value: unknown): string | null => (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? value : null)

interface DateConfig {
  min?: string
  max?: string
}

function DateFieldInput({ field, value, onChange, error, compact }: FieldInputProps) {
  const cfg = field.config as DateConfig
  return (
    <DateInput
      {...inputChrome(field, { compact, error })}
      value={isoDate(value)}
      onChange={onChange}
      valueFormat="YYYY-MM-DD"
      placeholder={i18n.t('field.date.placeholder')}
      minDate={cfg.min}
      maxDate={cfg.max}
      clearable
    />
  )
}

function DateCell({ value }: FieldCellProps) {
  return <>{formatDate(isoDate(value), currentLocale())}</>
}

export const date: FieldRenderer = {
  Input: DateFieldInput,
  Cell: DateCell,
  FilterValue: DateFilterValue,
  empty: () => null,
  toWrite: (value) => isoDate(value),
  text: (value: unknown, _field: FieldDto) => formatDate(isoDate(value), currentLocale()),
  isEmpty: (value) => isoDate(value) === null,
  sortable: true
}
