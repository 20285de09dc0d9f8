import { useSyncExternalStore } from 'react'

// The print view's route, #/print/<form>/<record> (optionally ?auto=1: open the print dialog once
// the sheet is painted). It is drawn outside the shell — no header, menu or navigation — so the
// page the browser prints and the page the desktop app turns into a PDF are the sheet alone.

export interface PrintRoute {
  formId: number
  recordId: number
  auto: boolean
}

const PRINT_ROUTE = /^#\/print\/(\d+)\/(\d+)\/?$/

export function parsePrintRoute(full: string): PrintRoute | null {
  const [hash = '', query = ''] = full.split('?')
  const m = PRINT_ROUTE.exec(hash)
  if (!m) return null
  return { formId: Number(m[1]), recordId: Number(m[2]), auto: new URLSearchParams(query).get('auto') === '1' }
}

export function printHash(formId: number, recordId: number, auto = false): string {
  return `#/print/${formId}/${recordId}${auto ? '?auto=1' : ''}`
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
