import type { MethodName } from '../shared/api/contracts'
import { DomainError } from '../shared/errors'

// REST routes for integrations: each maps an HTTP method + path onto one contract method, so
// validation, permissions and errors are exactly those of the app's own API.

export interface RestRoute {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE'
  path: string
  rpc: MethodName
  status?: number
  summary: string
  /** Build the contract input from path params, query string and JSON body. */
  input(params: Record<string, string>, query: URLSearchParams, body: unknown): unknown
  /** Reshape the contract output for REST, when it differs. */
  output?(data: unknown): unknown
  query?: Array<{ name: string; description: string }>
}

const formRef = (v: string) => (/^\d+$/.test(v) ? Number(v) : v)
const obj = (body: unknown): Record<string, unknown> => (typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {})

/** `fields` may be sent wrapped (`{"fields": {...}}`) or as the bare object. */
const fieldsOf = (body: unknown) => {
  const o = obj(body)
  return typeof o.fields === 'object' && o.fields !== null ? o.fields : o
}

function parseJsonParam(query: URLSearchParams, name: string): unknown {
  const raw = query.get(name)
  if (raw === null || raw === '') return undefined
  try {
    return JSON.parse(raw)
  } catch {
    throw new DomainError('BAD_REQUEST', 'error.badRequest', { detail: `${name}: invalid JSON` }, name)
  }
}

/** `sort=-amount,name` → [{amount desc}, {name asc}] */
function parseSort(raw: string | null) {
  if (!raw) return undefined
  return raw.split(',').filter(Boolean).map((s) => (s.startsWith('-') ? { field: s.slice(1), dir: 'desc' as const } : { field: s.replace(/^\+/, ''), dir: 'asc' as const }))
}

export const REST_ROUTES: RestRoute[] = [
  { method: 'POST', path: '/api/v1/auth/login', rpc: 'auth.login', summary: 'Log in; use the returned token as `Authorization: Bearer <token>`', input: (_p, _q, b) => b },
  { method: 'GET', path: '/api/v1/forms', rpc: 'forms.list', summary: 'Forms with their fields', input: () => ({}) },
  { method: 'GET', path: '/api/v1/forms/{form}', rpc: 'forms.get', summary: 'One form with its fields', input: (p) => ({ form: formRef(p.form!) }) },
  {
    method: 'GET', path: '/api/v1/forms/{form}/records', rpc: 'records.list', summary: 'List records',
    query: [
      { name: 'filter', description: 'JSON filter: {"field":"stage","op":"eq","value":"谈判"} or {"and":[...]} / {"or":[...]}' },
      { name: 'sort', description: 'Comma-separated field keys; prefix with - for descending, e.g. -amount,name' },
      { name: 'limit', description: 'Page size, 1–500 (default 50)' },
      { name: 'cursor', description: 'nextCursor from the previous page' },
      { name: 'search', description: 'Full-text search' },
      { name: 'withTotal', description: 'true to include the total count' }
    ],
    input: (p, q) => ({
      form: formRef(p.form!), filter: parseJsonParam(q, 'filter'), sort: parseSort(q.get('sort')),
      limit: q.get('limit') ? Number(q.get('limit')) : undefined, cursor: q.get('cursor') ?? undefined,
      search: q.get('search') ?? undefined, withTotal: q.get('withTotal') === 'true'
    })
  },
  { method: 'POST', path: '/api/v1/forms/{form}/records', rpc: 'records.create', status: 201, summary: 'Create a record (fields by API key)', input: (p, _q, b) => ({ form: formRef(p.form!), fields: fieldsOf(b) }) },
  { method: 'GET', path: '/api/v1/forms/{form}/records/{id}', rpc: 'records.get', summary: 'One record', input: (p) => ({ form: formRef(p.form!), id: Number(p.id) }) },
  {
    method: 'PATCH', path: '/api/v1/forms/{form}/records/{id}', rpc: 'records.update', summary: 'Change fields of a record',
    input: (p, _q, b) => ({ form: formRef(p.form!), id: Number(p.id), fields: fieldsOf(b), version: obj(b).version })
  },
  { method: 'DELETE', path: '/api/v1/forms/{form}/records/{id}', rpc: 'records.delete', summary: 'Delete a record (recoverable)', input: (p) => ({ form: formRef(p.form!), ids: [Number(p.id)] }) }
]

export function matchRoute(method: string, pathname: string): { route: RestRoute; params: Record<string, string> } | null {
  for (const route of REST_ROUTES) {
    if (route.method !== method) continue
    const names: string[] = []
    const pattern = new RegExp('^' + route.path.replace(/\{(\w+)\}/g, (_, n: string) => (names.push(n), '([^/]+)')) + '/?$')
    const m = pattern.exec(pathname)
    if (m) return { route, params: Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1]!)])) }
  }
  return null
}
