import type { Sqlite } from '../db/connection'
import type { Clock } from '../clock'
import type { EventBus } from '../events'
import type { FormModel } from '../forms/model'
import type { SchemaService } from '../forms/schema-service'
import type { ReadService } from '../records/read-service'
import type { WritePipeline } from '../records/write-pipeline'
import type { Job, Scheduler } from '../jobs/scheduler'
import type { SmtpSettings } from '../shared/api/rules'
import type { RecordDto } from '../shared/api/core'
import { SYSTEM_ACTOR } from '../access/actor'
import { DomainError } from '../shared/errors'
import { DEFAULT_LOCALE, translate } from '../shared/locales'
import { formatLongDateTime } from '../shared/format-value'
import { relationConfig } from '../forms/field-types/relation'
import { optionsOf } from '../forms/field-types/select'
import { sendEmail } from '../notify/email'
import { SURVEY_FIELDS, type SurveyService } from './survey'

// 满意度回访 sent by itself: when a record of a survey form (one with `csatScore`, such as the sales
// app's 服务工单) moves to the status `closed` and has not been rated, one e-mail with its survey
// link goes to the contact it links to, through the job scheduler (kind `survey.mail`, retried with
// back-off; the key `survey:<form>:<record>` makes it once per record). What happened is written on
// the record in `csatMail` (回访邮件: sent to whom and when, or why not), so the agent sees it; the
// agent can still give the link or fill the score in after a call. Without a contact address
// nothing is queued and the record says so.

export const SURVEY_MAIL_JOB = 'survey.mail'
/** The record's field that says what became of the survey e-mail. */
export const SURVEY_MAIL_FIELD = 'csatMail'
const STATUS = { field: 'status', closed: 'closed' } as const

export interface SurveyMailDeps {
  db: Sqlite
  clock: Clock
  schema: SchemaService
  reads: ReadService
  writes: WritePipeline
  events: EventBus
  scheduler: Scheduler
  surveys: SurveyService
  smtp(): SmtpSettings
  /** The address colleagues and customers reach the app at (设置 → 钉钉/企业微信 → 公网地址). */
  publicUrl(): string
}

interface Payload {
  formId: number
  recordId: number
  to: string
}

export class SurveyMailer {
  constructor(private readonly deps: SurveyMailDeps) {
    deps.scheduler.registerKind(SURVEY_MAIL_JOB, (payload, job) => this.deliver(payload as Payload, job), { maxAttempts: 6, backoffMs: 60_000 })
    deps.events.on((event) => {
      if (event.type !== 'record.created' && event.type !== 'record.updated') return
      if (event.type === 'record.updated' && !event.fields.includes(STATUS.field)) return
      try {
        this.closed(event.formId, event.recordId)
      } catch (e) {
        // A listener runs after the write committed: a survey that cannot be queued must not fail it.
        console.error('survey e-mail not queued', e)
      }
    })
  }

  private surveyForm(formId: number): FormModel | null {
    const form = this.deps.schema.form(formId)
    const status = form.byKey.get(STATUS.field)
    if (form.byKey.get(SURVEY_FIELDS.score)?.type !== 'number' || status?.type !== 'select') return null
    return form
  }

  private isClosed(form: FormModel, record: RecordDto): boolean {
    const status = form.byKey.get(STATUS.field)!
    const option = optionsOf(status).find((o) => o.id === STATUS.closed)
    const value = record.fields[STATUS.field]
    return option !== undefined && (value === option.id || value === option.label)
  }

