import { useCallback, useSyncExternalStore } from 'react'

// Where the user is, kept in the URL hash so a reload, the browser's back button and a link
// from search all land on the same place: a form and record (#/forms/12, #/forms/12/records/5),
// an administration page (#/admin/organization) or the personal settings (#/settings).

export const SECTIONS = ['home', 'organization', 'roles', 'audit', 'settings', 'dashboards', 'rules', 'todo', 'flows', 'apps', 'system', 'backups', 'conflicts'] as const
export type Section = (typeof SECTIONS)[number]

/** Pages only administrators see; the API refuses their methods to everyone else anyway. */
export const ADMIN_SECTIONS: ReadonlySet<Section> = new Set(['organization', 'roles', 'audit', 'rules', 'apps', 'system', 'backups'])

export interface Route {
  formId: number | null
  recordId: number | null
  /** A page that is not a form; when set, formId and recordId are null. */
  section?: Section | null
  /** The form designer of formId (#/forms/12/design). */
  design?: boolean
  /** Creating a new form in this app (#/apps/3/new-form); formId and recordId are null. */
  newFormAppId?: number | null
  /** The flow designer of this flow (#/flows/7); with section 'flows'. */
  flowId?: number | null
  /** One approval opened from the to-do center (#/todo/instances/9); with section 'todo'. */
  instanceId?: number | null
  /** The dashboard shown (#/dashboards/4); with section 'dashboards'. */
  dashboardId?: number | null
  /** A drill-down from a dashboard: the list opens filtered (#/forms/12?filter=<URI-encoded JSON filter>). */
  drill?: string | null
  /** A page of the sales app: the public pool (#/crm/pool), duplicates (#/crm/duplicates), a customer's 360° page (#/crm/customers/5), a quote's print view (#/crm/quotes/7), the sales forecast (#/crm/forecast). */
  crm?: { page: CrmPage; id: number | null } | null
}

export const CRM_PAGES = ['pool', 'duplicates', 'customers', 'quotes', 'forecast'] as const
export type CrmPage = (typeof CRM_PAGES)[number]
const CRM_ROUTE = /^#\/crm\/(pool|duplicates|customers|quotes|forecast)(?:\/(\d+))?\/?$/

// A record made offline on a desktop client has a negative id until the office numbers it.
const FORM_ROUTE = /^#\/forms\/(\d+)(?:\/records\/(-?\d+))?\/?$/
const DESIGN_ROUTE = /^#\/forms\/(\d+)\/design\/?$/
const NEW_FORM_ROUTE = /^#\/apps\/(\d+)\/new-form\/?$/
const SECTION_HASH: Record<Section, string> = {
  home: '#/home',
  todo: '#/todo',
  flows: '#/flows',
  organization: '#/admin/organization',
  roles: '#/admin/roles',
  audit: '#/admin/audit',
  rules: '#/admin/rules',
  apps: '#/admin/apps',
  settings: '#/settings',
  system: '#/admin/system',
  backups: '#/admin/backups',
  dashboards: '#/dashboards',
  conflicts: '#/sync/conflicts'
}
const DASHBOARD_ROUTE = /^#\/dashboards\/(\d+)\/?$/

export function parseRoute(full: string): Route {
  const [hash = '', query = ''] = full.split('?')
  const drill = new URLSearchParams(query).get('filter')
  const clean = hash.replace(/\/$/, '')
  const flow = /^#\/flows\/(\d+)\/?$/.exec(hash)
  if (flow) return { formId: null, recordId: null, section: 'flows', flowId: Number(flow[1]) }
  const instance = /^#\/todo\/instances\/(\d+)\/?$/.exec(hash)
  if (instance) return { formId: null, recordId: null, section: 'todo', instanceId: Number(instance[1]) }
  const crm = CRM_ROUTE.exec(hash)
  if (crm) return { formId: null, recordId: null, section: null, crm: { page: crm[1] as CrmPage, id: crm[2] ? Number(crm[2]) : null } }
  const dashboard = DASHBOARD_ROUTE.exec(hash)
  if (dashboard) return { formId: null, recordId: null, section: 'dashboards', dashboardId: Number(dashboard[1]) }
  for (const section of SECTIONS) if (SECTION_HASH[section] === clean) return { formId: null, recordId: null, section }
  const design = DESIGN_ROUTE.exec(hash)
  if (design) return { formId: Number(design[1]), recordId: null, section: null, design: true }
  const newForm = NEW_FORM_ROUTE.exec(hash)
  if (newForm) return { formId: null, recordId: null, section: null, newFormAppId: Number(newForm[1]) }
  const m = FORM_ROUTE.exec(hash)
  return m ? { formId: Number(m[1]), recordId: m[2] ? Number(m[2]) : null, section: null, drill } : { formId: null, recordId: null, section: null }
}

export function routeHash(route: Route): string {
  if (route.section === 'flows' && route.flowId) return `#/flows/${route.flowId}`
  if (route.section === 'todo' && route.instanceId) return `#/todo/instances/${route.instanceId}`
  if (route.crm) return `#/crm/${route.crm.page}${route.crm.id ? `/${route.crm.id}` : ''}`
  if (route.section === 'dashboards' && route.dashboardId) return `#/dashboards/${route.dashboardId}`
  if (route.section) return SECTION_HASH[route.section]
  if (route.drill && route.formId !== null) return `#/forms/${route.formId}?filter=${encodeURIComponent(route.drill)}`
  if (route.newFormAppId) return `#/apps/${route.newFormAppId}/new-form`
  if (route.design && route.formId !== null) return `#/forms/${route.formId}/design`
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

export function goToSection(section: Section): void {
  navigate({ formId: null, recordId: null, section })
}

export function useRoute(): [Route, (route: Route) => void] {
  const hash = useSyncExternalStore(subscribe, snapshot)
  const go = useCallback((route: Route) => navigate(route), [])
  return [parseRoute(hash), go]
}
