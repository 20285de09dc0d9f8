import { NumberInput } from '@mantine/core'
import { CURRENCY_SYMBOLS, formatAmount } from '@shared/values'
import type { FieldDto } from '@shared/api/contracts'
import type { FieldCellProps, FieldInputProps, FieldRenderer, FilterValueProps } from './types'
import { asNumber, inputChrome, NumberFilterEditor, numberFromInput } from './shared'

interface AmountConfig {
  precision?: number
  currency?: string
  min?: number
  max?: number
}
const configOf = (field: FieldDto) => field.config as AmountConfig
const symbolOf = (field: FieldDto) => CURRENCY_SYMBOLS[configOf(field).currency ?? 'CNY'] ?? '¥'

export function formatAmountField(value: unknown, field: FieldDto): string {
  const cfg = configOf(field)
  return formatAmount(asNumber(value), { precision: cfg.precision ?? 2, currency: cfg.currency ?? 'CNY' })
}

function AmountInput({ field, value, onChange, error, compact }: FieldInputProps) {
  const cfg = configOf(field)
  return (
    <NumberInput
      {...inputChrome(field, { compact, error })}
      value={asNumber(value) ?? ''}
      onChange={(v) => onChange(numberFromInput(v))}
      prefix={symbolOf(field)}
      decimalScale={cfg.precision ?? 2}
      fixedDecimalScale
      thousandSeparator=","
      min={cfg.min}
      max={cfg.max}
      hideControls
    />
  )
}

function AmountCell({ value, field }: FieldCellProps) {
  return <>{formatAmountField(value, field)}</>
}

function AmountFilterValue(props: FilterValueProps) {
  return <NumberFilterEditor {...props} prefix={symbolOf(props.field)} />
}

export const amount: FieldRenderer = {
  Input: AmountInput,
  Cell: AmountCell,
  FilterValue: AmountFilterValue,
  empty: () => null,
  toWrite: (value) => asNumber(value),
  text: formatAmountField,
  isEmpty: (value) => asNumber(value) === null,
  summable: true,
  sortable: true,
  numeric: true
}
