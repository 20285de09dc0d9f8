import type { ReactNode } from 'react'
import { DatesProvider } from '@mantine/dates'
import { useTranslation } from 'react-i18next'
import { dayjsLocale, currentLocale } from '../i18n'

/** Calendars follow the UI language; weeks start on Monday, as in China. */
export function LocaleDates({ children }: { children: ReactNode }) {
  useTranslation()
  return <DatesProvider settings={{ locale: dayjsLocale(currentLocale()), firstDayOfWeek: 1 }}>{children}</DatesProvider>
}
