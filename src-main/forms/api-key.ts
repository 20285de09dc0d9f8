import { pinyin } from 'pinyin-pro'

// API keys are the stable ASCII names integrations use (`/api/v1/forms/shangji/records`,
// `{"kehuMingcheng": ...}`). Derived from the label once, with pinyin for Chinese, then editable;
// renaming a label never changes the key.

/** `合同总金额` → `heTongZongJinE`; `Deal Amount` → `dealAmount`; never empty, starts with a letter. */
export function deriveApiKey(label: string, fallback = 'field'): string {
  const syllables = pinyin(label, { toneType: 'none', type: 'array', nonZh: 'consecutive', v: true })
  const words = syllables
    .flatMap((s) => s.split(/[^A-Za-z0-9]+/))
    .filter(Boolean)
    .map((w) => w.toLowerCase())
  let key = words.map((w, i) => (i === 0 ? w : w.charAt(0).toUpperCase() + w.slice(1))).join('')
  if (!/^[A-Za-z]/.test(key)) key = fallback + (key ? key.charAt(0).toUpperCase() + key.slice(1) : '')
  return key.slice(0, 48)
}

/** Append 2, 3, … until the key is free. */
export function uniqueApiKey(base: string, taken: (key: string) => boolean): string {
  if (!taken(base)) return base
  for (let i = 2; ; i++) if (!taken(`${base}${i}`)) return `${base}${i}`
}
