import { useEffect, useState } from 'react'
import { keyFromLabel } from '@shared/api-key'

// The API key the server will derive from a new field's label, shown while the user has not typed
// one. The same rule as the server's (src-main/shared/api-key.ts) (pinyin for Chinese, camelCase, starts with a
// letter); the server still has the last word (it appends 2, 3… when a key is taken). pinyin-pro
// is loaded only when the designer needs it, so the rest of the app does not carry its dictionary.

type Pinyin = (typeof import('pinyin-pro'))['pinyin']
let loading: Promise<Pinyin> | null = null
const loadPinyin = () => (loading ??= import('pinyin-pro').then((m) => m.pinyin))

export const deriveKey = keyFromLabel

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
