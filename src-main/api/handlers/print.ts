import type { printContracts } from '../../shared/api/print'
import { ValidationError } from '../../shared/errors'
import { PdfStore } from '../../print/pdf-store'
import { pdfMaker } from '../../print/pdf-maker'
import { actorOf, type CallContext, type HandlersOf } from '../handler-kit'

// Handlers of the methods declared in src-main/shared/api/print.ts (src-main/print).

const pdfStore = ({ host }: CallContext) => {
  const core = host.core
  return new PdfStore({ db: core.db, clock: core.clock, schema: core.schema, access: core.access, reads: core.reads, writes: core.writes, attachments: core.attachments, audit: core.audit })
}

export const printHandlers: HandlersOf<typeof printContracts> = {
  'print.savePdf': async (input, ctx) => {
    const actor = actorOf(ctx)
    const maker = pdfMaker()
    // Serve mode (a browser): the page prints itself; nothing here could render it.
    if (!maker || !ctx.token) throw new ValidationError('print.error.desktopOnly', {}, 'record')
    return pdfStore(ctx).make(actor, maker, { form: input.form, record: input.record, field: input.field, token: ctx.token, locale: ctx.locale })
  }
}
