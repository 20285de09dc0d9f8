import { LanDevices } from '../../lan/devices'
import { ConflictError } from '../../shared/errors'
import type { lanContracts } from '../../shared/api/lan'
import { actorOf, ok, type CallContext, type HandlersOf } from '../handler-kit'

// Handlers of 设置 → 局域网共享 (contracts in src-main/shared/api/lan.ts). The share switch
// belongs to the process (serve.ts or the desktop shell sets host.lan); where there is none the
// status says so and switching is refused.

const devices = ({ host }: CallContext) => new LanDevices(host.core.db, host.core.clock, host.core.audit)

async function status(ctx: CallContext) {
  const share = ctx.host.lan
  if (!share) return { available: false, sharing: false, fixed: false, urls: [], helpUrl: null, qrSvg: null, fingerprint: null, connected: devices(ctx).connected(), devices: devices(ctx).list() }
  return { available: true, ...(await share.status()) }
}

export const lanHandlers: HandlersOf<typeof lanContracts> = {
  'lan.status': (_i, ctx) => status(ctx),
  'lan.setSharing': async (input, ctx) => {
    const share = ctx.host.lan
    if (!share) throw new ConflictError('lan.error.notSetUp')
    await share.setSharing(input.on, actorOf(ctx).id)
    return status(ctx)
  },
  'lan.decide': (input, ctx) => devices(ctx).decide(input.id, input.approve, actorOf(ctx).id),
  'lan.revoke': (input, ctx) => {
    devices(ctx).revoke(input.id, actorOf(ctx).id)
    return ok
  }
}
