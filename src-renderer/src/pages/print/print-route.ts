import { useSyncExternalStore } from 'react'

// The print view's route, #/print/<form>/<record> (optionally ?auto=1: open the print dialog once
// the sheet is painted). It is drawn outside the shell — no header, menu or navigation — so the
// page the browser prints and the page the desktop app turns into a PDF are the sheet alone.

export interface PrintRoute {
  formId: number
  recordId: number
  auto: boolean
  /** A Word file of the record (#/print/<form>/<record>/doc/<field>/<hash>): the document itself, not the record's fields. */
  document?: { fieldId: number; hash: string }
}

const PRINT_ROUTE = /^#\/print\/(\d+)\/(\d+)(?:\/doc\/(\d+)\/([0-9a-f]{64}))?\/?$/

export function parsePrintRoute(full: string): PrintRoute | null {
  const [hash = '', query = ''] = full.split('?')
  const m = PRINT_ROUTE.exec(hash)
  if (!m) return null
  const route: PrintRoute = { formId: Number(m[1]), recordId: Number(m[2]), auto: new URLSearchParams(query).get('auto') === '1' }
  if (m[3] && m[4]) route.document = { fieldId: Number(m[3]), hash: m[4] }
  return route
}

export function printHash(formId: number, recordId: number, auto = false, document?: { fieldId: number; hash: string }): string {
  const doc = document ? `/doc/${document.fieldId}/${document.hash}` : ''
  return `#/print/${formId}/${recordId}${doc}${auto ? '?auto=1' : ''}`
}

/** Opens a print view: in the desktop window in place (its back button returns), in a browser in a new tab. */
export function openPrintView(hash: string): void {
  if (typeof window !== 'undefined' && (window as { jimu?: { invoke?: unknown } }).jimu?.invoke) window.location.hash = hash
  else window.open(`${window.location.pathname}${window.location.search}${hash}`, '_blank', 'noopener')
}

const subscribe = (onChange: () => void) => {
  window.addEventListener('hashchange', onChange)
  return () => window.removeEventListener('hashchange', onChange)
}

/** The print route the window shows, or null for every other page. */
export function usePrintRoute(): PrintRoute | null {
  const hash = useSyncExternalStore(subscribe, () => window.location.hash)
  return parsePrintRoute(hash)
}
