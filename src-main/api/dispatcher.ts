import type { z } from 'zod'
import { toActor } from '../access/auth'
import { contracts, READ_ONLY_METHODS, type InputLimitIssue, type MethodName } from '../shared/api/contracts'
import { DomainError, type ApiErrorBody } from '../shared/errors'
import { translate, type Locale } from '../shared/locales'
import { handlers, type CallContext } from './handlers'
import type { CoreHost } from './host'

// The one dispatcher: validate input against the contract, resolve the actor from the session,
// check the method's access level, run the handler, and map every error to {code, message, field}
// translated for the caller. Both transports (IPC and HTTP) call only this.

export type RpcResult = { ok: true; data: unknown } | { ok: false; error: ApiErrorBody }

export interface CallOptions {
  token?: string | null
  locale?: Locale
  client?: string
  /**
   * Where the call comes from: the peer's IP address over HTTP, DESKTOP_ADDRESS from the desktop
   * app. Failed sign-ins are counted per login and address.
   */
  address?: string
}

export class Dispatcher {
  constructor(private readonly host: CoreHost, private readonly log: (message: string, error: unknown) => void = defaultLog) {}

  async call(method: string, rawInput: unknown, options: CallOptions = {}): Promise<RpcResult> {
    let locale: Locale = options.locale ?? 'zh-CN'
    try {
      if (!Object.hasOwn(contracts, method)) return fail(locale, new DomainError('BAD_REQUEST', 'error.unknownMethod', { method }))
      const name = method as MethodName
      const contract = contracts[name]
      // During a restore the old connection is closed and the new one not yet open: every call
      // is answered "try again shortly" instead of reaching a closed database.
      const restoring = this.host.restoringFile
      if (restoring) return fail(locale, new DomainError('CONFLICT', 'error.restoreInProgress', { file: restoring }))
      const principal = options.token ? this.host.core.auth.resolve(options.token) : null
      const actor = principal ? toActor(principal.user) : null
      if (!options.locale && actor) locale = actor.locale
      if (contract.access !== 'public' && !actor) return fail(locale, new DomainError('UNAUTHENTICATED', options.token ? 'error.sessionExpired' : 'error.unauthenticated'))
      if (contract.access === 'admin' && !actor?.isAdmin) return fail(locale, new DomainError('PERMISSION', 'error.adminOnly'))
      if (principal?.scope === 'read' && !READ_ONLY_METHODS.has(name)) return fail(locale, new DomainError('PERMISSION', 'error.tokenReadOnly'))
      const parsed = contract.input.safeParse(rawInput ?? {})
      if (!parsed.success) {
        const issue = limitIssueIn(parsed.error.issues[0]!)
        const path = issue.path.map(String)
        // The first path segment past `fields` names the field when the error is about one.
        const field = path[0] === 'fields' && path[1] ? path[1] : path.join('.') || undefined
        return fail(locale, inputError(locale, issue, path, field))
      }
      const ctx: CallContext = { host: this.host, actor, token: options.token ?? null, locale, client: options.client, address: options.address }
      const handler = handlers[name] as (input: unknown, ctx: CallContext) => unknown
      const data = await handler(parsed.data, ctx)
      return { ok: true, data }
    } catch (e) {
      if (e instanceof DomainError) return fail(locale, e)
      this.log(`API ${method} failed`, e)
      return fail(locale, new DomainError('INTERNAL', 'error.internal'))
    }
  }
}

export function errorBody(locale: Locale, e: DomainError): ApiErrorBody {
  let message = translate(locale, e.messageKey, e.params)
  if (e.row !== undefined) message = translate(locale, 'value.rowError', { row: e.row, message })
  const body: ApiErrorBody = { code: e.code, message, messageKey: e.messageKey, params: e.params }
  if (e.field) body.field = e.field
  if (e.row !== undefined) body.row = e.row
  return body
}

/**
 * A contract violation as a field-named, translated error: length and range problems read like
 * value errors (“密码”至少 8 个字); anything else is a malformed request naming the path.
 */
function inputError(locale: Locale, issue: z.core.$ZodIssue, path: string[], field: string | undefined): DomainError {
  const key = path[path.length - 1] ?? 'input'
  const label = translate(locale, `input.${key}`) === `input.${key}` ? key : translate(locale, `input.${key}`)
  const limit = (issue as { minimum?: number | bigint; maximum?: number | bigint })
  // A contract's own limit (filter size, control characters) carries its message key: say it with the input's name.
  const own = issue.code === 'custom' ? (issue.params as InputLimitIssue | undefined) : undefined
  if (own?.messageKey) {
    const { messageKey, ...params } = own
    return new DomainError('VALIDATION', messageKey, { ...params, field: label }, field)
  }
  if (issue.code === 'too_small' && (issue as { origin?: string }).origin === 'string') {
    return new DomainError('VALIDATION', Number(limit.minimum) <= 1 ? 'value.required' : 'value.tooShort', { field: label, min: Number(limit.minimum) }, field)
  }
  if (issue.code === 'too_big' && (issue as { origin?: string }).origin === 'string') return new DomainError('VALIDATION', 'value.tooLong', { field: label, max: Number(limit.maximum) }, field)
  if (issue.code === 'too_small' && (issue as { origin?: string }).origin === 'number') return new DomainError('VALIDATION', 'value.tooSmall', { field: label, min: Number(limit.minimum) }, field)
  if (issue.code === 'too_big' && (issue as { origin?: string }).origin === 'number') return new DomainError('VALIDATION', 'value.tooLarge', { field: label, max: Number(limit.maximum) }, field)
  return new DomainError('VALIDATION', 'error.badRequest', { detail: `${path.join('.') || 'input'}: ${issue.message}` }, field)
}

/**
 * A union names no option when all fail (“Invalid input”). When one option failed on a
 * contract's own limit (a filter nested too deep inside a report measure), that is the answer
 * worth giving: the limit's issue, with its full path.
 */
function limitIssueIn(issue: z.core.$ZodIssue): z.core.$ZodIssue {
  const pending: Array<[z.core.$ZodIssue, PropertyKey[]]> = [[issue, []]]
  while (pending.length) {
    const [candidate, prefix] = pending.shift()!
    const path = [...prefix, ...candidate.path]
    if (candidate.code === 'custom' && (candidate.params as InputLimitIssue | undefined)?.messageKey) return { ...candidate, path }
    if (candidate.code === 'invalid_union') for (const option of candidate.errors) for (const inner of option) pending.push([inner, path])
  }
  return issue
}

function fail(locale: Locale, e: DomainError): RpcResult {
  return { ok: false, error: errorBody(locale, e) }
}

function defaultLog(message: string, error: unknown): void {
  console.error(message, error)
}
