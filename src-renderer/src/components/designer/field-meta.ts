import {
  IconAffiliate,
  IconAlignLeft,
  IconTextCaption,
  IconCalendar,
  IconCalendarTime,
  IconCircleDot,
  IconCurrencyYuan,
  IconLetterT,
  IconLink,
  IconListCheck,
  IconListNumbers,
  IconMail,
  IconMathFunction,
  IconNumbers,
  IconPaperclip,
  IconPercentage,
  IconPhone,
  IconSquareCheck,
  IconSum,
  IconTable,
  IconUser,
  type Icon
} from '@tabler/icons-react'
import type { FieldType } from '@shared/field-types'

// How each field type appears in the designer: its icon and the palette group it sits in.

export const TYPE_ICON: Record<FieldType, Icon> = {
  text: IconLetterT,
  textarea: IconAlignLeft,
  richtext: IconTextCaption,
  number: IconNumbers,
  amount: IconCurrencyYuan,
  percent: IconPercentage,
  date: IconCalendar,
  datetime: IconCalendarTime,
  select: IconCircleDot,
  multiselect: IconListCheck,
  checkbox: IconSquareCheck,
  phone: IconPhone,
  email: IconMail,
  url: IconLink,
  member: IconUser,
  relation: IconAffiliate,
  subtable: IconTable,
  formula: IconMathFunction,
  autonumber: IconListNumbers,
  attachment: IconPaperclip,
  rollup: IconSum
}

export const PALETTE_GROUPS: ReadonlyArray<{ key: string; types: FieldType[] }> = [
  { key: 'basic', types: ['text', 'textarea', 'richtext', 'number', 'amount', 'percent', 'phone', 'email', 'url'] },
  { key: 'choice', types: ['select', 'multiselect', 'checkbox', 'member'] },
  { key: 'date', types: ['date', 'datetime'] },
  { key: 'relation', types: ['relation', 'subtable', 'rollup'] },
  { key: 'advanced', types: ['formula', 'autonumber', 'attachment'] }
]

/** Types a sub-table column may have (no nested tables, roll-ups or relations to itself). */
export const CHILD_TYPES: FieldType[] = ['text', 'textarea', 'number', 'amount', 'percent', 'date', 'datetime', 'select', 'multiselect', 'checkbox', 'phone', 'email', 'url', 'member', 'relation', 'formula', 'attachment']

/** Types whose default can be a typed value (the others take a formula or nothing). */
export const VALUE_DEFAULT_TYPES: ReadonlySet<FieldType> = new Set(['text', 'textarea', 'number', 'amount', 'percent', 'date', 'datetime', 'select', 'multiselect', 'checkbox', 'phone', 'email', 'url'])

/** Types that may be declared unique. */
export const UNIQUE_TYPES: ReadonlySet<FieldType> = new Set(['text', 'number', 'phone', 'email', 'url', 'date'])

/** Type changes offered for a saved field: within a family the server converts values. */
export const NO_DEFAULT_TYPES: ReadonlySet<FieldType> = new Set(['formula', 'autonumber', 'rollup', 'subtable', 'attachment', 'relation', 'member'])
