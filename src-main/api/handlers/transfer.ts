import type { transferContracts } from '../../shared/api/transfer'
import { actorOf, ok, type HandlersOf } from '../handler-kit'

// Handlers of the methods declared in src-main/shared/api/transfer.ts: thin calls into
// core.transfer (src-main/transfer). Files travel as base64 both ways.

const file = (f: { name: string; data: Buffer }) => ({ name: f.name, data: f.data.toString('base64') })

export const transferHandlers: HandlersOf<typeof transferContracts> = {
  'transfer.import.open': (input, ctx) => ({ session: ctx.host.core.transfer.imports.start(actorOf(ctx), input.form, input.name, Buffer.from(input.data, 'base64')) }),
  'transfer.import.sheets': (input, ctx) => ctx.host.core.transfer.imports.sheets(actorOf(ctx), input.session),
  'transfer.import.columns': (input, ctx) => ctx.host.core.transfer.imports.columns(actorOf(ctx), input.session, input.sheet, input.headerRow),
  'transfer.import.preview': (input, ctx) => ctx.host.core.transfer.imports.preview(actorOf(ctx), input.session, input.settings, ctx.locale),
  'transfer.import.run': (input, ctx) => ctx.host.core.transfer.imports.run(actorOf(ctx), input.session, input.settings, ctx.locale),
  'transfer.import.status': (input, ctx) => ctx.host.core.transfer.imports.status(actorOf(ctx), input.session),
  'transfer.import.cancel': (input, ctx) => ctx.host.core.transfer.imports.cancel(actorOf(ctx), input.session),
  'transfer.import.close': async (input, ctx) => {
    await ctx.host.core.transfer.imports.close(actorOf(ctx), input.session)
    return ok
  },
  'transfer.import.errorReport': async (input, ctx) => file(await ctx.host.core.transfer.imports.errorReport(actorOf(ctx), input.session, ctx.locale)),
  'transfer.import.batches': (input, ctx) => ctx.host.core.transfer.imports.batches(actorOf(ctx), input.form),
  'transfer.import.undo': (input, ctx) => ctx.host.core.transfer.imports.undo(actorOf(ctx), input.batchId),
  'transfer.template': async (input, ctx) => file(await ctx.host.core.transfer.exports.template(actorOf(ctx), input.form, ctx.locale)),
  'transfer.export': async (input, ctx) => {
    const result = await ctx.host.core.transfer.exports.export(actorOf(ctx), input, ctx.locale)
    return { ...file(result), rows: result.rows }
  },
  'transfer.app.export': (input, ctx) => file(ctx.host.core.transfer.apps.export(actorOf(ctx), input.app)),
  'transfer.app.preview': (input, ctx) => ctx.host.core.transfer.apps.preview(actorOf(ctx), Buffer.from(input.data, 'base64'), ctx.locale),
  'transfer.app.import': (input, ctx) => ctx.host.core.transfer.apps.install(actorOf(ctx), Buffer.from(input.data, 'base64'), ctx.locale)
}
