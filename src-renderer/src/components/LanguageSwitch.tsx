import { SegmentedControl } from '@mantine/core'
import { useTranslation } from 'react-i18next'
import { LOCALES, type Locale } from '@shared/locales/locale-list'
import { currentLocale, setLocale } from '../i18n'

export function LanguageSwitch() {
  const { t } = useTranslation()
  return (
    <SegmentedControl
      size="xs"
      aria-label={t('language.label')}
      data-testid="language-switch"
      value={currentLocale()}
      onChange={(value) => void setLocale(value as Locale)}
      data={LOCALES.map((locale) => ({ value: locale, label: t(`language.${locale}`) }))}
    />
  )
}
