import i18next from 'i18next'
import { initReactI18next } from 'react-i18next'
import dayjs from 'dayjs'
import 'dayjs/locale/zh-cn'
import { DEFAULT_LOCALE, LOCALES, type Locale } from '@shared/locales/locale-list'
import { loadMessages } from './locale-messages'

// The renderer loads the same message tables the server translates errors with, so a
// `messageKey` from the API reads the same here as on the server — only the language shown:
// the other is loaded when the user switches to it (locale-messages.ts).

const STORAGE_KEY = 'jimu.locale'

function storedLocale(): Locale {
  try {
    const saved = localStorage.getItem(STORAGE_KEY)
    return (LOCALES as readonly string[]).includes(saved ?? '') ? (saved as Locale) : DEFAULT_LOCALE
  } catch {
    return DEFAULT_LOCALE
  }
}

const DAYJS_LOCALES: Record<Locale, string> = { 'zh-CN': 'zh-cn', en: 'en' }

function applyToDocument(locale: Locale): void {
  document.documentElement.lang = locale
  dayjs.locale(DAYJS_LOCALES[locale])
}

export const i18n = i18next.createInstance()

/** The language the app starts in (the one chosen on this device), known before its messages arrive. */
const initial = storedLocale()

/**
 * Resolves once the starting language's messages are in and i18next is set up with them:
 * main.tsx renders the app after it (requests to the server may start before).
 */
export const i18nReady: Promise<void> = loadMessages(initial).then((table) => {
  void i18n.use(initReactI18next).init({
    resources: { [initial]: { translation: table } },
    lng: initial,
    fallbackLng: DEFAULT_LOCALE,
    // Keys are flat and contain dots ("records.new"); interpolation uses {{x}} like the server.
    keySeparator: false,
    nsSeparator: false,
    interpolation: { escapeValue: false },
    initAsync: false,
    returnNull: false
  })
  applyToDocument(initial)
})

export function currentLocale(): Locale {
  if (!i18n.isInitialized) return initial
  const lng = i18n.resolvedLanguage ?? i18n.language
  return (LOCALES as readonly string[]).includes(lng) ? (lng as Locale) : DEFAULT_LOCALE
}

export function dayjsLocale(locale: Locale): string {
  return DAYJS_LOCALES[locale]
}

/** Switches the UI language; its messages are fetched first the first time it is chosen. */
export async function setLocale(locale: Locale): Promise<void> {
  if (!i18n.hasResourceBundle(locale, 'translation')) i18n.addResourceBundle(locale, 'translation', await loadMessages(locale))
  try {
    localStorage.setItem(STORAGE_KEY, locale)
  } catch {
    // Private mode or storage disabled: the choice simply lasts for this session.
  }
  applyToDocument(locale)
  await i18n.changeLanguage(locale)
}
