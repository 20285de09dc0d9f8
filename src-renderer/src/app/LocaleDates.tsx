import { useMemo, type ReactNode } from 'react'
import { MantineThemeProvider } from '@mantine/core'
import { DatesProvider } from '@mantine/dates'
import { useTranslation } from 'react-i18next'
import { dayjsLocale, currentLocale } from '../i18n'

/**
 * Calendars follow the UI language; weeks start on Monday, as in China. The calendar heads use the
 * language's own order (2026年3月, not 三月 2026): Mantine's month and year levels take their label
 * formats from the theme's default props, so they are set here for every picker at once.
 */
export function LocaleDates({ children }: { children: ReactNode }) {
  // `t` is a new function when the language changes, so the formats follow it.
  const { t } = useTranslation()
  const theme = useMemo(
    () => ({
      components: {
        MonthLevel: { defaultProps: { monthLabelFormat: t('dates.monthLabel') } },
        YearLevel: { defaultProps: { yearLabelFormat: t('dates.yearLabel') } }
      }
    }),
    [t]
  )
  return (
    <MantineThemeProvider theme={theme}>
      <DatesProvider settings={{ locale: dayjsLocale(currentLocale()), firstDayOfWeek: 1 }}>{children}</DatesProvider>
    </MantineThemeProvider>
  )
}
