import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AttachmentStore } from '../attachments'
import type { SystemSettings } from '../settings/system-settings'
import { DomainError } from '../shared/errors'
import { translate, type Locale } from '../shared/locales'
import { PAGE_CSP, formPage, messagePage, surveyPage, thanksPage } from './page'
import { HONEYPOT } from './permission'
import { PublicFormService, type PublicDefinition } from './service'
import type { SurveyDefinition } from './survey'

// The public forms' HTTP route, /p/<token>[/…], the only part of the server a visitor without a
// session reaches besides sign-in. It answers four things and nothing else:
//   GET  /p/<token>             the page (the published fields' labels and options);
//   GET  /p/<token>/definition  the same definition as JSON;
//   GET  /p/<token>/logo        the company logo, when the page shows it;
//   POST /p/<token>             one submission (an HTML form post or JSON).
// No session is read or set, no dispatcher method is reachable, no record is ever read back. The
// Host header was checked by the server before this route runs. Bodies are capped at 32 KiB, and
// accepted submissions per address are limited (one per 15 seconds, 30 per hour).

const MAX_BODY = 32 * 1024
const BURST_MS = 15_000
const HOURLY = 30

/** Accepted submissions per client address: a short gap between two, and a cap per hour. */
export class SubmissionLimiter {
  private seen = new Map<string, number[]>()

  constructor(private readonly now: () => number = Date.now) {}

  allowed(address: string): boolean {
    const now = this.now()
    const recent = (this.seen.get(address) ?? []).filter((t) => now - t < 3_600_000)
    this.seen.set(address, recent)
    return recent.length < HOURLY && (recent.length === 0 || now - recent[recent.length - 1]! >= BURST_MS)
  }

  record(address: string): void {
    const list = this.seen.get(address) ?? []
    list.push(this.now())
    this.seen.set(address, list)
    if (this.seen.size > 10_000) for (const [k, v] of this.seen) if (v.every((t) => this.now() - t >= 3_600_000)) this.seen.delete(k)
  }
}

class RouteError extends DomainError {
  constructor(readonly status: number, messageKey: string, params: Record<string, string | number> = {}, field?: string) {
    super(status === 429 ? 'PERMISSION' : 'BAD_REQUEST', messageKey, params, field)
  }
}

/** What the route reads: the live core's public forms, company logo and stored files (a restore swaps the core). */
export interface PublicRouteCore {
  publicForms: PublicFormService
  settings: SystemSettings
  attachments: AttachmentStore
}

export interface PublicRouteOptions {
  core: () => PublicRouteCore
  /** The server's security headers for every response (nosniff, no framing, no referrer…). */
  baseHeaders: Record<string, string>
  limiter?: SubmissionLimiter
}

