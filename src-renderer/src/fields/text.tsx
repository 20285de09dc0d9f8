import type { ComponentType } from 'react'
import { Text, TextInput } from '@mantine/core'
import type { FieldCellProps, FieldInputProps, FieldRenderer } from './types'
import { asString, inputChrome, isBlankValue, TextFilterValue } from './shared'

// Single-line text, and the factory phone, email and url build on.

export function PlainCell({ value }: FieldCellProps) {
  const text = asString(value)
  return text ? (
    <Text span size="sm" truncate="end" maw={360} display="block" title={text}>
      {text}
    </Text>
  ) : null
}

export function makeTextRenderer(options: { inputType?: 'text' | 'tel' | 'email' | 'url'; Cell?: ComponentType<FieldCellProps> } = {}): FieldRenderer {
  function TextFieldInput({ field, value, onChange, error, compact }: FieldInputProps) {
    return <TextInput type={options.inputType ?? 'text'} {...inputChrome(field, { compact, error })} value={asString(value)} onChange={(e) => onChange(e.currentTarget.value)} />
  }
  return {
    Input: TextFieldInput,
    Cell: options.Cell ?? PlainCell,
    FilterValue: TextFilterValue,
    empty: () => '',
    toWrite: (value) => (isBlankValue(value) ? null : asString(value).trim()),
    text: asString,
    isEmpty: isBlankValue,
    sortable: true
  }
}

export const text = makeTextRenderer()
