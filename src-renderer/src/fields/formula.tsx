import type { ComponentType } from 'react'
import type { FieldDto } from '@shared/api/contracts'
import { formatNumber, formatPercent } from '@shared/values'
import { i18n } from '../i18n'
import type { FieldCellProps, FilterValueProps } from './types'
import { asString, DateFilterValue, NumberFilterValue, TextFilterValue } from './shared'
import { checkbox } from './checkbox'
import { makeComputedRenderer } from './computed'

// A formula behaves like the type of its result (resultType): numbers are formatted with the
// formula's precision, booleans show as a tick, text and dates as they come.

function textOf(value: unknown, field: FieldDto): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'boolean') return i18n.t(value ? 'field.checkbox.checked' : 'field.checkbox.unchecked')
  // A fraction shown as a percentage (最大折扣 0.1 → 10%), with the digits the formula keeps.
  if (typeof value === 'number' && (field.config as { format?: string }).format === 'percent') return formatPercent(value)
  if (typeof value === 'number') return formatNumber(value, { precision: (field.config as { precision?: number }).precision ?? 2, thousands: true })
  return asString(value)
}

function FormulaCell(props: FieldCellProps) {
  if (props.field.resultType === 'boolean') return <checkbox.Cell {...props} />
  return <>{textOf(props.value, props.field)}</>
}

const FILTER_BY_RESULT: Record<string, ComponentType<FilterValueProps>> = {
  date: DateFilterValue,
  boolean: checkbox.FilterValue,
  text: TextFilterValue
}

function FormulaFilterValue(props: FilterValueProps) {
  const Editor = props.op === 'contains' ? TextFilterValue : (FILTER_BY_RESULT[props.field.resultType ?? ''] ?? NumberFilterValue)
  return <Editor {...props} />
}

export const formula = makeComputedRenderer({ Cell: FormulaCell, FilterValue: FormulaFilterValue, text: textOf, sortable: true, numeric: false })
