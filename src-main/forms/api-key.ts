import { pinyin } from 'pinyin-pro'
import { keyFromLabel } from '../shared/api-key'

/** `合同总金额` → `heTongZongJinE` (see shared/api-key.ts). */
export function deriveApiKey(label: string, fallback = 'field'): string {
  return keyFromLabel(pinyin, label, fallback)
}

/** Append 2, 3, … until the key is free. */
export function uniqueApiKey(base: string, taken: (key: string) => boolean): string {
  if (!taken(base)) return base
  for (let i = 2; ; i++) if (!taken(`${base}${i}`)) return `${base}${i}`
}