  /** The contact's address: the first relation of the record to a form with an e-mail field that has one. */
  private address(form: FormModel, record: RecordDto): string | null {
    for (const f of form.fields) {
      if (f.type !== 'relation' || f.parentFieldId !== null || relationConfig(f).multiple) continue
      const ref = record.fields[f.apiKey] as { id: number } | null | undefined
      if (!ref || typeof ref !== 'object') continue
      const target = this.deps.schema.form(relationConfig(f).targetFormId)
      const email = target.fields.find((t) => t.type === 'email' && t.parentFieldId === null && t.deletedAt === null)
      if (!email) continue
      const linked = this.deps.reads.get(SYSTEM_ACTOR, target.id, ref.id)
      const value = linked.fields[email.apiKey]
      if (typeof value === 'string' && value) return value
    }
    return null
  }

  private note(form: FormModel, recordId: number, key: string, params: Record<string, string | number>): void {
    if (form.byKey.get(SURVEY_MAIL_FIELD)?.type !== 'textarea' && form.byKey.get(SURVEY_MAIL_FIELD)?.type !== 'text') return
    const at = formatLongDateTime(this.deps.clock.now(), DEFAULT_LOCALE)
    this.deps.writes.update(SYSTEM_ACTOR, form.id, recordId, { [SURVEY_MAIL_FIELD]: translate(DEFAULT_LOCALE, key, { ...params, at }) })
  }

  /** A record was written with its status: queue its survey e-mail when it is closed and unrated. */
  closed(formId: number, recordId: number): void {
    const form = this.surveyForm(formId)
    if (!form) return
    const record = this.deps.reads.get(SYSTEM_ACTOR, form.id, recordId)
    if (!this.isClosed(form, record)) return
    const score = record.fields[SURVEY_FIELDS.score]
    if (score !== null && score !== undefined) return
    const key = `survey:${form.id}:${recordId}`
    if (this.deps.scheduler.hasKey(key)) return
    if (!this.deps.smtp().host) return
    const to = this.address(form, record)
    if (!to) {
      this.note(form, recordId, 'publicforms.survey.mail.noAddress', {})
      return
    }
    this.deps.scheduler.enqueue(SURVEY_MAIL_JOB, { formId: form.id, recordId, to } satisfies Payload, { key })
  }

  /** Send one survey e-mail; on failure the record says so and the scheduler retries (the last failure says it gave up). */
  private async deliver(p: Payload, job: Job): Promise<void> {
    const form = this.surveyForm(p.formId)
    if (!form) return
    let record: RecordDto
    try {
      record = this.deps.reads.get(SYSTEM_ACTOR, form.id, p.recordId)
    } catch (e) {
      if (e instanceof DomainError && e.code !== 'INTERNAL') return
      throw e
    }
    // Rated meanwhile (the agent called): nothing to send.
    if (record.fields[SURVEY_FIELDS.score] !== null && record.fields[SURVEY_FIELDS.score] !== undefined) return
    try {
      const base = this.deps.publicUrl().replace(/\/+$/, '')
      if (!/^https?:\/\//.test(base)) throw new DomainError('VALIDATION', 'publicforms.survey.mail.noPublicUrl')
      const { path } = await this.deps.surveys.link(SYSTEM_ACTOR, form.id, p.recordId)
      const title = form.titleField ? String(record.fields[form.titleField.apiKey] ?? '') : `#${record.id}`
      await sendEmail(this.deps.smtp(), {
        to: [p.to],
        subject: translate(DEFAULT_LOCALE, 'publicforms.survey.mail.subject', { title }),
        text: translate(DEFAULT_LOCALE, 'publicforms.survey.mail.body', { title, link: `${base}${path}` })
      })
    } catch (e) {
      const error = e instanceof DomainError ? translate(DEFAULT_LOCALE, e.messageKey, e.params as Record<string, string>) : e instanceof Error ? e.message : String(e)
      const last = job.attempts >= job.maxAttempts
      this.note(form, p.recordId, last ? 'publicforms.survey.mail.gaveUp' : 'publicforms.survey.mail.failed', { to: p.to, error: error.slice(0, 300), attempt: job.attempts, max: job.maxAttempts })
      throw e
    }
    this.note(form, p.recordId, 'publicforms.survey.mail.sent', { to: p.to })
  }
}
