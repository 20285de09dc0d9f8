import { Code } from '@mantine/core'
import type { FieldCellProps } from './types'
import { asString, TextFilterValue } from './shared'
import { makeComputedRenderer } from './computed'

function AutonumberCell({ value }: FieldCellProps) {
  const text = asString(value)
  return text ? <Code>{text}</Code> : null
}

export const autonumber = makeComputedRenderer({ Cell: AutonumberCell, FilterValue: TextFilterValue, text: asString, sortable: true })
