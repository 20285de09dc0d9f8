import type { FieldType } from './field-types'
import { translate, type Locale } from './locales'
import { formatAmount, formatNumber, formatPercent } from './values'

// A field's value (API shape) as a reader of a message sees it: ¥902,000.00 rather than 902000,
// 15.6% rather than 0.156, 2026年3月2日 rather than 2026-03-02, names rather than ids. Used where
// values are written into text for people (rule notifications and e-mails). Exports and imports
// keep the round-trippable formats of ./values/format.ts.

/** What the formatter needs of a field: its type and configuration (precision, currency, thousands). */
export interface FormattableField {
  type: FieldType
  config?: Record<string, unknown> | null
  /** A formula's or rollup's result type. */
  resultType?: string | null
}

interface NumericConfig {
  precision?: number
  currency?: string
  thousands?: boolean
}

const INTL_LOCALE: Record<Locale, string> = { 'zh-CN': 'zh-CN', en: 'en-US' }

/** `YYYY-MM-DD` → 2026年3月2日 / March 2, 2026; anything else unchanged. */
export function formatLongDate(iso: string, locale: Locale): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso)
  if (!m) return iso
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])))
  return new Intl.DateTimeFormat(INTL_LOCALE[locale], { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' }).format(date)
}

/** An instant (ISO text or epoch ms) → 2026年3月2日 14:05 / March 2, 2026 14:05, in the process' time zone. */
export function formatLongDateTime(value: string | number, locale: Locale): string {
  const d = new Date(value)
  if (Number.isNaN(d.getTime())) return String(value)
  const pad = (n: number) => String(n).padStart(2, '0')
  const day = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
  return `${formatLongDate(day, locale)} ${pad(d.getHours())}:${pad(d.getMinutes())}`
}

function nameOf(v: object): string {
  const o = v as { name?: unknown; title?: unknown; label?: unknown; id?: unknown }
  const text = o.name ?? o.title ?? o.label
  return typeof text === 'string' ? text : o.id === undefined ? '' : String(o.id)
}

/** One value of a field (API shape) as display text in the reader's language; '' for no value. */
export function formatFieldValue(field: FormattableField | undefined, value: unknown, locale: Locale): string {
  if (value === null || value === undefined || value === '') return ''
  if (Array.isArray(value)) {
    // Sub-table rows are counted; multiple selections, members and relations are listed.
    if (field?.type === 'subtable') return String(value.length)
    return value.map((v) => formatFieldValue(field && { ...field, type: field.type === 'multiselect' ? 'select' : field.type }, v, locale)).filter((s) => s !== '').join(translate(locale, 'common.listSeparator'))
  }
  if (typeof value === 'boolean') return translate(locale, value ? 'field.checkbox.checked' : 'field.checkbox.unchecked')
  if (typeof value === 'object') return nameOf(value)
  const config = (field?.config ?? {}) as NumericConfig
  const type = field?.type === 'formula' || field?.type === 'rollup' ? (field.resultType ?? field.type) : field?.type
  if (typeof value === 'number') {
    switch (type) {
      case 'amount':
        return formatAmount(value, { precision: config.precision, currency: config.currency })
      case 'percent':
        return formatPercent(value, { precision: config.precision })
      case 'checkbox':
      case 'boolean':
        return translate(locale, value ? 'field.checkbox.checked' : 'field.checkbox.unchecked')
      case 'datetime':
        return formatLongDateTime(value, locale)
      default:
        return formatNumber(value, { precision: config.precision, thousands: config.thousands ?? true })
    }
  }
  const text = String(value)
  if (type === 'date') return formatLongDate(text, locale)
  if (type === 'datetime') return formatLongDateTime(text, locale)
  return text
}
