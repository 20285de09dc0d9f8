import { writable } from '../access/access-layer'
import { fieldDto } from '../forms/schema-service'
import { coreContracts, RECORD_ACTIONS, type MethodName, type RecordWriteResult } from '../shared/api/contracts'
import { NotFoundError, ValidationError } from '../shared/errors'
import { translate } from '../shared/locales'
import { auditCsv, listAudit, verifyMessage } from './audit-view'
import { inspectSheets } from '../sheets/inspect'
import { actorOf, designer, ok, type CallContext, type Handler, type HandlersOf } from './handler-kit'
import { savedOutOfSight } from './saved'
import { crmHandlers } from './handlers/crm'
import { flowHandlers } from './handlers/flows'
import { ruleHandlers } from './handlers/rules'
import { reportHandlers } from './handlers/reports'
import { forecastHandlers } from './handlers/forecast'
import { transferHandlers } from './handlers/transfer'
import { settingsHandlers } from './handlers/settings'
import { lanHandlers } from './handlers/lan'
import { publicFormHandlers } from './handlers/publicforms'
import { documentHandlers } from './handlers/documents'
import { imHandlers } from './handlers/im'
import { workbenchHandlers } from './handlers/workbench'
import { syncHandlers } from './handlers/sync'
import { printHandlers } from './handlers/print'
import { VERSION as APP_VERSION } from '../version'

// API handlers: the core's table here, each engine's in ./handlers/<engine>.ts, merged into one
// table. The `Handlers` type makes a missing or mistyped handler a compile error.
export type { CallContext } from './handler-kit'
export type Handlers = { [M in MethodName]: Handler<M> }

/** From package.json (src-main/version.ts); re-exported for the OpenAPI document. */
export const VERSION = APP_VERSION

const fieldFormId = (ctx: CallContext, fieldId: number) => ctx.host.core.schema.fieldById(fieldId).formId

