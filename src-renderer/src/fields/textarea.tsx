import { Text, Textarea } from '@mantine/core'
import type { FieldCellProps, FieldInputProps, FieldRenderer } from './types'
import { asString, inputChrome, isBlankValue, TextFilterValue } from './shared'

function TextareaInput({ field, value, onChange, error, compact }: FieldInputProps) {
  return <Textarea {...inputChrome(field, { compact, error })} autosize minRows={compact ? 1 : 3} maxRows={10} value={asString(value)} onChange={(e) => onChange(e.currentTarget.value)} />
}

function TextareaCell({ value }: FieldCellProps) {
  const text = asString(value)
  return text ? (
    <Text span size="sm" truncate="end" maw={320} display="block" title={text}>
      {text}
    </Text>
  ) : null
}

export const textarea: FieldRenderer = {
  Input: TextareaInput,
  Cell: TextareaCell,
  FilterValue: TextFilterValue,
  empty: () => '',
  toWrite: (value) => (isBlankValue(value) ? null : asString(value)),
  text: asString,
  isEmpty: isBlankValue,
  sortable: true,
  wide: true
}
