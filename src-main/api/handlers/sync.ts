import type { syncContracts } from '../../shared/api/sync'
import { SyncHost } from '../../sync/host'
import { actorOf, type CallContext, type HandlersOf } from '../handler-kit'

// Handlers of offline sync (contracts in src-main/shared/api/sync.ts; the work in src-main/sync/host.ts).

const host = ({ host: { core } }: CallContext) => new SyncHost({ db: core.db, schema: core.schema, access: core.access, writes: core.writes, clock: core.clock, flows: core.flows })

export const syncHandlers: HandlersOf<typeof syncContracts> = {
  'sync.pull': (input, ctx) => host(ctx).pull(actorOf(ctx), input),
  'sync.push': (input, ctx) => ({ results: host(ctx).push(actorOf(ctx), input.device, input.ops, ctx.locale) }),
  // The inbox's reasons and labels are in the language the page asks in (as errors are).
  'sync.conflicts': (input, ctx) => host(ctx).conflicts({ ...actorOf(ctx), locale: ctx.locale }, input.open, input.limit),
  'sync.resolve': (input, ctx) => host(ctx).resolve({ ...actorOf(ctx), locale: ctx.locale }, input)
}
