import type { MethodInput, MethodName, MethodOutput } from '@shared/api/contracts'
import type { ApiErrorBody, ErrorCode, MessageParams } from '@shared/errors'
import { currentLocale, i18n } from '../i18n'
import { requestKey } from '../lib/early-requests'

// The renderer's only way to the core. A typed Proxy over the contracts: `api.records.list(q)`
// calls the method 'records.list' through whichever transport fits where we run: the preload's
// `invoke` inside Electron, `POST /rpc/<method>` in a browser (LAN, phone, e2e tests).

/** `queued`: the desktop client answered a change from its replica while the office was unreachable (saved on this PC, sent later). */
type Envelope = { ok: true; data: unknown; queued?: boolean } | { ok: false; error: ApiErrorBody }
export type Transport = (method: MethodName, input: unknown) => Promise<Envelope>

declare global {
  interface Window {
    jimu?: { invoke(method: string, input: unknown, locale?: string): Promise<unknown> }
  }
}

export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** API key of the field the error is about (validation errors). */
    readonly field?: string,
    readonly messageKey?: string,
    readonly params?: MessageParams
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

function isEnvelope(value: unknown): value is Envelope {
  if (typeof value !== 'object' || value === null || !('ok' in value)) return false
  const ok = (value as { ok: unknown }).ok
  return ok === true || (ok === false && typeof (value as { error?: unknown }).error === 'object')
}

/**
 * Failures made on this side, not answered by the server: the request or its answer was lost on
 * the way (no connection, an aborted or garbled response). A call that took such an answer sent
 * ahead (the page's first script, the app's start) asks again rather than show it.
 */
const lostOnTheWay = new WeakSet<object>()
function lost(message: string): Envelope {
  const failure: Envelope = { ok: false, error: { code: 'INTERNAL', message } }
  lostOnTheWay.add(failure)
  return failure
}

const ipcTransport =
  (invoke: NonNullable<Window['jimu']>['invoke']): Transport =>
  async (method, input) => {
    const result = await invoke(method, input ?? {}, currentLocale())
    if (isEnvelope(result)) return result
    return { ok: false, error: { code: 'INTERNAL', message: i18n.t('common.unexpectedResponse', { status: 'IPC' }) } }
  }

