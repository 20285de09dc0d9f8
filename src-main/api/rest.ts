import type { MethodName } from '../shared/api/contracts'
import { DomainError, ValidationError } from '../shared/errors'

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

/** A whole number ≥ `min` from the query string, or undefined when absent; anything else is refused naming the parameter. */
function intParam(query: URLSearchParams, name: string, min: number, key = 'aggregates.badNumber'): number | undefined {
  const raw = query.get(name)
  if (raw === null || raw === '') return undefined
  if (!/^\d+$/.test(raw) || Number(raw) < min) throw new ValidationError(key, { field: name }, name)
  return Number(raw)
}

/**
 * Paging for integrations: `cursor` (keyset, the default and fast path), or `offset`, or
 * `page` (1-based, `limit` records a page). `page` and `offset` together are refused.
 */
function paging(query: URLSearchParams) {
  const limit = query.get('limit') ? Number(query.get('limit')) : undefined
  const page = intParam(query, 'page', 1, 'aggregates.badPage')
  const offset = intParam(query, 'offset', 0)
  if (page !== undefined && offset !== undefined) throw new ValidationError('aggregates.offsetWithCursor', { offset: 'offset', cursor: 'page', page: 'page' }, 'page')
  return { limit, offset: page !== undefined ? (page - 1) * (limit ?? 50) : offset, cursor: query.get('cursor') ?? undefined }
}

/** `sums=amount,cost` or repeated `sums=amount&sums=cost` */
function listParam(query: URLSearchParams, name: string): string[] | undefined {
  const values = query.getAll(name).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean)
  return values.length ? values : undefined
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
      { name: 'cursor', description: 'nextCursor from the previous page (keyset paging: the default and the fast path)' },
      { name: 'page', description: 'Page number from 1, `limit` records a page (for integrations that number pages; deep pages cost more than the cursor)' },
      { name: 'offset', description: 'Skip this many matching records, 0–100000 (instead of page; not with cursor)' },
      { name: 'search', description: 'Full-text search' },
      { name: 'withTotal', description: 'true to include the total count' }
    ],
    input: (p, q) => ({
      form: formRef(p.form!), filter: parseJsonParam(q, 'filter'), sort: parseSort(q.get('sort')), ...paging(q),
      search: q.get('search') ?? undefined, withTotal: q.get('withTotal') === 'true'
    })
  },
  {
    method: 'GET', path: '/api/v1/forms/{form}/aggregate', rpc: 'records.count',
    summary: 'Count records matching a filter, optionally grouped by a field, with sums of number fields (overall and per group; at most 1,000 groups, largest first)',
    query: [
      { name: 'groupBy', description: 'Field key to group by, e.g. stage' },
      { name: 'sums', description: 'Comma-separated number field keys to sum, e.g. amount,cost' },
      { name: 'filter', description: 'JSON filter, as for the record list' },
      { name: 'search', description: 'Full-text search' }
    ],
    input: (p, q) => ({
      form: formRef(p.form!), filter: parseJsonParam(q, 'filter'), search: q.get('search') ?? undefined,
      groupBy: q.get('groupBy') ?? undefined, sums: listParam(q, 'sums')
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
