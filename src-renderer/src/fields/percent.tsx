import { NumberInput } from '@mantine/core'
import { formatPercent } from '@shared/values'
import { shiftDecimal } from '@shared/values/format'
import type { FieldDto } from '@shared/api/contracts'
import type { FieldCellProps, FieldInputProps, FieldRenderer, FilterValueProps } from './types'
import { asNumber, inputChrome, NumberFilterEditor, numberFromInput } from './shared'

// The API keeps a percentage as a fraction (0.15); people type and read 15 %. Shifting the
// decimal point instead of multiplying avoids 0.07 * 100 = 7.000000000000001.

interface PercentConfig {
  precision?: number
  min?: number
  max?: number
}
const configOf = (field: FieldDto) => field.config as PercentConfig

export function formatPercentField(value: unknown, field: FieldDto): string {
  return formatPercent(asNumber(value), { precision: configOf(field).precision ?? 0 })
}

function PercentInput({ field, value, onChange, error, compact }: FieldInputProps) {
  const cfg = configOf(field)
  const fraction = asNumber(value)
  return (
    <NumberInput
      {...inputChrome(field, { compact, error })}
      value={fraction === null ? '' : shiftDecimal(fraction, 2)}
      onChange={(v) => {
        const shown = numberFromInput(v)
        onChange(shown === null ? null : shiftDecimal(shown, -2))
      }}
      suffix="%"
      decimalScale={cfg.precision ?? 0}
      min={cfg.min === undefined ? undefined : shiftDecimal(cfg.min, 2)}
      max={cfg.max === undefined ? undefined : shiftDecimal(cfg.max, 2)}
      hideControls
    />
  )
}

function PercentCell({ value, field }: FieldCellProps) {
  return <>{formatPercentField(value, field)}</>
}

function PercentFilterValue(props: FilterValueProps) {
  return <NumberFilterEditor {...props} suffix="%" scale={2} />
}

export const percent: FieldRenderer = {
  Input: PercentInput,
  Cell: PercentCell,
  FilterValue: PercentFilterValue,
  empty: () => null,
  toWrite: (value) => asNumber(value),
  text: formatPercentField,
  isEmpty: (value) => asNumber(value) === null,
  sortable: true,
  numeric: true
}
