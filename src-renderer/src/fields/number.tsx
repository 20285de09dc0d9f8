import { NumberInput } from '@mantine/core'
import { formatNumber } from '@shared/values'
import type { FieldCellProps, FieldInputProps, FieldRenderer } from './types'
import type { FieldDto } from '@shared/api/contracts'
import { asNumber, inputChrome, NumberFilterValue, numberFromInput } from './shared'

interface NumberConfig {
  precision?: number
  min?: number
  max?: number
  unit?: string
  thousands?: boolean
}
const configOf = (field: FieldDto) => field.config as NumberConfig

export function formatNumberField(value: unknown, field: FieldDto): string {
  const cfg = configOf(field)
  const text = formatNumber(asNumber(value), { precision: cfg.precision ?? 0, thousands: cfg.thousands ?? true })
  return text && cfg.unit ? `${text} ${cfg.unit}` : text
}

function NumberFieldInput({ field, value, onChange, error, compact }: FieldInputProps) {
  const cfg = configOf(field)
  return (
    <NumberInput
      {...inputChrome(field, { compact, error })}
      value={asNumber(value) ?? ''}
      onChange={(v) => onChange(numberFromInput(v))}
      decimalScale={cfg.precision ?? 0}
      thousandSeparator={cfg.thousands === false ? undefined : ','}
      suffix={cfg.unit ? ` ${cfg.unit}` : undefined}
      min={cfg.min}
      max={cfg.max}
      hideControls
    />
  )
}

function NumberCell({ value, field }: FieldCellProps) {
  return <>{formatNumberField(value, field)}</>
}

export const number: FieldRenderer = {
  Input: NumberFieldInput,
  Cell: NumberCell,
  FilterValue: NumberFilterValue,
  empty: () => null,
  toWrite: (value) => asNumber(value),
  text: formatNumberField,
  isEmpty: (value) => asNumber(value) === null,
  summable: true,
  sortable: true,
  numeric: true
}
