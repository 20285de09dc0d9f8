import { z } from 'zod'
import { OPTION_COLORS, TEXT_LIMITS, type FieldType, type SelectOption } from './field-types'

// The settings of each field type, as zod schemas: what the form designer, the schema service and
// the app packages validate a field's `config` with. Apart from shared/field-types.ts (plain
// constants the renderer's first screen reads) so zod stays off a phone's first screen.

export const selectOption = z.object({
  id: z.string().min(1).max(40),
  label: z.string().trim().min(1).max(100),
  color: z.enum(OPTION_COLORS).default('gray')
})
/** The schema's output is field-types' SelectOption (written out there without zod): a type error here if they part. */
export const SELECT_OPTION_MATCHES: [z.infer<typeof selectOption>] extends [SelectOption] ? ([SelectOption] extends [z.infer<typeof selectOption>] ? true : never) : never = true

const precision = z.number().int().min(0).max(8)

/**
 * Written only by flows, rules and the system (审批状态 that an approval flow writes back): read-only
 * to every person and API caller, enforced by the write pipeline.
 */
const owned = { systemOwned: z.boolean().optional() }

/**
 * 关联带出: when the relation `relationFieldKey` (a sibling: the same form, or the same sub-table
 * row) picks a record, this field is filled with that record's `targetFieldKey` — if it is empty
 * (报价明细 单价 ← 产品 标准单价). Done by the write pipeline on create and update, and live on the
 * record page.
 */
const fillFrom = { fillFrom: z.object({ relationFieldKey: z.string().min(1).max(64), targetFieldKey: z.string().min(1).max(64) }).optional() }
/** Whether a column total means something (sub-table and list footers); see isSummableField. */
const summable = { summable: z.boolean().optional() }


export const FIELD_CONFIG = {
  text: z.object({ ...owned, ...fillFrom, minLength: z.number().int().min(0).optional(), maxLength: z.number().int().min(1).max(TEXT_LIMITS.text.ceiling).optional(), pattern: z.string().max(500).optional(), patternMessage: z.string().max(200).optional() }),
  textarea: z.object({ ...owned, maxLength: z.number().int().min(1).max(TEXT_LIMITS.textarea.ceiling).optional() }),
  richtext: z.object({ ...owned, maxLength: z.number().int().min(1).max(TEXT_LIMITS.richtext.ceiling).optional() }),
  number: z.object({ ...owned, ...fillFrom, ...summable, precision: precision.default(0), min: z.number().optional(), max: z.number().optional(), unit: z.string().max(20).optional(), thousands: z.boolean().default(true) }),
  amount: z.object({ ...owned, ...fillFrom, ...summable, precision: precision.default(2), currency: z.enum(['CNY', 'USD', 'EUR', 'HKD']).default('CNY'), min: z.number().optional(), max: z.number().optional() }),
  percent: z.object({ ...owned, ...fillFrom, precision: precision.default(0), min: z.number().optional(), max: z.number().optional() }),
  date: z.object({ ...owned, min: z.string().optional(), max: z.string().optional() }),
  datetime: z.object({ ...owned }),
  select: z.object({ ...owned, options: z.array(selectOption).max(500).default([]) }),
  multiselect: z.object({ ...owned, options: z.array(selectOption).max(500).default([]), maxSelected: z.number().int().min(1).optional() }),
  checkbox: z.object({ ...owned }),
  phone: z.object({ ...owned }),
  email: z.object({ ...owned }),
  url: z.object({ ...owned }),
  member: z.object({ ...owned }),
  relation: z.object({ ...owned, targetFormId: z.number().int().positive(), multiple: z.boolean().default(false) }),
  subtable: z.object({ ...owned }),
  formula: z.object({ expression: z.string().min(1).max(5000), precision: precision.optional(), ...summable, format: z.enum(['number', 'percent']).optional() }),
  autonumber: z.object({
    pattern: z.string().min(1).max(100).default('{0000}'),
    reset: z.enum(['never', 'daily', 'monthly', 'yearly']).default('never')
  }),
  attachment: z.object({ ...owned, maxFiles: z.number().int().min(1).max(100).optional() }),
  rollup: z.object({
    /** A relation field on another form that points at this form. */
    relationFieldId: z.number().int().positive(),
    /** The field of the linking records to aggregate (ignored for count). */
    targetFieldId: z.number().int().positive().optional(),
    aggregate: z.enum(['sum', 'count', 'min', 'max', 'avg'])
  })
} satisfies Record<FieldType, z.ZodType>

export type FieldConfig<T extends FieldType> = z.infer<(typeof FIELD_CONFIG)[T]>
