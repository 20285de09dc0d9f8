import { formatAmount, formatDateTime, formatNumber, formatPercent } from '@shared/values'
import type { WidgetResult } from '@shared/api/reports'

// How report values are shown: amounts in yuan, ratios as percentages; axis ticks compact
// (万 / 亿 in Chinese, K / M in English).

export type ColumnFormat = WidgetResult['columns'][number]['format']

export function formatValue(v: number | null | undefined, format: ColumnFormat): string {
  if (v === null || v === undefined) return '—'
  switch (format) {
    case 'amount':
      return formatAmount(v, { precision: Math.abs(v) >= 1000 ? 0 : 2 })
    case 'percent':
      return formatPercent(v, { precision: 1 })
    case 'date':
      return formatDateTime(v, 'zh-CN')
    default:
      return formatNumber(v, { thousands: true, precision: Number.isInteger(v) ? 0 : 2 })
  }
}

export function compactValue(v: number, format: ColumnFormat, locale: string): string {
  if (format === 'percent') return formatPercent(v, { precision: 0 })
  const abs = Math.abs(v)
  const prefix = format === 'amount' ? '¥' : ''
  if (locale.startsWith('zh')) {
    if (abs >= 1e8) return `${prefix}${+(v / 1e8).toFixed(1)}亿`
    if (abs >= 1e4) return `${prefix}${+(v / 1e4).toFixed(1)}万`
  } else {
    if (abs >= 1e6) return `${prefix}${+(v / 1e6).toFixed(1)}M`
    if (abs >= 1e3) return `${prefix}${+(v / 1e3).toFixed(1)}K`
  }
  return `${prefix}${formatNumber(v, { thousands: true, precision: Number.isInteger(v) ? 0 : 1 })}`
}

/** Series colours, in order; the same order in every chart of a dashboard. */
export const PALETTE = ['#4c6ef5', '#12b886', '#fab005', '#fa5252', '#7950f2', '#15aabf', '#fd7e14', '#82c91e', '#e64980', '#228be6', '#868e96', '#be4bdb']
