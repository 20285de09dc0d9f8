import type { Actor } from '../access/actor'
import { toUserDto } from '../access/auth'
import { fieldDto } from '../forms/schema-service'
import type { MethodName, MethodOutput, MethodParsedInput } from '../shared/api/contracts'
import { AuthError, ValidationError } from '../shared/errors'
import type { CoreHost } from './host'
import { translate, type Locale } from '../shared/locales'

// API handlers: one per contract method, each a thin call into the core. They never know which
// transport called them. The `Handlers` type makes a missing or mistyped handler a compile error.

export interface CallContext {
  host: CoreHost
  actor: Actor | null
  token: string | null
  locale: Locale
  client?: string
}

type Handler<M extends MethodName> = (input: MethodParsedInput<M>, ctx: CallContext) => MethodOutput<M> | Promise<MethodOutput<M>>
export type Handlers = { [M in MethodName]: Handler<M> }

const actorOf = (ctx: CallContext): Actor => {
  if (!ctx.actor) throw new AuthError()
  return ctx.actor
}

export const VERSION = '0.1.0'

export const handlers: Handlers = {
  'system.status': (_i, { host, actor }) => {
    const core = host.core
    const user = actor ? core.auth.user(actor.id) : undefined
    return { needsSetup: core.auth.needsSetup(), version: VERSION, user: user ? toUserDto(user) : null }
  },
  'auth.setup': (input, { host }) => {
    const { user, token } = host.core.auth.setup(input)
    return { user: toUserDto(user), token }
  },
  'auth.login': (input, { host, client }) => {
    const { user, token } = host.core.auth.login(input.login, input.password, client)
    return { user: toUserDto(user), token }
  },
  'auth.logout': (_i, { host, token }) => {
    if (token) host.core.auth.logout(token)
    return { ok: true as const }
  },
  'auth.me': (_i, ctx) => toUserDto(ctx.host.core.auth.user(actorOf(ctx).id)!),
  'users.list': (_i, { host }) => host.core.auth.users().map(toUserDto),

  'apps.list': (_i, { host }) => host.core.schema.listApps(),
  'apps.create': (input, { host }) => host.core.schema.createApp(input),
  'apps.update': (input, { host }) => host.core.schema.updateApp(input),

  'forms.list': (input, { host }) => host.core.schema.formIds(input.appId).map((id) => host.core.schema.toDto(host.core.schema.form(id))),
  'forms.get': (input, { host }) => host.core.schema.toDto(host.core.schema.form(input.form)),
  'forms.create': (input, { host }) => host.core.schema.toDto(host.core.schema.createForm(input)),
  'forms.update': (input, { host }) => host.core.schema.toDto(host.core.schema.updateForm(input)),
  'fields.create': ({ form, ...field }, { host }) => fieldDto(host.core.schema.addField(form, field)),
  'fields.update': (input, { host }) => {
    const { field, ...report } = host.core.schema.updateField(input)
    return { field: fieldDto(field), converted: report.converted, failures: report.failures, applied: report.applied }
  },
  'fields.delete': (input, { host }) => fieldDto(host.core.schema.deleteField(input.id)),
  'fields.restore': (input, { host }) => fieldDto(host.core.schema.restoreField(input.id)),
  'fields.purge': (input, { host }) => {
    host.core.schema.purgeField(input.id)
    return { ok: true as const }
  },
  'formulas.check': (input, { host, locale }) => {
    const schema = host.core.schema
    const form = schema.form(input.form)
    try {
      return { ok: true, type: schema.checkExpression(form, input.expression, input.fieldId ?? -1), error: null }
    } catch (e) {
      if (e instanceof ValidationError) {
        const position = typeof e.params.position === 'number' ? e.params.position : null
        return { ok: false, type: null, error: { message: translate(locale, e.messageKey, e.params), position } }
      }
      throw e
    }
  },

  'records.list': (input, ctx) => ctx.host.core.reads.list(actorOf(ctx), input),
  'records.count': (input, ctx) => ctx.host.core.reads.count(actorOf(ctx), input),
  'records.get': (input, ctx) => ctx.host.core.reads.get(actorOf(ctx), input.form, input.id),
  'records.create': (input, ctx) => {
    const id = ctx.host.core.writes.create(actorOf(ctx), input.form, input.fields)
    return ctx.host.core.reads.get(actorOf(ctx), input.form, id)
  },
  'records.update': (input, ctx) => {
    ctx.host.core.writes.update(actorOf(ctx), input.form, input.id, input.fields, input.version)
    return ctx.host.core.reads.get(actorOf(ctx), input.form, input.id)
  },
  'records.delete': (input, ctx) => ({ deleted: ctx.host.core.writes.delete(actorOf(ctx), input.form, input.ids) }),
  'records.restore': (input, ctx) => ({ restored: ctx.host.core.writes.restore(actorOf(ctx), input.form, input.ids) }),
  'records.trash': (input, ctx) => ctx.host.core.reads.trash(actorOf(ctx), input.form, input.limit),
  'records.bulkCreate': (input, ctx) => {
    const ids = ctx.host.core.writes.bulkCreate(actorOf(ctx), input.form, input.rows)
    return { created: ids.length, ids }
  },
  'records.history': (input, ctx) => ctx.host.core.reads.history(actorOf(ctx), input.form, input.id),
  'search.global': (input, ctx) => ctx.host.core.reads.searchAll(actorOf(ctx), input.q, input.limit),
  'attachments.upload': (input, { host }) => host.core.attachments.put(input.name, input.mime, input.data),

  'backups.list': (_i, { host }) => host.core.backups().map(toBackupDto),
  'backups.create': async (_i, { host }) => toBackupDto(await host.core.backup('manual')),
  'backups.restore': async (input, { host }) => {
    await host.restore(input.file)
    return { ok: true as const }
  }
}

function toBackupDto(b: { file: string; reason: string; createdAt: number; size: number }) {
  return { file: b.file, reason: b.reason, createdAt: new Date(b.createdAt).toISOString(), size: b.size }
}

