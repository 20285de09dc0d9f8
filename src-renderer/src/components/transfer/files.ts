// What the import accepts; files travel through the transfer API as base64 (lib/download).

/** Files the import takes (the server checks the bytes themselves). */
export const SHEET_ACCEPT = {
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': ['.xlsx'],
  'application/vnd.ms-excel': ['.xls', '.csv'],
  'text/csv': ['.csv'],
  'text/plain': ['.txt']
}
export const MAX_IMPORT_FILE = 50 * 1024 * 1024
