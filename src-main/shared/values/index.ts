// Coercion of user and imported input to field values, and formatting of values for display
// and export. Pure TypeScript: imported by both the main process and the renderer.

export {
  DATE_ORDERS,
  excelSerialToIsoDate,
  guessDateOrder,
  isBlank,
  isoDateToExcelSerial,
  normalizeWidth,
  parseBoolean,
  parseDate,
  parseDateTime,
  parseEmail,
  parseNumber,
  parsePercent,
  parsePhone,
  parsePhoneAsTyped,
  parseUrl
} from './parse'
export type { DateOrder, DateOrderGuess, Parsed } from './parse'
export {
  CURRENCY_SYMBOLS,
  formatAmount,
  formatDate,
  formatDateTime,
  formatNumber,
  formatPercent,
  roundDecimal
} from './format'
export type { AmountFormatOptions, NumberFormatOptions, PercentFormatOptions } from './format'
