import i18next from 'i18next'
import { initReactI18next } from 'react-i18next'
import dayjs from 'dayjs'
import 'dayjs/locale/zh-cn'
import { DEFAULT_LOCALE, LOCALES, messages, type Locale } from '@shared/locales'

// The renderer loads the same message tables the server translates errors with, so a
// `messageKey` from the API reads the same here as on the server.

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

void i18n.use(initReactI18next).init({
  resources: Object.fromEntries(LOCALES.map((l) => [l, { translation: messages[l] }])),
  lng: storedLocale(),
  fallbackLng: DEFAULT_LOCALE,
  // Keys are flat and contain dots ("records.new"); interpolation uses {{x}} like the server.
  keySeparator: false,
  nsSeparator: false,
  interpolation: { escapeValue: false },
  initAsync: false,
  returnNull: false
})
applyToDocument(currentLocale())

export function currentLocale(): Locale {
  const lng = i18n.resolvedLanguage ?? i18n.language
  return (LOCALES as readonly string[]).includes(lng) ? (lng as Locale) : DEFAULT_LOCALE
}

export function dayjsLocale(locale: Locale): string {
  return DAYJS_LOCALES[locale]
}

export async function setLocale(locale: Locale): Promise<void> {
  try {
    localStorage.setItem(STORAGE_KEY, locale)
  } catch {
    // Private mode or storage disabled: the choice simply lasts for this session.
  }
  applyToDocument(locale)
  await i18n.changeLanguage(locale)
}
