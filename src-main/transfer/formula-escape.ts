// Spreadsheet formula injection: text starting with =, +, -, @ (or a tab or carriage return) is
// run as a formula by Excel when a CSV is opened. Exports put an apostrophe in front, the way
// Excel itself marks text; imports take it away again. Text that already starts with apostrophes
// before such a character gets one more, so export → import gives back exactly what was stored.

const NEEDS = /^'*[=+\-@\t\r]/

export function escapeFormula(text: string): string {
  return NEEDS.test(text) ? `'${text}` : text
}

export function unescapeFormula(text: string): string {
  return text.startsWith("'") && NEEDS.test(text.slice(1)) ? text.slice(1) : text
}
