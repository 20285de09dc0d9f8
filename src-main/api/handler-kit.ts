import type { Actor } from '../access/actor'
import type { MethodName, MethodOutput, MethodParsedInput } from '../shared/api/contracts'
import { AuthError } from '../shared/errors'
import type { Locale } from '../shared/locales'
import type { CoreHost } from './host'

// What every handler file shares: the call context, the handler type and the small helpers.
// Handlers are one per contract method, each a thin call into the core; they never know which
// transport called them.

export interface CallContext {
  host: CoreHost
  actor: Actor | null
  token: string | null
  locale: Locale
  client?: string
  /** The caller's network address (or DESKTOP_ADDRESS); see CallOptions. */
  address?: string
}

export type Handler<M extends MethodName> = (input: MethodParsedInput<M>, ctx: CallContext) => MethodOutput<M> | Promise<MethodOutput<M>>
/** The handler table for a set of contracts: a missing or mistyped handler is a compile error. */
export type HandlersOf<C> = { [M in keyof C & MethodName]: Handler<M> }

export const actorOf = (ctx: CallContext): Actor => {
  if (!ctx.actor) throw new AuthError()
  return ctx.actor
}
export const ok = { ok: true as const }

/** Field and form design: administrators, or roles with the design action on that form. */
export function designer(ctx: CallContext, formRef: number | string): void {
  ctx.host.core.access.authorizeDesign(actorOf(ctx), ctx.host.core.schema.form(formRef))
}
