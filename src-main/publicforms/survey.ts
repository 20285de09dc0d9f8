import { randomBytes } from 'node:crypto'
import QRCode from 'qrcode'
import type { Actor } from '../access/actor'
import type { AccessLayer } from '../access/access-layer'
import type { Sqlite } from '../db/connection'
import type { Clock } from '../clock'
import type { FormModel } from '../forms/model'
import type { SchemaService } from '../forms/schema-service'
import type { ReadService } from '../records/read-service'
import type { WritePipeline } from '../records/write-pipeline'
import { SYSTEM_ACTOR } from '../access/actor'
import { ConflictError, NotFoundError, ValidationError } from '../shared/errors'
import { PUBLIC_ACTOR } from './permission'

// 满意度回访 (satisfaction surveys): a one-time public link for one record — a closed service
// ticket — where the customer gives a score from 1 to 5 and a comment. Any form can carry a
// survey: it needs a number field `csatScore`, and may have a multi-line `csatComment` and a
// date-time `csatAt` (the sales app's 服务工单 has all three). The answer is written by the public
// actor through the write pipeline, only into those fields; the token is then spent. An agent who
// asks on the phone fills in the same fields on the record.

export const SURVEY_FIELDS = { score: 'csatScore', comment: 'csatComment', at: 'csatAt' } as const

/** Where links handed out start: the public address (访问地址) when set, else the page's origin (a browser's), else none. */
export function linkBase(deps: { publicUrl?: () => string }, origin?: string): string | null {
  return deps.publicUrl?.() || origin || null
}

export interface SurveyDeps {
  db: Sqlite
  clock: Clock
  schema: SchemaService
  access: AccessLayer
  reads: ReadService
  writes: WritePipeline
  /** 访问地址 (system settings): survey links start with it when set. */
  publicUrl?: () => string
}

export interface SurveyDefinition {
  token: string
  /** The record's title, so the customer knows which service is being rated. */
  subject: string
  withComment: boolean
}

const TOKEN = /^[A-Za-z0-9_-]{24}$/

export class SurveyService {
  constructor(private readonly deps: SurveyDeps) {}

  static isToken(token: string): boolean {
    return TOKEN.test(token)
  }

  private surveyForm(formRef: number | string): FormModel {
    const form = this.deps.schema.form(formRef)
    if (form.byKey.get(SURVEY_FIELDS.score)?.type !== 'number') throw new ValidationError('publicforms.survey.noFields', { form: form.label }, 'form')
    return form
  }

  /**
   * The survey link of one record for whoever may edit it: the unused one made before, or a new
   * one. Answers the path and, given the page's origin, its QR code.
   */
  async link(actor: Actor, formRef: number | string, recordId: number, origin?: string): Promise<{ path: string; base: string | null; qrSvg: string | null; answered: boolean }> {
    const form = this.surveyForm(formRef)
    this.deps.access.authorizeRecord(actor, 'edit', form, recordId)
    const record = this.deps.reads.get(actor, form.id, recordId)
    const answered = record.fields[SURVEY_FIELDS.score] !== null && record.fields[SURVEY_FIELDS.score] !== undefined
    let token = this.deps.db.prepare('SELECT token FROM public_survey_tokens WHERE form_id = ? AND record_id = ? AND used_at IS NULL ORDER BY created_at DESC LIMIT 1').pluck().get(form.id, recordId) as string | undefined
    if (!token) {
      token = randomBytes(18).toString('base64url')
      this.deps.db.prepare('INSERT INTO public_survey_tokens (token, form_id, record_id, created_at, created_by) VALUES (?, ?, ?, ?, ?)').run(token, form.id, recordId, this.deps.clock.now(), actor.id || null)
    }
    const path = `/p/${token}`
    // Links start at the public address when set (customers reach that one), else at the page's origin.
    const base = linkBase(this.deps, origin)
    return { path, base, qrSvg: base ? await QRCode.toString(base + path, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' }) : null, answered }
  }

  /** The page for a token: null when unknown, 'used' once answered (or the record is gone). */
  definition(token: string): SurveyDefinition | 'used' | null {
    if (!TOKEN.test(token)) return null
    const row = this.deps.db.prepare('SELECT form_id, record_id, used_at FROM public_survey_tokens WHERE token = ?').get(token) as { form_id: number; record_id: number; used_at: number | null } | undefined
    if (!row) return null
    if (row.used_at !== null) return 'used'
    let form: FormModel
    try {
      form = this.surveyForm(row.form_id)
      const record = this.deps.reads.get(SYSTEM_ACTOR, form.id, row.record_id)
      const title = form.titleField ? record.fields[form.titleField.apiKey] : null
      return { token, subject: typeof title === 'string' ? title : `#${record.id}`, withComment: form.byKey.has(SURVEY_FIELDS.comment) }
    } catch (e) {
      if (e instanceof NotFoundError || e instanceof ValidationError) return 'used'
      throw e
    }
  }

  /** Store one answer and spend the token, in one transaction. */
  answer(token: string, submitted: Record<string, string>): void {
    const definition = this.definition(token)
    if (definition === null) throw new NotFoundError('publicforms.error.notFound')
    if (definition === 'used') throw new ConflictError('publicforms.survey.used')
    for (const key of Object.keys(submitted)) {
      if (key !== 'score' && key !== 'comment') throw new ValidationError('publicforms.error.fieldNotAllowed', { field: key.slice(0, 40) }, key.slice(0, 64))
    }
    const score = Number(submitted.score)
    if (!Number.isInteger(score) || score < 1 || score > 5) throw new ValidationError('publicforms.survey.score.invalid', {}, 'score')
    const comment = (submitted.comment ?? '').trim().slice(0, 2000)
    const row = this.deps.db.prepare('SELECT form_id, record_id FROM public_survey_tokens WHERE token = ?').get(token) as { form_id: number; record_id: number }
    const form = this.surveyForm(row.form_id)
    const values: Record<string, unknown> = { [SURVEY_FIELDS.score]: score }
    if (form.byKey.has(SURVEY_FIELDS.comment)) values[SURVEY_FIELDS.comment] = comment || null
    if (form.byKey.has(SURVEY_FIELDS.at)) values[SURVEY_FIELDS.at] = new Date(this.deps.clock.now()).toISOString()
    this.deps.writes.transaction(() => {
      const spent = this.deps.db.prepare('UPDATE public_survey_tokens SET used_at = ? WHERE token = ? AND used_at IS NULL').run(this.deps.clock.now(), token)
      if (spent.changes !== 1) throw new ConflictError('publicforms.survey.used')
      this.deps.writes.update(PUBLIC_ACTOR, form.id, row.record_id, values)
    })
  }
}
