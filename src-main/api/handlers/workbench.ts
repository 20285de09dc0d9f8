import type { workbenchContracts } from '../../shared/api/workbench'
import { lanSharingOn, Workbench } from '../../workbench/workbench'
import { actorOf, ok, type CallContext, type HandlersOf } from '../handler-kit'

// Handlers of 我的工作台 (contracts in src-main/shared/api/workbench.ts).

const workbench = ({ host: { core } }: CallContext) =>
  new Workbench({ db: core.db, schema: core.schema, access: core.access, reads: core.reads, flows: core.flows, notifications: core.notifications, settings: core.settings, clock: core.clock })

export const workbenchHandlers: HandlersOf<typeof workbenchContracts> = {
  'workbench.day': (_i, ctx) => workbench(ctx).day(actorOf(ctx), lanSharingOn(ctx.host.core.db)),
  'workbench.opened': (input, ctx) => {
    workbench(ctx).opened(actorOf(ctx), input.form, input.id)
    return ok
  },
  'workbench.dismissChecklist': (_i, ctx) => {
    workbench(ctx).dismissChecklist()
    return ok
  }
}
