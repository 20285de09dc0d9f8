import type { imContracts } from '../../shared/api/im'
import { actorOf, ok, type HandlersOf } from '../handler-kit'

// Handlers of 设置 → 钉钉 / 企业微信 (contracts in src-main/shared/api/im.ts; the service in src-main/im).

export const imHandlers: HandlersOf<typeof imContracts> = {
  'im.settings': (_i, { host }) => host.core.im.settings(),
  'im.updateSettings': (input, ctx) => ctx.host.core.im.update(actorOf(ctx).id, input),
  'im.test': (input, { host }) => host.core.im.test(input.provider),
  'im.importContacts': (input, ctx) => ctx.host.core.im.importContacts(actorOf(ctx).id, input.provider),
  'im.bindings': (_i, { host }) => host.core.im.bindings(),
  'im.bind': (input, ctx) => {
    ctx.host.core.im.bind(actorOf(ctx).id, input.userId, input.provider, input.externalId)
    return ok
  }
}
