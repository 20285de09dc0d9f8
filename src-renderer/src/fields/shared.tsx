import { Group, NumberInput, Text, TextInput } from '@mantine/core'
import { DateInput } from '@mantine/dates'
import { useTranslation } from 'react-i18next'
import type { FieldDto } from '@shared/api/contracts'
import { shiftDecimal } from '@shared/values/format'
import type { FieldInputProps, FilterValueProps } from './types'

// Pieces several field renderers share: blank checks, number conversion and the filter value
// editors for text, numbers and dates.

export function isBlankValue(value: unknown): boolean {
  return value === null || value === undefined || (typeof value === 'string' && value.trim() === '') || (Array.isArray(value) && value.length === 0)
}

/** NumberInput reports '' while empty and a string while the text is not yet a number ("12."). */
export function numberFromInput(value: number | string): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null
  if (value.trim() === '') return null
  const n = Number(value)
  return Number.isFinite(n) ? n : null
}

export const asNumber = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null)
export const asString = (value: unknown): string => (typeof value === 'string' ? value : value === null || value === undefined ? '' : String(value))

/** Label, required mark and description of an input; sub-table cells show none of them. */
export function inputChrome(field: FieldDto, props: Pick<FieldInputProps, 'compact' | 'error'>) {
  return props.compact
    ? { 'aria-label': field.label, error: props.error, size: 'xs' as const }
    : { label: field.label, withAsterisk: field.required, description: field.description ?? undefined, error: props.error }
}

export function TextFilterValue({ value, onChange }: FilterValueProps) {
  const { t } = useTranslation()
  return <TextInput aria-label={t('filter.value')} placeholder={t('filter.value')} value={asString(value)} onChange={(e) => onChange(e.currentTarget.value)} size="xs" />
}

export interface NumberFilterOptions {
  prefix?: string
  suffix?: string
  /** The API value is this many decimal places left of what the user types (percent: 2). */
  scale?: number
}

function scaled(value: unknown, scale: number): number | string {
  const n = asNumber(value)
  return n === null ? '' : shiftDecimal(n, scale)
}
function unscaled(value: number | string, scale: number): number | null {
  const n = numberFromInput(value)
  return n === null ? null : shiftDecimal(n, -scale)
}

/** Number filter editor; `between` takes a pair of bounds. */
export function NumberFilterEditor({ op, value, onChange, prefix, suffix, scale = 0 }: FilterValueProps & NumberFilterOptions) {
  const { t } = useTranslation()
  const common = { size: 'xs' as const, prefix, suffix, thousandSeparator: ',', hideControls: true }
  if (op === 'between') {
    const [lo, hi] = Array.isArray(value) ? value : [null, null]
    return (
      <Group gap={4} wrap="nowrap">
        <NumberInput {...common} aria-label={t('filter.from')} placeholder={t('filter.from')} value={scaled(lo, scale)} onChange={(v) => onChange([unscaled(v, scale), hi ?? null])} />
        <NumberInput {...common} aria-label={t('filter.to')} placeholder={t('filter.to')} value={scaled(hi, scale)} onChange={(v) => onChange([lo ?? null, unscaled(v, scale)])} />
      </Group>
    )
  }
  return <NumberInput {...common} aria-label={t('filter.value')} placeholder={t('filter.value')} value={scaled(value, scale)} onChange={(v) => onChange(unscaled(v, scale))} />
}

export function NumberFilterValue(props: FilterValueProps) {
  return <NumberFilterEditor {...props} />
}


export function DateFilterValue({ op, value, onChange }: FilterValueProps) {
  const { t } = useTranslation()
  if (op === 'lastNDays' || op === 'nextNDays') {
    return (
      <NumberInput size="xs" min={1} allowDecimal={false} aria-label={t('filter.days')} placeholder={t('filter.days')} value={asNumber(value) ?? ''} onChange={(v) => onChange(numberFromInput(v))} />
    )
  }
  const dateProps = { size: 'xs' as const, valueFormat: 'YYYY-MM-DD', clearable: true, popoverProps: { withinPortal: true } }
  if (op === 'between') {
    const [lo, hi] = Array.isArray(value) ? (value as (string | null)[]) : [null, null]
    return (
      <Group gap={4} wrap="nowrap">
        <DateInput {...dateProps} aria-label={t('filter.from')} placeholder={t('filter.from')} value={lo ?? null} onChange={(v) => onChange([v, hi ?? null])} />
        <DateInput {...dateProps} aria-label={t('filter.to')} placeholder={t('filter.to')} value={hi ?? null} onChange={(v) => onChange([lo ?? null, v])} />
      </Group>
    )
  }
  return <DateInput {...dateProps} aria-label={t('filter.value')} placeholder={t('filter.value')} value={typeof value === 'string' ? value : null} onChange={onChange} />
}

export function Muted({ children }: { children: React.ReactNode }) {
  return (
    <Text span c="dimmed" size="sm">
      {children}
    </Text>
  )
}
