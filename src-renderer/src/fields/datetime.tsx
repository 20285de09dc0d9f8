import dayjs from 'dayjs'
import { DateTimePicker } from '@mantine/dates'
import { formatDateTime } from '@shared/values'
import { currentLocale, i18n } from '../i18n'
import type { FieldCellProps, FieldInputProps, FieldRenderer } from './types'
import { DateFilterValue, inputChrome } from './shared'

// The API speaks ISO instants (UTC); the picker speaks local 'YYYY-MM-DD HH:mm:ss'.

const instant = (value: unknown): number | null => {
  if (typeof value !== 'string') return null
  const ms = Date.parse(value)
  return Number.isNaN(ms) ? null : ms
}

function DateTimeInput({ field, value, onChange, error, compact }: FieldInputProps) {
  const ms = instant(value)
  return (
    <DateTimePicker
      {...inputChrome(field, { compact, error })}
      value={ms === null ? null : dayjs(ms).format('YYYY-MM-DD HH:mm:ss')}
      onChange={(local) => onChange(local ? dayjs(local).toISOString() : null)}
      valueFormat="YYYY-MM-DD HH:mm"
      placeholder={i18n.t('field.datetime.placeholder')}
      clearable
    />
  )
}

export function formatInstant(value: unknown): string {
  return formatDateTime(instant(value), currentLocale())
}

function DateTimeCell({ value }: FieldCellProps) {
  return <>{formatInstant(value)}</>
}

export const datetime: FieldRenderer = {
  Input: DateTimeInput,
  Cell: DateTimeCell,
  FilterValue: DateFilterValue,
  empty: () => null,
  toWrite: (value) => (instant(value) === null ? null : value),
  text: formatInstant,
  isEmpty: (value) => instant(value) === null,
  sortable: true
}
