import type { flowContracts } from '../../shared/api/flows'
import { translate } from '../../shared/locales'
import { actorOf, ok, type HandlersOf } from '../handler-kit'

// Handlers of the methods declared in src-main/shared/api/flows.ts: thin calls into core.flows.
export const flowHandlers: HandlersOf<typeof flowContracts> = {
  'flows.list': (input, ctx) => {
    actorOf(ctx)
    return ctx.host.core.flows.list(input.form)
  },
  'flows.get': (input, ctx) => {
    actorOf(ctx)
    return ctx.host.core.flows.get(input.id)
  },
  'flows.create': (input, ctx) => ctx.host.core.flows.create(actorOf(ctx), input),
  'flows.save': (input, ctx) => {
    actorOf(ctx)
    return ctx.host.core.flows.save(input)
  },
  'flows.delete': (input, ctx) => {
    actorOf(ctx)
    ctx.host.core.flows.remove(input.id)
    return ok
  },
  'flows.validate': (input, ctx) => {
    actorOf(ctx)
    return ctx.host.core.flows.validate(input.id, input.draft, ctx.locale)
  },
  'flows.publish': (input, ctx) => ctx.host.core.flows.publish(actorOf(ctx), input.id),
  'flows.available': (input, ctx) => ctx.host.core.flows.available(actorOf(ctx), input.form),
  'flows.start': (input, ctx) => ctx.host.core.flows.start(actorOf(ctx), input),
  'flows.recordStatus': (input, ctx) => ctx.host.core.flows.recordStatus(actorOf(ctx), input.form, input.recordId),
  'flows.instance': (input, ctx) => ctx.host.core.flows.instance(actorOf(ctx), input.id),
  'flows.todo': (input, ctx) => ctx.host.core.flows.todo(actorOf(ctx), input),
  'flows.counts': (_input, ctx) => ctx.host.core.flows.counts(actorOf(ctx)),
  'flows.approve': (input, ctx) => ctx.host.core.flows.approve(actorOf(ctx), input),
  'flows.reject': (input, ctx) => ctx.host.core.flows.reject(actorOf(ctx), input),
  'flows.return': (input, ctx) => ctx.host.core.flows.returnTo(actorOf(ctx), input),
  'flows.transfer': (input, ctx) => ctx.host.core.flows.transfer(actorOf(ctx), input),
  'flows.addSigner': (input, ctx) => ctx.host.core.flows.addSigner(actorOf(ctx), input),
  'flows.withdraw': (input, ctx) => ctx.host.core.flows.withdraw(actorOf(ctx), input),
  'flows.resubmit': (input, ctx) => ctx.host.core.flows.resubmit(actorOf(ctx), input),
  'flows.urge': (input, ctx) => ({ urged: ctx.host.core.flows.urge(actorOf(ctx), input) }),
  'flows.comment': (input, ctx) => {
    ctx.host.core.flows.comment(actorOf(ctx), input)
    return ok
  },
  'flows.markRead': (input, ctx) => {
    ctx.host.core.flows.markRead(actorOf(ctx), input.taskId)
    return ok
  },
  'flows.batchApprove': (input, ctx) => ({
    results: ctx.host.core.flows.batchApprove(actorOf(ctx), input).map((r) => ({
      taskId: r.taskId,
      ok: r.ok,
      message: r.ok ? null : translate(ctx.locale, r.error.messageKey, r.error.params)
    }))
  })
}
