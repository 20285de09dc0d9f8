import type { FieldType } from '@shared/field-types'
import type { FieldRegistry, FieldRenderer } from './types'
import { amount } from './amount'
import { attachment } from './attachment'
import { autonumber } from './autonumber'
import { checkbox } from './checkbox'
import { date } from './date'
import { datetime } from './datetime'
import { email } from './email'
import { formula } from './formula'
import { member } from './member'
import { multiselect } from './multiselect'
import { number } from './number'
import { percent } from './percent'
import { phone } from './phone'
import { relation } from './relation'
import { rollup } from './rollup'
import { select } from './select'
import { makeSubtable } from './subtable'
import { text } from './text'
import { textarea } from './textarea'
import { richtext } from './richtext'
import { url } from './url'

// The one place that knows which renderer serves which field type. The Record type makes a new
// FieldType in @shared/field-types a compile error here until its renderer exists.

export const fieldRenderers: FieldRegistry = {
  text,
  textarea,
  richtext,
  number,
  amount,
  percent,
  date,
  datetime,
  select,
  multiselect,
  checkbox,
  phone,
  email,
  url,
  member,
  relation,
  subtable: makeSubtable((type) => rendererOf(type)),
  formula,
  autonumber,
  attachment,
  rollup
}

export function rendererOf(type: FieldType): FieldRenderer {
  return fieldRenderers[type]
}
