import { useCallback, useSyncExternalStore } from 'react'

// Where the user is, kept in the URL hash so a reload, the browser's back button and a link
// from search all land on the same form and record: #/forms/12 or #/forms/12/records/5.

export interface Route {
  formId: number | null
  recordId: number | null
}

const ROUTE = /^#\/forms\/(\d+)(?:\/records\/(\d+))?\/?$/

export function parseRoute(hash: string): Route {
  const m = ROUTE.exec(hash)
  return m ? { formId: Number(m[1]), recordId: m[2] ? Number(m[2]) : null } : { formId: null, recordId: null }
}

export function routeHash(route: Route): string {
  if (route.formId === null) return '#/'
  return route.recordId === null ? `#/forms/${route.formId}` : `#/forms/${route.formId}/records/${route.recordId}`
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange)
  return () => window.removeEventListener('hashchange', onChange)
}

const snapshot = () => window.location.hash

export function navigate(route: Route): void {
  const hash = routeHash(route)
  if (window.location.hash !== hash) window.location.hash = hash
}

export function useRoute(): [Route, (route: Route) => void] {
  const hash = useSyncExternalStore(subscribe, snapshot)
  const go = useCallback((route: Route) => navigate(route), [])
  return [parseRoute(hash), go]
}