const coreHandlers: HandlersOf<typeof coreContracts> = {
  'system.status': (_i, { host, actor }) => {
    const core = host.core
    const user = actor ? core.auth.user(actor.id) : undefined
    return { needsSetup: core.auth.needsSetup(), version: VERSION, user: user ? core.auth.toDto(user) : null }
  },
  'auth.setup': async (input, { host }) => {
    const { user, token } = await host.core.auth.setup(input)
    return { user: host.core.auth.toDto(user), token }
  },
  'auth.login': async (input, { host, client, address }) => {
    const { user, token } = await host.core.auth.login(input.login, input.password, { client, address })
    return { user: host.core.auth.toDto(user), token }
  },
  'auth.logout': (_i, { host, token }) => {
    if (token) host.core.auth.logout(token)
    return ok
  },
  'auth.me': (_i, ctx) => ctx.host.core.auth.toDto(ctx.host.core.auth.user(actorOf(ctx).id)!),
  'auth.changePassword': async (input, ctx) => {
    await ctx.host.core.auth.changePassword(actorOf(ctx).id, input.oldPassword, input.newPassword, ctx.token)
    return ok
  },
  'auth.sessions': (_i, ctx) => ctx.host.core.auth.sessions(actorOf(ctx).id, ctx.token),
  'auth.revokeSession': (input, ctx) => {
    ctx.host.core.auth.revokeSession(actorOf(ctx).id, input.id)
    return ok
  },
  'auth.logoutEverywhere': (_i, ctx) => {
    ctx.host.core.auth.logoutEverywhere(actorOf(ctx).id)
    return ok
  },
  'tokens.list': (_i, ctx) => ctx.host.core.auth.tokens(actorOf(ctx).id),
  'tokens.create': (input, ctx) => ctx.host.core.auth.createToken(actorOf(ctx).id, input),
  'tokens.revoke': (input, ctx) => {
    ctx.host.core.auth.revokeToken(actorOf(ctx).id, input.id)
    return ok
  },

  // Colleagues see each other's names; contact data, logins, roles and lock status are for administrators.
  'users.list': (_i, { host }) => host.core.auth.users().map((u) => host.core.auth.toColleagueDto(u)),
  'users.listFull': (_i, { host }) => host.core.auth.users().map((u) => host.core.auth.toDto(u)),
  'users.create': async (input, ctx) => {
    const id = await ctx.host.core.org.createUser(actorOf(ctx).id, input)
    return ctx.host.core.auth.toDto(ctx.host.core.auth.user(id)!)
  },
  'users.update': ({ id, ...input }, ctx) => {
    ctx.host.core.org.updateUser(actorOf(ctx).id, id, input)
    return ctx.host.core.auth.toDto(ctx.host.core.auth.user(id)!)
  },
  'users.resetPassword': async (input, ctx) => {
    await ctx.host.core.auth.resetPassword(actorOf(ctx).id, input.id, input.password)
    return ok
  },
  'departments.list': (_i, { host }) => host.core.org.departments(),
  'departments.create': (input, ctx) => ctx.host.core.org.createDepartment(actorOf(ctx).id, input),
  'departments.update': (input, ctx) => ctx.host.core.org.updateDepartment(actorOf(ctx).id, input),
  'departments.delete': (input, ctx) => {
    ctx.host.core.org.deleteDepartment(actorOf(ctx).id, input.id)
    return ok
  },
  'roles.list': (_i, { host }) => host.core.org.roles(),
  'roles.create': (input, ctx) => ctx.host.core.org.createRole(actorOf(ctx).id, input),
  'roles.update': (input, ctx) => ctx.host.core.org.updateRole(actorOf(ctx).id, input),
  'roles.delete': (input, ctx) => {
    ctx.host.core.org.deleteRole(actorOf(ctx).id, input.id)
    return ok
  },
  'permissions.get': (input, { host }) => host.core.org.permissions(input.roleId),
  'permissions.set': ({ roleId, ...p }, ctx) => ctx.host.core.org.setPermission(actorOf(ctx).id, roleId, p),
  'audit.list': (input, ctx) => listAudit(ctx.host.core, actorOf(ctx), input, ctx.locale),
  'audit.verify': (_i, { host, locale }) => {
    const result = host.core.audit.verify()
    return { ...result, message: verifyMessage(result, locale) }
  },
  'audit.export': (input, ctx) => {
    const result = auditCsv(ctx.host.core, actorOf(ctx), input, ctx.locale)
    ctx.host.core.audit.appendCommitted({ op: 'export', actorId: actorOf(ctx).id, detail: { what: 'audit', rows: result.rows } })
    return { filename: result.filename, csv: result.csv }
  },

  'apps.list': (_i, { host }) => host.core.schema.listApps(),
  'apps.create': (input, { host }) => host.core.schema.createApp(input),
  'apps.update': (input, { host }) => host.core.schema.updateApp(input),

  'forms.list': (input, ctx) => {
    const { schema, access } = ctx.host.core
    const actor = actorOf(ctx)
    // A user sees the forms they may view, each with the fields they may read.
    return schema.formIds(input.appId).map((id) => schema.form(id)).filter((f) => access.can(actor, 'view', f)).map((f) => schema.toDto(f, access.hiddenFieldIds(actor, f)))
  },
  'forms.access': (input, ctx) => {
    const { schema, access } = ctx.host.core
    const actor = actorOf(ctx)
    const form = schema.form(input.form)
    const rules = access.writeRules(actor, form)
    // Fields only a flow or the system writes (审批状态) are read-only to everyone, administrators too.
    const owned = ctx.host.core.writes.systemOwnedFields(form)
    const readonly = form.fields.filter((f) => (!writable(rules, f) || owned.has(f.id)) && !rules.hidden.has(f.id)).map((f) => f.apiKey)
    return { actions: RECORD_ACTIONS.filter((action) => access.can(actor, action, form)), readonly }
  },
  'forms.get': (input, ctx) => {
    const { schema, access } = ctx.host.core
    const actor = actorOf(ctx)
    const form = schema.form(input.form)
    access.authorize(actor, 'view', form)
    return schema.toDto(form, access.hiddenFieldIds(actor, form))
  },
  'forms.create': (input, { host }) => host.core.schema.toDto(host.core.schema.createForm(input)),
  'forms.update': (input, ctx) => {
    designer(ctx, input.form)
    return ctx.host.core.schema.toDto(ctx.host.core.schema.updateForm(input))
  },
  'forms.design': (input, ctx) => {
    designer(ctx, input.form)
    const { form, created } = ctx.host.core.schema.applyDesign(input.form, input)
    return { form: ctx.host.core.schema.toDto(form), created }
  },
  'fields.create': ({ form, ...field }, ctx) => {
    designer(ctx, form)
    return fieldDto(ctx.host.core.schema.addField(form, field))
  },
  'fields.update': (input, ctx) => {
    designer(ctx, fieldFormId(ctx, input.id))
    const { field, ...report } = ctx.host.core.schema.updateField(input)
    return { field: fieldDto(field), converted: report.converted, failures: report.failures, applied: report.applied }
  },
  'fields.mergeOptions': (input, ctx) => {
    designer(ctx, fieldFormId(ctx, input.id))
    const { field, updated } = ctx.host.core.writes.mergeOptions(actorOf(ctx), input.id, input.from, input.into)
    return { field: fieldDto(field), updated }
  },
  'fields.delete': (input, ctx) => {
    designer(ctx, fieldFormId(ctx, input.id))
    return fieldDto(ctx.host.core.schema.deleteField(input.id))
  },
  'fields.restore': (input, ctx) => {
    designer(ctx, fieldFormId(ctx, input.id))
    return fieldDto(ctx.host.core.schema.restoreField(input.id))
  },
  'fields.purge': (input, ctx) => {
    designer(ctx, fieldFormId(ctx, input.id))
    ctx.host.core.schema.purgeField(input.id)
    return ok
  },
  'formulas.check': (input, ctx) => {
    const { host, locale } = ctx
    const schema = host.core.schema
    const form = schema.form(input.form)
    // Only the form designer checks formulas, and the answer describes every field of the form
    // (hidden ones included: a reference to one checks, with its type): the design permission.
    designer(ctx, form.id)
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
    return savedRecord(ctx, input.form, id)
  },
  'records.update': (input, ctx) => {
    ctx.host.core.writes.update(actorOf(ctx), input.form, input.id, input.fields, input.version)
    return savedRecord(ctx, input.form, input.id)
  },
  'records.delete': (input, ctx) => ({ deleted: ctx.host.core.writes.delete(actorOf(ctx), input.form, input.ids) }),
  'records.restore': (input, ctx) => ({ restored: ctx.host.core.writes.restore(actorOf(ctx), input.form, input.ids) }),
  'records.trash': (input, ctx) => ctx.host.core.reads.trash(actorOf(ctx), input.form, input.limit),
  'records.bulkCreate': (input, ctx) => {
    const ids = ctx.host.core.writes.bulkCreate(actorOf(ctx), input.form, input.rows)
    return { created: ids.length, ids }
  },
  'records.transfer': (input, ctx) => ({ transferred: ctx.host.core.writes.transfer(actorOf(ctx), input.form, input) }),
  'records.collaborators': (input, ctx) => {
    const core = ctx.host.core
    core.reads.get(actorOf(ctx), input.form, input.id)
    return core.writes.collaborators(core.schema.form(input.form).id, input.id).map((id) => ({ id, name: core.auth.user(id)?.name ?? `#${id}` }))
  },
  'records.setCollaborators': (input, ctx) => {
    const core = ctx.host.core
    return core.writes.setCollaborators(actorOf(ctx), input.form, input.id, input.userIds).map((id) => ({ id, name: core.auth.user(id)?.name ?? `#${id}` }))
  },
  'records.history': (input, ctx) => ctx.host.core.reads.history(actorOf(ctx), input.form, input.id),
  'search.global': (input, ctx) => ctx.host.core.reads.searchAll(actorOf(ctx), input),
  'attachments.upload': (input, ctx) => ctx.host.core.attachments.put(input.name, input.mime, input.data, actorOf(ctx).id),
  'sheets.inspect': (input, ctx) => {
    actorOf(ctx)
    return inspectSheets(input.name, input.data)
  },
  'views.list': (input, ctx) => ctx.host.core.views.list(actorOf(ctx), input.form),
  'views.create': (input, ctx) => ctx.host.core.views.create(actorOf(ctx), input),
  'views.update': (input, ctx) => ctx.host.core.views.update(actorOf(ctx), input),
  'views.delete': (input, ctx) => {
    ctx.host.core.views.delete(actorOf(ctx), input.id)
    return ok
  },

  'backups.list': (_i, { host }) => host.core.backups().map(toBackupDto),
  'backups.create': async (_i, ctx) => {
    const backup = await ctx.host.core.backup('manual')
    ctx.host.core.audit.appendCommitted({ op: 'backup.create', actorId: actorOf(ctx).id, detail: { file: backup.file } })
    return toBackupDto(backup)
  },
  'backups.restore': async (input, ctx) => {
    const actorId = actorOf(ctx).id
    await ctx.host.restore(input.file)
    // Recorded in the restored database's trail, the one that lives on.
    ctx.host.core.audit.appendCommitted({ op: 'backup.restore', actorId, detail: { file: input.file } })
    return ok
  }
}

export const handlers: Handlers = { ...coreHandlers, ...crmHandlers, ...flowHandlers, ...ruleHandlers, ...reportHandlers, ...transferHandlers, ...settingsHandlers, ...lanHandlers, ...publicFormHandlers, ...documentHandlers, ...imHandlers, ...workbenchHandlers, ...forecastHandlers, ...syncHandlers, ...printHandlers }

/**
 * The answer to a write that committed: the record as the caller now sees it, or — when the write
 * (or a rule it triggered) moved it out of their scope — that it is saved, with its owner now. Never
 * an error after the commit: the caller must not be invited to save it again.
 */
function savedRecord(ctx: CallContext, form: number | string, id: number): RecordWriteResult {
  const core = ctx.host.core
  try {
    return core.reads.get(actorOf(ctx), form, id)
  } catch (e) {
    if (!(e instanceof NotFoundError)) throw e
  }
  return savedOutOfSight(ctx, form, id)
}

function toBackupDto(b: { file: string; reason: string; createdAt: number; size: number }) {
  return { file: b.file, reason: b.reason, createdAt: new Date(b.createdAt).toISOString(), size: b.size }
}
