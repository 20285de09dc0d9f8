import { normalizeWidth } from '../shared/values'

// Keys that records are matched by during an import (relation keys, update keys, duplicates).
// Company names are compared with the CRM's own normalisation (src-main/shared/crm-normalize.ts),
// so an import finds the same duplicates the duplicate check does: 北京积木科技有限公司,
// 北京积木科技 and “北京积木科技（有限公司）” are one customer.

export { normalizeCompanyName } from '../shared/crm-normalize'

/** Any other key: width, case and surrounding or inner spaces do not matter. */
export function normalizeKey(value: string): string {
  return normalizeWidth(value).toLowerCase().replace(/\s+/g, '')
}
