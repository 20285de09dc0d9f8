import { errors as zhErrors } from './zh-CN/errors'
import { ui as zhUi } from './zh-CN/ui'
import { errors as enErrors } from './en/errors'
import { ui as enUi } from './en/ui'
import { record as zhRecord } from './zh-CN/record'
import { record as enRecord } from './en/record'
import { designer as zhDesigner } from './zh-CN/designer'
import { designer as enDesigner } from './en/designer'
import { views as zhViews } from './zh-CN/views'
import { views as enViews } from './en/views'
import { crm as zhCrm } from './zh-CN/crm'
import { crm as enCrm } from './en/crm'
import { flows as zhFlows } from './zh-CN/flows'
import { flows as enFlows } from './en/flows'
import { rules as zhRules } from './zh-CN/rules'
import { rules as enRules } from './en/rules'
import { reports as zhReports } from './zh-CN/reports'
import { reports as enReports } from './en/reports'
import { transfer as zhTransfer } from './zh-CN/transfer'
import { transfer as enTransfer } from './en/transfer'
import { desktop as zhDesktop } from './zh-CN/desktop'
import { desktop as enDesktop } from './en/desktop'
import { settings as zhSettings } from './zh-CN/settings'
import { settings as enSettings } from './en/settings'
import { aggregates as zhAggregates } from './zh-CN/aggregates'
import { aggregates as enAggregates } from './en/aggregates'
import { lan as zhLan } from './zh-CN/lan'
import { lan as enLan } from './en/lan'
import { im as zhIm } from './zh-CN/im'
import { im as enIm } from './en/im'

import { publicforms as zhPublicforms } from './zh-CN/publicforms'
import { publicforms as enPublicforms } from './en/publicforms'
import { service as zhService } from './zh-CN/service'
import { service as enService } from './en/service'
import { live as zhLive } from './zh-CN/live'
import { live as enLive } from './en/live'
import { search as zhSearch } from './zh-CN/search'
import { search as enSearch } from './en/search'
import { mobile as zhMobile } from './zh-CN/mobile'
import { mobile as enMobile } from './en/mobile'
import { documents as zhDocuments } from './zh-CN/documents'
import { documents as enDocuments } from './en/documents'
import { workbench as zhWorkbench } from './zh-CN/workbench'
import { workbench as enWorkbench } from './en/workbench'
import { forecast as zhForecast } from './zh-CN/forecast'
import { forecast as enForecast } from './en/forecast'
import { sync as zhSync } from './zh-CN/sync'
import { sync as enSync } from './en/sync'
import { print as zhPrint } from './zh-CN/print'
import { print as enPrint } from './en/print'
import { richtext as zhRichtext } from './zh-CN/richtext'
import { richtext as enRichtext } from './en/richtext'
import { DEFAULT_LOCALE, type Locale } from './locale-list'
export { DEFAULT_LOCALE, LOCALES, type Locale } from './locale-list'

/** Each namespace's messages in both languages, one line each (new areas add a line). */
const NAMESPACES: ReadonlyArray<readonly [Record<string, string>, Record<string, string>]> = [
  [zhErrors, enErrors],
  [zhUi, enUi],
  [zhRecord, enRecord],
  [zhDesigner, enDesigner],
  [zhViews, enViews],
  [zhCrm, enCrm],
  [zhFlows, enFlows],
  [zhRules, enRules],
  [zhReports, enReports],
  [zhTransfer, enTransfer],
  [zhDesktop, enDesktop],
  [zhSettings, enSettings],
  [zhAggregates, enAggregates],
  [zhLan, enLan],
  [zhPublicforms, enPublicforms],
  [zhService, enService],
  [zhLive, enLive],
  [zhSearch, enSearch],
  [zhMobile, enMobile],
  [zhDocuments, enDocuments],
  [zhIm, enIm],
  [zhWorkbench, enWorkbench],
  [zhForecast, enForecast],
  [zhSync, enSync],
  [zhPrint, enPrint],
  [zhRichtext, enRichtext],
]

/** All messages per locale; i18next in the renderer loads the same objects. */
export const messages: Record<Locale, Record<string, string>> = {
  'zh-CN': Object.assign({}, ...NAMESPACES.map(([zh]) => zh)),
  en: Object.assign({}, ...NAMESPACES.map(([, en]) => en))
}

export function pickLocale(acceptLanguage: string | undefined | null): Locale {
  if (!acceptLanguage) return DEFAULT_LOCALE
  const first = acceptLanguage.split(',')[0]?.trim().toLowerCase() ?? ''
  return first.startsWith('en') ? 'en' : DEFAULT_LOCALE
}

/** Translate a key with `{{param}}` interpolation; unknown keys fall back to the key itself. */
export function translate(locale: Locale, key: string, params: Record<string, string | number> = {}): string {
  const template = messages[locale][key] ?? messages[DEFAULT_LOCALE][key] ?? key
  return template.replace(/\{\{(\w+)\}\}/g, (_, name: string) => (name in params ? String(params[name]) : `{{${name}}}`))
}
