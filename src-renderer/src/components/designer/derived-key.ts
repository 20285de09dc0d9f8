import { useEffect, useState } from 'react'

// The API key the server will derive from a new field's label, shown while the user has not typed
// one. The same rule as src-main/forms/api-key.ts (pinyin for Chinese, camelCase, starts with a
// letter); the server still has the last word (it appends 2, 3… when a key is taken). pinyin-pro
// is loaded only when the designer needs it, so the rest of the app does not carry its dictionary.

type Pinyin = (typeof import('pinyin-pro'))['pinyin']
let loading: Promise<Pinyin> | null = null
const loadPinyin = () => (loading ??= import('pinyin-pro').then((m) => m.pinyin))

export function deriveKey(pinyin: Pinyin, label: string, fallback = 'field'): string {
  const syllables = pinyin(label, { toneType: 'none', type: 'array', nonZh: 'consecutive', v: true })
  const words = syllables
    .flatMap((s) => s.split(/[^A-Za-z0-9]+/))
    .filter(Boolean)
    .map((w) => w.toLowerCase())
  let key = words.map((w, i) => (i === 0 ? w : w.charAt(0).toUpperCase() + w.slice(1))).join('')
  if (!/^[A-Za-z]/.test(key)) key = fallback + (key ? key.charAt(0).toUpperCase() + key.slice(1) : '')
  return key.slice(0, 48)
}

/** The key a label would get, or null while the converter loads (or for an empty label). */
export function useDerivedKey(label: string): string | null {
  const [pinyin, setPinyin] = useState<Pinyin | null>(null)
  useEffect(() => {
    let live = true
    loadPinyin().then(
      (fn) => live && setPinyin(() => fn),
      () => undefined
    )
    return () => {
      live = false
    }
  }, [])
  return pinyin && label.trim() ? deriveKey(pinyin, label.trim()) : null
}
