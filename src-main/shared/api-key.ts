// API keys are the stable ASCII names integrations use (`/api/v1/forms/shangji/records`,
// `{"kehuMingcheng": ...}`). Derived from the label once, with pinyin for Chinese, then editable;
// renaming a label never changes the key. Shared: the core derives keys on save, the designer
// shows the key a label would get while the user types (it loads pinyin-pro lazily, so the
// converter is passed in).

type Pinyin = (typeof import('pinyin-pro'))['pinyin']

/** `合同总金额` → `heTongZongJinE`; `Deal Amount` → `dealAmount`; never empty, starts with a letter. */
export function keyFromLabel(pinyin: Pinyin, label: string, fallback = 'field'): string {
  const syllables = pinyin(label, { toneType: 'none', type: 'array', nonZh: 'consecutive', v: true })
  const words = syllables
    .flatMap((s) => s.split(/[^A-Za-z0-9]+/))
    .filter(Boolean)
    .map((w) => w.toLowerCase())
  let key = words.map((w, i) => (i === 0 ? w : w.charAt(0).toUpperCase() + w.slice(1))).join('')
  if (!/^[A-Za-z]/.test(key)) key = fallback + (key ? key.charAt(0).toUpperCase() + key.slice(1) : '')
  return key.slice(0, 48)
}