const httpTransport: Transport = async (method, input) => {
  let response: Response
  try {
    response = await fetch(`/rpc/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'accept-language': currentLocale() },
      body: JSON.stringify(input ?? {}),
      credentials: 'same-origin'
    })
  } catch {
    return lost(i18n.t('common.networkError'))
  }
  // Errors come back as the same envelope with a 4xx/5xx status; anything else (a proxy's HTML
  // error page, an empty body) is reported with its status rather than as a JSON parse error.
  const body: unknown = await response.json().catch(() => null)
  if (isEnvelope(body)) return body
  return lost(i18n.t('common.unexpectedResponse', { status: response.status }))
}

const transport: Transport = typeof window !== 'undefined' && window.jimu?.invoke ? ipcTransport(window.jimu.invoke.bind(window.jimu)) : httpTransport

/** Methods whose UNAUTHENTICATED answer is a normal outcome, not an expired session. */
const SESSION_NEUTRAL = new Set<MethodName>(['system.status', 'auth.login', 'auth.setup', 'auth.logout'])

type Listener = (error: ApiError) => void
const unauthenticatedListeners = new Set<Listener>()

/** Called when a call fails because the session is gone; the app goes back to the login screen. */
export function onUnauthenticated(listener: Listener): () => void {
  unauthenticatedListeners.add(listener)
  return () => unauthenticatedListeners.delete(listener)
}

/** The server translates for the caller's locale; translating the key here keeps IPC callers in step with the UI language. */
function messageOf(error: ApiErrorBody): string {
  if (error.messageKey && i18n.exists(error.messageKey)) return i18n.t(error.messageKey, { ...error.params })
  return error.message
}

const queuedAnswers = new WeakSet<object>()

/**
 * Whether this answer of a change came from the laptop's replica (the office unreachable): the
 * change is saved on this PC and waits to be sent — the window says so rather than "saved".
 */
export function queuedOffline(answer: unknown): boolean {
  return typeof answer === 'object' && answer !== null && queuedAnswers.has(answer)
}

// Requests of the first screen sent before the components that need them have rendered
// (lib/first-screen.ts): a component's identical call (same method, same input) takes the answer
// once, while it is fresh; any other call goes to the server as usual.
const PREFETCH_FRESH_MS = 15_000
const prefetched = new Map<string, { at: number; answer: Promise<Envelope>; settled?: Envelope }>()

/**
 * Answers the page's first script asked for (src/early.ts), taken like prefetched ones: those sent
 * before this module loaded, and those it sends later (a phone's first cards, once the forms and
 * views have answered) — looked for again whenever a prefetched answer is.
 */
function adoptEarly(): void {
  const early = typeof window !== 'undefined' ? window.__jimuEarly : undefined
  if (!early) return
  for (const key of Object.keys(early)) {
    const asked = early[key]!
    delete early[key]
    const answer = asked.body.then((body): Envelope => (isEnvelope(body) ? body : lost(i18n.t('common.networkError'))))
    const entry: { at: number; answer: Promise<Envelope>; settled?: Envelope } = { at: asked.at, answer }
    prefetched.set(key, entry)
    answer.then((r) => (entry.settled = r), () => undefined)
  }
}
adoptEarly()

/** Sends a call now; the first identical `call` within 15 s gets its answer instead of asking again. */
export function prefetch<M extends MethodName>(method: M, input?: MethodInput<M>): Promise<MethodOutput<M> | undefined> {
  adoptEarly()
  const key = requestKey(method, input)
  const asked = prefetched.get(key)
  // Asked already (by the page's first script) and fresh: that answer, not a second request.
  if (asked && Date.now() - asked.at <= PREFETCH_FRESH_MS) return asked.answer.then((r) => (r.ok ? (r.data as MethodOutput<M>) : undefined), () => undefined)
  const answer = transport(method, input)
  const entry: { at: number; answer: Promise<Envelope>; settled?: Envelope } = { at: Date.now(), answer }
  prefetched.set(key, entry)
  answer.then((r) => (entry.settled = r), () => undefined)
  // The data, for a prefetch that depends on it; a failure is left for the call that takes it.
  return answer.then((r) => (r.ok ? (r.data as MethodOutput<M>) : undefined), () => undefined)
}

/** Forgets prefetched answers not taken yet (signing in or out, another host). */
export function dropPrefetched(): void {
  adoptEarly()
  prefetched.clear()
}

/**
 * A prefetched answer that has already arrived, taken now (for a component's first render, so it
 * renders with the data instead of a loader and a second pass); undefined if it has not arrived,
 * failed, or was not asked for — the component then calls as usual.
 */
export function takeArrived<M extends MethodName>(method: M, input?: MethodInput<M>): MethodOutput<M> | undefined {
  adoptEarly()
  if (prefetched.size === 0) return undefined
  const key = requestKey(method, input)
  const early = prefetched.get(key)
  if (!early?.settled?.ok || Date.now() - early.at > PREFETCH_FRESH_MS) return undefined
  prefetched.delete(key)
  return early.settled.data as MethodOutput<M>
}

function takePrefetched(method: MethodName, input: unknown): Promise<Envelope> | undefined {
  adoptEarly()
  if (prefetched.size === 0) return undefined
  const key = requestKey(method, input)
  const early = prefetched.get(key)
  if (!early) return undefined
  prefetched.delete(key)
  return Date.now() - early.at <= PREFETCH_FRESH_MS ? early.answer : undefined
}

export async function call<M extends MethodName>(method: M, input?: MethodInput<M>): Promise<MethodOutput<M>> {
  const ahead = takePrefetched(method, input)
  let result = await (ahead ?? transport(method, input))
  // Sent ahead and lost on the way: asked now, as if it had not been sent ahead.
  if (ahead && lostOnTheWay.has(result)) result = await transport(method, input)
  if (result.ok) {
    if (result.queued && typeof result.data === 'object' && result.data !== null) queuedAnswers.add(result.data)
    return result.data as MethodOutput<M>
  }
  const { error } = result
  const apiError = new ApiError(error.code, messageOf(error), error.field, error.messageKey, error.params)
  if (error.code === 'UNAUTHENTICATED' && !SESSION_NEUTRAL.has(method)) {
    for (const listener of unauthenticatedListeners) listener(apiError)
  }
  throw apiError
}

type GroupOf<N> = N extends `${infer G}.${string}` ? G : never
type Call<N extends MethodName> = undefined extends MethodInput<N>
  ? (input?: MethodInput<N>) => Promise<MethodOutput<N>>
  : (input: MethodInput<N>) => Promise<MethodOutput<N>>

export type Api = {
  [G in GroupOf<MethodName>]: { [N in MethodName as N extends `${G}.${infer M}` ? M : never]: Call<N> }
}

const groups = new Map<string, object>()

export const api = new Proxy({} as Api, {
  get(_target, group) {
    if (typeof group !== 'string') return undefined
    let methods = groups.get(group)
    if (!methods) {
      methods = new Proxy(
        {},
        {
          get: (_t, name) =>
            typeof name === 'string' ? (input?: unknown) => call(`${group}.${name}` as MethodName, input as never) : undefined
        }
      )
      groups.set(group, methods)
    }
    return methods
  }
})

export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message
  if (error instanceof Error) return error.message
  return String(error)
}
