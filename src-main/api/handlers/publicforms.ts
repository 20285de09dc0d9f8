import type { publicFormContracts } from '../../shared/api/publicforms'
import { actorOf, type HandlersOf } from '../handler-kit'

// Handlers of the public forms' settings (contracts in src-main/shared/api/publicforms.ts). The
// public page and its submissions are not here: src-main/publicforms/route.ts answers them.

export const publicFormHandlers: HandlersOf<typeof publicFormContracts> = {
  'publicForms.get': (input, { host }) => host.core.publicForms.get(input.form, input.origin),
  'publicForms.save': (input, ctx) => ctx.host.core.publicForms.save(actorOf(ctx), input.form, input.config, input.published, input.origin),
  'publicForms.surveyLink': (input, ctx) => ctx.host.core.publicForms.surveys.link(actorOf(ctx), input.form, input.id, input.origin),
  'publicForms.unpublish': (input, { host }) => host.core.publicForms.unpublish(input.form, input.origin)
}