/** Build the route handler; the server calls it for every path under /p/. */
export function publicFormRoute(options: PublicRouteOptions) {
  const limiter = options.limiter ?? new SubmissionLimiter()

  function send(res: ServerResponse, status: number, type: 'html' | 'json', body: string, extra: Record<string, string> = {}): void {
    res.writeHead(status, {
      ...options.baseHeaders,
      'content-type': type === 'html' ? 'text/html; charset=utf-8' : 'application/json; charset=utf-8',
      'content-security-policy': type === 'html' ? PAGE_CSP : "default-src 'none'; frame-ancestors 'none'",
      'cache-control': 'no-store',
      ...extra
    })
    res.end(body)
  }

  async function readBody(req: IncomingMessage): Promise<string> {
    if (Number(req.headers['content-length'] ?? 0) > MAX_BODY) throw new RouteError(413, 'publicforms.error.tooLarge')
    const chunks: Buffer[] = []
    let size = 0
    for await (const chunk of req) {
      size += (chunk as Buffer).length
      if (size > MAX_BODY) throw new RouteError(413, 'publicforms.error.tooLarge')
      chunks.push(chunk as Buffer)
    }
    return Buffer.concat(chunks).toString('utf8')
  }

  /** The submitted fields by key (repeated keys — checkboxes — joined), the honeypot apart. */
  async function readSubmission(req: IncomingMessage, kind: 'form' | 'json'): Promise<{ fields: Record<string, string[]>; trap: boolean }> {
    const text = await readBody(req)
    const fields: Record<string, string[]> = {}
    let trap = false
    const add = (key: string, value: unknown) => {
      if (typeof value !== 'string' && typeof value !== 'number') throw new RouteError(400, 'publicforms.error.badRequest')
      if (key === HONEYPOT) {
        trap ||= String(value).trim() !== ''
        return
      }
      ;(fields[key] ??= []).push(String(value))
    }
    if (kind === 'form') {
      for (const [k, v] of new URLSearchParams(text)) add(k, v)
    } else {
      let parsed: unknown
      try {
        parsed = JSON.parse(text || '{}')
      } catch {
        throw new RouteError(400, 'publicforms.error.badRequest')
      }
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new RouteError(400, 'publicforms.error.badRequest')
      for (const [k, v] of Object.entries(parsed)) for (const item of Array.isArray(v) ? v : [v]) add(k, item)
    }
    if (Object.keys(fields).length > 60) throw new RouteError(413, 'publicforms.error.tooLarge')
    return { fields, trap }
  }

  const showsLogo = (def: PublicDefinition) => def.showLogo && options.core().settings.company().logo !== null

  /** 满意度回访: the survey page of a one-time token, and its one answer. */
  async function answerSurvey(req: IncomingMessage, res: ServerResponse, token: string, survey: SurveyDefinition | 'used', locale: Locale): Promise<void> {
    const done = (status: number) => send(res, status, 'html', messagePage(locale, translate(locale, 'publicforms.survey.thanksTitle'), translate(locale, 'publicforms.survey.thanks')))
    if (survey === 'used') return done(410)
    const method = req.method ?? 'GET'
    if (method === 'GET' || method === 'HEAD') return send(res, 200, 'html', surveyPage(locale, survey))
    if (method !== 'POST') return send(res, 405, 'json', '{}', { allow: 'GET, POST' })
    const type = String(req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase()
    if (type !== 'application/x-www-form-urlencoded' && type !== 'application/json') return send(res, 415, 'html', surveyPage(locale, survey, translate(locale, 'publicforms.error.badRequest')))
    try {
      const { fields } = await readSubmission(req, type === 'application/json' ? 'json' : 'form')
      options.core().publicForms.surveys.answer(token, Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, v[0] ?? ''])))
    } catch (e) {
      if (e instanceof DomainError) {
        const status = e instanceof RouteError ? e.status : e.code === 'VALIDATION' ? 422 : e.code === 'CONFLICT' ? 410 : 404
        if (status === 410) return done(410)
        return send(res, status, 'html', surveyPage(locale, survey, translate(locale, e.messageKey, e.params)))
      }
      throw e
    }
    return done(200)
  }

  return async function handle(req: IncomingMessage, res: ServerResponse, url: URL, locale: Locale): Promise<void> {
    const service = options.core().publicForms
    const [token = '', part, ...rest] = url.pathname.slice(3).split('/')
    const method = req.method ?? 'GET'
    const definition = rest.length === 0 && PublicFormService.isToken(token) ? service.definition(token) : null
    if (definition === null && rest.length === 0 && part === undefined) {
      const survey = service.surveys.definition(token)
      if (survey !== null) return answerSurvey(req, res, token, survey, locale)
    }
    if (definition === null) return send(res, 404, 'html', messagePage(locale, translate(locale, 'publicforms.notFoundTitle'), translate(locale, 'publicforms.error.notFound')))
    if (definition === 'closed') {
      const closed = translate(locale, 'publicforms.closed')
      return part === 'definition' || method === 'POST'
        ? send(res, 410, 'json', JSON.stringify({ code: 'CONFLICT', message: closed }))
        : send(res, 410, 'html', messagePage(locale, closed, translate(locale, 'publicforms.closedBody')))
    }

    if (part === 'definition' && method === 'GET') {
      const { title, intro, fields, hidden } = definition
      return send(res, 200, 'json', JSON.stringify({ title, intro, fields, hidden: hidden.map((h) => ({ key: h.key, param: h.param })) }))
    }
    if (part === 'logo' && method === 'GET') {
      const logo = showsLogo(definition) ? options.core().settings.company().logo : null
      if (!logo) return send(res, 404, 'json', '{}')
      const file = options.core().attachments.get(logo.hash)
      res.writeHead(200, { ...options.baseHeaders, 'content-type': logo.mime, 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; sandbox", 'cache-control': 'no-store' })
      res.end(file.data)
      return
    }
    if (part !== undefined) return send(res, 404, 'json', '{}')

    const hiddenFromLink = () => Object.fromEntries(definition.hidden.map((h) => [h.key, (url.searchParams.get(h.param) ?? h.value).slice(0, 200)]))
    if (method === 'GET' || method === 'HEAD') return send(res, 200, 'html', formPage(locale, definition, { hidden: hiddenFromLink(), logo: showsLogo(definition) }))
    if (method !== 'POST') return send(res, 405, 'json', '{}', { allow: 'GET, POST' })

    const type = String(req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase()
    const kind = type === 'application/x-www-form-urlencoded' ? 'form' : type === 'application/json' ? 'json' : null
    const address = req.socket.remoteAddress ?? '?'
    const refuse = (status: number, e: DomainError, values?: Record<string, string[]>) => {
      const message = translate(locale, e.messageKey, e.params)
      const field = e.field && definition.fields.some((f) => f.key === e.field) ? e.field : undefined
      if (kind === 'form') return send(res, status, 'html', formPage(locale, definition, { values, hidden: Object.fromEntries(definition.hidden.map((h) => [h.key, values?.[h.key]?.[0] ?? ''])), error: { message, field }, logo: showsLogo(definition) }))
      return send(res, status, 'json', JSON.stringify({ code: e.code, message, field: e.field ?? null }), status === 429 ? { 'retry-after': '15' } : {})
    }
    if (!kind) return refuse(415, new RouteError(415, 'publicforms.error.badRequest'))
    let submission: Awaited<ReturnType<typeof readSubmission>>
    try {
      submission = await readSubmission(req, kind)
    } catch (e) {
      if (e instanceof RouteError) {
        res.setHeader('connection', 'close')
        return refuse(e.status, e)
      }
      throw e
    }
    const done = () => (kind === 'form' ? send(res, 200, 'html', thanksPage(locale, definition, showsLogo(definition))) : send(res, 200, 'json', JSON.stringify({ ok: true })))
    // A robot filled the field people cannot see: it is thanked, and nothing is written.
    if (submission.trap) return done()
    if (!limiter.allowed(address)) return refuse(429, new RouteError(429, 'publicforms.error.tooMany'), submission.fields)
    const values = Object.fromEntries(Object.entries(submission.fields).map(([k, v]) => [k, v.join(',')]))
    try {
      service.submit(token, values, address)
    } catch (e) {
      if (e instanceof DomainError) {
        const status = e.code === 'VALIDATION' ? 422 : e.code === 'CONFLICT' ? 410 : e.code === 'NOT_FOUND' ? 404 : 400
        // The pipeline names the field by its label; the page shows it beside that field.
        return refuse(status, e, submission.fields)
      }
      throw e
    }
    limiter.record(address)
    return done()
  }
}
