import { formatNumber } from '@shared/values'
import { asNumber, NumberFilterValue } from './shared'
import { cellFromText, makeComputedRenderer } from './computed'

const textOf = (value: unknown) => formatNumber(asNumber(value), { precision: 2, thousands: true })

export const rollup = makeComputedRenderer({ Cell: cellFromText(textOf), FilterValue: NumberFilterValue, text: textOf, sortable: true, numeric: true, summable: true })
