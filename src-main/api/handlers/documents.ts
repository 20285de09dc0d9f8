import type { documentContracts } from '../../shared/api/documents'
import { actorOf, ok, type HandlersOf } from '../handler-kit'
import { printableDocument } from '../../documents/printable'

// Handlers of the methods declared in src-main/shared/api/documents.ts (src-main/documents).
export const documentHandlers: HandlersOf<typeof documentContracts> = {
  'documents.templates': (input, ctx) => ctx.host.core.documents.list(actorOf(ctx), input.form),
  'documents.saveTemplate': (input, ctx) => ctx.host.core.documents.save(actorOf(ctx), input),
  'documents.deleteTemplate': (input, ctx) => {
    ctx.host.core.documents.remove(actorOf(ctx), input.id)
    return ok
  },
  'documents.generate': (input, ctx) => ctx.host.core.documents.generate(actorOf(ctx), input.template, input.record),
  'documents.printable': (input, ctx) => printableDocument(ctx.host.core, actorOf(ctx), input),
  'documents.recipients': (input, ctx) => ctx.host.core.documents.recipients(actorOf(ctx), input.form, input.record),
  'documents.send': (input, ctx) => ctx.host.core.documents.send(actorOf(ctx), input)
}
