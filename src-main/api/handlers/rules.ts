import type { ruleContracts } from '../../shared/api/rules'
import { OffsetClock } from '../../jobs/offset-clock'
import { sendEmail } from '../../notify/email'
import { postWebhook } from '../../notify/webhook'
import { dryRun } from '../../rules/dry-run'
import type { Job } from '../../jobs/scheduler'
import { ValidationError } from '../../shared/errors'
import { translate } from '../../shared/locales'
import { actorOf, ok, type HandlersOf } from '../handler-kit'

// Handlers of the methods declared in src-main/shared/api/rules.ts.

const jobOut = (j: Job) => ({ id: j.id, kind: j.kind, payload: j.payload, runAt: j.runAt, attempts: j.attempts, maxAttempts: j.maxAttempts, lastError: j.lastError, status: j.status, updatedAt: j.updatedAt })

export const ruleHandlers: HandlersOf<typeof ruleContracts> = {
  'rules.list': (input, { host }) => host.core.rules.list(input.form),
  'rules.get': (input, { host }) => host.core.rules.get(input.id),
  'rules.create': (input, ctx) => ctx.host.core.rules.create(input, actorOf(ctx).id),
  'rules.update': (input, { host }) => {
    const { id, ...rest } = input
    return host.core.rules.update(id, rest)
  },
  'rules.delete': (input, { host }) => {
    host.core.rules.delete(input.id)
    return ok
  },
  'rules.setEnabled': (input, { host }) => host.core.rules.setEnabled(input.id, input.enabled),
  'rules.dryRun': (input, { host }) => dryRun(host.core.rules, input),
  'rules.runs': (input, { host }) => host.core.rules.runs(input.id, input.limit),
  'jobs.list': (input, { host }) => host.core.scheduler.list({ status: input.status, limit: input.limit }).map(jobOut),
  'jobs.retry': async (input, { host }) => {
    host.core.scheduler.retry(input.id)
    await host.core.scheduler.tick()
    return jobOut(host.core.scheduler.job(input.id))
  },
  'notify.smtpGet': (_i, { host }) => {
    const { password, ...rest } = host.core.rules.settings.smtp()
    return { ...rest, hasPassword: !!password }
  },
  'notify.smtpSet': (input, { host }) => {
    host.core.rules.settings.setSmtp(input)
    return ok
  },
  'notify.smtpTest': async (input, { host, locale }) => {
    await sendEmail(host.core.rules.settings.smtp(), { to: [input.to], subject: translate(locale, 'rules.mail.testSubject'), text: translate(locale, 'rules.mail.testBody') })
    return ok
  },
  'notify.webhookTest': async (input, { host, locale }) => {
    const text = translate(locale, 'rules.mail.webhookTest')
    const status = await postWebhook({ url: input.url, format: input.format, secret: input.secret, text, payload: { test: true, text }, now: host.core.clock.now() })
    return { status }
  },
  'notifications.list': (input, ctx) => ctx.host.core.notifications.list(actorOf(ctx).id, input),
  'notifications.markRead': (input, ctx) => ({ unread: ctx.host.core.notifications.markRead(actorOf(ctx).id, input.ids) }),
  'clock.get': (_i, { host }) => ({ now: host.core.clock.now(), adjustable: host.core.clock.base instanceof OffsetClock }),
  'clock.advance': async (input, { host }) => {
    const clock = host.core.clock.base
    if (!(clock instanceof OffsetClock)) throw new ValidationError('rules.error.clockFixed')
    clock.advance(input.ms)
    // A tick already under way started before the clock moved: wait for it, then run one at the new time.
    await host.core.scheduler.tick()
    await host.core.scheduler.tick()
    return { now: clock.now() }
  }
}
