
// Field-type descriptors shared by the core and the renderer: which types exist, their
// per-type configuration schema and the filter operators each offers. Storage, coercion and
// SQL live in src-main/forms/field-types (one module per type); the renderer's inputs and
// cells live in src-renderer/src/fields. This file is the contract between the two.

export const FIELD_TYPES = [
  'text',
  'textarea',
  'number',
  'amount',
  'percent',
  'date',
  'datetime',
  'select',
  'multiselect',
  'checkbox',
  'phone',
  'email',
  'url',
  'member',
  'relation',
  'subtable',
  'formula',
  'autonumber',
  'attachment',
  'rollup',
  'richtext'
] as const
export type FieldType = (typeof FIELD_TYPES)[number]

export const OPTION_COLORS = ['gray', 'red', 'pink', 'grape', 'violet', 'indigo', 'blue', 'cyan', 'teal', 'green', 'lime', 'yellow', 'orange'] as const

/**
 * Longest value of each text type, in characters: `default` where the field sets no maxLength,
 * `ceiling` the most a field may allow (a record must stay a record: a 10-million-character name
 * made a database 40 times larger). Phone, e-mail and URL have fixed limits (their standards').
 */
export const TEXT_LIMITS = {
  text: { default: 500, ceiling: 10_000 },
  textarea: { default: 20_000, ceiling: 200_000 },
  /** Characters of the cleaned HTML (tags included). */
  richtext: { default: 100_000, ceiling: 1_000_000 },
  phone: { default: 40, ceiling: 40 },
  email: { default: 254, ceiling: 254 },
  url: { default: 2048, ceiling: 2048 }
} as const

/** A select option (its schema with the fields' settings: shared/field-config.ts, which the first screen does not load). */
export interface SelectOption {
  id: string
  label: string
  color: (typeof OPTION_COLORS)[number]
}

export const FILTER_OPERATORS = [
  'eq', 'neq', 'contains', 'notContains', 'startsWith', 'empty', 'notEmpty',
  'gt', 'gte', 'lt', 'lte', 'between',
  'in', 'notIn', 'hasAny', 'hasAll',
  'today', 'yesterday', 'thisWeek', 'lastWeek', 'thisMonth', 'lastMonth', 'thisYear', 'lastNDays', 'nextNDays',
  'isMe'
] as const
export type FilterOperator = (typeof FILTER_OPERATORS)[number]

const TEXT_OPS: FilterOperator[] = ['contains', 'notContains', 'eq', 'neq', 'startsWith', 'empty', 'notEmpty']
const NUMBER_OPS: FilterOperator[] = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'between', 'empty', 'notEmpty']
const DATE_OPS: FilterOperator[] = ['eq', 'gt', 'gte', 'lt', 'lte', 'between', 'today', 'yesterday', 'thisWeek', 'lastWeek', 'thisMonth', 'lastMonth', 'thisYear', 'lastNDays', 'nextNDays', 'empty', 'notEmpty']

export const FIELD_OPERATORS: Record<FieldType, FilterOperator[]> = {
  text: TEXT_OPS,
  textarea: ['contains', 'notContains', 'empty', 'notEmpty'],
  richtext: ['contains', 'notContains', 'empty', 'notEmpty'],
  number: NUMBER_OPS,
  amount: NUMBER_OPS,
  percent: NUMBER_OPS,
  date: DATE_OPS,
  datetime: DATE_OPS,
  select: ['eq', 'neq', 'in', 'notIn', 'empty', 'notEmpty'],
  multiselect: ['hasAny', 'hasAll', 'empty', 'notEmpty'],
  checkbox: ['eq'],
  phone: TEXT_OPS,
  email: TEXT_OPS,
  url: TEXT_OPS,
  member: ['eq', 'neq', 'in', 'notIn', 'isMe', 'empty', 'notEmpty'],
  relation: ['eq', 'in', 'empty', 'notEmpty'],
  subtable: ['empty', 'notEmpty'],
  formula: [...NUMBER_OPS, 'contains'],
  autonumber: TEXT_OPS,
  attachment: ['empty', 'notEmpty'],
  rollup: NUMBER_OPS
}

/** Operators that take no value. */
export const VALUELESS_OPERATORS: ReadonlySet<FilterOperator> = new Set(['empty', 'notEmpty', 'today', 'yesterday', 'thisWeek', 'lastWeek', 'thisMonth', 'lastMonth', 'thisYear', 'isMe'])

/** Types whose value is computed by the engine; clients never write them. */
export const COMPUTED_TYPES: ReadonlySet<FieldType> = new Set(['formula', 'autonumber', 'rollup'])

/** System fields every form has, addressable by these keys in filters, sorts and the API. */
export const SYSTEM_FIELDS = [
  { key: 'id', type: 'number' },
  { key: 'createdAt', type: 'datetime' },
  { key: 'updatedAt', type: 'datetime' },
  { key: 'createdBy', type: 'member' },
  { key: 'updatedBy', type: 'member' },
  { key: 'owner', type: 'member' }
] as const satisfies ReadonlyArray<{ key: string; type: FieldType }>
export type SystemFieldKey = (typeof SYSTEM_FIELDS)[number]['key']

/** A unit price, rate or ratio by its name: adding such values up means nothing. */
const NON_ADDITIVE_KEY = /^(unit_?)?price$|unitPrice$|(^|[a-z_])rate$|ratio$|percent$/i
const NON_ADDITIVE_LABEL = /单价|单位价格|费率|比率|比例|税率|折扣率/

/**
 * Whether a column of this field gets a 合计 (sub-table footer, list footer): amounts, numbers,
 * roll-ups and numeric formulas do, unless they are unit prices, rates or percentages — by the
 * field's own `summable` flag first, then by its name. Percent fields never do.
 */
export function isSummableField(field: { type: string; apiKey: string; label: string; config: Record<string, unknown>; resultType?: string | null }): boolean {
  if (field.type === 'percent') return false
  if (field.type === 'formula' && ((field.resultType ?? 'number') !== 'number' || field.config.format === 'percent')) return false
  if (!['number', 'amount', 'rollup', 'formula'].includes(field.type)) return false
  if (typeof field.config.summable === 'boolean') return field.config.summable
  return !NON_ADDITIVE_KEY.test(field.apiKey) && !NON_ADDITIVE_LABEL.test(field.label)
}

/** The 关联带出 source of a field, if it has one. */
export function fillFromOf(field: { config: Record<string, unknown> }): { relationFieldKey: string; targetFieldKey: string } | null {
  const f = field.config.fillFrom as { relationFieldKey?: unknown; targetFieldKey?: unknown } | undefined
  return f && typeof f.relationFieldKey === 'string' && typeof f.targetFieldKey === 'string' ? { relationFieldKey: f.relationFieldKey, targetFieldKey: f.targetFieldKey } : null
}

/** How an error names one cell of a sub-table (the office's write pipeline and a laptop's offline write alike): 报价明细第1行 数量. */
export function subtableCellLabel(subtable: string, index: number, child: string): string {
  return `${subtable}第${index + 1}行 ${child}`
}
